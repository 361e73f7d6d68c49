//! Who can read the coordination room. It is only as private as its members: vetting
//! notes, escalations and figures are posted there, so the bot says so whenever someone
//! who is not a coordinator is in it — at start, when such a person joins, and in
//! `!verifier`.

use std::sync::Arc;

use entraide_commands::{Key, Lang, Message};
use entraide_storage::Shape;
use matrix_sdk::{
    Client, Room,
    event_handler::EventHandlerHandle,
    ruma::{
        OwnedUserId, UserId,
        api::client::membership::get_member_events,
        events::room::member::{
            MembershipChange, MembershipState, OriginalSyncRoomMemberEvent, RoomMemberEvent,
        },
    },
};
use tracing::warn;

use crate::{bot::Bot, matrix, plan, scheme::Scheme};

/// Of the coordination room's `members` (joined or invited), those who are neither a
/// coordinator nor the bot, in a stable order.
pub fn strangers(scheme: &Scheme, members: &[OwnedUserId]) -> Vec<OwnedUserId> {
    let mut strangers: Vec<OwnedUserId> =
        members.iter().filter(|user| is_stranger(scheme, user)).cloned().collect();
    strangers.sort();
    strangers.dedup();
    strangers
}

/// The warning that `strangers` can read the coordination room.
pub fn warning(scheme: &Scheme, lang: Lang, strangers: &[OwnedUserId]) -> Message {
    let people = strangers.iter().map(|user| user.as_str()).collect::<Vec<_>>().join(", ");
    scheme.texts.render(lang, Key::CoordinationOpen, &[("people", &people)])
}

/// The coordination room's members, joined or invited, as the homeserver says now (empty
/// if the bot is not in it or the homeserver does not answer: the warning is a courtesy,
/// and register data is then not posted there).
///
/// Asked of the homeserver, not read from the bot's store, which a fork in the room's
/// history can leave with an older membership (see [`matrix::membership`]): this list
/// decides whether the register's data may be posted there.
pub async fn members(bot: &Bot) -> Vec<OwnedUserId> {
    let Some(room) = matrix::joined(&bot.client, bot.rooms.coordination.as_str()) else {
        return Vec::new();
    };
    let mut request = get_member_events::v3::Request::new(room.room_id().to_owned());
    request.not_membership = Some(MembershipState::Leave);
    let events: Result<Vec<RoomMemberEvent>, String> = match bot.client.send(request).await {
        Ok(response) => {
            response.chunk.iter().map(|raw| raw.deserialize().map_err(|e| e.to_string())).collect()
        }
        Err(error) => Err(error.to_string()),
    };
    match events {
        Ok(events) => events
            .iter()
            .filter(|event| {
                matches!(event.membership(), MembershipState::Join | MembershipState::Invite)
            })
            .map(|event| event.state_key().to_owned())
            .collect(),
        Err(error) => {
            warn!(%error, "cannot read the members of the coordination room");
            Vec::new()
        }
    }
}

/// Whether register data may be posted in the coordination room now (R121-7): the bot
/// is in it, and every member, joined or invited, is a coordinator, a caller who
/// accepted the confidentiality clause, or the bot.
pub async fn is_closed(bot: &Bot) -> bool {
    let members = members(bot).await;
    let sworn = |user: &OwnedUserId| {
        bot.store.person(user.as_str()).is_ok_and(|person| person.is_sworn_caller())
    };
    !members.is_empty() && strangers(bot, &members).iter().all(sworn)
}

/// Warns in the coordination room if someone who is not a coordinator is in it.
pub async fn tell_at_start(bot: &Bot) {
    let strangers = strangers(bot, &members(bot).await);
    if !strangers.is_empty() {
        warn!(
            people = strangers.len(),
            "people who are not coordinators are in the coordination room"
        );
        tell(bot, &strangers);
    }
}

/// Watches joins to the coordination room from now on: a person who is not a
/// coordinator joining it is warned about at once.
pub fn watch(client: &Client, bot: Arc<Bot>) -> EventHandlerHandle {
    client.add_event_handler(move |ev: OriginalSyncRoomMemberEvent, room: Room| {
        let bot = bot.clone();
        async move {
            // A fresh start's first sync brings old joins: the start-up check covers them.
            let since_start = u64::from(ev.origin_server_ts.0) >= bot.started_ms;
            if room.room_id() == bot.rooms.coordination
                && since_start
                && matches!(ev.membership_change(), MembershipChange::Joined)
                && is_stranger(&bot, &ev.state_key)
            {
                warn!("someone who is not a coordinator joined the coordination room");
                tell(&bot, std::slice::from_ref(&ev.state_key));
            }
        }
    })
}

/// Whether `user` is neither a coordinator nor the bot.
fn is_stranger(scheme: &Scheme, user: &UserId) -> bool {
    !scheme.is_coordinator(user) && user != scheme.config.user_id
}

/// Posts the warning about `strangers` in the coordination room.
fn tell(bot: &Bot, strangers: &[OwnedUserId]) {
    let message = warning(bot, bot.config.language, strangers);
    bot.outbox.now(plan::notice_in(&bot.rooms.coordination, message, Shape::New, None));
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use matrix_sdk::ruma::{OwnedUserId, owned_user_id};

    use super::{strangers, warning};
    use crate::cmd::desk::{Desk, Result};

    #[tokio::test]
    async fn coordinators_and_the_bot_are_no_strangers_others_are_named_once_in_order() -> Result<()>
    {
        let desk = Desk::new().await?;
        let scheme = &desk.scheme;
        let coordinator = scheme.config.coordinators[0].clone();
        let bot = scheme.config.user_id.clone();
        let (zoe, paul): (OwnedUserId, OwnedUserId) =
            (owned_user_id!("@zoe:x"), owned_user_id!("@paul:x"));
        assert!(strangers(scheme, &[coordinator.clone(), bot.clone()]).is_empty());
        let members = [zoe.clone(), coordinator, paul.clone(), bot, zoe.clone()];
        assert_eq!(strangers(scheme, &members), [paul.clone(), zoe.clone()]);

        let fr = warning(scheme, Lang::Fr, &[paul.clone(), zoe.clone()]);
        assert!(fr.plain.contains("@paul:x, @zoe:x"), "{}", fr.plain);
        assert!(fr.plain.contains("pas réservé aux coordinateurs"), "{}", fr.plain);
        let en = warning(scheme, Lang::En, &[paul]);
        assert!(en.plain.contains("not for coordinators only"), "{}", en.plain);
        Ok(())
    }
}
