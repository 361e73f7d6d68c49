//! Carrying out one effect, idempotently: notices carry a transaction id made from the
//! effect's journal id (the homeserver keeps one copy however often it is sent), a
//! private room carries its claim in its state (the bot looks for it before making one),
//! and what no longer applies (a relay for a request taken meanwhile) is skipped.

use std::time::{Duration, Instant};

use entraide_commands::{Key, Lang, Message, Period};
use entraide_storage::{Action, Effect, Queued, Request, State};
use matrix_sdk::{
    Room,
    ruma::{EventId, OwnedTransactionId, UserId},
};
use tracing::{debug, error, info, warn};

use super::{
    board,
    claim::{intro, private_room},
    moderate::{Decision, moderate},
    register, relay_id, report, rights,
    send::{direct_chat, notice, send},
};
use crate::{
    bot::Bot,
    matrix::{self, Shape},
    outbox::Item,
    plan,
    retry::persist,
    vitals,
};

/// How long what follows a relay waits, at most, for the bot's sync to bring it back.
const ECHO_WAIT: Duration = Duration::from_secs(2);

/// How an effect ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    /// Done, skipped, or failed for good (logged): it is out of the journal.
    Done,
    /// The private room cannot be made: the claim must be undone.
    RoomFailed,
}

/// Carries out `item` and removes it from the journal (unless the claim must be undone:
/// [`give_back`] does it then).
pub async fn carry_out(bot: &Bot, item: &Item) -> Acted {
    let Effect { request: number, action, .. } = &item.effect;
    let number = *number;
    // A later transition dropped it (what a claim owed, once it was given back).
    if let Some(id) = item.id
        && !bot.store.is_owed(id).unwrap_or(true)
    {
        return Acted::Done;
    }
    // Stable across attempts and restarts: the homeserver drops a repeated send.
    let txn = item.id.map(|id| OwnedTransactionId::from(format!("entraide.{id}")));
    let request = match number {
        0 => None,
        _ => match bot.store.request(number) {
            Ok(request) => request,
            Err(error) => {
                error!(request = number, %error, "cannot read the request of an effect");
                None
            }
        },
    };
    let result = match (action, &request) {
        (Action::Notice { to, message, shape, mention }, _) => {
            notice(bot, request.as_ref(), to, message, shape, mention.as_deref(), txn).await
        }
        (Action::Relay, Some(request)) => relay(bot, request, item.id, txn).await,
        (Action::RetireRelay { key, relay }, Some(request)) => {
            retire_relay(bot, request, *key, relay.as_deref(), item.id).await
        }
        (Action::PrivateRoom { volunteer }, Some(request)) => {
            match private_room(bot, request, volunteer, item.id, item.resumed).await {
                Ok(()) => Ok(()),
                Err(error) => {
                    error!(request = number, error = %format!("{error:#}"), "cannot make the private room");
                    return Acted::RoomFailed;
                }
            }
        }
        (Action::Intro { volunteer }, Some(request)) => intro(bot, request, volunteer, txn).await,
        (Action::PostOffer { room }, Some(request)) => {
            post_offer(bot, request, room, item.id, txn).await
        }
        (Action::RetirePost { room, event, key }, Some(request)) => {
            match (matrix::joined(&bot.client, room), EventId::parse(event)) {
                (Some(room), Ok(event)) => {
                    let message = bot.offer_about(request, *key);
                    retire(bot, &room, &event, &message, item.id).await
                }
                _ => Ok(()),
            }
        }
        (Action::MoveOut { room, event, user, lang }, Some(request)) => {
            move_out(bot, request, room, event, user, *lang, txn).await
        }
        (Action::Moderate { user, change, lang, to, message, shape }, _) => {
            let decision = Decision { user, change: *change, lang: *lang, to, message, shape };
            moderate(bot, request.as_ref(), decision, txn).await
        }
        (Action::Remove { room, user }, _) => remove(bot, room, user).await,
        (Action::Redact { room, event, reason }, _) => {
            rights::redact(bot, room, event, *reason).await
        }
        (Action::Scrub { room, about }, _) => rights::scrub(bot, room, about.as_deref()).await,
        (Action::Leave { room }, _) => rights::leave(bot, room).await,
        (Action::SendData { user, lang }, _) => rights::send_data(bot, user, *lang, txn).await,
        (Action::SendReport { room, from, to, lang }, _) => {
            let period = Period { start: *from, end: *to };
            report::send_report(bot, room, period, *lang, txn).await
        }
        (Action::CampaignReport { room, campaign, lang }, _) => {
            report::send_campaign_report(bot, room, *campaign, *lang, txn).await
        }
        (Action::Board { campaign, lang }, _) => board::show(bot, *campaign, *lang, txn).await,
        (Action::SendRegister { to, lang }, _) => {
            register::send_register(bot, to, *lang, txn).await
        }
        (_, None) => Err(anyhow::anyhow!("the request is not in the store")),
    };
    if let Err(error) = result {
        error!(request = number, error = %format!("{error:#}"), "an effect failed for good");
    }
    if let Some(id) = item.id
        && let Err(error) = bot.store.finish_effect(id)
    {
        error!(request = number, %error, "cannot remove a finished effect from the journal");
    }
    Acted::Done
}

/// Takes `request` out of the neighbourhood room `room_id` where `user` wrote it (see
/// [`Action::MoveOut`]): where the bot may remove others' messages there, their direct
/// chat is opened and follows the request from now on, the command is redacted, and a
/// line in the room tells them (named as they appear there) where the answer went.
/// Resumed after a stop, a request already moved is not moved again.
async fn move_out(
    bot: &Bot,
    request: &Request,
    room_id: &str,
    event: &str,
    user: &str,
    lang: Lang,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let (Some(room), Ok(user)) = (matrix::joined(&bot.client, room_id), UserId::parse(user)) else {
        return Ok(());
    };
    if request.origin_room == room_id {
        if !may_redact(bot, &room).await {
            return Ok(());
        }
        let direct = match direct_chat(bot, &user).await {
            Ok(direct) => direct,
            Err(error) => {
                warn!(error = %format!("{error:#}"), "no direct chat: the request is answered in the room");
                return Ok(());
            }
        };
        bot.store.move_request(request.number, direct.room_id().as_str()).await?;
    }
    rights::redact(bot, room_id, event, Key::RequestMovedReason).await?;
    let author = bot.name_in(room_id, &user).await;
    let number = request.number.to_string();
    let line = bot.texts.render(lang, Key::RequestMoved, &[("user", &author), ("number", &number)]);
    send(bot, &room, &line, Shape::New, &[user], txn.as_deref()).await?;
    Ok(())
}

/// Whether the bot may remove others' messages in `room`.
async fn may_redact(bot: &Bot, room: &Room) -> bool {
    let Some(me) = bot.client.user_id() else {
        return false;
    };
    match room.power_levels().await {
        Ok(levels) => levels.user_can_redact_event_of_other(me),
        Err(error) => {
            warn!(%error, "cannot read the power levels of a neighbourhood room");
            false
        }
    }
}

/// Relays an open request and records the relay (which removes the effect).
async fn relay(
    bot: &Bot,
    request: &Request,
    id: Option<u64>,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    if request.state != State::Open {
        // Taken or closed before its relay went out: nothing to claim.
        return Ok(());
    }
    let Some(room) = bot.volunteers_room() else {
        anyhow::bail!("not in the volunteers room");
    };
    let message = bot.about(request, bot.config.language, Key::Relay, &[]);
    // The available volunteers of its neighbourhood are notified first.
    let mentions = bot.area_volunteers(request);
    let sent = Instant::now();
    let relay = send(bot, &room, &message, Shape::New, &mentions, txn.as_deref()).await?;
    let now = bot.now();
    bot.store.set_relay(request.number, relay.as_str(), now, id.unwrap_or(0)).await?;
    info!(request = request.number, "relayed");
    vitals::COUNTERS.relays.inc();
    vitals::COUNTERS.relay_seconds.observe(vitals::seconds(now - request.created_at));
    // What follows in the lane (the requester's confirmation: "passed on to the
    // volunteers") waits until the homeserver has passed the relay on.
    if bot.echoes.wait(&relay, ECHO_WAIT).await {
        bot.pace.passed_on(sent.elapsed());
    } else {
        debug!(request = request.number, "the relay's echo is late: going on");
    }
    Ok(())
}

/// Retires `relay` (else the request's relay): says the status line `key` in its thread,
/// then redacts it, with the status as the reason, so that no volunteer can read the
/// request's text any longer (an edit would keep it in the history).
async fn retire_relay(
    bot: &Bot,
    request: &Request,
    key: Key,
    relay: Option<&str>,
    id: Option<u64>,
) -> anyhow::Result<()> {
    let relay = match relay {
        Some(relay) => EventId::parse(relay).ok(),
        None => relay_id(request),
    };
    let (Some(relay), Some(room)) = (relay, bot.volunteers_room()) else {
        return Ok(());
    };
    let message = bot.about(request, bot.config.language, key, &[]);
    retire(bot, &room, &relay, &message, id).await
}

/// Says the status line `message` in the thread of the bot's `event` (a relay, an
/// offer's post), then redacts the event with the status as the reason.
async fn retire(
    bot: &Bot,
    room: &Room,
    event: &EventId,
    message: &Message,
    id: Option<u64>,
) -> anyhow::Result<()> {
    let txn = |part: &str| id.map(|id| OwnedTransactionId::from(format!("entraide.{id}.{part}")));
    send(bot, room, message, Shape::Thread(event, None), &[], txn("status").as_deref()).await?;
    // Redacting twice (a relay taken, then closed) changes nothing.
    persist("a redaction", || async {
        Ok(room.redact(event, Some(&message.plain), txn("redact")).await?)
    })
    .await?;
    Ok(())
}

/// Posts an offer in a neighbourhood room and records the post; an offer taken up or
/// closed meanwhile gets none (or, sent just then, its post retired at once).
async fn post_offer(
    bot: &Bot,
    request: &Request,
    room: &str,
    id: Option<u64>,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    if request.state != State::Offered {
        return Ok(());
    }
    let Some(joined) = matrix::joined(&bot.client, room) else {
        warn!(request = request.number, "not in a neighbourhood room of an offer");
        return Ok(());
    };
    let message = bot.offer_about(request, Key::OfferPost);
    let post = send(bot, &joined, &message, Shape::New, &[], txn.as_deref()).await?;
    let now =
        bot.store.set_offer_post(request.number, room, post.as_str(), id.unwrap_or(0)).await?;
    if now.state != State::Offered {
        let message = bot.offer_about(&now, Key::OfferPostClosed);
        retire(bot, &joined, &post, &message, id).await?;
    }
    info!(request = request.number, "offer posted");
    Ok(())
}

/// Removes `user` from `room` (a volunteer who gave a request back leaves its room).
async fn remove(bot: &Bot, room: &str, user: &str) -> anyhow::Result<()> {
    let (Some(room), Ok(user)) = (matrix::joined(&bot.client, room), UserId::parse(user)) else {
        return Ok(());
    };
    persist("a removal", || async { Ok(room.kick_user(&user, None).await?) }).await
}

/// The private room of a claim cannot be made: the claim is undone (logged as given back
/// by `bot`) with what it still owed (`dropped`), so that the request is not stuck with
/// nobody able to reach the requester, and the volunteer is told in the relay's thread.
pub async fn give_back(bot: &Bot, item: &Item, mut dropped: Vec<u64>) {
    let number = item.effect.request;
    let Action::PrivateRoom { volunteer } = &item.effect.action else {
        return;
    };
    dropped.extend(item.id);
    let sorry = bot.texts.render(bot.config.language, Key::InternalError, &[]);
    let owed = |request: &Request, _: Option<&str>| {
        vec![plan::to_relay_thread(request, &sorry, volunteer, true, plan::volunteers_lane(bot))]
    };
    match bot.store.release(number, volunteer, "bot", true, None, bot.now(), &dropped, owed).await {
        Ok((_, _, queued)) => bot.outbox.journalled(queued),
        Err(error) => error!(request = number, %error, "cannot give the request back"),
    }
}

/// An effect a stop interrupted.
fn resumed(queued: Queued) -> Item {
    Item { id: Some(queued.id), effect: queued.effect, resumed: true }
}

/// What a stop interrupted, from the journal; and, for a store an older entraide left,
/// the relays and private rooms it owed without a journal.
pub async fn interrupted(bot: &Bot) -> Vec<Item> {
    let pending = match bot.store.pending_effects() {
        Ok(pending) => pending,
        Err(error) => {
            error!(%error, "cannot read the effects a stop interrupted");
            return Vec::new();
        }
    };
    let owed_for: std::collections::HashSet<u64> =
        pending.iter().map(|queued| queued.effect.request).collect();
    let mut owed = Vec::new();
    for request in bot.store.active_requests().unwrap_or_default() {
        if owed_for.contains(&request.number) {
            continue;
        }
        match &request.state {
            State::Open if request.relay_event.is_none() => owed.push(plan::relay(bot, &request)),
            State::Claimed { volunteer, .. } if request.private_room.is_none() => {
                owed.extend(plan::private_room(bot, &request, volunteer));
            }
            _ => {}
        }
    }
    let mut items: Vec<Item> = pending.into_iter().map(resumed).collect();
    if !owed.is_empty() {
        match bot.store.owe(owed).await {
            Ok(queued) => items.extend(queued.into_iter().map(resumed)),
            Err(error) => error!(%error, "cannot journal what an older entraide owed"),
        }
    }
    items
}
