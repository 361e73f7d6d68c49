//! End-to-end scenarios of requests that wait: reminders, escalation, expiry and nudges
//! fire once each, at their time, also across a restart. The bot's clock is moved
//! forward; nothing sleeps until a deadline.

use std::{sync::Arc, time::Duration};

use anyhow::{Context as _, Result, ensure};
use chrono::{Days, NaiveTime, TimeZone, Utc};
use entraide::{Clock, Config};
use entraide_commands::{Key, Lang};
use entraide_storage::{Outcome, Store};
use entraide_tests::{
    Person, Seen,
    bot::RunningBot,
    world::{WAIT, World, join_private_room},
};

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

/// Messages from the bot that `person` saw saying `key` about request `number`.
fn said(world: &World, person: &Person, key: Key, number: u64) -> Vec<Seen> {
    person
        .seen()
        .into_iter()
        .filter(|m| {
            m.sender == world.bot_id && world.texts.is_about(Lang::Fr, key, &m.body, number)
        })
        .collect()
}

/// Waits until `person` saw the bot say `key` about request `number`.
async fn wait_said(world: &World, person: &Person, key: Key, number: u64) -> Result<Seen> {
    let what = format!("{key:?} about request {number}");
    person
        .wait_for(&what, WAIT, |m| {
            m.sender == world.bot_id && world.texts.is_about(Lang::Fr, key, &m.body, number)
        })
        .await
}

/// Lets the bot take any step still due, then waits for an answer to `!aide`: what was
/// due has been journalled by then, and its notices sent or under way.
async fn settle(world: &World, person: &Person) -> Result<()> {
    let help = person.send_text(&world.neighbourhood, "!aide").await?;
    person.wait_for("the help", WAIT, |m| m.in_reply_to.as_ref() == Some(&help)).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(())
}

/// What the bot needs to start again by the same clock on the same store.
type Stopped = (Config, Store, Arc<Clock>);

/// Stops the bot.
async fn stop(world: &mut World) -> Result<Stopped> {
    let bot = world.bot.take().context("the bot")?;
    let stopped = (bot.config.clone(), bot.store.clone(), bot.clock.clone());
    bot.stop().await?;
    Ok(stopped)
}

/// Starts the bot stopped by [`stop`].
fn start((config, store, clock): Stopped) -> Option<RunningBot> {
    Some(RunningBot::start_by(config, store, clock))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_an_open_request_is_reminded_escalated_then_expires_once_each() -> Result<()> {
    let mut world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let (number, _) = world.ask(&family, "!demande des courses pour ma mère", &volunteer).await?;
    let clock = world.bot()?.clock.clone();

    clock.advance(HOUR);
    settle(&world, &family).await?;
    ensure!(said(&world, &volunteer, Key::Reminder, number).is_empty(), "reminded too early");

    clock.advance(HOUR + MINUTE);
    let reminder = wait_said(&world, &volunteer, Key::Reminder, number).await?;
    ensure!(reminder.room_id == world.volunteers_room, "the reminder is not with the relays");
    ensure!(reminder.thread_root.is_none(), "the reminder hides in a thread");

    clock.advance(4 * HOUR);
    let alert = wait_said(&world, &world.coordinator, Key::EscalatedOpen, number).await?;
    ensure!(alert.room_id == world.coordination_room, "the alert is not in the coordination room");
    world
        .wait_log(
            number,
            &[Outcome::Created, Outcome::Relayed, Outcome::Reminded, Outcome::Escalated],
        )
        .await?;

    // The expiry falls while the bot is stopped: it fires at the next start.
    let stopped = stop(&mut world).await?;
    clock.advance(70 * HOUR);
    world.bot = start(stopped);
    let told = wait_said(&world, &family, Key::ExpiredRequester, number).await?;
    ensure!(
        told.mentions.iter().flatten().any(|m| *m == family.user_id),
        "the requester is not mentioned"
    );
    wait_said(&world, &world.coordinator, Key::ExpiredCoordination, number).await?;
    volunteer
        .wait_for("the relay marked expired", WAIT, |m| {
            m.thread_root.is_some()
                && world.texts.is_about(Lang::Fr, Key::RelayExpired, &m.body, number)
        })
        .await?;

    // Later still, and after another restart: nothing fires twice.
    clock.advance(200 * HOUR);
    world.bot = start(stop(&mut world).await?);
    settle(&world, &family).await?;
    for (person, key) in [
        (&volunteer, Key::Reminder),
        (&world.coordinator, Key::EscalatedOpen),
        (&family, Key::ExpiredRequester),
        (&world.coordinator, Key::ExpiredCoordination),
    ] {
        let n = said(&world, person, key, number).len();
        ensure!(n == 1, "{key:?} was said {n} times");
    }
    world
        .wait_log(
            number,
            &[
                Outcome::Created,
                Outcome::Relayed,
                Outcome::Reminded,
                Outcome::Escalated,
                Outcome::Expired,
            ],
        )
        .await?;
    // An expired request cannot be taken any more.
    let take = volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    volunteer
        .wait_for("the refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&take) && world.texts.says(m, Lang::Fr, Key::NotOpen)
        })
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_held_request_is_nudged_then_escalated_and_a_dated_one_expires() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let clock = world.bot()?.clock.clone();

    let (held, _) = world.ask(&family, "!demande une visite à mon père", &volunteer).await?;
    volunteer.send_text(&world.volunteers_room, &format!("!prendre {held}")).await?;
    let private = join_private_room(&world.texts, &volunteer, held).await?;
    world
        .wait_log(
            held,
            &[Outcome::Created, Outcome::Relayed, Outcome::Claimed, Outcome::PrivateRoomCreated],
        )
        .await?;

    // "demain matin": over at noon tomorrow, expired two hours later.
    let (dated, _) = world.ask(&family, "!demande des courses demain matin", &volunteer).await?;
    let tz = world.bot()?.config.timezone;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let noon = today
        .checked_add_days(Days::new(1))
        .context("tomorrow")?
        .and_time(NaiveTime::from_hms_opt(12, 0, 0).context("noon")?);
    let noon = tz.from_local_datetime(&noon).earliest().context("noon tomorrow")?;
    let until_noon = (noon.with_timezone(&Utc) - clock.now()).to_std()?;
    clock.advance(until_noon + HOUR);
    settle(&world, &family).await?;
    ensure!(
        said(&world, &family, Key::ExpiredRequester, dated).is_empty(),
        "expired before the grace"
    );
    clock.advance(HOUR + MINUTE);
    wait_said(&world, &family, Key::ExpiredRequester, dated).await?;
    let log = world.bot()?.store.log_of(dated)?;
    ensure!(log.last().map(|e| e.outcome) == Some(Outcome::Expired), "log: {log:?}");

    // The held request is followed up three days after the claim, in its private room.
    let claimed_for = clock.now() - world.bot()?.store.log_of(held)?[2].at;
    clock.advance(
        (chrono::TimeDelta::hours(72) - claimed_for).to_std().unwrap_or_default() + MINUTE,
    );
    let nudge = wait_said(&world, &volunteer, Key::Nudge, held).await?;
    ensure!(nudge.room_id == private, "the nudge is not in the private room");
    ensure!(
        nudge.mentions.iter().flatten().any(|m| *m == volunteer.user_id),
        "the volunteer is not mentioned"
    );
    clock.advance(96 * HOUR);
    wait_said(&world, &world.coordinator, Key::EscalatedClaim, held).await?;
    clock.advance(100 * HOUR);
    settle(&world, &family).await?;
    ensure!(said(&world, &volunteer, Key::Nudge, held).len() == 1, "nudged twice");
    ensure!(
        said(&world, &world.coordinator, Key::EscalatedClaim, held).len() == 1,
        "escalated twice"
    );
    let outcomes: Vec<Outcome> =
        world.bot()?.store.log_of(held)?.iter().map(|e| e.outcome).collect();
    ensure!(
        outcomes[4..] == [Outcome::Nudged, Outcome::EscalatedClaim],
        "the held request's log: {outcomes:?}"
    );
    Ok(())
}
