//! What the store knows of a person (GDPR Art. 15), as they may read it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{is_direct_of, is_person};
use crate::{
    SCHEMA_VERSION, Store, StoreError,
    codec::{decode, u64_from},
    model::{
        AuditEntry, Category, Contact, INFORMED, LogEntry, Outcome, PEOPLE, Person, ProfileRecord,
        REQUESTS, Registration, Request, State, Way,
    },
};

/// The version of the [`PersonData`] format, apart from the store's schema: it grows when
/// a field of the export changes meaning or goes.
pub const PERSON_DATA_VERSION: u32 = 1;

/// What the store holds about one person (GDPR Art. 15), to be handed to them as a file
/// (pretty JSON).
///
/// Other people's ids are not theirs to read: wherever one appears in a record about
/// this person, it is replaced by the other person's role, in French since the person
/// reads it: `demandeur` (who asked), `bénévole` (a volunteer who took the request),
/// `coordinateur` (anyone else: a coordinator who cancelled, gave back, vetted). `bot` and
/// pseudonyms stay as they are. A request someone else made and this person helped with
/// is reduced to what concerns the help ([`HelpedRequest`]): not its text, not who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonData {
    /// [`PERSON_DATA_VERSION`].
    pub version: u32,
    /// The schema of the store it was read from ([`SCHEMA_VERSION`]).
    pub store_schema: u64,
    /// When it was put together.
    pub generated_at: DateTime<Utc>,
    /// The person's Matrix id.
    pub user_id: String,
    /// Their record as a volunteer (`people`), if any; `changed_by` is a role.
    pub person: Option<Person>,
    /// When they were told what becomes of their data (`informed`), if they were.
    pub informed_at: Option<DateTime<Utc>>,
    /// The optional profile they were asked for and declared (`profiles`), if asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileRecord>,
    /// Their direct chats with the bot (`rooms`).
    pub direct_rooms: Vec<String>,
    /// The requests they made, whole, by number; volunteers and coordinators are roles.
    pub requests: Vec<Request>,
    /// The requests of others they took (or, as a coordinator, cancelled), by number.
    pub helped: Vec<HelpedRequest>,
    /// The outcome log entries they made, and every entry about a request they made,
    /// oldest first; other people are roles.
    pub log: Vec<LogEntry>,
    /// What coordinators did about them (the coordinator as a role), and what they did
    /// as a coordinator (without whom), oldest first.
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
    /// The alert register's entries they asked for in a direct chat (for themself or a
    /// relative), whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub register: Vec<Registration>,
    /// What the register holds about them as someone's emergency contact (without whose).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emergency_contact: Vec<Contact>,
}

/// A request someone else made, as the volunteer who took it (or the coordinator who
/// cancelled it) sees it in their data: not its text, not who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpedRequest {
    /// Its number.
    pub number: u64,
    /// Its neighbourhood.
    pub neighbourhood: Option<String>,
    /// What kind of help.
    pub category: Category,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// Where it stands now; other people are roles.
    pub state: State,
}

impl Store {
    /// Everything the store holds about `user_id` (GDPR Art. 15), as of `now`. See
    /// [`PersonData`] for what is included and how other people appear in it. Reads
    /// every request and the whole outcome log.
    pub fn person_data(&self, user_id: &str, now: DateTime<Utc>) -> Result<PersonData, StoreError> {
        let mut all = Vec::new();
        for item in self.requests.iter() {
            let (key, bytes) = item?;
            all.push(decode::<Request>(&bytes, REQUESTS, &key)?);
        }
        let log = self.log()?;

        // Who took each request at some point: volunteers, as opposed to coordinators.
        let mut took: HashMap<u64, HashSet<&str>> = HashMap::new();
        for entry in log.iter().filter(|entry| entry.outcome == Outcome::Claimed) {
            took.entry(entry.number).or_default().insert(entry.actor.as_str());
        }
        let nobody = HashSet::new();
        let claimers = |number: u64| took.get(&number).unwrap_or(&nobody);
        let by_number: HashMap<u64, &Request> = all.iter().map(|r| (r.number, r)).collect();
        let mut requests = Vec::new();
        let mut helped = Vec::new();
        let mut made = HashSet::new();
        for request in &all {
            let took = claimers(request.number);
            if request.requester == user_id {
                made.insert(request.number);
                let mut mine = request.clone();
                mine.state = state_seen_by(&request.state, user_id, request, took);
                requests.push(mine);
            } else if took.contains(user_id) || request.state.names(user_id) {
                helped.push(HelpedRequest {
                    number: request.number,
                    neighbourhood: request.neighbourhood.clone(),
                    category: request.reading.category,
                    created_at: request.created_at,
                    state: state_seen_by(&request.state, user_id, request, took),
                });
            }
        }
        let mut entries = Vec::new();
        for entry in &log {
            if entry.actor != user_id && !made.contains(&entry.number) {
                continue;
            }
            let mut seen = entry.clone();
            if let Some(request) = by_number.get(&entry.number) {
                seen.actor = role(&entry.actor, user_id, request, claimers(entry.number));
            }
            entries.push(seen);
        }

        let person = match self.people.get(user_id)? {
            Some(bytes) => {
                let mut person: Person = decode(&bytes, PEOPLE, user_id.as_bytes())?;
                person.changed_by = person.changed_by.map(|by| {
                    if by == user_id || !is_person(&by) { by } else { COORDINATOR.to_owned() }
                });
                Some(person)
            }
            None => None,
        };
        let informed_at = match self.informed.get(user_id)? {
            Some(bytes) => {
                let ms = u64_from(&bytes, INFORMED, user_id.as_bytes())?;
                i64::try_from(ms).ok().and_then(DateTime::from_timestamp_millis)
            }
            None => None,
        };
        let mut audit = Vec::new();
        for mut entry in self.audit()? {
            if entry.target.as_deref() == Some(user_id) {
                if entry.actor != user_id && is_person(&entry.actor) {
                    COORDINATOR.clone_into(&mut entry.actor);
                }
            } else if entry.actor == user_id {
                entry.target = None;
                entry.reason = None;
            } else {
                continue;
            }
            audit.push(entry);
        }
        // A coordinator who entered people on the register is not given their entries:
        // those they asked for in chat are theirs to read.
        let register =
            self.entries_where(|entry| entry.way == Way::Chat && entry.entered_by == user_id)?;
        let emergency_contact = self
            .entries_where(|entry| {
                entry.particulars.contact.as_ref().and_then(|c| c.matrix.as_deref())
                    == Some(user_id)
            })?
            .into_iter()
            .filter_map(|entry| entry.particulars.contact)
            .collect();
        Ok(PersonData {
            version: PERSON_DATA_VERSION,
            store_schema: SCHEMA_VERSION,
            generated_at: now,
            user_id: user_id.to_owned(),
            person,
            informed_at,
            profile: self.profile(user_id)?,
            direct_rooms: self.rooms_where(|kind| is_direct_of(kind, user_id))?,
            requests,
            helped,
            log: entries,
            audit,
            register,
            emergency_contact,
        })
    }
}

/// The role that stands for anyone who is neither the requester nor a volunteer.
const COORDINATOR: &str = "coordinateur";

/// `id` as `user_id` may read it in a record about `request`: their own id, `bot` and
/// pseudonyms as they are, anyone else as a role. `took` are those who claimed it.
fn role(id: &str, user_id: &str, request: &Request, took: &HashSet<&str>) -> String {
    if id == user_id || !is_person(id) {
        id.to_owned()
    } else if id == request.requester {
        "demandeur".to_owned()
    } else if took.contains(id) || request.state.holder() == Some(id) {
        "bénévole".to_owned()
    } else {
        COORDINATOR.to_owned()
    }
}

/// A request's state as `user_id` may read it (see [`role`]).
fn state_seen_by(state: &State, user_id: &str, request: &Request, took: &HashSet<&str>) -> State {
    let mut state = state.clone();
    match &mut state {
        State::Claimed { volunteer, .. } | State::Done { volunteer, .. } => {
            *volunteer = role(volunteer, user_id, request, took);
        }
        State::Cancelled { by, .. } => *by = role(by, user_id, request, took),
        State::Open | State::Offered | State::Expired => {}
    }
    state
}
