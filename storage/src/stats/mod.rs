//! Figures for the commune: computed from the requests, the outcome log and the
//! volunteers' records only, as counts. No id and no text leaves this module; the
//! caller hides small groups ([`SMALL`]) when it shows them.
//!
//! Here, what the figures are asked for and what they are; in `count`, how they are
//! counted from what is stored ([`Store::figures`](crate::Store::figures)).

mod count;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entraide_commands::{AgeBand, Gender, Profile};

use crate::model::Category;

/// Groups of fewer people than this are shown as "< 5", never as their number: in a
/// village, "2 requests for a mother in Les Tilleuls" names someone.
pub const SMALL: usize = 5;

/// What the figures are asked for.
#[derive(Debug, Clone)]
pub struct FigureQuery<'a> {
    /// The period's first instant.
    pub from: DateTime<Utc>,
    /// The instant after the period.
    pub to: DateTime<Utc>,
    /// The first instant of the period before it, of the same length (it ends at `from`).
    pub before: DateTime<Utc>,
    /// The commune of each neighbourhood, by its name.
    pub communes: &'a HashMap<String, String>,
    /// The commune of requests with no neighbourhood, or one the configuration does not
    /// place (the community's name).
    pub default_commune: &'a str,
    /// The room requests taken by phone are followed in (the coordination room).
    pub phone_room: &'a str,
    /// When the volunteers' breaks are looked at.
    pub now: DateTime<Utc>,
}

/// How requests stand, by state, today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByState {
    /// Open, waiting for a volunteer.
    pub open: usize,
    /// Held by a volunteer.
    pub claimed: usize,
    /// Done.
    pub done: usize,
    /// Cancelled.
    pub cancelled: usize,
    /// Expired.
    pub expired: usize,
}

/// How many times each volunteer helped in the period (requests done).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    /// Once.
    pub once: usize,
    /// Two to five times.
    pub few: usize,
    /// More than five times.
    pub many: usize,
}

/// The volunteers as they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Volunteers {
    /// Who accepted the charter (any version).
    pub signed: usize,
    /// Vetted (not banned).
    pub vetted: usize,
    /// Vetted and on a break now.
    pub paused: usize,
    /// Who took or closed a request in the period.
    pub active: usize,
}

/// The profiles declared by a group of people (`!profil`): how many declared one, and
/// how many gave each age band and each gender.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    /// People of the group who declared anything.
    pub answered: usize,
    /// By age band.
    pub by_age: BTreeMap<AgeBand, usize>,
    /// By gender.
    pub by_gender: BTreeMap<Gender, usize>,
}

impl Declared {
    fn count(&mut self, profile: &Profile) {
        self.answered += 1;
        if let Some(age) = profile.age {
            *self.by_age.entry(age).or_default() += 1;
        }
        if let Some(gender) = profile.gender {
            *self.by_gender.entry(gender).or_default() += 1;
        }
    }
}

/// The requests of one commune, with its neighbourhoods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commune {
    /// Requests posted in the period.
    pub requests: usize,
    /// By neighbourhood (`None`: no neighbourhood, a direct chat or a phone call).
    pub neighbourhoods: BTreeMap<Option<String>, usize>,
}

/// The figures of a period, and the main ones of the period before it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Requests posted in the period (offers nobody took up are not requests).
    pub requests: usize,
    /// Those posted in the period before.
    pub requests_before: usize,
    /// The period's requests by how they stand.
    pub by_state: ByState,
    /// By category.
    pub by_category: BTreeMap<Category, usize>,
    /// When each of the period's requests was posted, and its category, in the order of
    /// the store: what a chart of requests over time is drawn from.
    pub posted: Vec<(DateTime<Utc>, Category)>,
    /// By commune, by name.
    pub by_commune: BTreeMap<String, Commune>,
    /// Distinct people who asked in the period (by chat: a phone-in's requester is the
    /// coordinator, not the person who phoned).
    pub beneficiaries: usize,
    /// The same in the period before.
    pub beneficiaries_before: usize,
    /// Requests for someone else ("pour ma mère").
    pub on_behalf: usize,
    /// Requests taken by phone.
    pub by_phone: usize,
    /// How long the period's claimed requests waited for their first claim, in minutes,
    /// sorted.
    pub claim_minutes: Vec<i64>,
    /// The volunteers.
    pub volunteers: Volunteers,
    /// Requests done in the period by volunteer, bucketed.
    pub load: Load,
    /// Requests done in the period before, for the change.
    pub done_before: usize,
    /// The profiles the people who asked in the period declared.
    pub declared_beneficiaries: Declared,
    /// The profiles the vetted volunteers declared.
    pub declared_volunteers: Declared,
}

impl Figures {
    /// The median wait for a claim, in minutes; `None` below [`SMALL`] claims.
    pub fn claim_median(&self) -> Option<i64> {
        self.claim_percentile(50)
    }

    /// The wait nine claims in ten stayed under, in minutes; `None` below [`SMALL`].
    pub fn claim_p90(&self) -> Option<i64> {
        self.claim_percentile(90)
    }

    /// The nearest-rank percentile `p` of the claim waits.
    fn claim_percentile(&self, p: usize) -> Option<i64> {
        let n = self.claim_minutes.len();
        if n < SMALL {
            return None;
        }
        // Nearest rank: the smallest value with at least p % of the values at or below it.
        let rank = (p * n).div_ceil(100).clamp(1, n);
        self.claim_minutes.get(rank - 1).copied()
    }
}
