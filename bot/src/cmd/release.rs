//! `!lacher [n]` / `!release [n]`: the volunteer gives a request back; it is relayed again.

use entraide_commands::{CommandKind, Key, Place};
use tracing::info;

use super::{Ctx, which_request};
use entraide_storage::Request;

use crate::{bot::Bot, effects::plan, failure::Failure};

/// Gives back request `number`, or the private room's request, or the only one the
/// author holds.
pub async fn apply(bot: &Bot, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(bot, ctx, number, |r| r.state.holder() == Some(sender))?
        .ok_or(Failure::Usage(CommandKind::Release))?;
    // In the private room, the notice of the release (a reply there) is the answer.
    let in_private_room = ctx.place == (Place::Private { request: number });
    let command = in_private_room.then_some(&ctx.reply_to);
    let owed = |request: &Request, old_room: Option<&str>| {
        let mut owed = Vec::new();
        if !in_private_room {
            let message =
                bot.texts.render(ctx.lang, Key::Released, &[("number", &number.to_string())]);
            owed.push(ctx.reply(bot, &message, Some(request)));
        }
        owed.extend(plan::release(bot, request, old_room, sender, command));
        owed
    };
    // What the claim still owed (the intro, telling the requester) is owed no more.
    let dropped = bot.store.owed_in(number, plan::PRIVATE_LANE)?;
    let (_, _, queued) = bot
        .store
        .release(number, sender, sender, false, Some(ctx.event()), bot.now(), &dropped, owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Release))?;
    info!(request = number, "given back");
    bot.outbox.journalled(queued);
    Ok(())
}
