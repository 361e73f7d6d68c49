//! What an operator watches: whether the bot is synced and serving (`/healthz`), and its
//! counts in Prometheus's format (`/metrics`). The counters of what the bot did (relays,
//! claims, retries, rate limits met, latencies) are the process's, kept as it works; the
//! counts of what the store holds (requests by state and kind, effects pending, the
//! register, the running campaign) are read from the store at each scrape.
//!
//! No person's id and no text in any label: states, categories and statuses only.

use std::{
    sync::{
        LazyLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use entraide_storage::{Enrolment, Store, StoreError};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use serde::Serialize;

use crate::campaign::TALLIED;

/// The counters of what this process did, since it started.
#[derive(Debug)]
pub struct Counters {
    /// Requests relayed to the volunteers room.
    pub relays: Counter,
    /// Requests that found their volunteer: taken, assigned by a coordinator, or an
    /// offer taken up.
    pub claims: Counter,
    /// Attempts at a homeserver call that failed for a while and were tried again.
    pub retried: Counter,
    /// Answers HTTP 429 (rate limited) from the homeserver.
    pub rate_limited: Counter,
    /// From a request's decision to its relay sent, in seconds.
    pub relay_seconds: Histogram,
    /// From a request's decision to its claim or assignment, in seconds.
    pub claim_seconds: Histogram,
}

/// The process's counters.
pub static COUNTERS: LazyLock<Counters> = LazyLock::new(|| Counters {
    relays: Counter::default(),
    claims: Counter::default(),
    retried: Counter::default(),
    rate_limited: Counter::default(),
    // 5 ms to about 80 s: a relay takes tens of milliseconds, minutes under rate limits.
    relay_seconds: Histogram::new(exponential_buckets(0.005, 2.0, 15)),
    // One minute to about two weeks: volunteers take requests within hours or days.
    claim_seconds: Histogram::new(exponential_buckets(60.0, 2.0, 15)),
});

/// Whether the bot serves, for `/healthz`: shared by the sync loop, which marks each sync,
/// and the HTTP listener.
#[derive(Debug, Default)]
pub struct Vitals {
    /// The first sync is done and the bot answers commands.
    ready: AtomicBool,
    /// When the last successful sync ended (ms since the epoch, the bot's wall clock).
    synced_ms: AtomicU64,
}

impl Vitals {
    /// A sync ended well at `at_ms`.
    pub fn synced(&self, at_ms: u64) {
        self.synced_ms.store(at_ms, Ordering::SeqCst);
    }

    /// The first sync is handled and the bot serves.
    pub fn serving(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    /// Whether the bot has synced once and serves.
    pub fn is_serving(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// How long ago (from `now_ms`) the last successful sync ended; `None` before the
    /// first.
    pub fn synced_ago(&self, now_ms: u64) -> Option<Duration> {
        match self.synced_ms.load(Ordering::SeqCst) {
            0 => None,
            at => Some(Duration::from_millis(now_ms.saturating_sub(at))),
        }
    }

    /// The bot's health at `now_ms`, as `/healthz` tells it.
    pub fn health(&self, store: &Store, now_ms: u64, stale_after: Duration) -> Health {
        let synced_ago = self.synced_ago(now_ms);
        let pending = store.pending_effects().map(|pending| pending.len()).ok();
        let rooms = store.rooms_where(|_| true).map(|rooms| rooms.len()).ok();
        let status = match (self.ready.load(Ordering::SeqCst), synced_ago, pending) {
            (_, _, None) => Status::StoreUnreadable,
            (false, _, _) | (_, None, _) => Status::Starting,
            (true, Some(ago), _) if ago > stale_after => Status::SyncStale,
            _ => Status::Ok,
        };
        Health {
            status,
            version: env!("CARGO_PKG_VERSION"),
            synced_seconds_ago: synced_ago.map(|ago| ago.as_secs()),
            pending_effects: pending,
            rooms_served: rooms,
        }
    }
}

/// Where the bot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Synced recently, serving.
    Ok,
    /// Not yet logged in and synced once.
    Starting,
    /// The last successful sync is older than `http.stale_after`.
    SyncStale,
    /// The store could not be read.
    StoreUnreadable,
}

/// What `/healthz` answers, as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// Where the bot stands; anything but `ok` is answered with 503.
    pub status: Status,
    /// The bot's version.
    pub version: &'static str,
    /// Seconds since the last successful sync.
    pub synced_seconds_ago: Option<u64>,
    /// Effects journalled and not yet carried out.
    pub pending_effects: Option<usize>,
    /// Rooms the bot serves.
    pub rooms_served: Option<usize>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateKind {
    state: &'static str,
    kind: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    version: &'static str,
}

/// The metrics in the OpenMetrics text format (which Prometheus reads), from the
/// process's counters and what `store` holds; `synced_ago`: since the last sync;
/// `serving`: whether the bot has synced once and serves.
pub fn metrics(
    store: &Store,
    synced_ago: Option<Duration>,
    serving: bool,
) -> Result<String, MetricsError> {
    let mut registry = Registry::with_prefix("entraide");
    let info = Family::<VersionLabel, Gauge>::default();
    info.get_or_create(&VersionLabel { version: env!("CARGO_PKG_VERSION") }).set(1);
    registry.register("build_info", "The running version", info);
    let up: Gauge = Gauge::default();
    up.set(i64::from(serving));
    registry.register(
        "serving",
        "Whether the bot has logged in, synced once and serves (0 while it starts)",
        up,
    );

    let counters = &*COUNTERS;
    registry.register("relays", "Requests relayed to the volunteers", counters.relays.clone());
    registry.register("claims", "Requests claimed by a volunteer", counters.claims.clone());
    registry.register(
        "homeserver_retries",
        "Homeserver calls tried again after a failure or a rate limit",
        counters.retried.clone(),
    );
    registry.register(
        "rate_limited",
        "Answers HTTP 429 (rate limited) from the homeserver",
        counters.rate_limited.clone(),
    );
    registry.register(
        "relay_latency_seconds",
        "From a request's decision to its relay sent",
        counters.relay_seconds.clone(),
    );
    registry.register(
        "claim_latency_seconds",
        "From a request's decision to its claim by a volunteer",
        counters.claim_seconds.clone(),
    );

    let requests = Family::<StateKind, Gauge>::default();
    for ((state, category), count) in store.tally_requests()? {
        let kind = serde_json::to_value(category)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        requests.get_or_create(&StateKind { state, kind }).set(as_i64(count));
    }
    registry.register("requests", "Requests by state and kind", requests);
    let pending: Gauge = Gauge::default();
    pending.set(as_i64(store.pending_effects()?.len()));
    registry.register("effects_pending", "Effects journalled, not yet carried out", pending);
    let rooms: Gauge = Gauge::default();
    rooms.set(as_i64(store.rooms_where(|_| true)?.len()));
    registry.register("rooms_served", "Rooms the bot serves", rooms);
    let lag = Gauge::<f64, AtomicU64>::default();
    lag.set(synced_ago.map_or(f64::NAN, |ago| ago.as_secs_f64()));
    registry.register("sync_age_seconds", "Time since the last successful sync", lag);

    let entries = Family::<StatusLabel, Gauge>::default();
    let register = store.entries_where(|_| true)?;
    for (status, name) in [(Enrolment::Pending, "pending"), (Enrolment::Active, "active")] {
        let count = register.iter().filter(|entry| entry.status == status).count();
        entries.get_or_create(&StatusLabel { status: name }).set(as_i64(count));
    }
    registry.register("register_entries", "People on the alert register, by status", entries);
    let running: Gauge = Gauge::default();
    let checkins = Family::<StatusLabel, Gauge>::default();
    if let Some(campaign) = store.running_campaign()? {
        running.set(1);
        let checks = store.checkins(campaign.number)?;
        for status in TALLIED {
            let count = checks.iter().filter(|check| check.status == status).count();
            checkins.get_or_create(&StatusLabel { status: status_name(status) }).set(as_i64(count));
        }
    }
    registry.register("campaign_running", "Whether a check-in campaign runs", running);
    registry.register(
        "campaign_checkins",
        "The running campaign's check-ins, by status in the current round",
        checkins,
    );

    let mut text = String::new();
    encode(&mut text, &registry).map_err(|_| MetricsError::Encode)?;
    Ok(text)
}

/// A time span in seconds, for a histogram (none below zero: clocks may differ).
pub fn seconds(span: chrono::TimeDelta) -> f64 {
    (span.num_milliseconds() as f64 / 1000.0).max(0.0)
}

fn as_i64(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn status_name(status: entraide_storage::CheckStatus) -> &'static str {
    use entraide_storage::CheckStatus;
    match status {
        CheckStatus::Waiting => "waiting",
        CheckStatus::Reached => "reached",
        CheckStatus::NoAnswer => "no_answer",
        CheckStatus::NeedsHelp => "needs_help",
        CheckStatus::Visit => "visit",
        CheckStatus::Escalated => "escalated",
    }
}

/// Why the metrics could not be written.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The text encoder failed.
    #[error("cannot encode the metrics")]
    Encode,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_is_starting_then_ok_then_stale() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let vitals = Vitals::default();
        let stale = Duration::from_secs(120);
        assert_eq!(vitals.health(&store, 1_000_000, stale).status, Status::Starting);
        vitals.synced(1_000_000);
        assert_eq!(vitals.health(&store, 1_000_500, stale).status, Status::Starting);
        vitals.serving();
        let health = vitals.health(&store, 1_000_500, stale);
        assert_eq!(health.status, Status::Ok);
        assert_eq!(health.synced_seconds_ago, Some(0));
        assert_eq!(health.pending_effects, Some(0));
        assert_eq!(vitals.health(&store, 1_000_000 + 121_000, stale).status, Status::SyncStale);
        Ok(())
    }

    #[test]
    fn an_empty_store_gives_every_family_and_an_end() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let text = metrics(&store, Some(Duration::from_secs(3)), true)?;
        for family in [
            "# TYPE entraide_relays counter",
            "# TYPE entraide_relay_latency_seconds histogram",
            "# TYPE entraide_requests gauge",
            "# TYPE entraide_effects_pending gauge",
            "entraide_sync_age_seconds 3.0",
            "entraide_register_entries{status=\"active\"} 0",
            "entraide_campaign_running 0",
            "entraide_serving 1",
        ] {
            assert!(text.contains(family), "{family} in {text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
        Ok(())
    }
}
