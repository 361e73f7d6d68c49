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
        Action, AuditAction, AuditEntry, Block, Caller, Category, DayPart, Effect, FollowUp, Key,
        Lane, Lang, LogEntry, Membership, Message, NewRequest, Outcome, Pause, Person, Post, Quote,
        Reading, Relation, Repeat, Request, RoomKind, Root, Series, Shape, Signature, Spare, State,
        Step, Target, VolunteerStatus, When,
    },
};
use serde::{Serialize, de::DeserializeOwned};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CHANGED: &str = "if this fails, the on-disk format changed — bump SCHEMA_VERSION and \
                       write a migration in Store::open (then update the pinned forms in \
                       storage/tests/stored_forms.rs), or undo the change";

#[test]
fn the_pinned_forms_are_those_of_schema_version_5() {
    assert_eq!(SCHEMA_VERSION, 5, "{CHANGED}");
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
        follow_up: FollowUp { since: Some(at(2)), done: vec![Step::Nudge] },
        posts: Vec::new(),
        repeat: None,
    })
}

const FULL_REQUEST: &str = concat!(
    r#"{"number":1,"requester":"@famille:x","origin_room":"!tilleuls:x","#,
    r#""neighbourhood":"Les Tilleuls","text":"courses pour ma mère, jeudi 14h30","#,
    r#""reading":{"category":"groceries","#,
    r#""when":{"on":{"date":"2026-11-26","time":"14:30:00","part":"afternoon"}},"#,
    r#""on_behalf":"mother"},"lang":"fr","created_at":"2026-11-23T10:00:00Z","#,
    r#""state":{"state":"claimed","volunteer":"@alice:x","at":"2026-11-23T10:02:00Z"},"#,
    r#""relay_event":"$relay","private_room":"!private:x","#,
    r#""follow_up":{"since":"2026-11-23T10:02:00Z","done":["nudge"]}}"#
);

/// [`FULL_REQUEST`] as schema version 1 wrote it, before `follow_up`.
const FULL_REQUEST_V1: &str = concat!(
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
        blocked: Some(Block { at: at(9), reason: Some("spam".to_owned()) }),
        charter: Some(Signature { at: at(2), version: "0123456789ab".to_owned() }),
        pause: Some(Pause { since: at(3), until: Some(at(8)) }),
        areas: vec!["Les Tilleuls".to_owned(), "Centre".to_owned()],
        caller: Some(Caller {
            since: at(3),
            accepted: Some(Signature { at: at(4), version: "ab12".to_owned() }),
        }),
    }
}

const FULL_PERSON: &str = concat!(
    r#"{"status":"banned","changed_by":"@agent:x","changed_at":"2026-11-23T10:06:00Z","#,
    r#""reason":"rude","blocked":{"at":"2026-11-23T10:09:00Z","reason":"spam"},"#,
    r#""charter":{"at":"2026-11-23T10:02:00Z","version":"0123456789ab"},"#,
    r#""pause":{"since":"2026-11-23T10:03:00Z","until":"2026-11-23T10:08:00Z"},"#,
    r#""areas":["Les Tilleuls","Centre"],"caller":{"since":"2026-11-23T10:03:00Z","#,
    r#""accepted":{"at":"2026-11-23T10:04:00Z","version":"ab12"}}}"#
);

/// A person as stores written before blocks were kept: read as not blocked.
const PERSON_BEFORE_BLOCKS: &str = concat!(
    r#"{"status":"banned","changed_by":"@agent:x","changed_at":"2026-11-23T10:06:00Z","#,
    r#""reason":"rude"}"#
);

/// A notice with every optional field set: a nudge in the private room, in the relay's
/// thread, mentioning the volunteer.
fn full_notice() -> Action {
    Action::Notice {
        to: Target::Private,
        message: Message {
            plain: "Tout va bien ?".to_owned(),
            html: "<b>Tout va bien ?</b>".to_owned(),
        },
        shape: Shape::Thread { root: Root::Relay, to: None },
        mention: Some("@alice:x".to_owned()),
    }
}

const FULL_NOTICE: &str = concat!(
    r#"{"action":"notice","to":{"room":"private"},"#,
    r#""message":{"plain":"Tout va bien ?","html":"<b>Tout va bien ?</b>"},"#,
    r#""shape":{"shape":"thread","root":{"root":"relay"},"to":null},"mention":"@alice:x"}"#
);

/// [`full_notice`] as an effect of request 1, as the store journals it in
/// [`keys_and_raw_values_keep_their_pinned_encoding`].
fn full_effect() -> Effect {
    Effect { request: 1, lane: Lane::Private, urgent: false, action: full_notice() }
}

const FULL_EFFECT: &str = concat!(
    r#"{"request":1,"lane":"private","urgent":false,"action":{"action":"notice","#,
    r#""to":{"room":"private"},"message":{"plain":"Tout va bien ?","#,
    r#""html":"<b>Tout va bien ?</b>"},"#,
    r#""shape":{"shape":"thread","root":{"root":"relay"},"to":null},"mention":"@alice:x"}}"#
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
            (State::Offered, r#"{"state":"offered"}"#),
        ],
        |state| match state {
            State::Open => 0,
            State::Claimed { .. } => 1,
            State::Done { .. } => 2,
            State::Cancelled { .. } => 3,
            State::Expired => 4,
            State::Offered => 5,
        },
        6,
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
            (Outcome::Reminded, r#""reminded""#),
            (Outcome::Escalated, r#""escalated""#),
            (Outcome::Nudged, r#""nudged""#),
            (Outcome::EscalatedClaim, r#""escalated_claim""#),
            (Outcome::Erased, r#""erased""#),
            (Outcome::Feedback, r#""feedback""#),
            (Outcome::Offered, r#""offered""#),
            (Outcome::OfferTaken, r#""offer_taken""#),
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
            Outcome::Reminded => 8,
            Outcome::Escalated => 9,
            Outcome::Nudged => 10,
            Outcome::EscalatedClaim => 11,
            Outcome::Erased => 12,
            Outcome::Feedback => 13,
            Outcome::Offered => 14,
            Outcome::OfferTaken => 15,
        },
        16,
    )?;
    pinned_all(
        &[
            (Step::Remind, r#""remind""#),
            (Step::Escalate, r#""escalate""#),
            (Step::Expire, r#""expire""#),
            (Step::Nudge, r#""nudge""#),
            (Step::EscalateClaim, r#""escalate_claim""#),
        ],
        |step| match step {
            Step::Remind => 0,
            Step::Escalate => 1,
            Step::Expire => 2,
            Step::Nudge => 3,
            Step::EscalateClaim => 4,
        },
        5,
    )?;
    pinned_all(
        &[
            (AuditAction::Vet, r#""vet""#),
            (AuditAction::Unvet, r#""unvet""#),
            (AuditAction::Ban, r#""ban""#),
            (AuditAction::Unban, r#""unban""#),
            (AuditAction::Erase, r#""erase""#),
            (AuditAction::Assign, r#""assign""#),
            (AuditAction::Block, r#""block""#),
            (AuditAction::Unblock, r#""unblock""#),
            (AuditAction::Override, r#""override""#),
            (AuditAction::Enrol, r#""enrol""#),
            (AuditAction::Amend, r#""amend""#),
            (AuditAction::Acknowledge, r#""acknowledge""#),
            (AuditAction::ConfirmEntry, r#""confirm_entry""#),
            (AuditAction::Unenrol, r#""unenrol""#),
            (AuditAction::Import, r#""import""#),
            (AuditAction::Export, r#""export""#),
            (AuditAction::NameCaller, r#""name_caller""#),
            (AuditAction::UnnameCaller, r#""unname_caller""#),
            (AuditAction::CallerAccepted, r#""caller_accepted""#),
            (AuditAction::StartCampaign, r#""start_campaign""#),
            (AuditAction::EndCampaign, r#""end_campaign""#),
        ],
        |action| match action {
            AuditAction::Vet => 0,
            AuditAction::Unvet => 1,
            AuditAction::Ban => 2,
            AuditAction::Unban => 3,
            AuditAction::Erase => 4,
            AuditAction::Assign => 5,
            AuditAction::Block => 6,
            AuditAction::Unblock => 7,
            AuditAction::Override => 8,
            AuditAction::Enrol => 9,
            AuditAction::Amend => 10,
            AuditAction::Acknowledge => 11,
            AuditAction::ConfirmEntry => 12,
            AuditAction::Unenrol => 13,
            AuditAction::Import => 14,
            AuditAction::Export => 15,
            AuditAction::NameCaller => 16,
            AuditAction::UnnameCaller => 17,
            AuditAction::CallerAccepted => 18,
            AuditAction::StartCampaign => 19,
            AuditAction::EndCampaign => 20,
        },
        21,
    )?;
    pinned(
        &AuditEntry {
            at: at(7),
            actor: "@agent:x".to_owned(),
            action: AuditAction::Ban,
            target: Some("@paul:x".to_owned()),
            reason: Some("absent".to_owned()),
            request: None,
            entry: None,
        },
        r#"{"at":"2026-11-23T10:07:00Z","actor":"@agent:x","action":"ban","target":"@paul:x","reason":"absent"}"#,
    )?;
    pinned(
        &AuditEntry {
            at: at(8),
            actor: "@agent:x".to_owned(),
            action: AuditAction::Assign,
            target: Some("@marie:x".to_owned()),
            reason: None,
            request: Some(12),
            entry: None,
        },
        r#"{"at":"2026-11-23T10:08:00Z","actor":"@agent:x","action":"assign","target":"@marie:x","reason":null,"request":12}"#,
    )?;
    pinned(
        &AuditEntry {
            at: at(9),
            actor: "@agent:x".to_owned(),
            action: AuditAction::Unenrol,
            target: None,
            reason: Some("à sa demande".to_owned()),
            request: None,
            entry: Some(4),
        },
        r#"{"at":"2026-11-23T10:09:00Z","actor":"@agent:x","action":"unenrol","target":null,"reason":"à sa demande","entry":4}"#,
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
    let made_at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).single().ok_or("a date")?;
    pinned(
        &Spare { made_at, taken_by: None },
        r#"{"made_at":"2026-11-24T09:30:00Z","taken_by":null}"#,
    )?;
    pinned(
        &Spare { made_at, taken_by: Some(17) },
        r#"{"made_at":"2026-11-24T09:30:00Z","taken_by":17}"#,
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
    // A quote lost its `quote` (reply fallbacks dropped) within version 4: the forms
    // written before still read, see `a_reply_journalled_with_its_quote_still_reads_without_it`.
    let quote = || Quote { event: "$asked".to_owned(), sender: "@famille:x".to_owned() };
    const QUOTE: &str = r#"{"event":"$asked","sender":"@famille:x"}"#;
    pinned_all(
        &[
            (Root::Event { id: "$root".to_owned() }, r#"{"root":"event","id":"$root"}"#),
            (Root::Relay, r#"{"root":"relay"}"#),
        ],
        |root| match root {
            Root::Event { .. } => 0,
            Root::Relay => 1,
        },
        2,
    )?;
    pinned_all(
        &[
            (Shape::New, r#"{"shape":"new"}"#),
            (Shape::Reply { to: quote() }, &format!(r#"{{"shape":"reply","to":{QUOTE}}}"#)),
            (
                Shape::Thread { root: Root::Relay, to: None },
                r#"{"shape":"thread","root":{"root":"relay"},"to":null}"#,
            ),
            (
                Shape::Thread { root: Root::Event { id: "$root".to_owned() }, to: Some(quote()) },
                &format!(
                    r#"{{"shape":"thread","root":{{"root":"event","id":"$root"}},"to":{QUOTE}}}"#
                ),
            ),
        ],
        |shape| match shape {
            Shape::New => 0,
            Shape::Reply { .. } => 1,
            Shape::Thread { .. } => 2,
        },
        3,
    )?;
    pinned_all(
        &[
            (Target::Id { id: "!tilleuls:x".to_owned() }, r#"{"room":"id","id":"!tilleuls:x"}"#),
            (Target::Volunteers, r#"{"room":"volunteers"}"#),
            (Target::Coordination, r#"{"room":"coordination"}"#),
            (Target::Private, r#"{"room":"private"}"#),
            (Target::Direct { user: "@bob:x".to_owned() }, r#"{"room":"direct","user":"@bob:x"}"#),
            (
                Target::Requester { asked_in: "!tilleuls:x".to_owned() },
                r#"{"room":"requester","asked_in":"!tilleuls:x"}"#,
            ),
            (
                Target::Confidential { asked_by: "@agent:x".to_owned() },
                r#"{"room":"confidential","asked_by":"@agent:x"}"#,
            ),
        ],
        |target| match target {
            Target::Id { .. } => 0,
            Target::Volunteers => 1,
            Target::Coordination => 2,
            Target::Private => 3,
            Target::Direct { .. } => 4,
            Target::Requester { .. } => 5,
            Target::Confidential { .. } => 6,
        },
        7,
    )?;
    pinned_all(
        &[
            (full_notice(), FULL_NOTICE),
            (
                Action::Notice {
                    to: Target::Volunteers,
                    message: Message::default(),
                    shape: Shape::New,
                    mention: None,
                },
                concat!(
                    r#"{"action":"notice","to":{"room":"volunteers"},"#,
                    r#""message":{"plain":"","html":""},"shape":{"shape":"new"},"mention":null}"#
                ),
            ),
            (Action::Relay, r#"{"action":"relay"}"#),
            (
                Action::RetireRelay { key: Key::RelayTaken, relay: Some("$relay".to_owned()) },
                r#"{"action":"edit_relay","key":"relay_taken","relay":"$relay"}"#,
            ),
            (
                Action::PrivateRoom { volunteer: "@alice:x".to_owned() },
                r#"{"action":"private_room","volunteer":"@alice:x"}"#,
            ),
            (
                Action::Intro { volunteer: "@alice:x".to_owned() },
                r#"{"action":"intro","volunteer":"@alice:x"}"#,
            ),
            (
                Action::Remove { room: "!private:x".to_owned(), user: "@alice:x".to_owned() },
                r#"{"action":"remove","room":"!private:x","user":"@alice:x"}"#,
            ),
            (
                Action::Redact {
                    room: "!volunteers:x".to_owned(),
                    event: "$relay".to_owned(),
                    reason: Key::RedactedForgotten,
                },
                r#"{"action":"redact","room":"!volunteers:x","event":"$relay","reason":"redacted_forgotten"}"#,
            ),
            (
                Action::Scrub { room: "!direct:x".to_owned(), about: None },
                r#"{"action":"scrub","room":"!direct:x"}"#,
            ),
            (
                Action::Scrub {
                    room: "!tilleuls:x".to_owned(),
                    about: Some("@marie:x".to_owned()),
                },
                r#"{"action":"scrub","room":"!tilleuls:x","about":"@marie:x"}"#,
            ),
            (
                Action::Leave { room: "!direct:x".to_owned() },
                r#"{"action":"leave","room":"!direct:x"}"#,
            ),
            (
                Action::SendData { user: "@marie:x".to_owned(), lang: Lang::Fr },
                r#"{"action":"send_data","user":"@marie:x","lang":"fr"}"#,
            ),
            (
                Action::SendReport {
                    room: "!coordination:x".to_owned(),
                    from: NaiveDate::from_ymd_opt(2026, 11, 1).ok_or("date")?,
                    to: NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("date")?,
                    lang: Lang::En,
                },
                r#"{"action":"send_report","room":"!coordination:x","from":"2026-11-01","to":"2026-12-01","lang":"en"}"#,
            ),
            (
                Action::PostOffer { room: "!tilleuls:x".to_owned() },
                r#"{"action":"post_offer","room":"!tilleuls:x"}"#,
            ),
            (
                Action::RetirePost {
                    room: "!tilleuls:x".to_owned(),
                    event: "$post".to_owned(),
                    key: Key::OfferPostTaken,
                },
                r#"{"action":"retire_post","room":"!tilleuls:x","event":"$post","key":"offer_post_taken"}"#,
            ),
            (
                Action::MoveOut {
                    room: "!tilleuls:x".to_owned(),
                    event: "$ask".to_owned(),
                    user: "@marie:x".to_owned(),
                    lang: Lang::Fr,
                },
                r#"{"action":"move_out","room":"!tilleuls:x","event":"$ask","user":"@marie:x","lang":"fr"}"#,
            ),
            (
                Action::Moderate {
                    user: "@paul:x".to_owned(),
                    change: Membership::Ban,
                    lang: Lang::Fr,
                    to: Target::Coordination,
                    message: Message::default(),
                    shape: Shape::New,
                },
                concat!(
                    r#"{"action":"moderate","user":"@paul:x","change":"ban","lang":"fr","#,
                    r#""to":{"room":"coordination"},"message":{"plain":"","html":""},"#,
                    r#""shape":{"shape":"new"}}"#
                ),
            ),
            (
                Action::SendRegister {
                    to: Target::Confidential { asked_by: "@agent:x".to_owned() },
                    lang: Lang::Fr,
                },
                concat!(
                    r#"{"action":"send_register","to":{"room":"confidential","#,
                    r#""asked_by":"@agent:x"},"lang":"fr"}"#
                ),
            ),
            (
                Action::CampaignReport {
                    room: "!coordination:x".to_owned(),
                    campaign: 1,
                    lang: Lang::Fr,
                },
                r#"{"action":"campaign_report","room":"!coordination:x","campaign":1,"lang":"fr"}"#,
            ),
            (
                Action::Board { campaign: 2, lang: Lang::Fr },
                r#"{"action":"board","campaign":2,"lang":"fr"}"#,
            ),
        ],
        |action| match action {
            Action::Notice { .. } => 0,
            Action::Relay => 1,
            Action::RetireRelay { .. } => 2,
            Action::PrivateRoom { .. } => 3,
            Action::Intro { .. } => 4,
            Action::Remove { .. } => 5,
            Action::Redact { .. } => 6,
            Action::Scrub { .. } => 7,
            Action::Leave { .. } => 8,
            Action::SendData { .. } => 9,
            Action::PostOffer { .. } => 10,
            Action::RetirePost { .. } => 11,
            Action::SendReport { .. } => 12,
            Action::MoveOut { .. } => 13,
            Action::Moderate { .. } => 14,
            Action::SendRegister { .. } => 15,
            Action::CampaignReport { .. } => 16,
            Action::Board { .. } => 17,
        },
        18,
    )?;
    Ok(())
}

/// Message keys are stored in [`Action::RetireRelay`] under the names the locale files use
/// (which the catalogue's own tests pin): a key stored is the same text as its locale
/// name, and reads back as itself.
#[test]
fn every_message_key_is_stored_under_its_locale_name() -> TestResult {
    use strum::IntoEnumIterator as _;
    for key in Key::iter() {
        let name: &'static str = key.into();
        let json = serde_json::to_string(&key)?;
        assert_eq!(json, format!("\"{name}\""), "{key:?}");
        assert_eq!(serde_json::from_str::<Key>(&json)?, key);
    }
    assert_eq!(serde_json::to_string(&Key::RelayTaken)?, r#""relay_taken""#);
    Ok(())
}

#[test]
fn a_register_entry_keeps_its_pinned_form() -> TestResult {
    use entraide_storage::{
        AskedBy, Asker, Born, Contact, Enrolment, Particulars, Registration, ThirdParty, Way,
    };
    let born_on = NaiveDate::from_ymd_opt(2026, 7, 1).ok_or("a date")?;
    let entry = Registration {
        number: 3,
        particulars: Particulars {
            name: "Mme Lefèvre".to_owned(),
            born: Some(Born::Age { years: 87, on: born_on }),
            address: Some("12 rue des Lilas".to_owned()),
            area: Some("Centre".to_owned()),
            phones: vec!["05 56 12 34 56".to_owned()],
            contact: Some(Contact {
                name: "sa fille".to_owned(),
                phone: Some("06 11 22 33 44".to_owned()),
                matrix: Some("@claire:x".to_owned()),
            }),
            services: Some("aide à domicile".to_owned()),
            doctor: Some("Dr Roux".to_owned()),
            asked_by: AskedBy::ThirdParty(ThirdParty {
                kind: Asker::Family,
                words: "sa fille".to_owned(),
            }),
            notes: Some("entend mal".to_owned()),
            family_told: true,
        },
        status: Enrolment::Pending,
        asked_at: at(1),
        way: Way::Chat,
        entered_by: "@claire:x".to_owned(),
        acknowledged: Some(at(2)),
        reminded: true,
        confirmed_at: at(1),
        review_asked: Some(at(3)),
    };
    pinned(
        &entry,
        concat!(
            r#"{"number":3,"particulars":{"name":"Mme Lefèvre","born":{"age":{"years":87,"#,
            r#""on":"2026-07-01"}},"address":"12 rue des Lilas","area":"Centre","#,
            r#""phones":["05 56 12 34 56"],"contact":{"name":"sa fille","#,
            r#""phone":"06 11 22 33 44","matrix":"@claire:x"},"services":"aide à domicile","#,
            r#""doctor":"Dr Roux","asked_by":{"third_party":{"kind":"family","#,
            r#""words":"sa fille"}},"notes":"entend mal","family_told":true},"#,
            r#""status":"pending","asked_at":"2026-11-23T10:01:00Z","way":"chat","#,
            r#""entered_by":"@claire:x","acknowledged":"2026-11-23T10:02:00Z","#,
            r#""reminded":true,"confirmed_at":"2026-11-23T10:01:00Z","#,
            r#""review_asked":"2026-11-23T10:03:00Z"}"#
        ),
    )?;
    pinned(&Born::Date(born_on), r#"{"date":"2026-07-01"}"#)?;
    pinned(&Born::Year(1938), r#"{"year":1938}"#)?;
    pinned(&AskedBy::Themself, r#""themself""#)?;
    for (kind, form) in [
        (Asker::Family, r#""family""#),
        (Asker::Neighbour, r#""neighbour""#),
        (Asker::Carer, r#""carer""#),
        (Asker::Doctor, r#""doctor""#),
        (Asker::Other, r#""other""#),
    ] {
        pinned(&kind, form)?;
    }
    for (way, form) in [
        (Way::Coordinator, r#""coordinator""#),
        (Way::Chat, r#""chat""#),
        (Way::Import, r#""import""#),
    ] {
        pinned(&way, form)?;
    }
    pinned(&Enrolment::Active, r#""active""#)?;
    Ok(())
}

#[test]
fn a_campaign_and_its_checkins_keep_their_pinned_form() -> TestResult {
    use entraide_storage::{Attempt, CallOutcome, Campaign, CampaignKind, CheckIn, CheckStatus};
    let campaign = Campaign {
        number: 2,
        kind: CampaignKind::Named("confinement".to_owned()),
        started_at: at(1),
        started_by: "@agent:x".to_owned(),
        round: 3,
        round_started: at(2),
        ended_at: None,
        board: None,
        board_shown: None,
    };
    let form = concat!(
        r#"{"number":2,"kind":{"named":"confinement"},"started_at":"2026-11-23T10:01:00Z","#,
        r#""started_by":"@agent:x","round":3,"round_started":"2026-11-23T10:02:00Z","#,
        r#""ended_at":null"#
    );
    pinned(&campaign, &format!("{form}}}"))?;
    let boarded =
        Campaign { board: Some("$board".to_owned()), board_shown: Some(at(3)), ..campaign };
    pinned(
        &boarded,
        &format!(r#"{form},"board":"$board","board_shown":"2026-11-23T10:03:00Z"}}"#),
    )?;
    for (kind, form) in [
        (CampaignKind::Heatwave, r#""heatwave""#),
        (CampaignKind::Cold, r#""cold""#),
        (CampaignKind::Routine, r#""routine""#),
    ] {
        pinned(&kind, form)?;
    }
    pinned(
        &CheckIn {
            campaign: 2,
            entry: 7,
            caller: "@zoe:x".to_owned(),
            area: Some("Centre".to_owned()),
            status: CheckStatus::NoAnswer,
            attempts: vec![Attempt {
                at: at(3),
                round: 1,
                by: "@zoe:x".to_owned(),
                outcome: CallOutcome::NoAnswer,
            }],
            retry_at: Some(at(5)),
        },
        concat!(
            r#"{"campaign":2,"entry":7,"caller":"@zoe:x","area":"Centre","status":"no_answer","#,
            r#""attempts":[{"at":"2026-11-23T10:03:00Z","round":1,"by":"@zoe:x","#,
            r#""outcome":"no_answer"}],"retry_at":"2026-11-23T10:05:00Z"}"#
        ),
    )?;
    for (status, form) in [
        (CheckStatus::Waiting, r#""waiting""#),
        (CheckStatus::Reached, r#""reached""#),
        (CheckStatus::NeedsHelp, r#""needs_help""#),
        (CheckStatus::Visit, r#""visit""#),
        (CheckStatus::Escalated, r#""escalated""#),
    ] {
        pinned(&status, form)?;
    }
    for (outcome, form) in [
        (CallOutcome::Reached, r#""reached""#),
        (CallOutcome::NeedsHelp, r#""needs_help""#),
        (CallOutcome::Visit, r#""visit""#),
    ] {
        pinned(&outcome, form)?;
    }
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
        follow_up: FollowUp::default(),
        posts: Vec::new(),
        repeat: None,
    };
    pinned(
        &bare,
        concat!(
            r#"{"number":2,"requester":"@b:x","origin_room":"!direct:x","neighbourhood":null,"#,
            r#""text":"help","reading":{"category":"other","when":"asap","on_behalf":null},"#,
            r#""lang":"en","created_at":"2026-11-23T10:05:00.123456789Z","#,
            r#""state":{"state":"open"},"relay_event":null,"private_room":null,"#,
            r#""follow_up":{"since":null,"done":[]}}"#
        ),
    )?;
    let offer = Request {
        state: State::Offered,
        posts: vec![
            Post { room: "!tilleuls:x".to_owned(), event: Some("$post".to_owned()) },
            Post { room: "!centre:x".to_owned(), event: None },
        ],
        ..bare.clone()
    };
    let repeating = Request {
        repeat: Some(Series { every: Repeat::Weekly, next: Some(9), stopped: Some(at(7)) }),
        ..bare.clone()
    };
    pinned(
        &repeating,
        concat!(
            r#"{"number":2,"requester":"@b:x","origin_room":"!direct:x","neighbourhood":null,"#,
            r#""text":"help","reading":{"category":"other","when":"asap","on_behalf":null},"#,
            r#""lang":"en","created_at":"2026-11-23T10:05:00.123456789Z","#,
            r#""state":{"state":"open"},"relay_event":null,"private_room":null,"#,
            r#""follow_up":{"since":null,"done":[]},"#,
            r#""repeat":{"every":"weekly","next":9,"stopped":"2026-11-23T10:07:00Z"}}"#
        ),
    )?;
    for (every, form) in [
        (Repeat::Daily, "daily"),
        (Repeat::Weekly, "weekly"),
        (Repeat::Fortnightly, "fortnightly"),
        (Repeat::Monthly, "monthly"),
    ] {
        pinned(&every, &format!("\"{form}\""))?;
    }
    pinned(
        &offer,
        concat!(
            r#"{"number":2,"requester":"@b:x","origin_room":"!direct:x","neighbourhood":null,"#,
            r#""text":"help","reading":{"category":"other","when":"asap","on_behalf":null},"#,
            r#""lang":"en","created_at":"2026-11-23T10:05:00.123456789Z","#,
            r#""state":{"state":"offered"},"relay_event":null,"private_room":null,"#,
            r#""follow_up":{"since":null,"done":[]},"#,
            r#""posts":[{"room":"!tilleuls:x","event":"$post"},{"room":"!centre:x","event":null}]}"#
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

    pinned(&FollowUp::default(), r#"{"since":null,"done":[]}"#)?;
    pinned(
        &FollowUp { since: Some(at(7)), done: vec![Step::Remind, Step::Escalate] },
        r#"{"since":"2026-11-23T10:07:00Z","done":["remind","escalate"]}"#,
    )?;

    pinned(&full_effect(), FULL_EFFECT)?;
    pinned(
        &Effect {
            request: 0,
            lane: Lane::room("!coordination:x"),
            urgent: true,
            action: Action::Relay,
        },
        r#"{"request":0,"lane":"!coordination:x","urgent":true,"action":{"action":"relay"}}"#,
    )?;
    pinned(
        &Quote { event: "$asked".to_owned(), sender: "@famille:x".to_owned() },
        r#"{"event":"$asked","sender":"@famille:x"}"#,
    )?;
    pinned(
        &Message { plain: "a\nb".to_owned(), html: "a<br>b".to_owned() },
        r#"{"plain":"a\nb","html":"a<br>b"}"#,
    )?;

    pinned(&full_person(), FULL_PERSON)?;
    let before: Person = serde_json::from_str(PERSON_BEFORE_BLOCKS)?;
    assert_eq!(
        before,
        Person {
            blocked: None,
            charter: None,
            pause: None,
            areas: Vec::new(),
            caller: None,
            ..full_person()
        },
        "{CHANGED}"
    );
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
            informs: false,
        };
        // Each transition owes what the bot would; what is finished leaves the journal, the
        // rest stays in it.
        let confirmation = |request: &Request| Effect {
            request: request.number,
            lane: Lane::room(&request.origin_room),
            urgent: true,
            action: Action::Notice {
                to: Target::Id { id: request.origin_room.clone() },
                message: Message { plain: "n°1".to_owned(), html: "<b>n°1</b>".to_owned() },
                shape: Shape::Reply {
                    to: Quote { event: "$asked".to_owned(), sender: request.requester.clone() },
                },
                mention: None,
            },
        };
        let (request, created) = store
            .create_request(new, "$asked", at(0), |request| {
                let relay = Effect {
                    request: request.number,
                    lane: Lane::room("!volunteers:x"),
                    urgent: true,
                    action: Action::Relay,
                };
                vec![confirmation(request), relay]
            })
            .await?;
        let number = request.number;
        store.set_relay(number, "$relay", at(1), created[1].id).await?;
        let (_, claimed) = store
            .claim(number, "@alice:x", None, at(2), |request| {
                let private = Effect {
                    request: request.number,
                    lane: Lane::Private,
                    urgent: true,
                    action: Action::PrivateRoom { volunteer: "@alice:x".to_owned() },
                };
                let edit = Effect {
                    request: request.number,
                    lane: Lane::room("!volunteers:x"),
                    urgent: false,
                    action: Action::RetireRelay { key: Key::RelayTaken, relay: None },
                };
                vec![private, edit]
            })
            .await?;
        store.set_private_room(number, "!private:x", at(3), claimed[0].id).await?;
        store.follow_up(number, Step::Nudge, at(5), |_| vec![full_effect()]).await?;
        store
            .set_volunteer_status(
                "@alice:x",
                VolunteerStatus::Vetted,
                "@agent:x",
                None,
                false,
                at(4),
            )
            .await?;
        let person = full_person();
        store
            .set_volunteer_status(
                "@bob:x",
                person.status,
                "@agent:x",
                person.reason.as_deref(),
                false,
                at(6),
            )
            .await?;
        assert!(store.set_blocked("@bob:x", person.blocked.clone(), "@agent:x", at(9)).await?);
        store
            .update_person("@bob:x", |bob| {
                bob.charter.clone_from(&person.charter);
                bob.pause.clone_from(&person.pause);
                bob.areas.clone_from(&person.areas);
                bob.caller.clone_from(&person.caller);
            })
            .await?;
        let tilleuls = RoomKind::Neighbourhood { name: "Les Tilleuls".to_owned() };
        store.set_room_kind("!tilleuls:x", &tilleuls).await?;
        assert!(store.mark_handled("$other", at(4)).await?);
    }
    let db = entraide_storage::open_sled(dir.path())?;
    let message = |what: &str| format!("{CHANGED}\n({what})");

    // Numbers are big-endian u64, so that numeric order is key order.
    assert_eq!(
        entries(&db, "meta")?,
        vec![
            (b"next_request_number".to_vec(), vec![0, 0, 0, 0, 0, 0, 0, 2]),
            (b"schema_version".to_vec(), vec![0, 0, 0, 0, 0, 0, 0, 5]),
        ],
        "{}",
        message("meta")
    );
    // The requester's id, a NUL byte, the number: a person's requests in number order.
    assert_eq!(
        entries(&db, "by_requester")?,
        vec![(b"@famille:x\0\0\0\0\0\0\0\0\x01".to_vec(), Vec::new())],
        "{}",
        message("by_requester: requester id, NUL, request number → nothing")
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
            line(5, "bot", "nudged"),
        ],
        "{}",
        message("log: generated id → LogEntry")
    );

    // The journal of effects is keyed the same way; its values are pinned.
    let mut ids = Vec::new();
    for (key, _) in entries(&db, "effects")? {
        let key: [u8; 8] = key.as_slice().try_into().map_err(|_| message("effects key"))?;
        ids.push(u64::from_be_bytes(key));
    }
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{}", message("effects keys"));
    let values: Vec<String> =
        json_entries(&db, "effects")?.into_iter().map(|(_, value)| value).collect();
    assert_eq!(
        values,
        vec![
            concat!(
                r#"{"request":1,"lane":"!tilleuls:x","urgent":true,"action":{"action":"notice","#,
                r#""to":{"room":"id","id":"!tilleuls:x"},"#,
                r#""message":{"plain":"n°1","html":"<b>n°1</b>"},"#,
                r#""shape":{"shape":"reply","#,
                r#""to":{"event":"$asked","sender":"@famille:x"}},"#,
                r#""mention":null}}"#
            )
            .to_owned(),
            concat!(
                r#"{"request":1,"lane":"!volunteers:x","urgent":false,"#,
                r#""action":{"action":"edit_relay","key":"relay_taken","relay":null}}"#
            )
            .to_owned(),
            FULL_EFFECT.to_owned(),
        ],
        "{}",
        message("effects: generated id → Effect")
    );
    Ok(())
}

/// A reply journalled before reply fallbacks were dropped (Matrix 1.13): its `quote`.
const REPLY_WITH_QUOTE: &str = concat!(
    r#"{"request":1,"lane":"!tilleuls:x","urgent":true,"action":{"action":"notice","#,
    r#""to":{"room":"id","id":"!tilleuls:x"},"message":{"plain":"n°1","html":"<b>n°1</b>"},"#,
    r#""shape":{"shape":"reply","to":{"event":"$asked","sender":"@famille:x","quote":"courses"}},"#,
    r#""mention":null}}"#
);

#[tokio::test]
async fn a_reply_journalled_with_its_quote_still_reads_without_it() -> TestResult {
    let reply = Effect {
        request: 1,
        lane: Lane::room("!tilleuls:x"),
        urgent: true,
        action: Action::Notice {
            to: Target::Id { id: "!tilleuls:x".to_owned() },
            message: Message { plain: "n°1".to_owned(), html: "<b>n°1</b>".to_owned() },
            shape: Shape::Reply {
                to: Quote { event: "$asked".to_owned(), sender: "@famille:x".to_owned() },
            },
            mention: None,
        },
    };
    let read: Effect = serde_json::from_str(REPLY_WITH_QUOTE).map_err(|error| {
        format!("{CHANGED}\n(a reply with its quote no longer decodes: {error})")
    })?;
    assert_eq!(read, reply);
    let thread: Shape = serde_json::from_str(concat!(
        r#"{"shape":"thread","root":{"root":"relay"},"#,
        r#""to":{"event":"$asked","sender":"@famille:x","quote":"!prendre …"}}"#
    ))?;
    let to = Some(Quote { event: "$asked".to_owned(), sender: "@famille:x".to_owned() });
    assert_eq!(thread, Shape::Thread { root: Root::Relay, to });

    // As a store of the same schema holds it, still owed after an upgrade.
    let dir = tempfile::tempdir()?;
    {
        let db = entraide_storage::open_sled(dir.path())?;
        db.open_tree("meta")?.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
        db.open_tree("effects")?.insert(7_u64.to_be_bytes(), REPLY_WITH_QUOTE.as_bytes())?;
        db.flush()?;
    }
    let store = Store::open(dir.path())?;
    let pending = store.pending_effects()?;
    assert_eq!(pending.len(), 1);
    assert_eq!((pending[0].id, &pending[0].effect), (7, &reply));
    Ok(())
}

#[test]
fn a_request_of_schema_version_1_still_reads() -> TestResult {
    let read: Request = serde_json::from_str(FULL_REQUEST_V1)
        .map_err(|error| format!("{CHANGED}\n(a version-1 request no longer decodes: {error})"))?;
    let expected = Request { follow_up: FollowUp::default(), ..full_request()? };
    assert_eq!(read, expected, "{CHANGED}");
    Ok(())
}

/// What a version-1 store holds: a claimed request of before `follow_up`, its log, the
/// meta numbers, and no `effects` tree.
fn write_version_1_store(path: &std::path::Path) -> TestResult {
    let db = entraide_storage::open_sled(path)?;
    let meta = db.open_tree("meta")?;
    meta.insert("schema_version", &1_u64.to_be_bytes())?;
    meta.insert("next_request_number", &2_u64.to_be_bytes())?;
    db.open_tree("requests")?.insert(1_u64.to_be_bytes(), FULL_REQUEST_V1.as_bytes())?;
    let log = db.open_tree("log")?;
    for (id, minute, actor, outcome) in [
        (1_u64, 0, "@famille:x", "created"),
        (2, 1, "bot", "relayed"),
        (3, 2, "@alice:x", "claimed"),
    ] {
        let entry = format!(
            r#"{{"at":"2026-11-23T10:0{minute}:00Z","number":1,"actor":"{actor}","outcome":"{outcome}","note":null}}"#
        );
        log.insert(id.to_be_bytes(), entry.as_bytes())?;
    }
    db.open_tree("relays")?.insert("$relay", &1_u64.to_be_bytes())?;
    db.flush()?;
    Ok(())
}

#[tokio::test]
async fn a_store_of_schema_version_1_opens_and_is_upgraded() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_version_1_store(dir.path())?;
    {
        let store = Store::open(dir.path())?;
        let expected = Request { follow_up: FollowUp::default(), ..full_request()? };
        assert_eq!(store.request(1)?, Some(expected));
        assert_eq!(store.request_by_relay("$relay")?, Some(1));
        assert_eq!(
            store.log_of(1)?.into_iter().map(|e| e.outcome).collect::<Vec<_>>(),
            vec![Outcome::Created, Outcome::Relayed, Outcome::Claimed]
        );
        assert!(store.pending_effects()?.is_empty(), "a version-1 store owes nothing");
        assert_eq!(
            store.requests_of("@famille:x")?.into_iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![1],
            "opening built the requester index"
        );
        // Its requests take part in version 2's transitions, follow-up steps included…
        let (nudged, queued) =
            store.follow_up(1, Step::Nudge, at(9), |_| vec![full_effect()]).await?;
        assert_eq!(nudged.follow_up.done, vec![Step::Nudge]);
        assert_eq!(store.pending_effects()?, queued);
        // …and numbering goes on.
        let new = NewRequest {
            requester: "@b:x".to_owned(),
            origin_room: "!direct:x".to_owned(),
            neighbourhood: None,
            text: "help".to_owned(),
            reading: Reading { category: Category::Other, when: When::Asap, on_behalf: None },
            lang: Lang::En,
            informs: false,
        };
        let (second, _) = store.create_request(new, "$second", at(9), |_| Vec::new()).await?;
        assert_eq!(second.number, 2);
    }
    let db = entraide_storage::open_sled(dir.path())?;
    let schema = db.open_tree("meta")?.get("schema_version")?.map(|v| v.to_vec());
    let now = SCHEMA_VERSION.to_be_bytes().to_vec();
    assert_eq!(schema, Some(now), "the version on disk is now the current one");
    drop(db);
    // What this version wrote over the version-1 request is there after a reopening.
    let store = Store::open(dir.path())?;
    assert_eq!(store.request(1)?.map(|r| r.follow_up.done), Some(vec![Step::Nudge]));
    Ok(())
}

/// The changes of membership a coordinator's decision owes keep their names.
#[test]
fn memberships_keep_their_stored_names() -> Result<(), Box<dyn std::error::Error>> {
    for (change, text) in [
        (Membership::Ban, r#""ban""#),
        (Membership::Unban, r#""unban""#),
        (Membership::Remove, r#""remove""#),
        (Membership::Welcome, r#""welcome""#),
    ] {
        assert_eq!(serde_json::to_string(&change)?, text);
        assert_eq!(serde_json::from_str::<Membership>(text)?, change);
    }
    Ok(())
}

/// Lanes are stored as the text they always were: a room id, `private`, or `direct:` and
/// a user id; every journal written before they were typed reads back the same.
#[test]
fn lanes_keep_their_stored_text() -> Result<(), Box<dyn std::error::Error>> {
    for (lane, text) in [
        (Lane::room("!volunteers:x"), r#""!volunteers:x""#),
        (Lane::Private, r#""private""#),
        (Lane::Direct("@marie:x".to_owned()), r#""direct:@marie:x""#),
    ] {
        assert_eq!(serde_json::to_string(&lane)?, text);
        assert_eq!(serde_json::from_str::<Lane>(text)?, lane);
    }
    Ok(())
}
