//! Pins the on-disk form of everything the store holds: the JSON of every stored type and
//! every variant (serialised with `serde_json`, exactly as the store writes it), the keys
//! of every tree and the raw numbers of `meta`, `relays` and `handled`.
//!
//! A failure here means the on-disk format changed. That must never be a side effect of
//! editing a type (here or in `entraide-commands`): either undo the change, or make it
//! deliberate — bump `SCHEMA_VERSION`, write a migration in `Store::open`, then update the
//! pinned forms below.

use std::fmt::Debug;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use entraide_storage::{
    SCHEMA_VERSION, Store,
    model::{
        Category, DayPart, Lang, LogEntry, NewRequest, Outcome, Person, Reading, Relation, Request,
        RoomKind, State, VolunteerStatus, When,
    },
};
use serde::{Serialize, de::DeserializeOwned};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CHANGED: &str = "if this fails, the on-disk format changed — bump SCHEMA_VERSION and \
                       write a migration in Store::open (then update the pinned forms in \
                       storage/tests/stored_forms.rs), or undo the change";

#[test]
fn the_pinned_forms_are_those_of_schema_version_1() {
    assert_eq!(SCHEMA_VERSION, 1, "{CHANGED}");
}

/// Checks that `value` is written as `form`, and that `form` reads back as `value`.
fn pinned<T>(value: &T, form: &str) -> TestResult
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let written = serde_json::to_vec(value)?;
    assert_eq!(String::from_utf8_lossy(&written), form, "{CHANGED}\n(value: {value:?})");
    let read: T = serde_json::from_slice(form.as_bytes())
        .map_err(|error| format!("{CHANGED}\n(the pinned {form} no longer decodes: {error})"))?;
    assert_eq!(&read, value, "{CHANGED}\n(the pinned {form} decodes to something else)");
    Ok(())
}

/// Checks every sample against its pinned form, and that the samples cover all `count`
/// variants as numbered by `variant`. `variant` is an exhaustive match: a new variant does
/// not compile until it has a number (and `count` grows), then this fails until it has a
/// pinned sample.
fn pinned_all<T>(samples: &[(T, &str)], variant: fn(&T) -> usize, count: usize) -> TestResult
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let mut seen = vec![false; count];
    for (value, form) in samples {
        pinned(value, form)?;
        match seen.get_mut(variant(value)) {
            Some(seen) => *seen = true,
            None => panic!("{value:?} is numbered beyond the {count} variants"),
        }
    }
    let missing: Vec<usize> = (0..count).filter(|&i| !seen[i]).collect();
    assert!(missing.is_empty(), "no pinned sample for variant(s) {missing:?} of {samples:?}");
    Ok(())
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, minute, 0).single().unwrap_or_default()
}

fn thursday_afternoon() -> Result<When, Box<dyn std::error::Error>> {
    Ok(When::On {
        date: NaiveDate::from_ymd_opt(2026, 11, 26).ok_or("date")?,
        time: Some(NaiveTime::from_hms_opt(14, 30, 0).ok_or("time")?),
        part: Some(DayPart::Afternoon),
    })
}

const THURSDAY_AFTERNOON: &str =
    r#"{"on":{"date":"2026-11-26","time":"14:30:00","part":"afternoon"}}"#;

/// What the bot makes of the request in [`full_request`].
fn full_reading() -> Result<Reading, Box<dyn std::error::Error>> {
    Ok(Reading {
        category: Category::Groceries,
        when: thursday_afternoon()?,
        on_behalf: Some(Relation::Mother),
    })
}

/// A claimed request with every optional field set; also what the store writes in
/// [`keys_and_raw_values_keep_their_pinned_encoding`].
fn full_request() -> Result<Request, Box<dyn std::error::Error>> {
    Ok(Request {
        number: 1,
        requester: "@famille:x".to_owned(),
        origin_room: "!tilleuls:x".to_owned(),
        neighbourhood: Some("Les Tilleuls".to_owned()),
        text: "courses pour ma mère, jeudi 14h30".to_owned(),
        reading: full_reading()?,
        lang: Lang::Fr,
        created_at: at(0),
        state: State::Claimed { volunteer: "@alice:x".to_owned(), at: at(2) },
        relay_event: Some("$relay".to_owned()),
        private_room: Some("!private:x".to_owned()),
    })
}

const FULL_REQUEST: &str = concat!(
    r#"{"number":1,"requester":"@famille:x","origin_room":"!tilleuls:x","#,
    r#""neighbourhood":"Les Tilleuls","text":"courses pour ma mère, jeudi 14h30","#,
    r#""reading":{"category":"groceries","#,
    r#""when":{"on":{"date":"2026-11-26","time":"14:30:00","part":"afternoon"}},"#,
    r#""on_behalf":"mother"},"lang":"fr","created_at":"2026-11-23T10:00:00Z","#,
    r#""state":{"state":"claimed","volunteer":"@alice:x","at":"2026-11-23T10:02:00Z"},"#,
    r#""relay_event":"$relay","private_room":"!private:x"}"#
);

/// A banned person, with every optional field set.
fn full_person() -> Person {
    Person {
        status: VolunteerStatus::Banned,
        changed_by: Some("@agent:x".to_owned()),
        changed_at: Some(at(6)),
        reason: Some("rude".to_owned()),
    }
}

const FULL_PERSON: &str = concat!(
    r#"{"status":"banned","changed_by":"@agent:x","changed_at":"2026-11-23T10:06:00Z","#,
    r#""reason":"rude"}"#
);

#[test]
fn every_variant_of_every_stored_enum_keeps_its_pinned_form() -> TestResult {
    let volunteer = || "@alice:x".to_owned();
    pinned_all(
        &[
            (State::Open, r#"{"state":"open"}"#),
            (
                State::Claimed { volunteer: volunteer(), at: at(2) },
                r#"{"state":"claimed","volunteer":"@alice:x","at":"2026-11-23T10:02:00Z"}"#,
            ),
            (
                State::Done { volunteer: volunteer(), at: at(9) },
                r#"{"state":"done","volunteer":"@alice:x","at":"2026-11-23T10:09:00Z"}"#,
            ),
            (
                State::Cancelled { by: "@famille:x".to_owned(), at: at(9) },
                r#"{"state":"cancelled","by":"@famille:x","at":"2026-11-23T10:09:00Z"}"#,
            ),
            (State::Expired, r#"{"state":"expired"}"#),
        ],
        |state| match state {
            State::Open => 0,
            State::Claimed { .. } => 1,
            State::Done { .. } => 2,
            State::Cancelled { .. } => 3,
            State::Expired => 4,
        },
        5,
    )?;
    pinned_all(
        &[
            (Outcome::Created, r#""created""#),
            (Outcome::Relayed, r#""relayed""#),
            (Outcome::Claimed, r#""claimed""#),
            (Outcome::PrivateRoomCreated, r#""private_room_created""#),
            (Outcome::Released, r#""released""#),
            (Outcome::Done, r#""done""#),
            (Outcome::Cancelled, r#""cancelled""#),
            (Outcome::Expired, r#""expired""#),
        ],
        |outcome| match outcome {
            Outcome::Created => 0,
            Outcome::Relayed => 1,
            Outcome::Claimed => 2,
            Outcome::PrivateRoomCreated => 3,
            Outcome::Released => 4,
            Outcome::Done => 5,
            Outcome::Cancelled => 6,
            Outcome::Expired => 7,
        },
        8,
    )?;
    pinned_all(
        &[
            (
                RoomKind::Neighbourhood { name: "Les Tilleuls".to_owned() },
                r#"{"kind":"neighbourhood","name":"Les Tilleuls"}"#,
            ),
            (
                RoomKind::Direct { user: "@famille:x".to_owned() },
                r#"{"kind":"direct","user":"@famille:x"}"#,
            ),
            (RoomKind::Volunteers, r#"{"kind":"volunteers"}"#),
            (RoomKind::Coordination, r#"{"kind":"coordination"}"#),
            (RoomKind::Private { request: 42 }, r#"{"kind":"private","request":42}"#),
        ],
        |kind| match kind {
            RoomKind::Neighbourhood { .. } => 0,
            RoomKind::Direct { .. } => 1,
            RoomKind::Volunteers => 2,
            RoomKind::Coordination => 3,
            RoomKind::Private { .. } => 4,
        },
        5,
    )?;
    pinned_all(
        &[
            (VolunteerStatus::Unvetted, r#""unvetted""#),
            (VolunteerStatus::Vetted, r#""vetted""#),
            (VolunteerStatus::Banned, r#""banned""#),
        ],
        |status| match status {
            VolunteerStatus::Unvetted => 0,
            VolunteerStatus::Vetted => 1,
            VolunteerStatus::Banned => 2,
        },
        3,
    )?;
    pinned_all(
        &[(Lang::Fr, r#""fr""#), (Lang::En, r#""en""#)],
        |lang| match lang {
            Lang::Fr => 0,
            Lang::En => 1,
        },
        2,
    )?;
    pinned_all(
        &[
            (Category::Groceries, r#""groceries""#),
            (Category::Pharmacy, r#""pharmacy""#),
            (Category::Lift, r#""lift""#),
            (Category::Visit, r#""visit""#),
            (Category::Repairs, r#""repairs""#),
            (Category::Paperwork, r#""paperwork""#),
            (Category::Digital, r#""digital""#),
            (Category::Other, r#""other""#),
        ],
        |category| match category {
            Category::Groceries => 0,
            Category::Pharmacy => 1,
            Category::Lift => 2,
            Category::Visit => 3,
            Category::Repairs => 4,
            Category::Paperwork => 5,
            Category::Digital => 6,
            Category::Other => 7,
        },
        8,
    )?;
    pinned_all(
        &[
            (Relation::Mother, r#""mother""#),
            (Relation::Father, r#""father""#),
            (Relation::Parents, r#""parents""#),
            (Relation::Grandmother, r#""grandmother""#),
            (Relation::Grandfather, r#""grandfather""#),
            (Relation::Grandparents, r#""grandparents""#),
            (Relation::Neighbour, r#""neighbour""#),
            (Relation::Family, r#""family""#),
            (Relation::Someone, r#""someone""#),
        ],
        |relation| match relation {
            Relation::Mother => 0,
            Relation::Father => 1,
            Relation::Parents => 2,
            Relation::Grandmother => 3,
            Relation::Grandfather => 4,
            Relation::Grandparents => 5,
            Relation::Neighbour => 6,
            Relation::Family => 7,
            Relation::Someone => 8,
        },
        9,
    )?;
    pinned_all(
        &[
            (DayPart::Morning, r#""morning""#),
            (DayPart::Afternoon, r#""afternoon""#),
            (DayPart::Evening, r#""evening""#),
        ],
        |part| match part {
            DayPart::Morning => 0,
            DayPart::Afternoon => 1,
            DayPart::Evening => 2,
        },
        3,
    )?;
    let day_only = When::On {
        date: NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("date")?,
        time: None,
        part: None,
    };
    pinned_all(
        &[
            (When::Asap, r#""asap""#),
            (thursday_afternoon()?, THURSDAY_AFTERNOON),
            (day_only, r#"{"on":{"date":"2026-11-24","time":null,"part":null}}"#),
        ],
        |when| match when {
            When::Asap => 0,
            When::On { .. } => 1,
        },
        2,
    )?;
    Ok(())
}

#[test]
fn every_stored_record_keeps_its_pinned_form() -> TestResult {
    pinned(
        &full_reading()?,
        &format!(r#"{{"category":"groceries","when":{THURSDAY_AFTERNOON},"on_behalf":"mother"}}"#),
    )?;
    pinned(
        &Reading { category: Category::Other, when: When::Asap, on_behalf: None },
        r#"{"category":"other","when":"asap","on_behalf":null}"#,
    )?;

    pinned(&full_request()?, FULL_REQUEST)?;
    let bare = Request {
        number: 2,
        requester: "@b:x".to_owned(),
        origin_room: "!direct:x".to_owned(),
        neighbourhood: None,
        text: "help".to_owned(),
        reading: Reading { category: Category::Other, when: When::Asap, on_behalf: None },
        lang: Lang::En,
        // Real timestamps carry nanoseconds.
        created_at: at(5) + TimeDelta::nanoseconds(123_456_789),
        state: State::Open,
        relay_event: None,
        private_room: None,
    };
    pinned(
        &bare,
        concat!(
            r#"{"number":2,"requester":"@b:x","origin_room":"!direct:x","neighbourhood":null,"#,
            r#""text":"help","reading":{"category":"other","when":"asap","on_behalf":null},"#,
            r#""lang":"en","created_at":"2026-11-23T10:05:00.123456789Z","#,
            r#""state":{"state":"open"},"relay_event":null,"private_room":null}"#
        ),
    )?;

    pinned(
        &LogEntry {
            at: at(9),
            number: 1,
            actor: "@alice:x".to_owned(),
            outcome: Outcome::Done,
            note: Some("très bien".to_owned()),
        },
        concat!(
            r#"{"at":"2026-11-23T10:09:00Z","number":1,"actor":"@alice:x","#,
            r#""outcome":"done","note":"très bien"}"#
        ),
    )?;
    pinned(
        &LogEntry {
            at: at(1),
            number: 1,
            actor: "bot".to_owned(),
            outcome: Outcome::Relayed,
            note: None,
        },
        r#"{"at":"2026-11-23T10:01:00Z","number":1,"actor":"bot","outcome":"relayed","note":null}"#,
    )?;

    pinned(&full_person(), FULL_PERSON)?;
    pinned(
        &Person::default(),
        r#"{"status":"unvetted","changed_by":null,"changed_at":null,"reason":null}"#,
    )?;
    Ok(())
}

/// A raw entry of a tree: key and value.
type Entry = (Vec<u8>, Vec<u8>);

/// Every entry of a tree, in key order, as raw bytes.
fn entries(db: &sled::Db, tree: &str) -> Result<Vec<Entry>, sled::Error> {
    db.open_tree(tree)?.iter().map(|item| item.map(|(k, v)| (k.to_vec(), v.to_vec()))).collect()
}

/// Every entry of a tree of JSON values, in key order: the key's bytes escaped (text keys
/// read as they are), the value as text.
fn json_entries(
    db: &sled::Db,
    tree: &str,
) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let mut readable = Vec::new();
    for (key, value) in entries(db, tree)? {
        readable.push((key.escape_ascii().to_string(), String::from_utf8(value)?));
    }
    Ok(readable)
}

/// An expected entry of a tree of JSON values.
fn json(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

#[tokio::test]
async fn keys_and_raw_values_keep_their_pinned_encoding() -> TestResult {
    let dir = tempfile::tempdir()?;
    {
        let store = Store::open(dir.path())?;
        let new = NewRequest {
            requester: "@famille:x".to_owned(),
            origin_room: "!tilleuls:x".to_owned(),
            neighbourhood: Some("Les Tilleuls".to_owned()),
            text: "courses pour ma mère, jeudi 14h30".to_owned(),
            reading: full_reading()?,
            lang: Lang::Fr,
        };
        let number = store.create_request(new, "$asked", at(0)).await?.number;
        store.set_relay(number, "$relay", at(1)).await?;
        store.claim(number, "@alice:x", at(2)).await?;
        store.set_private_room(number, "!private:x", at(3)).await?;
        store
            .set_volunteer_status("@alice:x", VolunteerStatus::Vetted, "@agent:x", None, at(4))
            .await?;
        let person = full_person();
        store
            .set_volunteer_status(
                "@bob:x",
                person.status,
                "@agent:x",
                person.reason.as_deref(),
                at(6),
            )
            .await?;
        let tilleuls = RoomKind::Neighbourhood { name: "Les Tilleuls".to_owned() };
        store.set_room_kind("!tilleuls:x", &tilleuls).await?;
        assert!(store.mark_handled("$other", at(4)).await?);
    }
    let db = sled::open(dir.path())?;
    let message = |what: &str| format!("{CHANGED}\n({what})");

    // Numbers are big-endian u64, so that numeric order is key order.
    assert_eq!(
        entries(&db, "meta")?,
        vec![
            (b"next_request_number".to_vec(), vec![0, 0, 0, 0, 0, 0, 0, 2]),
            (b"schema_version".to_vec(), vec![0, 0, 0, 0, 0, 0, 0, 1]),
        ],
        "{}",
        message("meta")
    );
    assert_eq!(
        json_entries(&db, "requests")?,
        vec![json(r"\x00\x00\x00\x00\x00\x00\x00\x01", FULL_REQUEST)],
        "{}",
        message("requests: request number → Request")
    );
    assert_eq!(
        entries(&db, "relays")?,
        vec![(b"$relay".to_vec(), vec![0, 0, 0, 0, 0, 0, 0, 1])],
        "{}",
        message("relays: relay event id → request number")
    );
    // 2026-11-23T10:00:00Z and 10:04:00Z as Unix seconds, big-endian i64.
    assert_eq!(
        entries(&db, "handled")?,
        vec![
            (b"$asked".to_vec(), 1_795_428_000_i64.to_be_bytes().to_vec()),
            (b"$other".to_vec(), 1_795_428_240_i64.to_be_bytes().to_vec()),
        ],
        "{}",
        message("handled: event id → Unix seconds")
    );
    assert_eq!(
        json_entries(&db, "people")?,
        vec![
            json(
                "@alice:x",
                concat!(
                    r#"{"status":"vetted","changed_by":"@agent:x","#,
                    r#""changed_at":"2026-11-23T10:04:00Z","reason":null}"#
                )
            ),
            json("@bob:x", FULL_PERSON),
        ],
        "{}",
        message("people: user id → Person")
    );
    assert_eq!(
        json_entries(&db, "rooms")?,
        vec![
            json("!private:x", r#"{"kind":"private","request":1}"#),
            json("!tilleuls:x", r#"{"kind":"neighbourhood","name":"Les Tilleuls"}"#),
        ],
        "{}",
        message("rooms: room id → RoomKind")
    );

    // The log is keyed by sled's generated ids (big-endian u64, increasing), whose exact
    // values are sled's business; its values are pinned.
    let mut ids = Vec::new();
    for (key, _) in entries(&db, "log")? {
        let key: [u8; 8] = key.as_slice().try_into().map_err(|_| message("log key"))?;
        ids.push(u64::from_be_bytes(key));
    }
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{}", message("log keys"));
    let values: Vec<String> =
        json_entries(&db, "log")?.into_iter().map(|(_, value)| value).collect();
    let line = |minute: u32, actor: &str, outcome: &str| {
        format!(
            r#"{{"at":"2026-11-23T10:0{minute}:00Z","number":1,"actor":"{actor}","outcome":"{outcome}","note":null}}"#
        )
    };
    assert_eq!(
        values,
        vec![
            line(0, "@famille:x", "created"),
            line(1, "bot", "relayed"),
            line(2, "@alice:x", "claimed"),
            line(3, "bot", "private_room_created"),
        ],
        "{}",
        message("log: generated id → LogEntry")
    );
    Ok(())
}
