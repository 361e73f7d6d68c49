//! `!bannir @personne [raison]` / `!ban @person [reason]`: a coordinator bans a volunteer;
//! what they held is given back and relayed again.

use entraide_commands::{Key, Message, VolunteerStatus};
use entraide_storage::{AuditAction, Lane, Request, RoomKind};
use matrix_sdk::{
    Room,
    ruma::{UserId, events::room::member::MembershipState},
};
use tracing::{info, warn};

use super::{Ctx, journal::announce};
use crate::{
    bot::Bot,
    effects::plan,
    failure::Failure,
    powers::{Power, RoomsReport, membership},
};

/// Bans `user`: no longer vetted, their requests given back, banned from the rooms the
/// bot manages.
pub async fn apply(
    bot: &Bot,
    ctx: &Ctx,
    user: &UserId,
    reason: Option<&str>,
) -> Result<(), Failure> {
    let by = ctx.sender().as_str();
    let before = bot
        .store
        .set_volunteer_status(user.as_str(), VolunteerStatus::Banned, by, reason, false, bot.now())
        .await?;
    info!("volunteer banned");
    if before != VolunteerStatus::Banned {
        announce(bot, ctx, AuditAction::Ban, Some(user), reason);
    }
    let released = give_back_all(bot, user, by).await?;
    let rooms = ban_everywhere(bot, user).await;
    let key = if before == VolunteerStatus::Banned { Key::AlreadyBanned } else { Key::Banned };
    let mut parts = vec![bot.texts.render(ctx.lang, key, &[("user", user.as_str())])];
    if !released.is_empty() {
        let numbers = released.join(", ");
        parts.push(bot.texts.render(ctx.lang, Key::BannedReleased, &[("numbers", &numbers)]));
    }
    parts.extend(rooms.lines(bot, ctx.lang, Key::RoomsBanned, Some(Key::RoomsNotThere)));
    ctx.answer(bot, &Message::lines(parts), None);
    Ok(())
}

/// Gives back every request `user` holds, as forced by `by`; returns their numbers.
pub(super) async fn give_back_all(
    bot: &Bot,
    user: &UserId,
    by: &str,
) -> Result<Vec<String>, Failure> {
    let mut released = Vec::new();
    for request in bot.store.active_requests()? {
        if request.state.holder() != Some(user.as_str()) {
            continue;
        }
        let dropped = bot.store.owed_in(request.number, &Lane::Private)?;
        let owed = |request: &Request, old_room: Option<&str>| {
            plan::release(bot, request, old_room, user.as_str(), None)
        };
        match bot
            .store
            .release(request.number, user.as_str(), by, true, None, bot.now(), &dropped, owed)
            .await
        {
            Ok((request, _, queued)) => {
                bot.outbox.journalled(queued);
                released.push(request.number.to_string());
            }
            Err(error) => {
                warn!(request = request.number, %error, "cannot give back a volunteer's request")
            }
        }
    }
    Ok(released)
}

/// The rooms where a ban applies: the volunteers room, neighbourhood and private rooms.
pub(super) fn managed_rooms(bot: &Bot) -> Vec<Room> {
    let managed = |room: &Room| {
        room.room_id() == bot.rooms.volunteers
            || matches!(
                bot.store.room_kind(room.room_id().as_str()),
                Ok(Some(RoomKind::Private { .. } | RoomKind::Neighbourhood { .. }))
            )
    };
    bot.client.joined_rooms().into_iter().filter(managed).collect()
}

/// Bans `user` from every room the bot manages (also where they are not, so that they
/// cannot join), as far as the bot has the power to, room by room; a room where they are
/// banned already is left as it is. The reason stays in the store: a membership event
/// would show it to every member of the room, residents included.
async fn ban_everywhere(bot: &Bot, user: &UserId) -> RoomsReport {
    let mut report = RoomsReport::default();
    for room in managed_rooms(bot) {
        if membership(&room, user).await == MembershipState::Ban {
            continue;
        }
        report.act(bot, &room, Power::Ban, || room.ban_user(user, None)).await;
    }
    report
}
