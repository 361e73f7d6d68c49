//! `!debannir @personne` / `!unban @person`: a coordinator lifts a ban. The person is
//! not vetted again by it: `!valider` does that, after meeting them.

use entraide_commands::{Key, Message, VolunteerStatus};
use entraide_storage::AuditAction;
use matrix_sdk::ruma::{UserId, events::room::member::MembershipState};
use tracing::info;

use super::{Ctx, ban::managed_rooms, journal::announce};
use crate::{
    bot::Bot,
    failure::Failure,
    powers::{Power, RoomsReport, membership},
};

/// Lifts `user`'s ban in the store and in the rooms the bot manages.
pub async fn apply(bot: &Bot, ctx: &Ctx, user: &UserId) -> Result<(), Failure> {
    let args = [("user", user.as_str())];
    if bot.store.person(user.as_str())?.status != VolunteerStatus::Banned {
        ctx.answer(bot, &bot.texts.render(ctx.lang, Key::NotBanned, &args), None);
        return Ok(());
    }
    bot.store
        .set_volunteer_status(
            user.as_str(),
            VolunteerStatus::Unvetted,
            ctx.sender().as_str(),
            None,
            false,
            bot.now(),
        )
        .await?;
    info!("ban lifted");
    announce(bot, ctx, AuditAction::Unban, Some(user), None);
    let mut rooms = RoomsReport::default();
    for room in managed_rooms(bot) {
        if membership(&room, user).await == MembershipState::Ban {
            rooms.act(bot, &room, Power::Ban, || room.unban_user(user, None)).await;
        }
    }
    let mut parts = vec![bot.texts.render(ctx.lang, Key::Unbanned, &args)];
    parts.extend(rooms.lines(bot, ctx.lang, Key::RoomsUnbanned, None));
    ctx.answer(bot, &Message::lines(parts), None);
    Ok(())
}
