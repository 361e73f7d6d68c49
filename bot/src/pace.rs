//! When people last wrote to the bot. A requester's confirmation gives way to what others
//! have just written: when requests come back to back, each relay goes out first and the
//! confirmations follow in the first lull. Every message the bot sends costs the
//! homeserver (and, by default, its rate limit) as much as a relay does; sent while the
//! next request arrives, a confirmation delays that request's relay to the volunteers.

use std::{
    sync::{Mutex, PoisonError},
    time::Duration,
};

use tokio::time::Instant;

/// How long nobody must have written for the bot to be in a lull, as a multiple of how
/// long the homeserver took to pass the bot's relay on: people writing back to back
/// write again about one such hop after the relay reached the volunteers.
const QUIET_HOPS: u32 = 3;

/// The least and the most that quiet lasts, whatever the homeserver's pace: a person
/// alone is confirmed at once to their eyes.
const QUIET_MIN: Duration = Duration::from_millis(150);
const QUIET_MAX: Duration = Duration::from_millis(600);

/// How long nobody must have written for the bot to be in a lull, when passing a
/// message on took `hop`.
fn quiet(hop: Duration) -> Duration {
    hop.saturating_mul(QUIET_HOPS).clamp(QUIET_MIN, QUIET_MAX)
}

/// How long a confirmation gives way at most, however busy the bot is: well before a
/// volunteer could have read the relay and taken the request.
const AT_MOST: Duration = Duration::from_secs(1);

/// When someone last wrote to the bot (a message or a reaction it will look at), and how
/// long the homeserver last took to pass a relay on.
#[derive(Debug, Default)]
pub struct Pace {
    last: Mutex<Option<Instant>>,
    hop: Mutex<Duration>,
}

impl Pace {
    /// Someone wrote to the bot now.
    pub fn arrived(&self) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    }

    /// The homeserver took `hop` to pass a relay on (from its send to its echo).
    pub fn passed_on(&self, hop: Duration) {
        *self.hop.lock().unwrap_or_else(PoisonError::into_inner) = hop;
    }

    /// Waits until nobody has written for [`quiet`] (of the last hop), at most
    /// [`AT_MOST`]. Returns whether the lull came (rather than the limit).
    pub async fn lull(&self) -> bool {
        let quiet = quiet(*self.hop.lock().unwrap_or_else(PoisonError::into_inner));
        let limit = Instant::now() + AT_MOST;
        loop {
            let last = *self.last.lock().unwrap_or_else(PoisonError::into_inner);
            match next(last, Instant::now(), quiet, limit) {
                Wake::Calm => return true,
                Wake::At(at) => tokio::time::sleep_until(at).await,
                Wake::Limit => {
                    tokio::time::sleep_until(limit).await;
                    return false;
                }
            }
        }
    }
}

/// What to do next while waiting for a lull.
#[derive(Debug, PartialEq, Eq)]
enum Wake {
    /// Nobody wrote for long enough: go on.
    Calm,
    /// Look again then (the lull would start then if nobody writes meanwhile).
    At(Instant),
    /// The lull would start after the limit: go on at the limit.
    Limit,
}

/// Whether, `now`, someone's last message at `last` leaves the bot in a lull.
fn next(last: Option<Instant>, now: Instant, quiet: Duration, limit: Instant) -> Wake {
    let Some(calm_at) = last.map(|last| last + quiet).filter(|calm_at| *calm_at > now) else {
        return Wake::Calm;
    };
    if calm_at > limit { Wake::Limit } else { Wake::At(calm_at) }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{Wake, next, quiet};

    const QUIET: Duration = Duration::from_millis(200);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_quiet_follows_the_homeservers_pace_within_bounds() {
        assert_eq!(quiet(ms(60)), ms(180));
        assert_eq!(quiet(ms(5)), ms(150));
        assert_eq!(quiet(ms(900)), ms(600));
    }

    #[test]
    fn nobody_wrote_the_lull_is_now() {
        let now = Instant::now();
        assert_eq!(next(None, now, QUIET, now + ms(2000)), Wake::Calm);
    }

    #[test]
    fn someone_wrote_long_enough_ago_the_lull_is_now() {
        let now = Instant::now() + ms(1000);
        assert_eq!(next(Some(now - ms(200)), now, QUIET, now + ms(2000)), Wake::Calm);
        assert_eq!(next(Some(now - ms(900)), now, QUIET, now + ms(2000)), Wake::Calm);
    }

    #[test]
    fn someone_just_wrote_it_looks_again_when_the_quiet_would_be_over() {
        let now = Instant::now() + ms(1000);
        let last = now - ms(50);
        assert_eq!(next(Some(last), now, QUIET, now + ms(2000)), Wake::At(last + QUIET));
    }

    #[test]
    fn a_lull_after_the_limit_is_not_waited_for() {
        let now = Instant::now() + ms(1000);
        assert_eq!(next(Some(now), now, QUIET, now + ms(100)), Wake::Limit);
    }
}
