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
