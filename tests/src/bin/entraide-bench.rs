//! Measures the bot against a raw client-to-client hop on a local Synapse, in one run,
//! and prints tables: its relay beside the simplest peer's, a minimal matrix-nio relay
//! bot timed by the same clients (issue 21, see `tests/bench/relay.rs`); latency medians
//! and ratios (issue 6's targets: relay ≤ 2.05× the
//! raw hop, from a plain and from an encrypted neighbourhood room, claim → both invited
//! ≤ 4×), the throughput of a burst of requests (target
//! ≥ 20 requests/s), and the bot's peak memory with a large store. A benchmark, not a
//! test: it asserts nothing.
//!
//! The memory is measured in a child process, this binary run again with
//! `--memory-child <dir>`, which runs only the bot on a store seeded beforehand, so that
//! the benchmark's own Matrix clients do not count.

// A benchmark's job is to print its table.
#![allow(clippy::print_stdout)]

// Beside this file's directory of binaries, so that Cargo does not take them for ones.
#[path = "../../bench/crisis.rs"]
mod crisis;
#[path = "../../bench/nio.rs"]
mod nio;
#[path = "../../bench/relay.rs"]
mod relay;

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context as _, Result, bail};
use clap::{Parser, ValueEnum};
use entraide::Config;
use entraide_commands::{Key, Lang, VolunteerStatus};
use entraide_storage::{Assigned, NewRequest, Store};
use entraide_tests::{
    Person, Seen,
    bot::PASSWORD,
    bot::RunningBot,
    world::{WAIT, World, first_line},
};
use futures_util::future::try_join_all;
use matrix_sdk::ruma::{OwnedRoomId, RoomId};
use tokio::process::Child;

#[derive(Debug, Parser)]
#[command(about = "Latency, throughput and memory of entraide against a raw client-to-client hop")]
struct Args {
    /// Samples per latency measure.
    #[arg(long, default_value_t = 15)]
    samples: usize,
    /// Residents posting at once in the burst.
    #[arg(long, default_value_t = 10)]
    burst_residents: usize,
    /// Requests each of them posts in the burst.
    #[arg(long, default_value_t = 20)]
    burst_each: usize,
    /// Requests in the store of the bot whose memory is measured.
    #[arg(long, default_value_t = 10_000)]
    memory_requests: u64,
    /// Vetted volunteers in that store.
    #[arg(long, default_value_t = 500)]
    memory_volunteers: usize,
    /// Residents posting at once under Synapse's default rate limits.
    #[arg(long, default_value_t = 10)]
    rush_residents: usize,
    /// People on the register of the campaign.
    #[arg(long, default_value_t = 10_000)]
    campaign_people: usize,
    /// Sworn callers of the campaign.
    #[arg(long, default_value_t = 50)]
    campaign_callers: usize,
    /// Run only these parts (repeatable; all of them by default).
    #[arg(long, value_enum)]
    only: Vec<Part>,
    /// Pause before each spaced request of the relay comparison, once the bot owes
    /// nothing more, in milliseconds.
    #[arg(long, default_value_t = 500)]
    spacing_ms: u64,
    /// The Python of the venv with matrix-nio, for the peer bot (by default,
    /// `scripts/bench/install-nio.sh` makes it, or finds it made).
    #[arg(long)]
    nio_python: Option<PathBuf>,
    /// Internal: run only the bot configured in this directory, until stdin closes.
    #[arg(long, hide = true)]
    memory_child: Option<PathBuf>,
}

/// The parts of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Part {
    /// The relay beside the nio peer's, spaced and back to back, and a first request.
    Relay,
    /// The latency table: raw hops, relays from a plain and an encrypted room, claim.
    Paths,
    /// The two bursts of requests.
    Burst,
    /// The bot's peak memory with a large store.
    Memory,
    /// Residents posting at once under Synapse's default rate limits.
    Defaults,
    /// A campaign over a large register.
    Campaign,
}

/// How often a latency measure looks for what it waits for.
const POLL: Duration = Duration::from_millis(1);

/// How long a latency measure waits, once the bot owes nothing more, for the syncs its
/// last messages woke to come back.
const SETTLE: Duration = Duration::from_millis(300);

/// How often the burst counts relays: each look copies everything the volunteer saw.
const BURST_POLL: Duration = Duration::from_millis(10);

/// How long the burst may take before the benchmark reports it incomplete.
const BURST_WAIT: Duration = Duration::from_secs(300);

/// Requests the memory bot must relay before its memory is read (it serves).
const MEMORY_PROBES: usize = 2;

/// The memory bot's configuration file, in its data directory.
const MEMORY_CONFIG: &str = "entraide.toml";

/// The build profile, for the table's header.
const PROFILE: &str = if cfg!(debug_assertions) { "debug" } else { "release" };

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(dir) = &args.memory_child {
        return memory_child(dir).await;
    }
    // Logs (by `RUST_LOG`, off by default) go to stderr, apart from the table: with
    // timestamps, they show where a path's time goes.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
    let started = Instant::now();
    let wanted = |part| args.only.is_empty() || args.only.contains(&part);
    let mut world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let alice = world.volunteer("alice").await?;
    // An encrypted neighbourhood room too (Element encrypts new private rooms): a relay
    // from there crosses two encrypted hops, the raw encrypted hop's kind.
    let sealed = sealed_neighbourhood(&world, &family).await?;

    // First, on a homeserver that has seen little else yet.
    if wanted(Part::Relay) {
        let python = nio::python(args.nio_python.as_deref()).await?;
        let spacing = Duration::from_millis(args.spacing_ms);
        let comparison =
            relay::compare(&world, &family, &alice, &sealed, &python, args.samples, spacing)
                .await?;
        relay::print(&comparison, args.samples, PROFILE);
        println!();
    }
    // On a homeserver of its own, with Synapse's default rate limits.
    let defaults = if wanted(Part::Defaults) {
        Some(crisis::defaults(args.rush_residents).await?)
    } else {
        None
    };
    let later = [Part::Paths, Part::Burst, Part::Memory, Part::Campaign];
    if !later.into_iter().any(wanted) {
        if defaults.is_some() {
            table_header(0, started);
            crisis::rows(defaults.as_ref(), None);
        }
        println!("Run took {:.0} s.", started.elapsed().as_secs_f64());
        return Ok(());
    }

    let bruno = world.volunteer("bruno").await?;
    // A second resident in the plain neighbourhood room, for the plain raw hop.
    let neighbour = world.resident("voisin").await?;
    let mut plain = Vec::new();
    let mut encrypted = Vec::new();
    let mut relay = Vec::new();
    let mut sealed_relay = Vec::new();
    let mut claim = Vec::new();
    let path_samples = if wanted(Part::Paths) { args.samples } else { 0 };
    for i in 0..path_samples {
        settle(&world).await?;
        plain.push(hop(&family, &neighbour, &world.neighbourhood, i).await?);
        settle(&world).await?;
        encrypted.push(hop(&alice, &bruno, &world.volunteers_room, i).await?);
        settle(&world).await?;
        let (took, number) = relayed(&world, &family, &alice, &world.neighbourhood, i).await?;
        relay.push(took);
        settle(&world).await?;
        claim.push(claimed(&world, &family, &alice, number).await?);
        settle(&world).await?;
        let (took, _) = relayed(&world, &family, &alice, &sealed, i).await?;
        sealed_relay.push(took);
    }

    let bursts = if wanted(Part::Burst) {
        let extra = args.burst_residents.saturating_sub(2);
        let mut residents = try_join_all((0..extra).map(|i| {
            let world = &world;
            async move { world.resident(&format!("habitant{i}")).await }
        }))
        .await?;
        residents.extend([family, neighbour]);
        let residents = &residents[..args.burst_residents.min(residents.len())];
        let burst = burst(&world, residents, &bruno, args.burst_each).await?;
        let held = burst_held(&mut world, residents, &bruno, args.burst_each).await?;
        let memory = if wanted(Part::Memory) {
            let resident = residents.first().context("no resident")?;
            Some(memory(&world, resident, &alice, &args).await?)
        } else {
            None
        };
        (Some((burst, held)), memory)
    } else {
        let memory = if wanted(Part::Memory) {
            Some(memory(&world, &family, &alice, &args).await?)
        } else {
            None
        };
        (None, memory)
    };
    let (bursts, memory) = bursts;
    // Last: its register stays in the store.
    let campaign = if wanted(Part::Campaign) {
        Some(crisis::campaign(&world, args.campaign_people, args.campaign_callers).await?)
    } else {
        None
    };

    table_header(path_samples, started);
    if wanted(Part::Paths) {
        let (plain, encrypted) = (median(&plain), median(&encrypted));
        let (relay, claim) = (median(&relay), median(&claim));
        let sealed_relay = median(&sealed_relay);
        println!("| raw hop, plain room | p50 {} | 1.00× | | |", ms(plain));
        println!(
            "| raw hop, encrypted room | p50 {} | {} | 1.00× | |",
            ms(encrypted),
            ratio(encrypted, plain)
        );
        println!(
            "| relay: `!demande` (plain room) → relay seen (encrypted room) | p50 {} | {} | {} | ≤ 2.05× |",
            ms(relay),
            ratio(relay, plain),
            ratio(relay, encrypted)
        );
        println!(
            "| relay: `!demande` (encrypted room) → relay seen (encrypted room) | p50 {} | {} | {} | ≤ 2.05× |",
            ms(sealed_relay),
            ratio(sealed_relay, plain),
            ratio(sealed_relay, encrypted)
        );
        println!(
            "| claim: ✋ → volunteer and requester invited | p50 {} | {} | {} | ≤ 4× |",
            ms(claim),
            ratio(claim, plain),
            ratio(claim, encrypted)
        );
    }
    if let Some((burst, held)) = &bursts {
        println!(
            "| burst: {} `!demande` from {} residents at once → all relays seen | {} | | | ≥ 20 requests/s |",
            burst.posted,
            args.burst_residents,
            burst.result()
        );
        println!(
            "| burst, bot's own pace: {} `!demande` posted while it was stopped → all relays seen after its start | {} | | | ≥ 20 requests/s |",
            held.posted,
            held.result()
        );
    }
    if let Some(memory) = &memory {
        println!(
            "| memory: bot's peak RSS (VmHWM), {} requests, {} vetted volunteers, {} registered in a campaign of {} callers in its store | {:.1} MiB | | | |",
            args.memory_requests,
            args.memory_volunteers,
            args.campaign_people,
            args.campaign_callers,
            mib(memory.peak_kib)
        );
    }
    if let Some(backup) = memory.as_ref().and_then(|memory| memory.backup.as_ref()) {
        println!(
            "| backup: `entraide sauvegarder` of the running bot, {} requests, sealed (its decisions held {}) | {} | | | |",
            backup.requests,
            secs(backup.held),
            secs(backup.made_in),
        );
    }
    crisis::rows(defaults.as_ref(), campaign.as_ref());
    println!();
    crisis::notes(campaign.as_ref());
    if let Some((burst, _)) = &bursts {
        println!(
            "Burst: every post sent after {}; first relay seen after {}, last after {}.",
            secs(burst.posts_sent),
            burst.first_relay.map_or_else(|| "never".to_owned(), secs),
            burst.last_relay.map_or_else(|| "never".to_owned(), secs),
        );
    }
    if let Some(memory) = &memory {
        println!(
            "Memory: store seeded in {} ({} open, {} claimed, {} done); the bot relayed {} \
             requests with it in {}; resident memory when read {:.1} MiB.",
            secs(memory.seeded_in),
            memory.mix.open,
            memory.mix.claimed,
            memory.mix.done,
            MEMORY_PROBES,
            memory.probes.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", "),
            mib(memory.rss_kib)
        );
        if let Some(backup) = &memory.backup {
            println!(
                "Backup: {:.1} MiB sealed for a data directory of {:.1} MiB (store and Matrix \
                 stores); restored into an empty data directory in {}. The bot's peak RSS \
                 once it has made and sent the archive: {:.1} MiB ({:.1} MiB before).",
                mib(backup.size / 1024),
                mib(backup.data_size / 1024),
                secs(backup.restored_in),
                mib(backup.bot_peak_kib),
                mib(memory.peak_kib),
            );
        }
    }
    Ok(())
}

/// The table's title and header.
fn table_header(path_samples: usize, started: Instant) {
    println!(
        "entraide benchmark ({PROFILE} build, local Synapse): latencies are medians of {} \
         samples; run took {:.0} s",
        path_samples,
        started.elapsed().as_secs_f64()
    );
    println!();
    println!("| measure | result | × plain hop | × encrypted hop | target |");
    println!("|---|---|---|---|---|");
}

/// Waits until the bot has carried out everything it owes (a claim's intro and relay
/// edit go on after the claim is measured) and has made its spare rooms again, then a little more for every client's sync
/// to come back: each latency is measured on a quiet homeserver, the raw hops as the
/// bot's paths.
async fn settle(world: &World) -> Result<()> {
    settle_for(world, SETTLE).await
}

/// [`settle`], then `pause` rather than [`SETTLE`].
async fn settle_for(world: &World, pause: Duration) -> Result<()> {
    let bot = world.bot.as_ref().context("the bot")?;
    let deadline = Instant::now() + WAIT;
    while !bot.store.pending_effects()?.is_empty()
        || bot.store.free_spares()? < bot.config.spare_rooms
    {
        if Instant::now() > deadline {
            bail!("the bot still owes effects after {WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
    tokio::time::sleep(pause).await;
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
}

#[expect(clippy::cast_precision_loss, reason = "a few GiB at most, printed to 0.1 MiB")]
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// What the burst measured.
#[derive(Debug)]
struct Burst {
    /// Requests posted.
    posted: usize,
    /// Distinct relays of them the volunteer saw.
    relayed: usize,
    /// From the first post until the last one was sent (the server answered).
    posts_sent: Duration,
    /// From the first post until the first relay was seen.
    first_relay: Option<Duration>,
    /// From the first post until the last relay was seen.
    last_relay: Option<Duration>,
}

impl Burst {
    /// The table's cell: the rate, or how far it got.
    fn result(&self) -> String {
        match self.last_relay {
            Some(took) if self.relayed == self.posted => {
                #[expect(clippy::cast_precision_loss, reason = "a few hundred requests")]
                let rate = self.posted as f64 / took.as_secs_f64();
                format!("{rate:.1} requests/s ({} in {})", self.posted, secs(took))
            }
            _ => format!(
                "incomplete: {} of {} relays in {}",
                self.relayed,
                self.posted,
                secs(BURST_WAIT)
            ),
        }
    }
}

/// Every resident posts `each` requests in the neighbourhood room, one after the other,
/// all residents at once; measures from the first post until `volunteer` has seen a
/// relay of each.
async fn burst(
    world: &World,
    residents: &[Person],
    volunteer: &Person,
    each: usize,
) -> Result<Burst> {
    let tag = format!("rafale {}", entraide_tests::unique_suffix());
    let posted = residents.len() * each;
    // Only what comes after the burst starts can be one of its relays.
    let before = volunteer.seen().len();
    let start = Instant::now();
    let posting = try_join_all(residents.iter().enumerate().map(|(r, resident)| {
        let tag = &tag;
        async move {
            for k in 0..each {
                // Letters, not digits: "0-1" would be read as a date.
                let text = format!("!demande courses {tag} r{r}k{k}");
                resident.send_text(&world.neighbourhood, &text).await?;
            }
            anyhow::Ok(start.elapsed())
        }
    }));
    let watching = watch_relays(world, volunteer, &tag, posted, before, start);
    let (sent, (relayed, first_relay, last_relay)) = tokio::join!(posting, watching);
    let posts_sent = sent?.into_iter().max().unwrap_or_default();
    Ok(Burst { posted, relayed, posts_sent, first_relay, last_relay })
}

/// The same burst posted while the bot is stopped, then the bot started: measures from
/// its start until `volunteer` has seen a relay of each, so that the homeserver's pace
/// at taking the posts (on this machine, slower than the bot) is left out.
async fn burst_held(
    world: &mut World,
    residents: &[Person],
    volunteer: &Person,
    each: usize,
) -> Result<Burst> {
    let bot = world.bot.take().context("the bot")?;
    let (config, store, clock) = (bot.config.clone(), bot.store.clone(), bot.clock.clone());
    bot.stop().await?;
    let tag = format!("attente {}", entraide_tests::unique_suffix());
    let posted = residents.len() * each;
    let posting_started = Instant::now();
    let world_ref = &*world;
    try_join_all(residents.iter().enumerate().map(|(r, resident)| {
        let tag = &tag;
        async move {
            for k in 0..each {
                let text = format!("!demande courses {tag} r{r}k{k}");
                resident.send_text(&world_ref.neighbourhood, &text).await?;
            }
            anyhow::Ok(())
        }
    }))
    .await?;
    let posts_sent = posting_started.elapsed();
    let before = volunteer.seen().len();
    let start = Instant::now();
    world.bot = Some(RunningBot::start_by(config, store, clock));
    let (relayed, first_relay, last_relay) =
        watch_relays(world, volunteer, &tag, posted, before, start).await;
    Ok(Burst { posted, relayed, posts_sent, first_relay, last_relay })
}

/// Watches `volunteer`'s messages after the first `before` until the relays of `posted`
/// requests tagged `tag` are seen (or [`BURST_WAIT`]); returns how many were seen, and
/// when (since `start`) the first and the last came.
async fn watch_relays(
    world: &World,
    volunteer: &Person,
    tag: &str,
    posted: usize,
    before: usize,
    start: Instant,
) -> (usize, Option<Duration>, Option<Duration>) {
    let mut relays = HashSet::new();
    let mut first_relay = None;
    while relays.len() < posted && start.elapsed() < BURST_WAIT {
        for m in volunteer.seen().iter().skip(before) {
            if m.room_id != world.volunteers_room || m.replaces.is_some() {
                continue;
            }
            let Some(args) = world.texts.args(Lang::Fr, Key::Relay, &m.body) else {
                continue;
            };
            if let Some(text) = args.get("text").filter(|t| t.contains(tag)) {
                first_relay.get_or_insert_with(|| start.elapsed());
                relays.insert(text.clone());
            }
        }
        tokio::time::sleep(BURST_POLL).await;
    }
    let last_relay = (relays.len() == posted).then(|| start.elapsed());
    (relays.len(), first_relay, last_relay)
}

/// What the memory measure found.
#[derive(Debug)]
struct Memory {
    /// The bot process's peak resident memory (VmHWM), in KiB.
    peak_kib: u64,
    /// Its resident memory (VmRSS) when read, in KiB.
    rss_kib: u64,
    /// How long seeding the store took.
    seeded_in: Duration,
    /// What the store held.
    mix: Mix,
    /// Each probe request's time from post to relay seen.
    probes: Vec<Duration>,
    /// The backup of its store.
    backup: Option<Backup>,
}

/// How many seeded requests are in which state.
#[derive(Debug, Default)]
struct Mix {
    open: u64,
    claimed: u64,
    done: u64,
}

/// A second bot, with its own account and a store seeded with `args.memory_requests`
/// requests and `args.memory_volunteers` vetted volunteers, runs alone in a child
/// process on `world`'s Synapse; once it has relayed requests from `resident` to
/// `volunteer`, its peak resident memory is read and it is stopped.
async fn memory(
    world: &World,
    resident: &Person,
    volunteer: &Person,
    args: &Args,
) -> Result<Memory> {
    let data = tempfile::Builder::new().prefix("entraide-bench-memory-").tempdir()?;
    let localpart = format!("entraide_mem_{}", entraide_tests::unique_suffix());
    world.synapse.register(&localpart, PASSWORD).await?;
    let config_path = data.path().join(MEMORY_CONFIG);
    std::fs::write(&config_path, memory_config(world, &localpart, data.path())?)?;
    std::fs::write(data.path().join("passphrase"), "entraide-bench-store")?;
    let config = Config::load(&config_path)?;
    let bot_id = config.user_id.clone();

    let seeding = Instant::now();
    let mix = {
        // Closed again before the child opens it: sled allows one opening at a time.
        let store = entraide::open_store(&config)?;
        let mix = seed(&store, args.memory_requests, args.memory_volunteers).await?;
        seed_campaign(&store, args.campaign_people, args.campaign_callers).await?;
        store.flush().await?;
        mix
    };
    let seeded_in = seeding.elapsed();

    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .arg("--memory-child")
        .arg(data.path())
        // Its stdin is its lifeline (see `memory_child`); its logs (`RUST_LOG`) would go
        // to stdout, in the middle of the table.
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting the memory bot")?;
    let pid = child.id().context("the memory bot has no pid")?;

    let served = serve_probes(world, resident, volunteer, &bot_id).await;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"));
    // The backup of this store, asked of the running bot as `entraide sauvegarder` does,
    // then restored elsewhere as `entraide restaurer` does.
    let backup = match served {
        Ok(_) => Some(backup(&config, pid).await),
        Err(_) => None,
    };
    stop(&mut child).await;
    let probes = served?;
    let status = status.context("reading the memory bot's /proc status")?;
    Ok(Memory {
        peak_kib: status_kib(&status, "VmHWM")?,
        rss_kib: status_kib(&status, "VmRSS")?,
        seeded_in,
        mix,
        probes,
        backup: backup.transpose()?,
    })
}

/// What the backup of the memory bot's store measured.
#[derive(Debug)]
struct Backup {
    /// How long the bot held its decisions to copy its store.
    held: Duration,
    /// From asking the running bot until the sealed archive was written.
    made_in: Duration,
    /// The archive's size, in bytes.
    size: u64,
    /// The data directory's size, in bytes (store and Matrix stores).
    data_size: u64,
    /// From reading the archive until it was restored into an empty data directory.
    restored_in: Duration,
    /// The requests the restored store holds.
    requests: usize,
    /// The bot process's peak resident memory (VmHWM) once it has made and sent the
    /// archive, in KiB.
    bot_peak_kib: u64,
}

/// Backs up the running bot configured by `config`, whose process is `pid`, sealed with
/// its passphrase, then restores the archive elsewhere.
async fn backup(config: &Config, pid: u32) -> Result<Backup> {
    let folder = tempfile::Builder::new().prefix("entraide-bench-backup-").tempdir()?;
    let archive = folder.path().join("entraide.sauvegarde");
    let started = Instant::now();
    let saved = entraide::backup::save(config, &archive).await?;
    let made_in = started.elapsed();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("reading the memory bot's /proc status after its backup")?;
    let bot_peak_kib = status_kib(&status, "VmHWM")?;
    let held = saved.held.context("a backup of the running bot")?;
    anyhow::ensure!(saved.sealed, "a sealed backup");
    let started = Instant::now();
    let passphrase = config.store_passphrase.as_ref().map(entraide::config::Password::expose);
    let user_id = config.user_id.as_str();
    let restored =
        entraide::backup::restore(&archive, passphrase, user_id, &folder.path().join("restauree"))?;
    Ok(Backup {
        held,
        made_in,
        size: saved.size,
        data_size: dir_size(&config.data_dir)?,
        restored_in: started.elapsed(),
        requests: restored.requests,
        bot_peak_kib,
    })
}

/// The size of the files under `dir`, in bytes.
fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() { dir_size(&entry.path())? } else { meta.len() };
    }
    Ok(total)
}

/// The memory bot's configuration: `world`'s coordinator, no rooms configured (it
/// creates its own), its data in `data_dir`.
fn memory_config(world: &World, localpart: &str, data_dir: &Path) -> Result<String> {
    let data_dir = data_dir.to_str().context("the temporary directory is not UTF-8")?;
    Ok(format!(
        "homeserver = {:?}\nuser_id = {:?}\npassword = {PASSWORD:?}\ndata_dir = {data_dir:?}\n\
         store_passphrase_file = \"passphrase\"\ncoordinators = [{:?}]\n\n[community]\nname = {:?}\nlanguage = \"fr\"\n",
        world.synapse.url(),
        world.synapse.user_id(localpart),
        world.coordinator.user_id.as_str(),
        entraide_tests::world::COMMUNITY,
    ))
}

/// Fills `store` as years of use would: `requests` requests, a tenth open (relayed), a
/// tenth claimed (with a private room), the rest done, and `volunteers` vetted people.
async fn seed(store: &Store, requests: u64, volunteers: usize) -> Result<Mix> {
    // One transition at a time: sled 0.34's `flush_async`, which every transition awaits,
    // can hang for good when several are polled at once (spacejam/sled#1241).
    let coordinator = "@agent.ccas:localhost";
    for v in 0..volunteers {
        let user = format!("@benevole{v}:localhost");
        let status = VolunteerStatus::Vetted;
        store
            .set_volunteer_status(&user, status, coordinator, None, false, chrono::Utc::now())
            .await?;
    }
    let volunteers = u64::try_from(volunteers.max(1))?;
    let mut mix = Mix::default();
    for i in 0..requests {
        match seed_request(store, i, volunteers).await? {
            State::Open => mix.open += 1,
            State::Claimed => mix.claimed += 1,
            State::Done => mix.done += 1,
        }
    }
    Ok(mix)
}

/// Adds to `store` a register of `people` and a heat-wave campaign running over it,
/// shared round-robin among `callers` sworn callers (their lists counted as sent).
async fn seed_campaign(store: &Store, people: usize, callers: usize) -> Result<()> {
    let coordinator = "@agent.ccas:localhost";
    let now = chrono::Utc::now();
    let numbers =
        store.import(&crisis::register(people, coordinator), &[], coordinator, now).await?;
    let mut sworn = Vec::with_capacity(callers);
    for i in 0..callers.max(1) {
        let user = format!("@appelant{i}:localhost");
        store.name_caller(&user, coordinator, true, now, |_, _| Vec::new()).await?;
        store.accept_caller_clause(&user, "bench", now, |_| Vec::new()).await?;
        sworn.push(user);
    }
    let lists: Vec<Assigned> = numbers
        .iter()
        .zip(sworn.iter().cycle())
        .map(|(entry, caller)| Assigned { entry: *entry, caller: caller.clone(), area: None })
        .collect();
    let kind = entraide_commands::CampaignKind::Heatwave;
    store.start_campaign(kind, coordinator, &lists, now, |_, _| Vec::new()).await?;
    Ok(())
}

/// Where a seeded request ended.
#[derive(Debug, Clone, Copy)]
enum State {
    Open,
    Claimed,
    Done,
}

/// Seeds the `i`th request, through the same transitions the bot makes.
async fn seed_request(store: &Store, i: u64, volunteers: u64) -> Result<State> {
    let text = format!("courses pour la semaine, demande ancienne {i}");
    let created = chrono::Utc::now();
    let new = NewRequest {
        requester: format!("@habitant{}:localhost", i % 1000),
        origin_room: "!tilleuls:localhost".to_owned(),
        neighbourhood: Some("Les Tilleuls".to_owned()),
        reading: entraide_commands::read_request(
            &text,
            created.with_timezone(&entraide::config::Tz::Europe__Paris),
        ),
        text,
        lang: Lang::Fr,
        informs: false,
    };
    let no_effects = |_: &entraide_storage::Request| Vec::new();
    let (request, _) = store
        .create_request(new, &format!("$seed-request-{i}:localhost"), created, no_effects)
        .await?;
    let number = request.number;
    // The effects are not journalled: there is none to finish.
    let none = u64::MAX;
    store
        .set_relay(number, &format!("$seed-relay-{i}:localhost"), chrono::Utc::now(), none)
        .await?;
    let state = match i % 10 {
        0 => return Ok(State::Open),
        1 => State::Claimed,
        _ => State::Done,
    };
    let volunteer = format!("@benevole{}:localhost", i % volunteers);
    store.claim(number, &volunteer, None, chrono::Utc::now(), no_effects).await?;
    let room = format!("!seed-private-{i}:localhost");
    store.set_private_room(number, &room, chrono::Utc::now(), none).await?;
    // The bot records when it joined each private room it creates.
    store.record_joined(&room, unix_ms()).await?;
    if let State::Done = state {
        store.done(number, &volunteer, Some("fait"), None, chrono::Utc::now(), no_effects).await?;
    }
    Ok(state)
}

/// Now, in milliseconds since the epoch (as the bot records join times).
fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

/// Waits until `volunteer` has relays of requests posted by `resident` to a
/// neighbourhood room of the memory bot `bot_id`, after the coordinator set that bot
/// up (its rooms joined, `volunteer` vetted); returns each request's post-to-relay time.
async fn serve_probes(
    world: &World,
    resident: &Person,
    volunteer: &Person,
    bot_id: &matrix_sdk::ruma::UserId,
) -> Result<Vec<Duration>> {
    let coordinator = &world.coordinator;
    let community = [("community", entraide_tests::world::COMMUNITY)];
    // The first bot's rooms bear the same names, but they were joined long ago: only
    // the new bot's are still invitations.
    let name = world.texts.text(Lang::Fr, Key::CoordinationRoomName, &community);
    let coordination = coordinator
        .accept_invite(WAIT, move |room| room.name().as_deref() == Some(name.as_str()))
        .await?;
    let name = world.texts.text(Lang::Fr, Key::VolunteersRoomName, &community);
    let volunteers = coordinator
        .accept_invite(WAIT, move |room| room.name().as_deref() == Some(name.as_str()))
        .await?;
    let neighbourhood: OwnedRoomId =
        coordinator.create_room("Les Peupliers", false, &[bot_id]).await?;
    coordinator
        .wait_for("the memory bot's welcome", WAIT, |m| {
            m.room_id == neighbourhood
                && m.sender == bot_id
                && world.texts.says(m, Lang::Fr, Key::NeighbourhoodWelcome)
        })
        .await?;
    coordinator.room(&neighbourhood)?.invite_user_by_id(&resident.user_id).await?;
    let wanted = neighbourhood.clone();
    resident.accept_invite(WAIT, move |room| room.room_id() == wanted).await?;

    let user = volunteer.user_id.as_str();
    coordinator.send_text(&coordination, &format!("!valider {user} sans charte")).await?;
    coordinator
        .wait_for("the memory bot to confirm the vetting", WAIT, |m| {
            m.room_id == coordination
                && m.sender == bot_id
                && world.texts.is_with(Lang::Fr, Key::Vetted, first_line(m.text()), "user", user)
        })
        .await?;
    let wanted = volunteers.clone();
    volunteer.accept_invite(WAIT, move |room| room.room_id() == wanted).await?;
    volunteer.wait_member_joined(&volunteers, bot_id, WAIT).await?;

    let mut probes = Vec::new();
    for i in 0..MEMORY_PROBES {
        let body = format!("courses mémoire {i} {}", entraide_tests::unique_suffix());
        let start = Instant::now();
        resident.send_text(&neighbourhood, &format!("!demande {body}")).await?;
        until(volunteer, |m| {
            m.room_id == volunteers
                && m.replaces.is_none()
                && world.texts.is_with(Lang::Fr, Key::Relay, &m.body, "text", &body)
        })
        .await?;
        probes.push(start.elapsed());
    }
    Ok(probes)
}

/// Asks the memory bot to stop (its stdin closes) and waits a while for it; kills it if
/// it does not.
async fn stop(child: &mut Child) {
    drop(child.stdin.take());
    if tokio::time::timeout(Duration::from_secs(30), child.wait()).await.is_err() {
        let _ = child.kill().await;
    }
}

/// The value of `field` (e.g. `VmHWM`) in a `/proc/<pid>/status`, in KiB.
fn status_kib(status: &str, field: &str) -> Result<u64> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .with_context(|| format!("no {field} in /proc status"))?;
    let kib = line.trim().trim_end_matches("kB").trim();
    kib.parse().with_context(|| format!("{field} is {line:?}"))
}

/// The child side of the memory measure: runs the bot configured in `dir` on its store,
/// alone in this process, until stdin closes (the parent is done or gone).
async fn memory_child(dir: &Path) -> Result<()> {
    entraide_tests::init_tracing();
    let config = Config::load(&dir.join(MEMORY_CONFIG))?;
    let store = entraide::open_store(&config)?;
    entraide::run_with_store(config, store, stdin_closed()).await
}

/// Resolves when stdin reaches its end or fails.
async fn stdin_closed() {
    let (closed, on_close) = tokio::sync::oneshot::channel::<()>();
    // A plain thread: this crate's tokio has no async stdin, and the read blocks.
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = closed.send(());
    });
    let _ = on_close.await;
}

/// Time from `from` sending a message in `room` until `to` sees it.
async fn hop(from: &Person, to: &Person, room: &RoomId, i: usize) -> Result<Duration> {
    let text = format!("bonjour {i} {}", entraide_tests::unique_suffix());
    let start = Instant::now();
    from.send_text(room, &text).await?;
    let seen = until(to, |m| m.body == text).await?;
    Ok(seen.arrived.saturating_duration_since(start))
}

/// An encrypted neighbourhood room, made by the coordinator, where the bot and `family`
/// are.
async fn sealed_neighbourhood(world: &World, family: &Person) -> Result<OwnedRoomId> {
    let coordinator = &world.coordinator;
    let room = coordinator.create_room("Les Peupliers", true, &[&world.bot_id]).await?;
    coordinator
        .wait_for("the bot's welcome in the encrypted neighbourhood room", WAIT, |m| {
            m.room_id == room
                && m.sender == world.bot_id
                && world.texts.says(m, Lang::Fr, Key::NeighbourhoodWelcome)
        })
        .await?;
    coordinator.room(&room)?.invite_user_by_id(&family.user_id).await?;
    let wanted = room.clone();
    family.accept_invite(WAIT, move |r| r.room_id() == wanted).await?;
    Ok(room)
}

/// Time from `family` posting a request in `room` until `volunteer` sees its relay.
async fn relayed(
    world: &World,
    family: &Person,
    volunteer: &Person,
    room: &RoomId,
    i: usize,
) -> Result<(Duration, u64)> {
    let text = format!("!demande courses {i} {}", entraide_tests::unique_suffix());
    let start = Instant::now();
    family.send_text(room, &text).await?;
    let body = text.trim_start_matches("!demande ").to_owned();
    let relay = until(volunteer, |m| {
        world.texts.is_with(Lang::Fr, Key::Relay, &m.body, "text", &body) && m.replaces.is_none()
    })
    .await?;
    let took = relay.arrived.saturating_duration_since(start);
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

fn median(samples: &[Duration]) -> Duration {
    percentile(samples, 50)
}

/// The `p`th percentile of `samples` (nearest rank, the upper one when between two).
fn percentile(samples: &[Duration], p: usize) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = (sorted.len() * p / 100).min(sorted.len().saturating_sub(1));
    sorted.get(rank).copied().unwrap_or_default()
}
