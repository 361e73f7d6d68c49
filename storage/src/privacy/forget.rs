//! Forgetting a person (GDPR Art. 17): their id gives way to a pseudonym, their words go;
//! the record of the erasure and what it owes on Matrix are journalled with it.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use sled::{Transactional, transaction::TransactionalTree};

use super::{append_erasure, find::Found, new_pseudonym};
use crate::{
    Store, StoreError,
    codec::{decode, put},
    error::{TxResult, abort_store, store_error},
    index::reindex,
    journal::{Queued, journal},
    model::{
        AUDIT, Action, AuditEntry, CHECKINS, CheckIn, EFFECTS, Effect, FollowUp, LOG, LogEntry,
        Outcome, PEOPLE, Person, REGISTER, REQUESTS, ROOMS, Registration, Request, RoomKind, State,
    },
    transition::append_log,
};

/// Who had someone forgotten, as the record of the erasure names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasedBy<'a> {
    /// The person themselves: the record names their pseudonym.
    Themselves,
    /// A coordinator (their user id), for someone who asked by phone or letter.
    Coordinator(&'a str),
}

/// A plan: the effects a forgetting owes, from what was forgotten and the requests it
/// changed.
pub(crate) type Plan<'a> = &'a dyn Fn(&Forgotten, &[Request]) -> Vec<Effect>;

/// What a forgetting journals with the pass that completes it: the record of the erasure
/// and what `plan` says it owes on Matrix.
pub(crate) struct Erasure<'a> {
    /// Who asked for it; nobody for a forgetting of the retention periods, which records
    /// no erasure.
    pub(crate) by: Option<ErasedBy<'a>>,
    /// The effects owed, from what was forgotten and the requests it changed.
    pub(crate) plan: Plan<'a>,
}

/// What [`Store::forget`] did, and what it leaves to the bot on Matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// What now stands for the person in the store. Random: nothing links it back to
    /// their id.
    pub pseudonym: String,
    /// The requests they made, now without their text, notes or id.
    pub requests: Vec<u64>,
    /// Of those, the ones that were open or claimed and are now cancelled (with the
    /// pseudonym as actor). The bot owes them what a cancellation owes: tell the
    /// volunteers, the private room of a claim; their pending effects were dropped.
    pub cancelled: Vec<u64>,
    /// Requests of others that they held, now given back (open, their private room
    /// forgotten, the pseudonym as actor of the release). The bot owes them what a
    /// forced release owes: relay them again, tell the person who asked.
    pub released: Vec<u64>,
    /// The bot's own events known to the store that carry their data, as (room, event):
    /// the relays of their requests in the volunteers room (listed with every volunteers
    /// room the store knows, normally one), those still to be retired included. The
    /// store forgets the effects that would have retired them: the bot should redact them
    /// (a relay already redacted when its request was taken or closed can be redacted
    /// again, harmlessly).
    pub redact: Vec<(String, String)>,
    /// Their direct chats with the bot, which the store no longer knows as such (nor
    /// since when it serves them): the bot should leave them. Should they come back, a
    /// new direct chat starts afresh.
    pub direct_rooms: Vec<String>,
}

impl Forgotten {
    /// Whether it leaves the bot nothing to do: no request of theirs, none cancelled or
    /// given back, no event to redact, no room to leave. (The store may still have
    /// forgotten a record, such as a volunteer's.)
    pub fn nothing_to_do(&self) -> bool {
        self.requests.is_empty()
            && self.cancelled.is_empty()
            && self.released.is_empty()
            && self.redact.is_empty()
            && self.direct_rooms.is_empty()
    }
}

/// What one pass of [`Store::forget`] is given.
#[derive(Clone, Copy)]
struct Pass<'a> {
    /// Who is forgotten.
    user_id: &'a str,
    /// What stands for them.
    pseudonym: &'a str,
    /// When.
    now: DateTime<Utc>,
    /// The volunteers rooms the store knows, where the relays of their requests are.
    volunteers: &'a [String],
    /// What the pass before journalled, which this one replaces.
    own: &'a [u64],
    /// Whether no pass before changed anything (the erasure is recorded then).
    first: bool,
}

/// What the passes of [`Store::forget`] forgot so far.
#[derive(Debug, Clone, Default)]
struct SoFar {
    /// All but the relays' redactions.
    forgotten: Forgotten,
    /// The relays of the requests they made, by event id.
    relays: BTreeSet<String>,
}

impl SoFar {
    /// Adds what one pass forgot.
    fn add(&mut self, pass: Forgotten, relays: Vec<String>) {
        let forgotten = &mut self.forgotten;
        forgotten.requests.extend(pass.requests);
        forgotten.cancelled.extend(pass.cancelled);
        forgotten.released.extend(pass.released);
        forgotten.direct_rooms.extend(pass.direct_rooms);
        forgotten.redact.extend(pass.redact);
        self.relays.extend(relays);
    }

    /// What was forgotten, with the relays in each of the `volunteers` rooms to redact.
    fn finish(&self, pseudonym: &str, volunteers: &[String]) -> Forgotten {
        let mut forgotten = self.forgotten.clone();
        pseudonym.clone_into(&mut forgotten.pseudonym);
        for list in [&mut forgotten.requests, &mut forgotten.cancelled, &mut forgotten.released] {
            list.sort_unstable();
            list.dedup();
        }
        for event in &self.relays {
            for room in volunteers {
                forgotten.redact.push((room.clone(), event.clone()));
            }
        }
        forgotten
    }
}

/// The requests `forgotten` names (those they made, then those given back) as they
/// stand in this transaction.
fn changed_requests(requests: &TransactionalTree, forgotten: &Forgotten) -> TxResult<Vec<Request>> {
    let mut changed = Vec::new();
    for number in forgotten.requests.iter().chain(&forgotten.released) {
        let key = number.to_be_bytes();
        if let Some(bytes) = requests.get(key)? {
            changed.push(decode(&bytes, REQUESTS, &key).map_err(abort_store)?);
        }
    }
    Ok(changed)
}

impl Store {
    /// Forgets `user_id` (GDPR Art. 17), as of `now`:
    ///
    /// - the requests they made lose their text, the notes written on them and their
    ///   id; what makes the figures (number, state, reading, neighbourhood, times) stays.
    ///   Those still open or claimed are first cancelled, logged as by
    ///   [`Store::cancel`] with the pseudonym as actor. An origin room that was their
    ///   direct chat is emptied;
    /// - a request of someone else they hold is given back (open again), logged as a
    ///   release by the pseudonym;
    /// - wherever their id is (requesters, volunteers, who cancelled, log actors, who
    ///   vetted or banned someone) a random pseudonym ([`Forgotten::pseudonym`]) takes
    ///   its place, the same for all their records so that figures per person survive;
    ///   the notes they wrote are erased;
    /// - their `people` and `informed` records go, and their direct chats from `rooms`
    ///   and `joined`;
    /// - the pending effects about their requests, those naming them (mention, a reply to
    ///   them, removal, the volunteer of a private room or introduction, their id or a
    ///   request's text in a message) and the private-room effects of the claims they
    ///   held are dropped.
    ///
    /// Handled event ids are kept: they name no one and go after a week. Spare rooms,
    /// relays (event id → number) and `meta` hold nothing about people.
    ///
    /// The erasure is recorded (in the outcome log, about no request, and in the audit,
    /// naming no one but `by`: the coordinator, or the pseudonym of someone who asked for
    /// it themselves) and what `plan` says it owes on Matrix, from what was forgotten and
    /// the requests it changed as they now stand (those they made, then those given
    /// back), is journalled, in the same transaction as the pass that forgets them: a
    /// crash loses neither the forgetting nor its record nor what it owes. Returns what was
    /// forgotten and the effects journalled, for the bot to carry out. `plan` runs inside
    /// the transaction: what it needs from other trees is read before.
    ///
    /// Each pass is one sled transaction over every tree it changes, then a flush. A
    /// transition that slipped in between reading and writing is caught by the next pass
    /// (at most [`FORGET_PASSES`]), which journals what the whole forgetting owes in
    /// place of what the pass before it journalled (nothing ran it yet: the bot gets the
    /// effects once this returns); the erasure is recorded once. It is meant to run as a
    /// decision of the worker, like the others. Forgetting someone the store does not know
    /// changes nothing, records nothing and journals nothing. See the crate's
    /// documentation on what is left on disk.
    pub async fn forget(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
        by: ErasedBy<'_>,
        plan: impl Fn(&Forgotten, &[Request]) -> Vec<Effect>,
    ) -> Result<(Forgotten, Vec<Queued>), StoreError> {
        let pseudonym = new_pseudonym(now);
        let (forgotten, changed, queued) = {
            // Not held across the flush: the plan need not be shared between threads.
            let erasure = Erasure { by: Some(by), plan: &plan };
            self.forget_as(user_id, &pseudonym, now, Some(&erasure))?
        };
        if changed {
            self.flush().await?;
        }
        Ok((forgotten, queued))
    }

    /// [`Store::forget`] with a given pseudonym, not flushed, recording and journalling
    /// `erasure` if given; also says whether anything changed.
    pub(crate) fn forget_as(
        &self,
        user_id: &str,
        pseudonym: &str,
        now: DateTime<Utc>,
        erasure: Option<&Erasure<'_>>,
    ) -> Result<(Forgotten, bool, Vec<Queued>), StoreError> {
        let mut so_far = SoFar::default();
        let mut queued: Vec<Queued> = Vec::new();
        let mut changed = false;
        // Read before any transaction; forgetting changes no volunteers room.
        let mut volunteers: Option<Vec<String>> = None;
        // The register is kept by its own rules (removal on request, the yearly round),
        // not by the retention periods: only an erasure asked for touches it.
        let register = erasure.is_some_and(|erasure| erasure.by.is_some());
        for _ in 0..FORGET_PASSES {
            // What an earlier pass journalled may name them: it is this forgetting's own,
            // replaced by what the next pass journals.
            let own: Vec<u64> = queued.iter().map(|owed| owed.id).collect();
            let found = self.find(user_id, &own, register)?;
            if found.is_empty() {
                break;
            }
            let volunteers = match volunteers {
                Some(ref rooms) => rooms,
                None => volunteers.insert(self.rooms_where(|kind| *kind == RoomKind::Volunteers)?),
            };
            let pass = Pass { user_id, pseudonym, now, volunteers, own: &own, first: !changed };
            (so_far, queued) = self.forget_found(&pass, &found, &so_far, erasure)?;
            changed = true;
        }
        let forgotten = so_far.finish(pseudonym, volunteers.as_deref().unwrap_or_default());
        Ok((forgotten, changed, queued))
    }

    /// Changes what `find` found, in one transaction; with an `erasure`, records it (on
    /// the first pass) and journals what it owes for everything forgotten so far, in
    /// place of what the pass before journalled. Returns everything forgotten so far and
    /// what is journalled.
    fn forget_found(
        &self,
        pass: &Pass<'_>,
        found: &Found,
        before: &SoFar,
        erasure: Option<&Erasure<'_>>,
    ) -> Result<(SoFar, Vec<Queued>), StoreError> {
        let Pass { user_id, pseudonym, now, volunteers, own, first } = *pass;
        let trees = (
            &self.requests,
            &self.by_requester,
            &self.log,
            &self.people,
            &self.informed,
            &self.rooms,
            &self.joined,
            &self.effects,
            &self.audit,
            &self.profiles,
            &self.register,
            &self.checkins,
        );
        let done = trees.transaction(
            |(
                requests,
                by_requester,
                log,
                people,
                informed,
                rooms,
                joined,
                effects,
                audit,
                profiles,
                register,
                checkins,
            )| {
                let mut pass = Forgotten::default();
                let mut relays = Vec::new();
                let direct: HashSet<&[u8]> = found.rooms.iter().map(|key| key.as_ref()).collect();
                for key in &found.rooms {
                    rooms.remove(key)?;
                    joined.remove(key)?;
                    pass.direct_rooms.push(ROOMS.key_text(key));
                }
                for key in &found.requests {
                    let Some(bytes) = requests.get(key)? else { continue };
                    let mut request: Request =
                        decode(&bytes, REQUESTS, key).map_err(abort_store)?;
                    let number = request.number;
                    if request.requester == user_id {
                        if request.state.is_active() {
                            request.state = State::Cancelled { by: pseudonym.to_owned(), at: now };
                            append_log(log, now, number, pseudonym, Outcome::Cancelled, None)?;
                            pass.cancelled.push(number);
                        }
                        // A series with no text and nobody behind it has nothing to repeat.
                        if let Some(series) = request.repeat.as_mut()
                            && series.next.is_none()
                            && series.stopped.is_none()
                        {
                            series.stopped = Some(now);
                        }
                        pseudonym.clone_into(&mut request.requester);
                        reindex(by_requester, user_id, pseudonym, number)?;
                        request.text.clear();
                        if direct.contains(request.origin_room.as_bytes()) {
                            request.origin_room.clear();
                        }
                        if let Some(relay) = &request.relay_event {
                            relays.push(relay.clone());
                        }
                        // An offer's posts in neighbourhood rooms carry its text.
                        for post in &request.posts {
                            if let Some(event) = &post.event {
                                pass.redact.push((post.room.clone(), event.clone()));
                            }
                        }
                        pass.requests.push(number);
                    }
                    match &mut request.state {
                        State::Claimed { volunteer, .. } if volunteer == user_id => {
                            request.state = State::Open;
                            request.follow_up = FollowUp { since: Some(now), done: Vec::new() };
                            request.private_room = None;
                            append_log(log, now, number, pseudonym, Outcome::Released, None)?;
                            pass.released.push(number);
                        }
                        State::Claimed { volunteer, .. } | State::Done { volunteer, .. }
                            if volunteer == user_id =>
                        {
                            pseudonym.clone_into(volunteer);
                        }
                        State::Cancelled { by, .. } if by == user_id => pseudonym.clone_into(by),
                        _ => {}
                    }
                    put(requests, REQUESTS, key, &request)?;
                }
                for key in &found.log {
                    let Some(bytes) = log.get(key)? else { continue };
                    let mut entry: LogEntry = decode(&bytes, LOG, key).map_err(abort_store)?;
                    if entry.actor == user_id {
                        pseudonym.clone_into(&mut entry.actor);
                        entry.note = None;
                    }
                    if found.made.contains(&entry.number) {
                        entry.note = None;
                    }
                    put(log, LOG, key, &entry)?;
                }
                for key in &found.people {
                    if *key == *user_id.as_bytes() {
                        people.remove(key)?;
                        continue;
                    }
                    let Some(bytes) = people.get(key)? else { continue };
                    let mut person: Person = decode(&bytes, PEOPLE, key).map_err(abort_store)?;
                    if person.changed_by.as_deref() == Some(user_id) {
                        person.changed_by = Some(pseudonym.to_owned());
                    }
                    put(people, PEOPLE, key, &person)?;
                }
                if found.informed {
                    informed.remove(user_id.as_bytes())?;
                }
                if found.profile {
                    profiles.remove(user_id.as_bytes())?;
                }
                for key in &found.audit {
                    let Some(bytes) = audit.get(key)? else { continue };
                    let mut entry: AuditEntry = decode(&bytes, AUDIT, key).map_err(abort_store)?;
                    if entry.actor == user_id {
                        pseudonym.clone_into(&mut entry.actor);
                    }
                    if entry.target.as_deref() == Some(user_id) {
                        entry.target = Some(pseudonym.to_owned());
                        // A reason written about them is about them.
                        entry.reason = None;
                    }
                    put(audit, AUDIT, key, &entry)?;
                }
                for key in &found.register {
                    let Some(bytes) = register.get(key)? else { continue };
                    let mut entry: Registration =
                        decode(&bytes, REGISTER, key).map_err(abort_store)?;
                    // Their own registration, asked in chat, goes with them (R121-11); an
                    // entry of someone else stays, without them.
                    if entry.is_own(user_id) {
                        register.remove(key)?;
                        continue;
                    }
                    if entry.entered_by == user_id {
                        pseudonym.clone_into(&mut entry.entered_by);
                    }
                    if let Some(contact) = entry.particulars.contact.as_mut()
                        && contact.matrix.as_deref() == Some(user_id)
                    {
                        contact.matrix = None;
                    }
                    put(register, REGISTER, key, &entry)?;
                }
                let mut gone = HashSet::new();
                for key in &found.register {
                    if register.get(key)?.is_none() {
                        gone.extend(<[u8; 8]>::try_from(key.as_ref()).ok().map(u64::from_be_bytes));
                    }
                }
                for key in &found.checkins {
                    let Some(bytes) = checkins.get(key)? else { continue };
                    let mut check: CheckIn = decode(&bytes, CHECKINS, key).map_err(abort_store)?;
                    // The check-ins of their own registration, gone with it.
                    if gone.contains(&check.entry) {
                        checkins.remove(key)?;
                        continue;
                    }
                    if check.caller == user_id {
                        pseudonym.clone_into(&mut check.caller);
                    }
                    for attempt in check.attempts.iter_mut().filter(|a| a.by == user_id) {
                        pseudonym.clone_into(&mut attempt.by);
                    }
                    put(checkins, CHECKINS, key, &check)?;
                }
                for key in &found.effects {
                    let Some(bytes) = effects.remove(key)? else { continue };
                    let effect: Effect = decode(&bytes, EFFECTS, key).map_err(abort_store)?;
                    if let Action::RetireRelay { relay: Some(relay), .. } = &effect.action
                        && found.made.contains(&effect.request)
                    {
                        relays.push(relay.clone());
                    }
                }
                let mut so_far = before.clone();
                so_far.add(pass, relays);
                let Some(erasure) = erasure else { return Ok((so_far, Vec::new())) };
                if first && let Some(by) = erasure.by {
                    let actor = match by {
                        ErasedBy::Themselves => pseudonym,
                        ErasedBy::Coordinator(coordinator) => coordinator,
                    };
                    append_erasure(log, audit, actor, now)?;
                }
                let forgotten = so_far.finish(pseudonym, volunteers);
                let changed = changed_requests(requests, &forgotten)?;
                let queued = journal(effects, (erasure.plan)(&forgotten, &changed), own)?;
                Ok((so_far, queued))
            },
        );
        done.map_err(store_error)
    }
}

/// How many times [`Store::forget`] looks again for what a concurrent transition wrote.
pub const FORGET_PASSES: usize = 3;
