//! The bot's clock: the system's, shifted by an offset that only tests move, so that
//! reminders and expiry are tested without waiting.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::watch;

/// Clocks of the bot and the homeserver may differ a little; handled ids keep the
/// overlap from being handled twice.
pub const CLOCK_SKEW_MS: u64 = 30_000;

/// The time the bot goes by.
#[derive(Debug)]
pub struct Clock {
    /// Milliseconds added to the system's time.
    offset: watch::Sender<i64>,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock { offset: watch::Sender::new(0) }
    }
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(*self.offset.borrow())
    }

    /// The system's time, not shifted, in milliseconds since the epoch: the scale of
    /// event timestamps, which the homeserver sets. Only for comparing with those (which
    /// history the bot serves, how late an answer comes), which a test moving the clock
    /// does not move.
    pub fn wall_ms(&self) -> u64 {
        u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0)
    }

    /// Moves the clock forward by `by` (tests only: in production nothing calls it), and
    /// wakes what waits for a deadline.
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset.send_modify(|offset| *offset = offset.saturating_add(by));
    }

    /// A receiver that sees each move of the clock.
    pub fn moves(&self) -> watch::Receiver<i64> {
        self.offset.subscribe()
    }
}
