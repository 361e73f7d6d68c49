//! Retention (GDPR Art. 5(1)(e)): what the store forgets as time passes. See
//! [`Store::purge`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};

use crate::{
    Store, StoreError,
    codec::{decode, encode, u64_from},
    journal::Queued,
    model::{
        AUDIT, AuditEntry, INFORMED, LOG, LogEntry, PEOPLE, Person, REQUESTS, Request, RoomKind,
        State,
    },
    model::{Action, Effect, Key, Lane},
    privacy::{Erasure, Forgotten, is_person, new_pseudonym},
};

/// What replaces a person's id once it is no longer needed to follow a request up: the
/// figures (how many requests, how they ended) survive, the person does not.
pub const PSEUDONYM: &str = "anonyme";

/// How far before the last sync the handled event ids stay, whatever their age: the
/// catch-up after a stop looks back a little (the bot's `CLOCK_SKEW_MS`), this covers it.
const CATCH_UP_MARGIN_SECS: i64 = 24 * 3600;

/// How long personal data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The text of a closed request and its notes are erased this long after it closed.
    pub closed_texts: TimeDelta,
    /// A person with no activity for this long is forgotten, as by [`Store::forget`].
    pub inactive_people: TimeDelta,
    /// Who did what (outcome log, closed requests) gives way to [`PSEUDONYM`] after this.
    pub log_actors: TimeDelta,
    /// Handled event ids (kept so that none is handled twice) go after this.
    pub handled_events: TimeDelta,
}

impl Default for Retention {
    /// In the spirit of the CNIL's guidance for social action: the texts and notes of a
    /// closed request 90 days, a person with no activity two years (730 days), who did
    /// what in the log one year (365 days), handled event ids 7 days.
    fn default() -> Retention {
        Retention {
            closed_texts: TimeDelta::days(90),
            inactive_people: TimeDelta::days(730),
            log_actors: TimeDelta::days(365),
            handled_events: TimeDelta::days(7),
        }
    }
}

/// What one purge removed, and what it leaves to the bot on Matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    /// Closed requests whose text (and notes) were erased.
    pub texts: usize,
    /// Log entries and requests whose people gave way to the pseudonym.
    pub pseudonymised: usize,
    /// People forgotten for inactivity.
    pub people: usize,
    /// Handled event ids pruned.
    pub handled: usize,
    /// What forgetting them owes on Matrix, journalled with each forgetting: the bot's
    /// events that carry their data redacted (see
    /// [`Forgotten::redact`](crate::Forgotten::redact)), their direct chats emptied of
    /// the bot's messages and left.
    pub owed: Vec<Queued>,
}

impl Store {
    /// Applies `retention` as of `now`:
    ///
    /// - erases the text of every request closed (by its last log entry) at least
    ///   `closed_texts` ago, and the notes of its log;
    /// - puts [`PSEUDONYM`] for the people of log entries at least `log_actors` old and
    ///   of requests closed that long ago (not for those of requests still open or
    ///   claimed), and empties the origin room of such a request if it was a direct
    ///   chat;
    /// - forgets, as [`Store::forget`] does, everyone whose last activity is at least
    ///   `inactive_people` old: the requests they made, the log entries they made,
    ///   their volunteer record and whoever's they changed, the notice they got. A
    ///   request they made or hold that is still open or claimed counts as activity now,
    ///   so nothing is ever cancelled or given back here. Someone known only through a
    ///   direct chat (no dated record) is left alone. What forgetting each one owes on
    ///   Matrix (their relays redacted, their direct chats emptied and left) is
    ///   journalled in the transaction that forgets them ([`Purged::owed`]), no erasure
    ///   recorded: the bot carries it out even after a crash;
    /// - puts [`PSEUDONYM`] for the coordinator and the person of audit entries at least
    ///   `log_actors` old, and erases their reason;
    /// - prunes the handled event ids at least `handled_events` old.
    ///
    /// Idempotent, and cheap when nothing is due: it reads each tree it purges once and
    /// writes (and flushes) nothing. Meant to run between decisions (the worker's turn),
    /// since it rewrites requests and people.
    ///
    /// What it changes is gone from what the store reads, not at once from the disk:
    /// see [`Store::compact_into`].
    pub async fn purge(
        &self,
        now: DateTime<Utc>,
        retention: &Retention,
    ) -> Result<Purged, StoreError> {
        let mut purged = Purged::default();
        let mut dirty = false;
        let texts_before = now - retention.closed_texts;
        let actors_before = now - retention.log_actors;

        // The log: who did what, notes, and when each request ended (its last entry).
        let mut ended: HashMap<u64, DateTime<Utc>> = HashMap::new();
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

        // Everyone's last activity, as the store stands before this purge.
        let mut last_seen: HashMap<String, DateTime<Utc>> = HashMap::new();
        let mut requester_of = HashMap::new();
        for (_, request) in &requests {
            requester_of.insert(request.number, request.requester.as_str());
            let at = if request.state.is_active() { now } else { request.created_at };
            note_activity(&mut last_seen, &request.requester, at);
            if let Some(holder) = request.state.holder() {
                note_activity(&mut last_seen, holder, now);
            }
        }
        for (_, entry) in &log {
            note_activity(&mut last_seen, &entry.actor, entry.at);
            // What happens to a request is its requester's activity too.
            if let Some(requester) = requester_of.get(&entry.number) {
                note_activity(&mut last_seen, requester, entry.at);
            }
        }
        for item in self.people.iter() {
            let (key, bytes) = item?;
            let person: Person = decode(&bytes, PEOPLE, &key)?;
            if let Some(at) = person.changed_at {
                note_activity(&mut last_seen, &PEOPLE.key_text(&key), at);
                if let Some(by) = &person.changed_by {
                    note_activity(&mut last_seen, by, at);
                }
            }
        }
        let mut audit = Vec::new();
        for item in self.audit.iter() {
            let (key, bytes) = item?;
            let entry: AuditEntry = decode(&bytes, AUDIT, &key)?;
            note_activity(&mut last_seen, &entry.actor, entry.at);
            if let Some(target) = &entry.target {
                note_activity(&mut last_seen, target, entry.at);
            }
            audit.push((key, entry));
        }
        for item in self.informed.iter() {
            let (key, bytes) = item?;
            let at_ms = u64_from(&bytes, INFORMED, &key)?;
            if let Some(at) = i64::try_from(at_ms).ok().and_then(DateTime::from_timestamp_millis) {
                note_activity(&mut last_seen, &INFORMED.key_text(&key), at);
            }
        }

        let direct: HashSet<String> =
            self.rooms_where(|kind| matches!(kind, RoomKind::Direct { .. }))?.into_iter().collect();
        let active: HashSet<u64> =
            requests.iter().filter(|(_, r)| r.state.is_active()).map(|(_, r)| r.number).collect();
        let closed_before = |number: u64, before| {
            !active.contains(&number) && ended.get(&number).is_some_and(|at| *at <= before)
        };
        for (_, mut request) in requests {
            let requester = request.requester.clone();
            let mut changed = false;
            if closed_before(request.number, texts_before) && !request.text.is_empty() {
                request.text.clear();
                purged.texts += 1;
                changed = true;
            }
            if closed_before(request.number, actors_before)
                && pseudonymise_request(&mut request, &direct)
            {
                purged.pseudonymised += 1;
                changed = true;
            }
            if changed {
                self.rewrite_request(&request, &requester)?;
                dirty = true;
            }
        }
        for (key, mut entry) in log {
            let mut changed = false;
            if entry.note.is_some() && closed_before(entry.number, texts_before) {
                entry.note = None;
                changed = true;
            }
            let settled = !active.contains(&entry.number);
            if settled && entry.at <= actors_before && is_person(&entry.actor) {
                PSEUDONYM.clone_into(&mut entry.actor);
                purged.pseudonymised += 1;
                changed = true;
            }
            if changed {
                self.log.insert(key, encode(LOG, &entry)?)?;
                dirty = true;
            }
        }

        // The audit: who did what to whom, and why, goes with the actors of the log.
        for (key, mut entry) in audit {
            if entry.at > actors_before {
                continue;
            }
            let mut changed = false;
            for id in [Some(&mut entry.actor), entry.target.as_mut()].into_iter().flatten() {
                if is_person(id) {
                    PSEUDONYM.clone_into(id);
                    changed = true;
                }
            }
            if entry.reason.take().is_some() {
                changed = true;
            }
            if changed {
                self.audit.insert(key, encode(AUDIT, &entry)?)?;
                purged.pseudonymised += 1;
                dirty = true;
            }
        }

        // People with no activity for long, in a stable order.
        let forget_before = now - retention.inactive_people;
        let mut inactive: Vec<&String> = last_seen
            .iter()
            .filter(|(user, at)| is_person(user) && **at <= forget_before)
            .map(|(user, _)| user)
            .collect();
        inactive.sort_unstable();
        {
            // Not held across the flush: the plan need not be shared between threads.
            let erasure = Erasure { by: None, plan: &owed_by_forgetting };
            for user in inactive {
                let (_, changed, owed) =
                    self.forget_as(user, &new_pseudonym(now), now, Some(&erasure))?;
                if changed {
                    purged.people += 1;
                    purged.owed.extend(owed);
                    dirty = true;
                }
            }
        }

        // Handled event ids: seconds since the epoch. Never those the next catch-up can
        // reach (it looks back from the last sync, a little before): after a downtime
        // longer than the period, they still keep what came just before it from being
        // handled twice.
        let synced_at = self.synced_at()?.map(|ms| i64::try_from(ms / 1000).unwrap_or(i64::MAX));
        let reachable = synced_at.map_or(i64::MAX, |at| at - CATCH_UP_MARGIN_SECS);
        let prune_before = (now - retention.handled_events).timestamp().min(reachable);
        for item in self.handled.iter() {
            let (key, bytes) = item?;
            let at = <[u8; 8]>::try_from(bytes.as_ref()).map(i64::from_be_bytes);
            if at.is_ok_and(|at| at <= prune_before) {
                self.handled.remove(&key)?;
                purged.handled += 1;
                dirty = true;
            }
        }
        if dirty {
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

/// Puts the pseudonym for the people of a closed request, and forgets its origin room if
/// that is a direct chat (one person's: it would lead back to them); whether anything
/// changed.
fn pseudonymise_request(request: &mut Request, direct: &HashSet<String>) -> bool {
    let mut changed = false;
    if direct.contains(&request.origin_room) {
        request.origin_room.clear();
        changed = true;
    }
    let mut swap = |id: &mut String| {
        if is_person(id) {
            PSEUDONYM.clone_into(id);
            changed = true;
        }
    };
    swap(&mut request.requester);
    match &mut request.state {
        State::Done { volunteer, .. } | State::Claimed { volunteer, .. } => swap(volunteer),
        State::Cancelled { by, .. } => swap(by),
        State::Open | State::Offered | State::Expired => {}
    }
    changed
}

/// What forgetting someone for inactivity owes on Matrix: the relays of their requests
/// taken down, their direct chats emptied of the bot's messages and left.
fn owed_by_forgetting(forgotten: &Forgotten, _: &[Request]) -> Vec<Effect> {
    let in_room =
        |room: &str, action| Effect { request: 0, lane: Lane::room(room), urgent: false, action };
    let mut owed = Vec::new();
    for (room, event) in &forgotten.redact {
        let (room, event) = (room.clone(), event.clone());
        owed.push(in_room(
            &room,
            Action::Redact { room: room.clone(), event, reason: Key::RedactedForgotten },
        ));
    }
    for room in &forgotten.direct_rooms {
        owed.push(in_room(room, Action::Scrub { room: room.clone(), about: None }));
        owed.push(in_room(room, Action::Leave { room: room.clone() }));
    }
    owed
}
