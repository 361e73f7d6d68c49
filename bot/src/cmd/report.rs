//! `!rapport [période]` / `!report [period]`: a coordinator asks for the report of a
//! period (this month by default): the figures' notice, a chart (PNG) and the figures as a
//! CSV table, posted where they asked. Counts only, as `!stats`.

use entraide_commands::{CommandKind, Span};
use entraide_storage::{Action, Effect};
use tracing::info;

use super::Ctx;
use crate::{bot::Bot, failure::Failure};

/// Owes the report of `span` in the room the command came from; it is computed and
/// drawn when it is sent, by the effect workers, so that no decision waits for it.
pub async fn apply(bot: &Bot, ctx: &Ctx, span: Span) -> Result<(), Failure> {
    let Some(period) = span.resolve(bot.today()) else {
        ctx.answer(bot, &bot.texts.usage(ctx.lang, CommandKind::Report), None);
        return Ok(());
    };
    let room = ctx.room.room_id().to_string();
    let send = Effect {
        request: 0,
        lane: room.clone(),
        urgent: false,
        action: Action::SendReport { room, from: period.start, to: period.end, lang: ctx.lang },
    };
    let queued = bot
        .store
        .owe(vec![send])
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Report))?;
    info!("a report owed");
    bot.outbox.journalled(queued);
    Ok(())
}
