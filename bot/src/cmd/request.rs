//! `!demande <texte>` / `!request <text>`: records a request, confirms, relays it.

use entraide_commands::{CommandKind, Key, read_request};
use entraide_storage::{NewRequest, Request, RoomKind, TransitionError};
use tracing::info;

use super::Ctx;
use crate::{bot::Bot, effects::plan, failure::Failure, job::now_ms};

/// Records the request (marking its event handled in the same transaction), confirms it
/// to the requester, and relays it to the volunteers.
pub async fn apply(bot: &Bot, ctx: &Ctx, text: String) -> Result<(), Failure> {
    let now = bot.now();
    let neighbourhood = match bot.store.room_kind(ctx.room.room_id().as_str())? {
        Some(RoomKind::Neighbourhood { name }) => Some(name),
        _ => None,
    };
    let reading = read_request(&text, now.with_timezone(&bot.config.timezone));
    let new = NewRequest {
        requester: ctx.sender().to_string(),
        origin_room: ctx.room.room_id().to_string(),
        neighbourhood,
        text,
        reading,
        lang: ctx.lang,
    };
    // The first time a person asks, they are told what becomes of their data (GDPR
    // Art. 13), after the confirmation.
    let requester = ctx.sender().as_str();
    let inform = !bot.store.is_informed(requester)?;
    let owed = |request: &Request| {
        let confirmation = bot.about(request, ctx.lang, Key::RequestConfirmed, &[]);
        // After the relay, in its lane: the confirmation says the request was passed on,
        // and the relay, which someone waits for at the other end, goes first.
        let relay = plan::relay(bot, request);
        let mut confirm = ctx.reply(bot, &confirmation, None);
        confirm.request = request.number;
        confirm.lane = relay.lane.clone();
        let mut owed = vec![relay, confirm];
        if inform {
            let mut notice = ctx.reply(bot, &bot.privacy_notice(ctx.lang), None);
            notice.request = request.number;
            notice.lane = owed[0].lane.clone();
            owed.push(notice);
        }
        owed
    };
    let (request, queued) = match bot.store.create_request(new, ctx.event(), now, owed).await {
        Ok(created) => created,
        Err(TransitionError::AlreadyHandled) => return Ok(()),
        Err(error) => return Err(Failure::Transition(error, CommandKind::Request)),
    };
    info!(request = request.number, category = ?request.reading.category, "request posted");
    if inform {
        bot.store.first_contact(requester, now_ms()).await?;
    }
    bot.outbox.journalled(queued);
    Ok(())
}
