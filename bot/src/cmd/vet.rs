//! `!valider @personne [sans charte] [note]` / `!vet @person [without charter] [note]`: a
//! coordinator vets a volunteer they met, who accepted the charter (or not, as the
//! coordinator decides, on record), with a note; the volunteer is invited into the
//! volunteers room and welcomed there.

use entraide_commands::{Key, Message, VolunteerStatus};
use entraide_storage::{AuditAction, Shape};
use matrix_sdk::ruma::{UserId, events::room::member::MembershipState};
use tracing::info;

use super::{Ctx, journal::announce};
use crate::{
    bot::Bot,
    effects::plan,
    failure::Failure,
    powers::{Power, RoomsReport, membership},
};

/// Marks `user` vetted, lifts a ban in the volunteers room, and invites them there. Someone
/// who never accepted the charter is vetted only `without_charter`, which the audit keeps.
pub async fn apply(
    bot: &Bot,
    ctx: &Ctx,
    user: &UserId,
    note: Option<&str>,
    without_charter: bool,
) -> Result<(), Failure> {
    let (texts, lang) = (&bot.texts, ctx.lang);
    let person = bot.store.person(user.as_str())?;
    let args = [("user", user.as_str())];
    if person.status == VolunteerStatus::Vetted {
        // One who left the volunteers room is invited back.
        let mut answer = vec![texts.render(lang, Key::AlreadyVetted, &args)];
        answer.extend(invite(bot, user).await.lines(bot, lang, Key::RoomsInvited, None));
        ctx.answer(bot, &Message::lines(answer), None);
        return Ok(());
    }
    let signed = person.charter.is_some();
    if !signed && !without_charter {
        ctx.answer(bot, &texts.render(lang, Key::VetNeedsCharter, &args), None);
        return Ok(());
    }
    let overrode = !signed;
    let by = ctx.sender().as_str();
    let before = bot
        .store
        .set_volunteer_status(user.as_str(), VolunteerStatus::Vetted, by, note, overrode, bot.now())
        .await?;
    info!(without_charter = overrode, "volunteer vetted");
    announce(bot, ctx, AuditAction::Vet, Some(user), note);
    if overrode {
        announce(bot, ctx, AuditAction::Override, Some(user), note);
    }
    let mut unbanned = RoomsReport::default();
    if before == VolunteerStatus::Banned
        && let Some(volunteers) = bot.volunteers_room()
        && membership(&volunteers, user).await == MembershipState::Ban
    {
        unbanned.act(bot, &volunteers, Power::Ban, || volunteers.unban_user(user, None)).await;
    }
    let invited = invite(bot, user).await;
    if let Some(volunteers) = bot.volunteers_room() {
        let welcome = texts.render(bot.config.language, Key::VolunteerWelcome, &args);
        let welcome =
            plan::notice_in(volunteers.room_id(), welcome, Shape::New, Some(user.as_str()));
        bot.outbox.now(welcome);
    }
    let mut answer = vec![texts.render(lang, Key::Vetted, &args)];
    if overrode {
        answer.push(texts.render(lang, Key::VettedWithoutCharter, &[]));
    }
    if let Some(note) = note {
        answer.push(texts.render(lang, Key::VettedNote, &[("note", note)]));
    }
    answer.extend(unbanned.lines(bot, lang, Key::RoomsUnbanned, None));
    answer.extend(invited.lines(bot, lang, Key::RoomsInvited, None));
    ctx.answer(bot, &Message::lines(answer), None);
    Ok(())
}

/// Invites `user` into the volunteers room unless they are in it or invited already.
async fn invite(bot: &Bot, user: &UserId) -> RoomsReport {
    let mut report = RoomsReport::default();
    if let Some(volunteers) = bot.volunteers_room()
        && !matches!(
            membership(&volunteers, user).await,
            MembershipState::Join | MembershipState::Invite
        )
    {
        report.act(bot, &volunteers, Power::Invite, || volunteers.invite_user_by_id(user)).await;
    }
    report
}
