//! Reminding the coordinators of registrations to acknowledge (R121-6: within eight days
//! of the request), once each, two days before it is late. The reminder names the entry's
//! number and the date, no more: it goes to the coordination room whoever is in it.
//!
//! The yearly round: a year after a person last said they want to be on the register,
//! they are asked again — in their direct chat when they registered themself online,
//! else the coordinators are given the entries' numbers to call. Once a year, until
//! they answer.

use chrono::TimeDelta;
use entraide_commands::Key;
use entraide_storage::{Enrolment, REVIEW_EVERY, Registration, Shape, TransitionError};
use tracing::{error, info};

use crate::{bot::Bot, plan};

/// How long before the acknowledgement is due the coordinators are reminded.
pub const REMIND_BEFORE: TimeDelta = TimeDelta::days(2);

/// Reminds the coordinators of every acknowledgement due soon and not yet recorded.
pub async fn remind(bot: &Bot) {
    let now = bot.now();
    let due = bot.store.entries_where(|entry| {
        entry.acknowledged.is_none()
            && !entry.reminded
            && now >= entry.acknowledge_by() - REMIND_BEFORE
    });
    let due = match due {
        Ok(due) => due,
        Err(error) => {
            error!(%error, "cannot read the register for the acknowledgements due");
            return;
        }
    };
    let lang = bot.config.language;
    for entry in due {
        let number = entry.number.to_string();
        let date = bot.day(entry.acknowledge_by());
        let args = [("number", number.as_str()), ("date", date.as_str())];
        let message = bot.texts.render(lang, Key::AcknowledgeReminder, &args);
        let change = |entry: &mut Registration| {
            if entry.reminded || entry.acknowledged.is_some() {
                return Err(TransitionError::EntryUnchanged(entry.number));
            }
            entry.reminded = true;
            Ok(())
        };
        let coordination = &bot.rooms.coordination;
        let owed = |_: &Registration| {
            vec![plan::notice_in(coordination, message.clone(), Shape::New, None)]
        };
        match bot.store.change_entry(entry.number, "bot", None, None, now, change, owed).await {
            Ok((_, queued)) => {
                info!(entry = entry.number, "coordinators reminded of an acknowledgement");
                bot.outbox.journalled(queued);
            }
            Err(TransitionError::EntryUnchanged(_) | TransitionError::NoSuchEntry(_)) => {}
            Err(error) => {
                error!(entry = entry.number, %error, "cannot remind of an acknowledgement")
            }
        }
    }
}

/// Asks, once, about every active entry a year old: the person in their direct chat if
/// they registered themself online, else the coordinators (numbers only).
pub async fn review(bot: &Bot) {
    let now = bot.now();
    let due = bot
        .store
        .entries_where(|entry| entry.status == Enrolment::Active && review_due(entry, now));
    let due = match due {
        Ok(due) => due,
        Err(error) => {
            error!(%error, "cannot read the register for the yearly round");
            return;
        }
    };
    let ask = asked_now(now);
    let lang = bot.config.language;
    let (own, others): (Vec<Registration>, Vec<Registration>) =
        due.into_iter().partition(|entry| entry.is_own(&entry.entered_by));
    for entry in own {
        let owed = |asked: &[Registration]| {
            asked
                .iter()
                .map(|entry| {
                    let number = entry.number.to_string();
                    let since = bot.day(entry.confirmed_at);
                    let args = [
                        ("since", since.as_str()),
                        ("number", number.as_str()),
                        ("name", entry.particulars.name.as_str()),
                    ];
                    let asking = bot.texts.render(lang, Key::ReviewAsk, &args);
                    plan::direct(&entry.entered_by, asking)
                })
                .collect()
        };
        match bot.store.change_entries(&[entry.number], &ask, owed).await {
            Ok((_, queued)) => {
                info!(entry = entry.number, "asked whether they stay on the register");
                bot.outbox.journalled(queued);
            }
            Err(TransitionError::EntryUnchanged(_)) => {}
            Err(error) => error!(entry = entry.number, %error, "cannot ask the yearly question"),
        }
    }
    if others.is_empty() {
        return;
    }
    let numbers: Vec<u64> = others.iter().map(|entry| entry.number).collect();
    // A register imported at once comes due at once: a few hundred numbers a message.
    for numbers in numbers.chunks(NUMBERS_PER_MESSAGE) {
        ask_coordinators(bot, numbers, now).await;
    }
}

/// How many entries' numbers one yearly-round notice names at most.
const NUMBERS_PER_MESSAGE: usize = 300;

/// Asks the coordinators the yearly question about `numbers`, in one notice.
async fn ask_coordinators(bot: &Bot, numbers: &[u64], now: chrono::DateTime<chrono::Utc>) {
    let lang = bot.config.language;
    let ask = asked_now(now);
    let owed = |asked: &[Registration]| {
        let count = asked.len().to_string();
        let numbers: Vec<String> =
            asked.iter().map(|entry| format!("n°{}", entry.number)).collect();
        let numbers = numbers.join(", ");
        let args = [("count", count.as_str()), ("numbers", numbers.as_str())];
        let told = bot.texts.render(lang, Key::ReviewDue, &args);
        vec![plan::notice_in(&bot.rooms.coordination, told, Shape::New, None)]
    };
    match bot.store.change_entries(numbers, &ask, owed).await {
        Ok((asked, queued)) => {
            info!(entries = asked.len(), "the coordinators asked the yearly question");
            bot.outbox.journalled(queued);
        }
        Err(TransitionError::EntryUnchanged(_)) => {}
        Err(error) => error!(%error, "cannot ask the coordinators the yearly question"),
    }
}

/// Records that the yearly question about an entry went out `now`, if it was due.
fn asked_now(
    now: chrono::DateTime<chrono::Utc>,
) -> impl Fn(&mut Registration) -> Result<(), TransitionError> {
    move |entry| {
        if !review_due(entry, now) {
            return Err(TransitionError::EntryUnchanged(entry.number));
        }
        entry.review_asked = Some(now);
        Ok(())
    }
}

/// Whether `entry` is to be asked about now: a year after the person last said they stay,
/// and, if they never answered, a year after they were last asked.
fn review_due(entry: &Registration, now: chrono::DateTime<chrono::Utc>) -> bool {
    now >= entry.review_due() && entry.review_asked.is_none_or(|asked| now >= asked + REVIEW_EVERY)
}
