//! `!retirer @personne [raison]` / `!unvet @person [reason]`: a coordinator no longer
//! counts someone as a vetted volunteer, without banning them: what they held is given
//! back and relayed again, and they leave the volunteers room.

use entraide_commands::{Key, Message, VolunteerStatus};
use entraide_storage::AuditAction;
use matrix_sdk::ruma::{UserId, events::room::member::MembershipState};
use tracing::info;

use super::{Ctx, ban::give_back_all, journal::announce};
use crate::{
    bot::Bot,
    failure::Failure,
    powers::{Power, RoomsReport, membership},
};

/// Unvets `user` if they are vetted; a banned or unvetted person is left as they are.
pub async fn apply(
    bot: &Bot,
    ctx: &Ctx,
    user: &UserId,
    reason: Option<&str>,
) -> Result<(), Failure> {
    let args = [("user", user.as_str())];
    if bot.store.person(user.as_str())?.status != VolunteerStatus::Vetted {
        ctx.answer(bot, &bot.texts.render(ctx.lang, Key::NotVetted, &args), None);
        return Ok(());
    }
    let by = ctx.sender().as_str();
    bot.store
        .set_volunteer_status(
            user.as_str(),
            VolunteerStatus::Unvetted,
            by,
            reason,
            false,
            bot.now(),
        )
        .await?;
    info!("volunteer no longer vetted");
    announce(bot, ctx, AuditAction::Unvet, Some(user), reason);
    let released = give_back_all(bot, user, by).await?;
    // Out of the volunteers room, if they are in it or invited.
    let mut rooms = RoomsReport::default();
    if let Some(volunteers) = bot.volunteers_room()
        && matches!(
            membership(&volunteers, user).await,
            MembershipState::Join | MembershipState::Invite
        )
    {
        rooms.act(bot, &volunteers, Power::Kick, || volunteers.kick_user(user, None)).await;
    }
    let mut parts = vec![bot.texts.render(ctx.lang, Key::Unvetted, &args)];
    if !released.is_empty() {
        let numbers = released.join(", ");
        parts.push(bot.texts.render(ctx.lang, Key::BannedReleased, &[("numbers", &numbers)]));
    }
    parts.extend(rooms.lines(bot, ctx.lang, Key::RoomsRemoved, Some(Key::RoomsNotThere)));
    ctx.answer(bot, &Message::lines(parts), None);
    Ok(())
}
