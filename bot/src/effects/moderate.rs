//! A coordinator's decision about a volunteer carried out on Matrix ([`Action::Moderate`]):
//! their memberships changed room by room, as far as the bot has the power to, and the
//! coordinator answered with what was done where. What is done already (a ban in place,
//! an invitation pending) is left as it is, so that a resumed effect does nothing twice.
//!
//! [`Action::Moderate`]: entraide_storage::Action::Moderate

use entraide_commands::{Key, Lang, Message};
use entraide_storage::{Membership, Request, RoomKind, Shape, Target};
use matrix_sdk::{
    Room,
    ruma::{OwnedTransactionId, UserId, events::room::member::MembershipState},
};

use super::send::notice;
use crate::{
    bot::Bot,
    matrix::membership,
    powers::{Power, RoomsReport},
};

/// What a coordinator asked, and how they are answered.
#[derive(Debug)]
pub struct Decision<'a> {
    /// The person.
    pub user: &'a str,
    /// What to do.
    pub change: Membership,
    /// The language of the answer.
    pub lang: Lang,
    /// Where the answer goes.
    pub to: &'a Target,
    /// Its first lines.
    pub message: &'a Message,
    /// How it relates to the command.
    pub shape: &'a Shape,
}

/// Carries out `decision`, then answers.
pub async fn moderate(
    bot: &Bot,
    request: Option<&Request>,
    decision: Decision<'_>,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let Decision { user, change, lang, to, message, shape } = decision;
    let user = UserId::parse(user)?;
    let mut lines = vec![message.clone()];
    match change {
        Membership::Ban => {
            let mut report = RoomsReport::default();
            for room in managed_rooms(bot) {
                if membership(&room, &user).await != MembershipState::Ban {
                    report.act(bot, &room, Power::Ban, || room.ban_user(&user, None)).await;
                }
            }
            lines.extend(report.lines(bot, lang, Key::RoomsBanned, Some(Key::RoomsNotThere)));
        }
        Membership::Unban => {
            let mut report = RoomsReport::default();
            for room in managed_rooms(bot) {
                if membership(&room, &user).await == MembershipState::Ban {
                    report.act(bot, &room, Power::Ban, || room.unban_user(&user, None)).await;
                }
            }
            lines.extend(report.lines(bot, lang, Key::RoomsUnbanned, None));
        }
        Membership::Remove => {
            let mut report = RoomsReport::default();
            if let Some(volunteers) = bot.volunteers_room()
                && matches!(
                    membership(&volunteers, &user).await,
                    MembershipState::Join | MembershipState::Invite
                )
            {
                report
                    .act(bot, &volunteers, Power::Kick, || volunteers.kick_user(&user, None))
                    .await;
            }
            lines.extend(report.lines(bot, lang, Key::RoomsRemoved, Some(Key::RoomsNotThere)));
        }
        Membership::Welcome => {
            let (mut unbanned, mut invited) = (RoomsReport::default(), RoomsReport::default());
            if let Some(volunteers) = bot.volunteers_room() {
                let now = membership(&volunteers, &user).await;
                if now == MembershipState::Ban {
                    let unban = || volunteers.unban_user(&user, None);
                    unbanned.act(bot, &volunteers, Power::Ban, unban).await;
                }
                if !matches!(now, MembershipState::Join | MembershipState::Invite) {
                    let invite = || volunteers.invite_user_by_id(&user);
                    invited.act(bot, &volunteers, Power::Invite, invite).await;
                }
            }
            lines.extend(unbanned.lines(bot, lang, Key::RoomsUnbanned, None));
            lines.extend(invited.lines(bot, lang, Key::RoomsInvited, None));
        }
    }
    notice(bot, request, to, &Message::lines(lines), shape, None, txn).await
}

/// The rooms where a ban applies: the volunteers room, neighbourhood and private rooms.
fn managed_rooms(bot: &Bot) -> Vec<Room> {
    let managed = |room: &Room| {
        room.room_id() == bot.rooms.volunteers
            || matches!(
                bot.store.room_kind(room.room_id().as_str()),
                Ok(Some(RoomKind::Private { .. } | RoomKind::Neighbourhood { .. }))
            )
    };
    let mut rooms: Vec<Room> = bot.client.joined_rooms().into_iter().filter(managed).collect();
    // The same order in every answer.
    rooms.sort_by(|a, b| a.room_id().cmp(b.room_id()));
    rooms
}
