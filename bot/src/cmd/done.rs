//! `!fait [n] [mot]` / `!done [n] [note]`: the volunteer closes a request as done; the
//! person who asked is asked how it went.

use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::{Ctx, closed, feedback, which_request};
use crate::{failure::Failure, scheme::Scheme};

/// Closes request `number` (or the private room's, or the only one the author holds)
/// as done, with the author's note in the outcome log.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    number: Option<u64>,
    note: Option<String>,
) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(scheme, ctx, number, |r| r.state.holder() == Some(sender))?
        .ok_or(Failure::Usage(CommandKind::Done))?;
    let owed = |request: &_| {
        let mut owed = closed(scheme, ctx, request, Key::DoneAck, Key::RelayDone);
        owed.extend(feedback::ask(scheme, request));
        owed
    };
    let (_, queued) = scheme
        .store
        .done(number, sender, note.as_deref(), Some(ctx.event()), scheme.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Done))?;
    info!(request = number, "done");
    scheme.outbox.journalled(queued);
    Ok(())
}
