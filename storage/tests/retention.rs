//! Retention on a real sled database: a purge with an injected clock removes exactly what
//! the periods say, and a scan of every tree finds no trace of it afterwards.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use entraide_commands::{Category, Lang, Reading, VolunteerStatus, When};
use entraide_storage::{Effect, NewRequest, PSEUDONYM, Purged, Request, Retention, State, Store};

type TestResult = Result<(), Box<dyn std::error::Error>>;

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

fn none(_: &Request) -> Vec<Effect> {
    Vec::new()
}

fn ask(requester: &str, text: &str) -> NewRequest {
    NewRequest {
        requester: requester.to_owned(),
        origin_room: "!tilleuls:x".to_owned(),
        neighbourhood: Some("Les Tilleuls".to_owned()),
        text: text.to_owned(),
        reading: Reading { category: Category::Groceries, when: When::Asap, on_behalf: None },
        lang: Lang::Fr,
        informs: false,
    }
}

/// The trees holding `needle`, as text.
fn holding(store: &Store, needle: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    Ok(store.trees_holding(needle.as_bytes())?)
}

/// After a downtime longer than the period, the ids the catch-up reaches (handled just
/// before the last sync) stay: what came just before the stop is not handled twice.
#[tokio::test]
async fn handled_ids_the_catch_up_can_reach_are_kept_however_old() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let ms = |at: DateTime<Utc>| u64::try_from(at.timestamp_millis());
    store.mark_handled("$long_before", day(0)).await?;
    store.mark_handled("$just_before", day(3)).await?;
    store.set_synced_at(ms(day(3) + TimeDelta::minutes(1))?)?;
    let purged = store.purge(day(30), &RETENTION).await?;
    assert_eq!(purged, Purged { handled: 1, ..Purged::default() });
    assert!(!store.is_handled("$long_before")?);
    assert!(store.is_handled("$just_before")?);
    // Once the bot synced again, it goes when its time comes.
    store.set_synced_at(ms(day(30))?)?;
    assert_eq!(store.purge(day(30), &RETENTION).await?.handled, 1);
    assert!(!store.is_handled("$just_before")?);
    Ok(())
}

#[tokio::test]
async fn a_purge_removes_what_retention_says_and_nothing_before_it_is_due() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    // Done on day 0: Mme Martin's shopping, with a note.
    let (done, _) =
        store.create_request(ask("@martin:x", "courses rue des Lilas"), "$a", day(0), none).await?;
    store.claim(done.number, "@alice:x", Some("$b"), day(0), none).await?;
    store
        .done(done.number, "@alice:x", Some("livré au 3e étage"), Some("$c"), day(0), none)
        .await?;
    // Still open: nothing of it may go, however old.
    let (open, _) =
        store.create_request(ask("@durand:x", "pharmacie avenue Foch"), "$d", day(0), none).await?;
    store
        .set_volunteer_status("@alice:x", VolunteerStatus::Vetted, "@agent:x", None, false, day(0))
        .await?;
    store.first_contact("@martin:x", u64::try_from(day(0).timestamp_millis())?).await?;
    let entries = store.log()?.len();

    // A day later: only handled ids are younger than a week, nothing goes.
    assert_eq!(store.purge(day(1), &RETENTION).await?, Purged::default());
    assert!(holding(&store, "rue des Lilas")?.contains(&"requests".to_owned()));

    // After a week, the handled event ids go.
    let purged = store.purge(day(8), &RETENTION).await?;
    assert_eq!(purged, Purged { handled: 4, ..Purged::default() });
    assert!(!store.is_handled("$a")?);

    // After 91 days, the closed request's text and note go; the open one keeps its text.
    let purged = store.purge(day(91), &RETENTION).await?;
    assert_eq!(purged, Purged { texts: 1, ..Purged::default() });
    assert_eq!(holding(&store, "rue des Lilas")?, Vec::<String>::new());
    assert_eq!(holding(&store, "3e étage")?, Vec::<String>::new());
    assert_eq!(
        store.request(open.number)?.map(|r| r.text),
        Some("pharmacie avenue Foch".to_owned())
    );
    assert_eq!(store.purge(day(92), &RETENTION).await?, Purged::default(), "idempotent");

    // After a year and a day, the people of the closed request give way to the pseudonym;
    // the open request and its log keep theirs (it is still being followed up).
    let purged = store.purge(day(366), &RETENTION).await?;
    assert!(purged.pseudonymised > 0, "{purged:?}");
    let closed = store.request(done.number)?.ok_or("the request")?;
    assert_eq!(closed.requester, PSEUDONYM);
    assert!(matches!(&closed.state, State::Done { volunteer, .. } if volunteer == PSEUDONYM));
    assert!(store.log_of(done.number)?.iter().all(|e| e.actor == PSEUDONYM || e.actor == "bot"));
    assert!(holding(&store, "@martin:x")?.iter().all(|tree| tree == "informed"));
    assert_eq!(store.request(open.number)?.map(|r| r.requester), Some("@durand:x".to_owned()));
    assert_eq!(store.log_of(open.number)?.first().map(|e| e.actor.as_str()), Some("@durand:x"));
    // The figures survive: every log entry is still there.
    assert_eq!(store.log()?.len(), entries);

    // After two years and a day, people with no activity since are forgotten: Alice's
    // volunteer record (vetted on day 0), Mme Martin's notice, the agent who vetted Alice.
    // Mme Durand's open request dates from day 0 too, but it is still open: that is
    // activity, it stays, with her id.
    let purged = store.purge(day(731), &RETENTION).await?;
    assert_eq!(purged.people, 3, "{purged:?}");
    assert_eq!(holding(&store, "@alice:x")?, Vec::<String>::new());
    assert_eq!(holding(&store, "@martin:x")?, Vec::<String>::new());
    assert_eq!(holding(&store, "@agent:x")?, Vec::<String>::new());
    assert_eq!(store.person("@alice:x")?.status, VolunteerStatus::Unvetted);
    assert_eq!(store.request(open.number)?.map(|r| r.requester), Some("@durand:x".to_owned()));
    Ok(())
}
