//! Finding what names a person, for [`Store::forget`]: every tree read once, before the
//! transaction that changes what was found.

use std::collections::HashSet;

use sled::IVec;

use super::is_direct_of;
use crate::{
    Store, StoreError,
    codec::decode,
    model::{
        AUDIT, Action, AuditEntry, CHECKINS, CheckIn, EFFECTS, Effect, LOG, Lane, LogEntry, PEOPLE,
        Person, REGISTER, REQUESTS, ROOMS, Registration, Request, RoomKind, Shape, Target,
    },
};

/// What one pass of [`Store::forget`] found to change, by key.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// Requests they made or are named in.
    pub(super) requests: Vec<IVec>,
    /// The numbers of the requests they made.
    pub(super) made: HashSet<u64>,
    /// The numbers of the requests they hold.
    pub(super) held: HashSet<u64>,
    /// Log entries they made, or with a note about a request they made.
    pub(super) log: Vec<IVec>,
    /// Their record, and the records of the people they vetted or banned.
    pub(super) people: Vec<IVec>,
    /// Whether they were told of their data.
    pub(super) informed: bool,
    /// Whether they were asked for a profile.
    pub(super) profile: bool,
    /// Their direct chats.
    pub(super) rooms: Vec<IVec>,
    /// Effects about a request they made or naming them, and the private-room effects of
    /// the claims they held.
    pub(super) effects: Vec<IVec>,
    /// Audit entries they made or that are about them.
    pub(super) audit: Vec<IVec>,
    /// Register entries they entered or name them as the emergency contact.
    pub(super) register: Vec<IVec>,
    /// Check-ins they call or called, and those of their own registration.
    pub(super) checkins: Vec<IVec>,
}

impl Found {
    pub(super) fn is_empty(&self) -> bool {
        self.requests.is_empty()
            && self.log.is_empty()
            && self.people.is_empty()
            && !self.informed
            && !self.profile
            && self.rooms.is_empty()
            && self.effects.is_empty()
            && self.audit.is_empty()
            && self.register.is_empty()
            && self.checkins.is_empty()
    }
}

impl Store {
    /// Reads every tree that can name a person, for what [`Store::forget`] must change.
    /// The effects `own` (journalled by this forgetting) are not looked at; the register
    /// only if `register`.
    pub(super) fn find(
        &self,
        user_id: &str,
        own: &[u64],
        register: bool,
    ) -> Result<Found, StoreError> {
        let mut found = Found::default();
        let mut texts = Vec::new();
        for item in self.requests.iter() {
            let (key, bytes) = item?;
            let request: Request = decode(&bytes, REQUESTS, &key)?;
            let made = request.requester == user_id;
            if made {
                found.made.insert(request.number);
                // A shorter text could be any word of a message.
                if request.text.chars().count() >= QUOTED_TEXT_MIN {
                    texts.push(request.text.clone());
                }
            }
            if request.state.holder() == Some(user_id) {
                found.held.insert(request.number);
            }
            if made || request.state.names(user_id) {
                found.requests.push(key);
            }
        }
        for item in self.log.iter() {
            let (key, bytes) = item?;
            let entry: LogEntry = decode(&bytes, LOG, &key)?;
            let about = found.made.contains(&entry.number);
            if entry.actor == user_id || (about && entry.note.is_some()) {
                found.log.push(key);
            }
        }
        for item in self.people.iter() {
            let (key, bytes) = item?;
            let person: Person = decode(&bytes, PEOPLE, &key)?;
            if *key == *user_id.as_bytes() || person.changed_by.as_deref() == Some(user_id) {
                found.people.push(key);
            }
        }
        found.informed = self.informed.contains_key(user_id)?;
        found.profile = self.profiles.contains_key(user_id)?;
        for item in self.audit.iter() {
            let (key, bytes) = item?;
            let entry: AuditEntry = decode(&bytes, AUDIT, &key)?;
            if entry.actor == user_id || entry.target.as_deref() == Some(user_id) {
                found.audit.push(key);
            }
        }
        for item in self.register.iter().filter(|_| register) {
            let (key, bytes) = item?;
            let entry: Registration = decode(&bytes, REGISTER, &key)?;
            if entry.names(user_id) {
                found.register.push(key);
            }
        }
        let own_entries: Vec<u64> = found
            .register
            .iter()
            .filter_map(|key| <[u8; 8]>::try_from(key.as_ref()).ok().map(u64::from_be_bytes))
            .collect();
        for item in self.checkins.iter() {
            let (key, bytes) = item?;
            let check: CheckIn = decode(&bytes, CHECKINS, &key)?;
            let calls = check.caller == user_id || check.attempts.iter().any(|a| a.by == user_id);
            if calls || (register && own_entries.contains(&check.entry)) {
                found.checkins.push(key);
            }
        }
        for item in self.rooms.iter() {
            let (key, bytes) = item?;
            let kind: RoomKind = decode(&bytes, ROOMS, &key)?;
            if is_direct_of(&kind, user_id) {
                found.rooms.push(key);
            }
        }
        for item in self.effects.iter() {
            let (key, bytes) = item?;
            if own.iter().any(|id| *key == id.to_be_bytes()) {
                continue;
            }
            let effect: Effect = decode(&bytes, EFFECTS, &key)?;
            let private_of_held =
                found.held.contains(&effect.request) && effect.lane == Lane::Private;
            if found.made.contains(&effect.request)
                || private_of_held
                || effect_names(&effect, user_id, &texts)
            {
                found.effects.push(key);
            }
        }
        Ok(found)
    }
}

/// How long a request's text must be (in characters) for a pending message that holds
/// it to count as quoting it.
const QUOTED_TEXT_MIN: usize = 8;

/// Whether a pending effect names `user_id`, or quotes one of `texts` (the texts of
/// their requests) in a message.
fn effect_names(effect: &Effect, user_id: &str, texts: &[String]) -> bool {
    let in_text = |text: &str| {
        text.contains(user_id) || texts.iter().any(|quoted| text.contains(quoted.as_str()))
    };
    match &effect.action {
        Action::Notice { to, message, shape, mention } => {
            let quoted = match shape {
                Shape::New => None,
                Shape::Reply { to } => Some(to),
                Shape::Thread { to, .. } => to.as_ref(),
            };
            mention.as_deref() == Some(user_id)
                || target_names(to, user_id)
                || quoted.is_some_and(|quote| quote.sender == user_id)
                || in_text(&message.plain)
                || in_text(&message.html)
        }
        Action::PrivateRoom { volunteer } | Action::Intro { volunteer } => volunteer == user_id,
        Action::SendData { user, .. } | Action::Scrub { about: Some(user), .. } => user == user_id,
        Action::SendRegister { to, .. } => target_names(to, user_id),
        Action::Remove { user, .. }
        | Action::MoveOut { user, .. }
        | Action::Moderate { user, .. } => user == user_id,
        Action::Relay
        | Action::RetireRelay { .. }
        | Action::PostOffer { .. }
        | Action::RetirePost { .. }
        | Action::Redact { .. }
        | Action::Scrub { about: None, .. }
        | Action::Leave { .. }
        | Action::SendReport { .. }
        | Action::CampaignReport { .. }
        | Action::Board { .. } => false,
    }
}

/// Whether a notice's destination names `user_id`.
fn target_names(to: &Target, user_id: &str) -> bool {
    match to {
        Target::Direct { user } | Target::Confidential { asked_by: user } => user == user_id,
        Target::Id { .. }
        | Target::Volunteers
        | Target::Coordination
        | Target::Private
        | Target::Requester { .. } => false,
    }
}
