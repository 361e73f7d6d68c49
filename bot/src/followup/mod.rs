//! Following up on requests that wait: an open request is brought back to the
//! volunteers' attention, then the coordinators are alerted, then it expires (also when
//! the time it was for has passed); a claimed request not closed is followed up in its
//! private room, then with the coordinators. Deadlines come from what the store holds
//! (when the phase began, which steps were taken), so they survive restarts: one that
//! passed while the bot was down fires at start.
//!
//! The watcher only wakes the worker ([`Job::FollowUp`], and [`Job::Purge`] at start and
//! daily for the retention periods); the worker takes the steps, so that decisions stay
//! serialised with the commands'.

mod campaign;
mod due;
mod register;
mod series;

use std::{sync::Arc, time::Duration};

use chrono::TimeDelta;
use entraide_commands::{Key, Message};
use entraide_storage::{
    Action, Effect, Lane, Purged, Request, Retention, Shape, Step, Target, TransitionError,
};
use tokio::sync::{mpsc::UnboundedSender, oneshot};
use tracing::{error, info, warn};

pub use self::due::due;
use crate::{bot::Bot, job::Job, plan};

/// How often the watcher looks, at most; it also looks when the clock moves.
const LOOK_EVERY: Duration = Duration::from_secs(30);

/// Wakes the worker to take the steps due, now and then and whenever the clock moves,
/// until `stop` fires.
pub async fn watch(bot: Arc<Bot>, jobs: UnboundedSender<Job>, stop: oneshot::Receiver<()>) {
    let mut moves = bot.clock.moves();
    tokio::pin!(stop);
    let mut purged_at = None;
    loop {
        if jobs.send(Job::FollowUp).is_err() {
            return;
        }
        // Retention is applied at start, then once a day (by the bot's clock).
        let now = bot.now();
        if purged_at.is_none_or(|at| now - at >= TimeDelta::days(1)) {
            purged_at = Some(now);
            if jobs.send(Job::Purge).is_err() {
                return;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(LOOK_EVERY) => {}
            moved = moves.changed() => if moved.is_err() { return },
            _ = &mut stop => return,
        }
    }
}

/// Applies the retention periods of the configuration (see [`Store::purge`]).
///
/// [`Store::purge`]: entraide_storage::Store::purge
pub async fn purge(bot: &Bot) {
    let period = |kept: Duration| TimeDelta::from_std(kept).unwrap_or(TimeDelta::MAX);
    let kept = bot.config.retention;
    let retention = Retention {
        closed_texts: period(kept.closed_texts),
        inactive_people: period(kept.inactive_people),
        log_actors: period(kept.log_actors),
        handled_events: period(kept.handled_events),
    };
    let purged = match bot.store.purge(bot.now(), &retention).await {
        Ok(purged) if purged == Purged::default() => return,
        Ok(purged) => purged,
        Err(error) => {
            error!(%error, "cannot apply the retention periods");
            return;
        }
    };
    info!(
        texts = purged.texts,
        pseudonymised = purged.pseudonymised,
        people = purged.people,
        handled = purged.handled,
        "retention applied"
    );
    // The people forgotten: what it owes (their relays taken down, their direct chats
    // emptied and left) was journalled with each forgetting.
    bot.outbox.journalled(purged.owed);
}

/// How often, at most, the follow-up reads the whole register.
const REGISTER_EVERY: TimeDelta = TimeDelta::minutes(10);

/// Whether the register is to be read now (and it is noted that it was).
fn register_due(bot: &Bot) -> bool {
    let now = bot.now();
    let mut looked = bot.register_looked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let due = looked.is_none_or(|at| now - at >= REGISTER_EVERY || now < at);
    if due {
        *looked = Some(now);
    }
    due
}

/// Makes the occurrences of repeating requests that are due, reminds the coordinators of
/// the register's acknowledgements due, takes the running campaign's steps, then takes
/// every step due now, each once, journalled with what it owes.
pub async fn take_due_steps(bot: &Bot) {
    series::make_due(bot).await;
    // Their deadlines are days away: the whole register is read every few minutes, not
    // at every look (a commune's register holds thousands).
    if register_due(bot) {
        register::remind(bot).await;
        register::review(bot).await;
    }
    campaign::take_due_steps(bot).await;
    let now = bot.now();
    let active = match bot.store.active_requests() {
        Ok(active) => active,
        Err(error) => {
            error!(%error, "cannot read the requests to follow up");
            return;
        }
    };
    for request in active {
        for step in due(&request, now, &bot.config.follow_up, bot.config.timezone) {
            // Read before the transition: its plan runs inside sled's transaction, where
            // reading another tree would wait for the transaction itself.
            let paused = step == Step::Nudge && holder_paused(bot, &request);
            let owed = |request: &Request| owed(bot, request, step, paused);
            match bot.store.follow_up(request.number, step, now, owed).await {
                Ok((_, queued)) => {
                    info!(request = request.number, ?step, "followed up");
                    bot.outbox.journalled(queued);
                }
                Err(TransitionError::StepNotDue { .. }) => {}
                Err(error) => error!(request = request.number, %error, "cannot follow up"),
            }
        }
    }
}

/// A notice about `request` in `to`, in the lane `lane`.
fn notice(
    request: &Request,
    lane: Lane,
    to: Target,
    message: Message,
    mention: Option<String>,
    urgent: bool,
) -> Effect {
    let action = Action::Notice { to, message, shape: Shape::New, mention };
    Effect { request: request.number, lane, urgent, action }
}

/// What a step owes; `paused`: the volunteer holding the request is on a break.
fn owed(bot: &Bot, request: &Request, step: Step, paused: bool) -> Vec<Effect> {
    let lang = bot.config.language;
    let since = request.phase_start();
    let age = ("age", bot.texts.age(lang, (bot.now() - since).num_minutes()));
    let to_coordinators = |key: Key, extra: Option<(&'static str, String)>| {
        let extra: Vec<_> = extra.into_iter().chain([age.clone()]).collect();
        let message = bot.about(request, lang, key, &extra);
        let lane = Lane::room(&bot.rooms.coordination);
        notice(request, lane, Target::Coordination, message, None, false)
    };
    let holder = || request.state.holder().map(str::to_owned);
    match step {
        Step::Remind => {
            // In the main timeline, where volunteers see it.
            let message = bot.about(request, lang, Key::Reminder, std::slice::from_ref(&age));
            let lane = Lane::room(&bot.rooms.volunteers);
            vec![notice(request, lane, Target::Volunteers, message, None, false)]
        }
        Step::Escalate => vec![to_coordinators(Key::EscalatedOpen, None)],
        Step::Expire if request.is_offer() => {
            let number = request.number.to_string();
            let told = bot.texts.render(request.lang, Key::OfferExpired, &[("number", &number)]);
            let origin = request.origin_room.clone();
            let to = Target::Id { id: origin.clone() };
            let mut owed = vec![notice(
                request,
                Lane::room(&origin),
                to,
                told,
                Some(request.requester.clone()),
                true,
            )];
            owed.extend(plan::retire_posts(request, Key::OfferPostClosed));
            owed
        }
        Step::Expire => {
            let contact = bot
                .config
                .contact
                .clone()
                .unwrap_or_else(|| bot.texts.text(request.lang, Key::ContactDefault, &[]));
            let told =
                bot.about(request, request.lang, Key::ExpiredRequester, &[("contact", contact)]);
            let origin = request.origin_room.clone();
            let to = Target::Id { id: origin.clone() };
            vec![
                notice(
                    request,
                    Lane::room(&origin),
                    to,
                    told,
                    Some(request.requester.clone()),
                    true,
                ),
                plan::retire_relay(bot, request, Key::RelayExpired),
                to_coordinators(Key::ExpiredCoordination, None),
            ]
        }
        Step::Nudge if paused => {
            // A volunteer on a break is not reminded: the coordinators hear of it instead.
            let volunteer = holder().unwrap_or_default();
            vec![to_coordinators(Key::NudgePaused, Some(("volunteer", volunteer)))]
        }
        Step::Nudge => {
            let number = request.number.to_string();
            let message = bot.texts.render(request.lang, Key::Nudge, &[("number", &number)]);
            let lane = Lane::Private;
            vec![notice(request, lane, Target::Private, message, holder(), false)]
        }
        Step::EscalateClaim => {
            let volunteer = holder().unwrap_or_default();
            vec![to_coordinators(Key::EscalatedClaim, Some(("volunteer", volunteer)))]
        }
    }
}

/// Whether the volunteer holding `request` is on a break now.
fn holder_paused(bot: &Bot, request: &Request) -> bool {
    let Some(holder) = request.state.holder() else { return false };
    match bot.store.person(holder) {
        Ok(person) => person.is_paused(bot.now()),
        Err(error) => {
            warn!(request = request.number, %error, "cannot read the holder's record");
            false
        }
    }
}
