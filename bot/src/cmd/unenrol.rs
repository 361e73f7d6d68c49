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
    use entraide_storage::AuditAction;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

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
}
