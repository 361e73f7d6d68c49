//! entraide's embedded store, on sled.
//!
//! # Layout
//!
//! - [`Store`]: opens the database, checks the schema version, and offers one method per
//!   state transition. Each transition is one sled transaction over every tree it
//!   touches (the request, the outcome log, the handled events), then a flush, so that
//!   the bot acknowledges nothing that is not on disk.
//! - [`model`]: everything that is stored, and every tree with its keys and values:
//!   [`Request`], [`State`], [`LogEntry`], [`Outcome`], [`Person`], [`RoomKind`], and the
//!   types of `entraide-commands` found inside them. A change there is a change of the
//!   on-disk format, hence of [`SCHEMA_VERSION`].
//! - [`StoreError`] / [`TransitionError`]: what can go wrong, naming tree and key.
//! - `privacy`: the rights of the people the store knows (GDPR Art. 15 and 17):
//!   [`Store::person_data`] ([`PersonData`]), [`Store::forget`] ([`Forgotten`]),
//!   [`Store::compact_into`].
//! - `retention`: what the store forgets as time passes (GDPR Art. 5(1)(e)):
//!   [`Store::purge`] with a [`Retention`], and [`Store::trees_holding`], the scan of
//!   every tree that checks it.
//!
//! Trees and keys, in short (see [`model`]): `requests` and `log` are keyed by big-endian
//! `u64` (numeric order is key order); `people`, `rooms`, `handled` and `relays` by Matrix
//! ids as strings; `meta` holds the schema version and the request counter. Values are
//! JSON, except the raw big-endian numbers of `relays`, `handled` and `meta`.
//!
//! # Effects
//!
//! A transition and the [`Effect`]s it owes on Matrix (a relay, a confirmation, a private
//! room, …) are written in the same transaction: a crash can lose neither one without the
//! other. Each transition takes a *plan*, a function from the changed request to its
//! effects, and returns them as [`Queued`] (with their journal id) for the bot to carry
//! out; [`Store::finish_effect`] (or the transition an effect's result feeds, such as
//! [`Store::set_relay`]) removes them. [`Store::pending_effects`] lists what a stop
//! interrupted.
//!
//! # Personal data: what `forget` and `purge` guarantee
//!
//! - After [`Store::forget`] of a user id, no tree holds that id, the text of a request
//!   they made, a note written on one, a note they wrote, nor their direct chat's room
//!   id; their requests stay, without these, under a random pseudonym (the same for all
//!   their records, linked to nothing else), so that figures (requests by state,
//!   category, neighbourhood, time; the outcome log, entry for entry) are unchanged,
//!   except that what was open or claimed is now cancelled or given back.
//! - After [`Store::purge`] as of `now`, no tree holds what [`Retention`] says is due:
//!   texts and notes of requests closed long enough ago, the ids of the people of old
//!   log entries and closed requests, anything of a person inactive for long (as by
//!   `forget`), old handled event ids. Nothing is removed before it is due, and a
//!   second purge at the same time changes nothing.
//! - Both leave to the bot what only Matrix can do: redacting the bot's events that
//!   carry the data ([`Forgotten::redact`], [`Purged::redact`]), leaving direct chats,
//!   carrying out what a cancellation or a release owes. The store does not know the ids
//!   of the bot's other messages (confirmations, the introduction in a private room),
//!   nor can it reach what people wrote in their rooms.
//! - "No tree holds" is what sled reads. sled is log-structured: old bytes stay in its
//!   files until it rewrites their segments, in its own time. [`Store::compact_into`]
//!   copies what the store reads into fresh files, after which the old ones can be
//!   erased; backups of the data directory keep what they hold until they expire.
//!
//! The tests (`tests/rgpd.rs`, `tests/retention.rs`) check these with
//! [`Store::trees_holding`], which scans every tree of the database by name, known to
//! this code or not.

pub mod model;
mod origin;
mod privacy;
mod profiles;
mod retention;
mod stats;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use sled::{
    Transactional, Tree,
    transaction::{ConflictableTransactionError, TransactionError, TransactionalTree},
};

use crate::model::{
    AUDIT, EFFECTS, HANDLED, INFORMED, JOINED, LOG, Lang, META, PEOPLE, PROFILES, RELAYS, REQUESTS,
    ROOMS, SPARES, TreeSpec, VolunteerStatus,
};
pub use crate::model::{
    Action, AuditAction, AuditEntry, Block, Effect, FollowUp, LogEntry, NewRequest, Outcome, Pause,
    Person, Post, ProfileRecord, Quote, Repeat, Request, RoomKind, Root, Series, Shape, Signature,
    Spare, State, Step, Target,
};
pub use crate::{
    privacy::{
        FORGET_PASSES, Forgotten, HelpedRequest, PERSON_DATA_VERSION, PSEUDONYM_PREFIX, PersonData,
    },
    retention::{PSEUDONYM, Purged, Retention},
    stats::{ByState, Commune, Declared, FigureQuery, Figures, Load, SMALL, Volunteers},
};

/// The schema this code reads and writes. Version 2 added the `effects` tree, the
/// requests' `follow_up` and the follow-up outcomes; version 3 the `erased` outcome and
/// the effects of an erasure (`redact`, `scrub`, `leave`, `send_data`) and the `audit`
/// tree. An older store reads as it is.
pub const SCHEMA_VERSION: u64 = 3;

/// What `!benevoles` shows of one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolunteerSummary {
    /// Their Matrix id.
    pub user: String,
    /// Their record.
    pub person: Person,
    /// How many requests they closed as done.
    pub helped: usize,
    /// When they last took or closed a request.
    pub last_active: Option<DateTime<Utc>>,
}

/// An effect recorded in the journal, with its id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Its key in the `effects` tree; also makes its Matrix transaction id.
    pub id: u64,
    /// The effect.
    pub effect: Effect,
}

const META_SCHEMA: &[u8] = b"schema_version";
const META_NEXT_NUMBER: &[u8] = b"next_request_number";
const META_SYNCED_AT: &[u8] = b"synced_at";
const META_CHARTER_VERSION: &[u8] = b"charter_version";

/// At most this many occurrences are followed from one to the next in one series.
const MAX_SERIES_HOPS: usize = 100_000;

/// A failure of the store itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed (I/O, corruption).
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    /// A stored value could not be decoded.
    #[error("cannot decode {tree}/{key}: {source}")]
    Decode {
        /// The tree.
        tree: &'static str,
        /// The key, as its tree writes it: the number for `requests` and `log`, the text
        /// for the others.
        key: String,
        /// Why.
        source: serde_json::Error,
    },
    /// A value could not be encoded (should not happen with our types).
    #[error("cannot encode a value for {tree}: {source}")]
    Encode {
        /// The tree.
        tree: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// A copy of the store ([`Store::compact_into`]) was aimed at a database that holds
    /// data already.
    #[error("{0} already holds a database with data")]
    NotEmpty(String),
    /// The store was written by a newer version of entraide.
    #[error("store schema version {found} is newer than the {supported} this entraide knows")]
    SchemaTooNew {
        /// The version on disk.
        found: u64,
        /// The version this code knows.
        supported: u64,
    },
}

/// Why a state transition did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// No request has this number.
    #[error("no request #{0}")]
    NoSuchRequest(u64),
    /// The request is not open (someone else got there first, or it is closed).
    #[error("request #{number} is not open")]
    NotOpen {
        /// The request.
        number: u64,
        /// Its current state.
        state: State,
    },
    /// The request is not claimed.
    #[error("request #{number} is not claimed")]
    NotClaimed {
        /// The request.
        number: u64,
        /// Its current state.
        state: State,
    },
    /// The request is claimed by someone else.
    #[error("request #{0} is held by someone else")]
    NotHolder(u64),
    /// Only the requester or a coordinator may cancel.
    #[error("request #{0} was made by someone else")]
    NotRequester(u64),
    /// The event that asked for this was already handled.
    #[error("event already handled")]
    AlreadyHandled,
    /// The request is no occurrence of a series that goes on (a one-off request, a
    /// series already stopped, or an occurrence whose next one is already made).
    #[error("request #{0} does not repeat (any more)")]
    NotRepeating(u64),
    /// A follow-up step does not apply (any more) to this request.
    #[error("request #{number}: {step:?} does not apply")]
    StepNotDue {
        /// The request.
        number: u64,
        /// The step.
        step: Step,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The store: one sled database with typed trees.
#[derive(Debug, Clone)]
pub struct Store {
    db: sled::Db,
    requests: Tree,
    log: Tree,
    people: Tree,
    rooms: Tree,
    handled: Tree,
    relays: Tree,
    joined: Tree,
    effects: Tree,
    spares: Tree,
    informed: Tree,
    audit: Tree,
    profiles: Tree,
    meta: Tree,
}

/// How long [`Store::open`] waits for a lock that a database closed in this process
/// may still hold.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Opens sled's database at `path` (without the store's checks), waiting a little while
/// its file lock is held. sled releases the lock from its background threads some
/// moments after the last handle is dropped, so a store closed and reopened in one
/// process (a restart in place, the tests) can find it still taken. Another process
/// holding it for longer is still an error.
pub fn open_sled(path: &Path) -> Result<sled::Db, sled::Error> {
    let started = std::time::Instant::now();
    loop {
        match sled::open(path) {
            Err(sled::Error::Io(error))
                if error.to_string().contains("could not acquire lock")
                    && started.elapsed() < LOCK_WAIT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

type TxResult<T> = Result<T, ConflictableTransactionError<TransitionError>>;

impl Store {
    /// Opens (or creates) the store in `path`, checking and recording the schema version.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = open_sled(path)?;
        let store = Store {
            requests: db.open_tree(REQUESTS.name)?,
            log: db.open_tree(LOG.name)?,
            people: db.open_tree(PEOPLE.name)?,
            rooms: db.open_tree(ROOMS.name)?,
            handled: db.open_tree(HANDLED.name)?,
            relays: db.open_tree(RELAYS.name)?,
            joined: db.open_tree(JOINED.name)?,
            effects: db.open_tree(EFFECTS.name)?,
            spares: db.open_tree(SPARES.name)?,
            informed: db.open_tree(INFORMED.name)?,
            audit: db.open_tree(AUDIT.name)?,
            profiles: db.open_tree(PROFILES.name)?,
            meta: db.open_tree(META.name)?,
            db,
        };
        match store.meta.get(META_SCHEMA)? {
            None => {
                store.meta.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())?;
            }
            Some(bytes) => {
                let found = u64_from(&bytes, META, META_SCHEMA)?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
                }
                // 1 → 2 → 3 only added what reads as empty or default: nothing to rewrite.
                // Future migrations run here, from `found` up.
                if found < SCHEMA_VERSION {
                    store.meta.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())?;
                }
            }
        }
        store.db.flush()?;
        Ok(store)
    }

    /// Writes everything to disk. Many may flush at once (effects run concurrently):
    /// sled's `flush_async` can hang then (spacejam/sled#1241), its blocking `flush`
    /// cannot, so it runs on a blocking thread.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let db = self.db.clone();
        match tokio::task::spawn_blocking(move || db.flush()).await {
            Ok(flushed) => {
                flushed?;
                Ok(())
            }
            // Only a panic inside sled's flush gets here: report it as sled's failure.
            Err(error) => Err(StoreError::Sled(sled::Error::ReportableBug(error.to_string()))),
        }
    }

    /// When the bot started serving `room_id`, in milliseconds since the epoch.
    pub fn joined_at(&self, room_id: &str) -> Result<Option<u64>, StoreError> {
        match self.joined.get(room_id)? {
            Some(bytes) => Ok(Some(u64_from(&bytes, JOINED, room_id.as_bytes())?)),
            None => Ok(None),
        }
    }

    /// Records that the bot serves `room_id` since `at_ms`, unless a time is already
    /// recorded; returns the recorded time.
    pub async fn record_joined(&self, room_id: &str, at_ms: u64) -> Result<u64, StoreError> {
        let stamp = at_ms.to_be_bytes();
        match self.joined.compare_and_swap(room_id, None as Option<&[u8]>, Some(&stamp[..]))? {
            Ok(()) => {
                self.flush().await?;
                Ok(at_ms)
            }
            Err(existing) => match existing.current {
                Some(bytes) => u64_from(&bytes, JOINED, room_id.as_bytes()),
                None => Ok(at_ms),
            },
        }
    }

    /// When the last sync ended, in milliseconds since the epoch (`None` before the first).
    pub fn synced_at(&self) -> Result<Option<u64>, StoreError> {
        match self.meta.get(META_SYNCED_AT)? {
            Some(bytes) => Ok(Some(u64_from(&bytes, META, META_SYNCED_AT)?)),
            None => Ok(None),
        }
    }

    /// Records when the last sync ended. Not flushed on its own: losing it only makes the
    /// next catch-up look further back, where handled ids keep replays out.
    pub fn set_synced_at(&self, at_ms: u64) -> Result<(), StoreError> {
        self.meta.insert(META_SYNCED_AT, &at_ms.to_be_bytes())?;
        Ok(())
    }

    /// The version of the volunteers' charter the volunteers were last told of.
    pub fn charter_version(&self) -> Result<Option<String>, StoreError> {
        match self.meta.get(META_CHARTER_VERSION)? {
            Some(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => Ok(Some(text.to_owned())),
                Err(error) => {
                    Err(decode_error(META, META_CHARTER_VERSION, serde::de::Error::custom(error)))
                }
            },
            None => Ok(None),
        }
    }

    /// Records the version of the charter the volunteers were told of.
    pub async fn set_charter_version(&self, version: &str) -> Result<(), StoreError> {
        self.meta.insert(META_CHARTER_VERSION, version.as_bytes())?;
        self.flush().await
    }

    /// Whether an event was already handled.
    pub fn is_handled(&self, event_id: &str) -> Result<bool, StoreError> {
        Ok(self.handled.contains_key(event_id)?)
    }

    /// Records an event as handled; returns `false` if it already was, in which case the
    /// caller must do nothing. Atomic: of two callers, exactly one gets `true`.
    pub async fn mark_handled(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let stamp = now.timestamp().to_be_bytes();
        let fresh = self
            .handled
            .compare_and_swap(event_id, None as Option<&[u8]>, Some(&stamp[..]))?
            .is_ok();
        if fresh {
            self.flush().await?;
        }
        Ok(fresh)
    }

    /// Records a new request, gives it the next number, logs its creation, marks the
    /// event that carried it as handled and records the effects `plan` gives, all at once.
    pub async fn create_request(
        &self,
        new: NewRequest,
        event_id: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        self.create(new, Vec::new(), None, event_id, now, plan).await
    }

    /// Records a request that repeats `every` so often (a coordinator's "chaque mardi"):
    /// the first occurrence, as [`Store::create_request`], which
    /// [`Store::next_occurrence`] follows when its time comes.
    pub async fn create_series(
        &self,
        new: NewRequest,
        every: Repeat,
        event_id: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let series = Series { every, next: None, stopped: None };
        self.create(new, Vec::new(), Some(series), event_id, now, plan).await
    }

    /// Makes the occurrence of a series that follows request `previous`: `new` (its
    /// text, and its reading for its own date), logged as created, with the effects
    /// `plan` gives. Compare-and-swap: once made, or once the series is stopped, it is
    /// [`TransitionError::NotRepeating`], so an occurrence is never made twice.
    pub async fn next_occurrence(
        &self,
        previous: u64,
        new: NewRequest,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let done = (&self.requests, &self.log, &self.meta, &self.effects)
            .transaction(|(requests, log, meta, effects)| {
                let mut before = get_request(requests, previous)?;
                let goes_on = before.repeats_on();
                let Some(series) = before.repeat.as_mut().filter(|_| goes_on) else {
                    return abort(TransitionError::NotRepeating(previous));
                };
                let every = series.every;
                let number = next_number(meta)?;
                series.next = Some(number);
                put(requests, REQUESTS, &previous.to_be_bytes(), &before)?;
                let request = Request {
                    number,
                    created_at: now,
                    repeat: Some(Series { every, next: None, stopped: None }),
                    ..fresh(&new, State::Open, Vec::new())
                };
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                append_log(log, now, number, &new.requester, Outcome::Created, None)?;
                let queued = journal(effects, plan(&request), &[])?;
                Ok((request, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Stops the series request `number` belongs to (any of its occurrences): no
    /// occurrence is made after the latest, which stays as it is. Returns the latest.
    pub async fn stop_series(
        &self,
        number: u64,
        now: DateTime<Utc>,
    ) -> Result<Request, TransitionError> {
        let latest = self
            .requests
            .transaction(|requests| {
                let mut request = get_request(requests, number)?;
                // Along the series to its latest occurrence; a chain never loops (each
                // occurrence's number is larger), the bound only guards a damaged store.
                for _ in 0..=MAX_SERIES_HOPS {
                    match request.repeat.as_ref().and_then(|series| series.next) {
                        Some(next) if next > request.number => {
                            request = get_request(requests, next)?;
                        }
                        _ => break,
                    }
                }
                let current = request.repeats_on();
                match request.repeat.as_mut() {
                    Some(series) if current => series.stopped = Some(now),
                    _ => return abort(TransitionError::NotRepeating(number)),
                }
                put(requests, REQUESTS, &request.number.to_be_bytes(), &request)?;
                Ok(request)
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(latest)
    }

    /// The latest occurrences of the series that go on (their next one is still to be
    /// made), in number order.
    pub fn repeating(&self) -> Result<Vec<Request>, StoreError> {
        self.requests_where(Request::repeats_on)
    }

    /// The requests that `keep`, in number order.
    fn requests_where(&self, keep: impl Fn(&Request) -> bool) -> Result<Vec<Request>, StoreError> {
        let mut kept = Vec::new();
        for item in self.requests.iter() {
            let (key, bytes) = item?;
            let request: Request = decode(&bytes, REQUESTS, &key)?;
            if keep(&request) {
                kept.push(request);
            }
        }
        Ok(kept)
    }

    /// Records a volunteer's offer (`new.requester` is the volunteer), to be posted in
    /// `rooms`: numbered as requests are (it becomes one when a resident takes it up),
    /// logged as offered, with the event that carried it marked handled and the effects
    /// `plan` gives, all at once.
    pub async fn create_offer(
        &self,
        new: NewRequest,
        rooms: &[String],
        event_id: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let posts = rooms.iter().map(|room| Post { room: room.clone(), event: None }).collect();
        self.create(new, posts, None, event_id, now, plan).await
    }

    /// A new request, or an offer when it has `posts`, the first of a series with
    /// `repeat`.
    async fn create(
        &self,
        new: NewRequest,
        posts: Vec<Post>,
        repeat: Option<Series>,
        event_id: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let (state, outcome) = match posts.is_empty() {
            true => (State::Open, Outcome::Created),
            false => (State::Offered, Outcome::Offered),
        };
        let done = (&self.requests, &self.log, &self.meta, &self.handled, &self.effects)
            .transaction(|(requests, log, meta, handled, effects)| {
                if handled.get(event_id)?.is_some() {
                    return abort(TransitionError::AlreadyHandled);
                }
                let number = next_number(meta)?;
                let request = Request {
                    number,
                    created_at: now,
                    repeat: repeat.clone(),
                    ..fresh(&new, state.clone(), posts.clone())
                };
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                append_log(log, now, number, &new.requester, outcome, None)?;
                handled.insert(event_id, &now.timestamp().to_be_bytes())?;
                let queued = journal(effects, plan(&request), &[])?;
                Ok((request, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Effects owed by no transition (finishing what an older entraide left undone),
    /// journalled like the others.
    pub async fn owe(&self, effects: Vec<Effect>) -> Result<Vec<Queued>, TransitionError> {
        let queued = self
            .effects
            .transaction(|tree| journal(tree, effects.clone(), &[]))
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(queued)
    }

    /// Removes a carried-out effect from the journal. Not flushed: if a crash loses the
    /// removal the effect runs again, and effects are idempotent.
    pub fn finish_effect(&self, id: u64) -> Result<(), StoreError> {
        self.effects.remove(id.to_be_bytes())?;
        Ok(())
    }

    /// Whether effect `id` is still owed (a transition may have dropped it).
    pub fn is_owed(&self, id: u64) -> Result<bool, StoreError> {
        Ok(self.effects.contains_key(id.to_be_bytes())?)
    }

    /// The ids of the effects still owed for request `number` in `lane`.
    pub fn owed_in(&self, number: u64, lane: &str) -> Result<Vec<u64>, StoreError> {
        Ok(self
            .pending_effects()?
            .into_iter()
            .filter(|queued| queued.effect.request == number && queued.effect.lane == lane)
            .map(|queued| queued.id)
            .collect())
    }

    /// The effects not yet carried out, in the order they were recorded.
    pub fn pending_effects(&self) -> Result<Vec<Queued>, StoreError> {
        self.effects
            .iter()
            .map(|item| {
                let (key, bytes) = item?;
                let id = u64_from(&key, EFFECTS, &key)?;
                Ok(Queued { id, effect: decode(&bytes, EFFECTS, &key)? })
            })
            .collect()
    }

    /// Remembers the relay message of a request in the volunteers room, logs it, and
    /// removes the effect `finished` that sent it from the journal.
    pub async fn set_relay(
        &self,
        number: u64,
        relay_event: &str,
        now: DateTime<Utc>,
        finished: u64,
    ) -> Result<Request, TransitionError> {
        let request = (&self.requests, &self.log, &self.relays, &self.effects)
            .transaction(|(requests, log, relays, effects)| {
                effects.remove(&finished.to_be_bytes())?;
                let mut request = get_request(requests, number)?;
                if let Some(old) = &request.relay_event {
                    relays.remove(old.as_str())?;
                }
                request.relay_event = Some(relay_event.to_owned());
                relays.insert(relay_event, &number.to_be_bytes())?;
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                append_log(log, now, number, "bot", Outcome::Relayed, None)?;
                Ok(request)
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(request)
    }

    /// Remembers an offer's post in `room` (also for [`Store::request_by_relay`]), and removes the effect `finished` that sent
    /// it from the journal. Returns the offer as it is now: one taken up or closed
    /// meanwhile no longer wants the post (the caller retires it, nothing records it).
    pub async fn set_offer_post(
        &self,
        number: u64,
        room: &str,
        event: &str,
        finished: u64,
    ) -> Result<Request, TransitionError> {
        let request = (&self.requests, &self.effects, &self.relays)
            .transaction(|(requests, effects, relays)| {
                effects.remove(&finished.to_be_bytes())?;
                let mut request = get_request(requests, number)?;
                // Once taken up or closed, its posts were retired: this one is the
                // caller's to retire, and is not kept.
                if request.state == State::Offered {
                    // A reply or a reaction to the post names the offer.
                    relays.insert(event, &number.to_be_bytes())?;
                    for post in request.posts.iter_mut().filter(|post| post.room == room) {
                        post.event = Some(event.to_owned());
                    }
                    put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                }
                Ok(request)
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(request)
    }

    /// A resident takes up offer `number`: it becomes their request (written in
    /// `origin_room`, of `neighbourhood`, in their language), claimed by the volunteer
    /// who offered it. Compare-and-swap, as [`Store::claim`]: of concurrent takers, one
    /// wins; the others get [`TransitionError::NotOpen`], as do takers of anything that is
    /// no open offer. Logged as the offer taken (by the resident) and claimed (by the
    /// volunteer), with the effects `plan` gives (it is told the volunteer).
    #[allow(clippy::too_many_arguments)]
    pub async fn take_offer(
        &self,
        number: u64,
        resident: &str,
        origin_room: &str,
        neighbourhood: Option<&str>,
        lang: Lang,
        event: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Request, &str) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let trees = (&self.requests, &self.log, &self.effects, &self.handled);
        let done = trees
            .transaction(|(requests, log, effects, handled)| {
                if handled.get(event)?.is_some() {
                    return abort(TransitionError::AlreadyHandled);
                }
                handled.insert(event, &now.timestamp().to_be_bytes())?;
                let mut request = get_request(requests, number)?;
                if request.state != State::Offered {
                    return abort(TransitionError::NotOpen { number, state: request.state });
                }
                let volunteer = std::mem::replace(&mut request.requester, resident.to_owned());
                request.origin_room = origin_room.to_owned();
                request.neighbourhood = neighbourhood.map(str::to_owned);
                request.lang = lang;
                request.state = State::Claimed { volunteer: volunteer.clone(), at: now };
                request.follow_up = FollowUp { since: Some(now), done: Vec::new() };
                append_log(log, now, number, resident, Outcome::OfferTaken, None)?;
                append_log(log, now, number, &volunteer, Outcome::Claimed, None)?;
                let queued = journal(effects, plan(&request, &volunteer), &[])?;
                // The plan retires the posts: nothing later retires them again.
                for post in &mut request.posts {
                    post.event = None;
                }
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                Ok((request, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// The request a relay message, or an offer's post, stands for (an offer taken up
    /// or gone keeps its posts' entries: whoever answers one late is told so).
    pub fn request_by_relay(&self, relay_event: &str) -> Result<Option<u64>, StoreError> {
        match self.relays.get(relay_event)? {
            Some(bytes) => Ok(Some(u64_from(&bytes, RELAYS, relay_event.as_bytes())?)),
            None => Ok(None),
        }
    }

    /// Claims an open request for `volunteer`. Compare-and-swap: of any number of
    /// concurrent claims, exactly one succeeds; the others get [`TransitionError::NotOpen`].
    /// `event`, the message or reaction that claimed, is marked handled with it (a second
    /// time: [`TransitionError::AlreadyHandled`]); so in the other transitions.
    pub async fn claim(
        &self,
        number: u64,
        volunteer: &str,
        event: Option<&str>,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        self.claim_for(number, volunteer, event, now, None, plan).await
    }

    /// A coordinator, `by`, gives open request `number` to `volunteer`: a claim in their
    /// name (logged as theirs, as [`Store::claim`] logs it), with the coordinator's action
    /// in the audit, in the same transaction.
    pub async fn assign(
        &self,
        number: u64,
        volunteer: &str,
        by: &str,
        event: Option<&str>,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let entry = AuditEntry {
            at: now,
            actor: by.to_owned(),
            action: AuditAction::Assign,
            target: Some(volunteer.to_owned()),
            reason: None,
            request: Some(number),
        };
        self.claim_for(number, volunteer, event, now, Some(&entry), plan).await
    }

    async fn claim_for(
        &self,
        number: u64,
        volunteer: &str,
        event: Option<&str>,
        now: DateTime<Utc>,
        audit: Option<&AuditEntry>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let change = |request: &mut Request| {
            if request.state != State::Open {
                return Err(TransitionError::NotOpen { number, state: request.state.clone() });
            }
            request.state = State::Claimed { volunteer: volunteer.to_owned(), at: now };
            request.follow_up = FollowUp { since: Some(now), done: Vec::new() };
            Ok(())
        };
        let step = Change {
            number,
            actor: volunteer,
            outcome: Outcome::Claimed,
            note: None,
            event,
            now,
            audit,
        };
        self.transition(step, &[], change, |request, ()| plan(request))
            .await
            .map(|(request, (), queued)| (request, queued))
    }

    /// Records that `user_id` got the notice on their data at `at_ms`; `true` the first
    /// time only (the notice is given once per person).
    pub async fn first_contact(&self, user_id: &str, at_ms: u64) -> Result<bool, StoreError> {
        let stamp = at_ms.to_be_bytes();
        let first = self
            .informed
            .compare_and_swap(user_id, None as Option<&[u8]>, Some(&stamp[..]))?
            .is_ok();
        if first {
            self.flush().await?;
        }
        Ok(first)
    }

    /// Whether `user_id` got the notice on their data.
    pub fn is_informed(&self, user_id: &str) -> Result<bool, StoreError> {
        Ok(self.informed.contains_key(user_id)?)
    }

    /// Records a spare private room, made at `at`.
    pub async fn add_spare(&self, room_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let spare = Spare { made_at: at, taken_by: None };
        self.spares.insert(room_id, encode(SPARES, &spare)?)?;
        self.flush().await
    }

    /// How many spare rooms no claim has taken.
    pub fn free_spares(&self) -> Result<usize, StoreError> {
        let mut free = 0;
        for item in self.spares.iter() {
            let (key, value) = item?;
            let spare: Spare = decode(&value, SPARES, &key)?;
            free += usize::from(spare.taken_by.is_none());
        }
        Ok(free)
    }

    /// The spare room the effect `effect` took, or else the oldest free one, now taken
    /// by it; `None` when there is none. Recorded before the room is touched, so that a
    /// claim resumed after a stop goes on in the same room.
    pub async fn take_spare(&self, effect: u64) -> Result<Option<String>, StoreError> {
        let mut oldest: Option<(String, Spare)> = None;
        for item in self.spares.iter() {
            let (key, value) = item?;
            let spare: Spare = decode(&value, SPARES, &key)?;
            let room = SPARES.key_text(&key);
            if spare.taken_by == Some(effect) {
                return Ok(Some(room));
            }
            let older = oldest.as_ref().is_none_or(|(_, old)| spare.made_at < old.made_at);
            if spare.taken_by.is_none() && older {
                oldest = Some((room, spare));
            }
        }
        let Some((room, mut spare)) = oldest else {
            return Ok(None);
        };
        let before = encode(SPARES, &spare)?;
        spare.taken_by = Some(effect);
        let after = encode(SPARES, &spare)?;
        // Only the worker's effects take spares, one at a time per claim; a lost race
        // (another effect took it first) just means no spare this time.
        match self.spares.compare_and_swap(room.as_bytes(), Some(before), Some(after))? {
            Ok(()) => {
                self.flush().await?;
                Ok(Some(room))
            }
            Err(_) => Ok(None),
        }
    }

    /// Forgets a spare room that will not serve (its claim ended while it was readied).
    pub fn drop_spare(&self, room_id: &str) -> Result<(), StoreError> {
        self.spares.remove(room_id)?;
        Ok(())
    }

    /// Every spare room, taken or not.
    pub fn spares(&self) -> Result<Vec<(String, Spare)>, StoreError> {
        self.spares
            .iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((SPARES.key_text(&key), decode(&value, SPARES, &key)?))
            })
            .collect()
    }

    /// Remembers the private room of a claimed request, records the room as such (no
    /// longer a spare), logs it and removes the effect `finished` that made it, in one
    /// transaction.
    pub async fn set_private_room(
        &self,
        number: u64,
        room_id: &str,
        now: DateTime<Utc>,
        finished: u64,
    ) -> Result<Request, TransitionError> {
        let kind = RoomKind::Private { request: number };
        let request = (&self.requests, &self.log, &self.rooms, &self.effects, &self.spares)
            .transaction(|(requests, log, rooms, effects, spares)| {
                effects.remove(&finished.to_be_bytes())?;
                spares.remove(room_id.as_bytes())?;
                let mut request = get_request(requests, number)?;
                if !matches!(request.state, State::Claimed { .. }) {
                    // Given back or closed while the room was being made.
                    return abort(TransitionError::NotClaimed { number, state: request.state });
                }
                request.private_room = Some(room_id.to_owned());
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                put(rooms, ROOMS, room_id.as_bytes(), &kind)?;
                append_log(log, now, number, "bot", Outcome::PrivateRoomCreated, None)?;
                Ok(request)
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(request)
    }

    /// Gives a claimed request back: it becomes open again. `volunteer` must hold it,
    /// unless `forced` (a coordinator banned the holder, or its private room could not
    /// be made). `plan` gets the request and the private room of the claim that ended.
    /// The pending effects listed in `dropped` are removed (what the ended claim still
    /// owed and no longer does).
    #[allow(clippy::too_many_arguments)]
    pub async fn release(
        &self,
        number: u64,
        volunteer: &str,
        actor: &str,
        forced: bool,
        event: Option<&str>,
        now: DateTime<Utc>,
        dropped: &[u64],
        plan: impl Fn(&Request, Option<&str>) -> Vec<Effect>,
    ) -> Result<(Request, Option<String>, Vec<Queued>), TransitionError> {
        let change = |request: &mut Request| {
            check_holder(request, volunteer, forced)?;
            request.state = State::Open;
            request.follow_up = FollowUp { since: Some(now), done: Vec::new() };
            Ok(request.private_room.take())
        };
        let step = Change {
            number,
            actor,
            outcome: Outcome::Released,
            note: None,
            event,
            now,
            audit: None,
        };
        self.transition(step, dropped, change, |request, room| plan(request, room.as_deref())).await
    }

    /// Closes a claimed request as done, with the volunteer's note.
    pub async fn done(
        &self,
        number: u64,
        volunteer: &str,
        note: Option<&str>,
        event: Option<&str>,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let change = |request: &mut Request| {
            check_holder(request, volunteer, false)?;
            request.state = State::Done { volunteer: volunteer.to_owned(), at: now };
            Ok(())
        };
        let step = Change {
            number,
            actor: volunteer,
            outcome: Outcome::Done,
            note,
            event,
            now,
            audit: None,
        };
        self.transition(step, &[], change, |request, ()| plan(request))
            .await
            .map(|(request, (), queued)| (request, queued))
    }

    /// Records how it went, as the person who asked a request that is done says it (a
    /// reaction, a word): in the outcome log, with the request. Said again, the later
    /// answer is logged too.
    pub async fn feedback(
        &self,
        number: u64,
        requester: &str,
        note: &str,
        event: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Request, TransitionError> {
        let change = |request: &mut Request| {
            if request.requester != requester {
                return Err(TransitionError::NotRequester(number));
            }
            match &request.state {
                State::Done { .. } => Ok(()),
                state => Err(TransitionError::NotClaimed { number, state: state.clone() }),
            }
        };
        let step = Change {
            number,
            actor: requester,
            outcome: Outcome::Feedback,
            note: Some(note),
            event,
            now,
            audit: None,
        };
        let no_effects = |_: &Request, _: &()| Vec::new();
        self.transition(step, &[], change, no_effects).await.map(|(request, (), _)| request)
    }

    /// Closes an open or claimed request as cancelled. Only the person who asked, or a
    /// coordinator, may.
    pub async fn cancel(
        &self,
        number: u64,
        actor: &str,
        coordinator: bool,
        event: Option<&str>,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let change = |request: &mut Request| {
            if !request.state.is_active() {
                return Err(TransitionError::NotOpen { number, state: request.state.clone() });
            }
            if request.requester != actor && !coordinator {
                return Err(TransitionError::NotRequester(number));
            }
            request.state = State::Cancelled { by: actor.to_owned(), at: now };
            Ok(())
        };
        let step = Change {
            number,
            actor,
            outcome: Outcome::Cancelled,
            note: None,
            event,
            now,
            audit: None,
        };
        self.transition(step, &[], change, |request, ()| plan(request))
            .await
            .map(|(request, (), queued)| (request, queued))
    }

    /// Takes a follow-up `step` for a request that waits, once per phase: records it
    /// (an expiry also closes the request) with its log entry and its effects. A step
    /// already taken, or one that does not fit the request's state, changes nothing and
    /// is [`TransitionError::StepNotDue`].
    pub async fn follow_up(
        &self,
        number: u64,
        step: Step,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let (outcome, open) = match step {
            Step::Remind => (Outcome::Reminded, true),
            Step::Escalate => (Outcome::Escalated, true),
            Step::Expire => (Outcome::Expired, true),
            Step::Nudge => (Outcome::Nudged, false),
            Step::EscalateClaim => (Outcome::EscalatedClaim, false),
        };
        let change = |request: &mut Request| {
            let fits = match request.state {
                State::Open => open,
                // An offer only expires.
                State::Offered => step == Step::Expire,
                State::Claimed { .. } => !open,
                _ => false,
            };
            if !fits || request.follow_up.done.contains(&step) {
                return Err(TransitionError::StepNotDue { number, step });
            }
            request.follow_up.done.push(step);
            if step == Step::Expire {
                request.state = State::Expired;
            }
            Ok(())
        };
        let change_of =
            Change { number, actor: "bot", outcome, note: None, event: None, now, audit: None };
        self.transition(change_of, &[], change, |request, ()| plan(request))
            .await
            .map(|(request, (), queued)| (request, queued))
    }

    /// One step of a request's life, atomically: reads the request, lets `change` check
    /// and modify it (an error changes nothing), writes it with its log entry, removes
    /// the `dropped` effects and records those `plan` gives, flushes.
    async fn transition<T>(
        &self,
        step: Change<'_>,
        dropped: &[u64],
        change: impl Fn(&mut Request) -> Result<T, TransitionError>,
        plan: impl Fn(&Request, &T) -> Vec<Effect>,
    ) -> Result<(Request, T, Vec<Queued>), TransitionError> {
        let Change { number, actor, outcome, note, event, now, audit: entry } = step;
        let trees = (&self.requests, &self.log, &self.effects, &self.handled, &self.audit);
        let changed = trees
            .transaction(|(requests, log, effects, handled, audit)| {
                if let Some(event) = event {
                    if handled.get(event)?.is_some() {
                        return abort(TransitionError::AlreadyHandled);
                    }
                    handled.insert(event, &now.timestamp().to_be_bytes())?;
                }
                let mut request = get_request(requests, number)?;
                let value = change(&mut request).map_err(ConflictableTransactionError::Abort)?;
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                append_log(log, now, number, actor, outcome, note)?;
                if let Some(entry) = entry {
                    append_audit(audit, entry)?;
                }
                let queued = journal(effects, plan(&request, &value), dropped)?;
                Ok((request, value, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(changed)
    }

    /// One request.
    pub fn request(&self, number: u64) -> Result<Option<Request>, StoreError> {
        let key = number.to_be_bytes();
        match self.requests.get(key)? {
            Some(bytes) => Ok(Some(decode(&bytes, REQUESTS, &key)?)),
            None => Ok(None),
        }
    }

    /// The latest `limit` requests that `keep` keeps, newest first, and how many it keeps
    /// in all.
    pub fn latest_requests(
        &self,
        limit: usize,
        keep: impl Fn(&Request) -> bool,
    ) -> Result<(Vec<Request>, usize), StoreError> {
        let mut latest = Vec::new();
        let mut count = 0;
        for item in self.requests.iter().rev() {
            let (key, bytes) = item?;
            let request: Request = decode(&bytes, REQUESTS, &key)?;
            if keep(&request) {
                count += 1;
                if latest.len() < limit {
                    latest.push(request);
                }
            }
        }
        Ok((latest, count))
    }

    /// Open and claimed requests, oldest first.
    pub fn active_requests(&self) -> Result<Vec<Request>, StoreError> {
        self.requests_where(|request| request.state.is_active())
    }

    /// The outcome log, oldest first.
    pub fn log(&self) -> Result<Vec<LogEntry>, StoreError> {
        self.log
            .iter()
            .map(|item| {
                let (key, bytes) = item?;
                decode(&bytes, LOG, &key)
            })
            .collect()
    }

    /// The outcome log of one request, oldest first.
    pub fn log_of(&self, number: u64) -> Result<Vec<LogEntry>, StoreError> {
        Ok(self.log()?.into_iter().filter(|e| e.number == number).collect())
    }

    /// What the bot knows of a person (a default, unvetted record if nothing).
    pub fn person(&self, user_id: &str) -> Result<Person, StoreError> {
        match self.people.get(user_id)? {
            Some(bytes) => decode(&bytes, PEOPLE, user_id.as_bytes()),
            None => Ok(Person::default()),
        }
    }

    /// Sets a person's volunteer status; returns the status they had before.
    pub async fn set_volunteer_status(
        &self,
        user_id: &str,
        status: VolunteerStatus,
        by: &str,
        reason: Option<&str>,
        without_charter: bool,
        now: DateTime<Utc>,
    ) -> Result<VolunteerStatus, StoreError> {
        let result = (&self.people, &self.audit).transaction(|(people, audit)| {
            let before = get_person(people, user_id)?;
            let old = before.status;
            // A block on their requests is not their volunteer status, nor are their
            // charter, pause and areas: they stay.
            let person = Person {
                status,
                changed_by: Some(by.to_owned()),
                changed_at: Some(now),
                reason: reason.map(str::to_owned),
                ..before
            };
            put(people, PEOPLE, user_id.as_bytes(), &person)?;
            let action = match (old, status) {
                (old, new) if old == new => None,
                (_, VolunteerStatus::Vetted) => Some(AuditAction::Vet),
                (_, VolunteerStatus::Banned) => Some(AuditAction::Ban),
                (VolunteerStatus::Banned, VolunteerStatus::Unvetted) => Some(AuditAction::Unban),
                (_, VolunteerStatus::Unvetted) => Some(AuditAction::Unvet),
            };
            let overrode = (without_charter && action == Some(AuditAction::Vet))
                .then_some(AuditAction::Override);
            for action in action.into_iter().chain(overrode) {
                let entry = AuditEntry {
                    at: now,
                    actor: by.to_owned(),
                    action,
                    target: Some(user_id.to_owned()),
                    reason: reason.map(str::to_owned),
                    request: None,
                };
                append_audit(audit, &entry)?;
            }
            Ok(old)
        });
        let old = result.map_err(|error| match transition_error(error) {
            TransitionError::Store(error) => error,
            other => StoreError::Sled(sled::Error::ReportableBug(other.to_string())),
        })?;
        self.flush().await?;
        Ok(old)
    }

    /// Changes what `user_id` says of themselves (charter, pause, areas) with `change`,
    /// which returns what the caller wants to know of the person before; nothing about
    /// it goes in the audit.
    pub async fn update_person<T>(
        &self,
        user_id: &str,
        change: impl Fn(&mut Person) -> T,
    ) -> Result<T, StoreError> {
        let result = self.people.transaction(|people| {
            let mut person = get_person(people, user_id)?;
            let out = change(&mut person);
            put(people, PEOPLE, user_id.as_bytes(), &person)?;
            Ok(out)
        });
        let out = result.map_err(|error| match transition_error(error) {
            TransitionError::Store(error) => error,
            other => StoreError::Sled(sled::Error::ReportableBug(other.to_string())),
        })?;
        self.flush().await?;
        Ok(out)
    }

    /// Everyone the store knows with `pred` true, by user id.
    pub fn people_where(
        &self,
        pred: impl Fn(&Person) -> bool,
    ) -> Result<Vec<(String, Person)>, StoreError> {
        let mut found = Vec::new();
        for item in self.people.iter() {
            let (key, bytes) = item?;
            let person: Person = decode(&bytes, PEOPLE, &key)?;
            if pred(&person) {
                found.push((PEOPLE.key_text(&key), person));
            }
        }
        Ok(found)
    }

    /// Blocks `user_id`'s requests (`block`), or lets them through again (`None`), as
    /// the coordinator `by` asked, with the action in the audit, in one transaction.
    /// Returns `false`, changing nothing, when they already were (or were not) blocked.
    pub async fn set_blocked(
        &self,
        user_id: &str,
        block: Option<Block>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = (&self.people, &self.audit).transaction(|(people, audit)| {
            let mut person = get_person(people, user_id)?;
            if person.blocked.is_some() == block.is_some() {
                return Ok(false);
            }
            let entry = AuditEntry {
                at: now,
                actor: by.to_owned(),
                action: if block.is_some() { AuditAction::Block } else { AuditAction::Unblock },
                target: Some(user_id.to_owned()),
                reason: block.as_ref().and_then(|block| block.reason.clone()),
                request: None,
            };
            person.blocked = block.clone();
            put(people, PEOPLE, user_id.as_bytes(), &person)?;
            append_audit(audit, &entry)?;
            Ok(true)
        });
        let changed = result.map_err(|error| match transition_error(error) {
            TransitionError::Store(error) => error,
            other => StoreError::Sled(sled::Error::ReportableBug(other.to_string())),
        })?;
        self.flush().await?;
        Ok(changed)
    }

    /// The audit of the coordinators' actions, oldest first.
    pub fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut entries = Vec::new();
        for item in self.audit.iter() {
            let (key, bytes) = item?;
            entries.push(decode(&bytes, AUDIT, &key)?);
        }
        Ok(entries)
    }

    /// The requests `requester` made, oldest first.
    pub fn requests_of(&self, requester: &str) -> Result<Vec<Request>, StoreError> {
        self.requests_where(|request| request.requester == requester)
    }

    /// Everyone the store has a volunteer record for, by id, with how many requests each
    /// closed as done and when they last took or closed one.
    pub fn volunteers(&self) -> Result<Vec<VolunteerSummary>, StoreError> {
        let mut seen: std::collections::HashMap<String, (usize, Option<DateTime<Utc>>)> =
            std::collections::HashMap::new();
        for item in self.requests.iter() {
            let (key, bytes) = item?;
            let (volunteer, at, done) = match decode::<Request>(&bytes, REQUESTS, &key)?.state {
                State::Done { volunteer, at } => (volunteer, at, 1),
                State::Claimed { volunteer, at } => (volunteer, at, 0),
                _ => continue,
            };
            let entry = seen.entry(volunteer).or_default();
            entry.0 += done;
            entry.1 = entry.1.max(Some(at));
        }
        let mut people = Vec::new();
        for item in self.people.iter() {
            let (key, bytes) = item?;
            let user = key_string(PEOPLE, &key)?;
            let person: Person = decode(&bytes, PEOPLE, &key)?;
            let (helped, last_active) = seen.get(&user).copied().unwrap_or_default();
            people.push(VolunteerSummary { user, person, helped, last_active });
        }
        Ok(people)
    }

    /// Everyone vetted, for inviting them again to a room the bot created.
    pub fn vetted(&self) -> Result<Vec<String>, StoreError> {
        let mut vetted = Vec::new();
        for item in self.people.iter() {
            let (key, bytes) = item?;
            let user = key_string(PEOPLE, &key)?;
            let person: Person = decode(&bytes, PEOPLE, &key)?;
            if person.status == VolunteerStatus::Vetted {
                vetted.push(user);
            }
        }
        Ok(vetted)
    }

    /// What kind of room this is for the bot.
    pub fn room_kind(&self, room_id: &str) -> Result<Option<RoomKind>, StoreError> {
        match self.rooms.get(room_id)? {
            Some(bytes) => Ok(Some(decode(&bytes, ROOMS, room_id.as_bytes())?)),
            None => Ok(None),
        }
    }

    /// Records what kind of room this is.
    pub async fn set_room_kind(&self, room_id: &str, kind: &RoomKind) -> Result<(), StoreError> {
        self.rooms.insert(room_id, encode(ROOMS, kind)?)?;
        self.flush().await
    }

    /// Every room of the given kind (by discriminant: any name, any request).
    pub fn rooms_where(&self, pred: impl Fn(&RoomKind) -> bool) -> Result<Vec<String>, StoreError> {
        let mut found = Vec::new();
        for item in self.rooms.iter() {
            let (key, bytes) = item?;
            let room = key_string(ROOMS, &key)?;
            let kind: RoomKind = decode(&bytes, ROOMS, &key)?;
            if pred(&kind) {
                found.push(room);
            }
        }
        Ok(found)
    }
}

/// What a transition writes in the outcome log, and the event that asked for it (marked
/// handled in the same transaction, so that a crash neither loses nor repeats it).
struct Change<'a> {
    number: u64,
    actor: &'a str,
    outcome: Outcome,
    note: Option<&'a str>,
    event: Option<&'a str>,
    now: DateTime<Utc>,
    /// A coordinator's action recorded with the step, in the audit.
    audit: Option<&'a AuditEntry>,
}

/// Removes the `dropped` effects and records `effects` in the journal.
fn journal(
    tree: &TransactionalTree,
    effects: Vec<Effect>,
    dropped: &[u64],
) -> TxResult<Vec<Queued>> {
    for id in dropped {
        tree.remove(&id.to_be_bytes())?;
    }
    let mut queued = Vec::with_capacity(effects.len());
    for effect in effects {
        // Monotonic across restarts: key order is the order effects were owed in.
        let id = tree.generate_id()?;
        put(tree, EFFECTS, &id.to_be_bytes(), &effect)?;
        queued.push(Queued { id, effect });
    }
    Ok(queued)
}

fn abort<T>(error: TransitionError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(error))
}

fn abort_store(error: StoreError) -> ConflictableTransactionError<TransitionError> {
    ConflictableTransactionError::Abort(TransitionError::Store(error))
}

fn transition_error(error: TransactionError<TransitionError>) -> TransitionError {
    match error {
        TransactionError::Abort(error) => error,
        TransactionError::Storage(error) => TransitionError::Store(StoreError::Sled(error)),
    }
}

fn check_holder(request: &Request, volunteer: &str, forced: bool) -> Result<(), TransitionError> {
    match &request.state {
        State::Claimed { volunteer: holder, .. } if holder == volunteer || forced => Ok(()),
        State::Claimed { .. } => Err(TransitionError::NotHolder(request.number)),
        state => Err(TransitionError::NotClaimed { number: request.number, state: state.clone() }),
    }
}

/// A person's record, or the record of someone the bot knows nothing about.
fn get_person(people: &TransactionalTree, user_id: &str) -> TxResult<Person> {
    match people.get(user_id.as_bytes())? {
        Some(bytes) => decode(&bytes, PEOPLE, user_id.as_bytes()).map_err(abort_store),
        None => Ok(Person::default()),
    }
}

/// Takes the next request number from the counter.
fn next_number(meta: &TransactionalTree) -> TxResult<u64> {
    let number = match meta.get(META_NEXT_NUMBER)? {
        Some(bytes) => u64_from(&bytes, META, META_NEXT_NUMBER).map_err(abort_store)?,
        None => 1,
    };
    meta.insert(META_NEXT_NUMBER, &(number + 1).to_be_bytes())?;
    Ok(number)
}

/// A request made of `new`, in `state`, numbered 0 and dated at the epoch until the
/// caller sets both.
fn fresh(new: &NewRequest, state: State, posts: Vec<Post>) -> Request {
    Request {
        number: 0,
        requester: new.requester.clone(),
        origin_room: new.origin_room.clone(),
        neighbourhood: new.neighbourhood.clone(),
        text: new.text.clone(),
        reading: new.reading,
        lang: new.lang,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        state,
        relay_event: None,
        private_room: None,
        follow_up: FollowUp::default(),
        posts,
        repeat: None,
    }
}

fn get_request(requests: &TransactionalTree, number: u64) -> TxResult<Request> {
    let key = number.to_be_bytes();
    match requests.get(key)? {
        Some(bytes) => decode(&bytes, REQUESTS, &key).map_err(abort_store),
        None => abort(TransitionError::NoSuchRequest(number)),
    }
}

fn put<T: Serialize>(
    tree: &TransactionalTree,
    spec: TreeSpec,
    key: &[u8],
    value: &T,
) -> TxResult<()> {
    tree.insert(key, encode(spec, value).map_err(abort_store)?)?;
    Ok(())
}

fn append_log(
    log: &TransactionalTree,
    at: DateTime<Utc>,
    number: u64,
    actor: &str,
    outcome: Outcome,
    note: Option<&str>,
) -> TxResult<()> {
    let entry =
        LogEntry { at, number, actor: actor.to_owned(), outcome, note: note.map(str::to_owned) };
    // generate_id is monotonic across restarts, so key order is the order of events.
    let id = log.generate_id()?;
    put(log, LOG, &id.to_be_bytes(), &entry)
}

fn append_audit(audit: &TransactionalTree, entry: &AuditEntry) -> TxResult<()> {
    // generate_id is monotonic across restarts, so key order is the order of actions.
    let id = audit.generate_id()?;
    put(audit, AUDIT, &id.to_be_bytes(), entry)
}

fn encode<T: Serialize>(tree: TreeSpec, value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|source| StoreError::Encode { tree: tree.name, source })
}

/// Decodes the JSON value stored under `key` in `tree`; an error names both.
fn decode<T: DeserializeOwned>(bytes: &[u8], tree: TreeSpec, key: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| decode_error(tree, key, source))
}

/// Reads a raw big-endian `u64` stored under `key` in `tree`.
fn u64_from(bytes: &[u8], tree: TreeSpec, key: &[u8]) -> Result<u64, StoreError> {
    let array: [u8; 8] = bytes.try_into().map_err(|_| {
        let why = format!("expected 8 bytes, found {}", bytes.len());
        decode_error(tree, key, serde::de::Error::custom(why))
    })?;
    Ok(u64::from_be_bytes(array))
}

/// A key of a text-keyed tree as a string; a key that is not UTF-8 is a decode error.
fn key_string(tree: TreeSpec, key: &[u8]) -> Result<String, StoreError> {
    match std::str::from_utf8(key) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => Err(decode_error(tree, key, serde::de::Error::custom(error))),
    }
}

/// A decode error naming the tree and the key, printed as the tree writes its keys.
fn decode_error(tree: TreeSpec, key: &[u8], source: serde_json::Error) -> StoreError {
    StoreError::Decode { tree: tree.name, key: tree.key_text(key), source }
}
