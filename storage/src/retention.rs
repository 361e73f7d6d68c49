//! Retention (GDPR Art. 5(1)(e)): what the store forgets as time passes. See
//! [`Store::purge`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};

use crate::{
    Store, StoreError, decode, encode,
    model::{INFORMED, LOG, LogEntry, PEOPLE, Person, REQUESTS, Request, State},
    u64_from,
};

/// What replaces a person's id once it is no longer needed to follow a request up: the
/// figures (how many requests, how they ended) survive, the person does not.
pub const PSEUDONYM: &str = "anonyme";

/// How long personal data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The text of a closed request and its notes are erased this long after it closed.
    pub closed_texts: TimeDelta,
    /// A person with no activity for this long is forgotten: their volunteer record and
    /// the record of the notice they got.
    pub inactive_people: TimeDelta,
    /// Who did what (outcome log, closed requests) gives way to [`PSEUDONYM`] after this.
    pub log_actors: TimeDelta,
    /// Handled event ids (kept so that none is handled twice) go after this.
    pub handled_events: TimeDelta,
}

/// What one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Closed requests whose text (and notes) were erased.
    pub texts: usize,
    /// Log entries and requests whose people gave way to the pseudonym.
    pub pseudonymised: usize,
    /// People forgotten for inactivity.
    pub people: usize,
    /// Handled event ids pruned.
    pub handled: usize,
}

impl Store {
    /// Applies `retention` as of `now`: erases the texts and notes of requests closed
    /// long enough ago, puts [`PSEUDONYM`] for the people of old log entries and old
    /// closed requests, forgets people with no activity for long, prunes old handled
    /// event ids. Idempotent; cheap when nothing is due. Meant to run between decisions
    /// (the worker's turn), since it rewrites requests and people.
    ///
    /// sled is log-structured: a rewritten value's old bytes stay in its files until
    /// the segment holding them is reused, so a purge removes data from what the store
    /// reads, not at once from the disk.
    pub async fn purge(
        &self,
        now: DateTime<Utc>,
        retention: &Retention,
    ) -> Result<Purged, StoreError> {
        let mut purged = Purged::default();
        let texts_before = now - retention.closed_texts;
        let actors_before = now - retention.log_actors;

        // The log: who did what, notes, and when each request ended (its last entry).
        let mut ended: HashMap<u64, DateTime<Utc>> = HashMap::new();
        let mut last_seen: HashMap<String, DateTime<Utc>> = HashMap::new();
        let mut log = Vec::new();
        for item in self.log.iter() {
            let (key, bytes) = item?;
            let entry: LogEntry = decode(&bytes, LOG, &key)?;
            ended.insert(entry.number, entry.at);
            log.push((key, entry));
        }
        let mut requests = Vec::new();
        for item in self.requests.iter() {
            let (key, bytes) = item?;
            let request: Request = decode(&bytes, REQUESTS, &key)?;
            requests.push((key, request));
        }
        let active: HashSet<u64> =
            requests.iter().filter(|(_, r)| r.state.is_active()).map(|(_, r)| r.number).collect();
        let closed_before = |number: u64, before| {
            !active.contains(&number) && ended.get(&number).is_some_and(|at| *at <= before)
        };

        for (key, mut request) in requests {
            let mut changed = false;
            if closed_before(request.number, texts_before) && !request.text.is_empty() {
                request.text.clear();
                purged.texts += 1;
                changed = true;
            }
            if closed_before(request.number, actors_before) && pseudonymise_request(&mut request) {
                purged.pseudonymised += 1;
                changed = true;
            }
            note_activity(&mut last_seen, &request.requester, request.created_at);
            if changed {
                self.requests.insert(key, encode(REQUESTS, &request)?)?;
            }
        }
        for (key, mut entry) in log {
            let mut changed = false;
            if entry.note.is_some() && closed_before(entry.number, texts_before) {
                entry.note = None;
                changed = true;
            }
            if entry.at <= actors_before && entry.actor != "bot" && entry.actor != PSEUDONYM {
                entry.actor = PSEUDONYM.to_owned();
                purged.pseudonymised += 1;
                changed = true;
            }
            note_activity(&mut last_seen, &entry.actor, entry.at);
            if changed {
                self.log.insert(key, encode(LOG, &entry)?)?;
            }
        }

        // People: a volunteer record, the notice they got.
        let forget_before = now - retention.inactive_people;
        for item in self.people.iter() {
            let (key, bytes) = item?;
            let person: Person = decode(&bytes, PEOPLE, &key)?;
            let user = PEOPLE.key_text(&key);
            if let Some(at) = person.changed_at {
                note_activity(&mut last_seen, &user, at);
            }
        }
        for item in self.informed.iter() {
            let (key, bytes) = item?;
            let user = INFORMED.key_text(&key);
            let at_ms = u64_from(&bytes, INFORMED, &key)?;
            if let Some(at) = i64::try_from(at_ms).ok().and_then(DateTime::from_timestamp_millis) {
                note_activity(&mut last_seen, &user, at);
            }
        }
        for (user, at) in &last_seen {
            if *at > forget_before || user == "bot" || user == PSEUDONYM {
                continue;
            }
            let known = self.people.remove(user.as_bytes())?.is_some();
            let told = self.informed.remove(user.as_bytes())?.is_some();
            purged.people += usize::from(known || told);
        }

        // Handled event ids: seconds since the epoch.
        let prune_before = (now - retention.handled_events).timestamp();
        for item in self.handled.iter() {
            let (key, bytes) = item?;
            let at = <[u8; 8]>::try_from(bytes.as_ref()).map(i64::from_be_bytes);
            if at.is_ok_and(|at| at < prune_before) {
                self.handled.remove(&key)?;
                purged.handled += 1;
            }
        }
        if purged != Purged::default() {
            self.flush().await?;
        }
        Ok(purged)
    }
}

impl Store {
    /// The trees (every tree of the database, whatever this code knows of them) that
    /// hold `needle` in a key or a value: a check that purged data is gone.
    pub fn trees_holding(&self, needle: &[u8]) -> Result<Vec<String>, StoreError> {
        let mut holding = Vec::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            for item in tree.iter() {
                let (key, value) = item?;
                if contains(&key, needle) || contains(&value, needle) {
                    holding.push(String::from_utf8_lossy(&name).into_owned());
                    break;
                }
            }
        }
        Ok(holding)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}

/// The latest time `user` did something, kept in `last_seen`.
fn note_activity(last_seen: &mut HashMap<String, DateTime<Utc>>, user: &str, at: DateTime<Utc>) {
    let seen = last_seen.entry(user.to_owned()).or_insert(at);
    if at > *seen {
        *seen = at;
    }
}

/// Puts the pseudonym for the people of a closed request; whether anything changed.
fn pseudonymise_request(request: &mut Request) -> bool {
    let mut changed = false;
    let mut swap = |id: &mut String| {
        if id != PSEUDONYM && id != "bot" {
            PSEUDONYM.clone_into(id);
            changed = true;
        }
    };
    swap(&mut request.requester);
    match &mut request.state {
        State::Done { volunteer, .. } | State::Claimed { volunteer, .. } => swap(volunteer),
        State::Cancelled { by, .. } => swap(by),
        State::Open | State::Expired => {}
    }
    changed
}
