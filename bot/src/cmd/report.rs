//! `!rapport [période]` / `!report [period]`: a coordinator asks for the report of a
//! period (this month by default): the figures' notice, a chart (PNG) and the figures as a
//! CSV table, posted where they asked. Counts only, as `!stats`.

use entraide_commands::{CommandKind, Span};
use entraide_storage::{Action, Effect};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Owes the report of `span` in the room the command came from; it is computed and
/// drawn when it is sent, by the effect workers, so that no decision waits for it.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, span: Span) -> Result<(), Failure> {
    let Some(period) = span.resolve(scheme.today()) else {
        ctx.answer(scheme, &scheme.texts.usage(ctx.lang, CommandKind::Report), None);
        return Ok(());
    };
    let room = ctx.room.to_string();
    let send = Effect {
        request: 0,
        lane: room.clone(),
        urgent: false,
        action: Action::SendReport { room, from: period.start, to: period.end, lang: ctx.lang },
    };
    let queued = scheme
        .store
        .owe(vec![send])
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Report))?;
    info!("a report owed");
    scheme.outbox.journalled(queued);
    Ok(())
}
