//! `!confirmer <n°>` / `!confirm <no.>`: a coordinator records that a person registered
//! by someone else (or who asked online) was told and agreed (R121-6): the entry counts.
//! On an active entry, it records the answer to the yearly question: the person stays,
//! and is asked again in a year.

use entraide_commands::{CommandKind, Key};
use entraide_storage::{AuditAction, Enrolment, REVIEW_EVERY, Registration};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Makes pending entry `number` active.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    let now = scheme.now();
    let change = |entry: &mut Registration| {
        entry.status = Enrolment::Active;
        entry.renew(now);
        Ok(())
    };
    // An active entry is kept for another year (the yearly question's answer).
    let was = scheme.store.entry(number)?.map(|entry| entry.status);
    let said = match was {
        Some(Enrolment::Active) => {
            let date = scheme.day(now + REVIEW_EVERY);
            let args = [("number", number.to_string()), ("date", date)];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            scheme.texts.render(ctx.lang, Key::EntryRenewed, &args)
        }
        _ => scheme.texts.render(ctx.lang, Key::EntryConfirmed, &[("number", &number.to_string())]),
    };
    let plan = |_: &Registration| vec![ctx.reply(scheme, &said, None)];
    let actor = ctx.sender().as_str();
    let action = Some(AuditAction::ConfirmEntry);
    let (_, queued) = scheme
        .store
        .change_entry(number, actor, action, None, now, change, plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::ConfirmEntry))?;
    scheme.outbox.journalled(queued);
    info!(entry = number, renewed = was == Some(Enrolment::Active), "registration confirmed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_storage::Enrolment;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn a_pending_entry_counts_once_confirmed_an_active_one_is_kept_another_year() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        desk.enrol("Mme Lefèvre, 87 ans, 05 56 12 34 56, demandé par sa fille").await?;
        assert_eq!(desk.scheme.store.entry(1)?.ok_or("entry")?.status, Enrolment::Pending);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await?;
        assert!(Desk::said(&desk.owed())[0].contains("confirmée"));
        assert_eq!(desk.scheme.store.entry(1)?.ok_or("entry")?.status, Enrolment::Active);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await?;
        assert!(Desk::said(&desk.owed())[0].contains("maintenue au registre"));
        assert!(
            apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 5).await.is_err(),
            "no entry 5"
        );
        Ok(())
    }
}
