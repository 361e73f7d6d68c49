//! Which follow-up steps are due: a pure function of the request, the time and the
//! configured delays.

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entraide_commands::{DayPart, When};
use entraide_storage::{Request, State, Step};

use crate::config::FollowUp;

/// The steps due for `request` at `now`, in the order to take them, leaving out those
/// already taken in the current phase. An open request that expires gets no reminder.
///
/// A request or an offer for a date expires only once that date has passed (with the
/// grace), however long before it was posted; its wait, for reminders and alerts, counts
/// from `expire_after` before its date at the earliest, so that a request for three weeks
/// from now does not alarm the coordinators tonight.
pub fn due(request: &Request, now: DateTime<Utc>, delays: &FollowUp, tz: Tz) -> Vec<Step> {
    let deadline = deadline(request.reading.when, tz);
    let since = match deadline {
        Some(deadline) => request.phase_start().max(deadline - delays.expire_after),
        None => request.phase_start(),
    };
    let waited = (now - since).to_std().unwrap_or_default();
    let expired = match deadline {
        Some(deadline) => now >= deadline + delays.expire_grace,
        None => waited >= delays.expire_after,
    };
    let taken = |step| request.follow_up.done.contains(&step);
    let steps = match request.state {
        State::Open if expired => vec![Step::Expire],
        State::Open => {
            [(Step::Remind, delays.remind_after), (Step::Escalate, delays.escalate_after)]
                .into_iter()
                .filter(|(_, after)| waited >= *after)
                .map(|(step, _)| step)
                .collect()
        }
        // An offer nobody took up goes away when a request would; nobody is reminded of it.
        State::Offered if expired => vec![Step::Expire],
        State::Claimed { .. } => {
            let since = request.phase_start();
            let waited = (now - since).to_std().unwrap_or_default();
            [(Step::Nudge, delays.nudge_after), (Step::EscalateClaim, delays.escalate_claim_after)]
                .into_iter()
                .filter(|(_, after)| waited >= *after)
                .map(|(step, _)| step)
                .collect()
        }
        _ => Vec::new(),
    };
    steps.into_iter().filter(|step| !taken(*step)).collect()
}

/// When the help was wanted by, in UTC: the hour said, else the end of the part of the
/// day said, else the end of the day; `None` for "as soon as possible".
fn deadline(when: When, tz: Tz) -> Option<DateTime<Utc>> {
    let When::On { date, time, part } = when else {
        return None;
    };
    let local = match (time, part) {
        (Some(time), _) => date.and_time(time),
        (None, Some(part)) => {
            let end = match part {
                DayPart::Morning => NaiveTime::from_hms_opt(12, 0, 0),
                DayPart::Afternoon => NaiveTime::from_hms_opt(18, 0, 0),
                DayPart::Evening => NaiveTime::from_hms_opt(23, 0, 0),
            };
            date.and_time(end.unwrap_or_default())
        }
        (None, None) => date.checked_add_days(Days::new(1))?.and_time(NaiveTime::MIN),
    };
    // A time skipped by a change to summer time counts from just after it.
    tz.from_local_datetime(&local).earliest().map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{NaiveDate, TimeDelta};
    use entraide_commands::{Category, Lang, Reading};
    use entraide_storage::FollowUp as Phase;

    use super::*;

    const PARIS: Tz = chrono_tz::Europe::Paris;

    fn request(state: State, when: When, done: &[Step]) -> Request {
        Request {
            number: 1,
            requester: "@a:x".to_owned(),
            origin_room: "!r:x".to_owned(),
            neighbourhood: None,
            text: "courses".to_owned(),
            reading: Reading { category: Category::Groceries, when, on_behalf: None },
            lang: Lang::Fr,
            created_at: start(),
            state,
            relay_event: None,
            private_room: None,
            follow_up: Phase { since: None, done: done.to_vec() },
            posts: Vec::new(),
            repeat: None,
        }
    }

    /// Monday 2026-11-23, 09:00 in Paris.
    fn start() -> DateTime<Utc> {
        PARIS
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn at(hours: f64) -> DateTime<Utc> {
        start() + TimeDelta::seconds((hours * 3600.0) as i64)
    }

    fn claimed() -> State {
        State::Claimed { volunteer: "@v:x".to_owned(), at: start() }
    }

    #[test]
    fn an_open_request_is_reminded_then_escalated_then_expires() {
        let delays = FollowUp::default();
        let open = request(State::Open, When::Asap, &[]);
        let table: &[(f64, &[Step])] = &[
            (0.0, &[]),
            (1.9, &[]),
            (2.0, &[Step::Remind]),
            (6.5, &[Step::Remind, Step::Escalate]),
            (71.9, &[Step::Remind, Step::Escalate]),
            (72.0, &[Step::Expire]),
        ];
        for (hours, expected) in table {
            assert_eq!(due(&open, at(*hours), &delays, PARIS), *expected, "after {hours} h");
        }
    }

    #[test]
    fn a_step_taken_is_not_due_again() {
        let delays = FollowUp::default();
        let reminded = request(State::Open, When::Asap, &[Step::Remind]);
        assert_eq!(due(&reminded, at(3.0), &delays, PARIS), []);
        assert_eq!(due(&reminded, at(7.0), &delays, PARIS), [Step::Escalate]);
        let both = request(State::Open, When::Asap, &[Step::Remind, Step::Escalate]);
        assert_eq!(due(&both, at(7.0), &delays, PARIS), []);
        let expired = request(State::Expired, When::Asap, &[Step::Expire]);
        assert_eq!(due(&expired, at(500.0), &delays, PARIS), []);
    }

    #[test]
    fn a_request_for_a_time_expires_after_it_with_the_grace() {
        let delays = FollowUp::default();
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let cases: &[(When, f64)] = &[
            // Tomorrow morning: ends at 12:00 (27 h after Monday 9:00), + 2 h.
            (When::On { date, time: None, part: Some(DayPart::Morning) }, 29.0),
            // Tomorrow at 14:00, + 2 h.
            (When::On { date, time: NaiveTime::from_hms_opt(14, 0, 0), part: None }, 31.0),
            // Tomorrow evening: 23:00, + 2 h.
            (When::On { date, time: None, part: Some(DayPart::Evening) }, 40.0),
            // Tomorrow: midnight after it, + 2 h.
            (When::On { date, time: None, part: None }, 41.0),
        ];
        for (when, expires) in cases {
            let open = request(State::Open, *when, &[Step::Remind, Step::Escalate]);
            assert_eq!(due(&open, at(expires - 0.1), &delays, PARIS), [], "{when:?}");
            assert_eq!(due(&open, at(*expires), &delays, PARIS), [Step::Expire], "{when:?}");
        }
    }

    #[test]
    fn a_request_for_a_later_date_waits_for_it() {
        let delays = FollowUp::default();
        // Posted Monday 23 for Thursday 10 December: the day ends 17 days and 15 hours
        // (423 h) after Monday 9:00.
        let date = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap_or_default();
        let later = When::On { date, time: None, part: None };
        let open = request(State::Open, later, &[]);
        assert_eq!(due(&open, at(100.0), &delays, PARIS), []);
        // Its wait counts from three days before the end of its day.
        assert_eq!(due(&open, at(423.0 - 72.0 + 1.9), &delays, PARIS), []);
        assert_eq!(due(&open, at(423.0 - 72.0 + 2.0), &delays, PARIS), [Step::Remind]);
        let reminded = request(State::Open, later, &[Step::Remind, Step::Escalate]);
        assert_eq!(due(&reminded, at(424.9), &delays, PARIS), []);
        assert_eq!(due(&reminded, at(425.0), &delays, PARIS), [Step::Expire]);
        let offer = request(State::Offered, later, &[]);
        assert_eq!(due(&offer, at(300.0), &delays, PARIS), []);
        assert_eq!(due(&offer, at(425.0), &delays, PARIS), [Step::Expire]);
    }

    #[test]
    fn a_claimed_request_is_nudged_then_escalated_and_never_expires() {
        let delays = FollowUp::default();
        let held = request(claimed(), When::Asap, &[]);
        assert_eq!(due(&held, at(71.0), &delays, PARIS), []);
        assert_eq!(due(&held, at(72.0), &delays, PARIS), [Step::Nudge]);
        assert_eq!(due(&held, at(168.0), &delays, PARIS), [Step::Nudge, Step::EscalateClaim]);
        assert_eq!(due(&held, at(1000.0), &delays, PARIS), [Step::Nudge, Step::EscalateClaim]);
    }

    #[test]
    fn a_phase_counts_from_its_start() {
        let delays = FollowUp { remind_after: Duration::from_secs(3600), ..FollowUp::default() };
        let mut released = request(State::Open, When::Asap, &[]);
        released.follow_up.since = Some(at(100.0));
        assert_eq!(due(&released, at(100.5), &delays, PARIS), []);
        assert_eq!(due(&released, at(101.0), &delays, PARIS), [Step::Remind]);
    }

    #[test]
    fn closed_requests_are_left_alone() {
        let delays = FollowUp::default();
        let done = State::Done { volunteer: "@v:x".to_owned(), at: start() };
        let cancelled = State::Cancelled { by: "@a:x".to_owned(), at: start() };
        for state in [done, cancelled, State::Expired] {
            assert_eq!(
                due(&request(state.clone(), When::Asap, &[]), at(1000.0), &delays, PARIS),
                [],
                "{state:?}"
            );
        }
    }
}
