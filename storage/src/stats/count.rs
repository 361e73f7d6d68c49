//! How the figures are counted: read as little of each stored record as they need, the
//! requests and the log side by side.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
};

use chrono::{DateTime, TimeDelta, Utc};
use entraide_commands::Profile;
use serde::{Deserialize, de::IgnoredAny};

use super::{FigureQuery, Figures};
use crate::{
    Store, StoreError,
    codec::{decode, decode_error},
    model::{Category, LOG, Outcome, PEOPLE, Person, REQUESTS, TreeSpec, VolunteerStatus},
};

/// What the figures read of a stored request: the rest of it (its text above all) is
/// skipped, not decoded, so that a year of a large store reads fast.
#[derive(Debug, Deserialize)]
struct RequestFacts<'a> {
    number: u64,
    #[serde(borrow)]
    requester: Cow<'a, str>,
    #[serde(borrow)]
    origin_room: Cow<'a, str>,
    #[serde(borrow, default)]
    neighbourhood: Option<Cow<'a, str>>,
    reading: ReadingFacts,
    created_at: DateTime<Utc>,
    state: StateFacts<'a>,
    #[serde(default)]
    posts: Vec<IgnoredAny>,
}

/// What the figures read of a request's reading.
#[derive(Debug, Deserialize)]
struct ReadingFacts {
    category: Category,
    #[serde(default)]
    on_behalf: Option<IgnoredAny>,
}

/// A request's state, by its tag alone.
#[derive(Debug, Deserialize)]
struct StateFacts<'a> {
    #[serde(borrow)]
    state: Cow<'a, str>,
}

/// What the figures read of a line of the outcome log (not the volunteer's note).
#[derive(Debug, Deserialize)]
struct LogFacts<'a> {
    at: DateTime<Utc>,
    number: u64,
    #[serde(borrow)]
    actor: Cow<'a, str>,
    outcome: Outcome,
}

/// Just the time of a log line.
#[derive(Debug, Deserialize)]
struct LogTime {
    at: DateTime<Utc>,
}

/// Just when a request was posted.
#[derive(Debug, Deserialize)]
struct PostedTime {
    created_at: DateTime<Utc>,
}

/// How far from time order requests and log lines may be stored. Both are keyed in the
/// order they were written (numbers and log ids only grow), with the bot's clock at that
/// moment: a clock set back, or a test's clock, may put a line a little out of place.
/// The figures read this much more on each side of what they need, and count exactly.
const SLACK: TimeDelta = TimeDelta::days(7);

/// The first key of `tree` (8-byte big-endian numbers, in time order as [`SLACK`] says)
/// from which records are at or after `target`, found by bisection.
fn first_from(
    tree: &sled::Tree,
    spec: TreeSpec,
    target: DateTime<Utc>,
    time: impl Fn(&[u8]) -> Result<DateTime<Utc>, serde_json::Error>,
) -> Result<u64, StoreError> {
    let number = |key: &[u8]| <[u8; 8]>::try_from(key).map(u64::from_be_bytes).unwrap_or(0);
    let (Some((first, _)), Some((last, _))) = (tree.first()?, tree.last()?) else {
        return Ok(0);
    };
    let (mut low, mut high) = (number(&first), number(&last).saturating_add(1));
    // The answer is in low..=high: every record before `low` is older than `target`, and
    // the first record from `high` on is not.
    while low < high {
        let middle = low + (high - low) / 2;
        let Some(item) = tree.range(middle.to_be_bytes()..).next() else {
            high = middle;
            continue;
        };
        let (key, bytes) = item?;
        let at = time(&bytes).map_err(|source| decode_error(spec, &key, source))?;
        if at < target {
            low = number(&key).saturating_add(1);
        } else {
            high = middle;
        }
    }
    Ok(low)
}

/// Counts `name` once in `seen`, copying it only the first time.
fn insert_once(seen: &mut HashSet<String>, name: &str) {
    if !seen.contains(name) {
        seen.insert(name.to_owned());
    }
}

/// The figures of the requests, counted request by request.
#[derive(Debug, Default)]
struct RequestTally {
    figures: Figures,
    asked: HashSet<String>,
    asked_before: HashSet<String>,
    /// The period's requests: when each was posted.
    period: HashMap<u64, DateTime<Utc>>,
}

impl RequestTally {
    fn request(&mut self, request: &RequestFacts<'_>, query: &FigureQuery<'_>) {
        let state = request.state.state.as_ref();
        // An offer nobody took up: no one asked.
        let untaken_offer = !request.posts.is_empty() && !matches!(state, "claimed" | "done");
        if untaken_offer {
            return;
        }
        let at = request.created_at;
        let phone = request.origin_room == query.phone_room;
        let figures = &mut self.figures;
        if query.before <= at && at < query.from {
            figures.requests_before += 1;
            if !phone {
                insert_once(&mut self.asked_before, &request.requester);
            }
        }
        if !(query.from <= at && at < query.to) {
            return;
        }
        figures.requests += 1;
        self.period.insert(request.number, at);
        let by_state = &mut figures.by_state;
        match state {
            "open" | "offered" => by_state.open += 1,
            "claimed" => by_state.claimed += 1,
            "done" => by_state.done += 1,
            "cancelled" => by_state.cancelled += 1,
            // The only other state a request stores.
            _ => by_state.expired += 1,
        }
        let category = request.reading.category;
        *figures.by_category.entry(category).or_default() += 1;
        figures.posted.push((at, category));
        let neighbourhood = request.neighbourhood.as_deref();
        let commune = neighbourhood
            .and_then(|name| query.communes.get(name))
            .map_or(query.default_commune, String::as_str);
        let commune = figures.by_commune.entry(commune.to_owned()).or_default();
        commune.requests += 1;
        *commune.neighbourhoods.entry(neighbourhood.map(str::to_owned)).or_default() += 1;
        if request.reading.on_behalf.is_some() {
            figures.on_behalf += 1;
        }
        if phone {
            figures.by_phone += 1;
        } else {
            insert_once(&mut self.asked, &request.requester);
        }
    }
}

/// The figures of the outcome log, counted line by line.
#[derive(Debug, Default)]
struct LogTally {
    /// When each request read of was first claimed.
    first_claims: HashMap<u64, DateTime<Utc>>,
    /// The requests whose first claim or end (done, cancelled, expired) was read: no
    /// later line can be their first claim.
    settled: HashSet<u64>,
    active: HashSet<String>,
    helped: HashMap<String, usize>,
    done_before: usize,
}

impl LogTally {
    fn log(&mut self, entry: &LogFacts<'_>, query: &FigureQuery<'_>) {
        let in_period = query.from <= entry.at && entry.at < query.to;
        match entry.outcome {
            Outcome::Claimed => {
                self.settled.insert(entry.number);
                self.first_claims.entry(entry.number).or_insert(entry.at);
                if in_period {
                    insert_once(&mut self.active, &entry.actor);
                }
            }
            Outcome::Done => {
                self.settled.insert(entry.number);
                if in_period {
                    insert_once(&mut self.active, &entry.actor);
                    match self.helped.get_mut(entry.actor.as_ref()) {
                        Some(count) => *count += 1,
                        None => {
                            self.helped.insert(entry.actor.to_string(), 1);
                        }
                    }
                } else if query.before <= entry.at && entry.at < query.from {
                    self.done_before += 1;
                }
            }
            Outcome::Cancelled | Outcome::Expired => {
                self.settled.insert(entry.number);
            }
            _ => {}
        }
    }
}

/// Whether a log line may count: its outcome is a claim or an end. Read off the bytes,
/// which serde_json writes as `"outcome":"claimed"`, so that the other lines (posted,
/// relayed, reminded, …) are not decoded; a line of another shape is decoded.
fn may_count(bytes: &[u8]) -> bool {
    const FIELD: &[u8] = b"\"outcome\":\"";
    let Some(at) = bytes.windows(FIELD.len()).position(|window| window == FIELD) else {
        return true;
    };
    let value = &bytes[at + FIELD.len()..];
    [&b"claimed\""[..], b"done\"", b"cancelled\"", b"expired\""]
        .iter()
        .any(|outcome| value.starts_with(outcome))
}

/// Puts the two tallies together into the figures.
fn finish(
    requests: RequestTally,
    log: LogTally,
    people: &[(String, Person)],
    profiles: &HashMap<String, Profile>,
    now: DateTime<Utc>,
) -> Figures {
    let mut figures = requests.figures;
    for profile in requests.asked.iter().filter_map(|user| profiles.get(user)) {
        figures.declared_beneficiaries.count(profile);
    }
    figures.beneficiaries = requests.asked.len();
    figures.beneficiaries_before = requests.asked_before.len();
    let mut waits: Vec<i64> = requests
        .period
        .iter()
        .filter_map(|(number, posted)| {
            let claimed = log.first_claims.get(number)?;
            Some((*claimed - *posted).num_minutes().max(0))
        })
        .collect();
    waits.sort_unstable();
    figures.claim_minutes = waits;
    figures.done_before = log.done_before;
    for count in log.helped.values() {
        match count {
            1 => figures.load.once += 1,
            2..=5 => figures.load.few += 1,
            _ => figures.load.many += 1,
        }
    }
    let volunteers = &mut figures.volunteers;
    volunteers.active = log.active.len();
    for (user, person) in people {
        if person.charter.is_some() {
            volunteers.signed += 1;
        }
        if person.status == VolunteerStatus::Vetted {
            volunteers.vetted += 1;
            if person.is_paused(now) {
                volunteers.paused += 1;
            }
            if let Some(profile) = profiles.get(user) {
                figures.declared_volunteers.count(profile);
            }
        }
    }
    figures
}

impl Store {
    /// The figures of `query`'s period, from the requests, the outcome log and the
    /// people's records.
    ///
    /// Only what the period and the one before need is read: the requests posted in them,
    /// and the log from the period before until the period's end, then on only until
    /// each of the period's requests was first claimed or ended. The requests and the log
    /// are read side by side, on two threads.
    pub fn figures(&self, query: &FigureQuery<'_>) -> Result<Figures, StoreError> {
        let (start, end) = (query.before - SLACK, query.to + SLACK);
        let (requests, (mut log, stopped)) = std::thread::scope(|scope| {
            let log = scope.spawn(|| self.read_log(query, start, end));
            let requests = self.read_requests(query, start, end);
            let log = log.join().map_err(|_| {
                StoreError::Sled(sled::Error::ReportableBug("the log's reader panicked".into()))
            })?;
            Ok::<_, StoreError>((requests?, log?))
        })?;
        // Requests of the period still waiting for their first claim: read on.
        let mut pending: HashSet<u64> = requests
            .period
            .keys()
            .filter(|number| !log.settled.contains(number))
            .copied()
            .collect();
        if let Some(next) = stopped {
            for item in self.log.range(next.to_be_bytes()..) {
                if pending.is_empty() {
                    break;
                }
                let (key, bytes) = item?;
                if !may_count(&bytes) {
                    continue;
                }
                let entry: LogFacts<'_> = serde_json::from_slice(&bytes)
                    .map_err(|source| decode_error(LOG, &key, source))?;
                if pending.remove(&entry.number) && entry.outcome == Outcome::Claimed {
                    log.first_claims.insert(entry.number, entry.at);
                }
            }
        }
        let mut people = Vec::new();
        for item in self.people.iter() {
            let (key, bytes) = item?;
            let person = decode::<Person>(&bytes, PEOPLE, &key)?;
            people.push((PEOPLE.key_text(&key), person));
        }
        Ok(finish(requests, log, &people, &self.declared_profiles()?, query.now))
    }

    /// Counts the requests posted from `start` to `end`.
    fn read_requests(
        &self,
        query: &FigureQuery<'_>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<RequestTally, StoreError> {
        let mut tally = RequestTally::default();
        let posted =
            |bytes: &[u8]| serde_json::from_slice::<PostedTime>(bytes).map(|r| r.created_at);
        let first = first_from(&self.requests, REQUESTS, start, posted)?;
        for item in self.requests.range(first.to_be_bytes()..) {
            let (key, bytes) = item?;
            let request: RequestFacts<'_> = serde_json::from_slice(&bytes)
                .map_err(|source| decode_error(REQUESTS, &key, source))?;
            if request.created_at >= end {
                break;
            }
            tally.request(&request, query);
        }
        Ok(tally)
    }

    /// Counts the log from `start` to `end`; also returns the key it stopped at, if the
    /// log goes on.
    fn read_log(
        &self,
        query: &FigureQuery<'_>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(LogTally, Option<u64>), StoreError> {
        let mut tally = LogTally::default();
        let logged = |bytes: &[u8]| serde_json::from_slice::<LogTime>(bytes).map(|e| e.at);
        let first = first_from(&self.log, LOG, start, logged)?;
        for item in self.log.range(first.to_be_bytes()..) {
            let (key, bytes) = item?;
            if !may_count(&bytes) {
                continue;
            }
            let entry: LogFacts<'_> =
                serde_json::from_slice(&bytes).map_err(|source| decode_error(LOG, &key, source))?;
            if entry.at >= end {
                let next = <[u8; 8]>::try_from(key.as_ref()).map(u64::from_be_bytes).ok();
                return Ok((tally, next));
            }
            tally.log(&entry, query);
        }
        Ok((tally, None))
    }
}
