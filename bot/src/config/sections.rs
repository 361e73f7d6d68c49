//! The configuration's sections with their defaults, and the checks of what serde cannot
//! say about them (delays above zero, in order).

use std::{net::SocketAddr, time::Duration};

use serde::Deserialize;

use super::{ConfigError, invalid};

/// The operators' HTTP listener: `GET /healthz` and `GET /metrics` (Prometheus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Where to listen, e.g. "127.0.0.1:9187"; `None` (the default): no listener.
    pub listen: Option<SocketAddr>,
    /// `/healthz` answers 503 when the last successful sync is older than this.
    #[serde(with = "humantime_serde")]
    pub stale_after: Duration,
}

impl Default for HttpConfig {
    /// No listener; a sync older than two minutes is stale (a healthy bot syncs at least
    /// every half minute).
    fn default() -> HttpConfig {
        HttpConfig { listen: None, stale_after: Duration::from_secs(120) }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One readable line per event (the default).
    #[default]
    Text,
    /// One JSON object per line, with the same fields, for log collectors.
    Json,
}

/// What the figures for the commune may ask people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FiguresConfig {
    /// Ask each person who asks for help or volunteers, once and optionally, an age band
    /// and a gender (`!profil`), kept apart and counted only in groups of five or more.
    /// Off unless the commune turns it on (and says so in its record of processing).
    pub profile: bool,
}

/// How much one person may ask, so that one person (or a script) cannot flood the
/// volunteers; coordinators, who post for people who phoned, are not limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Requests a person may have open or under way at once.
    pub open_requests: usize,
    /// Requests a person may post in 24 hours.
    pub requests_per_day: usize,
}

impl Default for Limits {
    /// Three at once, ten a day.
    fn default() -> Limits {
        Limits { open_requests: 3, requests_per_day: 10 }
    }
}

/// When the bot follows up on a request that waits, counted from the start of its current
/// phase (posted or given back; claimed). Written in the file as "2h", "3d", "90min".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FollowUp {
    /// An open request is brought back to the volunteers' attention.
    #[serde(with = "humantime_serde")]
    pub remind_after: Duration,
    /// The coordinators are told that nobody took an open request.
    #[serde(with = "humantime_serde")]
    pub escalate_after: Duration,
    /// An open request expires (the requester is told).
    #[serde(with = "humantime_serde")]
    pub expire_after: Duration,
    /// An open request for a given time expires this long after that time.
    #[serde(with = "humantime_serde")]
    pub expire_grace: Duration,
    /// The volunteer holding a request is asked how it goes, in the private room.
    #[serde(with = "humantime_serde")]
    pub nudge_after: Duration,
    /// The coordinators are told that a claimed request is not closed.
    #[serde(with = "humantime_serde")]
    pub escalate_claim_after: Duration,
    /// Each occurrence of a repeating request is relayed this long before its day
    /// (at most one occurrence's interval ahead).
    #[serde(with = "humantime_serde")]
    pub repeat_ahead: Duration,
}

const HOUR: Duration = Duration::from_secs(3600);

impl Default for FollowUp {
    /// Two hours for a reminder, six for the coordinators, three days to expire (or two
    /// hours after the time asked for); a claim is followed up after three and seven days;
    /// an occurrence of a repeating request is relayed two days ahead.
    fn default() -> FollowUp {
        FollowUp {
            remind_after: 2 * HOUR,
            escalate_after: 6 * HOUR,
            expire_after: 72 * HOUR,
            expire_grace: 2 * HOUR,
            nudge_after: 72 * HOUR,
            escalate_claim_after: 168 * HOUR,
            repeat_ahead: 48 * HOUR,
        }
    }
}

/// How long personal data is kept (GDPR Art. 5(1)(e)): the commune's choice, with
/// defaults in the spirit of the CNIL's guidance for social action. Written as "90d".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Retention {
    /// The text and notes of a closed request are erased this long after it closed.
    #[serde(with = "humantime_serde")]
    pub closed_texts: Duration,
    /// A person with no activity for this long is erased.
    #[serde(with = "humantime_serde")]
    pub inactive_people: Duration,
    /// Who did what in the outcome log is pseudonymised after this long.
    #[serde(with = "humantime_serde")]
    pub log_actors: Duration,
    /// The ids of handled Matrix events (kept so that none is handled twice) are pruned
    /// after this long.
    #[serde(with = "humantime_serde")]
    pub handled_events: Duration,
}

const DAY: Duration = Duration::from_secs(86_400);

impl Default for Retention {
    /// Request texts 90 days after closing, people two years after their last activity,
    /// actors in the log one year, handled event ids seven days.
    fn default() -> Retention {
        Retention {
            closed_texts: 90 * DAY,
            inactive_people: 730 * DAY,
            log_actors: 365 * DAY,
            handled_events: 7 * DAY,
        }
    }
}

/// The rhythm of a check-in campaign (crisis mode). Written as "2h", "1d".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignConfig {
    /// A person not reached is to be called again this long after the last try.
    #[serde(with = "humantime_serde")]
    pub retry_after: Duration,
    /// After this many calls without an answer in a round, the coordinators are alerted
    /// with the emergency contact and the address.
    pub attempts: u32,
    /// A round of calls starts again this often, until the campaign ends.
    #[serde(with = "humantime_serde")]
    pub round_every: Duration,
    /// The calm days' round (`!campagne appels`) starts again this often instead.
    #[serde(with = "humantime_serde")]
    pub routine_every: Duration,
    /// A caller who recorded nothing for this long while people on their list wait has
    /// them handed to another caller.
    #[serde(with = "humantime_serde")]
    pub quiet_after: Duration,
}

impl CampaignConfig {
    /// How often a round of a campaign of `kind` starts again.
    pub fn every(&self, kind: &entraide_commands::CampaignKind) -> chrono::TimeDelta {
        let every = match kind {
            entraide_commands::CampaignKind::Routine => self.routine_every,
            _ => self.round_every,
        };
        chrono::TimeDelta::from_std(every).unwrap_or(chrono::TimeDelta::MAX)
    }
}

impl Default for CampaignConfig {
    /// Again after two hours, alert after three unanswered calls, a round a day (a calm
    /// days' round every 30 days), a quiet caller's list handed over after four hours.
    fn default() -> CampaignConfig {
        CampaignConfig {
            retry_after: 2 * HOUR,
            attempts: 3,
            round_every: 24 * HOUR,
            routine_every: 30 * 24 * HOUR,
            quiet_after: 4 * HOUR,
        }
    }
}

/// Each delay is positive, at least one call is made, and a retry fits in a round.
pub(super) fn check_campaign(campaign: &CampaignConfig) -> Result<(), ConfigError> {
    let CampaignConfig { retry_after, attempts, round_every, routine_every, quiet_after } =
        *campaign;
    for (option, delay) in [
        ("campaign.retry_after", retry_after),
        ("campaign.round_every", round_every),
        ("campaign.routine_every", routine_every),
        ("campaign.quiet_after", quiet_after),
    ] {
        if delay.is_zero() {
            return invalid(option, "expected a delay longer than zero, such as \"2h\"".to_owned());
        }
    }
    if attempts == 0 {
        return invalid("campaign.attempts", "at least one call is made".to_owned());
    }
    if retry_after >= round_every.min(routine_every) {
        return invalid(
            "campaign.retry_after",
            "a person not reached is called again within the round (round_every, routine_every)"
                .to_owned(),
        );
    }
    Ok(())
}

/// Each delay is positive, and each step of a phase comes after the one before it.
pub(super) fn check_follow_up(follow_up: &FollowUp) -> Result<(), ConfigError> {
    let FollowUp {
        remind_after,
        escalate_after,
        expire_after,
        expire_grace,
        nudge_after,
        escalate_claim_after,
        // Zero is a choice: each occurrence relayed at the start of its day.
        repeat_ahead: _,
    } = *follow_up;
    let delays = [
        ("follow_up.remind_after", remind_after),
        ("follow_up.escalate_after", escalate_after),
        ("follow_up.expire_after", expire_after),
        ("follow_up.expire_grace", expire_grace),
        ("follow_up.nudge_after", nudge_after),
        ("follow_up.escalate_claim_after", escalate_claim_after),
    ];
    for (option, delay) in delays {
        if delay.is_zero() {
            return invalid(option, "expected a delay longer than zero, such as \"2h\"".to_owned());
        }
    }
    let order = [
        ("follow_up.escalate_after", escalate_after, "remind_after", remind_after),
        ("follow_up.expire_after", expire_after, "escalate_after", escalate_after),
        ("follow_up.escalate_claim_after", escalate_claim_after, "nudge_after", nudge_after),
    ];
    for (option, later, before, earlier) in order {
        if later < earlier {
            let (later, earlier) =
                (humantime::format_duration(later), humantime::format_duration(earlier));
            return invalid(
                option,
                format!("{later} comes before {before} ({earlier}); expected it after"),
            );
        }
    }
    Ok(())
}
