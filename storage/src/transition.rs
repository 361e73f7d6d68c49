//! The machinery every transition shares: one step of a request's life in one
//! transaction, the journal of effects, the outcome log and the audit appends, and the
//! request numbers.

use chrono::{DateTime, Utc};
use sled::{
    Transactional,
    transaction::{ConflictableTransactionError, TransactionalTree},
};

use crate::{
    Store,
    codec::{decode, put, u64_from},
    error::{TransitionError, TxResult, abort, abort_store, transition_error},
    journal::{Queued, journal},
    meta::META_NEXT_NUMBER,
    model::{
        AUDIT, AuditEntry, Effect, FollowUp, LOG, LogEntry, META, NewRequest, Outcome, Post,
        REQUESTS, Request, State,
    },
};

/// What a transition writes in the outcome log, and the event that asked for it (marked
/// handled in the same transaction, so that a crash neither loses nor repeats it).
pub(crate) struct Change<'a> {
    /// The request.
    pub(crate) number: u64,
    /// Who takes the step, as the log names them.
    pub(crate) actor: &'a str,
    /// The step, as the log names it.
    pub(crate) outcome: Outcome,
    /// A note for the log entry.
    pub(crate) note: Option<&'a str>,
    /// The event that asked for the step, marked handled with it.
    pub(crate) event: Option<&'a str>,
    /// When.
    pub(crate) now: DateTime<Utc>,
    /// A coordinator's action recorded with the step, in the audit.
    pub(crate) audit: Option<&'a AuditEntry>,
}

impl<'a> Change<'a> {
    /// A step with no note and nothing for the audit.
    pub(crate) fn new(
        number: u64,
        actor: &'a str,
        outcome: Outcome,
        event: Option<&'a str>,
        now: DateTime<Utc>,
    ) -> Change<'a> {
        Change { number, actor, outcome, note: None, event, now, audit: None }
    }
}

impl Store {
    /// A [`Store::transition`] that drops no effect and whose `change` returns nothing
    /// more: the most common step.
    pub(crate) async fn step(
        &self,
        step: Change<'_>,
        change: impl Fn(&mut Request) -> Result<(), TransitionError>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        self.transition(step, &[], change, |request, ()| plan(request))
            .await
            .map(|(request, (), queued)| (request, queued))
    }

    /// One step of a request's life, atomically: reads the request, lets `change` check
    /// and modify it (an error changes nothing), writes it with its log entry, removes
    /// the `dropped` effects and records those `plan` gives, flushes.
    pub(crate) async fn transition<T>(
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
}

/// Takes the next request number from the counter.
pub(crate) fn next_number(meta: &TransactionalTree) -> TxResult<u64> {
    let number = match meta.get(META_NEXT_NUMBER)? {
        Some(bytes) => u64_from(&bytes, META, META_NEXT_NUMBER).map_err(abort_store)?,
        None => 1,
    };
    meta.insert(META_NEXT_NUMBER, &(number + 1).to_be_bytes())?;
    Ok(number)
}

pub(crate) fn get_request(requests: &TransactionalTree, number: u64) -> TxResult<Request> {
    let key = number.to_be_bytes();
    match requests.get(key)? {
        Some(bytes) => decode(&bytes, REQUESTS, &key).map_err(abort_store),
        None => abort(TransitionError::NoSuchRequest(number)),
    }
}

/// A request made of `new`, in `state`, numbered 0 and dated at the epoch until the
/// caller sets both.
pub(crate) fn fresh(new: &NewRequest, state: State, posts: Vec<Post>) -> Request {
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

pub(crate) fn append_log(
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

pub(crate) fn append_audit(audit: &TransactionalTree, entry: &AuditEntry) -> TxResult<()> {
    // generate_id is monotonic across restarts, so key order is the order of actions.
    let id = audit.generate_id()?;
    put(audit, AUDIT, &id.to_be_bytes(), entry)
}
