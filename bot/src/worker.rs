//! The worker: takes jobs one at a time, in the order they arrived, and turns each into a
//! command's context, the command's run, and a reply when it fails.

use std::sync::Arc;

use entraide_commands::{
    CallLine, Command, CommandKind, Key, Lang, ParseError, Parsed, Place, calls_in_words, parse,
    pills, says_yes, strip_reply_fallback,
};
use entraide_storage::RoomKind;
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
            Job::Hold { held, release } => {
                if held.send(()).is_ok() {
                    let _ = release.await;
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
    let pills = html.map(pills).unwrap_or_default();
    let parsed = match parse(body, &pills) {
        // "oui", or "!prendre" without its number, answering a relay or an offer's post.
        unread @ (None
        | Some(Err(ParseError::Usage {
            kind: CommandKind::Take | CommandKind::Yes,
            ..
        }))) => {
            let target = written.answers.as_deref().or(written.thread.as_deref());
            match target.and_then(|target| by_reply(bot, &written.room, target, body)) {
                Some(parsed) => Some(Ok(parsed)),
                None => unread,
            }
        }
        parsed => parsed,
    };
    let Some(parsed) = parsed else {
        // A caller's calls in plain words ("12 ok"), in their direct chat.
        if let Some(lines) = calls_in_words(strip_reply_fallback(body))
            && calls_meant(bot, &written, &lines)
        {
            on_calls(bot, written, body, lines).await;
            return;
        }
        // An emergency contact answering the news of a campaign.
        family::heard(bot, &written.room, &written.sender, &written.event, body).await;
        return;
    };
    // A room the bot has left since: nothing to answer there.
    if matrix::joined(&bot.client, written.room.as_str()).is_none() {
        return;
    }
    // Transitions mark their event handled in their own store transaction.
    let in_transition = parsed.as_ref().is_ok_and(|parsed| parsed.command.kind().is_transition());
    if !first_time(bot, &written.event, in_transition).await {
        return;
    }
    let lang = match &parsed {
        Ok(parsed) => parsed.lang,
        Err(error) => error.lang().unwrap_or(bot.config.language),
    };
    let (ctx, known) = context(bot, written, body, lang);
    let result = match (parsed, known) {
        (Err(error), _) => Err(Failure::Parse(error)),
        (_, Err(failure)) => Err(failure),
        (Ok(parsed), Ok(())) => cmd::run(bot, &ctx, parsed.command).await,
    };
    if let Err(failure) = result {
        // A refused transition recorded nothing: mark it, so that it is answered once.
        if in_transition && !bot.mark_handled(&ctx.reply_to.event).await {
            return;
        }
        answer_failure(bot, &ctx, &failure);
    }
}

/// The context of a command written as `written`, answered in `lang`, and whether the
/// room and the author could be looked up.
fn context(bot: &Bot, written: Written, body: &str, lang: Lang) -> (Ctx, Result<(), Failure>) {
    let Written { room, event, at, sender, thread, answers: _, reaction } = written;
    let place = bot.place(&room);
    let roles = bot.roles(&sender);
    let ctx = Ctx {
        room,
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
    let known = place.and(roles).map(|_| ()).map_err(Failure::from);
    (ctx, known)
}

/// Logs `failure` and tells the author what went wrong, when there is something to say.
fn answer_failure(bot: &Bot, ctx: &Ctx, failure: &Failure) {
    failure.log();
    if let Some(message) = failure::message(&bot.texts, failure, ctx.lang) {
        // In the volunteers room, "already taken" goes in the request's thread.
        let about = failure.request_number().and_then(|n| bot.store.request(n).ok().flatten());
        ctx.answer(bot, &message, about.as_ref());
    }
}

/// Whether a message that reads as calls was meant as calls: written in the author's
/// direct chat with the bot (where their list is; in a shared room "3 ok" is talk) while
/// a campaign runs, by a coordinator or by the caller the first number's check-in is for.
fn calls_meant(bot: &Bot, written: &Written, lines: &[CallLine]) -> bool {
    let theirs = matches!(
        bot.store.room_kind(written.room.as_str()),
        Ok(Some(RoomKind::Direct { user })) if user == written.sender.as_str()
    );
    if !theirs {
        return false;
    }
    let Ok(Some(running)) = bot.store.running_campaign() else { return false };
    if bot.is_coordinator(&written.sender) {
        return true;
    }
    let first = match lines.first() {
        Some(CallLine::Said(number, _) | CallLine::Unread(number)) => *number,
        None => return false,
    };
    bot.store
        .checkin(running.number, first)
        .is_ok_and(|check| check.is_some_and(|check| check.caller == written.sender.as_str()))
        || bot.store.person(written.sender.as_str()).is_ok_and(|person| person.caller.is_some())
}

/// Records a caller's calls written in plain words, one line at a time, each answered as
/// `!appel` would be; a line the bot cannot read is answered with how to write it.
async fn on_calls(bot: &Bot, written: Written, body: &str, lines: Vec<CallLine>) {
    if !first_time(bot, &written.event, false).await {
        return;
    }
    let event = written.event.clone();
    let (ctx, known) = context(bot, written, body, bot.config.language);
    if let Err(failure) = known {
        answer_failure(bot, &ctx, &failure);
        return;
    }
    for (at, line) in lines.into_iter().enumerate() {
        let mut ctx = ctx.clone();
        // Each line is its own decision: a need on the second line is another request.
        if at > 0 {
            ctx.handled_as = Some(format!("{event}#{at}"));
        }
        let result = match line {
            CallLine::Said(number, said) => {
                cmd::run(bot, &ctx, Command::Call { number, said }).await
            }
            CallLine::Unread(number) => {
                let number = number.to_string();
                let text = bot.texts.render(ctx.lang, Key::CallUnread, &[("number", &number)]);
                ctx.answer(bot, &text, None);
                Ok(())
            }
        };
        if let Err(failure) = result {
            answer_failure(bot, &ctx, &failure);
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
