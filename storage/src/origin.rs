//! Where a request's requester is answered: the room it was asked in, until it moves to
//! their direct chat.

use super::{REQUESTS, Store, TransitionError, get_request, put, transition_error};

impl Store {
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
}
