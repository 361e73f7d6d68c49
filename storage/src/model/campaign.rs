//! What `campaigns` and `checkins` hold: check-in campaigns over the alert register
//! ([`Campaign`]) and each registered person's check-in in one ([`CheckIn`]).

use chrono::{DateTime, Utc};
use entraide_commands::CampaignKind;
use serde::{Deserialize, Serialize};

/// A campaign: every active register entry called, round after round, until it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Its number, in the campaigns' own numbering.
    pub number: u64,
    /// What it is for.
    pub kind: CampaignKind,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// The coordinator who started it.
    pub started_by: String,
    /// The current round, from 1.
    pub round: u32,
    /// When the current round started (the lists were handed out).
    pub round_started: DateTime<Utc>,
    /// When it ended; `None` while it runs.
    pub ended_at: Option<DateTime<Utc>>,
    /// The board's pinned message in the coordination room (an event id), once posted:
    /// edited from then on rather than posted again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<String>,
    /// When the follow-up last brought the board up to date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board_shown: Option<DateTime<Utc>>,
}

/// One registered person's check-in in a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    /// The campaign.
    pub campaign: u64,
    /// The register entry.
    pub entry: u64,
    /// Who calls them (a caller's or a coordinator's Matrix id).
    pub caller: String,
    /// Their neighbourhood, as the register has it (for the board).
    pub area: Option<String>,
    /// Where this round stands.
    pub status: CheckStatus,
    /// Every call made, every round, oldest first.
    pub attempts: Vec<Attempt>,
    /// When the caller is to be reminded to call again (after no answer).
    pub retry_at: Option<DateTime<Utc>>,
}

impl CheckIn {
    /// The calls without an answer in `round`.
    pub fn unanswered(&self, round: u32) -> usize {
        self.attempts
            .iter()
            .filter(|attempt| attempt.round == round && attempt.outcome == CallOutcome::NoAnswer)
            .count()
    }

    /// When the caller last recorded a call of it, if ever.
    pub fn last_call(&self) -> Option<DateTime<Utc>> {
        self.attempts.last().map(|attempt| attempt.at)
    }
}

/// Where a check-in stands in the current round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Not tried yet this round.
    Waiting,
    /// Reached, and fine.
    Reached,
    /// Tried without an answer; to be tried again.
    NoAnswer,
    /// Reached, and needs something (a request of the scheme, or the coordinators).
    NeedsHelp,
    /// Someone must go to the door.
    Visit,
    /// Not reached after the round's tries: the coordinators were alerted.
    Escalated,
}

impl CheckStatus {
    /// Whether the person was reached this round.
    pub fn reached(self) -> bool {
        matches!(self, CheckStatus::Reached | CheckStatus::NeedsHelp)
    }

    /// Whether the caller still has to call them this round.
    pub fn open(self) -> bool {
        matches!(self, CheckStatus::Waiting | CheckStatus::NoAnswer)
    }
}

/// One call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// In which round.
    pub round: u32,
    /// Who recorded it.
    pub by: String,
    /// How it went.
    pub outcome: CallOutcome,
}

/// How a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// Reached, all well.
    Reached,
    /// No answer.
    NoAnswer,
    /// Reached, needs something.
    NeedsHelp,
    /// A visit is needed.
    Visit,
}
