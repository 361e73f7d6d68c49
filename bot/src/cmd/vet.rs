//! `!valider @personne` / `!vet @person`: a coordinator vets a volunteer, who is invited
//! into the volunteers room.

use entraide_commands::{Key, VolunteerStatus};
use entraide_storage::AuditAction;
use matrix_sdk::ruma::UserId;
use tracing::{debug, info, warn};

use super::{Ctx, journal::announce};
use crate::{bot::Bot, failure::Failure};

/// Marks `user` vetted, lifts a ban in the volunteers room, and invites them there.
pub async fn apply(bot: &Bot, ctx: &Ctx, user: &UserId) -> Result<(), Failure> {
    let before = bot
        .store
        .set_volunteer_status(
            user.as_str(),
            VolunteerStatus::Vetted,
            ctx.sender().as_str(),
            None,
            bot.now(),
        )
        .await?;
    info!("volunteer vetted");
    if before != VolunteerStatus::Vetted {
        announce(bot, ctx, AuditAction::Vet, Some(user), None);
    }
    if let Some(volunteers) = bot.volunteers_room() {
        if before == VolunteerStatus::Banned
            && let Err(error) = volunteers.unban_user(user, None).await
        {
            warn!(%error, "cannot lift the ban in the volunteers room");
        }
        if let Err(error) = volunteers.invite_user_by_id(user).await {
            // Already a member: nothing to do.
            debug!(%error, "no invitation to the volunteers room");
        }
    }
    let key = if before == VolunteerStatus::Vetted { Key::AlreadyVetted } else { Key::Vetted };
    ctx.answer(bot, &bot.texts.render(ctx.lang, key, &[("user", user.as_str())]), None);
    Ok(())
}
