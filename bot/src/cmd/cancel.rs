//! `!annuler [n]` / `!cancel [n]`: the person who asked, or a coordinator, cancels.

use chrono::Utc;
use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::{Ctx, which_request};
use crate::{bot::Bot, effects, failure::Failure};

/// Cancels request `number` (or the private room's, or the author's only active one).
pub async fn apply(bot: &Bot, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(bot, ctx, number, |r| r.requester == sender && r.state.is_active())?
        .ok_or(Failure::Usage(CommandKind::Cancel))?;
    let request = bot
        .store
        .cancel(number, sender, ctx.roles.coordinator, Utc::now())
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Cancel))?;
    info!(request = number, "cancelled");
    let message = bot.texts.render(ctx.lang, Key::CancelledAck, &[("number", &number.to_string())]);
    let in_private_room = Some(ctx.room.room_id().as_str()) == request.private_room.as_deref();
    let tell_private = (!in_private_room).then_some(&message);
    effects::after_close(bot, &request, Key::RelayCancelled, tell_private).await;
    ctx.answer(bot, &message, Some(&request)).await;
    Ok(())
}
