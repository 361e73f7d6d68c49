//! `!debannir @personne` / `!unban @person`: a coordinator lifts a ban. The person is
//! not vetted again by it: `!valider` does that, after meeting them.

use entraide_commands::{Key, VolunteerStatus};
use entraide_storage::AuditAction;
use matrix_sdk::ruma::UserId;
use tracing::{debug, info};

use super::{Ctx, ban::managed_rooms, journal::announce};
use crate::{bot::Bot, failure::Failure};

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
    for room in managed_rooms(bot) {
        if let Err(error) = room.unban_user(user, None).await {
            debug!(room = %room.room_id(), %error, "no ban lifted here");
        }
    }
    ctx.answer(bot, &bot.texts.render(ctx.lang, Key::Unbanned, &args), None);
    Ok(())
}
