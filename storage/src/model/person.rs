//! What `people` and `profiles` hold: [`Person`] (with [`Signature`], [`Pause`],
//! [`Block`]) and [`ProfileRecord`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Profile, VolunteerStatus};

/// The optional profile a person was asked for, and what they declared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProfileRecord {
    /// When the bot asked them (once).
    pub asked_at: Option<DateTime<Utc>>,
    /// What they declared (nothing if they did not answer or erased it).
    pub profile: Profile,
    /// When they last answered.
    pub answered_at: Option<DateTime<Utc>>,
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
    /// Why (a ban's reason, the vetting's note).
    pub reason: Option<String>,
    /// Whether their requests are refused (spam, abuse), whatever their volunteer
    /// status; who blocked them is in the audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Block>,
    /// The volunteer's charter as they last accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charter: Option<Signature>,
    /// A break the volunteer takes: not mentioned in relays while it lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
    /// The neighbourhoods the volunteer prefers, by their names in the configuration:
    /// relays of their requests mention them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
    /// Named by a coordinator to call the people of the alert register (R121-7); who
    /// named them is in the audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<Caller>,
}

impl Person {
    /// Whether a pause keeps them away at `now` (a pause with an end is over from then).
    pub fn is_paused(&self, now: DateTime<Utc>) -> bool {
        self.pause.as_ref().is_some_and(|pause| pause.until.is_none_or(|until| now < until))
    }
}

/// A caller of the alert register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// Since when, in UTC.
    pub since: DateTime<Utc>,
    /// Their acceptance of the callers' confidentiality clause: until then, they are
    /// given no register data.
    pub accepted: Option<Signature>,
}

impl Person {
    /// Whether they are a caller who accepted the confidentiality clause: one who may
    /// read register data.
    pub fn is_sworn_caller(&self) -> bool {
        self.caller.as_ref().is_some_and(|caller| caller.accepted.is_some())
    }
}

/// An acceptance of the volunteer's charter (or of the callers' clause).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// Which text: a hash of it, so that a new text asks for a new acceptance.
    pub version: String,
}

/// A volunteer's break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// Since when, in UTC.
    pub since: DateTime<Utc>,
    /// When it ends by itself; `None`: when they say they are back.
    pub until: Option<DateTime<Utc>>,
}

/// A block on a person's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Since when, in UTC.
    pub at: DateTime<Utc>,
    /// Why, as the coordinator wrote it.
    pub reason: Option<String>,
}
