//! People: their volunteer records, blocks, the notice on their data, and the audit of
//! what coordinators did about them.

use chrono::{DateTime, Utc};
use sled::{Transactional, transaction::TransactionalTree};

use crate::{
    Store,
    codec::{decode, get, key_string, put},
    error::{StoreError, TxResult, abort_store, store_error},
    model::{
        AUDIT, AuditAction, AuditEntry, Block, PEOPLE, Person, REQUESTS, Request, State,
        VolunteerStatus,
    },
    transition::append_audit,
};

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

impl Store {
    /// What the bot knows of a person (a default, unvetted record if nothing).
    pub fn person(&self, user_id: &str) -> Result<Person, StoreError> {
        Ok(get(&self.people, PEOPLE, user_id.as_bytes())?.unwrap_or_default())
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
            let change = StatusChange { user_id, status, by, reason, without_charter, now };
            change.apply(people, audit)
        });
        let old = result.map_err(store_error)?;
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
        let out = result.map_err(store_error)?;
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
                entry: None,
            };
            person.blocked = block.clone();
            put(people, PEOPLE, user_id.as_bytes(), &person)?;
            append_audit(audit, &entry)?;
            Ok(true)
        });
        let changed = result.map_err(store_error)?;
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

    /// Everyone who is or was a volunteer (accepted the charter, or a coordinator decided
    /// about them), by id, with how many requests each closed as done and when they last
    /// took or closed one; residents the store knows (blocked, a profile) are not listed.
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
            // Someone the store knows only as a resident (blocked, or a declared profile)
            // was never a volunteer: neither the charter, nor a coordinator's decision.
            let volunteer = person.status != VolunteerStatus::Unvetted
                || person.charter.is_some()
                || person.changed_by.is_some();
            if !volunteer {
                continue;
            }
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
}

/// A coordinator's change of a volunteer's status, as the audit records it.
#[derive(Debug, Clone, Copy)]
pub struct StatusChange<'a> {
    /// The person.
    pub user_id: &'a str,
    /// Their status from now on.
    pub status: VolunteerStatus,
    /// The coordinator.
    pub by: &'a str,
    /// Why, as the coordinator wrote it (a ban's reason, a vetting's note).
    pub reason: Option<&'a str>,
    /// Vetted without having accepted the charter, by the coordinator's decision.
    pub without_charter: bool,
    /// When.
    pub now: DateTime<Utc>,
}

impl StatusChange<'_> {
    /// Records the new status and its audit entries; returns the status before.
    pub(crate) fn apply(
        self,
        people: &TransactionalTree,
        audit: &TransactionalTree,
    ) -> TxResult<VolunteerStatus> {
        let StatusChange { user_id, status, by, reason, without_charter, now } = self;
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
        let overrode =
            (without_charter && action == Some(AuditAction::Vet)).then_some(AuditAction::Override);
        for action in action.into_iter().chain(overrode) {
            let entry = AuditEntry {
                at: now,
                actor: by.to_owned(),
                action,
                target: Some(user_id.to_owned()),
                reason: reason.map(str::to_owned),
                request: None,
                entry: None,
            };
            append_audit(audit, &entry)?;
        }
        Ok(old)
    }
}

/// A person's record, or the record of someone the bot knows nothing about.
pub(crate) fn get_person(people: &TransactionalTree, user_id: &str) -> TxResult<Person> {
    match people.get(user_id.as_bytes())? {
        Some(bytes) => decode(&bytes, PEOPLE, user_id.as_bytes()).map_err(abort_store),
        None => Ok(Person::default()),
    }
}
