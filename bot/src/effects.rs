//! What a transition owes the world on Matrix: the relay, its edits, the private room and
//! its intro, telling the requester, what follows a release or a close, and finishing at
//! start what a stop interrupted. Commands call these after their store transition.

use chrono::Utc;
use entraide_commands::{Key, Message};
use entraide_storage::{Request, State};
use matrix_sdk::ruma::{EventId, OwnedEventId, OwnedUserId, UserId};
use tracing::{error, info, warn};

use crate::{
    bot::Bot,
    job::now_ms,
    matrix::{self, ReplyTo, Shape},
};

/// Sends the relay of an open request to the volunteers room and records it.
pub async fn relay(bot: &Bot, request: &Request) {
    let message = bot.about(request, bot.config.language, Key::Relay, &[]);
    let Some(room) = bot.volunteers_room() else {
        error!(request = request.number, "not in the volunteers room: cannot relay");
        return;
    };
    match matrix::send(&room, &message, Shape::New, None).await {
        Ok(relay) => match bot.store.set_relay(request.number, relay.as_str(), Utc::now()).await {
            Ok(_) => info!(request = request.number, "relayed"),
            Err(error) => error!(request = request.number, %error, "cannot record the relay"),
        },
        // The request stays open without a relay; it is relayed again at the next start.
        Err(error) => error!(request = request.number, %error, "cannot relay"),
    }
}

/// The relay message of a request, if it was relayed.
pub fn relay_id(request: &Request) -> Option<OwnedEventId> {
    request.relay_event.as_deref().and_then(|id| EventId::parse(id).ok())
}

/// Replaces the relay's text by a status line (`key`) that keeps no request text.
pub async fn edit_relay(bot: &Bot, request: &Request, key: Key) {
    let Some(relay) = relay_id(request) else {
        return;
    };
    let Some(room) = bot.volunteers_room() else {
        return;
    };
    let message = bot.about(request, bot.config.language, key, &[]);
    bot.send(&room, &message, Shape::Edit(&relay), None).await;
}

/// Tells `to` something about `request` in its relay's thread, mentioning them.
pub async fn to_relay_thread(bot: &Bot, request: &Request, message: &Message, to: &UserId) {
    let Some(room) = bot.volunteers_room() else {
        return;
    };
    match relay_id(request) {
        Some(relay) => bot.send(&room, message, Shape::Thread(&relay, None), Some(to)).await,
        None => bot.send(&room, message, Shape::New, Some(to)).await,
    }
}

/// The effects of a claim: the private room, the intro there, the relay edited, the
/// requester told. If the room cannot be made, the claim is undone so that the request
/// is not stuck with nobody able to reach the requester.
pub async fn open_private_room(bot: &Bot, request: Request, volunteer: &UserId) {
    let number = request.number;
    let mut invite = vec![volunteer.to_owned()];
    let requester = OwnedUserId::try_from(request.requester.as_str()).ok();
    if let Some(requester) = requester.clone().filter(|r| r != volunteer) {
        invite.push(requester);
    }
    let created = matrix::create_private_room(
        &bot.client,
        &bot.texts,
        request.lang,
        number,
        invite,
        bot.config.encrypt_rooms,
    )
    .await;
    let room = match created {
        Ok(room) => room,
        Err(error) => {
            error!(request = number, %error, "cannot create the private room; giving the request back");
            if let Err(error) =
                bot.store.release(number, volunteer.as_str(), "bot", true, Utc::now()).await
            {
                error!(request = number, %error, "cannot give the request back");
            }
            let sorry = bot.texts.render(bot.config.language, Key::InternalError, &[]);
            to_relay_thread(bot, &request, &sorry, volunteer).await;
            return;
        }
    };
    if let Err(error) =
        bot.store.set_private_room(number, room.room_id().as_str(), Utc::now()).await
    {
        error!(request = number, %error, "cannot record the private room");
    }
    if let Err(error) = bot.store.record_joined(room.room_id().as_str(), now_ms()).await {
        error!(request = number, %error, "cannot record when the private room was made");
    }
    info!(request = number, room = %room.room_id(), "private room created");
    let volunteer_name = bot.name_in(bot.rooms.volunteers.as_str(), volunteer).await;
    let requester_name = match &requester {
        Some(requester) => bot.name_in(&request.origin_room, requester).await,
        None => request.requester.clone(),
    };
    let intro = bot.about(
        &request,
        request.lang,
        Key::PrivateIntro,
        &[("volunteer", volunteer_name), ("requester", requester_name)],
    );
    bot.send(&room, &intro, Shape::New, None).await;
    edit_relay(bot, &request, Key::RelayTaken).await;
    tell_requester(bot, &request).await;
}

/// Tells the requester, in the room they asked in and mentioning them, that a volunteer
/// answered.
async fn tell_requester(bot: &Bot, request: &Request) {
    let number = request.number.to_string();
    let told = bot.texts.render(request.lang, Key::RequesterTold, &[("number", &number)]);
    if let Some(origin) = matrix::joined(&bot.client, &request.origin_room)
        && let Ok(requester) = OwnedUserId::try_from(request.requester.as_str())
    {
        bot.send(&origin, &told, Shape::New, Some(&requester)).await;
    }
}

/// The effects of a release: the requester is told in the private room (as a reply to the
/// volunteer's `!lacher` when it was written there), the volunteer leaves it, and the
/// request is relayed again.
pub async fn after_release(
    bot: &Bot,
    request: &Request,
    private_room: Option<String>,
    volunteer: &UserId,
    command: Option<&ReplyTo>,
) {
    if let Some(room) = private_room.as_deref().and_then(|id| matrix::joined(&bot.client, id)) {
        let message = bot.texts.render(
            request.lang,
            Key::ReleasedPrivate,
            &[("number", &request.number.to_string())],
        );
        let shape = command.map_or(Shape::New, Shape::Reply);
        bot.send(&room, &message, shape, None).await;
        if let Err(error) = room.kick_user(volunteer, None).await {
            warn!(request = request.number, %error, "cannot remove the volunteer from the private room");
        }
    }
    relay(bot, request).await;
}

/// The effects of closing: the private room is told (unless `tell_private` is `None`:
/// the command was written there and its answer says it) and the relay is edited.
pub async fn after_close(
    bot: &Bot,
    request: &Request,
    relay_key: Key,
    tell_private: Option<&Message>,
) {
    if let Some(message) = tell_private
        && let Some(room) =
            request.private_room.as_deref().and_then(|id| matrix::joined(&bot.client, id))
    {
        bot.send(&room, message, Shape::New, None).await;
    }
    edit_relay(bot, request, relay_key).await;
}

/// Finishes effects that a stop interrupted: open requests never relayed are relayed,
/// claimed requests without a private room get one.
pub async fn recover(bot: &Bot) {
    let active = match bot.store.active_requests() {
        Ok(active) => active,
        Err(error) => {
            error!(%error, "cannot read the requests to recover");
            return;
        }
    };
    for request in active {
        match &request.state {
            State::Open if request.relay_event.is_none() => relay(bot, &request).await,
            State::Claimed { volunteer, .. } if request.private_room.is_none() => {
                if let Ok(volunteer) = OwnedUserId::try_from(volunteer.as_str()) {
                    open_private_room(bot, request.clone(), &volunteer).await;
                }
            }
            _ => {}
        }
    }
}
