//! What the event handlers hand to the worker: one [`Job`] per event worth a look.

use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId};

/// Something for the worker to handle.
#[derive(Debug)]
pub enum Job {
    /// A text message (maybe a command).
    Message {
        /// Where.
        room: OwnedRoomId,
        /// Its event id.
        event: OwnedEventId,
        /// Who wrote it.
        sender: OwnedUserId,
        /// Its plain body.
        body: String,
        /// Its HTML body, if any (pills name people there).
        html: Option<String>,
        /// The thread it was written in, if any.
        thread: Option<OwnedEventId>,
    },
    /// A reaction (maybe a claim).
    Reaction {
        /// Where.
        room: OwnedRoomId,
        /// The reaction's event id.
        event: OwnedEventId,
        /// Who reacted.
        sender: OwnedUserId,
        /// The event reacted to.
        target: OwnedEventId,
        /// The reaction's key (an emoji).
        key: String,
    },
    /// An invitation of the bot into a room.
    Invite {
        /// The room.
        room: OwnedRoomId,
        /// Who invited.
        inviter: OwnedUserId,
        /// Whether it is a direct chat.
        direct: bool,
    },
}
