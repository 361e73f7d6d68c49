//! Requests that repeat (a coordinator's "chaque mardi"): a series is a chain of
//! occurrences, each naming the next once it is made.

use chrono::{DateTime, Utc};
use sled::Transactional;

use crate::{
    Store,
    codec::put,
    error::{StoreError, TransitionError, abort, transition_error},
    index::index,
    journal::Queued,
    journal::journal,
    model::{Effect, NewRequest, Outcome, REQUESTS, Repeat, Request, Series, State},
    transition::{append_log, fresh, get_request, next_number},
};

/// At most this many occurrences are followed from one to the next in one series.
pub(crate) const MAX_SERIES_HOPS: usize = 100_000;

impl Store {
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
        let done = (&self.requests, &self.by_requester, &self.log, &self.meta, &self.effects)
            .transaction(|(requests, by_requester, log, meta, effects)| {
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
                index(by_requester, &new.requester, number)?;
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
}
