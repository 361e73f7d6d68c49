//! `!corriger <n°> <champ> <valeur>` / `!amend <no.> <field> <value>`: a coordinator
//! corrects one field of a register entry (an empty value clears it). The value is read
//! as `!inscrire` reads it; the answer shows the field as it now is, where register data
//! goes ([`registry::target`]).

use entraide_commands::{
    CommandKind, Key, Message,
    register::{Field, read_field},
};
use entraide_storage::{AuditAction, TransitionError};
use tracing::info;

use super::{Ctx, registry};
use crate::{failure::Failure, scheme::Scheme};

/// Sets `field` (as written) of entry `number` to `value`.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    number: u64,
    field: &str,
    value: &str,
) -> Result<(), Failure> {
    let failed = |error| Failure::Transition(error, CommandKind::Amend);
    let Some(field) = read_field(field) else {
        let said = scheme.texts.render(ctx.lang, Key::UnknownField, &[("field", field)]);
        ctx.answer(scheme, &said, None);
        return Ok(());
    };
    // Read first, to say why a value is refused; the change is made again from the
    // entry the transaction reads, so that a correction made meanwhile is kept.
    let entry = scheme.store.entry(number)?.ok_or(failed(TransitionError::NoSuchEntry(number)))?;
    let today = scheme.today();
    let mut corrected = entry.particulars.clone();
    if let Err(error) = corrected.set(field, value, today) {
        let said = scheme.texts.render(ctx.lang, registry::unreadable(&error), &[]);
        ctx.answer(scheme, &said, None);
        return Ok(());
    }
    let change = |entry: &mut entraide_storage::Registration| {
        entry
            .particulars
            .set(field, value, today)
            .map_err(|_| TransitionError::EntryUnchanged(entry.number))
    };
    let plan = |entry: &entraide_storage::Registration| {
        let number = entry.number.to_string();
        let head = scheme.texts.render(ctx.lang, Key::Amended, &[("number", &number)]);
        let line = registry::field_line(scheme, ctx.lang, &entry.particulars, field);
        vec![registry::confidential(scheme, ctx, &Message::lines([head, line]))]
    };
    let reason = Some(field_name(field));
    let (_, queued) = scheme
        .store
        .change_entry(
            number,
            ctx.sender().as_str(),
            Some(AuditAction::Amend),
            reason,
            scheme.now(),
            change,
            plan,
        )
        .await
        .map_err(failed)?;
    scheme.outbox.journalled(queued);
    info!(entry = number, ?field, "register entry corrected");
    Ok(())
}

/// The field's name in the audit (which never holds the value: it may be personal).
fn field_name(field: Field) -> &'static str {
    match field {
        Field::Name => "name",
        Field::Born => "born",
        Field::Address => "address",
        Field::Area => "area",
        Field::Phones => "phones",
        Field::Contact => "contact",
        Field::Services => "services",
        Field::Doctor => "doctor",
        Field::AskedBy => "asked_by",
        Field::Notes => "notes",
        Field::FamilyTold => "family_told",
    }
}

#[cfg(test)]
mod tests {
    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn a_field_is_corrected_and_audited_without_its_value() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56").await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, 1, "adresse", "14 rue des Lilas").await?;
        let entry = desk.scheme.store.entry(1)?.ok_or("entry 1")?;
        assert_eq!(entry.particulars.address.as_deref(), Some("14 rue des Lilas"));
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("14 rue des Lilas"), "{said:?}");
        let audit = desk.scheme.store.audit()?;
        let last = audit.last().ok_or("the correction")?;
        assert_eq!(last.reason.as_deref(), Some("address"));
        assert!(!serde_json::to_string(&audit)?.contains("14 rue"), "no value in the audit");
        Ok(())
    }

    #[tokio::test]
    async fn an_unknown_field_a_missing_entry_or_a_bad_value_change_nothing() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56").await?;
        let before = desk.scheme.store.entry(1)?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, 1, "couleur", "bleu").await?;
        assert!(Desk::said(&desk.owed())[0].contains("couleur"));
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        let missing = apply(&desk.scheme, &ctx, 9, "adresse", "x").await;
        assert!(missing.is_err(), "no entry 9");
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, 1, "nom", "").await?;
        assert_eq!(Desk::said(&desk.owed()).len(), 1, "the name cannot be cleared");
        assert_eq!(desk.scheme.store.entry(1)?, before);
        Ok(())
    }
}
