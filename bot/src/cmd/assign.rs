//! `!attribuer <n> @personne` / `!assign <n> @person`: a coordinator gives an open request
//! to a vetted volunteer of their choice (someone who knows the person, who lives next
//! door). It is a claim in the volunteer's name, with the private room and what follows
//! it, and the coordinator's action in the audit.

use entraide_commands::{CommandKind, Key, VolunteerStatus};
use entraide_storage::{AuditAction, AuditEntry, Request};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{Ctx, journal::announce_entry};
use crate::{effects::plan, failure::Failure, scheme::Scheme};

/// Gives request `number` to `user`, who must be a vetted volunteer.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64, user: &UserId) -> Result<(), Failure> {
    let number_text = number.to_string();
    let args = [("user", user.as_str()), ("number", number_text.as_str())];
    if scheme.store.person(user.as_str())?.status != VolunteerStatus::Vetted {
        // No transition marks it handled: marked here, so that it is answered once.
        if scheme.mark_handled(&ctx.reply_to.event).await {
            ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::AssignNotVetted, &args), None);
        }
        return Ok(());
    }
    let assigned = scheme.texts.render(ctx.lang, Key::Assigned, &args);
    let told = scheme.texts.render(scheme.config.language, Key::ClaimAssigned, &args);
    let owed = |request: &Request| {
        let mut owed = plan::private_room(scheme, request, user.as_str());
        // Once the room is there, in its lane, as for a claim: the volunteer told in the
        // relay's thread (mentioned, so that they are notified), the coordinator answered.
        let mut to_volunteer = plan::to_relay_thread(scheme, request, &told, user.as_str(), true);
        to_volunteer.lane = plan::PRIVATE_LANE.to_owned();
        let mut answer = ctx.reply(scheme, &assigned, Some(request));
        answer.lane = plan::PRIVATE_LANE.to_owned();
        let after_room = 1.min(owed.len());
        owed.splice(after_room..after_room, [to_volunteer, answer]);
        owed
    };
    let coordinator = ctx.sender().as_str();
    let (_, queued) = scheme
        .store
        .assign(number, user.as_str(), coordinator, Some(ctx.event()), scheme.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Assign))?;
    info!(request = number, "assigned");
    scheme.outbox.journalled(queued);
    let entry = AuditEntry {
        at: scheme.now(),
        actor: coordinator.to_owned(),
        action: AuditAction::Assign,
        target: Some(user.to_string()),
        reason: None,
        request: Some(number),
    };
    announce_entry(scheme, ctx, &entry);
    Ok(())
}
