//! The crisis parts of the benchmark (issue 22): ten residents posting at once on a
//! Synapse with its default rate limits (what a commune's bot meets when its operator did
//! not exempt it), and a heat-wave campaign over a large register, started, looked at and
//! ended as a coordinator would.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use entraide_commands::{Key, Lang, register::Particulars};
use entraide_storage::{NewEntry, Store, Way};
use entraide_tests::{
    Limits, Person, Seen,
    bot::PASSWORD,
    crowd::{self, Rush},
    world::{WAIT, World},
};

use super::{POLL, ms, secs};

/// How long the rush under the default limits may take before the run gives up.
const RUSH_WAIT: Duration = Duration::from_secs(600);

/// The neighbourhoods the register's people live in, for the callers' lists.
const AREAS: [&str; 4] = ["Centre", "Les Tilleuls", "La Gare", "Le Port"];

/// The rush under Synapse's default rate limits.
#[derive(Debug)]
pub struct Defaults {
    /// Residents who posted.
    pub residents: usize,
    /// What it came to.
    pub rush: Rush,
    /// The bot's requests Synapse refused with 429 meanwhile.
    pub refused: usize,
}

/// `residents` people post a request at the same moment on a homeserver of its own,
/// with Synapse's default rate limits, right after they joined (the bot's allowance
/// spent on welcoming them, as on a busy day).
pub async fn defaults(residents: usize) -> Result<Defaults> {
    let world = World::start_on(Limits::Defaults, false).await?;
    let crowd = crowd::gather(&world, residents).await?;
    let before = world.synapse.rate_limited()?.len();
    let rush = crowd::rush(&world, &crowd, RUSH_WAIT).await?;
    let refused = world.synapse.rate_limited()?[before..]
        .iter()
        .filter(|refused| refused.user == world.bot_id.as_str())
        .count();
    Ok(Defaults { residents, rush, refused })
}

/// The campaign over a large register.
#[derive(Debug)]
pub struct Campaign {
    /// People on the register.
    pub people: usize,
    /// Sworn callers.
    pub callers: usize,
    /// How long the register's import took (one transaction, as from a spreadsheet).
    pub imported_in: Duration,
    /// From `!campagne canicule` to its answer.
    pub answered: Duration,
    /// From `!campagne canicule` until the homeserver had taken every list.
    pub delivered: Duration,
    /// From `!campagne` to its answer, with every check-in waiting.
    pub board: Duration,
    /// From `!campagne fin` to its answer (the report).
    pub report: Duration,
}

/// Fills the register of `world`'s bot with `people`, names `callers` sworn callers (with
/// accounts on the homeserver), then starts a heat-wave campaign, asks for its board and
/// ends it, as the coordinator.
pub async fn campaign(world: &World, people: usize, callers: usize) -> Result<Campaign> {
    let store = world.bot()?.store.clone();
    let coordinator = world.coordinator.user_id.as_str();
    let importing = Instant::now();
    store.import(&register(people, coordinator), &[], coordinator, chrono::Utc::now()).await?;
    let imported_in = importing.elapsed();
    // Named as a coordinator names them (the clause sent in a direct chat, where the bot
    // learns their devices), each with a device of their own, as a caller's phone; their
    // acceptance of the clause straight in the store.
    for i in 0..callers {
        let localpart = format!("appelant{i}-{}", entraide_tests::unique_suffix());
        world.synapse.register(&localpart, PASSWORD).await?;
        Person::login(&world.synapse, &localpart, PASSWORD).await?.stop();
        let user = world.synapse.user_id(&localpart);
        ask(world, &format!("!appelant {user}"), Key::CallerNamed).await?;
        store.accept_caller_clause(&user, "bench", chrono::Utc::now(), |_| Vec::new()).await?;
    }
    owed_nothing(&store).await?;

    let started = Instant::now();
    ask(world, "!campagne canicule", Key::CampaignStarted).await?;
    let answered = started.elapsed();
    owed_nothing(&store).await?;
    let delivered = started.elapsed();
    let asked = Instant::now();
    ask(world, "!campagne", Key::BoardPinned).await?;
    let board = asked.elapsed();
    let ending = Instant::now();
    ask(world, "!campagne fin", Key::CampaignReport).await?;
    let report = ending.elapsed();
    // Quiet again for what follows.
    owed_nothing(&store).await?;
    Ok(Campaign { people, callers, imported_in, answered, delivered, board, report })
}

/// The coordinator writes `command` in the coordination room and waits for the bot's
/// answer, whose first line says `key`.
async fn ask(world: &World, command: &str, key: Key) -> Result<Seen> {
    let room = &world.coordination_room;
    let sent = world.coordinator.send_text(room, command).await?;
    let answer = world
        .coordinator
        .wait_for(command, WAIT, |m| {
            m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(&sent)
        })
        .await?;
    let first = answer.text().lines().next().unwrap_or_default();
    if world.texts.args(Lang::Fr, key, first).is_none() {
        bail!("{command} was answered {:?}", answer.body);
    }
    Ok(answer)
}

/// Waits until the bot owes nothing more: every list taken by the homeserver.
async fn owed_nothing(store: &Store) -> Result<()> {
    let deadline = Instant::now() + RUSH_WAIT;
    while !store.pending_effects()?.is_empty() {
        if Instant::now() > deadline {
            bail!("the bot still owes effects after {RUSH_WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(())
}

/// A commune's register of `people`, as its spreadsheet would bring it in.
pub fn register(people: usize, by: &str) -> Vec<NewEntry> {
    (0..people)
        .map(|i| NewEntry {
            particulars: Particulars {
                name: format!("Personne {i}"),
                address: Some(format!("{} rue des Lilas", i + 1)),
                area: AREAS.get(i % AREAS.len()).map(|area| (*area).to_owned()),
                phones: vec![format!(
                    "05 56 {:02} {:02} {:02}",
                    i / 10_000,
                    i / 100 % 100,
                    i % 100
                )],
                ..Particulars::default()
            },
            way: Way::Import,
            entered_by: by.to_owned(),
        })
        .collect()
}

/// The rows of the crisis parts, in the benchmark's table.
pub fn rows(defaults: Option<&Defaults>, campaign: Option<&Campaign>) {
    if let Some(d) = defaults {
        println!(
            "| rush under Synapse's default rate limits: {} `!demande` at once → all relays seen | {} | | | ≤ 60 s |",
            d.residents,
            secs(d.rush.relayed_after)
        );
        println!(
            "| the same → every confirmation seen ({} of the bot's sends refused with 429 meanwhile) | {} | | | |",
            d.refused,
            secs(d.rush.confirmed_after)
        );
    }
    if let Some(c) = campaign {
        println!(
            "| campaign: `!campagne canicule` over {} registered, {} callers → answered | {} | | | |",
            c.people,
            c.callers,
            ms(c.answered)
        );
        println!(
            "| the same → every caller's list taken by the homeserver | {} | | | |",
            secs(c.delivered)
        );
        println!("| campaign board: `!campagne` → answered | {} | | | |", ms(c.board));
        println!("| campaign end: `!campagne fin` → report's notice | {} | | | |", ms(c.report));
    }
}

/// The note under the table about the crisis parts.
pub fn notes(campaign: Option<&Campaign>) {
    let Some(c) = campaign else { return };
    let per = c.people.div_ceil(c.callers.max(1));
    println!(
        "Campaign: the register of {} imported in {} (one transaction); about {per} people per \
         caller, in messages of at most 40.",
        c.people,
        secs(c.imported_in)
    );
}
