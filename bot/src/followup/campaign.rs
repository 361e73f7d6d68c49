//! The running campaign's steps due with time, each taken once by the store: the caller
//! reminded to call again someone who did not answer, the next round (every check-in
//! waits again, the lists sent again), and the open calls of a caller who went quiet
//! handed to another; the pinned board brought up to date after calls. Driven by the same watcher as requests: a step that fell due while
//! the bot was down is taken at start.

use std::collections::{BTreeMap, HashMap};

use chrono::TimeDelta;
use entraide_commands::Key;
use entraide_storage::{Campaign, CheckIn, Registration, Shape, TransitionError};
use tracing::{error, info};

use crate::{bot::Bot, campaign, plan};

/// How often, at most, the pinned board is edited: each edit is a message, and under
/// the homeserver's rate limits each one delays the next person's relay.
const BOARD_EVERY: TimeDelta = TimeDelta::minutes(1);

/// Takes the steps of the running campaign that are due now.
pub async fn take_due_steps(bot: &Bot) {
    let running = match bot.store.running_campaign() {
        Ok(Some(running)) => running,
        Ok(None) => return,
        Err(error) => {
            error!(%error, "cannot read the running campaign");
            return;
        }
    };
    if let Err(error) = steps(bot, &running).await {
        error!(campaign = running.number, %error, "cannot follow the campaign up");
    }
}

async fn steps(bot: &Bot, running: &Campaign) -> Result<(), TransitionError> {
    let now = bot.now();
    let delay = |wait: std::time::Duration| TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
    let config = bot.config.campaign;
    let checks = bot.store.checkins(running.number)?;
    let lang = bot.config.language;

    // Calls to make again.
    for check in checks.iter().filter(|check| check.retry_at.is_some_and(|at| at <= now)) {
        let Some(entry) = bot.store.entry(check.entry)? else { continue };
        let plan = |check: &CheckIn| {
            let number = entry.number.to_string();
            let phones = entry.particulars.phones.join(", ");
            let args = [
                ("number", number.as_str()),
                ("name", &entry.particulars.name),
                ("phones", &phones),
            ];
            vec![plan::direct(&check.caller, bot.texts.render(lang, Key::CallRetry, &args))]
        };
        match bot.store.retry_due(running.number, check.entry, now, plan).await {
            Ok((_, queued)) => bot.outbox.journalled(queued),
            Err(TransitionError::EntryUnchanged(_)) => {}
            Err(error) => return Err(error),
        }
    }

    // The next round. The register is read only when one is due: every look would
    // otherwise read it all.
    let every = config.every(&running.kind);
    let entries =
        if now >= running.round_started + every { register(bot)? } else { HashMap::new() };
    let plan = |next: &Campaign, all: &[CheckIn]| {
        let name = bot.texts.campaign(lang, &next.kind);
        let round = next.round.to_string();
        let told =
            bot.texts.render(lang, Key::CampaignNewRound, &[("name", &name), ("round", &round)]);
        let mut owed = vec![plan::notice_in(&bot.rooms.coordination, told, Shape::New, None)];
        owed.push(campaign::board_effect(bot, next.number, lang));
        owed.extend(campaign::lists(bot, next, all, &entries));
        owed
    };
    match bot.store.next_round(running.number, every, now, plan).await {
        Ok((next, queued)) => {
            info!(campaign = next.number, round = next.round, "a new round of calls");
            bot.outbox.journalled(queued);
            return Ok(());
        }
        Err(TransitionError::EntryUnchanged(_)) => {}
        Err(error) => return Err(error),
    }

    // The pinned board, at most once a minute, after calls were recorded.
    let changed = checks.iter().filter_map(CheckIn::last_call).max();
    if let Some(changed) = changed {
        let plan = |_: &Campaign| vec![campaign::board_effect(bot, running.number, lang)];
        match bot.store.show_board(running.number, changed, BOARD_EVERY, now, plan).await {
            Ok((_, queued)) => bot.outbox.journalled(queued),
            Err(TransitionError::EntryUnchanged(_)) => {}
            Err(error) => return Err(error),
        }
    }

    // A caller who went quiet: their open calls to the least loaded of the others.
    let quiet_after = delay(config.quiet_after);
    let mut last: BTreeMap<&str, chrono::DateTime<chrono::Utc>> = BTreeMap::new();
    let mut open: BTreeMap<&str, usize> = BTreeMap::new();
    for check in &checks {
        let at = last.entry(check.caller.as_str()).or_insert(running.round_started);
        for attempt in check.attempts.iter().filter(|a| a.by == check.caller) {
            *at = (*at).max(attempt.at);
        }
        *open.entry(check.caller.as_str()).or_default() += usize::from(check.status.open());
    }
    let sworn: Vec<String> = bot
        .store
        .people_where(|person| person.is_sworn_caller())?
        .into_iter()
        .map(|(user, _)| user)
        .collect();
    for (caller, since) in &last {
        let waiting = open.get(caller).copied().unwrap_or_default();
        if waiting == 0 || now - *since < quiet_after {
            continue;
        }
        // The others still active, fewest calls open first.
        let to = sworn
            .iter()
            .filter(|other| other.as_str() != *caller)
            .filter(|other| last.get(other.as_str()).is_none_or(|at| now - *at < quiet_after))
            .min_by_key(|other| open.get(other.as_str()).copied().unwrap_or_default());
        let Some(to) = to else { continue };
        let entries = register(bot)?;
        let plan = |moved: &[CheckIn]| handed_over(bot, running, caller, to, moved, &entries);
        match bot.store.hand_over(running.number, caller, to, plan).await {
            Ok((moved, queued)) => {
                info!(
                    campaign = running.number,
                    calls = moved.len(),
                    "a quiet caller's calls handed over"
                );
                bot.outbox.journalled(queued);
            }
            Err(TransitionError::EntryUnchanged(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// The register's entries by number.
fn register(bot: &Bot) -> Result<HashMap<u64, Registration>, TransitionError> {
    Ok(bot.store.register()?.into_iter().map(|entry| (entry.number, entry)).collect())
}

/// What a hand-over owes: the quiet caller told, the new one given the calls, the
/// coordinators told.
fn handed_over(
    bot: &Bot,
    running: &Campaign,
    from: &str,
    to: &str,
    moved: &[CheckIn],
    entries: &HashMap<u64, Registration>,
) -> Vec<entraide_storage::Effect> {
    let lang = bot.config.language;
    let name = bot.texts.campaign(lang, &running.kind);
    let count = moved.len().to_string();
    let quiet = bot.texts.age(
        lang,
        TimeDelta::from_std(bot.config.campaign.quiet_after).map_or(0, |d| d.num_minutes()),
    );
    let args = [("name", name.as_str()), ("count", &count), ("to", to)];
    let mut owed = vec![plan::direct(from, bot.texts.render(lang, Key::CampaignHandover, &args))];
    owed.extend(campaign::lists(bot, running, moved, entries));
    let args = [("from", from), ("quiet", &quiet), ("count", &count), ("to", to)];
    let told = bot.texts.render(lang, Key::CampaignHandedOver, &args);
    owed.push(plan::notice_in(&bot.rooms.coordination, told, Shape::New, None));
    owed.push(campaign::board_effect(bot, running.number, lang));
    owed
}
