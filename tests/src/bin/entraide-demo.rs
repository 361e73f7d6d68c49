//! Tries entraide on a throwaway local Synapse: registers the bot, a coordinator, two
//! volunteers and a family member, creates a neighbourhood room, runs the bot and prints
//! the logins. With `--story`, scripted people play a whole request and the conversation
//! is printed as a transcript; with `--figures`, a month's report; with `--campagne`, a
//! heat-wave campaign's board and report.

// A demo's job is to print for the person who runs it.
#![allow(clippy::print_stdout)]

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context as _, Result};
use chrono::{TimeDelta, TimeZone};
use clap::Parser;
use entraide::config::Tz;
use entraide_commands::{
    CampaignKind, Category, Key, Lang, Period, Reading, Relation, Span, When,
    register::{Born, Particulars},
};
use entraide_storage::{
    Assigned, CallOutcome, CallRule, NewEntry, NewRequest, Request, Store, Way,
};
use entraide_tests::{
    Person, Seen, Synapse, Texts,
    bot::RunningBot,
    world::{COMMUNITY, join_private_room},
};
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId};

/// How long the story waits for the bot at each step.
const STEP: Duration = Duration::from_secs(90);
const PASSWORD: &str = "entraide-demo";

#[derive(Debug, Parser)]
#[command(about = "Try entraide on a throwaway local Synapse")]
struct Args {
    /// Play the whole story with scripted people, print it, and exit.
    #[arg(long)]
    story: bool,
    /// Fill the store with last month's activity (closed requests, through the store's
    /// own transitions), ask the bot for its report in the coordination room as a
    /// coordinator would (`!rapport mois dernier`), save the chart it posts in the demo's
    /// folder, and exit.
    #[arg(long)]
    figures: bool,
    /// Seed a register of 30 people and two days of a heat-wave campaign (through the
    /// store's own transitions), then, as a coordinator would, show the board
    /// (`!campagne`) and end it (`!campagne fin`); save the report's chart and table in
    /// the demo's folder, and exit.
    #[arg(long)]
    campagne: bool,
    /// Where the throwaway homeserver and the bot keep their data (wiped at start).
    #[arg(long, default_value = "demo-data")]
    dir: PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if std::env::var_os("RUST_LOG").is_some() {
        entraide_tests::init_tracing();
    }
    if args.dir.exists() {
        std::fs::remove_dir_all(&args.dir)
            .with_context(|| format!("cannot wipe {}", args.dir.display()))?;
    }
    std::fs::create_dir_all(&args.dir)?;
    let dir = std::fs::canonicalize(&args.dir)?;
    println!("Starting a throwaway Synapse in {} …", dir.display());
    let synapse = Synapse::start_in(&dir.join("synapse")).await?;

    let names = ["coordination", "benevole-alice", "benevole-bruno", "famille-martin"];
    for name in names {
        synapse.register(name, PASSWORD).await?;
    }
    synapse.register("entraide", PASSWORD).await?;
    let mut config = entraide_tests::bot::config_for(
        &synapse,
        "entraide",
        PASSWORD,
        &dir.join("bot"),
        &[&synapse.user_id("coordination")],
    )?;
    config.community = COMMUNITY.to_owned();
    let texts = Texts::builtin()?;
    let store = entraide::open_store(&config)?;
    if args.figures {
        let today = chrono::Utc::now().with_timezone(&config.timezone).date_naive();
        let month = Span::LastMonth.resolve(today).context("last month")?;
        let seeded = last_month(&store, month, config.timezone).await?;
        println!("Seeded {seeded} closed requests in {}.", month.start.format("%Y-%m"));
    }
    if args.campagne {
        let coordinator = synapse.user_id("coordination");
        let people = heatwave(&store, &coordinator).await?;
        println!("Seeded a register of {people} and two rounds of a heat-wave campaign.");
    }
    let bot = RunningBot::start(config, store);
    let bot_id = OwnedUserId::try_from(synapse.user_id("entraide"))?;

    let coordinator = Person::login(&synapse, "coordination", PASSWORD).await?;
    let alice = Person::login(&synapse, "benevole-alice", PASSWORD).await?;
    let bruno = Person::login(&synapse, "benevole-bruno", PASSWORD).await?;
    let family = Person::login(&synapse, "famille-martin", PASSWORD).await?;

    let community = [("community", COMMUNITY)];
    let name = texts.text(Lang::Fr, Key::CoordinationRoomName, &community);
    let coordination =
        coordinator.accept_invite(STEP, move |r| r.name().as_deref() == Some(&*name)).await?;
    let name = texts.text(Lang::Fr, Key::VolunteersRoomName, &community);
    let volunteers_room =
        coordinator.accept_invite(STEP, move |r| r.name().as_deref() == Some(&*name)).await?;
    let neighbourhood =
        coordinator.create_room("Les Tilleuls", true, &[&bot_id, &family.user_id]).await?;
    family.accept_invite(STEP, |r| r.name().as_deref() == Some("Les Tilleuls")).await?;
    coordinator
        .wait_for("the bot's welcome", STEP, |m| {
            m.room_id == neighbourhood
                && m.sender == bot_id
                && texts.says(m, Lang::Fr, Key::NeighbourhoodWelcome)
        })
        .await?;
    for volunteer in [&alice, &bruno] {
        // Demo accounts skip the charter; a new account can go through it (`!benevole`).
        let command = format!("!valider {} sans charte compte de démonstration", volunteer.user_id);
        coordinator.send_text(&coordination, &command).await?;
        let room = volunteers_room.clone();
        volunteer.accept_invite(STEP, move |r| r.room_id() == room).await?;
    }

    println!();
    println!("Homeserver: {}   (server name: {})", synapse.url(), synapse.server_name());
    println!("Accounts (password for all: {PASSWORD}):");
    println!("  coordination     coordinator: vets and bans volunteers, follows requests");
    println!("  benevole-alice   vetted volunteer");
    println!("  benevole-bruno   vetted volunteer");
    println!("  famille-martin   family member, in the neighbourhood room « Les Tilleuls »");
    println!("  entraide         the bot");

    if args.figures {
        let result = figures(&texts, &bot_id, &coordinator, &coordination, &dir).await;
        bot.stop().await?;
        return result;
    }
    if args.campagne {
        let result = campaign(&texts, &bot, &bot_id, &coordinator, &coordination, &dir).await;
        bot.stop().await?;
        return result;
    }
    if args.story {
        let result =
            story(&texts, &bot_id, &neighbourhood, &volunteers_room, &family, &alice).await;
        bot.stop().await?;
        return result;
    }
    println!();
    println!(
        "Log in with any Matrix client on {} and try: !demande courses pour ma mère demain matin",
        synapse.url()
    );
    println!(
        "Press Ctrl-C to stop (everything in {} is thrown away at the next start).",
        dir.display()
    );
    tokio::signal::ctrl_c().await?;
    bot.stop().await
}

/// Plays a request from start to end, printing what each person sees (the bot's own
/// text, without the quote a reply starts with).
async fn story(
    texts: &Texts,
    bot: &OwnedUserId,
    neighbourhood: &OwnedRoomId,
    volunteers: &OwnedRoomId,
    family: &Person,
    alice: &Person,
) -> Result<()> {
    println!();
    println!("── The story ──");
    let say = |who: &str, room: &str, text: &str| println!("[{room}] {who}: {text}");
    let show = |room: &str, seen: &Seen| {
        println!("[{room}] entraide: {}", seen.text().replace('\n', "\n    "))
    };

    let request = "!demande courses pour ma mère demain matin : pain, lait et ses médicaments";
    say("famille-martin", "Les Tilleuls", request);
    let command = family.send_text(neighbourhood, request).await?;
    let confirmation = family
        .wait_for("the confirmation", STEP, |m| {
            m.room_id == *neighbourhood
                && m.sender == *bot
                && m.in_reply_to.as_ref() == Some(&command)
                && texts.says(m, Lang::Fr, Key::RequestConfirmed)
        })
        .await?;
    show("Les Tilleuls", &confirmation);
    let number = texts.number(Lang::Fr, Key::RequestConfirmed, confirmation.text())?;
    // A message of the bot in `room` that is `key` about this request.
    let about = |m: &Seen, room: &OwnedRoomId, key: Key| {
        m.room_id == *room && m.sender == *bot && texts.is_about(Lang::Fr, key, m.text(), number)
    };

    let relay = alice
        .wait_for("the relay", STEP, |m| about(m, volunteers, Key::Relay) && m.replaces.is_none())
        .await?;
    show("Bénévoles", &relay);
    say("benevole-alice", "Bénévoles", "✋ (reaction on the request)");
    alice.react(volunteers, &relay.event_id, "✋").await?;

    let private = join_private_room(texts, alice, number).await?;
    join_private_room(texts, family, number).await?;
    let intro =
        alice.wait_for("the private room", STEP, |m| about(m, &private, Key::PrivateIntro)).await?;
    show(&format!("private room, request {number}"), &intro);
    let edit = alice
        .wait_for("the relay retired", STEP, |m| {
            m.thread_root.as_ref() == Some(&relay.event_id) && about(m, volunteers, Key::RelayTaken)
        })
        .await?;
    show("Bénévoles (relay redacted, its status in its thread)", &edit);
    let told = family
        .wait_for("the family told", STEP, |m| about(m, neighbourhood, Key::RequesterTold))
        .await?;
    show("Les Tilleuls", &told);

    let hello = "Bonjour ! Je passe demain vers 10h, ça convient à votre mère ?";
    say("benevole-alice", "private room", hello);
    alice.send_text(&private, hello).await?;
    family.wait_for("alice's message", STEP, |m| m.room_id == private && m.body == hello).await?;
    let answer = "Parfait, merci beaucoup !";
    say("famille-martin", "private room", answer);
    family.send_text(&private, answer).await?;
    alice.wait_for("the answer", STEP, |m| m.room_id == private && m.body == answer).await?;

    let done = "!fait courses livrées, tout va bien";
    say("benevole-alice", "private room", done);
    alice.send_text(&private, done).await?;
    let closed = alice.wait_for("done", STEP, |m| about(m, &private, Key::DoneAck)).await?;
    show("private room", &closed);
    let relay_done = alice
        .wait_for("the relay marked done", STEP, |m| {
            m.thread_root.as_ref() == Some(&relay.event_id) && about(m, volunteers, Key::RelayDone)
        })
        .await?;
    show("Bénévoles (relay's thread)", &relay_done);
    println!(
        "── End of the story: request {number} is done, and every step is in the outcome log. ──"
    );
    Ok(())
}

/// How a month of requests spreads over the categories, in [`Category::ALL`]'s order,
/// out of 100: what the commune the project comes from sees most (shopping, then
/// medicines, lifts and visits).
const MIX: [u64; 8] = [35, 15, 15, 15, 4, 8, 6, 2];

/// How long the seeded requests wait for a volunteer, in minutes, in turn.
const WAITS: [i64; 8] = [12, 25, 40, 75, 150, 320, 700, 1500];

/// Fills `store` with `month`'s activity, as if the bot had served it: about 25 requests
/// a week in two neighbourhoods, from 40 households, taken by 12 volunteers after minutes
/// to a day, most done, a few cancelled. Returns how many.
async fn last_month(store: &Store, month: Period, tz: Tz) -> Result<u64> {
    let none = |_: &Request| Vec::new();
    let start = tz
        .from_local_datetime(&month.start.and_hms_opt(8, 0, 0).context("a time")?)
        .earliest()
        .context("the month's first morning")?
        .with_timezone(&chrono::Utc);
    let count = u64::try_from(month.days())? * 25 / 7;
    let categories: Vec<Category> = Category::ALL
        .iter()
        .zip(MIX)
        .flat_map(|(category, share)| {
            std::iter::repeat_n(*category, usize::try_from(share).unwrap_or(0))
        })
        .collect();
    for i in 0..count {
        // Spread over the month's days, in the daytime, busier early in the week.
        let day = i * u64::try_from(month.days())? / count;
        let at = start
            + TimeDelta::days(i64::try_from(day)?)
            + TimeDelta::minutes(i64::try_from((i * 97) % 600)?);
        let category = categories[usize::try_from((i * 37) % 100)?];
        let neighbourhood = if i % 3 == 0 { "Centre-bourg" } else { "Les Tilleuls" };
        let new = NewRequest {
            requester: format!("@foyer{}:demo", (i * 7) % 40),
            origin_room: "!demo:demo".to_owned(),
            neighbourhood: Some(neighbourhood.to_owned()),
            text: String::new(),
            reading: Reading {
                category,
                when: When::Asap,
                on_behalf: (i % 3 != 1).then_some(Relation::Mother),
            },
            lang: Lang::Fr,
            informs: false,
        };
        let (request, _) = store.create_request(new, &format!("$demo-{i}"), at, none).await?;
        let volunteer = format!("@benevole{}:demo", (i * 5) % 12);
        let wait = TimeDelta::minutes(WAITS[usize::try_from(i % 8)?]);
        if i % 13 == 0 {
            store.cancel(request.number, &request.requester, false, None, at + wait, none).await?;
            continue;
        }
        store.claim(request.number, &volunteer, None, at + wait, none).await?;
        let done = at + wait + TimeDelta::hours(4);
        store.done(request.number, &volunteer, None, None, done, none).await?;
    }
    Ok(count)
}

/// The coordinator asks for last month's report; the chart is saved in `dir`.
async fn figures(
    texts: &Texts,
    bot: &OwnedUserId,
    coordinator: &Person,
    coordination: &OwnedRoomId,
    dir: &Path,
) -> Result<()> {
    println!();
    let command = "!rapport mois dernier";
    println!("[Coordination] coordination: {command}");
    coordinator.send_text(coordination, command).await?;
    let from_bot = |m: &Seen| m.sender == *bot && m.room_id == *coordination;
    let notice = coordinator
        .wait_for("the report", STEP, |m| {
            from_bot(m) && m.text().lines().any(|l| texts.is(Lang::Fr, Key::ReportFollows, l))
        })
        .await?;
    println!("[Coordination] entraide: {}", notice.text().replace('\n', "\n    "));
    save_report(coordinator, &from_bot, dir).await
}

/// The register a small commune might keep: 30 people in two neighbourhoods.
fn register() -> Vec<Particulars> {
    const NAMES: [&str; 30] = [
        "Mme Andrée Martin",
        "M. Louis Bernard",
        "Mme Jeanne Thomas",
        "M. Marcel Petit",
        "Mme Yvette Robert",
        "M. Roger Richard",
        "Mme Simone Durand",
        "M. André Dubois",
        "Mme Paulette Moreau",
        "M. René Laurent",
        "Mme Odette Simon",
        "M. Henri Michel",
        "Mme Germaine Lefèvre",
        "M. Georges Leroy",
        "Mme Lucienne Roux",
        "M. Maurice David",
        "Mme Colette Bertrand",
        "M. Pierre Morel",
        "Mme Raymonde Fournier",
        "M. Jean Girard",
        "Mme Denise Bonnet",
        "M. Robert Dupont",
        "Mme Marcelle Lambert",
        "M. Lucien Fontaine",
        "Mme Huguette Rousseau",
        "M. Gilbert Vincent",
        "Mme Ginette Muller",
        "M. Albert Lefebvre",
        "Mme Suzanne Faure",
        "M. Fernand André",
    ];
    (0u16..)
        .zip(NAMES)
        .map(|(i, name)| Particulars {
            name: name.to_owned(),
            born: Some(Born::Year(1930 + i32::from(i % 15))),
            address: Some(format!("{} rue des Lilas", i + 1)),
            area: Some(if i % 2 == 0 { "Centre" } else { "Les Tilleuls" }.to_owned()),
            phones: vec![format!("05 56 00 {:02} {:02}", i / 10, i % 100)],
            ..Particulars::default()
        })
        .collect()
}

/// Seeds the register and a heat-wave campaign started two days ago: in each round the
/// coordinator reached people over the morning, one needed groceries, one did not
/// answer three times (the coordinators were alerted). Returns how many are registered.
async fn heatwave(store: &Store, coordinator: &str) -> Result<usize> {
    let now = chrono::Utc::now();
    // The next round falls due an hour after the bot starts, not at once.
    let start = now - TimeDelta::hours(47);
    let people = register();
    let mut lists = Vec::new();
    for particulars in &people {
        let area = particulars.area.clone();
        let new = NewEntry {
            particulars: particulars.clone(),
            way: Way::Import,
            entered_by: coordinator.to_owned(),
        };
        let (entry, _) = store.enrol(new, None, start - TimeDelta::days(30), |_| vec![]).await?;
        lists.push(Assigned { entry: entry.number, caller: coordinator.to_owned(), area });
    }
    let kind = CampaignKind::Heatwave;
    let (campaign, _) =
        store.start_campaign(kind, coordinator, &lists, start, |_, _| vec![]).await?;
    let rule = CallRule { retry_after: TimeDelta::hours(2), attempts: 3 };
    for round in 0..2 {
        let began = start + TimeDelta::days(round);
        if round > 0 {
            store.next_round(campaign.number, TimeDelta::days(1), began, |_, _| vec![]).await?;
        }
        for (minutes, assigned) in (0i64..).zip(&lists) {
            // The last one never answers: three calls, two hours apart.
            let (outcome, tries) = match assigned.entry {
                30 => (CallOutcome::NoAnswer, 3),
                7 if round == 0 => (CallOutcome::NeedsHelp, 1),
                _ => (CallOutcome::Reached, 1),
            };
            for attempt in 0..tries {
                // Quicker the second day: the calls are known.
                let at =
                    began + TimeDelta::minutes(20 + minutes * (12 - 4 * round) + attempt * 120);
                let (number, entry) = (campaign.number, assigned.entry);
                store
                    .record_call(number, entry, coordinator, outcome, rule, at, |_| vec![])
                    .await?;
            }
        }
    }
    Ok(people.len())
}

/// The coordinator looks at the board and ends the campaign; the board as a picture, the
/// report's chart and table are saved in `dir`.
async fn campaign(
    texts: &Texts,
    running: &RunningBot,
    bot: &OwnedUserId,
    coordinator: &Person,
    coordination: &OwnedRoomId,
    dir: &Path,
) -> Result<()> {
    println!();
    let from_bot = |m: &Seen| m.sender == *bot && m.room_id == *coordination;
    for command in ["!campagne", "!campagne fin"] {
        println!("[Coordination] coordination: {command}");
        let sent = coordinator.send_text(coordination, command).await?;
        let answer = coordinator
            .wait_for(command, STEP, |m| from_bot(m) && m.in_reply_to.as_ref() == Some(&sent))
            .await?;
        println!("[Coordination] entraide: {}", answer.text().replace('\n', "\n    "));
        // The board is posted (and pinned) once, before the campaign ends.
        coordinator
            .wait_for("the board", STEP, |m| {
                from_bot(m)
                    && texts
                        .args(
                            Lang::Fr,
                            Key::BoardHeader,
                            m.text().lines().next().unwrap_or_default(),
                        )
                        .is_some()
            })
            .await?;
        if command == "!campagne" {
            // The board as a picture too, as `entraide bilan-campagne` writes it.
            let config = &running.config;
            let catalogue = entraide::load_texts(config)?;
            let store = config.data_dir.join("store");
            let now = running.clock.now();
            entraide::report::offline::write_campaign(
                config,
                &catalogue,
                None,
                Lang::Fr,
                dir,
                &store,
                now,
            )?;
            let board = dir.join("campagne-1-tableau.png");
            println!("[Coordination] (the board as a picture: {})", board.display());
        }
    }
    let board = coordinator
        .wait_for("the board", STEP, |m| {
            from_bot(m)
                && m.text().lines().any(|l| texts.args(Lang::Fr, Key::BoardEnded, l).is_some())
        })
        .await?;
    println!(
        "[Coordination] entraide (the pinned board): {}",
        board.text().replace('\n', "\n    ")
    );
    save_report(coordinator, &from_bot, dir).await
}

/// Waits for the chart and the table the bot posts after a report's notice, and saves
/// them in `dir`.
async fn save_report(
    coordinator: &Person,
    from_bot: &impl Fn(&Seen) -> bool,
    dir: &Path,
) -> Result<()> {
    let chart =
        coordinator.wait_for("the chart", STEP, |m| from_bot(m) && m.image.is_some()).await?;
    let image = chart.image.context("an image")?;
    let table =
        coordinator.wait_for("the table", STEP, |m| from_bot(m) && m.file.is_some()).await?;
    let file = table.file.context("a file")?;
    std::fs::write(dir.join(&image.body), coordinator.download(&image).await?)?;
    std::fs::write(dir.join(&file.body), coordinator.download(&file).await?)?;
    println!("[Coordination] entraide: 🖼️ {}   📄 {}", image.body, file.body);
    println!("── The chart and the table are in {} ──", dir.display());
    Ok(())
}
