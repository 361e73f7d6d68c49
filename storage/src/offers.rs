//! Volunteers' offers: posted before anyone asks, they become a resident's request when
//! taken up.

use chrono::{DateTime, Utc};
use sled::Transactional;

use crate::{
    Store,
    codec::put,
    error::{TransitionError, abort, transition_error},
    index::reindex,
    journal::Queued,
    journal::journal,
    model::{Effect, FollowUp, Lang, NewRequest, Outcome, Post, REQUESTS, Request, State},
    transition::{append_log, get_request},
};

impl Store {
    /// Records a volunteer's offer (`new.requester` is the volunteer), to be posted in
    /// `rooms`: numbered as requests are (it becomes one when a resident takes it up),
    /// logged as offered, with the event that carried it marked handled and the effects
    /// `plan` gives, all at once.
    pub async fn create_offer(
        &self,
        new: NewRequest,
        rooms: &[String],
        event_id: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Request) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let posts = rooms.iter().map(|room| Post { room: room.clone(), event: None }).collect();
        self.create(new, posts, None, event_id, now, plan).await
    }

    /// Remembers an offer's post in `room` (also for [`Store::request_by_relay`]), and
    /// removes the effect `finished` that sent it from the journal. Returns the offer as it is now: one taken up or closed
    /// meanwhile no longer wants the post (the caller retires it, nothing records it).
    pub async fn set_offer_post(
        &self,
        number: u64,
        room: &str,
        event: &str,
        finished: u64,
    ) -> Result<Request, TransitionError> {
        let request = (&self.requests, &self.effects, &self.relays)
            .transaction(|(requests, effects, relays)| {
                effects.remove(&finished.to_be_bytes())?;
                let mut request = get_request(requests, number)?;
                // Once taken up or closed, its posts were retired: this one is the
                // caller's to retire, and is not kept.
                if request.state == State::Offered {
                    // A reply or a reaction to the post names the offer.
                    relays.insert(event, &number.to_be_bytes())?;
                    for post in request.posts.iter_mut().filter(|post| post.room == room) {
                        post.event = Some(event.to_owned());
                    }
                    put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                }
                Ok(request)
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(request)
    }

    /// A resident takes up offer `number`: it becomes their request (written in
    /// `origin_room`, of `neighbourhood`, in their language), claimed by the volunteer
    /// who offered it. Compare-and-swap, as [`Store::claim`]: of concurrent takers, one
    /// wins; the others get [`TransitionError::NotOpen`], as do takers of anything that is
    /// no open offer. Logged as the offer taken (by the resident) and claimed (by the
    /// volunteer), with the effects `plan` gives (it is told the volunteer).
    #[allow(clippy::too_many_arguments)]
    pub async fn take_offer(
        &self,
        number: u64,
        resident: &str,
        origin_room: &str,
        neighbourhood: Option<&str>,
        lang: Lang,
        event: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Request, &str) -> Vec<Effect>,
    ) -> Result<(Request, Vec<Queued>), TransitionError> {
        let trees = (&self.requests, &self.by_requester, &self.log, &self.effects, &self.handled);
        let done = trees
            .transaction(|(requests, by_requester, log, effects, handled)| {
                if handled.get(event)?.is_some() {
                    return abort(TransitionError::AlreadyHandled);
                }
                handled.insert(event, &now.timestamp().to_be_bytes())?;
                let mut request = get_request(requests, number)?;
                if request.state != State::Offered {
                    return abort(TransitionError::NotOpen { number, state: request.state });
                }
                let volunteer = std::mem::replace(&mut request.requester, resident.to_owned());
                reindex(by_requester, &volunteer, resident, number)?;
                request.origin_room = origin_room.to_owned();
                request.neighbourhood = neighbourhood.map(str::to_owned);
                request.lang = lang;
                request.state = State::Claimed { volunteer: volunteer.clone(), at: now };
                request.follow_up = FollowUp { since: Some(now), done: Vec::new() };
                append_log(log, now, number, resident, Outcome::OfferTaken, None)?;
                append_log(log, now, number, &volunteer, Outcome::Claimed, None)?;
                let queued = journal(effects, plan(&request, &volunteer), &[])?;
                // The plan retires the posts: nothing later retires them again.
                for post in &mut request.posts {
                    post.event = None;
                }
                put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                Ok((request, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }
}
