//! `!desinscrire <n°> [raison]` / `!unenrol <no.> [reason]`: a coordinator takes someone
//! off the register (R121-11: on request, at any time). Nothing of the entry is kept but
//! the audit line, which names its number and the reason.

use entraide_commands::{CommandKind, Key};
use entraide_storage::Registration;
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Removes entry `number`.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    number: u64,
    reason: Option<&str>,
) -> Result<(), Failure> {
    let said = scheme.texts.render(ctx.lang, Key::Unenrolled, &[("number", &number.to_string())]);
    let plan = |_: &Registration| vec![ctx.reply(scheme, &said, None)];
    let (_, queued) = scheme
        .store
        .unenrol(number, ctx.sender().as_str(), reason, scheme.now(), plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Unenrol))?;
    scheme.outbox.journalled(queued);
    info!(entry = number, "taken off the register");
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::{AuditAction, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{AGENT, COORDINATION, Desk, Result},
        failure::{self, Failure},
    };

    #[tokio::test]
    async fn an_entry_goes_whole_with_only_its_number_and_reason_in_the_audit() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 05 56 12 34 56").await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, Some("à sa demande")).await?;
        assert!(Desk::said(&desk.owed())[0].contains("retirée du registre"));
        assert!(desk.scheme.store.register()?.is_empty());
        assert!(desk.scheme.store.trees_holding("Lefèvre".as_bytes())?.is_empty());
        let last = desk.scheme.store.audit()?.pop().ok_or("audit")?;
        assert_eq!(
            (last.action, last.entry, last.reason.as_deref()),
            (AuditAction::Unenrol, Some(1), Some("à sa demande"))
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_entry_the_register_has_not_is_refused_by_its_number_and_owes_nothing() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 05 56 12 34 56").await?;
        let audited = desk.scheme.store.audit()?.len();
        let refused = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 9, None).await;
        let Err(failure @ Failure::Transition(TransitionError::NoSuchEntry(9), _)) = refused else {
            return Err(format!("refused, no entry n°9: {refused:?}").into());
        };
        let said = failure::message(&desk.scheme.texts, &failure, Lang::Fr).ok_or("a message")?;
        assert!(said.plain.contains("pas d'inscription n°9"), "{}", said.plain);
        assert!(desk.owed().is_empty(), "nothing owed");
        assert_eq!(desk.scheme.store.register()?.len(), 1, "the register as it was");
        assert_eq!(desk.scheme.store.audit()?.len(), audited, "nothing new on record");
        Ok(())
    }
}
