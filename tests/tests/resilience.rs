//! End-to-end scenarios of a homeserver that pushes back: Synapse's default rate limits
//! with many residents posting at once, and a homeserver that goes down and comes back
//! while the bot keeps running.

use std::{collections::BTreeMap, time::Duration};

use anyhow::{Context as _, Result, ensure};
use entraide_commands::{Key, Lang};
use entraide_storage::Outcome;
use entraide_tests::{
    Limits, Person, crowd, wait_until,
    world::{WAIT, World, join_private_room},
};
use matrix_sdk::ruma::OwnedEventId;
use tokio::time::Instant;

/// How many residents post at the same moment.
const RESIDENTS: usize = 10;

/// How long the ten requests may take to be confirmed and relayed under Synapse's
/// default rate limits: the bot may send 10 messages at once, then one every 5 seconds,
/// and each request costs it a confirmation and a relay.
const RATE_LIMITED_WAIT: Duration = Duration::from_secs(5 * 60);

/// How long the homeserver stays down.
const DOWNTIME: Duration = Duration::from_secs(8);

/// How long to keep listening after everything expected arrived, so that a duplicate
/// (a retried send that had gone through) would arrive too before we count.
const SETTLE: Duration = Duration::from_secs(5);

/// The bot's answers to `command` that `person` saw whose text is a `RequestConfirmed`.
fn confirmations(world: &World, person: &Person, command: &OwnedEventId) -> usize {
    person
        .seen()
        .iter()
        .filter(|m| {
            m.sender == world.bot_id
                && m.in_reply_to.as_ref() == Some(command)
                && world.texts.says(m, Lang::Fr, Key::RequestConfirmed)
        })
        .count()
}

/// Waits until the outcome log of request `number` holds `outcomes`, in this order, for
/// up to `timeout` ([`World::wait_log`] waits [`WAIT`]).
async fn wait_log_for(
    world: &World,
    number: u64,
    outcomes: &[Outcome],
    timeout: Duration,
) -> Result<()> {
    let store = world.bot()?.store.clone();
    let what = format!("the outcome log of request {number} to be {outcomes:?}");
    wait_until(&what, timeout, || {
        let store = store.clone();
        async move {
            let log = store.log_of(number).ok()?;
            log.iter().map(|e| e.outcome).eq(outcomes.iter().copied()).then_some(())
        }
    })
    .await
}

/// Ten residents post a request at the same moment on a Synapse with its default rate
/// limits: each gets exactly one confirmation, each request is relayed exactly once, and
/// the outcome log says so, however long the homeserver makes the bot wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_ten_residents_posting_at_once_under_default_rate_limits() -> Result<()> {
    let setup = Instant::now();
    let world = World::start_on(Limits::Defaults, false).await?;
    let outcome = ten_residents_post_at_once(&world, setup).await;
    // Also after a failure: which limits were hit is what explains it.
    report_rate_limits(&world)?;
    outcome
}

/// The body of [`test_ten_residents_posting_at_once_under_default_rate_limits`], from
/// `setup`, the start of the world.
async fn ten_residents_post_at_once(world: &World, setup: Instant) -> Result<()> {
    let crowd = crowd::gather(world, RESIDENTS).await?;
    eprintln!("setup: {RESIDENTS} residents and a volunteer in {:?}", setup.elapsed());
    let rush = crowd::rush(world, &crowd, RATE_LIMITED_WAIT).await?;
    eprintln!("the {RESIDENTS} requests were posted in {:?}", rush.posted_in);
    eprintln!("all {RESIDENTS} relayed {:?} after posting", rush.relayed_after);
    eprintln!("all {RESIDENTS} confirmed {:?} after posting", rush.confirmed_after);
    let (residents, commands, numbers) = (&crowd.residents, &rush.commands, &rush.confirmed);
    ensure!(*numbers == rush.recorded, "confirmed {numbers:?}, recorded {:?}", rush.recorded);
    let volunteer = &crowd.volunteer;

    for &number in numbers {
        wait_log_for(world, number, &[Outcome::Created, Outcome::Relayed], RATE_LIMITED_WAIT)
            .await?;
    }

    tokio::time::sleep(SETTLE).await;
    for (i, (resident, command)) in residents.iter().zip(commands).enumerate() {
        let n = confirmations(world, resident, command);
        ensure!(n == 1, "resident {} got {n} confirmations", i + 1);
    }
    for &number in numbers {
        let relays = world.relays_seen(volunteer, number).len();
        ensure!(relays == 1, "request {number} was relayed {relays} times");
        let log = world.bot()?.store.log_of(number)?;
        let outcomes: Vec<Outcome> = log.iter().map(|e| e.outcome).collect();
        ensure!(
            outcomes == [Outcome::Created, Outcome::Relayed],
            "the log of request {number} is {outcomes:?}"
        );
    }
    ensure!(world.bot()?.store.request(RESIDENTS as u64 + 1)?.is_none(), "an extra request");
    ensure!(!world.bot()?.is_finished(), "the bot stopped");
    Ok(())
}

/// Prints how many requests Synapse refused with 429, by sender, limiter and endpoint.
fn report_rate_limits(world: &World) -> Result<()> {
    let mut counts: BTreeMap<(&str, String, String), usize> = BTreeMap::new();
    let refused = world.synapse.rate_limited()?;
    for r in &refused {
        let who = if r.user == world.bot_id.as_str() {
            "bot"
        } else if r.user == world.coordinator.user_id.as_str() {
            "coordinator"
        } else {
            "someone else"
        };
        *counts.entry((who, r.limiter.clone(), r.endpoint())).or_default() += 1;
    }
    eprintln!("Synapse refused {} request(s) with 429:", refused.len());
    for ((who, limiter, endpoint), count) in counts {
        eprintln!("  {count:>3} × {who:<12} {limiter:<24} {endpoint}");
    }
    Ok(())
}

/// The homeserver goes down for a few seconds and comes back on the same port while the
/// bot keeps running: without being restarted, the bot confirms and relays a new request
/// and opens the private room of a claim on a request from before the outage.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_bot_recovers_by_itself_when_the_homeserver_restarts() -> Result<()> {
    let mut world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let (first, _) = world.ask(&family, "!demande courses avant la coupure", &volunteer).await?;
    world.wait_log(first, &[Outcome::Created, Outcome::Relayed]).await?;

    let down = Instant::now();
    world.synapse.stop().await?;
    tokio::time::sleep(DOWNTIME).await;
    ensure!(!world.bot()?.is_finished(), "the bot stopped while the homeserver was down");
    world.synapse.start_again().await?;
    eprintln!("the homeserver was down for {:?}", down.elapsed());
    ensure!(!world.bot()?.is_finished(), "the bot stopped while the homeserver was restarting");

    let back = Instant::now();
    let (second, _) = world.ask(&family, "!demande pharmacie après la coupure", &volunteer).await?;
    eprintln!("request {second} confirmed and relayed {:?} after the restart", back.elapsed());
    ensure!(second != first, "the new request got the number of the first, {first}");

    let claim = volunteer.send_text(&world.volunteers_room, &format!("!prendre {first}")).await?;
    volunteer
        .wait_for("the claim won", WAIT, |m| {
            m.room_id == world.volunteers_room
                && m.sender == world.bot_id
                && m.in_reply_to.as_ref() == Some(&claim)
                && world.texts.is_about(Lang::Fr, Key::ClaimWon, m.text(), first)
        })
        .await?;
    let private = join_private_room(&world.texts, &volunteer, first).await?;
    let family_private = join_private_room(&world.texts, &family, first).await?;
    ensure!(private == family_private, "the volunteer and the family are in different rooms");
    eprintln!(
        "the claim of request {first} got its private room {:?} after the restart",
        back.elapsed()
    );

    world
        .wait_log(
            first,
            &[Outcome::Created, Outcome::Relayed, Outcome::Claimed, Outcome::PrivateRoomCreated],
        )
        .await?;
    world.wait_log(second, &[Outcome::Created, Outcome::Relayed]).await?;
    tokio::time::sleep(SETTLE).await;
    for number in [first, second] {
        let relays = world.relays_seen(&volunteer, number).len();
        ensure!(relays == 1, "request {number} was relayed {relays} times");
    }
    let bot = world.bot.take().context("the bot")?;
    ensure!(!bot.is_finished(), "the bot stopped");
    bot.stop().await
}
