//! What `rooms` and `spares` hold: [`RoomKind`] and [`Spare`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a room is to the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RoomKind {
    /// A neighbourhood room, with its name.
    Neighbourhood {
        /// The neighbourhood's name.
        name: String,
    },
    /// A direct chat with one person.
    Direct {
        /// That person.
        user: String,
    },
    /// The vetted volunteers' room.
    Volunteers,
    /// The coordinators' room.
    Coordination,
    /// The private room of a request.
    Private {
        /// The request.
        request: u64,
    },
}

/// A private room made ahead of any claim, so that a claim only names it and invites
/// its two people (making a room is the homeserver's slowest answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spare {
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// The journal id of the effect that took it for a claim, once taken: a claim
    /// resumed after a stop goes on in the same room.
    pub taken_by: Option<u64>,
}
