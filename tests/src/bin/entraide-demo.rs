//! Tries entraide on a throwaway local Synapse: registers the bot, a coordinator, two
//! volunteers and a family member, creates a neighbourhood room, runs the bot and prints
//! the logins. With `--story`, scripted people play a whole request and the conversation
//! is printed as a transcript.

// A demo's job is to print for the person who runs it.
#![allow(clippy::print_stdout)]

use std::{path::PathBuf, time::Duration};

use anyhow::{Context as _, Result};
use clap::Parser;
use entraide_commands::{Key, Lang};
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
