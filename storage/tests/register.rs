//! The alert register on a real sled database: entries numbered on their own, pending
//! when someone else asked, changed and removed with an audit line that names the number
//! and never the person, imported at once, erased with the person who asked in chat, left
//! alone by the retention periods.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use entraide_storage::{
    AskedBy, Asker, AuditAction, Contact, Enrolment, ErasedBy, NewEntry, Particulars, Retention,
    Store, ThirdParty, TransitionError, Way,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const AGENT: &str = "@agent:x";
const CLAIRE: &str = "@claire:x";
const LOUISE: &str = "@louise:x";

fn at(day: i64) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).single().unwrap_or_default();
    start + TimeDelta::days(day)
}

fn person(name: &str, phone: &str) -> Particulars {
    Particulars {
        name: name.to_owned(),
        phones: vec![phone.to_owned()],
        address: Some("12 rue des Lilas".to_owned()),
        ..Particulars::default()
    }
}

fn by_daughter(mut particulars: Particulars, account: Option<&str>) -> Particulars {
    particulars.asked_by =
        AskedBy::ThirdParty(ThirdParty { kind: Asker::Family, words: "sa fille".to_owned() });
    particulars.contact = Some(Contact {
        name: "sa fille Claire".to_owned(),
        phone: Some("06 11 22 33 44".to_owned()),
        matrix: account.map(str::to_owned),
    });
    particulars
}

fn entry(particulars: Particulars, way: Way, by: &str) -> NewEntry {
    NewEntry { particulars, way, entered_by: by.to_owned() }
}

#[tokio::test]
async fn entries_are_numbered_on_their_own_and_pending_when_someone_else_asked() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let lefevre = by_daughter(person("Mme Lefèvre", "05 56 12 34 56"), None);
    let (first, _) = store
        .enrol(
            entry(person("M. Martin", "05 56 00 00 01"), Way::Coordinator, AGENT),
            Some("$a"),
            at(0),
            |_| Vec::new(),
        )
        .await?;
    let (second, _) = store
        .enrol(entry(lefevre, Way::Coordinator, AGENT), Some("$b"), at(1), |_| Vec::new())
        .await?;
    let (third, _) = store
        .enrol(
            entry(person("Louise Bernard", "06 12 34 56 78"), Way::Chat, LOUISE),
            Some("$c"),
            at(1),
            |_| Vec::new(),
        )
        .await?;
    assert_eq!((first.number, second.number, third.number), (1, 2, 3));
    assert_eq!(first.status, Enrolment::Active, "entered by a coordinator, for themself");
    assert_eq!(second.status, Enrolment::Pending, "asked by a third party (R121-6)");
    assert_eq!(third.status, Enrolment::Pending, "asked in chat: checked by the CCAS first");
    assert_eq!(second.acknowledge_by(), at(9), "eight days after the request");
    assert!(store.requests_of(AGENT)?.is_empty(), "apart from requests");

    let again = store
        .enrol(entry(person("X", "1"), Way::Coordinator, AGENT), Some("$a"), at(2), |_| Vec::new())
        .await;
    assert!(matches!(again, Err(TransitionError::AlreadyHandled)), "{again:?}");
    assert_eq!(store.register()?.len(), 3);

    let audit = store.audit()?;
    assert_eq!(audit.len(), 3);
    for (line, number) in audit.iter().zip(1..) {
        assert_eq!(
            (line.action, line.entry, line.target.as_deref()),
            (AuditAction::Enrol, Some(number), None)
        );
    }
    let held = serde_json::to_string(&audit)?;
    assert!(!held.contains("Lefèvre") && !held.contains("05 56"), "no name in the audit: {held}");
    Ok(())
}

#[tokio::test]
async fn changes_are_audited_by_number_and_a_refused_change_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let lefevre = by_daughter(person("Mme Lefèvre", "05 56 12 34 56"), None);
    store.enrol(entry(lefevre, Way::Coordinator, AGENT), None, at(0), |_| Vec::new()).await?;

    let confirm = |entry: &mut entraide_storage::Registration| {
        if entry.status == Enrolment::Active {
            return Err(TransitionError::EntryUnchanged(entry.number));
        }
        entry.status = Enrolment::Active;
        Ok(())
    };
    let (confirmed, _) = store
        .change_entry(1, AGENT, Some(AuditAction::ConfirmEntry), None, at(2), confirm, |_| {
            Vec::new()
        })
        .await?;
    assert_eq!(confirmed.status, Enrolment::Active);
    let twice = store
        .change_entry(1, AGENT, Some(AuditAction::ConfirmEntry), None, at(3), confirm, |_| {
            Vec::new()
        })
        .await;
    assert!(matches!(twice, Err(TransitionError::EntryUnchanged(1))), "{twice:?}");
    let missing = store
        .change_entry(9, AGENT, Some(AuditAction::Amend), None, at(3), |_| Ok(()), |_| Vec::new())
        .await;
    assert!(matches!(missing, Err(TransitionError::NoSuchEntry(9))), "{missing:?}");
    assert_eq!(store.audit()?.len(), 2, "the enrolment and one confirmation");

    let (gone, _) = store.unenrol(1, AGENT, Some("à sa demande"), at(4), |_| Vec::new()).await?;
    assert_eq!(gone.particulars.name, "Mme Lefèvre");
    assert!(store.entry(1)?.is_none() && store.register()?.is_empty());
    assert!(store.trees_holding("Lefèvre".as_bytes())?.is_empty(), "nothing of it is kept");
    let last = store.audit()?.pop().ok_or("the removal")?;
    assert_eq!((last.action, last.entry), (AuditAction::Unenrol, Some(1)));
    Ok(())
}

#[tokio::test]
async fn an_import_is_one_change_new_entries_numbered_in_order_merged_ones_replaced() -> TestResult
{
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store
        .enrol(
            entry(person("M. Martin", "05 56 00 00 01"), Way::Coordinator, AGENT),
            None,
            at(0),
            |_| Vec::new(),
        )
        .await?;
    let new: Vec<NewEntry> = (0..500)
        .map(|n| {
            entry(person(&format!("Personne {n}"), &format!("05 56 00 {n:04}")), Way::Import, AGENT)
        })
        .collect();
    let mut martin = person("M. Martin", "05 56 00 00 01");
    martin.doctor = Some("Dr Roux".to_owned());
    let numbers = store.import(&new, &[(1, martin)], AGENT, at(1)).await?;
    assert_eq!(numbers, (2..502).collect::<Vec<u64>>());
    assert_eq!(store.register()?.len(), 501);
    let merged = store.entry(1)?.ok_or("entry 1")?;
    assert_eq!(merged.particulars.doctor.as_deref(), Some("Dr Roux"));
    assert_eq!(merged.asked_at, at(0), "a merge keeps the date of the request");
    assert!(
        store
            .entries_where(|e| e.way == Way::Import)
            .iter()
            .flatten()
            .all(|e| e.status == Enrolment::Active)
    );
    let last = store.audit()?.pop().ok_or("the import")?;
    assert_eq!((last.action, last.reason.as_deref()), (AuditAction::Import, Some("500 + 1")));

    let refused = store.import(&new[..2], &[(999, person("Y", "2"))], AGENT, at(2)).await;
    assert!(matches!(refused, Err(TransitionError::NoSuchEntry(999))), "{refused:?}");
    assert_eq!(store.register()?.len(), 501, "a refused import takes nothing");
    Ok(())
}

#[tokio::test]
async fn an_erasure_takes_a_persons_own_entry_and_their_account_out_of_others() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let mother = by_daughter(person("Mme Lefèvre", "05 56 12 34 56"), Some(CLAIRE));
    store.enrol(entry(mother, Way::Chat, CLAIRE), None, at(0), |_| Vec::new()).await?;
    let own = person("Louise Bernard", "06 12 34 56 78");
    store.enrol(entry(own, Way::Chat, LOUISE), None, at(0), |_| Vec::new()).await?;

    let claire = store.person_data(CLAIRE, at(1))?;
    assert_eq!(claire.register.len(), 1, "the entry she asked for");
    assert_eq!(claire.emergency_contact.len(), 1, "and what it says of her");
    let agent = store.person_data(AGENT, at(1))?;
    assert!(agent.register.is_empty(), "a coordinator is not given the entries");

    // Retention leaves the register alone, however long the people are quiet.
    let long = TimeDelta::days(1);
    let retention = Retention {
        closed_texts: long,
        inactive_people: long,
        log_actors: long,
        handled_events: long,
    };
    store.purge(at(400), &retention).await?;
    assert_eq!(store.register()?.len(), 2);
    assert!(!store.trees_holding(CLAIRE.as_bytes())?.is_empty());

    store.forget(LOUISE, at(2), ErasedBy::Themselves, |_, _| Vec::new()).await?;
    assert_eq!(store.register()?.len(), 1, "her own registration goes with her");
    assert!(store.trees_holding(LOUISE.as_bytes())?.is_empty());
    assert!(store.trees_holding("Bernard".as_bytes())?.is_empty());

    store.forget(CLAIRE, at(3), ErasedBy::Themselves, |_, _| Vec::new()).await?;
    let kept = store.entry(1)?.ok_or("her mother's entry stays")?;
    assert_eq!(kept.particulars.name, "Mme Lefèvre");
    assert_eq!(kept.particulars.contact.and_then(|c| c.matrix), None);
    assert!(
        store.trees_holding(CLAIRE.as_bytes())?.is_empty(),
        "{:?}",
        store.trees_holding(CLAIRE.as_bytes())
    );
    Ok(())
}

#[tokio::test]
async fn callers_are_named_on_record_and_read_nothing_before_they_accept_the_clause() -> TestResult
{
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let refused = store.accept_caller_clause(CLAIRE, "v1", at(0), |_| Vec::new()).await;
    assert!(matches!(refused, Err(TransitionError::NotCaller)), "{refused:?}");
    let (person, changed, _) =
        store.name_caller(CLAIRE, AGENT, true, at(0), |_, _| Vec::new()).await?;
    assert!(changed && person.caller.is_some() && !person.is_sworn_caller());
    let (_, again, _) = store.name_caller(CLAIRE, AGENT, true, at(1), |_, _| Vec::new()).await?;
    assert!(!again, "named twice changes nothing");
    let (person, _) = store.accept_caller_clause(CLAIRE, "v1", at(2), |_| Vec::new()).await?;
    assert!(person.is_sworn_caller());
    let twice = store.accept_caller_clause(CLAIRE, "v1", at(3), |_| Vec::new()).await;
    assert!(matches!(twice, Err(TransitionError::AlreadyHandled)), "{twice:?}");
    assert_eq!(store.callers()?.len(), 1);
    let (person, changed, _) =
        store.name_caller(CLAIRE, AGENT, false, at(4), |_, _| Vec::new()).await?;
    assert!(changed && person.caller.is_none());
    let actions: Vec<AuditAction> = store.audit()?.iter().map(|line| line.action).collect();
    assert_eq!(
        actions,
        [AuditAction::NameCaller, AuditAction::CallerAccepted, AuditAction::UnnameCaller]
    );
    Ok(())
}

#[tokio::test]
async fn a_campaign_calls_round_after_round_retries_escalates_and_hands_over() -> TestResult {
    use entraide_storage::{Assigned, CallOutcome, CallRule, CampaignKind, CheckStatus};
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    for n in 0..3 {
        let new = entry(
            person(&format!("Personne {n}"), &format!("05 56 00 00 0{n}")),
            Way::Coordinator,
            AGENT,
        );
        store.enrol(new, None, at(0), |_| Vec::new()).await?;
    }
    let lists: Vec<Assigned> = (1..=3)
        .map(|entry| Assigned {
            entry,
            caller: if entry == 3 { LOUISE } else { CLAIRE }.to_owned(),
            area: None,
        })
        .collect();
    let (campaign, _) = store
        .start_campaign(CampaignKind::Heatwave, AGENT, &lists, at(1), |_, checks| {
            assert_eq!(checks.len(), 3, "the plan sees every check-in");
            Vec::new()
        })
        .await?;
    assert_eq!((campaign.number, campaign.round), (1, 1));
    let again =
        store.start_campaign(CampaignKind::Cold, AGENT, &lists, at(1), |_, _| Vec::new()).await;
    assert!(matches!(again, Err(TransitionError::CampaignRunning(1))), "{again:?}");

    let rule = CallRule { retry_after: TimeDelta::hours(2), attempts: 2 };
    let hour = |h: i64| at(1) + TimeDelta::hours(h);
    store.record_call(1, 1, CLAIRE, CallOutcome::Reached, rule, hour(1), |_| Vec::new()).await?;
    let (check, _) = store
        .record_call(1, 2, CLAIRE, CallOutcome::NoAnswer, rule, hour(1), |_| Vec::new())
        .await?;
    assert_eq!((check.status, check.retry_at), (CheckStatus::NoAnswer, Some(hour(3))));
    let early = store.retry_due(1, 2, hour(2), |_| Vec::new()).await;
    assert!(matches!(early, Err(TransitionError::EntryUnchanged(2))), "not before its time");
    store.retry_due(1, 2, hour(3), |_| Vec::new()).await?;
    let twice = store.retry_due(1, 2, hour(4), |_| Vec::new()).await;
    assert!(twice.is_err(), "reminded once");
    let (check, _) = store
        .record_call(1, 2, CLAIRE, CallOutcome::NoAnswer, rule, hour(4), |_| Vec::new())
        .await?;
    assert_eq!(check.status, CheckStatus::Escalated, "two calls unanswered");
    let off =
        store.record_call(1, 9, CLAIRE, CallOutcome::Reached, rule, hour(4), |_| Vec::new()).await;
    assert!(matches!(off, Err(TransitionError::NotOnList(9))), "{off:?}");

    // Louise said nothing: her open check-in goes to Claire; a closed one would stay.
    let (moved, _) = store.hand_over(1, LOUISE, CLAIRE, |_| Vec::new()).await?;
    assert_eq!(moved.iter().map(|c| c.entry).collect::<Vec<_>>(), [3]);
    assert!(store.hand_over(1, LOUISE, CLAIRE, |_| Vec::new()).await.is_err(), "nothing left");

    let soon = store.next_round(1, TimeDelta::hours(24), hour(5), |_, _| Vec::new()).await;
    assert!(soon.is_err(), "not before the round's time");
    let (next, _) = store
        .next_round(1, TimeDelta::hours(24), hour(25), |_, checks| {
            assert!(checks.iter().all(|c| c.status == CheckStatus::Waiting));
            Vec::new()
        })
        .await?;
    assert_eq!(next.round, 2);
    assert_eq!(store.checkin(1, 2)?.ok_or("check-in 2")?.attempts.len(), 2, "the calls stay");

    // An entry taken off the register leaves the lists.
    store.unenrol(3, AGENT, None, hour(26), |_| Vec::new()).await?;
    assert_eq!(store.checkins(1)?.len(), 2);
    let (over, _) = store.end_campaign(1, AGENT, hour(30), |_| Vec::new()).await?;
    assert_eq!(over.ended_at, Some(hour(30)));
    let late =
        store.record_call(1, 1, CLAIRE, CallOutcome::Reached, rule, hour(31), |_| Vec::new()).await;
    assert!(matches!(late, Err(TransitionError::CampaignOver(1))), "{late:?}");
    assert!(store.running_campaign()?.is_none());

    // Claire forgotten: the lists keep the calls, under a pseudonym.
    store.forget(CLAIRE, hour(32), ErasedBy::Themselves, |_, _| Vec::new()).await?;
    assert!(
        store.trees_holding(CLAIRE.as_bytes())?.is_empty(),
        "{:?}",
        store.trees_holding(CLAIRE.as_bytes())
    );
    assert_eq!(store.checkin(1, 2)?.ok_or("check-in 2")?.attempts.len(), 2);
    Ok(())
}
