//! What an emergency contact writes back, in their direct chat with the bot, while a
//! campaign runs: they were told its news there (with the person's consent), so their
//! answer ("she is at my place this week") is passed on to the coordination, where
//! register data may go, and they are told it was. Words that are not a command are
//! otherwise left alone.

use entraide_commands::Key;
use entraide_storage::{Action, Effect, Enrolment, Lane, RoomKind, Shape, Target};
use matrix_sdk::ruma::{EventId, RoomId, UserId};
use tracing::{error, info};

use crate::{bot::Bot, plan};

/// How much of what they wrote is passed on.
const PASSED_ON_CHARS: usize = 1_000;

/// Passes on `body`, written by `sender` in `room`, if `room` is their direct chat with
/// the bot and they are the consenting emergency contact of someone on the running
/// campaign's lists. Returns whether it was.
pub async fn heard(bot: &Bot, room: &RoomId, sender: &UserId, event: &EventId, body: &str) -> bool {
    let theirs = matches!(
        bot.store.room_kind(room.as_str()),
        Ok(Some(RoomKind::Direct { user })) if user == sender.as_str()
    );
    if !theirs {
        return false;
    }
    let Ok(Some(running)) = bot.store.running_campaign() else { return false };
    let contact_of = bot.store.entries_where(|entry| {
        entry.status == Enrolment::Active
            && entry.particulars.family_told
            && entry.particulars.contact.as_ref().and_then(|c| c.matrix.as_deref())
                == Some(sender.as_str())
    });
    let Some(entry) = contact_of.ok().into_iter().flatten().find(|entry| {
        bot.store.checkin(running.number, entry.number).is_ok_and(|check| check.is_some())
    }) else {
        return false;
    };
    // Journalled before it is marked handled: a stop in between passes it on twice
    // rather than never.
    if bot.store.is_handled(event.as_str()).unwrap_or(true) {
        return true;
    }
    let lang = bot.config.language;
    let text: String = body.trim().chars().take(PASSED_ON_CHARS).collect();
    let number = entry.number.to_string();
    let args = [
        ("contact", sender.as_str()),
        ("number", number.as_str()),
        ("person", entry.particulars.name.as_str()),
        ("text", text.as_str()),
    ];
    let passed = Effect {
        request: 0,
        lane: Lane::room(&bot.rooms.coordination),
        urgent: true,
        action: Action::Notice {
            to: Target::Confidential { asked_by: running.started_by.clone() },
            message: bot.texts.render(lang, Key::FamilyWrote, &args),
            shape: Shape::New,
            mention: None,
        },
    };
    let thanks = plan::direct(sender.as_str(), bot.texts.render(lang, Key::FamilyPassedOn, &[]));
    match bot.store.owe(vec![passed, thanks]).await {
        Ok(queued) => {
            info!(entry = entry.number, "an emergency contact's answer passed on");
            bot.outbox.journalled(queued);
            bot.mark_handled(event).await;
        }
        Err(error) => error!(%error, "cannot pass on an emergency contact's answer"),
    }
    true
}
