//! A claim's private room: found (a stop may have made it already), taken from the spare
//! rooms made ahead, or made; recorded; and the two people introduced there.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entraide_commands::Key;
use entraide_storage::{Request, State};
use matrix_sdk::{
    Room,
    ruma::{OwnedTransactionId, OwnedUserId},
};
use tracing::{info, warn};

use super::send::send;
use crate::{
    bot::Bot,
    matrix::{self, Claim, Shape},
    retry::persist,
};

/// How long after a claim a room asked for just before a crash may take to show up in a
/// sync (the homeserver finishes making it after the bot died).
const ROOM_IN_FLIGHT: Duration = Duration::from_secs(15);

/// Finds or makes the private room of the claim, and records it (which removes the
/// effect). Skipped if the claim ended meanwhile.
pub(super) async fn private_room(
    bot: &Bot,
    request: &Request,
    volunteer: &str,
    id: Option<u64>,
    resumed: bool,
) -> anyhow::Result<()> {
    let number = request.number;
    let claimed_at = match &request.state {
        State::Claimed { volunteer: holder, at } if holder == volunteer => *at,
        _ => return Ok(()),
    };
    if request.private_room.is_some() {
        return Ok(());
    }
    let volunteer_id = OwnedUserId::try_from(volunteer)?;
    let mut invite = vec![volunteer_id.clone()];
    if let Ok(requester) = OwnedUserId::try_from(request.requester.as_str())
        && requester != volunteer_id
    {
        invite.push(requester);
    }
    let claim = Claim { request: number, effect: id.unwrap_or(0) };
    let (room, spare) = match spare_room(bot, request, id, resumed, &invite).await? {
        Some(room) => (room, true),
        None => match made_room(bot, request, volunteer, claim, invite, resumed, claimed_at).await?
        {
            Some(room) => (room, false),
            // The claim ended while a room asked for before a stop could still appear.
            None => return Ok(()),
        },
    };
    let room_id = room.room_id().as_str();
    bot.store.record_joined(room_id, bot.clock.wall_ms()).await?;
    if let Err(error) = bot.store.set_private_room(number, room_id, bot.now(), claim.effect).await {
        // The claim ended while the room was readied: the spare serves no one now.
        if spare && let Err(error) = bot.store.drop_spare(room_id) {
            warn!(request = number, %error, "cannot forget a spare room");
        }
        return Err(error.into());
    }
    info!(request = number, room = %room.room_id(), spare, "private room ready");
    Ok(())
}

/// A spare room readied for the claim (named, its two people invited): the one this
/// effect took before a stop, or a free one. `None` when there is none (or the effect is
/// not journalled: only a journal id can keep a spare across a stop).
///
/// An effect a stop interrupted takes no new spare: before the stop it may have been
/// making a room of its own (there was no spare free then), which [`made_room`] waits
/// for and finds; a spare taken now would be a second room for the claim.
async fn spare_room(
    bot: &Bot,
    request: &Request,
    id: Option<u64>,
    resumed: bool,
    invite: &[OwnedUserId],
) -> anyhow::Result<Option<Room>> {
    let Some(id) = id else { return Ok(None) };
    let Some(room_id) = bot.store.take_spare(id, !resumed).await? else {
        return Ok(None);
    };
    // One fewer spare: make another.
    bot.spare_taken.notify_one();
    let Some(room) = matrix::joined(&bot.client, &room_id) else {
        warn!(room = %room_id, "a spare room is no longer joined: making a room instead");
        bot.store.drop_spare(&room_id)?;
        return Ok(None);
    };
    persist("a spare room readied", || async {
        Ok(matrix::ready_spare_room(&room, &bot.texts, request.lang, request.number, invite)
            .await?)
    })
    .await?;
    Ok(Some(room))
}

/// A private room made for the claim, or the one made before a stop; `None` if the
/// claim ended meanwhile.
async fn made_room(
    bot: &Bot,
    request: &Request,
    volunteer: &str,
    claim: Claim,
    invite: Vec<OwnedUserId>,
    resumed: bool,
    claimed_at: DateTime<Utc>,
) -> anyhow::Result<Option<Room>> {
    let number = request.number;
    // A stop may have come while the homeserver was making the room: give it time to
    // appear before making another.
    let settle = (claimed_at + ROOM_IN_FLIGHT - bot.now()).to_std().unwrap_or_default();
    if resumed && !settle.is_zero() {
        tokio::time::sleep(settle.min(ROOM_IN_FLIGHT)).await;
        match bot.store.request(number)? {
            Some(now) if now.state.holder() == Some(volunteer) => {}
            _ => return Ok(None),
        }
    }
    if let Some(room) = matrix::find_private_room(&bot.client, claim).await {
        info!(request = number, room = %room.room_id(), "found the private room made before a stop");
        return Ok(Some(room));
    }
    let encrypted = bot.config.encrypt_rooms;
    persist("a private room", || {
        let invite = invite.clone();
        async move {
            matrix::create_private_room(
                &bot.client,
                &bot.texts,
                request.lang,
                claim,
                invite,
                encrypted,
            )
            .await
        }
    })
    .await
    .map(Some)
}

/// Introduces the volunteer and the requester in the private room.
pub(super) async fn intro(
    bot: &Bot,
    request: &Request,
    volunteer: &str,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let Some(room) = request.private_room.as_deref().and_then(|id| matrix::joined(&bot.client, id))
    else {
        return Ok(());
    };
    let volunteer = OwnedUserId::try_from(volunteer)?;
    let volunteer_name = bot.name_in(bot.rooms.volunteers.as_str(), &volunteer).await;
    let requester_name = match OwnedUserId::try_from(request.requester.as_str()) {
        Ok(requester) => bot.name_in(&request.origin_room, &requester).await,
        Err(_) => request.requester.clone(),
    };
    let extra = [("volunteer", volunteer_name), ("requester", requester_name)];
    let key = if request.is_offer() { Key::PrivateIntroOffer } else { Key::PrivateIntro };
    let message = bot.about_in_private(request, key, &extra);
    send(bot, &room, &message, Shape::New, &[], txn.as_deref()).await?;
    Ok(())
}
