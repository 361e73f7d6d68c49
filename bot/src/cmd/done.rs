//! `!fait [n] [mot]` / `!done [n] [note]`: the volunteer closes a request as done; the
//! person who asked is asked how it went.

use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::{Ctx, closed, feedback, which_request};
use crate::{bot::Bot, failure::Failure};

/// Closes request `number` (or the private room's, or the only one the author holds)
/// as done, with the author's note in the outcome log.
pub async fn apply(
    bot: &Bot,
    ctx: &Ctx,
    number: Option<u64>,
    note: Option<String>,
) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(bot, ctx, number, |r| r.state.holder() == Some(sender))?
        .ok_or(Failure::Usage(CommandKind::Done))?;
    let owed = |request: &_| {
        let mut owed = closed(bot, ctx, request, Key::DoneAck, Key::RelayDone);
        owed.extend(feedback::ask(bot, request));
        owed
    };
    let (_, queued) = bot
        .store
        .done(number, sender, note.as_deref(), Some(ctx.event()), bot.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Done))?;
    info!(request = number, "done");
    bot.outbox.journalled(queued);
    Ok(())
}
