//! The worker: takes jobs one at a time, in the order they arrived, and turns each into a
//! command's context, the command's run, and a reply when it fails.

use std::sync::Arc;

use entraide_commands::{
    Command, CommandKind, ParseError, Parsed, Place, parse, pills, says_yes, strip_reply_fallback,
};
use matrix_sdk::ruma::{EventId, OwnedEventId, OwnedRoomId, OwnedUserId, RoomId};
use tokio::sync::{mpsc::UnboundedReceiver, oneshot};
use tracing::warn;

use crate::{
    bot::Bot,
    cmd::{self, Ctx},
    failure::{self, Failure},
    family, followup, invite,
    job::Job,
    matrix::{self, ReplyTo},
    sheets,
};

/// Handles jobs until `stop` fires (or every sender is gone), then finishes those queued.
/// Starts once `resumed` is told (or dropped): the effects a stop interrupted come first.
pub async fn work(
    bot: Arc<Bot>,
    mut queue: UnboundedReceiver<Job>,
    stop: oneshot::Receiver<()>,
    resumed: oneshot::Receiver<()>,
) {
    tokio::pin!(stop);
    tokio::select! {
        _ = resumed => {}
        _ = &mut stop => return,
    }
    let mut stopping = false;
    loop {
        let job = tokio::select! {
            job = queue.recv() => job,
            _ = &mut stop, if !stopping => {
                // No new jobs; those already queued are still handled.
                stopping = true;
                queue.close();
                continue;
            }
        };
        let Some(job) = job else { break };
        match job {
            // History from before the bot joined the room is not for it.
            Job::Message { room, at, .. }
            | Job::Reaction { room, at, .. }
            | Job::File { room, at, .. }
                if at < bot.serves_since(&room) => {}
            Job::File { room, event, sender, file, .. } => {
                sheets::from_room(&bot, &room, event, &sender, *file).await;
            }
            Job::Message { room, event, at, sender, body, html, thread, answers } => {
                let message = Written { room, event, at, sender, thread, answers, reaction: false };
                on_message(&bot, message, &body, html.as_deref()).await;
            }
            // ✋ or 👍 on an offer's post takes it up, as "oui" answering it would.
            Job::Reaction { room, event, at, sender, target, key }
                if room != bot.rooms.volunteers && is_post(&bot, &target) =>
            {
                let thread = Some(target);
                let message =
                    Written { room, event, at, sender, thread, answers: None, reaction: true };
                on_message(&bot, message, &key, None).await;
            }
            Job::Reaction { room, event, sender, target, key, .. } => {
                cmd::by_reaction(&bot, &room, &event, &sender, &target, &key).await;
            }
            Job::FollowUp => followup::take_due_steps(&bot).await,
            Job::Purge => followup::purge(&bot).await,
            Job::Synced { at } => {
                if let Err(error) = bot.store.set_synced_at(at) {
                    warn!(%error, "cannot record how far events are handled");
                }
            }
            Job::Invite { room, inviter, direct } => {
                invite::accept_or_decline(&bot, room, inviter, direct).await;
            }
        }
    }
}

/// Where and when a message was written, by whom.
struct Written {
    room: OwnedRoomId,
    event: OwnedEventId,
    at: u64,
    sender: OwnedUserId,
    thread: Option<OwnedEventId>,
    answers: Option<OwnedEventId>,
    /// It is a reaction to `thread`'s root, not a message.
    reaction: bool,
}

async fn on_message(bot: &Bot, written: Written, body: &str, html: Option<&str>) {
    let Written { room: room_id, event, at, sender, thread, answers, reaction } = written;
    let pills = html.map(pills).unwrap_or_default();
    let parsed = match parse(body, &pills) {
        // "oui", or "!prendre" without its number, answering a relay or an offer's post.
        unread @ (None
        | Some(Err(ParseError::Usage {
            kind: CommandKind::Take | CommandKind::Yes,
            ..
        }))) => {
            let target = answers.as_deref().or(thread.as_deref());
            match target.and_then(|target| by_reply(bot, &room_id, target, body)) {
                Some(parsed) => Some(Ok(parsed)),
                None => unread,
            }
        }
        parsed => parsed,
    };
    let Some(parsed) = parsed else {
        // An emergency contact answering the news of a campaign.
        family::heard(bot, &room_id, &sender, &event, body).await;
        return;
    };
    // A room the bot has left since: nothing to answer there.
    if matrix::joined(&bot.client, room_id.as_str()).is_none() {
        return;
    }
    // Transitions mark their event handled in their own store transaction.
    let in_transition = parsed.as_ref().is_ok_and(|parsed| parsed.command.kind().is_transition());
    if !first_time(bot, &event, in_transition).await {
        return;
    }
    let lang = match &parsed {
        Ok(parsed) => parsed.lang,
        Err(error) => error.lang().unwrap_or(bot.config.language),
    };
    let place = bot.place(&room_id);
    let roles = bot.roles(&sender);
    let ctx = Ctx {
        room: room_id,
        reply_to: ReplyTo { event, sender },
        word: first_word(body),
        at,
        thread,
        by_reaction: reaction,
        lang,
        place: place.as_ref().map_or(Place::Other, |place| *place),
        roles: roles.as_ref().map_or_else(|_| Default::default(), |roles| *roles),
        handled_as: None,
    };
    let result = match (parsed, place, roles) {
        (Err(error), _, _) => Err(Failure::Parse(error)),
        (_, Err(error), _) | (_, _, Err(error)) => Err(error.into()),
        (Ok(parsed), Ok(_), Ok(_)) => cmd::run(bot, &ctx, parsed.command).await,
    };
    if let Err(failure) = result {
        // A refused transition recorded nothing: mark it, so that it is answered once.
        if in_transition && !bot.mark_handled(&ctx.reply_to.event).await {
            return;
        }
        failure.log();
        if let Some(message) = failure::message(&bot.texts, &failure, lang) {
            // In the volunteers room, "already taken" goes in the request's thread.
            let about = failure.request_number().and_then(|n| bot.store.request(n).ok().flatten());
            ctx.answer(bot, &message, about.as_ref());
        }
    }
}

/// The command a reply that says yes (see [`says_yes`]) stands for: in the volunteers
/// room, taking the request of the relay it answers; elsewhere, taking up the offer of
/// the post it answers. `None` when it answers neither, or says more than yes.
fn by_reply(bot: &Bot, room: &RoomId, target: &EventId, body: &str) -> Option<Parsed> {
    let lang = says_yes(body)?;
    let number = match bot.store.request_by_relay(target.as_str()) {
        Ok(number) => number?,
        Err(error) => {
            warn!(%error, "cannot look up what a reply answers");
            return None;
        }
    };
    let command = match room == bot.rooms.volunteers {
        true => Command::Take { number },
        false => Command::Yes { number },
    };
    Some(Parsed { command, lang: lang.unwrap_or(bot.config.language) })
}

/// Whether `event` is a relay or an offer's post.
fn is_post(bot: &Bot, event: &EventId) -> bool {
    bot.store.request_by_relay(event.as_str()).is_ok_and(|number| number.is_some())
}

/// Whether this event is new to the bot. Other commands are marked handled here; a
/// transition's is marked in the same store transaction as the transition.
async fn first_time(bot: &Bot, event: &OwnedEventId, in_transition: bool) -> bool {
    if in_transition {
        return !bot.store.is_handled(event.as_str()).unwrap_or(true);
    }
    bot.mark_handled(event).await
}

/// The first word of a message as written, a reply's fallback (from an older client)
/// left out: the command's word.
fn first_word(body: &str) -> String {
    strip_reply_fallback(body).split_whitespace().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::first_word;

    #[test]
    fn the_command_word_is_the_first_after_a_reply_s_fallback() {
        assert_eq!(first_word("!demande courses pour Mme Martin"), "!demande");
        assert_eq!(first_word("  !aide  "), "!aide");
        assert_eq!(first_word("> <@x:y> Demande n°3\n\n!prendre 3"), "!prendre");
        assert_eq!(first_word(""), "");
    }
}
