//! `!confirmer <n°>` / `!confirm <no.>`: a coordinator records that a person registered
//! by someone else (or who asked online) was told and agreed (R121-6): the entry counts.

use entraide_commands::{CommandKind, Key};
use entraide_storage::{AuditAction, Enrolment, Registration, TransitionError};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Makes pending entry `number` active.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    let change = |entry: &mut Registration| match entry.status {
        Enrolment::Active => Err(TransitionError::EntryUnchanged(entry.number)),
        Enrolment::Pending => {
            entry.status = Enrolment::Active;
            Ok(())
        }
    };
    let said =
        scheme.texts.render(ctx.lang, Key::EntryConfirmed, &[("number", &number.to_string())]);
    let plan = |_: &Registration| vec![ctx.reply(scheme, &said, None)];
    let actor = ctx.sender().as_str();
    let action = Some(AuditAction::ConfirmEntry);
    let (_, queued) = scheme
        .store
        .change_entry(number, actor, action, None, scheme.now(), change, plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::ConfirmEntry))?;
    scheme.outbox.journalled(queued);
    info!(entry = number, "registration confirmed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_storage::Enrolment;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn a_pending_entry_counts_once_confirmed_an_active_one_needs_nothing() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 05 56 12 34 56, demandé par sa fille").await?;
        assert_eq!(desk.scheme.store.entry(1)?.ok_or("entry")?.status, Enrolment::Pending);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await?;
        assert!(Desk::said(&desk.owed())[0].contains("confirmée"));
        assert_eq!(desk.scheme.store.entry(1)?.ok_or("entry")?.status, Enrolment::Active);
        assert!(apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await.is_err());
        assert!(
            apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 5).await.is_err(),
            "no entry 5"
        );
        Ok(())
    }
}
