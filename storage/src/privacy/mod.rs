//! The rights of the people whose data the store holds (GDPR Art. 15 and 17): what the
//! store knows of a person ([`Store::person_data`]), forgetting them ([`Store::forget`]),
//! and a copy of the store into fresh files ([`Store::compact_into`]).
//!
//! - `access`: what the store knows of a person ([`Store::person_data`], [`PersonData`]).
//! - `forget`: forgetting them ([`Store::forget`], [`Forgotten`]).
//! - here: what both share, the record of an erasure, and the copy into fresh files.

mod access;
mod find;
mod forget;

use std::{
    hash::{BuildHasher, RandomState},
    path::Path,
    sync::atomic::{AtomicU64, Ordering},
};

use chrono::{DateTime, Utc};
use sled::{Transactional, transaction::TransactionalTree};

pub(crate) use self::forget::Erasure;
pub use self::{
    access::{HelpedRequest, PERSON_DATA_VERSION, PersonData},
    forget::{ErasedBy, FORGET_PASSES, Forgotten},
};
use crate::{
    Store, StoreError,
    error::{TxResult, store_error},
    journal::{Queued, journal},
    model::{AuditAction, AuditEntry, Effect, Outcome, RoomKind, State},
    transition::{append_audit, append_log},
};

/// Every pseudonym [`Store::forget`] gives starts with this, followed by a dash and 16
/// random hexadecimal digits. Like [`PSEUDONYM`](crate::PSEUDONYM), it cannot be a Matrix
/// user id (those start with `@`).
pub const PSEUDONYM_PREFIX: &str = "anonyme";

impl Store {
    /// Records in the outcome log that `actor` (a coordinator) had someone's data erased
    /// at `now` although the store knew nothing of them (an erasure of someone it knows
    /// is recorded by [`Store::forget`]): an entry about no request (number 0), which
    /// does not say whose, and its audit entry; journals `owed` (the answer) with it.
    pub async fn record_erasure(
        &self,
        actor: &str,
        now: DateTime<Utc>,
        owed: Vec<Effect>,
    ) -> Result<Vec<Queued>, StoreError> {
        let result =
            (&self.log, &self.audit, &self.effects).transaction(|(log, audit, effects)| {
                append_erasure(log, audit, actor, now)?;
                journal(effects, owed.clone(), &[])
            });
        let queued = result.map_err(store_error)?;
        self.flush().await?;
        Ok(queued)
    }

    /// Copies every tree of the store, whatever its name, into a new sled database at
    /// `path` and flushes it.
    ///
    /// sled is log-structured: a value rewritten or removed (by [`Store::forget`] or
    /// [`Store::purge`]) is gone from what the store reads at once, but its old bytes
    /// stay in the database's files until sled rewrites the segment that holds them,
    /// which it does when it needs the space, not on demand (sled 0.34 offers no
    /// compaction call; its `export`/`import` panic on I/O errors). The copy holds only
    /// what the store reads now. To leave no trace on disk: stop the bot, copy, replace
    /// the data directory's store by the copy, and erase the old one (with its backups).
    ///
    /// Refuses a `path` that already holds a database with data
    /// ([`StoreError::NotEmpty`]). Must not run while the store is written to: the copy
    /// would not be one moment's state (a backup of a running bot holds its worker and
    /// its effects meanwhile).
    ///
    /// The journal of effects, the outcome log and the audit are keyed by sled's id
    /// counter, and an effect's number also names its messages (their transaction ids)
    /// and its private room: the copy keeps every key, and its own counter, which a new
    /// database starts at zero, is raised past the store's, so that what the copy adds
    /// comes after what it holds and never takes a number already given.
    pub fn compact_into(&self, path: &Path) -> Result<(), StoreError> {
        // The copy is written once and read by no one here: a small cache keeps the copy
        // from growing the bot's memory by the store's size (sled's default is 1 GiB).
        let target =
            crate::open_sled_with(&sled::Config::new().path(path).cache_capacity(COPY_CACHE))?;
        for name in target.tree_names() {
            if !target.open_tree(&name)?.is_empty() {
                return Err(StoreError::NotEmpty(path.display().to_string()));
            }
        }
        for name in self.db.tree_names() {
            let from = self.db.open_tree(&name)?;
            let into = target.open_tree(&name)?;
            for item in from.iter() {
                let (key, value) = item?;
                into.insert(key, value)?;
            }
        }
        target.flush()?;
        drop(target);
        raise_counter(path, self.db.generate_id()?)
    }
}

/// The page cache of a store's copy, in bytes.
const COPY_CACHE: u64 = 8 << 20;

/// sled's interval between two persisted values of its id counter (its default).
const PERSIST_INTERVAL: u64 = 1_000_000;

/// Makes the id counter of the (closed) database at `path` give out nothing below
/// `floor` from now on. sled has no call for it, but reopened it resumes its counter at
/// the last one it persisted plus twice its persist interval, and persists the next one
/// it gives: opened once with an interval of at least half the floor, it gives out the
/// floor or more and persists it, which every later opening starts above. The value
/// persisted must be a multiple of the usual interval, which later openings round to.
fn raise_counter(path: &Path, floor: u64) -> Result<(), StoreError> {
    let interval = floor.div_ceil(2 * PERSIST_INTERVAL).max(1) * PERSIST_INTERVAL;
    let config = sled::Config::new().path(path).idgen_persist_interval(interval);
    let db = crate::open_sled_with(&config)?;
    let given = db.generate_id()?;
    db.flush()?;
    if given < floor {
        return Err(StoreError::Counter { given, floor });
    }
    Ok(())
}

/// A Matrix user id (as opposed to `bot` or a pseudonym).
pub(crate) fn is_person(id: &str) -> bool {
    id.starts_with('@')
}

/// Appends the record of an erasure by `actor` at `now`: an outcome about no request
/// (number 0) and an audit entry, neither saying whose.
pub(crate) fn append_erasure(
    log: &TransactionalTree,
    audit: &TransactionalTree,
    actor: &str,
    now: DateTime<Utc>,
) -> TxResult<()> {
    let entry = AuditEntry {
        at: now,
        actor: actor.to_owned(),
        action: AuditAction::Erase,
        target: None,
        reason: None,
        request: None,
        entry: None,
    };
    append_log(log, now, 0, actor, Outcome::Erased, None)?;
    append_audit(audit, &entry)
}

fn is_direct_of(kind: &RoomKind, user_id: &str) -> bool {
    matches!(kind, RoomKind::Direct { user } if user == user_id)
}

impl State {
    /// Whether `user_id` is named in it (as the volunteer, or who cancelled).
    fn names(&self, user_id: &str) -> bool {
        match self {
            State::Claimed { volunteer, .. } | State::Done { volunteer, .. } => {
                volunteer == user_id
            }
            State::Cancelled { by, .. } => by == user_id,
            State::Open | State::Offered | State::Expired => false,
        }
    }
}

/// A pseudonym nobody can link back to a user id: [`PSEUDONYM_PREFIX`], a dash and 64
/// random bits. No random-number crate is in the workspace: the bits come from
/// [`RandomState`], whose keys the standard library draws from the operating system's
/// randomness, hashing a counter and the time (neither of which is secret; the keys are).
pub(crate) fn new_pseudonym(now: DateTime<Utc>) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let bits = RandomState::new().hash_one((count, now.timestamp_nanos_opt()));
    format!("{PSEUDONYM_PREFIX}-{bits:016x}")
}
