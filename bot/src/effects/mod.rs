//! What transitions owe the world on Matrix, carried out durably.
//!
//! A command's store transition records, in the same sled transaction, the effects it
//! owes ([`crate::plan`] builds them: the relay, the confirmation, the private room, …)
//! and hands them to the [`crate::outbox`]. The [`run`] dispatcher carries them out: the
//! effects of one request in one lane (one room) in order, everything else concurrently,
//! urgent ones first when the homeserver limits the bot's rate. `act` does each one
//! idempotently (transaction ids, a marker in the private room's state) with retries
//! ([`crate::retry`]), and removes it from the journal; a claim's private room is made in
//! `claim`, a coordinator's decision about a volunteer carried out room by room in
//! `moderate`, a person's rights in `rights`, the register's export in `register`, a
//! campaign's pinned board in `board`. At start, what a stop interrupted resumes before
//! anything new.

mod act;
mod board;
mod claim;
mod moderate;
mod register;
mod report;
mod rights;
pub mod run;
mod send;

use entraide_storage::Request;
use matrix_sdk::ruma::{EventId, OwnedEventId};

/// The relay message of a request, if it was relayed.
pub fn relay_id(request: &Request) -> Option<OwnedEventId> {
    request.relay_event.as_deref().and_then(|id| EventId::parse(id).ok())
}
