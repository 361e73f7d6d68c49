//! What `log` and `audit` hold: the outcome log ([`LogEntry`], [`Outcome`]) and the audit
//! of the coordinators' actions ([`AuditEntry`], [`AuditAction`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// Brought back to the volunteers' attention.
    Reminded,
    /// The coordinators were told that nobody took it.
    Escalated,
    /// The volunteer holding it was asked how it goes.
    Nudged,
    /// The coordinators were told that it is held and not closed.
    EscalatedClaim,
    /// Someone's data was erased at their request (GDPR Art. 17), by them or by the
    /// coordinator who is the actor; about no request (number 0), and naming no one else.
    Erased,
    /// The person who asked said how it went (the note: 👍, 👎 or their word).
    Feedback,
    /// A volunteer offered help (the actor), before anyone asked.
    Offered,
    /// A resident (the actor) took up a volunteer's offer, which became their request.
    OfferTaken,
}

/// What a coordinator did, for the audit of the coordinators' actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Vetted a volunteer.
    Vet,
    /// Took a volunteer off the vetted ones, without a ban.
    Unvet,
    /// Banned someone.
    Ban,
    /// Lifted a ban.
    Unban,
    /// Erased someone's data at their request (the target is not kept).
    Erase,
    /// Gave an open request to a volunteer of their choice.
    Assign,
    /// Stopped someone's requests.
    Block,
    /// Let someone's requests through again.
    Unblock,
    /// Vetted a volunteer who had not accepted the charter (recorded with the vetting).
    Override,
    /// Entered someone on the alert register.
    Enrol,
    /// Corrected a field of a register entry.
    Amend,
    /// Recorded that a registration was acknowledged.
    Acknowledge,
    /// Recorded that a person registered by someone else agreed.
    ConfirmEntry,
    /// Took someone off the register.
    Unenrol,
    /// Imported a spreadsheet into the register.
    Import,
    /// Exported the register (for the préfet, R121-8).
    Export,
    /// Named someone a caller of the register (R121-7).
    NameCaller,
    /// Took someone off the callers.
    UnnameCaller,
    /// A caller accepted the confidentiality clause (the actor is the caller).
    CallerAccepted,
    /// Started a check-in campaign (its number in `entry`).
    StartCampaign,
    /// Ended a check-in campaign (its number in `entry`).
    EndCampaign,
}

/// One line of the audit of the coordinators' actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// Who did it (a coordinator's Matrix id, or a pseudonym once forgotten).
    pub actor: String,
    /// What they did.
    pub action: AuditAction,
    /// To whom, if it is kept.
    pub target: Option<String>,
    /// Why, as they wrote it.
    pub reason: Option<String>,
    /// The request it was about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<u64>,
    /// The register entry it was about, if any (its number, never the person's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
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
