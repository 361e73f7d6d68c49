//! `!lacher [n]` / `!release [n]`: the volunteer gives a request back; it is relayed again.

use entraide_commands::{CommandKind, Key, Place};
use tracing::info;

use super::{Ctx, which_request};
use entraide_storage::Request;

use crate::{effects::plan, failure::Failure, scheme::Scheme};

/// Gives back request `number`, or the private room's request, or the only one the
/// author holds.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(scheme, ctx, number, |r| r.state.holder() == Some(sender))?
        .ok_or(Failure::Usage(CommandKind::Release))?;
    // In the private room, the notice of the release (a reply there) is the answer.
    let in_private_room = ctx.place == (Place::Private { request: number });
    let command = in_private_room.then_some(&ctx.reply_to);
    let owed = |request: &Request, old_room: Option<&str>| {
        let mut owed = Vec::new();
        if !in_private_room {
            let message =
                scheme.texts.render(ctx.lang, Key::Released, &[("number", &number.to_string())]);
            owed.push(ctx.reply(scheme, &message, Some(request)));
        }
        owed.extend(plan::release(scheme, request, old_room, sender, command));
        owed
    };
    // What the claim still owed (the intro, telling the requester) is owed no more.
    let dropped = scheme.store.owed_in(number, plan::PRIVATE_LANE)?;
    let (_, _, queued) = scheme
        .store
        .release(number, sender, sender, false, Some(ctx.event()), scheme.now(), &dropped, owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Release))?;
    info!(request = number, "given back");
    scheme.outbox.journalled(queued);
    Ok(())
}
