//! End-to-end scenarios of requests that wait: reminders, escalation, expiry and nudges
//! fire once each, at their time, also across a restart. The bot's clock is moved
//! forward; nothing sleeps until a deadline.

use std::{sync::Arc, time::Duration};

use anyhow::{Context as _, Result, ensure};
use chrono::{Datelike, Days, NaiveTime, TimeZone, Utc};
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

    // Another, held by a volunteer who then takes a break.
    let resting = world.volunteer("repos").await?;
    let (rested, _) = world.ask(&family, "!demande une visite à ma mère", &resting).await?;
    resting.send_text(&world.volunteers_room, &format!("!prendre {rested}")).await?;
    join_private_room(&world.texts, &resting, rested).await?;
    world
        .wait_log(
            rested,
            &[Outcome::Created, Outcome::Relayed, Outcome::Claimed, Outcome::PrivateRoomCreated],
        )
        .await?;
    let pause = resting.send_text(&world.volunteers_room, "!pause").await?;
    resting
        .wait_for("the break noted", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&pause) && world.texts.says(m, Lang::Fr, Key::Paused)
        })
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
    // (Counted from the later of the two claims: both are due then.)
    let claimed_for = clock.now() - world.bot()?.store.log_of(rested)?[2].at;
    clock.advance(
        (chrono::TimeDelta::hours(72) - claimed_for).to_std().unwrap_or_default() + MINUTE,
    );
    let nudge = wait_said(&world, &volunteer, Key::Nudge, held).await?;
    ensure!(nudge.room_id == private, "the nudge is not in the private room");
    ensure!(
        nudge.mentions.iter().flatten().any(|m| *m == volunteer.user_id),
        "the volunteer is not mentioned"
    );
    // The one on a break is not reminded: the coordinators hear of it.
    wait_said(&world, &world.coordinator, Key::NudgePaused, rested).await?;
    ensure!(said(&world, &resting, Key::Nudge, rested).is_empty(), "reminded on a break");
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

/// The coordination room's messages from the bot that say `key` about request `number`.
fn desk_said(world: &World, key: Key, lang: Lang, number: u64) -> Vec<Seen> {
    world
        .coordinator
        .seen()
        .into_iter()
        .filter(|m| {
            m.room_id == world.coordination_room
                && m.sender == world.bot_id
                && world.texts.is_about(lang, key, m.text(), number)
        })
        .collect()
}

/// A coordinator's repeating request ("chaque mardi"): each occurrence is a request of
/// its own, made and relayed two days before its day, once, also across a restart; the
/// coordination room is told of each; `!arreter` on any occurrence ends the series. A
/// resident's "chaque mardi" is a single request, and only coordinators stop a series.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_repeating_request_makes_each_occurrence_once_until_stopped() -> Result<()> {
    let mut world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let clock = world.bot()?.clock.clone();
    let tz = world.bot()?.config.timezone;
    let coordination = world.coordination_room.clone();
    let text = "!pour appeler Mme Martin chaque mardi à 10h pour prendre des nouvelles";
    let (first, _) = world.ask_in(&world.coordinator, &coordination, text, Lang::Fr).await?;
    world
        .coordinator
        .wait_for("the series announced", WAIT, |m| {
            m.room_id == coordination
                && world.texts.is_about(Lang::Fr, Key::SeriesStarted, m.text(), first)
        })
        .await?;
    let relay = world.relay(&volunteer, first).await?;
    let weekly = world.texts.text(Lang::Fr, Key::RepeatWeekly, &[]);
    ensure!(relay.body.contains(&weekly), "the relay does not say it repeats: {}", relay.body);
    let store = world.bot()?.store.clone();
    let request = store.request(first)?.context("the first occurrence")?;
    let entraide_commands::When::On { date: day, .. } = request.reading.when else {
        anyhow::bail!("no day read: {:?}", request.reading);
    };
    ensure!(day.weekday() == chrono::Weekday::Tue, "not a Tuesday: {day}");

    // Two days before the next Tuesday, less a minute: not yet.
    let next = day.checked_add_days(Days::new(7)).context("next week")?;
    let due = tz
        .from_local_datetime(&next.and_time(NaiveTime::MIN))
        .earliest()
        .context("midnight")?
        .with_timezone(&Utc)
        - chrono::TimeDelta::hours(48);
    clock.advance((due - clock.now()).to_std()? - MINUTE);
    settle(&world, &family).await?;
    ensure!(store.request(first)?.and_then(|r| r.repeat).and_then(|s| s.next).is_none());

    // Then the next occurrence is made, relayed, and the coordination room told.
    clock.advance(2 * MINUTE);
    let told = world
        .coordinator
        .wait_for("the next occurrence", WAIT, |m| {
            m.room_id == coordination
                && world.texts.is_with(
                    Lang::Fr,
                    Key::SeriesNext,
                    m.text(),
                    "previous",
                    &first.to_string(),
                )
        })
        .await?;
    let second = world.texts.number(Lang::Fr, Key::SeriesNext, told.text())?;
    world.relay(&volunteer, second).await?;
    let made = store.request(second)?.context("the second occurrence")?;
    ensure!(
        matches!(made.reading.when, entraide_commands::When::On { date, time: Some(_), .. } if date == next),
        "{:?}",
        made.reading.when
    );
    ensure!(made.origin_room == coordination.as_str(), "not followed by the coordinators");
    let linked = store.request(first)?.and_then(|r| r.repeat).and_then(|s| s.next);
    ensure!(linked == Some(second), "the first occurrence leads to {linked:?}");

    // Once only, also after a restart.
    world.bot = start(stop(&mut world).await?);
    clock.advance(HOUR);
    settle(&world, &family).await?;
    ensure!(desk_said(&world, Key::SeriesNext, Lang::Fr, second).len() == 1, "made twice");
    let latest: Vec<u64> = store.repeating()?.iter().map(|r| r.number).collect();
    ensure!(
        latest == [second],
        "the series' latest: {latest:?}, not {second}: {:#?}",
        store.request(first)?
    );

    // A resident's "chaque mardi" is one request, and they cannot stop a series.
    let (single, _) = world.ask(&family, "!demande des courses chaque mardi", &volunteer).await?;
    ensure!(store.request(single)?.context("the resident's")?.repeat.is_none());
    let refused = family.send_text(&world.neighbourhood, &format!("!arreter {first}")).await?;
    family
        .wait_for("the refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&refused)
                && world.texts.says(m, Lang::Fr, Key::RefusedWrongPlace)
                || m.in_reply_to.as_ref() == Some(&refused)
                    && world.texts.says(m, Lang::Fr, Key::RefusedNotCoordinator)
        })
        .await?;

    // Stopped from its first occurrence: the latest says it is the last.
    let stop_it = world.coordinator.send_text(&coordination, &format!("!arreter {first}")).await?;
    world
        .coordinator
        .wait_for("the series stopped", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&stop_it)
                && world.texts.is_about(Lang::Fr, Key::SeriesStopped, m.text(), second)
        })
        .await?;
    let again = world.coordinator.send_text(&coordination, &format!("!arreter {second}")).await?;
    world
        .coordinator
        .wait_for("already stopped", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&again)
                && world.texts.is_about(Lang::Fr, Key::NotRepeating, m.text(), second)
        })
        .await?;
    clock.advance(8 * 24 * HOUR);
    settle(&world, &family).await?;
    ensure!(store.repeating()?.is_empty(), "the series goes on");
    let made_after = desk_said(&world, Key::SeriesNext, Lang::Fr, second + 1).len()
        + desk_said(&world, Key::SeriesNext, Lang::Fr, second + 2).len();
    ensure!(made_after == 0, "an occurrence after the stop");

    // In English: "every week" from the coordinators, `!stop`.
    let text = "!for a phone call to Mr Smith every week";
    let (english, _) = world.ask_in(&world.coordinator, &coordination, text, Lang::En).await?;
    world
        .coordinator
        .wait_for("the series announced in English", WAIT, |m| {
            m.room_id == coordination
                && world.texts.is_about(Lang::En, Key::SeriesStarted, m.text(), english)
        })
        .await?;
    let stop_it = world.coordinator.send_text(&coordination, &format!("!stop {english}")).await?;
    world
        .coordinator
        .wait_for("the series stopped in English", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&stop_it)
                && world.texts.is_about(Lang::En, Key::SeriesStopped, m.text(), english)
        })
        .await?;
    Ok(())
}
