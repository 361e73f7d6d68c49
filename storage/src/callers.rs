//! The callers of the alert register (R121-7): people a coordinator names to call the
//! registered people in a campaign, each on record in the audit, each reading register
//! data only once they accepted the confidentiality clause.

use chrono::{DateTime, Utc};
use sled::Transactional;

use crate::{
    Store,
    codec::put,
    error::{StoreError, TransitionError, abort, transition_error},
    journal::{Queued, journal},
    model::{AuditAction, AuditEntry, Caller, Effect, PEOPLE, Person, Signature},
    people::get_person,
    transition::append_audit,
};

impl Store {
    /// Names `user` a caller (`named`) or takes them off the callers, by coordinator `by`,
    /// audited, with the effects `plan` gives (told whether it changed anything). Naming
    /// a caller again keeps their acceptance.
    pub async fn name_caller(
        &self,
        user: &str,
        by: &str,
        named: bool,
        now: DateTime<Utc>,
        plan: impl Fn(&Person, bool) -> Vec<Effect>,
    ) -> Result<(Person, bool, Vec<Queued>), TransitionError> {
        let done = (&self.people, &self.audit, &self.effects)
            .transaction(|(people, audit, effects)| {
                let mut person = get_person(people, user)?;
                let changed = person.caller.is_some() != named;
                if changed {
                    person.caller = named.then_some(Caller { since: now, accepted: None });
                    put(people, PEOPLE, user.as_bytes(), &person)?;
                    let action =
                        if named { AuditAction::NameCaller } else { AuditAction::UnnameCaller };
                    let line = AuditEntry {
                        at: now,
                        actor: by.to_owned(),
                        action,
                        target: Some(user.to_owned()),
                        reason: None,
                        request: None,
                        entry: None,
                    };
                    append_audit(audit, &line)?;
                }
                let queued = journal(effects, plan(&person, changed), &[])?;
                Ok((person, changed, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Caller `user` accepts the confidentiality clause of `version` (a hash of its
    /// text), audited with them as the actor, with the effects `plan` gives; someone who
    /// is no caller gets [`TransitionError::NotCaller`], one who accepted this version
    /// already [`TransitionError::AlreadyHandled`].
    pub async fn accept_caller_clause(
        &self,
        user: &str,
        version: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Person) -> Vec<Effect>,
    ) -> Result<(Person, Vec<Queued>), TransitionError> {
        let done = (&self.people, &self.audit, &self.effects)
            .transaction(|(people, audit, effects)| {
                let mut person = get_person(people, user)?;
                let Some(caller) = person.caller.as_mut() else {
                    return abort(TransitionError::NotCaller);
                };
                if caller.accepted.as_ref().is_some_and(|signed| signed.version == version) {
                    return abort(TransitionError::AlreadyHandled);
                }
                caller.accepted = Some(Signature { at: now, version: version.to_owned() });
                put(people, PEOPLE, user.as_bytes(), &person)?;
                let line = AuditEntry {
                    at: now,
                    actor: user.to_owned(),
                    action: AuditAction::CallerAccepted,
                    target: Some(user.to_owned()),
                    reason: None,
                    request: None,
                    entry: None,
                };
                append_audit(audit, &line)?;
                let queued = journal(effects, plan(&person), &[])?;
                Ok((person, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// The callers, by user id, in id order.
    pub fn callers(&self) -> Result<Vec<(String, Caller)>, StoreError> {
        Ok(self
            .people_where(|person| person.caller.is_some())?
            .into_iter()
            .filter_map(|(user, person)| person.caller.map(|caller| (user, caller)))
            .collect())
    }
}
