//! `!demande <texte>` / `!request <text>`: records a request, confirms, relays it.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_commands::{CommandKind, Key, Place, read_repeat, read_request};
use entraide_storage::{
    Action, Effect, NewRequest, Request, RoomKind, Shape, State, TransitionError,
};
use matrix_sdk::Room;
use tracing::{info, warn};

use super::Ctx;
use crate::{
    bot::Bot,
    config::Limits,
    effects,
    effects::plan,
    failure::{Failure, Limit},
    job::now_ms,
};

/// Records the request (marking its event handled in the same transaction), confirms it
/// to the requester, and relays it to the volunteers. Written in a neighbourhood room
/// where the bot may, it is taken out of the room and followed in a direct chat (see
/// [`moved_to`]).
///
/// `phone_in`: a coordinator's `!pour`, for someone who phoned. The coordinator stands in
/// for the requester (in the private room too), and everything said to the requester
/// goes to the coordination room, where every coordinator can follow it and call back.
pub async fn apply(bot: &Bot, ctx: &Ctx, text: String, phone_in: bool) -> Result<(), Failure> {
    let now = bot.now();
    if !ctx.roles.coordinator {
        if bot.store.person(ctx.sender().as_str())?.blocked.is_some() {
            return Err(Failure::Blocked);
        }
        within_limits(bot, ctx.sender().as_str(), now)?;
    }
    let neighbourhood = match bot.store.room_kind(ctx.room.room_id().as_str())? {
        Some(RoomKind::Neighbourhood { name }) => Some(name),
        _ => None,
    };
    let reading = read_request(&text, now.with_timezone(&bot.config.timezone));
    // Only the coordinators set up requests that repeat (regular calls and visits they
    // arrange); anyone else's "chaque mardi" is one request, for the next one.
    let every = if ctx.roles.coordinator { read_repeat(&text) } else { None };
    let direct = if phone_in { None } else { moved_to(bot, ctx).await };
    // The line that says why the request left the room names its author as they appear.
    let author = match direct {
        Some(_) => bot.name_in(ctx.room.room_id().as_str(), ctx.sender()).await,
        None => String::new(),
    };
    let new = NewRequest {
        requester: ctx.sender().to_string(),
        // Moved, the request is followed in the direct chat: everything said to the
        // requester about it goes there.
        origin_room: match (&direct, phone_in) {
            (_, true) => bot.rooms.coordination.to_string(),
            (Some(direct), false) => direct.room_id().to_string(),
            (None, false) => ctx.room.room_id().to_string(),
        },
        neighbourhood,
        text,
        reading,
        lang: ctx.lang,
    };
    // The first time a person asks, they are told what becomes of their data (GDPR
    // Art. 13), after the confirmation.
    let requester = ctx.sender().as_str();
    // The person who phoned is told by the coordinator, not the coordinator by the bot.
    let inform = !phone_in && !bot.store.is_informed(requester)?;
    let owed = |request: &Request| {
        let confirmation = bot.about(request, ctx.lang, Key::RequestConfirmed, &[]);
        // After the relay, in its lane: the confirmation says the request was passed on,
        // and the relay, which someone waits for at the other end, goes first.
        let relay = plan::relay(bot, request);
        // Moved, the answers go to the direct chat as new messages: a reply there could
        // not point to the command, taken down in another room.
        let answer = |message| match &direct {
            Some(room) => plan::notice_in(room.room_id(), message, Shape::New, None),
            None => ctx.reply(bot, &message, None),
        };
        let mut confirm = answer(confirmation);
        confirm.request = request.number;
        confirm.lane = relay.lane.clone();
        let mut owed = vec![relay, confirm];
        if let Some(series) = &request.repeat {
            let ahead = bot.config.follow_up.repeat_ahead.as_secs() / 60;
            let extra = [
                ("every", bot.texts.repeat(ctx.lang, series.every)),
                ("ahead", bot.texts.age(ctx.lang, i64::try_from(ahead).unwrap_or(i64::MAX))),
            ];
            let mut notice = answer(bot.about(request, ctx.lang, Key::SeriesStarted, &extra));
            notice.request = request.number;
            notice.lane = owed[0].lane.clone();
            owed.push(notice);
        }
        if inform {
            let mut notice = answer(bot.privacy_notice(ctx.lang));
            notice.request = request.number;
            notice.lane = owed[0].lane.clone();
            owed.push(notice);
        }
        if direct.is_some() {
            owed.extend(taken_out(bot, ctx, request, &author));
        }
        owed
    };
    let created = match every {
        Some(every) => bot.store.create_series(new, every, ctx.event(), now, owed).await,
        None => bot.store.create_request(new, ctx.event(), now, owed).await,
    };
    let (request, queued) = match created {
        Ok(created) => created,
        Err(TransitionError::AlreadyHandled) => return Ok(()),
        Err(error) => return Err(Failure::Transition(error, CommandKind::Request)),
    };
    info!(request = request.number, category = ?request.reading.category, "request posted");
    if inform {
        bot.store.first_contact(requester, now_ms()).await?;
    }
    bot.outbox.journalled(queued);
    // A coordinator posting for someone who phoned is not the one helped.
    if !phone_in {
        super::profile::ask_once(bot, ctx.sender(), ctx.lang).await?;
    }
    Ok(())
}

/// The requester's direct chat, opened if need be, when the request is to be taken out of
/// the room it was written in: a neighbourhood room, with `remove_requests` on, where the
/// bot has the power to remove others' messages. `None`: it stays, answered there.
async fn moved_to(bot: &Bot, ctx: &Ctx) -> Option<Room> {
    if ctx.place != Place::Neighbourhood || !bot.config.remove_requests {
        return None;
    }
    let me = bot.client.user_id()?;
    let may = match ctx.room.power_levels().await {
        Ok(levels) => levels.user_can_redact_event_of_other(me),
        Err(error) => {
            warn!(%error, "cannot read the power levels of a neighbourhood room");
            false
        }
    };
    if !may {
        return None;
    }
    match effects::direct_chat(bot, ctx.sender()).await {
        Ok(room) => Some(room),
        Err(error) => {
            warn!(error = %format!("{error:#}"), "no direct chat: the request is answered in the room");
            None
        }
    }
}

/// What taking a request out of its neighbourhood room owes: the command redacted, then a
/// line in the room that says why and where the answer went, to its author (named
/// `author`, and mentioned).
fn taken_out(bot: &Bot, ctx: &Ctx, request: &Request, author: &str) -> [Effect; 2] {
    let room = ctx.room.room_id();
    let redact = Effect {
        request: request.number,
        lane: room.to_string(),
        urgent: true,
        action: Action::Redact {
            room: room.to_string(),
            event: ctx.event().to_owned(),
            reason: Key::RequestMovedReason,
        },
    };
    let sender = ctx.sender().as_str();
    let number = request.number.to_string();
    let line =
        bot.texts.render(ctx.lang, Key::RequestMoved, &[("user", author), ("number", &number)]);
    let mut told = plan::notice_in(room, line, Shape::New, Some(sender));
    told.request = request.number;
    [redact, told]
}

/// Refuses a request past the configured limits: too many under way, or too many today
/// (a volunteer's own offers do not count).
pub(super) fn within_limits(bot: &Bot, requester: &str, now: DateTime<Utc>) -> Result<(), Failure> {
    let Limits { open_requests, requests_per_day } = bot.config.limits;
    let mut theirs = bot.store.requests_of(requester)?;
    theirs.retain(|request| request.state != State::Offered);
    if theirs.iter().filter(|request| request.state.is_active()).count() >= open_requests {
        return Err(Failure::TooMany(Limit::Open(open_requests)));
    }
    let today = theirs.iter().filter(|r| now - r.created_at < TimeDelta::days(1)).count();
    if today >= requests_per_day {
        return Err(Failure::TooMany(Limit::Daily(requests_per_day)));
    }
    Ok(())
}
