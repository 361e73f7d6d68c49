//! What `requests` holds: [`Request`], where it stands ([`State`]), its follow-up
//! ([`FollowUp`], [`Step`]), its series and an offer's posts; and [`NewRequest`], what the
//! bot hands over to make one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Lang, Reading, Repeat};

/// Where a request stands. `Open -> Claimed -> Done | Cancelled | Expired`, with
/// `Claimed -> Open` when the volunteer gives it back. A volunteer's offer starts as
/// `Offered` (its requester is then the volunteer) and goes to `Claimed` when a resident
/// takes it up (they become its requester), or to `Cancelled` or `Expired`.
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
    /// A volunteer's offer, posted in neighbourhood rooms, that nobody has taken up yet.
    Offered,
}

impl State {
    /// Its name, as the operators' metrics label it: `open`, `claimed`, `done`,
    /// `cancelled`, `expired`, `offered`.
    pub fn name(&self) -> &'static str {
        match self {
            State::Open => "open",
            State::Claimed { .. } => "claimed",
            State::Done { .. } => "done",
            State::Cancelled { .. } => "cancelled",
            State::Expired => "expired",
            State::Offered => "offered",
        }
    }

    /// Open, offered or claimed: still under way.
    pub fn is_active(&self) -> bool {
        matches!(self, State::Open | State::Offered | State::Claimed { .. })
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
    /// With this request the requester gets the notice on their data (their first):
    /// recorded in the same transaction (see [`Store::is_informed`](crate::Store::is_informed)).
    pub informs: bool,
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
    /// The reminders already sent in the current phase (open, or claimed).
    #[serde(default)]
    pub follow_up: FollowUp,
    /// For a volunteer's offer: where it is posted (its messages in neighbourhood
    /// rooms). Empty for a request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post>,
    /// For a request that repeats (a coordinator's "chaque mardi"): its rhythm and where
    /// the series stands. `None` for a one-off request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Series>,
}

/// Where a repeating request's series stands, as seen from one occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// How often it repeats.
    pub every: Repeat,
    /// The number of the next occurrence, once it is made; `None` while this one is the
    /// latest.
    pub next: Option<u64>,
    /// When a coordinator stopped the series (recorded on its latest occurrence).
    pub stopped: Option<DateTime<Utc>>,
}

/// Where an offer is posted: a neighbourhood room, and its message there once sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// The room id.
    pub room: String,
    /// The offer's message there; `None` until it is sent.
    pub event: Option<String>,
}

impl Request {
    /// Whether it is the latest occurrence of a series that goes on: the next one is
    /// still to be made.
    pub fn repeats_on(&self) -> bool {
        self.repeat.as_ref().is_some_and(|series| series.next.is_none() && series.stopped.is_none())
    }

    /// Whether it began as a volunteer's offer.
    pub fn is_offer(&self) -> bool {
        !self.posts.is_empty()
    }

    /// When its current phase began: posted or given back (open), or claimed.
    pub fn phase_start(&self) -> DateTime<Utc> {
        match (self.follow_up.since, &self.state) {
            (Some(since), _) => since,
            // Written before phases were recorded.
            (None, State::Claimed { at, .. }) => *at,
            (None, _) => self.created_at,
        }
    }
}

/// What was done about a request that waits: each reminder fires once per phase (a
/// release starts a new open phase, a claim a claimed one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// When the current phase began; `None`: when the request was posted.
    pub since: Option<DateTime<Utc>>,
    /// The steps already taken in this phase.
    pub done: Vec<Step>,
}

/// A step the bot takes by itself when a request waits too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// An open request is brought back to the volunteers' attention.
    Remind,
    /// The coordinators are told that nobody took an open request.
    Escalate,
    /// An open request whose time has passed, or that waited too long, expires.
    Expire,
    /// The volunteer holding a request is gently asked how it goes.
    Nudge,
    /// The coordinators are told that a claimed request is not closed.
    EscalateClaim,
}
