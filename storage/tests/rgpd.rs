//! The rights of the people whose data the store holds, on a real sled database in a
//! temporary directory: access (`person_data`), erasure (`forget`) and retention
//! (`purge`), each checked by a scan of every tree of the database (`trees_holding`), so
//! that a tree added later is covered too.

use std::{
    cell::{Cell, RefCell},
    collections::BTreeMap,
};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use entraide_commands::{Category, Key, Lang, Message, Reading, Relation, VolunteerStatus, When};
use entraide_storage::{
    Action, AuditAction, Effect, ErasedBy, Forgotten, Lane, NewRequest, Outcome,
    PERSON_DATA_VERSION, PSEUDONYM, PSEUDONYM_PREFIX, PersonData, Purged, Quote, Request,
    Retention, RoomKind, SCHEMA_VERSION, Shape, State, Step, Store, StoreError, Target,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

const MARTIN: &str = "@martin:x";
const DURAND: &str = "@durand:x";
const ALICE: &str = "@alice:x";
const BRUNO: &str = "@bruno:x";
const AGENT: &str = "@agent:x";

const VOLUNTEERS: &str = "!volunteers:x";
const MARTIN_DM: &str = "!dm-martin:x";

/// Mme Martin's requests, by number (1 to 5), and the note on the first.
const MARTIN_TEXTS: [&str; 5] = [
    "courses pour ma mère rue des Lilas",
    "pharmacie, ordonnance du docteur Roux",
    "emmener maman chez le kiné jeudi",
    "aide pour remplir un dossier CAF",
    "changer une ampoule au plafond",
];
const MARTIN_NOTE: &str = "livré au 3e étage, digicode 4521";
/// Mme Durand's requests (6 to 8), and the note on the first.
const DURAND_TEXTS: [&str; 3] =
    ["porter un colis à la poste", "visite à mon père le dimanche", "réparer une étagère"];
const DURAND_NOTE: &str = "colis déposé, tout va bien";

fn at(minute: i64) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).single().unwrap_or_default();
    start + TimeDelta::minutes(minute)
}

fn ask(requester: &str, origin: &str, text: &str, category: Category) -> NewRequest {
    NewRequest {
        requester: requester.to_owned(),
        origin_room: origin.to_owned(),
        neighbourhood: Some("Les Tilleuls".to_owned()),
        text: text.to_owned(),
        reading: Reading { category, when: When::Asap, on_behalf: Some(Relation::Mother) },
        lang: Lang::Fr,
        informs: false,
    }
}

fn none(_: &Request) -> Vec<Effect> {
    Vec::new()
}

/// What the bot owes when a request is posted: a confirmation replying to the person's
/// message, and the relay.
fn posted(request: &Request) -> Vec<Effect> {
    let confirmation = Effect {
        request: request.number,
        lane: Lane::room(&request.origin_room),
        urgent: true,
        action: Action::Notice {
            to: Target::Id { id: request.origin_room.clone() },
            message: Message {
                plain: format!("Demande n°{} enregistrée", request.number),
                html: format!("Demande n°{} enregistrée", request.number),
            },
            shape: Shape::Reply {
                to: Quote {
                    event: format!("$asked{}", request.number),
                    sender: request.requester.clone(),
                },
            },
            mention: Some(request.requester.clone()),
        },
    };
    let relay = Effect {
        request: request.number,
        lane: Lane::room(VOLUNTEERS),
        urgent: true,
        action: Action::Relay,
    };
    vec![confirmation, relay]
}

/// What the bot owes when a request is claimed: its private room and the introduction,
/// and the retirement of its relay.
fn claimed(request: &Request) -> Vec<Effect> {
    let volunteer = request.state.holder().unwrap_or_default().to_owned();
    vec![
        Effect {
            request: request.number,
            lane: Lane::Private,
            urgent: true,
            action: Action::PrivateRoom { volunteer: volunteer.clone() },
        },
        Effect {
            request: request.number,
            lane: Lane::Private,
            urgent: false,
            action: Action::Intro { volunteer },
        },
        Effect {
            request: request.number,
            lane: Lane::room(VOLUNTEERS),
            urgent: false,
            action: Action::RetireRelay {
                key: Key::RelayTaken,
                relay: request.relay_event.clone(),
            },
        },
    ]
}

/// A store with two requesters, two volunteers and a coordinator, and requests in every
/// state:
///
/// | n | by     | state                                           |
/// |---|--------|-------------------------------------------------|
/// | 1 | Martin | done by Alice, with a note                      |
/// | 2 | Martin | open, relayed                                   |
/// | 3 | Martin | claimed by Alice, given back, claimed by Bruno  |
/// | 4 | Martin | cancelled by herself                            |
/// | 5 | Martin | expired                                         |
/// | 6 | Durand | done by Bruno, with a note                      |
/// | 7 | Durand | claimed by Alice                                |
/// | 8 | Durand | cancelled by the agent (a coordinator)          |
///
/// Mme Martin asked 1 and 2 in her direct chat with the bot, the others in the
/// neighbourhood room. Effects are left pending as the bot would owe them.
async fn community(store: &Store) -> TestResult {
    store.set_room_kind(VOLUNTEERS, &RoomKind::Volunteers).await?;
    let tilleuls = RoomKind::Neighbourhood { name: "Les Tilleuls".to_owned() };
    store.set_room_kind("!tilleuls:x", &tilleuls).await?;
    store.set_room_kind(MARTIN_DM, &RoomKind::Direct { user: MARTIN.to_owned() }).await?;
    store.record_joined(MARTIN_DM, 0).await?;
    store.record_joined("!tilleuls:x", 1_000).await?;
    store.first_contact(MARTIN, ms(at(0))?).await?;
    store.first_contact(DURAND, ms(at(0))?).await?;
    for volunteer in [ALICE, BRUNO] {
        store
            .set_volunteer_status(volunteer, VolunteerStatus::Vetted, AGENT, None, false, at(0))
            .await?;
    }

    let categories = [
        Category::Groceries,
        Category::Pharmacy,
        Category::Lift,
        Category::Paperwork,
        Category::Repairs,
    ];
    for (i, (text, category)) in MARTIN_TEXTS.iter().zip(categories).enumerate() {
        let origin = if i < 2 { MARTIN_DM } else { "!tilleuls:x" };
        let event = format!("$asked{}", i + 1);
        let (request, queued) = store
            .create_request(ask(MARTIN, origin, text, category), &event, at(1), posted)
            .await?;
        store
            .set_relay(request.number, &format!("$relay{}", request.number), at(2), queued[1].id)
            .await?;
    }
    let durand_categories = [Category::Other, Category::Visit, Category::Repairs];
    for (i, (text, category)) in DURAND_TEXTS.iter().zip(durand_categories).enumerate() {
        let asked = ask(DURAND, "!tilleuls:x", text, category);
        let (request, queued) =
            store.create_request(asked, &format!("$durand{i}"), at(3), posted).await?;
        store
            .set_relay(request.number, &format!("$relay{}", request.number), at(3), queued[1].id)
            .await?;
    }

    // 1: done by Alice.
    store.claim(1, ALICE, Some("$take1"), at(4), none).await?;
    store.set_private_room(1, "!private1:x", at(4), u64::MAX).await?;
    store.done(1, ALICE, Some(MARTIN_NOTE), Some("$done1"), at(5), none).await?;
    // 3: Alice takes it and gives it back, Bruno takes it (his effects stay pending).
    store.claim(3, ALICE, None, at(6), none).await?;
    store.release(3, ALICE, ALICE, false, None, at(7), &[], |_, _| Vec::new()).await?;
    store.claim(3, BRUNO, Some("$take3"), at(8), claimed).await?;
    // 4: cancelled by Mme Martin; 5: expired.
    store.cancel(4, MARTIN, false, Some("$cancel4"), at(9), none).await?;
    store.follow_up(5, Step::Expire, at(10), none).await?;
    // 6: done by Bruno; 7: Alice holds it; 8: cancelled by the agent.
    store.claim(6, BRUNO, None, at(11), none).await?;
    store.done(6, BRUNO, Some(DURAND_NOTE), None, at(12), none).await?;
    store.claim(7, ALICE, None, at(13), claimed).await?;
    store.cancel(8, AGENT, true, None, at(14), none).await?;
    Ok(())
}

fn ms(when: DateTime<Utc>) -> Fallible<u64> {
    Ok(u64::try_from(when.timestamp_millis())?)
}

/// The trees holding `text`, as it is or as JSON writes it inside a string.
fn traces(store: &Store, text: &str) -> Fallible<Vec<String>> {
    let mut trees = store.trees_holding(text.as_bytes())?;
    let json = serde_json::to_string(text)?;
    let escaped = &json[1..json.len() - 1];
    if escaped != text {
        trees.extend(store.trees_holding(escaped.as_bytes())?);
    }
    trees.sort();
    trees.dedup();
    Ok(trees)
}

fn nowhere(store: &Store, text: &str) -> TestResult {
    let found = traces(store, text)?;
    assert!(found.is_empty(), "{text:?} is still in {found:?}");
    Ok(())
}

/// Every request, by number.
fn requests(store: &Store) -> Fallible<Vec<Request>> {
    let mut all = Vec::new();
    let mut number = 1;
    while let Some(request) = store.request(number)? {
        all.push(request);
        number += 1;
    }
    Ok(all)
}

/// The figures a coordinator reads: requests by category and by state, and how many log
/// entries of each outcome.
#[derive(Debug, PartialEq, Eq)]
struct Figures {
    categories: BTreeMap<String, usize>,
    states: BTreeMap<String, usize>,
    outcomes: BTreeMap<String, usize>,
}

fn figures(store: &Store) -> Fallible<Figures> {
    let mut figures =
        Figures { categories: BTreeMap::new(), states: BTreeMap::new(), outcomes: BTreeMap::new() };
    for request in requests(store)? {
        *figures.categories.entry(format!("{:?}", request.reading.category)).or_default() += 1;
        let state = serde_json::to_value(&request.state)?;
        let name = state["state"].as_str().unwrap_or_default().to_owned();
        *figures.states.entry(name).or_default() += 1;
    }
    for entry in store.log()? {
        *figures.outcomes.entry(format!("{:?}", entry.outcome)).or_default() += 1;
    }
    Ok(figures)
}

#[tokio::test]
async fn test_person_data_holds_exactly_the_persons_requests_and_log() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    community(&store).await?;
    let now = at(60);

    let data = store.person_data(MARTIN, now)?;
    assert_eq!((data.version, data.store_schema), (PERSON_DATA_VERSION, SCHEMA_VERSION));
    assert_eq!(data.generated_at, now);
    assert_eq!(data.user_id, MARTIN);
    assert_eq!(data.person, None, "not a volunteer");
    assert_eq!(data.informed_at, Some(at(0)));
    assert_eq!(data.direct_rooms, vec![MARTIN_DM.to_owned()]);
    assert!(data.helped.is_empty());
    // Her five requests, whole, with the volunteers as a role.
    let numbers: Vec<u64> = data.requests.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    let texts: Vec<&str> = data.requests.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, MARTIN_TEXTS);
    assert!(
        matches!(&data.requests[0].state, State::Done { volunteer, .. } if volunteer == "bénévole")
    );
    assert!(
        matches!(&data.requests[2].state, State::Claimed { volunteer, .. } if volunteer == "bénévole")
    );
    assert!(matches!(&data.requests[3].state, State::Cancelled { by, .. } if by == MARTIN));
    let stored = store.request(1)?.ok_or("request 1")?;
    assert_eq!(data.requests[0], Request { state: data.requests[0].state.clone(), ..stored });
    // Every log entry about her requests (and she acted on no other), in order; the note
    // on her request is hers to read; the others appear as roles.
    let expected: Vec<(u64, Outcome)> =
        store.log()?.into_iter().filter(|e| e.number <= 5).map(|e| (e.number, e.outcome)).collect();
    let got: Vec<(u64, Outcome)> = data.log.iter().map(|e| (e.number, e.outcome)).collect();
    assert_eq!(got, expected);
    let actors: std::collections::BTreeSet<&str> =
        data.log.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(actors, [MARTIN, "bot", "bénévole"].into_iter().collect());
    assert!(data.log.iter().any(|e| e.note.as_deref() == Some(MARTIN_NOTE)));

    // Nobody else's id, nor Mme Durand's texts, and it reads back as it was written.
    let json = serde_json::to_string_pretty(&data)?;
    for other in [DURAND, ALICE, BRUNO, AGENT] {
        assert!(!json.contains(other), "{other} in Mme Martin's data");
    }
    for text in DURAND_TEXTS.iter().chain([&DURAND_NOTE]) {
        assert!(!json.contains(text), "{text:?} in Mme Martin's data");
    }
    assert_eq!(serde_json::from_str::<PersonData>(&json)?, data);

    // Alice, a volunteer: her record (the agent as a role), the requests she took (not
    // their text, not who asked), what she did.
    let data = store.person_data(ALICE, now)?;
    assert!(data.requests.is_empty());
    let person = data.person.as_ref().ok_or("Alice's record")?;
    assert_eq!(
        (person.status, person.changed_by.as_deref()),
        (VolunteerStatus::Vetted, Some("coordinateur"))
    );
    let helped: Vec<(u64, Category)> = data.helped.iter().map(|h| (h.number, h.category)).collect();
    assert_eq!(helped, [(1, Category::Groceries), (3, Category::Lift), (7, Category::Visit)]);
    assert!(matches!(&data.helped[0].state, State::Done { volunteer, .. } if volunteer == ALICE));
    assert!(
        matches!(&data.helped[1].state, State::Claimed { volunteer, .. } if volunteer == "bénévole")
    );
    let got: Vec<(u64, Outcome)> = data.log.iter().map(|e| (e.number, e.outcome)).collect();
    assert_eq!(
        got,
        [
            (1, Outcome::Claimed),
            (1, Outcome::Done),
            (3, Outcome::Claimed),
            (3, Outcome::Released),
            (7, Outcome::Claimed)
        ]
    );
    assert!(data.log.iter().all(|e| e.actor == ALICE));
    let json = serde_json::to_string_pretty(&data)?;
    for other in [MARTIN, DURAND, BRUNO, AGENT] {
        assert!(!json.contains(other), "{other} in Alice's data");
    }
    for text in MARTIN_TEXTS.iter().chain(&DURAND_TEXTS) {
        assert!(!json.contains(text), "{text:?} in Alice's data");
    }
    assert_eq!(serde_json::from_str::<PersonData>(&json)?, data);

    // The agent: what they cancelled, nothing of the person who asked.
    let data = store.person_data(AGENT, now)?;
    assert!(data.requests.is_empty() && data.person.is_none());
    assert_eq!(data.helped.iter().map(|h| h.number).collect::<Vec<_>>(), [8]);
    assert_eq!(
        data.log.iter().map(|e| (e.number, e.outcome)).collect::<Vec<_>>(),
        [(8, Outcome::Cancelled)]
    );

    // Someone unknown: nothing.
    let data = store.person_data("@nobody:x", now)?;
    assert!(data.requests.is_empty() && data.helped.is_empty() && data.log.is_empty());
    assert!(data.person.is_none() && data.informed_at.is_none() && data.direct_rooms.is_empty());
    Ok(())
}

#[tokio::test]
async fn test_forget_leaves_no_trace_of_the_person_and_keeps_the_figures() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    community(&store).await?;
    assert!(!traces(&store, MARTIN)?.is_empty() && !traces(&store, MARTIN_NOTE)?.is_empty());
    let before = figures(&store)?;
    let log_before = store.log()?;
    let durand_before: Vec<Request> =
        requests(&store)?.into_iter().filter(|r| r.requester == DURAND).collect();
    let pending_before = store.pending_effects()?;

    let now = at(60);
    let forgotten = store.forget(MARTIN, now, ErasedBy::Themselves, |_, _| Vec::new()).await?.0;
    let pseudonym = forgotten.pseudonym.clone();
    assert!(pseudonym.starts_with(&format!("{PSEUDONYM_PREFIX}-")), "{pseudonym}");
    assert!(!pseudonym.contains("martin"));
    assert_eq!(forgotten.requests, [1, 2, 3, 4, 5]);
    assert_eq!(forgotten.cancelled, [2, 3], "the open and the claimed one");
    assert!(forgotten.released.is_empty());
    assert_eq!(forgotten.direct_rooms, [MARTIN_DM]);
    let redact: Vec<(&str, &str)> =
        forgotten.redact.iter().map(|(room, event)| (room.as_str(), event.as_str())).collect();
    assert_eq!(
        redact,
        [
            (VOLUNTEERS, "$relay1"),
            (VOLUNTEERS, "$relay2"),
            (VOLUNTEERS, "$relay3"),
            (VOLUNTEERS, "$relay4"),
            (VOLUNTEERS, "$relay5")
        ]
    );

    // No trace of her anywhere in the database: her id, her texts, the note on her
    // request, her direct chat.
    for needle in [MARTIN, MARTIN_NOTE, MARTIN_DM].iter().chain(&MARTIN_TEXTS) {
        nowhere(&store, needle)?;
    }

    // Her requests keep what makes the figures; the open and claimed ones are cancelled
    // by the pseudonym, logged as a cancellation would be.
    for number in 1..=5 {
        let request = store.request(number)?.ok_or("her request")?;
        assert_eq!((request.requester.as_str(), request.text.as_str()), (pseudonym.as_str(), ""));
        assert_eq!(request.neighbourhood.as_deref(), Some("Les Tilleuls"));
        assert_eq!(request.created_at, at(1));
        assert_eq!(request.origin_room.is_empty(), number <= 2, "her direct chat, emptied");
    }
    for number in [2, 3] {
        assert_eq!(
            store.request(number)?.map(|r| r.state),
            Some(State::Cancelled { by: pseudonym.clone(), at: now })
        );
        let last = store.log_of(number)?.pop().ok_or("a log")?;
        assert_eq!(
            (last.actor.as_str(), last.outcome, last.at),
            (pseudonym.as_str(), Outcome::Cancelled, now)
        );
    }
    assert!(
        matches!(store.request(1)?.map(|r| r.state), Some(State::Done { volunteer, .. }) if volunteer == ALICE)
    );
    assert!(
        matches!(store.request(4)?.map(|r| r.state), Some(State::Cancelled { by, .. }) if by == pseudonym)
    );

    // The figures: the same requests by category; by state, two more cancelled, one open
    // and one claimed fewer; every log entry still there, the two cancellations and the
    // record of the erasure, by the pseudonym.
    let after = figures(&store)?;
    assert_eq!(after.categories, before.categories);
    let mut states = before.states.clone();
    *states.entry("cancelled".to_owned()).or_default() += 2;
    for gone in ["open", "claimed"] {
        if let Some(count) = states.get_mut(gone) {
            *count -= 1;
        }
    }
    states.retain(|_, count| *count > 0);
    assert_eq!(after.states, states);
    let log_after = store.log()?;
    assert_eq!(log_after.len(), log_before.len() + 3);
    let erased = log_after.last().ok_or("the record")?;
    assert_eq!(
        (erased.number, erased.outcome, erased.actor.as_str()),
        (0, Outcome::Erased, pseudonym.as_str())
    );
    for (old, new) in log_before.iter().zip(&log_after) {
        assert_eq!((old.number, old.outcome, old.at), (new.number, new.outcome, new.at));
        if old.actor == MARTIN {
            assert_eq!(new.actor, pseudonym);
        } else {
            assert_eq!(new.actor, old.actor, "other people's ids stay");
        }
    }

    // Other people's data is intact: Mme Durand's requests, texts and note, the
    // volunteers' records, their pending effects.
    let durand_after: Vec<Request> =
        requests(&store)?.into_iter().filter(|r| r.requester == DURAND).collect();
    assert_eq!(durand_after, durand_before);
    for needle in [DURAND, DURAND_NOTE, ALICE, BRUNO, AGENT].iter().chain(&DURAND_TEXTS) {
        assert!(!traces(&store, needle)?.is_empty(), "{needle:?} is gone");
    }
    assert_eq!(store.person(ALICE)?.status, VolunteerStatus::Vetted);
    assert!(!store.is_informed(MARTIN)? && store.is_informed(DURAND)?);
    assert_eq!(store.room_kind(MARTIN_DM)?, None);
    assert_eq!(store.joined_at(MARTIN_DM)?, None);
    let kept: Vec<_> = pending_before.into_iter().filter(|q| q.effect.request > 5).collect();
    assert!(!kept.is_empty());
    assert_eq!(store.pending_effects()?, kept, "only her requests' effects are dropped");

    // Forgetting her again changes nothing; nor does forgetting someone unknown.
    let log_len = store.log()?.len();
    let again = store.forget(MARTIN, at(61), ErasedBy::Themselves, |_, _| Vec::new()).await?.0;
    assert_eq!(again, Forgotten { pseudonym: again.pseudonym.clone(), ..Forgotten::default() });
    assert_ne!(again.pseudonym, pseudonym, "each forgetting draws its own pseudonym");
    assert!(
        store
            .forget("@nobody:x", at(61), ErasedBy::Themselves, |_, _| Vec::new())
            .await?
            .0
            .nothing_to_do()
    );
    assert_eq!(store.log()?.len(), log_len);
    let data = store.person_data(MARTIN, at(62))?;
    assert!(data.requests.is_empty() && data.log.is_empty() && data.direct_rooms.is_empty());

    // It lasts: after a reopening, still nothing.
    drop(store);
    let store = Store::open(dir.path())?;
    for needle in [MARTIN, MARTIN_NOTE].iter().chain(&MARTIN_TEXTS) {
        nowhere(&store, needle)?;
    }
    Ok(())
}

#[tokio::test]
async fn test_forget_a_volunteer_gives_back_what_they_hold_and_a_coordinator_leaves_roles()
-> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    community(&store).await?;
    let before = figures(&store)?;

    // Alice holds 7 (with its private-room effects pending), did 1, gave back 3.
    let forgotten = store.forget(ALICE, at(60), ErasedBy::Themselves, |_, _| Vec::new()).await?.0;
    let pseudonym = forgotten.pseudonym.clone();
    assert_eq!(forgotten.released, [7]);
    assert!(forgotten.requests.is_empty() && forgotten.cancelled.is_empty());
    assert!(forgotten.redact.is_empty() && forgotten.direct_rooms.is_empty());
    nowhere(&store, ALICE)?;
    let seven = store.request(7)?.ok_or("request 7")?;
    assert_eq!((seven.state, seven.private_room), (State::Open, None));
    assert_eq!(seven.text, DURAND_TEXTS[1], "the request is Mme Durand's: it keeps its text");
    let last = store.log_of(7)?.pop().ok_or("a log")?;
    assert_eq!((last.actor.as_str(), last.outcome), (pseudonym.as_str(), Outcome::Released));
    assert!(
        matches!(store.request(1)?.map(|r| r.state), Some(State::Done { volunteer, .. }) if volunteer == pseudonym)
    );
    // She wrote the note on 1: her words go, the figures stay.
    nowhere(&store, MARTIN_NOTE)?;
    // The release and the record of the erasure.
    assert_eq!(store.log()?.len(), before.outcomes.values().sum::<usize>() + 2);
    assert!(
        store
            .pending_effects()?
            .iter()
            .all(|q| q.effect.request != 7 || q.effect.lane != Lane::Private)
    );
    assert_eq!(store.person(ALICE)?.status, VolunteerStatus::Unvetted);
    assert!(!store.vetted()?.contains(&ALICE.to_owned()));

    // The agent vetted both volunteers and cancelled 8.
    let forgotten = store.forget(AGENT, at(61), ErasedBy::Themselves, |_, _| Vec::new()).await?.0;
    nowhere(&store, AGENT)?;
    assert_eq!(store.person(BRUNO)?.changed_by, Some(forgotten.pseudonym.clone()));
    assert_eq!(store.person(BRUNO)?.status, VolunteerStatus::Vetted);
    assert!(
        matches!(store.request(8)?.map(|r| r.state), Some(State::Cancelled { by, .. }) if by == forgotten.pseudonym)
    );
    assert_eq!(store.request(8)?.map(|r| r.text), Some(DURAND_TEXTS[2].to_owned()));
    Ok(())
}

#[tokio::test]
async fn test_forget_journals_what_it_owes_and_its_record_with_it_in_one_call() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    community(&store).await?;
    let pending_before = store.pending_effects()?;
    let audit_before = store.audit()?;

    // What the bot would owe: a scrub naming her (so that an effect of the forgetting's
    // own names her) and, for each request of hers, a notice saying what the plan saw.
    let plans = Cell::new(0);
    let seen = RefCell::new(Vec::new());
    let plan = |forgotten: &Forgotten, changed: &[Request]| {
        plans.set(plans.get() + 1);
        seen.replace(changed.to_vec());
        let mut owed = vec![Effect {
            request: 0,
            lane: Lane::room("!tilleuls:x"),
            urgent: false,
            action: Action::Scrub {
                room: "!tilleuls:x".to_owned(),
                about: Some(MARTIN.to_owned()),
            },
        }];
        owed.extend(forgotten.direct_rooms.iter().map(|room| Effect {
            request: 0,
            lane: Lane::room(room),
            urgent: false,
            action: Action::Leave { room: room.clone() },
        }));
        owed
    };
    let (forgotten, queued) =
        store.forget(MARTIN, at(60), ErasedBy::Coordinator(AGENT), plan).await?;

    // One plan, from everything forgotten, seeing her requests as they now stand.
    assert_eq!(plans.get(), 1, "its own effects that name her do not make another pass");
    let seen = seen.take();
    assert_eq!(seen.iter().map(|r| r.number).collect::<Vec<_>>(), forgotten.requests);
    assert!(seen.iter().all(|r| r.requester == forgotten.pseudonym && r.text.is_empty()));
    // Journalled: what the plan owes, once, after what others' requests still owe.
    let owed: Vec<&Action> = queued.iter().map(|q| &q.effect.action).collect();
    assert!(
        matches!(owed.as_slice(), [Action::Scrub { .. }, Action::Leave { room }] if room == MARTIN_DM)
    );
    let pending = store.pending_effects()?;
    assert_eq!(pending[pending.len() - queued.len()..], queued[..]);
    let kept: Vec<_> = pending_before.into_iter().filter(|q| q.effect.request > 5).collect();
    assert_eq!(pending[..pending.len() - queued.len()], kept[..]);
    // Only what is owed on Matrix names her, until it is carried out.
    assert_eq!(traces(&store, MARTIN)?, ["effects"]);
    // The erasure on record, by the coordinator, saying not whose.
    let audit = store.audit()?;
    assert_eq!(audit.len(), audit_before.len() + 1);
    let record = audit.last().ok_or("the record")?;
    assert_eq!(
        (record.actor.as_str(), record.action, record.target.as_deref()),
        (AGENT, AuditAction::Erase, None)
    );
    let logged = store.log()?.pop().ok_or("a log")?;
    assert_eq!((logged.number, logged.outcome, logged.actor.as_str()), (0, Outcome::Erased, AGENT));

    // It lasts: all of it was flushed with the forgetting.
    drop(store);
    let store = Store::open(dir.path())?;
    assert_eq!(store.pending_effects()?, pending);
    assert_eq!(store.audit()?, audit);

    // Once the bot carried out what it owed, nothing more to find: no plan, nothing
    // owed, nothing on record.
    for owed in &queued {
        store.finish_effect(owed.id)?;
    }
    let pending = store.pending_effects()?;
    let log_len = store.log()?.len();
    let plans = Cell::new(0);
    let (again, queued) = store
        .forget(MARTIN, at(61), ErasedBy::Coordinator(AGENT), |_, _| {
            plans.set(plans.get() + 1);
            vec![Effect { request: 0, lane: Lane::Private, urgent: false, action: Action::Relay }]
        })
        .await?;
    assert!(again.nothing_to_do() && queued.is_empty());
    assert_eq!(plans.get(), 0);
    assert_eq!(store.pending_effects()?, pending);
    assert_eq!((store.log()?.len(), store.audit()?), (log_len, audit));
    Ok(())
}

const RETENTION: Retention = Retention {
    closed_texts: TimeDelta::days(90),
    inactive_people: TimeDelta::days(730),
    log_actors: TimeDelta::days(365),
    handled_events: TimeDelta::days(7),
};

fn day(n: i64) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().unwrap_or_default();
    start + TimeDelta::days(n)
}

#[test]
fn test_the_default_retention_is_the_cnil_minded_one() {
    assert_eq!(Retention::default(), RETENTION);
}

#[tokio::test]
async fn test_purge_removes_what_retention_says_when_it_is_due_and_not_before() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.set_room_kind(VOLUNTEERS, &RoomKind::Volunteers).await?;
    store.set_room_kind(MARTIN_DM, &RoomKind::Direct { user: MARTIN.to_owned() }).await?;
    store.first_contact(MARTIN, ms(day(0))?).await?;
    // Day 0: Mme Martin's request, done by Alice with a note; Mme Petit's, cancelled by
    // herself; Mme Durand's, still open (however long). The agent vets Alice.
    let shopping = ask(MARTIN, MARTIN_DM, MARTIN_TEXTS[0], Category::Groceries);
    let (done, _) = store.create_request(shopping, "$a", day(0), none).await?;
    store.set_relay(done.number, "$relay-done", day(0), u64::MAX).await?;
    store.claim(done.number, ALICE, Some("$b"), day(0), none).await?;
    store.done(done.number, ALICE, Some(MARTIN_NOTE), Some("$c"), day(0), none).await?;
    let paperwork = ask("@petit:x", "!tilleuls:x", MARTIN_TEXTS[3], Category::Paperwork);
    let (cancelled, _) = store.create_request(paperwork, "$d", day(0), none).await?;
    store.cancel(cancelled.number, "@petit:x", false, Some("$e"), day(0), none).await?;
    let visit = ask(DURAND, "!tilleuls:x", DURAND_TEXTS[1], Category::Visit);
    let (open, _) = store.create_request(visit, "$f", day(0), none).await?;
    store.set_volunteer_status(ALICE, VolunteerStatus::Vetted, AGENT, None, false, day(0)).await?;
    // Day 200: the agent vets Bruno (the agent's last activity).
    store
        .set_volunteer_status(BRUNO, VolunteerStatus::Vetted, AGENT, None, false, day(200))
        .await?;
    let before = figures(&store)?;
    let handled_ids = ["$a", "$b", "$c", "$d", "$e", "$f"];

    // A day later: nothing is due.
    assert_eq!(store.purge(day(1), &RETENTION).await?, Purged::default());
    assert!(store.is_handled("$a")?);
    assert!(!traces(&store, MARTIN_TEXTS[0])?.is_empty());

    // Seven days: not yet; eight: the handled event ids go, and nothing else.
    assert_eq!(store.purge(day(7) - TimeDelta::seconds(1), &RETENTION).await?, Purged::default());
    let purged = store.purge(day(8), &RETENTION).await?;
    assert_eq!(purged, Purged { handled: handled_ids.len(), ..Purged::default() });
    for id in handled_ids {
        assert!(!store.is_handled(id)?);
        nowhere(&store, id)?;
    }
    assert!(!traces(&store, MARTIN_NOTE)?.is_empty());

    // 90 days: not yet; 91 days: the texts and the note of the closed requests go, the
    // open one keeps its text.
    assert_eq!(store.purge(day(90) - TimeDelta::seconds(1), &RETENTION).await?, Purged::default());
    let purged = store.purge(day(91), &RETENTION).await?;
    assert_eq!(purged, Purged { texts: 2, ..Purged::default() });
    for needle in [MARTIN_TEXTS[0], MARTIN_TEXTS[3], MARTIN_NOTE] {
        nowhere(&store, needle)?;
    }
    assert_eq!(traces(&store, DURAND_TEXTS[1])?, ["requests"]);
    assert_eq!(store.purge(day(92), &RETENTION).await?, Purged::default(), "idempotent");

    // A year: not yet; a year and a day: the people of closed requests and of their log
    // give way to the pseudonym. What remains of them: records of who they are.
    assert_eq!(store.purge(day(365) - TimeDelta::seconds(1), &RETENTION).await?, Purged::default());
    let purged = store.purge(day(366), &RETENTION).await?;
    assert!(purged.pseudonymised > 0 && purged.people == 0, "{purged:?}");
    assert_eq!((purged.texts, purged.handled), (0, 0));
    assert_eq!(traces(&store, MARTIN)?, ["informed", "rooms"]);
    assert_eq!(traces(&store, ALICE)?, ["people"]);
    nowhere(&store, "@petit:x")?;
    assert_eq!(store.request(done.number)?.map(|r| r.requester), Some(PSEUDONYM.to_owned()));
    assert_eq!(
        store.log_of(open.number)?.first().map(|e| e.actor.clone()),
        Some(DURAND.to_owned())
    );
    assert_eq!(store.purge(day(367), &RETENTION).await?, Purged::default(), "idempotent");

    // Two years: not yet; two years and a day: Mme Martin (told on day 0), Alice and the
    // record the agent wrote of her (day 0) are forgotten; Mme Durand's request is still
    // open, the agent vetted Bruno on day 200: they stay.
    // Meanwhile the audit of Bruno's vetting (day 200) turned a year old: it names no one.
    let purged = store.purge(day(730) - TimeDelta::seconds(1), &RETENTION).await?;
    assert_eq!(purged, Purged { pseudonymised: 1, ..Purged::default() });
    let vetting = store.audit()?.into_iter().find(|e| e.at == day(200)).ok_or("the vetting")?;
    assert_eq!((vetting.actor.as_str(), vetting.target.as_deref()), (PSEUDONYM, Some(PSEUDONYM)));
    let purged = store.purge(day(731), &RETENTION).await?;
    assert_eq!(purged.people, 2, "{purged:?}");
    // Her request's people were pseudonymised a year ago: no relay is hers any more; her
    // direct chat is emptied and left, journalled with her forgetting.
    assert_eq!(owed_actions(&purged), [scrub(MARTIN_DM), leave(MARTIN_DM)]);
    assert_eq!(store.pending_effects()?, purged.owed);
    // Until the bot has carried them out, only those effects name her direct chat.
    assert_eq!(traces(&store, MARTIN_DM)?, ["effects"]);
    for owed in &purged.owed {
        store.finish_effect(owed.id)?;
    }
    for needle in [MARTIN, ALICE, MARTIN_DM] {
        nowhere(&store, needle)?;
    }
    assert_eq!(traces(&store, AGENT)?, ["people"]);
    assert_eq!(store.person(BRUNO)?.changed_by.as_deref(), Some(AGENT));
    assert!(!traces(&store, DURAND)?.is_empty());
    assert_eq!(store.request(open.number)?.map(|r| r.state), Some(State::Open));
    assert_eq!(store.purge(day(732), &RETENTION).await?, Purged::default(), "idempotent");

    // Through it all, the figures survived.
    assert_eq!(figures(&store)?, before);
    Ok(())
}

#[tokio::test]
async fn test_purge_forgets_an_inactive_person_everywhere_and_journals_what_it_owes() -> TestResult
{
    // With actors kept longer than people, the people purge is what forgets them: as
    // `forget` does, relays and direct chat owed on Matrix, journalled with it.
    let retention = Retention { log_actors: TimeDelta::days(1000), ..RETENTION };
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.set_room_kind(VOLUNTEERS, &RoomKind::Volunteers).await?;
    store.set_room_kind(MARTIN_DM, &RoomKind::Direct { user: MARTIN.to_owned() }).await?;
    let shopping = ask(MARTIN, MARTIN_DM, MARTIN_TEXTS[0], Category::Groceries);
    let (done, _) = store.create_request(shopping, "$a", day(0), none).await?;
    store.set_relay(done.number, "$relay-done", day(0), u64::MAX).await?;
    store.claim(done.number, ALICE, None, day(1), none).await?;
    store.done(done.number, ALICE, None, None, day(2), none).await?;

    assert_eq!(store.purge(day(731), &retention).await?.people, 0, "active until day 2");
    let purged = store.purge(day(733), &retention).await?;
    assert_eq!(purged.people, 2, "Mme Martin and Alice: {purged:?}");
    let relay = Action::Redact {
        room: VOLUNTEERS.to_owned(),
        event: "$relay-done".to_owned(),
        reason: Key::RedactedForgotten,
    };
    assert_eq!(owed_actions(&purged), [relay, scrub(MARTIN_DM), leave(MARTIN_DM)]);
    // Journalled in the forgetting's own transactions: a crash after it loses none.
    assert_eq!(store.pending_effects()?, purged.owed);
    // Until the bot has carried them out, only those effects name her direct chat.
    assert_eq!(traces(&store, MARTIN_DM)?, ["effects"]);
    for owed in &purged.owed {
        store.finish_effect(owed.id)?;
    }
    for needle in [MARTIN, ALICE, MARTIN_DM] {
        nowhere(&store, needle)?;
    }
    let request = store.request(done.number)?.ok_or("the request")?;
    assert!(request.requester.starts_with(PSEUDONYM_PREFIX));
    assert_eq!(store.purge(day(734), &retention).await?, Purged::default(), "idempotent");
    Ok(())
}

#[tokio::test]
async fn test_compact_into_copies_every_tree_and_refuses_a_store_with_data() -> TestResult {
    let dir = tempfile::tempdir()?;
    let old = dir.path().join("old");
    {
        // A tree this code does not know (one added later) is copied too.
        let db = entraide_storage::open_sled(&old)?;
        db.open_tree("later")?.insert("key", "a later tree's value")?;
        db.flush()?;
    }
    let store = Store::open(&old)?;
    community(&store).await?;
    store.forget(MARTIN, at(60), ErasedBy::Themselves, |_, _| Vec::new()).await?;
    let copy = dir.path().join("new");
    store.compact_into(&copy)?;
    assert!(
        matches!(store.compact_into(&copy), Err(StoreError::NotEmpty(_))),
        "the copy now holds data"
    );
    let log = store.log()?;
    let pending = store.pending_effects()?;
    let all = requests(&store)?;
    drop(store);

    let store = Store::open(&copy)?;
    assert_eq!(store.log()?, log);
    assert_eq!(store.pending_effects()?, pending);
    assert_eq!(requests(&store)?, all);
    assert_eq!(store.person(BRUNO)?.status, VolunteerStatus::Vetted);
    assert!(store.is_informed(DURAND)?);
    for needle in [MARTIN, MARTIN_NOTE].iter().chain(&MARTIN_TEXTS) {
        nowhere(&store, needle)?;
    }
    assert_eq!(store.trees_holding(b"a later tree's value")?, ["later"]);
    // Numbering goes on where it was.
    let (next, _) = store
        .create_request(ask(DURAND, "!tilleuls:x", "x", Category::Other), "$n", at(70), none)
        .await?;
    assert_eq!(next.number, 9);
    Ok(())
}

/// What a purge journalled, in order.
fn owed_actions(purged: &Purged) -> Vec<Action> {
    purged.owed.iter().map(|owed| owed.effect.action.clone()).collect()
}

fn scrub(room: &str) -> Action {
    Action::Scrub { room: room.to_owned(), about: None }
}

fn leave(room: &str) -> Action {
    Action::Leave { room: room.to_owned() }
}
