//! Requests: their creation, the steps of their life (claim, release, done, feedback,
//! cancel, follow-up, relay, private room) and how they are read, with the outcome log.

use chrono::{DateTime, Utc};
use entraide_commands::Category;
use sled::Transactional;

use crate::{
    Store,
    codec::{decode, get, put, u64_from},
    error::{StoreError, TransitionError, abort, transition_error},
    index::index,
    journal::Queued,
    journal::journal,
    model::{
        AuditAction, AuditEntry, Effect, FollowUp, LOG, LogEntry, NewRequest, Outcome, Post,
        RELAYS, REQUESTS, ROOMS, Request, RoomKind, Series, State, Step,
    },
    transition::{Change, append_log, fresh, get_request, next_number},
};

impl Store {
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

    /// A new request, or an offer when it has `posts`, the first of a series with
    /// `repeat`.
    pub(crate) async fn create(
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
        let trees = (
            &self.requests,
            &self.by_requester,
            &self.log,
            &self.meta,
            &self.handled,
            &self.effects,
            &self.informed,
        );
        let informed_at = u64::try_from(now.timestamp_millis()).unwrap_or(0).to_be_bytes();
        let done = trees
            .transaction(|(requests, by_requester, log, meta, handled, effects, informed)| {
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
                index(by_requester, &new.requester, number)?;
                append_log(log, now, number, &new.requester, outcome, None)?;
                handled.insert(event_id, &now.timestamp().to_be_bytes())?;
                if new.informs && informed.get(new.requester.as_str())?.is_none() {
                    informed.insert(new.requester.as_str(), &informed_at)?;
                }
                let queued = journal(effects, plan(&request), &[])?;
                Ok((request, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
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
            entry: None,
        };
        self.claim_for(number, volunteer, event, now, Some(&entry), plan).await
    }

    pub(crate) async fn claim_for(
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
        let step = Change { audit, ..Change::new(number, volunteer, Outcome::Claimed, event, now) };
        self.step(step, change, plan).await
    }

    /// Follows request `number` in `room` from now on (its requester's direct chat, once
    /// the request was taken out of its neighbourhood room): everything said to the
    /// requester about it goes there.
    pub async fn move_request(&self, number: u64, room: &str) -> Result<(), TransitionError> {
        self.requests
            .transaction(|requests| {
                let mut request = get_request(requests, number)?;
                request.origin_room = room.to_owned();
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                Ok(())
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(())
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

    /// The request a relay message, or an offer's post, stands for (an offer taken up
    /// or gone keeps its posts' entries: whoever answers one late is told so).
    pub fn request_by_relay(&self, relay_event: &str) -> Result<Option<u64>, StoreError> {
        match self.relays.get(relay_event)? {
            Some(bytes) => Ok(Some(u64_from(&bytes, RELAYS, relay_event.as_bytes())?)),
            None => Ok(None),
        }
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
        let step = Change::new(number, actor, Outcome::Released, event, now);
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
        let step = Change { note, ..Change::new(number, volunteer, Outcome::Done, event, now) };
        self.step(step, change, plan).await
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
            note: Some(note),
            ..Change::new(number, requester, Outcome::Feedback, event, now)
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
        self.step(Change::new(number, actor, Outcome::Cancelled, event, now), change, plan).await
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
        self.step(Change::new(number, "bot", outcome, None, now), change, plan).await
    }

    /// One request.
    pub fn request(&self, number: u64) -> Result<Option<Request>, StoreError> {
        get(&self.requests, REQUESTS, &number.to_be_bytes())
    }

    /// The requests that `keep`, in number order.
    pub(crate) fn requests_where(
        &self,
        keep: impl Fn(&Request) -> bool,
    ) -> Result<Vec<Request>, StoreError> {
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

    /// How many requests there are in each state and category, keyed by the state's name
    /// ([`State::name`]) and the category: what the operators' metrics count.
    pub fn tally_requests(
        &self,
    ) -> Result<std::collections::BTreeMap<(&'static str, Category), usize>, StoreError> {
        let mut tally = std::collections::BTreeMap::new();
        for item in self.requests.iter() {
            let (key, bytes) = item?;
            let request: Request = decode(&bytes, REQUESTS, &key)?;
            *tally.entry((request.state.name(), request.reading.category)).or_default() += 1;
        }
        Ok(tally)
    }

    /// Open and claimed requests, oldest first.
    pub fn active_requests(&self) -> Result<Vec<Request>, StoreError> {
        self.requests_where(|request| request.state.is_active())
    }

    /// The requests `requester` made, oldest first.
    pub fn requests_of(&self, requester: &str) -> Result<Vec<Request>, StoreError> {
        let mut found = Vec::new();
        for number in self.indexed_numbers(requester)? {
            // `requests` has the last word: an index entry it does not bear out shows
            // nothing.
            if let Some(request) = self.request(number)?.filter(|r| r.requester == requester) {
                found.push(request);
            }
        }
        Ok(found)
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
}

pub(crate) fn check_holder(
    request: &Request,
    volunteer: &str,
    forced: bool,
) -> Result<(), TransitionError> {
    match &request.state {
        State::Claimed { volunteer: holder, .. } if holder == volunteer || forced => Ok(()),
        State::Claimed { .. } => Err(TransitionError::NotHolder(request.number)),
        state => Err(TransitionError::NotClaimed { number: request.number, state: state.clone() }),
    }
}
