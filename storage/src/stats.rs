//! Figures for the commune: computed from the requests, the outcome log and the
//! volunteers' records only, as counts. No id and no text leaves this module; the
//! caller hides small groups ([`SMALL`]) when it shows them.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::{
    Store, StoreError,
    model::{
        Category, LOG, LogEntry, Outcome, PEOPLE, Person, REQUESTS, Request, State, VolunteerStatus,
    },
};

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

/// The figures of `query`'s period from what the store holds.
pub fn figures(
    requests: &[Request],
    log: &[LogEntry],
    people: &[(String, Person)],
    query: &FigureQuery<'_>,
) -> Figures {
    let in_period = |at: DateTime<Utc>| query.from <= at && at < query.to;
    let before = |at: DateTime<Utc>| query.before <= at && at < query.from;
    let mut figures = Figures::default();
    let mut asked = HashSet::new();
    let mut asked_before = HashSet::new();
    // The period's requests, and when each was first claimed.
    let mut first_claim: HashMap<u64, Option<DateTime<Utc>>> = HashMap::new();
    for request in requests {
        // An offer nobody took up: no one asked.
        let untaken_offer = request.is_offer()
            && !matches!(request.state, State::Claimed { .. } | State::Done { .. });
        if untaken_offer {
            continue;
        }
        let phone = request.origin_room == query.phone_room;
        if before(request.created_at) {
            figures.requests_before += 1;
            if !phone {
                asked_before.insert(request.requester.as_str());
            }
        }
        if !in_period(request.created_at) {
            continue;
        }
        figures.requests += 1;
        first_claim.insert(request.number, None);
        let state = &mut figures.by_state;
        match request.state {
            State::Open | State::Offered => state.open += 1,
            State::Claimed { .. } => state.claimed += 1,
            State::Done { .. } => state.done += 1,
            State::Cancelled { .. } => state.cancelled += 1,
            State::Expired => state.expired += 1,
        }
        *figures.by_category.entry(request.reading.category).or_default() += 1;
        figures.posted.push((request.created_at, request.reading.category));
        let commune = request
            .neighbourhood
            .as_ref()
            .and_then(|name| query.communes.get(name))
            .map_or(query.default_commune, String::as_str);
        let commune = figures.by_commune.entry(commune.to_owned()).or_default();
        commune.requests += 1;
        *commune.neighbourhoods.entry(request.neighbourhood.clone()).or_default() += 1;
        if request.reading.on_behalf.is_some() {
            figures.on_behalf += 1;
        }
        if phone {
            figures.by_phone += 1;
        } else {
            asked.insert(request.requester.as_str());
        }
    }
    figures.beneficiaries = asked.len();
    figures.beneficiaries_before = asked_before.len();

    let mut active = HashSet::new();
    let mut helped: HashMap<&str, usize> = HashMap::new();
    let created: HashMap<u64, DateTime<Utc>> =
        requests.iter().map(|request| (request.number, request.created_at)).collect();
    for entry in log {
        match entry.outcome {
            Outcome::Claimed => {
                if let Some(first @ None) = first_claim.get_mut(&entry.number) {
                    *first = Some(entry.at);
                }
                if in_period(entry.at) {
                    active.insert(entry.actor.as_str());
                }
            }
            Outcome::Done if in_period(entry.at) => {
                active.insert(entry.actor.as_str());
                *helped.entry(entry.actor.as_str()).or_default() += 1;
            }
            Outcome::Done if before(entry.at) => figures.done_before += 1,
            _ => {}
        }
    }
    let mut waits: Vec<i64> = first_claim
        .iter()
        .filter_map(|(number, claimed)| Some((*claimed)? - *created.get(number)?))
        .map(|wait| wait.num_minutes().max(0))
        .collect();
    waits.sort_unstable();
    figures.claim_minutes = waits;
    for count in helped.values() {
        match count {
            1 => figures.load.once += 1,
            2..=5 => figures.load.few += 1,
            _ => figures.load.many += 1,
        }
    }

    let volunteers = &mut figures.volunteers;
    volunteers.active = active.len();
    for (_, person) in people {
        if person.charter.is_some() {
            volunteers.signed += 1;
        }
        if person.status == VolunteerStatus::Vetted {
            volunteers.vetted += 1;
            if person.is_paused(query.now) {
                volunteers.paused += 1;
            }
        }
    }
    figures
}

impl Store {
    /// The figures of `query`'s period ([`figures`] over the whole store).
    pub fn figures(&self, query: &FigureQuery<'_>) -> Result<Figures, StoreError> {
        let mut requests = Vec::new();
        for item in self.requests.iter() {
            let (key, bytes) = item?;
            requests.push(crate::decode::<Request>(&bytes, REQUESTS, &key)?);
        }
        let mut log = Vec::new();
        for item in self.log.iter() {
            let (key, bytes) = item?;
            log.push(crate::decode::<LogEntry>(&bytes, LOG, &key)?);
        }
        let mut people = Vec::new();
        for item in self.people.iter() {
            let (key, bytes) = item?;
            people.push((PEOPLE.key_text(&key), crate::decode::<Person>(&bytes, PEOPLE, &key)?));
        }
        Ok(figures(&requests, &log, &people, query))
    }
}
