//! The journal of effects, and the follow-up steps, on a real sled database in a
//! temporary directory.

use chrono::{DateTime, TimeZone, Utc};
use entraide_commands::{Category, Key, Lang, Message, Reading, When};
use entraide_storage::{
    Action, Effect, FollowUp, Lane, NewRequest, Outcome, Queued, Request, Shape, State, Step,
    Store, StoreError, Target, TransitionError,
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

/// A notice about `request` in `lane`, told apart by its text.
fn notice(request: u64, lane: &str, text: &str) -> Effect {
    Effect {
        request,
        lane: Lane::from(lane.to_owned()),
        urgent: false,
        action: Action::Notice {
            to: Target::Id { id: lane.to_owned() },
            message: Message { plain: text.to_owned(), html: text.to_owned() },
            shape: Shape::New,
            mention: None,
        },
    }
}

/// The relay of a request.
fn relay(request: u64) -> Effect {
    Effect { request, lane: Lane::room("!volunteers:x"), urgent: true, action: Action::Relay }
}

/// The private room of a claim.
fn private_room(request: u64, volunteer: &str) -> Effect {
    Effect {
        request,
        lane: Lane::Private,
        urgent: true,
        action: Action::PrivateRoom { volunteer: volunteer.to_owned() },
    }
}

/// The introduction in the private room.
fn intro(request: u64, volunteer: &str) -> Effect {
    Effect {
        request,
        lane: Lane::Private,
        urgent: false,
        action: Action::Intro { volunteer: volunteer.to_owned() },
    }
}

/// A plan that owes nothing.
fn none(_: &Request) -> Vec<Effect> {
    Vec::new()
}

/// The effects of queued entries.
fn effects_of(queued: &[Queued]) -> Vec<Effect> {
    queued.iter().map(|q| q.effect.clone()).collect()
}

/// The ids of queued entries.
fn ids_of(queued: &[Queued]) -> Vec<u64> {
    queued.iter().map(|q| q.id).collect()
}

fn increasing(ids: &[u64]) -> bool {
    ids.windows(2).all(|pair| pair[0] < pair[1])
}

/// The outcomes and actors of a request's log.
fn steps(store: &Store, number: u64) -> Result<Vec<(Outcome, String)>, StoreError> {
    Ok(store.log_of(number)?.into_iter().map(|e| (e.outcome, e.actor)).collect())
}

#[tokio::test]
async fn planned_effects_are_pending_in_order_with_increasing_ids() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    assert!(store.pending_effects()?.is_empty());

    // The plan sees the request as the transition leaves it.
    let (request, created) = store
        .create_request(new_request("@famille:x"), "$e", at(0), |request| {
            assert_eq!(request.state, State::Open);
            vec![notice(request.number, "!tilleuls:x", "confirmed"), relay(request.number)]
        })
        .await?;
    let n = request.number;
    assert_eq!(effects_of(&created), vec![notice(n, "!tilleuls:x", "confirmed"), relay(n)]);
    assert!(increasing(&ids_of(&created)));
    assert_eq!(store.pending_effects()?, created);

    let (_, claimed) = store
        .claim(n, "@alice:x", None, at(1), |request| {
            assert_eq!(request.state.holder(), Some("@alice:x"));
            vec![private_room(n, "@alice:x"), notice(n, "!volunteers:x", "taken")]
        })
        .await?;
    assert_eq!(
        effects_of(&claimed),
        vec![private_room(n, "@alice:x"), notice(n, "!volunteers:x", "taken")]
    );
    let pending = store.pending_effects()?;
    assert_eq!(pending, [created.clone(), claimed.clone()].concat());
    assert!(increasing(&ids_of(&pending)), "ids grow in the order effects were owed");

    // A plan may owe nothing.
    let (_, done) = store.done(n, "@alice:x", None, None, at(2), none).await?;
    assert!(done.is_empty());
    assert_eq!(store.pending_effects()?, pending);
    Ok(())
}

#[tokio::test]
async fn a_transition_that_fails_records_no_effect() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let owes = |request: &Request| vec![notice(request.number, "!x:x", "should not be")];
    let (request, _) = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?;
    let n = request.number;
    store.claim(n, "@alice:x", None, at(1), none).await?;
    let log_before = store.log()?;

    assert!(matches!(
        store.claim(n, "@bruno:x", None, at(2), owes).await,
        Err(TransitionError::NotOpen { state: State::Claimed { .. }, .. })
    ));
    assert!(matches!(
        store.create_request(new_request("@famille:x"), "$e", at(2), owes).await,
        Err(TransitionError::AlreadyHandled)
    ));
    assert!(matches!(
        store.claim(99, "@bruno:x", None, at(2), owes).await,
        Err(TransitionError::NoSuchRequest(99))
    ));
    assert!(matches!(
        store.done(n, "@bruno:x", None, None, at(2), owes).await,
        Err(TransitionError::NotHolder(_))
    ));
    assert!(matches!(
        store.cancel(n, "@voisin:x", false, None, at(2), owes).await,
        Err(TransitionError::NotRequester(_))
    ));
    assert!(matches!(
        store.follow_up(n, Step::Remind, at(2), owes).await,
        Err(TransitionError::StepNotDue { .. })
    ));
    assert!(matches!(
        store.release(n, "@bruno:x", "@bruno:x", false, None, at(2), &[], |r, _| owes(r)).await,
        Err(TransitionError::NotHolder(_))
    ));

    assert!(store.pending_effects()?.is_empty());
    assert_eq!(store.log()?, log_before, "nor any log entry");
    Ok(())
}

#[tokio::test]
async fn finish_effect_removes_one() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let owed = store
        .owe(vec![notice(0, "!a:x", "one"), notice(0, "!a:x", "two"), notice(0, "!b:x", "three")])
        .await?;
    assert_eq!(owed.len(), 3);
    store.finish_effect(owed[1].id)?;
    assert_eq!(store.pending_effects()?, vec![owed[0].clone(), owed[2].clone()]);
    // Finishing again, or an id that was never given, changes nothing.
    store.finish_effect(owed[1].id)?;
    store.finish_effect(u64::MAX)?;
    assert_eq!(store.pending_effects()?, vec![owed[0].clone(), owed[2].clone()]);
    store.finish_effect(owed[0].id)?;
    store.finish_effect(owed[2].id)?;
    assert!(store.pending_effects()?.is_empty());
    Ok(())
}

#[tokio::test]
async fn set_relay_and_set_private_room_remove_the_effect_they_finish() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let (request, created) = store
        .create_request(new_request("@famille:x"), "$e", at(0), |r| {
            vec![notice(r.number, "!tilleuls:x", "confirmed"), relay(r.number)]
        })
        .await?;
    let n = request.number;
    let [confirmed, relayed] = created.as_slice() else { panic!("two effects: {created:?}") };

    // A relay of a request that does not exist fails and finishes nothing.
    assert!(matches!(
        store.set_relay(99, "$relay", at(1), relayed.id).await,
        Err(TransitionError::NoSuchRequest(99))
    ));
    assert_eq!(store.pending_effects()?, created);

    let request = store.set_relay(n, "$relay", at(1), relayed.id).await?;
    assert_eq!(request.relay_event.as_deref(), Some("$relay"));
    assert_eq!(store.pending_effects()?, vec![confirmed.clone()]);

    let (_, claimed) = store
        .claim(n, "@alice:x", None, at(2), |r| {
            vec![private_room(r.number, "@alice:x"), intro(r.number, "@alice:x")]
        })
        .await?;
    let [room, introduced] = claimed.as_slice() else { panic!("two effects: {claimed:?}") };
    assert!(matches!(
        store.set_private_room(99, "!private:x", at(3), room.id).await,
        Err(TransitionError::NoSuchRequest(99))
    ));
    assert_eq!(store.pending_effects()?, vec![confirmed.clone(), room.clone(), introduced.clone()]);

    let request = store.set_private_room(n, "!private:x", at(3), room.id).await?;
    assert_eq!(request.private_room.as_deref(), Some("!private:x"));
    assert_eq!(store.pending_effects()?, vec![confirmed.clone(), introduced.clone()]);
    assert_eq!(
        steps(&store, n)?,
        vec![
            (Outcome::Created, "@famille:x".to_owned()),
            (Outcome::Relayed, "bot".to_owned()),
            (Outcome::Claimed, "@alice:x".to_owned()),
            (Outcome::PrivateRoomCreated, "bot".to_owned()),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_release_drops_and_records_effects_atomically() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let (request, created) = store
        .create_request(new_request("@famille:x"), "$e", at(0), |r| {
            vec![notice(r.number, "!tilleuls:x", "confirmed")]
        })
        .await?;
    let n = request.number;
    let (_, claimed) = store
        .claim(n, "@alice:x", None, at(1), |r| {
            vec![private_room(r.number, "@alice:x"), intro(r.number, "@alice:x")]
        })
        .await?;
    store.set_private_room(n, "!private:x", at(2), claimed[0].id).await?;
    let intro_id = claimed[1].id;
    let before = store.pending_effects()?;
    assert_eq!(before, vec![created[0].clone(), claimed[1].clone()]);

    let plan = |r: &Request, room: Option<&str>| {
        let mut owed = vec![notice(r.number, "!volunteers:x", "open again")];
        if let Some(room) = room {
            owed.push(Effect {
                request: r.number,
                lane: Lane::Private,
                urgent: false,
                action: Action::Remove { room: room.to_owned(), user: "@alice:x".to_owned() },
            });
        }
        owed
    };
    // A refused release neither drops nor records anything.
    assert!(matches!(
        store.release(n, "@bruno:x", "@bruno:x", false, None, at(3), &[intro_id], plan).await,
        Err(TransitionError::NotHolder(_))
    ));
    assert_eq!(store.pending_effects()?, before);

    let (request, old_room, queued) =
        store.release(n, "@alice:x", "@alice:x", false, None, at(3), &[intro_id], plan).await?;
    assert_eq!(request.state, State::Open);
    assert_eq!(old_room.as_deref(), Some("!private:x"));
    assert_eq!(
        effects_of(&queued),
        vec![
            notice(n, "!volunteers:x", "open again"),
            Effect {
                request: n,
                lane: Lane::Private,
                urgent: false,
                action: Action::Remove {
                    room: "!private:x".to_owned(),
                    user: "@alice:x".to_owned()
                },
            },
        ],
        "the plan gets the private room of the claim that ended"
    );
    assert!(queued.iter().all(|q| q.id > intro_id));
    assert_eq!(store.pending_effects()?, [vec![created[0].clone()], queued].concat());
    Ok(())
}

#[tokio::test]
async fn a_forced_release_may_drop_several_effects() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;
    let (_, claimed) = store
        .claim(n, "@alice:x", None, at(1), |r| {
            vec![private_room(r.number, "@alice:x"), intro(r.number, "@alice:x")]
        })
        .await?;
    // The private room could not be made: the bot gives the request back itself.
    let (_, old_room, queued) = store
        .release(n, "@alice:x", "bot", true, None, at(2), &ids_of(&claimed), |r, room| {
            assert_eq!(room, None);
            vec![notice(r.number, "!volunteers:x", "open again")]
        })
        .await?;
    assert_eq!(old_room, None);
    assert_eq!(store.pending_effects()?, queued);
    assert_eq!(store.log_of(n)?.last().map(|e| e.actor.as_str()), Some("bot"));
    Ok(())
}

#[tokio::test]
async fn effects_survive_closing_and_reopening_the_store() -> TestResult {
    let dir = tempfile::tempdir()?;
    let pending = {
        let store = Store::open(dir.path())?;
        let (request, created) = store
            .create_request(new_request("@famille:x"), "$e", at(0), |r| {
                vec![notice(r.number, "!tilleuls:x", "confirmed"), relay(r.number)]
            })
            .await?;
        store.owe(vec![notice(request.number, "!coordination:x", "owed")]).await?;
        store.finish_effect(created[0].id)?;
        store.flush().await?;
        store.pending_effects()?
    };
    assert_eq!(pending.len(), 2);
    let store = Store::open(dir.path())?;
    assert_eq!(store.pending_effects()?, pending);
    let more = store.owe(vec![notice(0, "!a:x", "after")]).await?;
    let last = pending.last().map(|q| q.id).unwrap_or_default();
    assert!(more[0].id > last, "ids keep growing across a restart");
    assert_eq!(store.pending_effects()?, [pending, more].concat());
    Ok(())
}

#[tokio::test]
async fn owe_journals_effects_of_no_transition() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    assert!(store.owe(Vec::new()).await?.is_empty());
    assert!(store.pending_effects()?.is_empty());
    let edit = Effect {
        request: 3,
        lane: Lane::room("!volunteers:x"),
        urgent: false,
        action: Action::RetireRelay { key: Key::RelayDone, relay: None },
    };
    let owed = store.owe(vec![edit.clone(), notice(0, "!a:x", "hello")]).await?;
    assert_eq!(effects_of(&owed), vec![edit, notice(0, "!a:x", "hello")]);
    assert!(increasing(&ids_of(&owed)));
    assert_eq!(store.pending_effects()?, owed);
    assert!(store.log()?.is_empty(), "owing logs nothing");
    Ok(())
}

#[tokio::test]
async fn open_steps_fire_once_and_refuse_a_claimed_request() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;

    let (request, reminded) = store
        .follow_up(n, Step::Remind, at(10), |r| {
            assert_eq!(r.follow_up.done, vec![Step::Remind]);
            vec![notice(r.number, "!volunteers:x", "reminder")]
        })
        .await?;
    assert_eq!(request.state, State::Open);
    assert_eq!(request.follow_up, FollowUp { since: None, done: vec![Step::Remind] });
    assert_eq!(effects_of(&reminded), vec![notice(n, "!volunteers:x", "reminder")]);
    let again = |step| {
        let store = store.clone();
        async move {
            store.follow_up(n, step, at(11), |r| vec![notice(r.number, "!x:x", "not due")]).await
        }
    };
    assert!(matches!(
        again(Step::Remind).await,
        Err(TransitionError::StepNotDue { number, step: Step::Remind }) if number == n
    ));
    // The claimed phase's steps do not fit an open request.
    for step in [Step::Nudge, Step::EscalateClaim] {
        match again(step).await {
            Err(TransitionError::StepNotDue { number, step: refused }) => {
                assert_eq!((number, refused), (n, step))
            }
            other => panic!("{step:?} of an open request: {other:?}"),
        }
    }
    store.follow_up(n, Step::Escalate, at(20), none).await?;
    assert!(matches!(
        again(Step::Escalate).await,
        Err(TransitionError::StepNotDue { step: Step::Escalate, .. })
    ));

    // Once claimed, the open phase's steps no longer fit.
    store.claim(n, "@alice:x", None, at(30), none).await?;
    for step in [Step::Remind, Step::Escalate, Step::Expire] {
        assert!(
            matches!(again(step).await, Err(TransitionError::StepNotDue { .. })),
            "{step:?} of a claimed request"
        );
    }
    assert_eq!(store.pending_effects()?, reminded, "refused steps owe nothing");
    assert_eq!(
        steps(&store, n)?,
        vec![
            (Outcome::Created, "@famille:x".to_owned()),
            (Outcome::Reminded, "bot".to_owned()),
            (Outcome::Escalated, "bot".to_owned()),
            (Outcome::Claimed, "@alice:x".to_owned()),
        ]
    );
    let log = store.log_of(n)?;
    assert_eq!((log[1].at, log[2].at), (at(10), at(20)));
    Ok(())
}

#[tokio::test]
async fn claimed_steps_fire_once_and_refuse_an_open_request() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;
    for step in [Step::Nudge, Step::EscalateClaim] {
        assert!(matches!(
            store.follow_up(n, step, at(1), none).await,
            Err(TransitionError::StepNotDue { .. })
        ));
    }
    let (claimed, _) = store.claim(n, "@alice:x", None, at(2), none).await?;
    assert_eq!(claimed.follow_up, FollowUp { since: Some(at(2)), done: Vec::new() });

    let (request, nudged) = store
        .follow_up(n, Step::Nudge, at(10), |r| {
            vec![notice(r.number, "private", "how is it going?")]
        })
        .await?;
    assert_eq!(request.state.holder(), Some("@alice:x"), "a nudge does not change the state");
    assert_eq!(nudged.len(), 1);
    assert!(matches!(
        store.follow_up(n, Step::Nudge, at(11), none).await,
        Err(TransitionError::StepNotDue { step: Step::Nudge, .. })
    ));
    let (request, _) = store.follow_up(n, Step::EscalateClaim, at(20), none).await?;
    assert_eq!(
        request.follow_up,
        FollowUp { since: Some(at(2)), done: vec![Step::Nudge, Step::EscalateClaim] }
    );
    assert!(matches!(
        store.follow_up(n, Step::EscalateClaim, at(21), none).await,
        Err(TransitionError::StepNotDue { step: Step::EscalateClaim, .. })
    ));
    assert_eq!(store.request(n)?.map(|r| r.follow_up), Some(request.follow_up));
    assert_eq!(
        steps(&store, n)?,
        vec![
            (Outcome::Created, "@famille:x".to_owned()),
            (Outcome::Claimed, "@alice:x".to_owned()),
            (Outcome::Nudged, "bot".to_owned()),
            (Outcome::EscalatedClaim, "bot".to_owned()),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_claim_or_a_release_starts_a_new_phase() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;
    store.follow_up(n, Step::Remind, at(1), none).await?;
    store.follow_up(n, Step::Escalate, at(2), none).await?;

    let (claimed, _) = store.claim(n, "@alice:x", None, at(3), none).await?;
    assert_eq!(claimed.follow_up, FollowUp { since: Some(at(3)), done: Vec::new() });
    store.follow_up(n, Step::Nudge, at(4), none).await?;

    let (released, _, _) = store
        .release(n, "@alice:x", "@alice:x", false, None, at(5), &[], |_, _| Vec::new())
        .await?;
    assert_eq!(released.follow_up, FollowUp { since: Some(at(5)), done: Vec::new() });
    assert_eq!(store.request(n)?.map(|r| r.follow_up), Some(released.follow_up));

    // The new open phase reminds again; a new claim nudges again.
    store.follow_up(n, Step::Remind, at(6), none).await?;
    let (claimed, _) = store.claim(n, "@bruno:x", None, at(7), none).await?;
    assert_eq!(claimed.follow_up, FollowUp { since: Some(at(7)), done: Vec::new() });
    let (nudged, _) = store.follow_up(n, Step::Nudge, at(8), none).await?;
    assert_eq!(nudged.follow_up.done, vec![Step::Nudge]);
    assert_eq!(
        steps(&store, n)?.into_iter().map(|(outcome, _)| outcome).collect::<Vec<_>>(),
        vec![
            Outcome::Created,
            Outcome::Reminded,
            Outcome::Escalated,
            Outcome::Claimed,
            Outcome::Nudged,
            Outcome::Released,
            Outcome::Reminded,
            Outcome::Claimed,
            Outcome::Nudged,
        ]
    );
    Ok(())
}

#[tokio::test]
async fn expire_closes_an_open_request() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let n = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?.0.number;
    store.follow_up(n, Step::Remind, at(10), none).await?;
    let (expired, queued) = store
        .follow_up(n, Step::Expire, at(20), |r| {
            assert_eq!(r.state, State::Expired);
            vec![notice(r.number, "!tilleuls:x", "expired")]
        })
        .await?;
    assert_eq!(expired.state, State::Expired);
    assert_eq!(expired.follow_up.done, vec![Step::Remind, Step::Expire]);
    assert_eq!(store.request(n)?.map(|r| r.state), Some(State::Expired));
    assert!(store.active_requests()?.is_empty());
    assert_eq!(store.pending_effects()?, queued);
    let last = store.log_of(n)?.pop().ok_or("no log")?;
    assert_eq!((last.outcome, last.actor.as_str(), last.at), (Outcome::Expired, "bot", at(20)));

    // Nothing applies to an expired request any more.
    for step in [Step::Remind, Step::Escalate, Step::Expire, Step::Nudge, Step::EscalateClaim] {
        assert!(
            matches!(
                store.follow_up(n, step, at(30), none).await,
                Err(TransitionError::StepNotDue { .. })
            ),
            "{step:?} of an expired request"
        );
    }
    assert!(matches!(
        store.claim(n, "@alice:x", None, at(30), none).await,
        Err(TransitionError::NotOpen { state: State::Expired, .. })
    ));
    assert!(matches!(
        store.cancel(n, "@famille:x", false, None, at(30), none).await,
        Err(TransitionError::NotOpen { state: State::Expired, .. })
    ));
    assert_eq!(store.log_of(n)?.len(), 3);
    Ok(())
}

#[tokio::test]
async fn no_step_applies_to_a_closed_or_missing_request() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let done = store.create_request(new_request("@a:x"), "$e1", at(0), none).await?.0.number;
    store.claim(done, "@alice:x", None, at(1), none).await?;
    store.done(done, "@alice:x", None, None, at(2), none).await?;
    let cancelled = store.create_request(new_request("@b:x"), "$e2", at(0), none).await?.0.number;
    store.cancel(cancelled, "@b:x", false, None, at(1), none).await?;
    for number in [done, cancelled] {
        for step in [Step::Remind, Step::Escalate, Step::Expire, Step::Nudge, Step::EscalateClaim] {
            assert!(
                matches!(
                    store.follow_up(number, step, at(3), none).await,
                    Err(TransitionError::StepNotDue { .. })
                ),
                "{step:?} of #{number}"
            );
        }
    }
    assert!(matches!(
        store.follow_up(99, Step::Remind, at(3), none).await,
        Err(TransitionError::NoSuchRequest(99))
    ));
    Ok(())
}

#[tokio::test]
async fn a_spare_room_is_taken_once_kept_by_its_claim_and_gone_once_it_serves() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    assert_eq!(store.take_spare(1, true).await?, None, "no spare yet");

    store.add_spare("!newer:x", at(5)).await?;
    store.add_spare("!older:x", at(1)).await?;
    assert_eq!(store.free_spares()?, 2);

    // The oldest goes first, and the same claim (resumed after a stop) gets it again.
    assert_eq!(store.take_spare(7, false).await?, None, "a resumed effect takes no new spare");
    assert_eq!(store.take_spare(7, true).await?.as_deref(), Some("!older:x"));
    assert_eq!(store.take_spare(7, false).await?.as_deref(), Some("!older:x"), "its own");
    assert_eq!(store.free_spares()?, 1);
    assert_eq!(store.take_spare(8, true).await?.as_deref(), Some("!newer:x"));
    assert_eq!(store.take_spare(9, true).await?, None, "both are taken");

    // Once it serves a claim, it is no longer a spare; a claim that ended lets it go.
    let (request, _) = store.create_request(new_request("@famille:x"), "$e", at(0), none).await?;
    let (_, claimed) = store
        .claim(request.number, "@alice:x", None, at(2), |r| {
            vec![private_room(r.number, "@alice:x")]
        })
        .await?;
    let [room] = claimed.as_slice() else { panic!("one effect: {claimed:?}") };
    store.set_private_room(request.number, "!older:x", at(3), room.id).await?;
    store.drop_spare("!newer:x")?;
    assert_eq!(store.spares()?, Vec::new());

    // Spares survive a restart.
    store.add_spare("!kept:x", at(9)).await?;
    drop(store);
    let store = Store::open(dir.path())?;
    assert_eq!(store.free_spares()?, 1);
    Ok(())
}

#[tokio::test]
async fn a_person_gets_the_notice_on_their_data_once() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    assert!(!store.is_informed("@famille:x")?);
    assert!(store.first_contact("@famille:x", 1).await?);
    assert!(!store.first_contact("@famille:x", 2).await?, "told once");
    assert!(store.is_informed("@famille:x")?);
    assert!(store.first_contact("@voisin:x", 3).await?, "each person once");
    Ok(())
}
