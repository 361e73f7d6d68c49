//! The store on a real sled database in a temporary directory.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use entraide_commands::{Category, Lang, Reading, Repeat, VolunteerStatus, When};
use entraide_storage::{
    Effect, ErasedBy, NewRequest, Outcome, Request, RoomKind, SCHEMA_VERSION, State, Step, Store,
    StoreError, TransitionError,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn new_request(requester: &str) -> NewRequest {
    NewRequest {
        requester: requester.to_owned(),
        origin_room: "!tilleuls:example.org".to_owned(),
        neighbourhood: Some("Les Tilleuls".to_owned()),
        text: "courses pour ma mère".to_owned(),
        reading: Reading { category: Category::Groceries, when: When::Asap, on_behalf: None },
        lang: Lang::Fr,
        informs: false,
    }
}

fn at(minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, minute, 0).single().unwrap_or_default()
}

/// A plan that owes nothing, for tests where effects do not matter.
fn none(_: &Request) -> Vec<Effect> {
    Vec::new()
}

/// The same, for a release.
fn none2(_: &Request, _: Option<&str>) -> Vec<Effect> {
    Vec::new()
}

/// The id of no effect, for `set_relay` and `set_private_room` when none is journalled
/// (sled's generated ids are far below it).
const NO_EFFECT: u64 = u64::MAX;

fn outcomes(store: &Store, number: u64) -> Result<Vec<Outcome>, StoreError> {
    Ok(store.log_of(number)?.into_iter().map(|e| e.outcome).collect())
}

#[tokio::test]
async fn numbers_are_sequential_and_an_event_makes_one_request() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let (first, _) = store.create_request(new_request("@a:x"), "$e1", at(0), none).await?;
    let (second, _) = store.create_request(new_request("@b:x"), "$e2", at(1), none).await?;
    assert_eq!((first.number, second.number), (1, 2));
    assert!(matches!(
        store.create_request(new_request("@a:x"), "$e1", at(2), none).await,
        Err(TransitionError::AlreadyHandled)
    ));
    assert!(store.is_handled("$e1")?);
    assert_eq!(store.active_requests()?.len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_first_request_records_its_requester_informed_in_the_same_transaction() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.create_request(new_request("@a:x"), "$e1", at(0), none).await?;
    assert!(!store.is_informed("@a:x")?, "not told: not recorded");
    let informing = NewRequest { informs: true, ..new_request("@a:x") };
    store.create_request(informing.clone(), "$e2", at(1), none).await?;
    assert!(store.is_informed("@a:x")?);
    // Refused (the same event), it records nothing either.
    let other = NewRequest { requester: "@b:x".to_owned(), ..informing };
    assert!(store.create_request(other, "$e2", at(2), none).await.is_err());
    assert!(!store.is_informed("@b:x")?);
    Ok(())
}

#[tokio::test]
async fn a_request_lives_through_claim_release_claim_done() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let (request, _) = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?;
    let n = request.number;
    store.set_relay(n, "$relay1", at(1), NO_EFFECT).await?;
    assert_eq!(store.request_by_relay("$relay1")?, Some(n));

    let (claimed, _) = store.claim(n, "@alice:x", None, at(2), none).await?;
    assert_eq!(claimed.state.holder(), Some("@alice:x"));
    store.set_private_room(n, "!private:x", at(3), NO_EFFECT).await?;
    assert_eq!(store.room_kind("!private:x")?, Some(RoomKind::Private { request: n }));

    assert!(matches!(
        store.release(n, "@bruno:x", "@bruno:x", false, None, at(4), &[], none2).await,
        Err(TransitionError::NotHolder(_))
    ));
    assert!(matches!(
        store.done(n, "@bruno:x", None, None, at(4), none).await,
        Err(TransitionError::NotHolder(_))
    ));
    let (released, old_room, _) =
        store.release(n, "@alice:x", "@alice:x", false, None, at(5), &[], none2).await?;
    assert_eq!(released.state, State::Open);
    assert_eq!(old_room.as_deref(), Some("!private:x"));
    assert_eq!(released.private_room, None);
    assert!(matches!(
        store.release(n, "@alice:x", "@alice:x", false, None, at(5), &[], none2).await,
        Err(TransitionError::NotClaimed { .. })
    ));

    store.set_relay(n, "$relay2", at(6), NO_EFFECT).await?;
    assert_eq!(store.request_by_relay("$relay1")?, None, "the old relay no longer claims");
    store.claim(n, "@bruno:x", None, at(7), none).await?;
    let (done, _) = store.done(n, "@bruno:x", Some("très bien"), None, at(8), none).await?;
    assert!(matches!(done.state, State::Done { .. }));
    assert!(store.active_requests()?.is_empty());
    assert!(matches!(
        store.cancel(n, "@famille:x", false, None, at(9), none).await,
        Err(TransitionError::NotOpen { .. })
    ));

    assert_eq!(
        outcomes(&store, n)?,
        vec![
            Outcome::Created,
            Outcome::Relayed,
            Outcome::Claimed,
            Outcome::PrivateRoomCreated,
            Outcome::Released,
            Outcome::Relayed,
            Outcome::Claimed,
            Outcome::Done
        ]
    );
    let log = store.log_of(n)?;
    assert_eq!(log.last().and_then(|e| e.note.as_deref()), Some("très bien"));
    assert_eq!(log[2].actor, "@alice:x");
    assert_eq!(log[0].at, at(0));
    Ok(())
}

#[tokio::test]
async fn only_the_requester_or_a_coordinator_cancels() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;
    assert!(matches!(
        store.cancel(n, "@voisin:x", false, None, at(1), none).await,
        Err(TransitionError::NotRequester(_))
    ));
    assert_eq!(store.request(n)?.map(|r| r.state), Some(State::Open));
    store.cancel(n, "@agent:x", true, None, at(2), none).await?;
    assert!(matches!(
        store.cancel(n, "@famille:x", false, None, at(3), none).await,
        Err(TransitionError::NotOpen { .. })
    ));
    assert!(matches!(
        store.claim(99, "@a:x", None, at(3), none).await,
        Err(TransitionError::NoSuchRequest(99))
    ));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_claims_have_one_winner() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Arc::new(Store::open(dir.path())?);
    let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;
    let claims = (0..20).map(|i| {
        let store = store.clone();
        tokio::spawn(async move { store.claim(n, &format!("@v{i}:x"), None, at(1), none).await })
    });
    let mut winners = Vec::new();
    for claim in claims {
        match claim.await? {
            Ok((request, _)) => winners.push(request.state.holder().map(str::to_owned)),
            Err(TransitionError::NotOpen { state: State::Claimed { .. }, .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }
    assert_eq!(winners.len(), 1);
    assert_eq!(outcomes(&store, n)?.iter().filter(|o| **o == Outcome::Claimed).count(), 1);
    assert_eq!(store.request(n)?.and_then(|r| r.state.holder().map(str::to_owned)), winners[0]);
    Ok(())
}

/// A series: each occurrence follows the latest once, of concurrent makers one wins;
/// stopped from any occurrence, the latest is its last; forgetting its author stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_series_makes_each_occurrence_once_and_stops() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Arc::new(Store::open(dir.path())?);
    let first = store
        .create_series(new_request("@coord:x"), Repeat::Weekly, "$s", at(0), none)
        .await?
        .0
        .number;
    assert_eq!(store.repeating()?.iter().map(|r| r.number).collect::<Vec<_>>(), [first]);
    let makers = (0..10).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            store.next_occurrence(first, new_request("@coord:x"), at(1), none).await
        })
    });
    let mut made = Vec::new();
    for maker in makers {
        match maker.await? {
            Ok((request, _)) => made.push(request.number),
            Err(TransitionError::NotRepeating(n)) if n == first => {}
            Err(other) => return Err(other.into()),
        }
    }
    assert_eq!(made.len(), 1);
    let second = made[0];
    assert_eq!(store.repeating()?.iter().map(|r| r.number).collect::<Vec<_>>(), [second]);
    assert_eq!(outcomes(&store, second)?, [Outcome::Created]);
    let third = store.next_occurrence(second, new_request("@coord:x"), at(2), none).await?.0;
    // Stopped from the first: the third is the last.
    let latest = store.stop_series(first, at(3)).await?;
    assert_eq!(latest.number, third.number);
    assert!(store.repeating()?.is_empty());
    assert!(matches!(
        store.next_occurrence(third.number, new_request("@coord:x"), at(4), none).await,
        Err(TransitionError::NotRepeating(_))
    ));
    assert!(matches!(
        store.stop_series(second, at(4)).await,
        Err(TransitionError::NotRepeating(_))
    ));
    // A one-off request is no series.
    let single = store.create_request(new_request("@x:x"), "$one", at(5), none).await?.0;
    assert!(matches!(
        store.stop_series(single.number, at(5)).await,
        Err(TransitionError::NotRepeating(n)) if n == single.number
    ));
    // Forgetting the author stops a series that goes on.
    let other =
        store.create_series(new_request("@coord2:x"), Repeat::Daily, "$s2", at(6), none).await?.0;
    store.forget("@coord2:x", at(7), ErasedBy::Themselves, |_, _| Vec::new()).await?;
    let forgotten = store.request(other.number)?.ok_or("the series")?;
    assert!(forgotten.repeat.is_some_and(|series| series.stopped.is_some()));
    assert!(store.repeating()?.is_empty());
    Ok(())
}

#[tokio::test]
async fn handled_events_are_marked_once() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    assert!(store.mark_handled("$x", at(0)).await?);
    assert!(!store.mark_handled("$x", at(1)).await?);
    Ok(())
}

#[tokio::test]
async fn everything_survives_reopening() -> TestResult {
    let dir = tempfile::tempdir()?;
    {
        let store = Store::open(dir.path())?;
        let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;
        store.claim(n, "@alice:x", None, at(1), none).await?;
        store
            .set_volunteer_status(
                "@alice:x",
                VolunteerStatus::Vetted,
                "@agent:x",
                None,
                false,
                at(1),
            )
            .await?;
        store.set_room_kind("!v:x", &RoomKind::Volunteers).await?;
        assert!(store.mark_handled("$r", at(2)).await?);
    }
    let store = Store::open(dir.path())?;
    assert_eq!(
        store.request(1)?.and_then(|r| r.state.holder().map(str::to_owned)).as_deref(),
        Some("@alice:x")
    );
    assert_eq!(store.person("@alice:x")?.status, VolunteerStatus::Vetted);
    assert_eq!(store.person("@nobody:x")?.status, VolunteerStatus::Unvetted);
    assert_eq!(store.vetted()?, vec!["@alice:x".to_owned()]);
    assert_eq!(store.rooms_where(|k| *k == RoomKind::Volunteers)?, vec!["!v:x".to_owned()]);
    assert!(!store.mark_handled("$r", at(3)).await?, "handled ids survive a restart");
    assert!(store.is_handled("$e")?);
    let (next, _) = store.create_request(new_request("@b:x"), "$e2", at(4), none).await?;
    assert_eq!(next.number, 2, "numbering goes on after a restart");
    assert_eq!(outcomes(&store, 1)?, vec![Outcome::Created, Outcome::Claimed]);
    Ok(())
}

#[tokio::test]
async fn a_newer_schema_is_refused_and_bad_values_name_their_key() -> TestResult {
    let dir = tempfile::tempdir()?;
    {
        let db = entraide_storage::open_sled(dir.path())?;
        db.open_tree("meta")?.insert("schema_version", &(SCHEMA_VERSION + 1).to_be_bytes())?;
        db.open_tree("people")?.insert("@broken:x", b"not json".to_vec())?;
        db.flush()?;
    }
    match Store::open(dir.path()) {
        Err(StoreError::SchemaTooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
        other => panic!("expected a schema error, got {other:?}"),
    }
    {
        let db = entraide_storage::open_sled(dir.path())?;
        db.open_tree("meta")?.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
        db.flush()?;
    }
    let store = Store::open(dir.path())?;
    match store.person("@broken:x") {
        Err(StoreError::Decode { tree, key, .. }) => {
            assert_eq!((tree, key.as_str()), ("people", "@broken:x"))
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn a_bad_value_under_a_numeric_key_names_the_number_even_if_the_key_looks_like_text()
-> TestResult {
    // 0x3131313131313131 is also the UTF-8 text "11111111": the key must still print as
    // the number it is in `requests` and `log`.
    let number = 0x3131_3131_3131_3131_u64;
    assert_eq!(&number.to_be_bytes(), b"11111111");
    let dir = tempfile::tempdir()?;
    {
        let db = entraide_storage::open_sled(dir.path())?;
        db.open_tree("requests")?.insert(number.to_be_bytes(), b"not json".to_vec())?;
        db.open_tree("log")?.insert(number.to_be_bytes(), b"{}".to_vec())?;
        db.flush()?;
    }
    let store = Store::open(dir.path())?;
    let expect = |result: Result<(), StoreError>, tree: &str| {
        let Err(error) = result else { panic!("expected a decode error for {tree}, got Ok") };
        match &error {
            StoreError::Decode { tree: found, key, .. } => {
                assert_eq!((*found, key.as_str()), (tree, "3544668469065756977"));
            }
            other => panic!("expected a decode error for {tree}, got {other:?}"),
        }
        let prefix = format!("cannot decode {tree}/3544668469065756977: ");
        assert!(error.to_string().starts_with(&prefix), "{error}");
    };
    expect(store.request(number).map(drop), "requests");
    expect(store.active_requests().map(drop), "requests");
    expect(store.log().map(drop), "log");
    Ok(())
}

#[tokio::test]
async fn a_rooms_join_time_is_recorded_once_and_survives_a_reopening() -> Result<(), StoreError> {
    let dir = tempfile::TempDir::new().map_err(|e| StoreError::Sled(e.into()))?;
    {
        let store = Store::open(dir.path())?;
        assert_eq!(store.joined_at("!a:x")?, None);
        assert_eq!(store.record_joined("!a:x", 1_000).await?, 1_000);
        assert_eq!(store.record_joined("!a:x", 2_000).await?, 1_000);
        assert_eq!(store.synced_at()?, None);
        store.set_synced_at(5_000)?;
        store.flush().await?;
    }
    let store = Store::open(dir.path())?;
    assert_eq!(store.joined_at("!a:x")?, Some(1_000));
    assert_eq!(store.synced_at()?, Some(5_000));
    Ok(())
}

#[tokio::test]
async fn a_transition_marks_its_event_handled_with_it_and_only_when_it_happens() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let (request, _) = store.create_request(new_request("@famille:x"), "$ask", at(0), none).await?;
    let n = request.number;
    // A refused claim marks nothing: the worker answers it and marks it then.
    assert!(matches!(
        store.claim(n + 1, "@alice:x", Some("$wrong"), at(1), none).await,
        Err(TransitionError::NoSuchRequest(_))
    ));
    assert!(!store.is_handled("$wrong")?);
    store.claim(n, "@alice:x", Some("$take"), at(1), none).await?;
    assert!(store.is_handled("$take")?);
    // The same event again (a replay after a crash) changes nothing.
    store.release(n, "@alice:x", "@alice:x", false, Some("$give"), at(2), &[], none2).await?;
    assert!(matches!(
        store.claim(n, "@alice:x", Some("$take"), at(3), none).await,
        Err(TransitionError::AlreadyHandled)
    ));
    assert_eq!(store.request(n)?.map(|r| r.state), Some(State::Open));
    store.claim(n, "@bruno:x", Some("$take2"), at(3), none).await?;
    store.done(n, "@bruno:x", None, Some("$done"), at(4), none).await?;
    assert!(matches!(
        store.done(n, "@bruno:x", None, Some("$done"), at(5), none).await,
        Err(TransitionError::AlreadyHandled)
    ));
    assert_eq!(
        outcomes(&store, n)?,
        [Outcome::Created, Outcome::Claimed, Outcome::Released, Outcome::Claimed, Outcome::Done]
    );
    Ok(())
}

#[tokio::test]
async fn an_assignment_is_a_claim_in_the_volunteers_name_with_the_coordinator_in_the_audit()
-> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let (request, _) = store.create_request(new_request("@a:x"), "$e1", at(0), none).await?;
    let number = request.number;
    let (assigned, _) =
        store.assign(number, "@alice:x", "@agent:x", Some("$assign"), at(1), none).await?;
    assert_eq!(assigned.state.holder(), Some("@alice:x"));
    let claimed = store.log_of(number)?.into_iter().find(|e| e.outcome == Outcome::Claimed);
    assert_eq!(claimed.map(|e| e.actor), Some("@alice:x".to_owned()));
    let audit = store.audit()?;
    let entry = audit.last().ok_or("an audit entry")?;
    assert_eq!(entry.action, entraide_storage::AuditAction::Assign);
    assert_eq!((entry.actor.as_str(), entry.request), ("@agent:x", Some(number)));
    // Taken: a second assignment fails and writes nothing, not even in the audit.
    assert!(matches!(
        store.assign(number, "@bruno:x", "@agent:x", Some("$again"), at(2), none).await,
        Err(TransitionError::NotOpen { .. })
    ));
    assert_eq!(store.audit()?.len(), audit.len());
    assert!(!store.is_handled("$again")?);
    Ok(())
}

#[tokio::test]
async fn a_block_is_said_once_and_survives_changes_of_volunteer_status() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let block = entraide_storage::Block { at: at(0), reason: Some("spam".to_owned()) };
    assert!(store.set_blocked("@p:x", Some(block.clone()), "@agent:x", at(0)).await?);
    assert!(!store.set_blocked("@p:x", Some(block.clone()), "@agent:x", at(1)).await?);
    store
        .set_volunteer_status("@p:x", VolunteerStatus::Vetted, "@agent:x", None, false, at(2))
        .await?;
    let person = store.person("@p:x")?;
    assert_eq!((person.status, person.blocked), (VolunteerStatus::Vetted, Some(block)));
    assert!(store.set_blocked("@p:x", None, "@agent:x", at(3)).await?);
    assert!(!store.set_blocked("@p:x", None, "@agent:x", at(4)).await?);
    assert_eq!(store.person("@p:x")?.status, VolunteerStatus::Vetted);
    let actions: Vec<_> = store.audit()?.into_iter().map(|e| e.action).collect();
    use entraide_storage::AuditAction::{Block, Unblock, Vet};
    assert_eq!(actions, [Block, Vet, Unblock]);
    Ok(())
}

/// A volunteer's offer to be posted in two neighbourhood rooms.
fn new_offer(volunteer: &str) -> NewRequest {
    NewRequest {
        requester: volunteer.to_owned(),
        origin_room: "!benevoles:example.org".to_owned(),
        neighbourhood: None,
        text: "je vais au marché samedi, besoin de quelque chose ?".to_owned(),
        reading: Reading { category: Category::Groceries, when: When::Asap, on_behalf: None },
        lang: Lang::Fr,
        informs: false,
    }
}

const OFFER_ROOMS: [&str; 2] = ["!tilleuls:example.org", "!centre:example.org"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_offer_taken_up_becomes_the_residents_request_claimed_by_the_volunteer() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Arc::new(Store::open(dir.path())?);
    let rooms = OFFER_ROOMS.map(str::to_owned);
    // Numbered with the requests.
    store.create_request(new_request("@famille:x"), "$r", at(0), none).await?;
    let (offer, _) = store.create_offer(new_offer("@alice:x"), &rooms, "$o", at(1), none).await?;
    assert_eq!((offer.number, &offer.state), (2, &State::Offered));
    assert!(offer.is_offer() && offer.posts.iter().all(|post| post.event.is_none()));
    let posted = store.set_offer_post(2, OFFER_ROOMS[0], "$post", NO_EFFECT).await?;
    assert_eq!(posted.posts[0].event.as_deref(), Some("$post"));
    // Not a request a volunteer can claim.
    assert!(matches!(
        store.claim(2, "@bruno:x", None, at(2), none).await,
        Err(TransitionError::NotOpen { state: State::Offered, .. })
    ));

    // Twenty residents at once: one gets it, and sees the posts to retire.
    let takers = (0..20).map(|i| {
        let store = store.clone();
        tokio::spawn(async move {
            let resident = format!("@r{i}:x");
            let plan = |request: &Request, volunteer: &str| {
                assert_eq!(volunteer, "@alice:x");
                assert_eq!(request.posts[0].event.as_deref(), Some("$post"));
                Vec::new()
            };
            let event = format!("$yes{i}");
            let taken = store
                .take_offer(
                    2,
                    &resident,
                    OFFER_ROOMS[1],
                    Some("Centre"),
                    Lang::En,
                    &event,
                    at(3),
                    plan,
                )
                .await;
            (resident, taken)
        })
    });
    let mut winners = Vec::new();
    for taker in takers {
        match taker.await? {
            (resident, Ok((request, _))) => winners.push((resident, request)),
            (_, Err(TransitionError::NotOpen { state: State::Claimed { .. }, .. })) => {}
            (_, Err(other)) => return Err(other.into()),
        }
    }
    assert_eq!(winners.len(), 1);
    let (resident, request) = &winners[0];
    assert_eq!(&request.requester, resident);
    assert_eq!(request.state.holder(), Some("@alice:x"));
    assert_eq!(
        (request.origin_room.as_str(), request.neighbourhood.as_deref(), request.lang),
        (OFFER_ROOMS[1], Some("Centre"), Lang::En)
    );
    // Its posts were handed to the plan: nothing retires them again.
    let stored = store.request(2)?.ok_or("the request")?;
    assert!(stored.is_offer() && stored.posts.iter().all(|post| post.event.is_none()));
    assert_eq!(outcomes(&store, 2)?, [Outcome::Offered, Outcome::OfferTaken, Outcome::Claimed]);
    let log = store.log_of(2)?;
    assert_eq!((log[1].actor.as_str(), log[2].actor.as_str()), (resident.as_str(), "@alice:x"));

    // A post sent just after is the caller's to retire: it is not kept.
    let late = store.set_offer_post(2, OFFER_ROOMS[1], "$late", NO_EFFECT).await?;
    assert!(late.posts.iter().all(|post| post.event.is_none()));
    // A request is no offer to take up.
    assert!(matches!(
        store
            .take_offer(1, "@r:x", OFFER_ROOMS[0], None, Lang::Fr, "$yes", at(4), |_, _| Vec::new())
            .await,
        Err(TransitionError::NotOpen { state: State::Open, .. })
    ));
    assert!(matches!(
        store
            .take_offer(9, "@r:x", OFFER_ROOMS[0], None, Lang::Fr, "$yes9", at(4), |_, _| Vec::new(
            ))
            .await,
        Err(TransitionError::NoSuchRequest(9))
    ));
    Ok(())
}

#[tokio::test]
async fn an_offer_is_withdrawn_by_its_volunteer_or_expires() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let rooms = OFFER_ROOMS.map(str::to_owned);
    let (first, _) = store.create_offer(new_offer("@alice:x"), &rooms, "$o1", at(0), none).await?;
    let (second, _) = store.create_offer(new_offer("@alice:x"), &rooms, "$o2", at(1), none).await?;
    assert!(matches!(
        store.cancel(first.number, "@r:x", false, None, at(2), none).await,
        Err(TransitionError::NotRequester(_))
    ));
    let (withdrawn, _) = store.cancel(first.number, "@alice:x", false, None, at(2), none).await?;
    assert!(matches!(withdrawn.state, State::Cancelled { .. }));
    // Reminders and escalations are for requests; an offer only expires.
    assert!(matches!(
        store.follow_up(second.number, Step::Remind, at(3), none).await,
        Err(TransitionError::StepNotDue { .. })
    ));
    let (expired, _) = store.follow_up(second.number, Step::Expire, at(3), none).await?;
    assert_eq!(expired.state, State::Expired);
    assert_eq!(outcomes(&store, second.number)?, [Outcome::Offered, Outcome::Expired]);
    assert!(store.active_requests()?.is_empty());
    Ok(())
}
