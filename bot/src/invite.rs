//! Invitations of the bot: coordinators bring it into neighbourhood rooms; anyone may
//! open a direct chat with it; other invitations are declined.

use entraide_commands::Key;
use entraide_storage::{RoomKind, Shape};
use matrix_sdk::{
    RoomState,
    ruma::{OwnedRoomId, OwnedUserId},
};
use tracing::{error, info, warn};

use crate::{bot::Bot, plan};

/// Joins (and welcomes) or declines an invitation.
pub async fn accept_or_decline(
    bot: &Bot,
    room_id: OwnedRoomId,
    inviter: OwnedUserId,
    direct: bool,
) {
    // The same invitation may come from a sync and from the start-up check.
    let Some(room) = bot.client.get_room(&room_id).filter(|r| r.state() == RoomState::Invited)
    else {
        return;
    };
    if !direct && !bot.is_coordinator(&inviter) {
        info!(room = %room_id, "declining an invitation from someone who is not a coordinator");
        if let Err(error) = room.leave().await {
            warn!(room = %room_id, %error, "cannot decline the invitation");
        }
        return;
    }
    // The invitation carries the room's name; read it before joining.
    let name = room.name().filter(|n| !n.trim().is_empty());
    if let Err(error) = room.join().await {
        warn!(room = %room_id, %error, "cannot join");
        return;
    }
    let (kind, welcome) = if direct {
        (RoomKind::Direct { user: inviter.to_string() }, Key::DirectWelcome)
    } else {
        let name = name.unwrap_or_else(|| bot.config.community.clone());
        (RoomKind::Neighbourhood { name }, Key::NeighbourhoodWelcome)
    };
    if let Err(error) = bot.store.set_room_kind(room_id.as_str(), &kind).await {
        error!(room = %room_id, %error, "cannot record the room");
        return;
    }
    // A direct chat is opened to talk to the bot: what the person wrote there before the
    // bot joined is for it. In other rooms, what came before is history.
    let since = if direct { 0 } else { bot.clock.wall_ms() };
    if let Err(error) = bot.store.record_joined(room_id.as_str(), since).await {
        error!(room = %room_id, %error, "cannot record when the bot joined");
    }
    info!(room = %room_id, ?kind, "joined");
    let community = [("community", bot.config.community.as_str())];
    let message = bot.texts.render(bot.config.language, welcome, &community);
    bot.outbox.now(plan::notice_in(room.room_id(), message, Shape::New, None));
    // Opening a direct chat is a first contact: the person is told what becomes of their
    // data (GDPR Art. 13), once.
    if direct {
        match bot.store.first_contact(inviter.as_str(), bot.clock.wall_ms()).await {
            Ok(true) => {
                let notice = bot.privacy_notice(bot.config.language);
                bot.outbox.now(plan::notice_in(room.room_id(), notice, Shape::New, None));
            }
            Ok(false) => {}
            Err(error) => error!(%error, "cannot record the notice on personal data"),
        }
    }
}
