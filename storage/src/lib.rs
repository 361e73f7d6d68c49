//! entraide's embedded store, on sled.
//!
//! # Layout
//!
//! One [`Store`], one sled database: a transition is one sled transaction over every tree
//! it touches (the request, the outcome log, the handled events, …), then a flush, so that
//! the bot acknowledges nothing that is not on disk. Its methods live in one file per
//! domain, each an `impl Store` block:
//!
//! - this file: [`Store`], [`Store::open`] (the schema-version check and the
//!   migrations), [`Store::flush`], [`open_sled`], and the re-exports.
//! - [`model`]: everything that is stored, and every tree with its keys and values
//!   ([`Request`], [`State`], [`LogEntry`], [`Person`], [`Effect`], …). A change there is
//!   a change of the on-disk format, hence of [`SCHEMA_VERSION`].
//! - `error`: [`StoreError`] / [`TransitionError`], what can go wrong, naming tree and key.
//! - `codec`: how values are encoded in and decoded from the trees.
//! - `transition`: what every transition shares: one step of a request's life, the
//!   journal of effects, the log and audit appends, the request numbers.
//! - `index`: the `by_requester` index of each person's requests, built at opening by
//!   the migration to version 4 and kept by every transaction that writes a requester.
//! - `requests`: creating requests, the steps of their life, reading them and the log.
//! - `series`: requests that repeat ([`Store::create_series`], [`Store::next_occurrence`]).
//! - `offers`: volunteers' offers, and a resident taking one up ([`Store::take_offer`]).
//! - `journal`: the effects outbox ([`Queued`], [`Store::pending_effects`]).
//! - `spares`: private rooms made ahead of claims ([`Spare`]).
//! - `people`: volunteer records, blocks, the notice on data, the audit
//!   ([`VolunteerSummary`], [`AuditEntry`]).
//! - `volunteers`: a coordinator's decision about a volunteer as one transition: status,
//!   audit, the requests they held given back, the effects owed
//!   ([`Store::change_volunteer`]).
//! - `rooms`: what each room is ([`RoomKind`]), since when the bot serves it.
//! - `meta`: the last sync, the charter's version, the handled events.
//! - `privacy`: the rights of the people the store knows (GDPR Art. 15 and 17):
//!   [`Store::person_data`] ([`PersonData`]), [`Store::forget`] ([`Forgotten`]),
//!   [`Store::compact_into`].
//! - `retention`: what the store forgets as time passes (GDPR Art. 5(1)(e)):
//!   [`Store::purge`] with a [`Retention`], and [`Store::trees_holding`], the scan of
//!   every tree that checks it.
//! - `stats`: the figures for the commune ([`Store::figures`]), counts only.
//! - `profiles`: the optional profiles people declare for the figures.
//! - `callers`: the register's callers, named and sworn ([`Store::name_caller`],
//!   [`Store::accept_caller_clause`]).
//! - `campaigns`: check-in campaigns over the register ([`Campaign`], [`CheckIn`],
//!   [`Store::start_campaign`], [`Store::record_call`], [`Store::next_round`]).
//! - `register`: the commune's alert register, apart from requests ([`Registration`],
//!   [`Store::enrol`], [`Store::change_entry`], [`Store::unenrol`], [`Store::import`]).
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
//!   carry the data ([`Forgotten::redact`]), leaving direct chats, carrying out what a
//!   cancellation or a release owes. `forget` journals what its plan says that owes,
//!   with the record of the erasure, in the transaction that completes it; `purge`
//!   journals the redactions and the direct chats left with each person it forgets
//!   ([`Purged::owed`]). The store does not know the ids
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

mod callers;
mod campaigns;
mod codec;
mod error;
mod index;
mod journal;
mod meta;
pub mod model;
mod offers;
mod people;
mod privacy;
mod profiles;
mod register;
mod requests;
mod retention;
mod rooms;
mod series;
mod spares;
mod stats;
mod transition;
mod volunteers;

use std::path::Path;

use sled::Tree;

pub use crate::{
    campaigns::{Assigned, CallRule},
    error::{StoreError, TransitionError},
    journal::Queued,
    model::{
        ACKNOWLEDGE_WITHIN, Action, AskedBy, Asker, Attempt, AuditAction, AuditEntry, Block, Born,
        CallOutcome, Caller, Campaign, CampaignKind, CheckIn, CheckStatus, Contact, Effect,
        Enrolment, FollowUp, Lane, LogEntry, Membership, NewEntry, NewRequest, Outcome,
        Particulars, Pause, Person, Post, ProfileRecord, Quote, REVIEW_EVERY, Registration, Repeat,
        Request, RoomKind, Root, Series, Shape, Signature, Spare, State, Step, Target, ThirdParty,
        Way,
    },
    people::{StatusChange, VolunteerSummary},
    privacy::{
        ErasedBy, FORGET_PASSES, Forgotten, HelpedRequest, PERSON_DATA_VERSION, PSEUDONYM_PREFIX,
        PersonData,
    },
    retention::{PSEUDONYM, Purged, Retention},
    stats::{ByState, Commune, Declared, FigureQuery, Figures, Load, SMALL, Volunteers},
};
use crate::{
    codec::u64_from,
    meta::META_SCHEMA,
    model::{
        AUDIT, BY_REQUESTER, CAMPAIGNS, CHECKINS, EFFECTS, HANDLED, INFORMED, JOINED, LOG, META,
        PEOPLE, PROFILES, REGISTER, RELAYS, REQUESTS, ROOMS, SPARES,
    },
};

/// The schema this code reads and writes. Version 2 added the `effects` tree, the
/// requests' `follow_up` and the follow-up outcomes; version 3 the `erased` outcome and
/// the effects of an erasure (`redact`, `scrub`, `leave`, `send_data`) and the `audit`
/// tree; version 4 the `by_requester` index, which opening an older store builds;
/// version 5 the alert register and its campaigns (the `register`, `campaigns` and
/// `checkins` trees, their audit actions and the audit's `entry`, callers in `people`,
/// the `confidential` target and the `send_register` effect), which read as empty in an
/// older store. An older store reads as it is.
pub const SCHEMA_VERSION: u64 = 5;

/// The first schema version with the `by_requester` index.
const REQUESTER_INDEX_SINCE: u64 = 4;

/// The store: one sled database with typed trees.
#[derive(Debug, Clone)]
pub struct Store {
    db: sled::Db,
    requests: Tree,
    by_requester: Tree,
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
    register: Tree,
    campaigns: Tree,
    checkins: Tree,
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
    open_sled_with(&sled::Config::new().path(path))
}

/// [`open_sled`] with sled's `config` (a path and settings).
pub(crate) fn open_sled_with(config: &sled::Config) -> Result<sled::Db, sled::Error> {
    let started = std::time::Instant::now();
    loop {
        match config.open() {
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

impl Store {
    /// Opens (or creates) the store in `path`, checking and recording the schema version.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = open_sled(path)?;
        let store = Store {
            requests: db.open_tree(REQUESTS.name)?,
            by_requester: db.open_tree(BY_REQUESTER.name)?,
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
            register: db.open_tree(REGISTER.name)?,
            campaigns: db.open_tree(CAMPAIGNS.name)?,
            checkins: db.open_tree(CHECKINS.name)?,
            meta: db.open_tree(META.name)?,
            db,
        };
        // `None`: a new database.
        let found = match store.meta.get(META_SCHEMA)? {
            Some(bytes) => Some(u64_from(&bytes, META, META_SCHEMA)?),
            None => None,
        };
        if let Some(found) = found
            && found > SCHEMA_VERSION
        {
            return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
        }
        if found != Some(SCHEMA_VERSION) {
            // Migrations, from `found` up (a new database has nothing to migrate). 1 → 2 → 3
            // only added what reads as empty or default: nothing to rewrite. 3 → 4 builds
            // the requester index; 4 → 5 only adds the register, empty. The version is
            // written last: a migration cut short runs
            // again at the next opening.
            if found.is_some_and(|found| found < REQUESTER_INDEX_SINCE) {
                store.build_requester_index()?;
            }
            store.meta.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())?;
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
}
