//! What the store holds.

use chrono::{DateTime, Utc};
use entraide_commands::{Lang, Reading, VolunteerStatus};
use serde::{Deserialize, Serialize};

/// Where a request stands. `Open -> Claimed -> Done | Cancelled | Expired`, with
/// `Claimed -> Open` when the volunteer gives it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum State {
    /// Waiting for a volunteer.
    Open,
    /// A volunteer holds it.
    Claimed {
        /// The volunteer's user id.
        volunteer: String,
        /// Since when.
        at: DateTime<Utc>,
    },
    /// The volunteer did it.
    Done {
        /// The volunteer's user id.
        volunteer: String,
        /// When it was closed.
        at: DateTime<Utc>,
    },
    /// The requester or a coordinator cancelled it.
    Cancelled {
        /// Who cancelled.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Nobody took it in time.
    Expired,
}

impl State {
    /// Open or claimed: still under way.
    pub fn is_active(&self) -> bool {
        matches!(self, State::Open | State::Claimed { .. })
    }

    /// The volunteer holding the request, if it is claimed.
    pub fn holder(&self) -> Option<&str> {
        match self {
            State::Claimed { volunteer, .. } => Some(volunteer),
            _ => None,
        }
    }
}

/// What the bot is told when a request is posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// The Matrix id of the person who asked; never relayed to volunteers.
    pub requester: String,
    /// The room it was asked in, where the requester is told of progress.
    pub origin_room: String,
    /// The neighbourhood's name, when asked in a neighbourhood room.
    pub neighbourhood: Option<String>,
    /// The free text.
    pub text: String,
    /// What the bot understood of it.
    pub reading: Reading,
    /// The requester's language.
    pub lang: Lang,
}

/// A request for help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Its short, stable number.
    pub number: u64,
    /// The Matrix id of the person who asked.
    pub requester: String,
    /// The room it was asked in.
    pub origin_room: String,
    /// The neighbourhood's name.
    pub neighbourhood: Option<String>,
    /// The free text.
    pub text: String,
    /// What the bot understood of it.
    pub reading: Reading,
    /// The requester's language.
    pub lang: Lang,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// Where it stands.
    pub state: State,
    /// Its relay message in the volunteers room.
    pub relay_event: Option<String>,
    /// The private room of the current claim.
    pub private_room: Option<String>,
}

/// A step in a request's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Posted.
    Created,
    /// Relayed to the volunteers room.
    Relayed,
    /// Claimed by a volunteer.
    Claimed,
    /// Its private room was created.
    PrivateRoomCreated,
    /// Given back by the volunteer (or on their ban).
    Released,
    /// Done.
    Done,
    /// Cancelled.
    Cancelled,
    /// Expired.
    Expired,
}

/// One line of the outcome log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// The request.
    pub number: u64,
    /// Who did it (a Matrix id, or `bot`).
    pub actor: String,
    /// What happened.
    pub outcome: Outcome,
    /// The volunteer's note, for `Done`.
    pub note: Option<String>,
}

/// What the bot knows of a person.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Person {
    /// Their standing as a volunteer.
    pub status: VolunteerStatus,
    /// The coordinator who last changed it.
    pub changed_by: Option<String>,
    /// When.
    pub changed_at: Option<DateTime<Utc>>,
    /// Why (for a ban).
    pub reason: Option<String>,
}

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
