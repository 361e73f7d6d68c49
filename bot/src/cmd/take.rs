//! `!prendre <n>` / `!take <n>`, or ✋ on a relay: the first valid claim wins the request
//! and a private room with the person who asked.

use entraide_commands::{CommandKind, Key, Lang, Place, rules};
use matrix_sdk::ruma::{EventId, RoomId, UserId};
use tracing::{error, info};

use entraide_storage::{Request, Root, Shape};

use super::Ctx;
use crate::{
    effects::plan,
    failure::{self, Failure},
    scheme::Scheme,
};

/// Claims request `number` for the command's author.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    claim(scheme, number, ctx.sender(), ctx.lang, &ctx.reply_to.event, Some(ctx)).await
}

/// A reaction in the volunteers room: ✋ (any skin tone) on a relay claims its request.
/// Answers go to the relay's thread, mentioning the volunteer.
pub(super) async fn by_reaction(
    scheme: &Scheme,
    room: &RoomId,
    event: &EventId,
    sender: &UserId,
    target: &EventId,
    key: &str,
) {
    if room != scheme.rooms.volunteers || !is_claim(key) {
        return;
    }
    let number = match scheme.store.request_by_relay(target.as_str()) {
        Ok(Some(number)) => number,
        Ok(None) => return,
        Err(error) => {
            error!(%error, "cannot look up a relay");
            return;
        }
    };
    // Marked handled with the claim, or below when refused.
    if scheme.store.is_handled(event.as_str()).unwrap_or(true) {
        return;
    }
    let lang = scheme.config.language;
    let result = match scheme.roles(sender) {
        Ok(roles) => rules::check(CommandKind::Take, roles, Place::Volunteers)
            .map_err(|refusal| Failure::Refused(refusal, CommandKind::Take)),
        Err(error) => Err(error.into()),
    };
    let result = match result {
        Ok(()) => claim(scheme, number, sender, lang, event, None).await,
        Err(failure) => Err(failure),
    };
    if let Err(failure) = result {
        if !scheme.mark_handled(event).await {
            return;
        }
        failure.log();
        // In the thread of the relay reacted to, which may be an older one.
        if let Some(message) = failure::message(&scheme.texts, &failure, lang) {
            let shape = Shape::Thread { root: Root::Event { id: target.to_string() }, to: None };
            scheme.outbox.now(plan::notice_in(room, message, shape, Some(sender.as_str())));
        }
    }
}

/// The claim itself: one compare-and-swap in the store, journalled with what it owes: the
/// private room, then the winner told (as a reply to their command, or in the relay's
/// thread) and what else follows the room.
async fn claim(
    scheme: &Scheme,
    number: u64,
    volunteer: &UserId,
    lang: Lang,
    event: &EventId,
    command: Option<&Ctx>,
) -> Result<(), Failure> {
    if scheme.charter_outdated(volunteer)? {
        return Err(Failure::CharterOutdated);
    }
    let won = scheme.texts.render(lang, Key::ClaimWon, &[("number", &number.to_string())]);
    let owed = |request: &Request| {
        let mut told = match command {
            Some(ctx) => ctx.reply(scheme, &won, Some(request)),
            None => plan::to_relay_thread(scheme, request, &won, volunteer.as_str(), true),
        };
        // Told once the private room is there, in its lane: the invitations, which both
        // people wait for, do not share the homeserver with it; and if the room cannot
        // be made, the volunteer hears that the request was given back, not that it won.
        told.lane = plan::PRIVATE_LANE.to_owned();
        let mut owed = plan::private_room(scheme, request, volunteer.as_str());
        owed.insert(1.min(owed.len()), told);
        owed
    };
    let (_, queued) = scheme
        .store
        .claim(number, volunteer.as_str(), Some(event.as_str()), scheme.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Take))?;
    info!(request = number, "claimed");
    scheme.outbox.journalled(queued);
    Ok(())
}

/// ✋, with or without a skin tone or variation selector.
fn is_claim(key: &str) -> bool {
    super::bare_emoji(key) == "✋"
}

#[cfg(test)]
mod tests {
    use super::is_claim;

    #[test]
    fn a_raised_hand_in_any_skin_tone_claims() {
        for key in ["✋", "✋\u{FE0F}", "✋🏽", "✋🏿"] {
            assert!(is_claim(key), "{key}");
        }
        for key in ["👍", "🙋", "✋✋", "", "hand"] {
            assert!(!is_claim(key), "{key}");
        }
    }
}
