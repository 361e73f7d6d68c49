//! `!accuse <n°>` / `!acknowledge <no.>`: a coordinator records that a registration was
//! acknowledged (R121-6: within eight days of the request); the reminders stop.

use entraide_commands::{CommandKind, Key};
use entraide_storage::{AuditAction, Registration, TransitionError};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Records the acknowledgement of entry `number`, once.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    let now = scheme.now();
    let change = |entry: &mut Registration| match entry.acknowledged {
        Some(_) => Err(TransitionError::EntryUnchanged(entry.number)),
        None => {
            entry.acknowledged = Some(now);
            Ok(())
        }
    };
    let said = scheme.texts.render(ctx.lang, Key::Acknowledged, &[("number", &number.to_string())]);
    let plan = |_: &Registration| vec![ctx.reply(scheme, &said, None)];
    let actor = ctx.sender().as_str();
    let (_, queued) = scheme
        .store
        .change_entry(number, actor, Some(AuditAction::Acknowledge), None, now, change, plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Acknowledge))?;
    scheme.outbox.journalled(queued);
    info!(entry = number, "registration acknowledged");
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
    async fn an_acknowledgement_is_recorded_once_and_audited() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 05 56 12 34 56").await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await?;
        assert!(
            Desk::said(&desk.owed())[0].contains("Accusé de réception de l'inscription n°1 noté")
        );
        assert!(desk.scheme.store.entry(1)?.ok_or("entry")?.acknowledged.is_some());
        let twice = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await;
        assert!(twice.is_err(), "already done: the worker says so");
        let last = desk.scheme.store.audit()?.pop().ok_or("audit")?;
        assert_eq!((last.action, last.entry), (AuditAction::Acknowledge, Some(1)));
        Ok(())
    }

    #[tokio::test]
    async fn an_entry_the_register_has_not_is_refused_by_its_number_and_owes_nothing() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 05 56 12 34 56").await?;
        let audited = desk.scheme.store.audit()?.len();
        let refused = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 9).await;
        let Err(failure @ Failure::Transition(TransitionError::NoSuchEntry(9), _)) = refused else {
            return Err(format!("refused, no entry n°9: {refused:?}").into());
        };
        let said = failure::message(&desk.scheme.texts, &failure, Lang::Fr).ok_or("a message")?;
        assert!(said.plain.contains("pas d'inscription n°9"), "{}", said.plain);
        assert!(desk.owed().is_empty(), "nothing owed");
        let entry = desk.scheme.store.entry(1)?.ok_or("entry 1")?;
        assert!(entry.acknowledged.is_none(), "no other entry acknowledged");
        assert_eq!(desk.scheme.store.audit()?.len(), audited, "nothing new on record");
        Ok(())
    }
}
