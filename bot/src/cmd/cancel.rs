//! `!annuler [n]` / `!cancel [n]`: the person who asked, or a coordinator, cancels.

use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::{Ctx, closed, which_request};
use crate::{bot::Bot, failure::Failure};

/// Cancels request `number` (or the private room's, or the author's only active one).
pub async fn apply(bot: &Bot, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(bot, ctx, number, |r| r.requester == sender && r.state.is_active())?
        .ok_or(Failure::Usage(CommandKind::Cancel))?;
    let owed = |request: &_| closed(bot, ctx, request, Key::CancelledAck, Key::RelayCancelled);
    let (_, queued) = bot
        .store
        .cancel(number, sender, ctx.roles.coordinator, Some(ctx.event()), bot.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Cancel))?;
    info!(request = number, "cancelled");
    bot.outbox.journalled(queued);
    Ok(())
}
