//! Repeating requests ("chaque mardi", "every week", a coordinator's `!pour`): each
//! occurrence is a request of its own, made and relayed [`FollowUp::repeat_ahead`] before
//! its day, when the one before it is the series' latest. The store's compare-and-swap
//! ([`Store::next_occurrence`]) makes each occurrence once, across restarts; one whose
//! day passed while the bot was down is skipped, not relayed late.
//!
//! [`FollowUp::repeat_ahead`]: crate::config::FollowUp::repeat_ahead
//! [`Store::next_occurrence`]: entraide_storage::Store::next_occurrence

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use entraide_commands::{Key, Reading, Repeat, When};
use entraide_storage::{Action, Effect, Lane, NewRequest, Request, Shape, Target, TransitionError};
use tracing::{error, info};

use crate::{bot::Bot, plan};

/// At most this many occurrences are skipped at once (days missed while the bot was down).
const MAX_SKIPPED: usize = 1_000;

/// The day of the occurrence that follows `latest`, if it is time to make it at `now`:
/// `ahead` before the start of that day, but never more than one interval ahead. Days
/// already gone are skipped.
pub fn next_due(
    latest: &Request,
    now: DateTime<Utc>,
    ahead: Duration,
    tz: Tz,
) -> Option<NaiveDate> {
    let every = latest.repeat.as_ref()?.every;
    let day = match latest.reading.when {
        When::On { date, .. } => date,
        When::Asap => latest.created_at.with_timezone(&tz).date_naive(),
    };
    let today = now.with_timezone(&tz).date_naive();
    let mut next = every.after(day)?;
    for _ in 0..MAX_SKIPPED {
        if next >= today {
            break;
        }
        next = every.after(next)?;
    }
    let interval = TimeDelta::days(match every {
        Repeat::Daily => 1,
        Repeat::Weekly => 7,
        Repeat::Fortnightly => 14,
        Repeat::Monthly => 28,
    });
    let ahead = TimeDelta::from_std(ahead).unwrap_or(interval).min(interval);
    let starts = tz.from_local_datetime(&next.and_time(NaiveTime::MIN)).earliest()?;
    (now >= starts.with_timezone(&Utc) - ahead).then_some(next)
}

/// Makes the occurrences that are due, each relayed, the room the series was asked in
/// told.
pub async fn make_due(bot: &Bot) {
    let now = bot.now();
    let latest = match bot.store.repeating() {
        Ok(latest) => latest,
        Err(error) => {
            error!(%error, "cannot read the repeating requests");
            return;
        }
    };
    let config = &bot.config;
    for request in latest {
        // Its text was erased (the person forgotten, the retention period over): there
        // is nothing left to repeat.
        if request.text.is_empty() {
            if let Err(error) = bot.store.stop_series(request.number, now).await {
                error!(request = request.number, %error, "cannot stop an emptied series");
            }
            continue;
        }
        let Some(day) = next_due(&request, now, config.follow_up.repeat_ahead, config.timezone)
        else {
            continue;
        };
        let (time, part) = match request.reading.when {
            When::On { time, part, .. } => (time, part),
            When::Asap => (None, None),
        };
        let new = NewRequest {
            requester: request.requester.clone(),
            origin_room: request.origin_room.clone(),
            neighbourhood: request.neighbourhood.clone(),
            text: request.text.clone(),
            reading: Reading { when: When::On { date: day, time, part }, ..request.reading },
            lang: request.lang,
            informs: false,
        };
        let owed = |made: &Request| vec![plan::relay(bot, made), told(bot, made, &request)];
        match bot.store.next_occurrence(request.number, new, now, owed).await {
            Ok((made, queued)) => {
                info!(request = made.number, previous = request.number, "occurrence made");
                bot.outbox.journalled(queued);
            }
            // Stopped meanwhile.
            Err(TransitionError::NotRepeating(_)) => {}
            Err(error) => error!(request = request.number, %error, "cannot make an occurrence"),
        }
    }
}

/// The notice of a new occurrence, where the series was asked (the coordination room
/// for someone who phoned).
fn told(bot: &Bot, made: &Request, previous: &Request) -> Effect {
    let every = made.repeat.as_ref().map(|series| bot.texts.repeat(made.lang, series.every));
    let extra = [("previous", previous.number.to_string()), ("every", every.unwrap_or_default())];
    let message = bot.about(made, made.lang, Key::SeriesNext, &extra);
    let origin = made.origin_room.clone();
    Effect {
        request: made.number,
        lane: Lane::room(&origin),
        urgent: false,
        action: Action::Notice {
            to: Target::Id { id: origin },
            message,
            shape: Shape::New,
            mention: None,
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use chrono_tz::Europe::Paris;
    use entraide_commands::{Category, Lang};
    use entraide_storage::{FollowUp as Phase, Series, State};

    use super::*;

    const TWO_DAYS: Duration = Duration::from_secs(48 * 3600);

    fn date(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).expect("valid test date")
    }

    /// Paris time on a day of 2026.
    fn paris(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(2026, month, day, hour, 0, 0)
            .single()
            .expect("valid test time")
            .with_timezone(&Utc)
    }

    fn latest(every: Repeat, when: When) -> Request {
        Request {
            number: 4,
            requester: "@coord:x".to_owned(),
            origin_room: "!coordination:x".to_owned(),
            neighbourhood: None,
            text: "appeler Mme Martin chaque mardi à 10h".to_owned(),
            reading: Reading { category: Category::Visit, when, on_behalf: None },
            lang: Lang::Fr,
            created_at: paris(11, 25, 9),
            state: State::Open,
            relay_event: None,
            private_room: None,
            follow_up: Phase::default(),
            posts: Vec::new(),
            repeat: Some(Series { every, next: None, stopped: None }),
        }
    }

    fn tuesday_10h() -> When {
        When::On { date: date(12, 1), time: NaiveTime::from_hms_opt(10, 0, 0), part: None }
    }

    #[test]
    fn a_weekly_occurrence_is_due_two_days_before_its_day() {
        let request = latest(Repeat::Weekly, tuesday_10h());
        // The next Tuesday is the 8th: due from Sunday the 6th at midnight.
        assert_eq!(next_due(&request, paris(12, 5, 23), TWO_DAYS, Paris), None);
        assert_eq!(next_due(&request, paris(12, 6, 0), TWO_DAYS, Paris), Some(date(12, 8)));
        assert_eq!(next_due(&request, paris(12, 8, 9), TWO_DAYS, Paris), Some(date(12, 8)));
    }

    #[test]
    fn days_gone_while_the_bot_was_down_are_skipped() {
        let request = latest(Repeat::Weekly, tuesday_10h());
        // The 8th and 15th are gone on the 16th: the next is the 22nd, due on the 20th.
        assert_eq!(next_due(&request, paris(12, 16, 12), TWO_DAYS, Paris), None);
        assert_eq!(next_due(&request, paris(12, 20, 0), TWO_DAYS, Paris), Some(date(12, 22)));
    }

    #[test]
    fn a_daily_occurrence_is_never_made_more_than_a_day_ahead() {
        let request = latest(Repeat::Daily, tuesday_10h());
        assert_eq!(next_due(&request, paris(11, 30, 23), TWO_DAYS, Paris), None);
        assert_eq!(next_due(&request, paris(12, 1, 0), TWO_DAYS, Paris), Some(date(12, 2)));
    }

    #[test]
    fn as_soon_as_possible_repeats_from_the_day_it_was_posted() {
        // Posted on Wednesday 25 November: the next is on 2 December, due on the 30th.
        let request = latest(Repeat::Weekly, When::Asap);
        assert_eq!(next_due(&request, paris(11, 29, 23), TWO_DAYS, Paris), None);
        assert_eq!(next_due(&request, paris(11, 30, 0), TWO_DAYS, Paris), Some(date(12, 2)));
        let monthly = latest(Repeat::Monthly, When::Asap);
        assert_eq!(next_due(&monthly, paris(12, 23, 0), TWO_DAYS, Paris), Some(date(12, 25)));
    }

    #[test]
    fn a_one_off_request_has_no_next_occurrence() {
        let request = Request { repeat: None, ..latest(Repeat::Weekly, tuesday_10h()) };
        assert_eq!(next_due(&request, paris(12, 30, 0), TWO_DAYS, Paris), None);
    }
}
