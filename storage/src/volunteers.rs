//! A coordinator's decision about a volunteer (vet, unvet, ban, unban) as one transition:
//! the status and its audit, the requests they held given back, and what it all owes on
//! Matrix (their memberships changed room by room, the coordinator answered).

use sled::Transactional;

use crate::{
    Store,
    codec::put,
    error::{TransitionError, transition_error},
    journal::Queued,
    journal::journal,
    model::{Effect, FollowUp, Outcome, REQUESTS, Request, State, VolunteerStatus},
    people::StatusChange,
    requests::check_holder,
    transition::{append_log, get_request},
};

impl Store {
    /// Applies `change`, gives back (forced, by the coordinator) each request of `held`
    /// that the person still holds, dropping what its claim still owed (the effect ids
    /// given with it, read before), and journals what `plan` says it all owes, from the
    /// status before and the requests given back with the private room each had: all in
    /// one transaction, so that a crash loses none of it and a restart resumes its
    /// effects. Returns the status before, the requests given back and the effects.
    pub async fn change_volunteer(
        &self,
        change: StatusChange<'_>,
        held: &[(u64, Vec<u64>)],
        plan: impl Fn(VolunteerStatus, &[(Request, Option<String>)]) -> Vec<Effect>,
    ) -> Result<(VolunteerStatus, Vec<Request>, Vec<Queued>), TransitionError> {
        let trees = (&self.people, &self.audit, &self.requests, &self.log, &self.effects);
        let (before, released, queued) = trees
            .transaction(|(people, audit, requests, log, effects)| {
                let before = change.apply(people, audit)?;
                let mut released = Vec::new();
                let mut dropped = Vec::new();
                for (number, owed) in held {
                    let mut request = get_request(requests, *number)?;
                    // Given back or closed meanwhile: not theirs to give back any more.
                    if check_holder(&request, change.user_id, true).is_err() {
                        continue;
                    }
                    request.state = State::Open;
                    request.follow_up = FollowUp { since: Some(change.now), done: Vec::new() };
                    let room = request.private_room.take();
                    put(requests, REQUESTS, &number.to_be_bytes(), &request)?;
                    append_log(log, change.now, *number, change.by, Outcome::Released, None)?;
                    dropped.extend_from_slice(owed);
                    released.push((request, room));
                }
                let queued = journal(effects, plan(before, &released), &dropped)?;
                Ok((before, released, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        let released = released.into_iter().map(|(request, _)| request).collect();
        Ok((before, released, queued))
    }
}
