//! `!inscrire <phrase>` / `!enrol <sentence>`: a coordinator enters someone on the alert
//! register in one sentence, written as people write. The answer shows what was
//! understood, field by field, how to correct one, and the law's next steps: the
//! person's agreement when someone else asked (R121-6), the acknowledgement due within
//! eight days. Register data: answered where [`registry::target`] says.

use entraide_commands::{CommandKind, Key, Lang, Message, register::read_entry};
use entraide_storage::{NewEntry, Registration, Way};
use tracing::info;

use super::{Ctx, registry};
use crate::{failure::Failure, scheme::Scheme};

/// Enters what `text` says, or says what is missing and enters nothing.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, text: &str) -> Result<(), Failure> {
    let particulars = match read_entry(text, scheme.today()) {
        Ok(particulars) => particulars,
        Err(error) => {
            let key = registry::unreadable(&error);
            ctx.answer(scheme, &scheme.texts.render(ctx.lang, key, &[]), None);
            return Ok(());
        }
    };
    let new = NewEntry { particulars, way: Way::Coordinator, entered_by: ctx.sender().to_string() };
    let plan = |entry: &Registration| {
        vec![registry::confidential(scheme, ctx, &understood(scheme, ctx.lang, entry))]
    };
    let (entry, queued) = scheme
        .store
        .enrol(new, Some(ctx.event()), scheme.now(), plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Enrol))?;
    scheme.outbox.journalled(queued);
    info!(entry = entry.number, pending = entry.by_third_party(), "entered on the register");
    Ok(())
}

/// What was understood of a new entry, and what comes next.
pub fn understood(scheme: &Scheme, lang: Lang, entry: &Registration) -> Message {
    let number = entry.number.to_string();
    let mut lines = vec![scheme.texts.render(lang, Key::Enrolled, &[("number", &number)])];
    lines.extend(registry::fields(scheme, lang, &entry.particulars));
    lines.extend(registry::next_steps(scheme, lang, entry));
    lines.push(scheme.texts.render(lang, Key::AmendHint, &[("number", &number)]));
    Message::lines(lines)
}

#[cfg(test)]
mod tests {
    use entraide_storage::{Action, AuditAction, Enrolment, Target};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn a_sentence_becomes_an_entry_shown_privately_with_the_laws_next_steps() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        let text = "Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56, contact sa fille \
                    06 11 22 33 44, demandé par sa fille";
        apply(&desk.scheme, &ctx, text).await?;
        let entry = desk.scheme.store.entry(1)?.ok_or("entry 1")?;
        assert_eq!(entry.particulars.name, "Mme Lefèvre");
        assert_eq!(entry.status, Enrolment::Pending, "asked by her daughter");
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "{owed:?}");
        let Action::Notice { to, message, .. } = &owed[0].action else {
            return Err("a notice".into());
        };
        assert_eq!(*to, Target::Confidential { asked_by: AGENT.to_owned() });
        for said in [
            "n°1",
            "Mme Lefèvre",
            "12 rue des Lilas",
            "05 56 12 34 56",
            "!confirmer 1",
            "!accuse 1",
            "!corriger 1",
        ] {
            assert!(message.plain.contains(said), "{said}: {}", message.plain);
        }
        let audit = desk.scheme.store.audit()?;
        assert_eq!((audit[0].action, audit[0].entry), (AuditAction::Enrol, Some(1)));
        Ok(())
    }

    #[tokio::test]
    async fn a_sentence_without_a_name_or_a_way_to_reach_enters_nothing() -> Result<()> {
        let mut desk = Desk::new().await?;
        for text in ["87 ans, 05 56 12 34 56", "Mme Lefèvre, 87 ans"] {
            let ctx = desk.ctx(COORDINATION, AGENT)?;
            apply(&desk.scheme, &ctx, text).await?;
            let said = Desk::said(&desk.owed());
            assert_eq!(said.len(), 1, "{said:?}");
            assert!(
                said[0].contains("Rien n'est inscrit") || said[0].contains("pas trouvé de nom"),
                "{said:?}"
            );
        }
        assert!(desk.scheme.store.register()?.is_empty());
        Ok(())
    }
}
