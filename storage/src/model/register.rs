//! What `register` holds: the commune's alert register ([`Registration`]), apart from
//! requests and never relayed.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_commands::register::{AskedBy, Particulars};
use serde::{Deserialize, Serialize};

/// The acknowledgement of a registration is due within eight days of the request (R121-6).
pub const ACKNOWLEDGE_WITHIN: TimeDelta = TimeDelta::days(8);

/// How long after they last said so a person is asked whether they still want to be on
/// the register: the yearly round.
pub const REVIEW_EVERY: TimeDelta = TimeDelta::days(365);

/// One person on the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Its number, in the register's own numbering.
    pub number: u64,
    /// What the register holds about the person.
    pub particulars: Particulars,
    /// Whether it counts yet.
    pub status: Enrolment,
    /// When the registration was asked for (R121-6: the date of the request).
    pub asked_at: DateTime<Utc>,
    /// How it came in.
    pub way: Way,
    /// Who entered it: a coordinator's or a resident's Matrix id.
    pub entered_by: String,
    /// When the coordinators recorded that the acknowledgement was sent.
    pub acknowledged: Option<DateTime<Utc>>,
    /// Whether the coordinators were reminded that the acknowledgement is due.
    pub reminded: bool,
    /// When the person last said they want to stay on it (at entry, then each yearly
    /// round).
    pub confirmed_at: DateTime<Utc>,
    /// When the yearly question went out (to the person, or to the coordinators), until
    /// it is answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_asked: Option<DateTime<Utc>>,
}

impl Registration {
    /// When the acknowledgement is due.
    pub fn acknowledge_by(&self) -> DateTime<Utc> {
        self.asked_at + ACKNOWLEDGE_WITHIN
    }

    /// When the person is to be asked whether they still want to be on it.
    pub fn review_due(&self) -> DateTime<Utc> {
        self.confirmed_at + REVIEW_EVERY
    }

    /// Records that the person wants to stay on it, now: the next question in a year.
    pub fn renew(&mut self, now: DateTime<Utc>) {
        self.confirmed_at = now;
        self.review_asked = None;
    }

    /// Whether the registration was asked by someone else than the person.
    pub fn by_third_party(&self) -> bool {
        matches!(self.particulars.asked_by, AskedBy::ThirdParty(_))
    }

    /// Whether it is `user`'s own registration, asked in chat for themself.
    pub fn is_own(&self, user: &str) -> bool {
        self.way == Way::Chat && self.entered_by == user && !self.by_third_party()
    }

    /// Whether `user` appears in it (who entered it, or the emergency contact's account).
    pub fn names(&self, user: &str) -> bool {
        self.entered_by == user
            || self.particulars.contact.as_ref().and_then(|c| c.matrix.as_deref()) == Some(user)
    }
}

/// Whether an entry counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enrolment {
    /// Asked by a third party, or by a resident in chat: waits until a coordinator
    /// confirms that the person was told and did not object (R121-6).
    Pending,
    /// On the register: called in campaigns.
    Active,
}

/// How a registration came in (R121-4: in writing or otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    /// A coordinator entered it (after a call, a visit, a letter).
    Coordinator,
    /// A resident asked in a direct chat with the bot, for themself or a relative.
    Chat,
    /// From a commune's spreadsheet.
    Import,
}

/// A registration to make: what [`crate::Store::enrol`] is handed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// What the register will hold.
    pub particulars: Particulars,
    /// How it came in.
    pub way: Way,
    /// Who entered it (a Matrix id).
    pub entered_by: String,
}

impl NewEntry {
    /// Whether it starts pending: asked by a third party, or asked in chat (the
    /// coordinators check with the person first).
    pub fn starts_pending(&self) -> bool {
        self.way == Way::Chat || matches!(self.particulars.asked_by, AskedBy::ThirdParty(_))
    }
}
