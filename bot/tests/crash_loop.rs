//! Crash loop: the `entraide` binary, a real OS process, is killed with SIGKILL at random
//! moments while requests are made, claimed (`!prendre N` or ✋), given back (`!lacher N`)
//! and closed (`!fait N`, `!annuler N`); after the last restart, once things settle, what
//! people saw on Matrix and what the store says must agree with what was done.
//!
//! - `ENTRAIDE_CRASH_CYCLES`: how many kill/restart cycles (default 20).
//! - `ENTRAIDE_CRASH_SEED`: replays the random choices of a run (the seed is printed). The
//!   bot's own timing still varies from run to run: a seed fixes what is done and when the
//!   kills fall relative to it, not what the bot had time to do before each kill.
//! - `ENTRAIDE_CRASH_ENCRYPTED=1`: the bot's rooms and the neighbourhood room are
//!   end-to-end encrypted (off by default, so that a lost room key cannot pass for a lost
//!   message).
//!
//! `scripts/soak.sh` runs this test with many cycles.
//!
//! The test only takes a request's next step once the bot has visibly finished the
//! previous one (see [`Ask::acknowledged`]), so that what each request's life should be
//! does not depend on the order in which the bot, catching up after a restart, reads
//! rooms. A step still unacknowledged at the end may or may not have happened; both are
//! accepted, nothing in between.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    fmt::Write as _,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context as _, Result, bail};
use entraide_commands::{Key, Lang};
use entraide_storage::{LogEntry, Outcome, Request, State, Store};
use entraide_tests::{
    Person, Seen,
    process::BotProcess,
    wait_until,
    world::{WAIT, World},
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId};

/// Kill/restart cycles when `ENTRAIDE_CRASH_CYCLES` is not set.
const DEFAULT_CYCLES: u64 = 20;

/// The longest delay between the last action of a cycle and the kill.
const MAX_KILL_DELAY_MS: u64 = 1_500;

/// How long a restarted bot is given to acknowledge what was pending before the next
/// actions (so that requests move on); the kill does not wait for it.
const CATCH_UP: Duration = Duration::from_secs(2);

/// Requests under way at once, at most: enough for claims, releases and closes to mix.
const MAX_ACTIVE: usize = 3;

/// How long the last start has to finish what is pending before the checks, once it
/// answered everyone: a few seconds are enough for a bot that lost nothing; a step that
/// is still not acknowledged then was lost, which the checks report.
const SETTLE: Duration = Duration::from_secs(20);

/// Per cent of cycles that kill the bot while it starts (before its first sync is done).
const EARLY_KILL_PERCENT: u64 = 15;

/// Per cent of cycles in which someone writes while the bot is down.
const WRITE_WHILE_DOWN_PERCENT: u64 = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_bot_killed_at_random_moments_loses_and_repeats_nothing() -> Result<()> {
    let seed = match std::env::var("ENTRAIDE_CRASH_SEED") {
        Ok(seed) => seed.parse().context("ENTRAIDE_CRASH_SEED is not a number")?,
        Err(_) => SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos() as u64,
    };
    let cycles = match std::env::var("ENTRAIDE_CRASH_CYCLES") {
        Ok(cycles) => cycles.parse().context("ENTRAIDE_CRASH_CYCLES is not a number")?,
        Err(_) => DEFAULT_CYCLES,
    };
    let encrypted = std::env::var("ENTRAIDE_CRASH_ENCRYPTED").is_ok_and(|v| v == "1");
    eprintln!("crash loop: ENTRAIDE_CRASH_SEED={seed} ENTRAIDE_CRASH_CYCLES={cycles}");
    let started = Instant::now();

    let mut world = World::start_process(encrypted, env!("CARGO_BIN_EXE_entraide").as_ref())
        .await
        .context("starting the world")?;
    let residents = vec![world.resident("famille").await?, world.resident("voisine").await?];
    let volunteers = vec![world.volunteer("alice").await?, world.volunteer("bruno").await?];
    let mut run = Run {
        rng: Rng(seed),
        asks: Vec::new(),
        rooms: PrivateRooms::default(),
        residents,
        volunteers,
    };
    let mut process = world.process.take().context("the world has no bot process")?;
    let setup = started.elapsed();

    for cycle in 1..=cycles {
        let early = run.rng.percent(EARLY_KILL_PERCENT);
        let mut acted = 0;
        if !early {
            // Not `wait_running`: the first sync long-polls until something happens, and
            // the actions below are often what makes it return.
            process.wait_connected(WAIT).await?;
            run.catch_up(&world).await;
            acted = run.act(&world, 3, &process, &format!("cycle {cycle}")).await?;
        }
        let delay = run.rng.below(MAX_KILL_DELAY_MS + 1);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let what =
            if early { "after the start, not waiting for it" } else { "after the cycle's actions" };
        process.note(&format!("cycle {cycle}: {acted} action(s); kill {delay} ms {what}"))?;
        process.kill().await?;
        if run.rng.percent(WRITE_WHILE_DOWN_PERCENT) {
            run.update(&world);
            run.act(&world, 1, &process, &format!("cycle {cycle}, while down")).await?;
        }
        process.restart()?;
    }
    let cycling = started.elapsed() - setup;

    // The last start: nobody acts any more, the bot finishes what it can. The people's
    // help requests make its first sync return at once; the bot handles jobs one at a
    // time, in order, and recovers after the first sync's jobs.
    process.note("last start: settling")?;
    sentinels(&world, &run).await?;
    process.wait_running(WAIT).await?;
    let settled = wait_until("every step acknowledged", SETTLE, || {
        run.update(&world);
        let done = run.asks.iter().all(|ask| ask.acknowledged() && ask.pending.is_none());
        async move { done.then_some(()) }
    })
    .await
    .is_ok();
    // Once each person's help is answered again, everything written before, and the
    // recovery, was handled, and each person's sync got that far.
    sentinels(&world, &run).await?;
    run.update(&world);
    process.note("settled: checking")?;
    process.kill().await?;
    let store = process.open_store().await?;
    let violations = run.check(&world, &store)?;
    drop(store);

    let total = started.elapsed();
    eprintln!(
        "crash loop: {} start(s), {} request(s), {} step(s) acknowledged; setup {:.0?}, \
         {cycles} cycles {:.0?}, total {:.0?}{}",
        process.starts(),
        run.asks.len(),
        run.asks.iter().map(|ask| ask.steps.len()).sum::<usize>(),
        setup,
        cycling,
        total,
        if settled { "" } else { "; some steps were never acknowledged" },
    );
    let kept = std::env::temp_dir().join(format!("entraide-crash-{seed}.log"));
    std::fs::copy(process.log_file(), &kept)
        .with_context(|| format!("keeping the bot's log in {}", kept.display()))?;
    eprintln!("crash loop: the bot's log is in {}", kept.display());
    if violations.is_empty() {
        return Ok(());
    }
    bail!(report(&process, seed, cycles, &violations))
}

// ── What is done ────────────────────────────────────────────────────────────────────

/// One step of a request's life, as the test did it.
#[derive(Debug, Clone)]
enum Step {
    /// A volunteer claimed it, with `!prendre N` (`reacted_to: None`) or ✋ on a relay.
    Claim { volunteer: usize, event: OwnedEventId, reacted_to: Option<OwnedEventId> },
    /// The holder gave it back with `!lacher N`.
    Release { volunteer: usize, event: OwnedEventId },
    /// The holder closed it with `!fait N`.
    Done { volunteer: usize, event: OwnedEventId },
    /// The requester cancelled it with `!annuler N`.
    Cancel { event: OwnedEventId },
}

/// A step sent but not yet acknowledged, with what was seen before it.
#[derive(Debug, Clone)]
struct Pending {
    step: Step,
    /// Relays of the request the first volunteer had seen.
    relays: usize,
    /// Private rooms of the request the claiming volunteer knew.
    rooms: usize,
}

/// A request as the test made it: `!demande courses, liste {k} merci` by a resident.
#[derive(Debug)]
struct Ask {
    /// Its index, written in its text so that the store's request can be found again.
    k: usize,
    /// Index into the residents.
    requester: usize,
    /// The `!demande` event.
    command: OwnedEventId,
    /// The number, from the confirmation.
    number: Option<u64>,
    /// Whether the first volunteer saw it relayed.
    relayed: bool,
    /// Steps the bot acknowledged, in order.
    steps: Vec<Step>,
    /// The step sent and not yet acknowledged.
    pending: Option<Pending>,
}

/// Where a request stands according to what the bot acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Open,
    Claimed(usize),
    Done,
    Cancelled,
}

impl Ask {
    fn marker(k: usize) -> String {
        format!("liste {k} merci")
    }

    /// Confirmed and relayed: the bot finished the request's creation.
    fn acknowledged(&self) -> bool {
        self.number.is_some() && self.relayed
    }

    fn phase_after(steps: &[Step]) -> Phase {
        steps.iter().fold(Phase::Open, |_, step| match step {
            Step::Claim { volunteer, .. } => Phase::Claimed(*volunteer),
            Step::Release { .. } => Phase::Open,
            Step::Done { .. } => Phase::Done,
            Step::Cancel { .. } => Phase::Cancelled,
        })
    }

    fn phase(&self) -> Phase {
        Ask::phase_after(&self.steps)
    }

    fn is_closed(&self) -> bool {
        matches!(self.phase(), Phase::Done | Phase::Cancelled)
    }
}

/// A run: the people, the requests, the random choices.
struct Run {
    rng: Rng,
    asks: Vec<Ask>,
    rooms: PrivateRooms,
    residents: Vec<Person>,
    volunteers: Vec<Person>,
}

impl Run {
    /// Records what the bot acknowledged since last time (never waits).
    fn update(&mut self, world: &World) {
        self.rooms.update(world, self.residents.iter().chain(&self.volunteers));
        let first = &self.volunteers[0];
        for ask in &mut self.asks {
            let requester = &self.residents[ask.requester];
            if ask.number.is_none() {
                ask.number = requester.seen().iter().find_map(|m| {
                    (m.sender == world.bot_id
                        && m.in_reply_to.as_ref() == Some(&ask.command)
                        && world.texts.says(m, Lang::Fr, Key::RequestConfirmed))
                    .then(|| world.texts.number(Lang::Fr, Key::RequestConfirmed, m.text()).ok())
                    .flatten()
                });
            }
            let Some(number) = ask.number else { continue };
            if !ask.relayed {
                ask.relayed = !world.relays_seen(first, number).is_empty();
            }
            let Some(pending) = &ask.pending else { continue };
            let answered = |person: &Person, event: &OwnedEventId, key: Key| {
                person.seen().iter().any(|m| {
                    m.sender == world.bot_id
                        && m.in_reply_to.as_ref() == Some(event)
                        && world.texts.is_about(Lang::Fr, key, m.text(), number)
                })
            };
            let done = match &pending.step {
                // The private room is the claim's last effect the volunteer sees.
                Step::Claim { volunteer, .. } => {
                    let user = &self.volunteers[*volunteer].user_id;
                    self.rooms.of(user, number).len() > pending.rooms
                }
                // The new relay comes before the answer; both are needed for the next claim.
                Step::Release { volunteer, event } => {
                    answered(&self.volunteers[*volunteer], event, Key::Released)
                        && world.relays_seen(first, number).len() > pending.relays
                }
                Step::Done { volunteer, event } => {
                    answered(&self.volunteers[*volunteer], event, Key::DoneAck)
                }
                Step::Cancel { event } => answered(requester, event, Key::CancelledAck),
            };
            if done {
                ask.steps.push(pending.step.clone());
                ask.pending = None;
            }
        }
    }

    /// Gives a restarted bot a moment to acknowledge what is pending.
    async fn catch_up(&mut self, world: &World) {
        let deadline = Instant::now() + CATCH_UP;
        loop {
            self.update(world);
            let waiting = self.asks.iter().any(|a| !a.acknowledged() || a.pending.is_some());
            if !waiting || Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Takes up to `max` random actions: a new request, or the next step of requests the
    /// bot acknowledged. Each is noted in the bot's log, tagged `when`, before it is sent.
    /// Returns how many were taken.
    async fn act(
        &mut self,
        world: &World,
        max: usize,
        process: &BotProcess,
        when: &str,
    ) -> Result<usize> {
        let mut acted = 0;
        let active = self.asks.iter().filter(|ask| !ask.is_closed()).count();
        if active < MAX_ACTIVE && self.rng.percent(60) {
            let k = self.asks.len() + 1;
            let requester = self.rng.below(self.residents.len() as u64) as usize;
            let text = format!("!demande courses, {}", Ask::marker(k));
            process.note(&format!("{when}: ask {k}: {text:?} by resident {requester}"))?;
            let command = self.residents[requester].send_text(&world.neighbourhood, &text).await?;
            acted += 1;
            self.asks.push(Ask {
                k,
                requester,
                command,
                number: None,
                relayed: false,
                steps: Vec::new(),
                pending: None,
            });
        }
        for i in 0..self.asks.len() {
            if acted >= max {
                break;
            }
            let ask = &self.asks[i];
            let ready = ask.acknowledged() && ask.pending.is_none() && !ask.is_closed();
            if !ready || !self.rng.percent(50) {
                continue;
            }
            let Some(number) = ask.number else { continue };
            let what = format!("{when}: ask {} (n°{number})", ask.k);
            let step = self.next_step(world, i, number, process, &what).await?;
            let relays = world.relays_seen(&self.volunteers[0], number).len();
            let rooms = match &step {
                Step::Claim { volunteer, .. } => {
                    self.rooms.of(&self.volunteers[*volunteer].user_id, number).len()
                }
                _ => 0,
            };
            self.asks[i].pending = Some(Pending { step, relays, rooms });
            acted += 1;
        }
        Ok(acted)
    }

    /// Chooses and sends the next step of request `i` (number `number`), noted in the
    /// bot's log after `what`.
    async fn next_step(
        &mut self,
        world: &World,
        i: usize,
        number: u64,
        process: &BotProcess,
        what: &str,
    ) -> Result<Step> {
        let note = |action: String| process.note(&format!("{what}: {action}"));
        let room = &world.volunteers_room;
        let requester = &self.residents[self.asks[i].requester];
        let roll = self.rng.below(100);
        Ok(match self.asks[i].phase() {
            Phase::Open if roll < 80 => {
                let volunteer = self.rng.below(self.volunteers.len() as u64) as usize;
                let person = &self.volunteers[volunteer];
                let live = live_relays(world, person, number);
                match live.last().filter(|_| self.rng.percent(50)) {
                    Some(relay) => {
                        note(format!("✋ by volunteer {volunteer} on {}", relay.event_id))?;
                        let event = person.react(room, &relay.event_id, "✋").await?;
                        Step::Claim { volunteer, event, reacted_to: Some(relay.event_id.clone()) }
                    }
                    None => {
                        note(format!("!prendre {number} by volunteer {volunteer}"))?;
                        let event = person.send_text(room, &format!("!prendre {number}")).await?;
                        Step::Claim { volunteer, event, reacted_to: None }
                    }
                }
            }
            Phase::Claimed(volunteer) if roll < 40 => {
                let text = format!("!lacher {number}");
                note(format!("{text} by volunteer {volunteer}"))?;
                let event = self.volunteers[volunteer].send_text(room, &text).await?;
                Step::Release { volunteer, event }
            }
            Phase::Claimed(volunteer) if roll < 80 => {
                let text = format!("!fait {number}");
                note(format!("{text} by volunteer {volunteer}"))?;
                let event = self.volunteers[volunteer].send_text(room, &text).await?;
                Step::Done { volunteer, event }
            }
            _ => {
                let text = format!("!annuler {number}");
                note(format!("{text} by the requester"))?;
                let event = requester.send_text(&world.neighbourhood, &text).await?;
                Step::Cancel { event }
            }
        })
    }
}

/// Each resident asks for help in the neighbourhood room, each volunteer in the
/// volunteers room, and each gets it.
async fn sentinels(world: &World, run: &Run) -> Result<()> {
    let everyone = run.residents.iter().map(|p| (p, &world.neighbourhood));
    let everyone = everyone.chain(run.volunteers.iter().map(|p| (p, &world.volunteers_room)));
    for (person, room) in everyone {
        let command = person.send_text(room, "!aide").await?;
        person
            .wait_for("the help (sentinel) after the last restart", WAIT, |m| {
                m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(&command)
            })
            .await?;
    }
    Ok(())
}

// ── What is seen ────────────────────────────────────────────────────────────────────

/// The live relays of request `number` as `volunteer` saw them, oldest first.
///
/// A relay is a new message of the bot in the volunteers room that reads as the relay of
/// `number` ([`World::is_relay`]: not an edit, not in a thread). When the request is
/// claimed or closed the bot redacts it (its status goes in its thread), so a relay is
/// live, i.e. still offering the request to volunteers, exactly when it was not seen
/// redacted. An open request must have one; a claimed or closed one none.
fn live_relays(world: &World, volunteer: &Person, number: u64) -> Vec<Seen> {
    let redacted: BTreeSet<OwnedEventId> = volunteer.redacted().into_iter().collect();
    volunteer
        .seen()
        .into_iter()
        .filter(|m| world.is_relay(m, number) && !redacted.contains(&m.event_id))
        .collect()
}

/// The private rooms each person was ever invited to, by request number: polled, since an
/// invitation disappears from a client's invites when it is withdrawn or accepted.
#[derive(Debug, Default)]
struct PrivateRooms {
    known: HashMap<OwnedUserId, BTreeMap<OwnedRoomId, u64>>,
}

impl PrivateRooms {
    fn update<'a>(&mut self, world: &World, people: impl Iterator<Item = &'a Person>) {
        for person in people {
            let known = self.known.entry(person.user_id.clone()).or_default();
            for room in person.client.rooms() {
                let number = room
                    .name()
                    .and_then(|name| world.texts.args(Lang::Fr, Key::PrivateRoomName, &name))
                    .and_then(|args| args.get("number")?.parse().ok());
                if let Some(number) = number {
                    known.entry(room.room_id().to_owned()).or_insert(number);
                }
            }
        }
    }

    /// The private rooms of request `number` that `user` was invited to.
    fn of(&self, user: &OwnedUserId, number: u64) -> BTreeSet<OwnedRoomId> {
        self.known
            .get(user)
            .map(|rooms| {
                rooms.iter().filter(|(_, n)| **n == number).map(|(id, _)| id.clone()).collect()
            })
            .unwrap_or_default()
    }
}

// ── The invariants ──────────────────────────────────────────────────────────────────

/// One broken invariant about one request.
#[derive(Debug)]
struct Violation {
    invariant: &'static str,
    /// The request's number, when one is known.
    number: Option<u64>,
    /// The ask it came from.
    k: usize,
    detail: String,
}

const CONFIRMED_ONCE: &str = "every request confirmed exactly once";
const ONE_LIVE_RELAY: &str = "exactly one live relay per open request (none otherwise)";
const ROOM_PER_CLAIM: &str = "one private room per claim, volunteer and requester invited";
const LOG_COMPLETE: &str = "outcome log complete and in order";
const ANSWERED_ONCE: &str = "every command answered exactly once";
const NO_EFFECT_PENDING: &str = "no effect left pending in the journal";

impl Run {
    /// Checks every invariant for every request; `store` is the bot's, opened after the
    /// last kill.
    fn check(&self, world: &World, store: &Store) -> Result<Vec<Violation>> {
        let mut violations = Vec::new();
        for pending in store.pending_effects()? {
            violations.push(Violation {
                invariant: NO_EFFECT_PENDING,
                number: Some(pending.effect.request),
                k: 0,
                detail: format!("effect {} still owed: {:?}", pending.id, pending.effect.action),
            });
        }
        let log = store.log()?;
        let numbers: BTreeSet<u64> = log.iter().map(|e| e.number).collect();
        let mut requests = Vec::new();
        for number in &numbers {
            requests.push(store.request(*number)?.with_context(|| format!("no request {number}"))?);
        }
        let stored_of = |k: usize| -> Vec<&Request> {
            requests.iter().filter(|r| r.text.contains(&Ask::marker(k))).collect()
        };
        for request in &requests {
            if !self.asks.iter().any(|ask| request.text.contains(&Ask::marker(ask.k))) {
                violations.push(Violation {
                    invariant: CONFIRMED_ONCE,
                    number: Some(request.number),
                    k: 0,
                    detail: format!("stored but never asked: {:?}", request.text),
                });
            }
        }
        for ask in &self.asks {
            let mut found = |invariant, number, detail| {
                violations.push(Violation { invariant, number, k: ask.k, detail });
            };
            let stored = stored_of(ask.k);
            let request = match stored.as_slice() {
                [request] => *request,
                [] => {
                    let detail = format!("the request ({}) was never stored", ask.command);
                    found(CONFIRMED_ONCE, ask.number, detail);
                    continue;
                }
                several => {
                    let numbers: Vec<u64> = several.iter().map(|r| r.number).collect();
                    found(
                        CONFIRMED_ONCE,
                        ask.number,
                        format!("stored {} times: {numbers:?}", numbers.len()),
                    );
                    continue;
                }
            };
            let number = request.number;
            if let Some(confirmed) = ask.number.filter(|n| *n != number) {
                found(CONFIRMED_ONCE, Some(number), format!("confirmed as number {confirmed}"));
            }
            let entries: Vec<&LogEntry> = log.iter().filter(|e| e.number == number).collect();
            for (invariant, detail) in self.check_request(world, ask, request, &entries) {
                found(invariant, Some(number), detail);
            }
        }
        Ok(violations)
    }

    /// The invariants of one request.
    fn check_request(
        &self,
        world: &World,
        ask: &Ask,
        request: &Request,
        log: &[&LogEntry],
    ) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        let number = request.number;
        let requester = &self.residents[ask.requester];

        // Confirmed once: what the requester saw of the bot.
        let confirmations = requester
            .seen()
            .iter()
            .filter(|m| {
                m.sender == world.bot_id
                    && world.texts.is_about(Lang::Fr, Key::RequestConfirmed, m.text(), number)
            })
            .count();
        if confirmations != 1 {
            found
                .push((CONFIRMED_ONCE, format!("the requester saw {confirmations} confirmations")));
        }

        // The log: what the acknowledged steps imply, plus the pending step or not.
        let outcomes: Vec<(Outcome, String)> =
            log.iter().map(|e| (e.outcome, e.actor.clone())).collect();
        let expected = self.expected_log(ask, &ask.steps);
        let with_pending = ask.pending.as_ref().map(|pending| {
            let mut steps = ask.steps.clone();
            steps.push(pending.step.clone());
            self.expected_log(ask, &steps)
        });
        let matches = |expected: &[(Outcome, Option<String>)]| {
            expected.len() == outcomes.len()
                && expected.iter().zip(&outcomes).all(|((outcome, actor), (found, by))| {
                    outcome == found && actor.as_ref().is_none_or(|actor| actor == by)
                })
        };
        // `None` when the log fits neither: the state cannot be checked against it then.
        let steps = match &with_pending {
            Some(with_pending) if matches(with_pending) => {
                let mut steps = ask.steps.clone();
                steps.extend(ask.pending.as_ref().map(|p| p.step.clone()));
                Some(steps)
            }
            _ if matches(&expected) => Some(ask.steps.clone()),
            _ => {
                let mut detail = format!(
                    "found {:?}, expected {:?}",
                    short(&outcomes),
                    short_expected(&expected)
                );
                if let Some(with_pending) = &with_pending {
                    let _ = write!(
                        detail,
                        " or, with the unacknowledged step, {:?}",
                        short_expected(with_pending)
                    );
                }
                found.push((LOG_COMPLETE, detail));
                None
            }
        };
        if let Some(steps) = &steps {
            let phase = Ask::phase_after(steps);
            let state_fits = match (&request.state, phase) {
                (State::Open, Phase::Open) | (State::Done { .. }, Phase::Done) => true,
                (State::Cancelled { .. }, Phase::Cancelled) => true,
                (State::Claimed { volunteer, .. }, Phase::Claimed(v)) => {
                    *volunteer == self.volunteers[v].user_id.as_str()
                }
                _ => false,
            };
            if !state_fits {
                found.push((
                    LOG_COMPLETE,
                    format!("stored state {:?} after the steps done ({phase:?})", request.state),
                ));
            }
        }

        // Live relays, in the first volunteer's view; the store's state decides.
        let live = live_relays(world, &self.volunteers[0], number);
        let all = world.relays_seen(&self.volunteers[0], number).len();
        let want = usize::from(request.state == State::Open);
        if live.len() != want {
            let live: Vec<&OwnedEventId> = live.iter().map(|m| &m.event_id).collect();
            found.push((
                ONE_LIVE_RELAY,
                format!(
                    "{} live relay(s) {live:?} of {all} for a request {:?}; the stored relay is {:?}",
                    live.len(),
                    request.state,
                    request.relay_event
                ),
            ));
        } else if let (Some(relay), Some(stored)) = (live.first(), &request.relay_event)
            && relay.event_id.as_str() != stored
        {
            found.push((
                ONE_LIVE_RELAY,
                format!("the live relay {} is not the stored {stored}", relay.event_id),
            ));
        }

        // Private rooms: one per claim in the log, known to the claimer and the requester.
        let claims: Vec<&str> = log
            .iter()
            .filter(|e| e.outcome == Outcome::Claimed)
            .map(|e| e.actor.as_str())
            .collect();
        let requester_rooms = self.rooms.of(&requester.user_id, number);
        if requester_rooms.len() != claims.len() {
            found.push((
                ROOM_PER_CLAIM,
                format!(
                    "{} claim(s), the requester was invited to {} room(s): {requester_rooms:?}",
                    claims.len(),
                    requester_rooms.len()
                ),
            ));
        }
        for volunteer in &self.volunteers {
            let theirs = claims.iter().filter(|c| **c == volunteer.user_id.as_str()).count();
            let rooms = self.rooms.of(&volunteer.user_id, number);
            let shared = rooms.intersection(&requester_rooms).count();
            if rooms.len() != theirs || shared != theirs {
                found.push((
                    ROOM_PER_CLAIM,
                    format!(
                        "{} claimed {theirs} time(s), was invited to {} room(s) ({shared} with the requester): {rooms:?}",
                        volunteer.user_id,
                        rooms.len()
                    ),
                ));
            }
        }

        // Answers: each command the bot handled was answered once.
        for step in steps.as_ref().unwrap_or(&ask.steps) {
            let (person, event, thread, key) = match step {
                Step::Claim { volunteer, event, reacted_to } => {
                    (&self.volunteers[*volunteer], event, reacted_to.as_ref(), Key::ClaimWon)
                }
                Step::Release { volunteer, event } => {
                    (&self.volunteers[*volunteer], event, None, Key::Released)
                }
                Step::Done { volunteer, event } => {
                    (&self.volunteers[*volunteer], event, None, Key::DoneAck)
                }
                Step::Cancel { event } => (requester, event, None, Key::CancelledAck),
            };
            let answers = person
                .seen()
                .iter()
                .filter(|m| {
                    m.sender == world.bot_id
                        && world.texts.is_about(Lang::Fr, key, m.text(), number)
                        && match thread {
                            // A ✋ is answered in the relay's thread, not as a reply.
                            Some(relay) => m.thread_root.as_ref() == Some(relay),
                            None => m.in_reply_to.as_ref() == Some(event),
                        }
                })
                .count();
            if answers != 1 {
                found.push((ANSWERED_ONCE, format!("{key:?} to {event} seen {answers} times")));
            }
        }
        found
    }

    /// The log `steps` make: outcomes, with the actor where the test knows it.
    fn expected_log(&self, ask: &Ask, steps: &[Step]) -> Vec<(Outcome, Option<String>)> {
        let volunteer = |v: &usize| Some(self.volunteers[*v].user_id.to_string());
        let mut log = vec![
            (Outcome::Created, Some(self.residents[ask.requester].user_id.to_string())),
            (Outcome::Relayed, None),
        ];
        for step in steps {
            match step {
                Step::Claim { volunteer: v, .. } => {
                    log.push((Outcome::Claimed, volunteer(v)));
                    log.push((Outcome::PrivateRoomCreated, None));
                }
                Step::Release { volunteer: v, .. } => {
                    log.push((Outcome::Released, volunteer(v)));
                    log.push((Outcome::Relayed, None));
                }
                Step::Done { volunteer: v, .. } => log.push((Outcome::Done, volunteer(v))),
                Step::Cancel { .. } => log.push((
                    Outcome::Cancelled,
                    Some(self.residents[ask.requester].user_id.to_string()),
                )),
            }
        }
        log
    }
}

fn short(outcomes: &[(Outcome, String)]) -> Vec<Outcome> {
    outcomes.iter().map(|(outcome, _)| *outcome).collect()
}

fn short_expected(outcomes: &[(Outcome, Option<String>)]) -> Vec<Outcome> {
    outcomes.iter().map(|(outcome, _)| *outcome).collect()
}

/// The failure message: every violation, then for each request at fault what the bot
/// logged about it, among the harness's start and kill markers.
fn report(process: &BotProcess, seed: u64, cycles: u64, violations: &[Violation]) -> String {
    let mut text = format!(
        "crash loop (ENTRAIDE_CRASH_SEED={seed} ENTRAIDE_CRASH_CYCLES={cycles}): \
         {} invariant violation(s)",
        violations.len()
    );
    for v in violations {
        let number = v.number.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let _ = write!(text, "\n- [{}] request {number} (ask {}): {}", v.invariant, v.k, v.detail);
    }
    let log = process.log();
    let kept = std::env::temp_dir().join(format!("entraide-crash-{seed}.log"));
    let _ = write!(text, "\nthe bot's whole log: {}", kept.display());
    let faulty: BTreeSet<(usize, Option<u64>)> =
        violations.iter().map(|v| (v.k, v.number)).collect();
    for (k, number) in faulty {
        // The harness's markers name the ask; the bot's lines name the request.
        let ask = [format!("ask {k}:"), format!("ask {k} (")];
        let names_ask = |line: &str| ask.iter().any(|ask| line.contains(ask.as_str()));
        let tag = number.map(|number| format!("request={number}"));
        let about = |line: &str| {
            tag.as_ref().is_some_and(|tag| {
                line.match_indices(tag.as_str()).any(|(at, _)| {
                    !line[at + tag.len()..].starts_with(|c: char| c.is_ascii_digit())
                })
            })
        };
        let lines: Vec<&str> = log
            .lines()
            .filter(|line| {
                if line.starts_with(MARKER) {
                    names_ask(line) || line.contains("kill") || line.contains("start #")
                } else {
                    about(line)
                }
            })
            .collect();
        // Markers after the last line about the request tell nothing about it.
        let last = lines.iter().rposition(|line| !line.starts_with(MARKER) || names_ask(line));
        let lines = &lines[..last.map_or(0, |last| last + 1)];
        let from = lines.len().saturating_sub(40);
        let number = number.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let _ = write!(text, "\n--- the bot's log about ask {k} (request {number}) ---");
        for line in &lines[from..] {
            let _ = write!(text, "\n{line}");
        }
    }
    text
}

/// How the harness's lines in the bot's log start.
const MARKER: &str = "=== entraide-tests:";

/// SplitMix64: a small, fast, seeded generator whose sequence never changes with a
/// dependency's version, so that a seed replays the same choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True `percent` times in a hundred.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
