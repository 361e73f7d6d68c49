//! Measures the bot's latency against a raw client-to-client hop on a local Synapse, in
//! one run, and prints a table of medians and ratios (issue 6's targets: relay ≤ 2.05×
//! the raw hop, claim → both invited ≤ 4×). A benchmark, not a test: it asserts nothing.

// A benchmark's job is to print its table.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use clap::Parser;
use entraide_commands::{Key, Lang};
use entraide_tests::{
    Person, Seen,
    world::{WAIT, World},
};
use matrix_sdk::ruma::RoomId;

#[derive(Debug, Parser)]
#[command(about = "Latency of entraide against a raw client-to-client hop")]
struct Args {
    /// Samples per measure.
    #[arg(long, default_value_t = 15)]
    samples: usize,
}

/// How often a measure looks for what it waits for.
const POLL: Duration = Duration::from_millis(1);

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let alice = world.volunteer("alice").await?;
    let bruno = world.volunteer("bruno").await?;
    // A second resident in the plain neighbourhood room, for the plain raw hop.
    let neighbour = world.resident("voisin").await?;

    let mut plain = Vec::new();
    let mut encrypted = Vec::new();
    let mut relay = Vec::new();
    let mut claim = Vec::new();
    for i in 0..args.samples {
        plain.push(hop(&family, &neighbour, &world.neighbourhood, i).await?);
        encrypted.push(hop(&alice, &bruno, &world.volunteers_room, i).await?);
        let (took, number) = relayed(&world, &family, &alice, i).await?;
        relay.push(took);
        claim.push(claimed(&world, &family, &alice, number).await?);
    }

    let (plain, encrypted) = (median(&mut plain), median(&mut encrypted));
    let (relay, claim) = (median(&mut relay), median(&mut claim));
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let ratio = |a: Duration, b: Duration| format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64());
    println!(
        "entraide latency, {} samples each, medians (debug build, local Synapse)",
        args.samples
    );
    println!();
    println!("| measure | p50 | × plain hop | × encrypted hop | target |");
    println!("|---|---|---|---|---|");
    println!("| raw hop, plain room | {} | 1.00× | | |", ms(plain));
    println!(
        "| raw hop, encrypted room | {} | {} | 1.00× | |",
        ms(encrypted),
        ratio(encrypted, plain)
    );
    println!(
        "| relay: `!demande` (plain room) → relay seen (encrypted room) | {} | {} | {} | ≤ 2.05× |",
        ms(relay),
        ratio(relay, plain),
        ratio(relay, encrypted)
    );
    println!(
        "| claim: ✋ → volunteer and requester invited | {} | {} | {} | ≤ 4× |",
        ms(claim),
        ratio(claim, plain),
        ratio(claim, encrypted)
    );
    Ok(())
}

/// Time from `from` sending a message in `room` until `to` sees it.
async fn hop(from: &Person, to: &Person, room: &RoomId, i: usize) -> Result<Duration> {
    let text = format!("bonjour {i} {}", entraide_tests::unique_suffix());
    let start = Instant::now();
    from.send_text(room, &text).await?;
    until(to, |m| m.body == text).await?;
    Ok(start.elapsed())
}

/// Time from `family` posting a request until `volunteer` sees its relay.
async fn relayed(
    world: &World,
    family: &Person,
    volunteer: &Person,
    i: usize,
) -> Result<(Duration, u64)> {
    let text = format!("!demande courses {i} {}", entraide_tests::unique_suffix());
    let start = Instant::now();
    family.send_text(&world.neighbourhood, &text).await?;
    let body = text.trim_start_matches("!demande ").to_owned();
    let relay = until(volunteer, |m| {
        world.texts.is_with(Lang::Fr, Key::Relay, &m.body, "text", &body) && m.replaces.is_none()
    })
    .await?;
    let took = start.elapsed();
    Ok((took, world.texts.number(Lang::Fr, Key::Relay, &relay.body)?))
}

/// Time from `volunteer` reacting ✋ to the relay of `number` until both they and
/// `family` are invited to its private room.
async fn claimed(
    world: &World,
    family: &Person,
    volunteer: &Person,
    number: u64,
) -> Result<Duration> {
    let relay = world.relay(volunteer, number).await?;
    let name = world.texts.text(Lang::Fr, Key::PrivateRoomName, &[("number", &number.to_string())]);
    let start = Instant::now();
    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    let invited = |person: &Person| {
        person.client.invited_rooms().iter().any(|r| r.name().as_deref() == Some(name.as_str()))
    };
    let deadline = start + WAIT;
    while !(invited(volunteer) && invited(family)) {
        if Instant::now() > deadline {
            bail!("request {number}: nobody invited in {WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(start.elapsed())
}

/// The first message `person` sees that matches `pred`, polled every millisecond.
async fn until(person: &Person, pred: impl Fn(&Seen) -> bool) -> Result<Seen> {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(found) = person.seen().into_iter().find(|m| pred(m)) {
            return Ok(found);
        }
        if Instant::now() > deadline {
            return Err(anyhow::anyhow!("waited {WAIT:?}")).context("a message never came");
        }
        tokio::time::sleep(POLL).await;
    }
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
