//! The commune's alert register (CASF L121-6-1): entries in a tree of their own, apart
//! from requests, numbered on their own; every change audited with the entry's number,
//! never the person's name.

use chrono::{DateTime, Utc};
use sled::{Transactional, transaction::TransactionalTree};

use crate::{
    Store,
    codec::{decode, get, put},
    error::{StoreError, TransitionError, TxResult, abort, abort_store, transition_error},
    journal::{Queued, journal},
    meta::META_NEXT_ENTRY,
    model::{
        AuditAction, AuditEntry, Effect, Enrolment, META, NewEntry, Particulars, REGISTER,
        Registration, Way,
    },
    transition::append_audit,
};

impl Store {
    /// Enters `new` on the register, by `actor`, with the event that asked (`None` from
    /// the command line) marked handled, the audit line and the effects `plan` gives, all
    /// at once. Pending when asked by a third party or in chat ([`NewEntry::starts_pending`]).
    pub async fn enrol(
        &self,
        new: NewEntry,
        event: Option<&str>,
        now: DateTime<Utc>,
        plan: impl Fn(&Registration) -> Vec<Effect>,
    ) -> Result<(Registration, Vec<Queued>), TransitionError> {
        let trees = (&self.register, &self.meta, &self.audit, &self.effects, &self.handled);
        let done = trees
            .transaction(|(register, meta, audit, effects, handled)| {
                if let Some(event) = event {
                    if handled.get(event)?.is_some() {
                        return abort(TransitionError::AlreadyHandled);
                    }
                    handled.insert(event, &now.timestamp().to_be_bytes())?;
                }
                let entry = insert(register, meta, &new, now)?;
                let actor = new.entered_by.as_str();
                append_audit(audit, &audited(now, actor, AuditAction::Enrol, entry.number, None))?;
                let queued = journal(effects, plan(&entry), &[])?;
                Ok((entry, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Changes entry `number` as `change` says (it may refuse with an error), by `actor`,
    /// audited as `action` with `reason` (no `action`: the bot's own bookkeeping, such as
    /// a reminder sent), with the effects `plan` gives.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_entry(
        &self,
        number: u64,
        actor: &str,
        action: Option<AuditAction>,
        reason: Option<&str>,
        now: DateTime<Utc>,
        change: impl Fn(&mut Registration) -> Result<(), TransitionError>,
        plan: impl Fn(&Registration) -> Vec<Effect>,
    ) -> Result<(Registration, Vec<Queued>), TransitionError> {
        let done = (&self.register, &self.audit, &self.effects)
            .transaction(|(register, audit, effects)| {
                let mut entry = get_entry(register, number)?;
                if let Err(error) = change(&mut entry) {
                    return abort(error);
                }
                put(register, REGISTER, &number.to_be_bytes(), &entry)?;
                if let Some(action) = action {
                    append_audit(audit, &audited(now, actor, action, number, reason))?;
                }
                let queued = journal(effects, plan(&entry), &[])?;
                Ok((entry, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Changes each of entries `numbers` as `change` says, all at once, as the bot's own
    /// bookkeeping (not audited); those it refuses, or gone, are left as they are. `plan`
    /// is told those changed; [`TransitionError::EntryUnchanged`] when none was.
    pub async fn change_entries(
        &self,
        numbers: &[u64],
        change: impl Fn(&mut Registration) -> Result<(), TransitionError>,
        plan: impl Fn(&[Registration]) -> Vec<Effect>,
    ) -> Result<(Vec<Registration>, Vec<Queued>), TransitionError> {
        let done = (&self.register, &self.effects)
            .transaction(|(register, effects)| {
                let mut changed = Vec::new();
                for number in numbers {
                    let key = number.to_be_bytes();
                    let Some(bytes) = register.get(key)? else { continue };
                    let mut entry: Registration =
                        decode(&bytes, REGISTER, &key).map_err(abort_store)?;
                    if change(&mut entry).is_ok() {
                        put(register, REGISTER, &key, &entry)?;
                        changed.push(entry);
                    }
                }
                if changed.is_empty() {
                    return abort(TransitionError::EntryUnchanged(0));
                }
                let queued = journal(effects, plan(&changed), &[])?;
                Ok((changed, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Takes entry `number` off the register (R121-11: at any time, on request), with its
    /// check-ins in campaigns: nothing of it is kept but the audit line, which names its number and `reason`. Returns it
    /// as it was, with the effects `plan` gives.
    pub async fn unenrol(
        &self,
        number: u64,
        actor: &str,
        reason: Option<&str>,
        now: DateTime<Utc>,
        plan: impl Fn(&Registration) -> Vec<Effect>,
    ) -> Result<(Registration, Vec<Queued>), TransitionError> {
        // Read first: its check-ins in campaigns go with it.
        let checks = self.checkins_of_entry(number)?;
        let done = (&self.register, &self.checkins, &self.audit, &self.effects)
            .transaction(|(register, checkins, audit, effects)| {
                let entry = get_entry(register, number)?;
                register.remove(&number.to_be_bytes())?;
                for key in &checks {
                    checkins.remove(key)?;
                }
                let line = audited(now, actor, AuditAction::Unenrol, number, reason);
                append_audit(audit, &line)?;
                let queued = journal(effects, plan(&entry), &[])?;
                Ok((entry, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Imports a spreadsheet by `actor`: `new` entered (numbered in order), `merged`
    /// entries replaced by their merged particulars, one audit line for the whole
    /// import (how many were taken and merged), all at once. Returns the new entries'
    /// numbers, in the order of `new`.
    pub async fn import(
        &self,
        new: &[NewEntry],
        merged: &[(u64, Particulars)],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<u64>, TransitionError> {
        let numbers = (&self.register, &self.meta, &self.audit)
            .transaction(|(register, meta, audit)| {
                let mut numbers = Vec::with_capacity(new.len());
                for entry in new {
                    numbers.push(insert(register, meta, entry, now)?.number);
                }
                for (number, particulars) in merged {
                    let mut entry = get_entry(register, *number)?;
                    entry.particulars = particulars.clone();
                    put(register, REGISTER, &number.to_be_bytes(), &entry)?;
                }
                let reason = format!("{} + {}", new.len(), merged.len());
                let line = AuditEntry {
                    at: now,
                    actor: actor.to_owned(),
                    action: AuditAction::Import,
                    target: None,
                    reason: Some(reason),
                    request: None,
                    entry: None,
                };
                append_audit(audit, &line)?;
                Ok(numbers)
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(numbers)
    }

    /// Records in the audit that `actor` exported the register (R121-8).
    pub async fn record_export(
        &self,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        let line = AuditEntry {
            at: now,
            actor: actor.to_owned(),
            action: AuditAction::Export,
            target: None,
            reason: None,
            request: None,
            entry: None,
        };
        self.audit.transaction(|audit| append_audit(audit, &line)).map_err(transition_error)?;
        self.flush().await?;
        Ok(())
    }

    /// The keys of `entry`'s check-ins, in every campaign.
    pub(crate) fn checkins_of_entry(&self, entry: u64) -> Result<Vec<sled::IVec>, StoreError> {
        let mut keys = Vec::new();
        for key in self.checkins.iter().keys() {
            let key = key?;
            if key.get(8..) == Some(&entry.to_be_bytes()[..]) {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    /// One register entry.
    pub fn entry(&self, number: u64) -> Result<Option<Registration>, StoreError> {
        get(&self.register, REGISTER, &number.to_be_bytes())
    }

    /// The whole register, in number order.
    pub fn register(&self) -> Result<Vec<Registration>, StoreError> {
        self.entries_where(|_| true)
    }

    /// The register entries that `keep`, in number order.
    pub fn entries_where(
        &self,
        keep: impl Fn(&Registration) -> bool,
    ) -> Result<Vec<Registration>, StoreError> {
        let mut kept = Vec::new();
        for item in self.register.iter() {
            let (key, bytes) = item?;
            let entry: Registration = decode(&bytes, REGISTER, &key)?;
            if keep(&entry) {
                kept.push(entry);
            }
        }
        Ok(kept)
    }
}

/// Numbers and writes a new entry.
fn insert(
    register: &TransactionalTree,
    meta: &TransactionalTree,
    new: &NewEntry,
    now: DateTime<Utc>,
) -> TxResult<Registration> {
    let number = match meta.get(META_NEXT_ENTRY)? {
        Some(bytes) => {
            crate::codec::u64_from(&bytes, META, META_NEXT_ENTRY).map_err(abort_store)?
        }
        None => 1,
    };
    meta.insert(META_NEXT_ENTRY, &(number + 1).to_be_bytes())?;
    let status = if new.starts_pending() { Enrolment::Pending } else { Enrolment::Active };
    let entry = Registration {
        number,
        particulars: new.particulars.clone(),
        status,
        asked_at: now,
        way: new.way,
        entered_by: new.entered_by.clone(),
        // A commune's spreadsheet holds registrations it acknowledged already.
        acknowledged: (new.way == Way::Import).then_some(now),
        reminded: false,
        confirmed_at: now,
        review_asked: None,
    };
    put(register, REGISTER, &number.to_be_bytes(), &entry)?;
    Ok(entry)
}

fn get_entry(register: &TransactionalTree, number: u64) -> TxResult<Registration> {
    let key = number.to_be_bytes();
    match register.get(key)? {
        Some(bytes) => decode(&bytes, REGISTER, &key).map_err(abort_store),
        None => abort(TransitionError::NoSuchEntry(number)),
    }
}

/// An audit line about entry `number`.
fn audited(
    at: DateTime<Utc>,
    actor: &str,
    action: AuditAction,
    number: u64,
    reason: Option<&str>,
) -> AuditEntry {
    AuditEntry {
        at,
        actor: actor.to_owned(),
        action,
        target: None,
        reason: reason.map(str::to_owned),
        request: None,
        entry: Some(number),
    }
}
