//! `!attribuer <n> @personne` / `!assign <n> @person`: a coordinator gives an open request
//! to a vetted volunteer of their choice (someone who knows the person, who lives next
//! door). It is a claim in the volunteer's name, with the private room and what follows
//! it, and the coordinator's action in the audit.

use entraide_commands::{CommandKind, Key, VolunteerStatus};
use entraide_storage::{AuditAction, AuditEntry, Request};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{Ctx, journal::announce_entry};
use crate::{bot::Bot, effects::plan, failure::Failure};

/// Gives request `number` to `user`, who must be a vetted volunteer.
pub async fn apply(bot: &Bot, ctx: &Ctx, number: u64, user: &UserId) -> Result<(), Failure> {
    let number_text = number.to_string();
    let args = [("user", user.as_str()), ("number", number_text.as_str())];
    if bot.store.person(user.as_str())?.status != VolunteerStatus::Vetted {
        // No transition marks it handled: marked here, so that it is answered once.
        if bot.mark_handled(&ctx.reply_to.event).await {
            ctx.answer(bot, &bot.texts.render(ctx.lang, Key::AssignNotVetted, &args), None);
        }
        return Ok(());
    }
    let assigned = bot.texts.render(ctx.lang, Key::Assigned, &args);
    let told = bot.texts.render(bot.config.language, Key::ClaimAssigned, &args);
    let owed = |request: &Request| {
        let mut owed = plan::private_room(bot, request, user.as_str());
        // Once the room is there, in its lane, as for a claim: the volunteer told in the
        // relay's thread (mentioned, so that they are notified), the coordinator answered.
        let mut to_volunteer = plan::to_relay_thread(bot, request, &told, user.as_str(), true);
        to_volunteer.lane = plan::PRIVATE_LANE.to_owned();
        let mut answer = ctx.reply(bot, &assigned, Some(request));
        answer.lane = plan::PRIVATE_LANE.to_owned();
        let after_room = 1.min(owed.len());
        owed.splice(after_room..after_room, [to_volunteer, answer]);
        owed
    };
    let coordinator = ctx.sender().as_str();
    let (_, queued) = bot
        .store
        .assign(number, user.as_str(), coordinator, Some(ctx.event()), bot.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Assign))?;
    info!(request = number, "assigned");
    bot.outbox.journalled(queued);
    let entry = AuditEntry {
        at: bot.now(),
        actor: coordinator.to_owned(),
        action: AuditAction::Assign,
        target: Some(user.to_string()),
        reason: None,
        request: Some(number),
    };
    announce_entry(bot, ctx, &entry);
    Ok(())
}
