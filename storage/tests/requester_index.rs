//! The `by_requester` index behind `requests_of`: it answers as a scan of every request
//! would, after every transition that writes a requester (a creation, an offer taken up,
//! an erasure, retention), and a store of before the index gets it at opening.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use entraide_commands::{Category, Lang, Reading, Repeat, When};
use entraide_storage::{
    Effect, ErasedBy, NewRequest, PSEUDONYM, Request, Retention, SCHEMA_VERSION, Store, StoreError,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn new_request(requester: &str) -> NewRequest {
    NewRequest {
        requester: requester.to_owned(),
        origin_room: "!tilleuls:x".to_owned(),
        neighbourhood: Some("Les Tilleuls".to_owned()),
        text: "courses pour ma mère".to_owned(),
        reading: Reading { category: Category::Groceries, when: When::Asap, on_behalf: None },
        lang: Lang::Fr,
        informs: false,
    }
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, minute, 0).single().unwrap_or_default()
}

fn none(_: &Request) -> Vec<Effect> {
    Vec::new()
}

/// `requester`'s requests as a scan of every request finds them, in number order.
fn scanned(store: &Store, requester: &str) -> Result<Vec<Request>, StoreError> {
    let (mut found, _) = store.latest_requests(usize::MAX, |r| r.requester == requester)?;
    found.reverse();
    Ok(found)
}

fn numbers(requests: &[Request]) -> Vec<u64> {
    requests.iter().map(|request| request.number).collect()
}

/// Everyone the tests name, and some who made nothing.
const PEOPLE: [&str; 6] = ["@a:x", "@a:xy", "@b:x", "@v:x", "@nobody:x", "@a"];

/// Requests 1 and 3 of `@a:x`, 2 of `@b:x`, 4 of `@a:xy` (whose id starts as `@a:x`'s
/// does), a series of `@a:x` (5, then 6), and an offer of `@v:x` (7) that `@a:x` took up.
async fn fill(store: &Store) -> TestResult {
    store.create_request(new_request("@a:x"), "$1", at(1), none).await?;
    store.create_request(new_request("@b:x"), "$2", at(2), none).await?;
    store.create_request(new_request("@a:x"), "$3", at(3), none).await?;
    store.create_request(new_request("@a:xy"), "$4", at(4), none).await?;
    let (first, _) =
        store.create_series(new_request("@a:x"), Repeat::Weekly, "$5", at(5), none).await?;
    store.next_occurrence(first.number, new_request("@a:x"), at(6), none).await?;
    let rooms = ["!tilleuls:x".to_owned()];
    let (offer, _) = store.create_offer(new_request("@v:x"), &rooms, "$7", at(7), none).await?;
    let plan = |_: &Request, _: &str| Vec::new();
    store
        .take_offer(offer.number, "@a:x", "!tilleuls:x", None, Lang::Fr, "$8", at(8), plan)
        .await?;
    Ok(())
}

/// Checks that `requests_of` answers as the scan does for everyone in `people`.
fn as_scanned<'a>(store: &Store, people: impl IntoIterator<Item = &'a str>) -> TestResult {
    for who in people {
        assert_eq!(store.requests_of(who)?, scanned(store, who)?, "{who}");
    }
    Ok(())
}

#[tokio::test]
async fn requests_of_answers_as_a_scan_of_every_request() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    fill(&store).await?;
    as_scanned(&store, PEOPLE)?;
    assert_eq!(numbers(&store.requests_of("@a:x")?), vec![1, 3, 5, 6, 7]);
    assert_eq!(numbers(&store.requests_of("@a:xy")?), vec![4]);
    assert!(store.requests_of("@v:x")?.is_empty(), "an offer taken up is the resident's");
    Ok(())
}

#[tokio::test]
async fn after_forget_the_index_knows_the_pseudonym_and_not_the_id() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    fill(&store).await?;
    let forgotten = store.forget("@a:x", at(9), ErasedBy::Themselves, |_, _| Vec::new()).await?.0;
    assert!(store.requests_of("@a:x")?.is_empty());
    let theirs = store.requests_of(&forgotten.pseudonym)?;
    assert_eq!(numbers(&theirs), forgotten.requests);
    as_scanned(&store, PEOPLE.into_iter().chain([forgotten.pseudonym.as_str()]))?;
    let holding = store.trees_holding(b"@a:x\0")?;
    assert!(holding.is_empty(), "no tree holds the id as a key's prefix: {holding:?}");
    Ok(())
}

#[tokio::test]
async fn after_retention_the_index_knows_the_pseudonym() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.create_request(new_request("@c:x"), "$1", at(1), none).await?;
    store.cancel(1, "@c:x", false, None, at(2), none).await?;
    store.create_request(new_request("@d:x"), "$3", at(3), none).await?;
    // A year and more later: who made the closed request gives way to the pseudonym.
    let purged = store.purge(at(4) + TimeDelta::days(400), &Retention::default()).await?;
    assert!(purged.pseudonymised > 0);
    assert!(store.requests_of("@c:x")?.is_empty());
    assert_eq!(numbers(&store.requests_of(PSEUDONYM)?), vec![1]);
    assert_eq!(numbers(&store.requests_of("@d:x")?), vec![2], "still open: kept");
    as_scanned(&store, ["@c:x", "@d:x", PSEUDONYM])?;
    assert_eq!(store.trees_holding(b"@c:x")?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn a_store_of_before_the_index_gets_it_at_opening() -> TestResult {
    let dir = tempfile::tempdir()?;
    {
        let store = Store::open(dir.path())?;
        fill(&store).await?;
    }
    // What version 3 left: the same trees, but no index, and its version.
    {
        let db = entraide_storage::open_sled(dir.path())?;
        assert!(db.drop_tree("by_requester")?);
        db.open_tree("meta")?.insert("schema_version", &3_u64.to_be_bytes())?;
        db.flush()?;
    }
    {
        let store = Store::open(dir.path())?;
        as_scanned(&store, PEOPLE)?;
        assert_eq!(numbers(&store.requests_of("@a:x")?), vec![1, 3, 5, 6, 7]);
        // The index goes on from there.
        let (eight, _) = store.create_request(new_request("@a:x"), "$9", at(9), none).await?;
        assert_eq!(numbers(&store.requests_of("@a:x")?), vec![1, 3, 5, 6, 7, eight.number]);
    }
    let db = entraide_storage::open_sled(dir.path())?;
    let schema = db.open_tree("meta")?.get("schema_version")?.map(|v| v.to_vec());
    assert_eq!(schema, Some(SCHEMA_VERSION.to_be_bytes().to_vec()));
    Ok(())
}
