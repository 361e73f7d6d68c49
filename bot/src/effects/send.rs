//! Sending a notice where an effect says, when it is the bot's turn in the room: the
//! room resolved when it is sent (the requester's, a person's direct chat opened if need
//! be), the reply or thread it belongs to.

use entraide_commands::{Key, Message};
use entraide_storage::{Quote, Request, RoomKind, Root, Target};
use matrix_sdk::{
    Room,
    ruma::{EventId, OwnedEventId, OwnedTransactionId, OwnedUserId, TransactionId, UserId},
};
use tracing::{info, warn};

use super::relay_id;
use crate::retry::persist;
use crate::{
    bot::Bot,
    coordination,
    matrix::{self, ReplyTo, Shape},
};

/// Sends a notice in `room` when it is the bot's turn there, retrying as
/// [`persist`] does.
pub async fn send(
    bot: &Bot,
    room: &Room,
    message: &Message,
    shape: Shape<'_>,
    mentions: &[OwnedUserId],
    txn: Option<&TransactionId>,
) -> anyhow::Result<OwnedEventId> {
    let _turn = bot.sending.take(room).await;
    persist("a notice", || matrix::send(room, message, shape, mentions, txn)).await
}

/// The room a notice goes to, if the bot is in it; a person's direct chat is opened if
/// need be.
async fn target_room(
    bot: &Bot,
    request: Option<&Request>,
    to: &Target,
) -> anyhow::Result<Option<Room>> {
    Ok(match to {
        Target::Id { id } => matrix::joined(&bot.client, id),
        Target::Volunteers => bot.volunteers_room(),
        Target::Coordination => matrix::joined(&bot.client, bot.rooms.coordination.as_str()),
        Target::Private => request
            .and_then(|r| r.private_room.as_deref())
            .and_then(|id| matrix::joined(&bot.client, id)),
        Target::Direct { user } => Some(direct_chat(bot, &UserId::parse(user)?).await?),
        Target::Requester { asked_in } => {
            let origin = request.map_or(asked_in.as_str(), |r| r.origin_room.as_str());
            matrix::joined(&bot.client, origin)
        }
        Target::Confidential { asked_by } => Some(confidential_room(bot, asked_by).await?),
    })
}

/// Where register data goes (see [`Target::Confidential`]): the coordination room while
/// it is closed, else the direct chat of the coordinator who asked.
pub async fn confidential_room(bot: &Bot, asked_by: &str) -> anyhow::Result<Room> {
    if coordination::is_closed(bot).await
        && let Some(room) = matrix::joined(&bot.client, bot.rooms.coordination.as_str())
    {
        return Ok(room);
    }
    direct_chat(bot, &UserId::parse(asked_by)?).await
}

/// `message`, sent to `room` for `to`: register data sent privately because the
/// coordination room is not closed says why first.
pub fn explained(bot: &Bot, to: &Target, room: &Room, message: &Message) -> Message {
    let lang = bot.config.language;
    match to {
        Target::Confidential { .. } if room.room_id() != bot.rooms.coordination => {
            Message::lines([bot.texts.render(lang, Key::ConfidentialHere, &[]), message.clone()])
        }
        _ => message.clone(),
    }
}

fn reply_to(quote: &Quote) -> Option<ReplyTo> {
    Some(ReplyTo {
        event: EventId::parse(&quote.event).ok()?,
        sender: UserId::parse(&quote.sender).ok()?,
    })
}

pub async fn notice(
    bot: &Bot,
    request: Option<&Request>,
    to: &Target,
    message: &Message,
    shape: &entraide_storage::Shape,
    mention: Option<&str>,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let Some(room) = target_room(bot, request, to).await? else {
        warn!(?to, "not in the room of a notice: skipped");
        return Ok(());
    };
    let mentions: Vec<OwnedUserId> =
        mention.and_then(|user| OwnedUserId::try_from(user).ok()).into_iter().collect();
    let (answered, root): (Option<ReplyTo>, Option<OwnedEventId>) = match shape {
        entraide_storage::Shape::New => (None, None),
        entraide_storage::Shape::Reply { to } => (reply_to(to), None),
        entraide_storage::Shape::Thread { root, to } => {
            let root = match root {
                Root::Event { id } => EventId::parse(id).ok(),
                Root::Relay => request.and_then(relay_id),
            };
            (to.as_ref().and_then(reply_to), root)
        }
    };
    // Moved to the requester's direct chat since, or register data sent privately: a
    // reply there could not point to the command, in another room.
    let moved = match to {
        Target::Requester { asked_in } => room.room_id() != asked_in,
        Target::Confidential { .. } => room.room_id() != bot.rooms.coordination,
        _ => false,
    };
    let message = &explained(bot, to, &room, message);
    let shape = match (&root, &answered) {
        _ if moved => Shape::New,
        (Some(root), answered) => Shape::Thread(root, answered.as_ref()),
        (None, Some(answered)) => Shape::Reply(answered),
        (None, None) => Shape::New,
    };
    send(bot, &room, message, shape, &mentions, txn.as_deref()).await?;
    Ok(())
}

/// The person's direct chat with the bot: one the store knows and the bot is in, else a
/// new one (encrypted, the person invited), recorded as theirs.
pub async fn direct_chat(bot: &Bot, user: &UserId) -> anyhow::Result<Room> {
    let theirs = RoomKind::Direct { user: user.to_string() };
    let known = bot.store.rooms_where(|kind| *kind == theirs)?;
    if let Some(room) = known.iter().find_map(|id| matrix::joined(&bot.client, id)) {
        return Ok(room);
    }
    let room = persist("a direct chat", || async { Ok(bot.client.create_dm(user).await?) }).await?;
    bot.store.set_room_kind(room.room_id().as_str(), &theirs).await?;
    bot.store.record_joined(room.room_id().as_str(), bot.clock.wall_ms()).await?;
    info!(room = %room.room_id(), "opened a direct chat with a person");
    Ok(room)
}
