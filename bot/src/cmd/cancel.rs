//! `!annuler [n]` / `!cancel [n]`: the person who asked, or a coordinator, cancels.

use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::{Ctx, closed, which_request};
use crate::{failure::Failure, scheme::Scheme};

/// Cancels request `number` (or the private room's, or the author's only active one).
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number =
        which_request(scheme, ctx, number, |r| r.requester == sender && r.state.is_active())?
            .ok_or(Failure::Usage(CommandKind::Cancel))?;
    let owed = |request: &_| closed(scheme, ctx, request, Key::CancelledAck, Key::RelayCancelled);
    let (_, queued) = scheme
        .store
        .cancel(number, sender, ctx.roles.coordinator, Some(ctx.event()), scheme.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Cancel))?;
    info!(request = number, "cancelled");
    scheme.outbox.journalled(queued);
    Ok(())
}
