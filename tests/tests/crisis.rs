//! End-to-end scenarios of crisis mode: the commune's alert register, kept in chat by the
//! coordinators (`!inscrire`, `!corriger`, `!confirmer`, `!accuse`, `!desinscrire`,
//! `!registre`), asked for online by residents (`!alerte`), shown only where the law lets
//! it be read (R121-7), exported for the préfet as a file.

use anyhow::{Context as _, Result, ensure};
use entraide_commands::{Key, Lang};
use entraide_storage::Enrolment;
use entraide_tests::{
    Person, Seen,
    world::{WAIT, World},
};
use matrix_sdk::ruma::RoomId;

/// The coordinator writes `command` in `room` and waits for the bot's answer to it.
async fn ask(world: &World, room: &RoomId, command: &str) -> Result<Seen> {
    answer_to(world, &world.coordinator, room, command).await
}

/// `person` writes `command` in `room` and waits for the bot's answer to it.
async fn answer_to(world: &World, person: &Person, room: &RoomId, command: &str) -> Result<Seen> {
    let sent = person.send_text(room, command).await?;
    person
        .wait_for(command, WAIT, |m| {
            m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(&sent)
        })
        .await
}

/// The values of the first line of `seen` that says `key` in `lang`.
fn line(
    world: &World,
    seen: &Seen,
    lang: Lang,
    key: Key,
) -> Result<std::collections::HashMap<String, String>> {
    seen.text()
        .lines()
        .find_map(|line| world.texts.args(lang, key, line))
        .with_context(|| format!("{key:?} in {}", seen.body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_register_is_kept_in_chat_and_read_only_where_the_law_lets_it() -> Result<()> {
    let world = World::start(false).await?;
    let coordination = world.coordination_room.clone();
    let store = world.bot()?.store.clone();

    // A coordinator enters a person her daughter asked for, in one sentence.
    let entered = ask(
        &world,
        &coordination,
        "!inscrire Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56, contact sa fille \
         Claire 06 11 22 33 44, demandé par sa fille",
    )
    .await?;
    ensure!(
        line(&world, &entered, Lang::Fr, Key::Enrolled)?.get("number").map(String::as_str)
            == Some("1")
    );
    for said in [
        "Mme Lefèvre",
        "12 rue des Lilas",
        "05 56 12 34 56",
        "06 11 22 33 44",
        "!confirmer 1",
        "!accuse 1",
    ] {
        ensure!(entered.text().contains(said), "{said} in {}", entered.body);
    }
    ensure!(
        store.entry(1)?.context("entry 1")?.status == Enrolment::Pending,
        "asked by a third party"
    );

    // Corrected, confirmed, acknowledged; twice is said to be done already.
    let amended = ask(&world, &coordination, "!corriger 1 adresse : 14 rue des Lilas").await?;
    ensure!(amended.text().contains("14 rue des Lilas"), "{}", amended.body);
    let refused = ask(&world, &coordination, "!corriger 1 couleur bleu").await?;
    ensure!(line(&world, &refused, Lang::Fr, Key::UnknownField).is_ok(), "{}", refused.body);
    let confirmed = ask(&world, &coordination, "!confirmer 1").await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::EntryConfirmed, confirmed.text(), 1),
        "{}",
        confirmed.body
    );
    let acknowledged = ask(&world, &coordination, "!accuse 1").await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::Acknowledged, acknowledged.text(), 1),
        "{}",
        acknowledged.body
    );
    let twice = ask(&world, &coordination, "!accuse 1").await?;
    ensure!(world.texts.is_about(Lang::Fr, Key::EntryUnchanged, twice.text(), 1), "{}", twice.body);
    let missing = ask(&world, &coordination, "!confirmer 9").await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::NoSuchEntry, missing.text(), 9),
        "{}",
        missing.body
    );
    let entry = store.entry(1)?.context("entry 1")?;
    ensure!(entry.status == Enrolment::Active && entry.acknowledged.is_some(), "{entry:?}");
    ensure!(entry.particulars.address.as_deref() == Some("14 rue des Lilas"), "{entry:?}");

    // A resident asks online for her mother: pending, the coordinators told the number only.
    let resident = world.resident("claire").await?;
    let direct = resident.create_dm(&world.bot_id, false).await?;
    let signed = answer_to(
        &world,
        &resident,
        &direct,
        "!alerte inscription pour ma mère Jeanne Roux, 82 ans, 3 place du Marché, 05 56 00 00 00",
    )
    .await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::AlertSignedUp, signed.text(), 2),
        "{}",
        signed.body
    );
    let told = world
        .coordinator
        .wait_for("the coordinators told", WAIT, |m| {
            m.room_id == coordination
                && world.texts.is_about(Lang::Fr, Key::AlertNewEntry, m.text(), 2)
        })
        .await?;
    ensure!(!told.text().contains("Roux"), "the number only: {}", told.body);

    // Where it stands: numbers only.
    let summary = ask(&world, &coordination, "!registre").await?;
    let counts = line(&world, &summary, Lang::Fr, Key::RegistrySummary)?;
    ensure!(counts.get("active").map(String::as_str) == Some("1"), "{}", summary.body);
    ensure!(counts.get("pending").map(String::as_str) == Some("1"), "{}", summary.body);
    ensure!(
        !summary.text().contains("Roux") && !summary.text().contains("Lefèvre"),
        "{}",
        summary.body
    );

    // The préfet's export: the active entries only, as a CSV file.
    let skip = world.coordinator.seen().len();
    world.coordinator.send_text(&coordination, "!registre export").await?;
    let file = world
        .coordinator
        .wait_for("the register's file", WAIT, |m| m.room_id == coordination && m.file.is_some())
        .await?;
    let content = file.file.as_ref().context("a file")?;
    let csv = String::from_utf8(world.coordinator.download(content).await?)?;
    ensure!(csv.contains("Lefèvre") && csv.contains("14 rue des Lilas"), "{csv}");
    ensure!(!csv.contains("Roux"), "a pending entry is not exported: {csv}");
    let notice = world.coordinator.seen_after(skip);
    ensure!(
        notice.iter().any(|m| world.texts.is_with(
            Lang::Fr,
            Key::RegistryExport,
            m.text(),
            "count",
            "1"
        )),
        "{notice:?}"
    );

    // Nobody else reads it: a volunteer, the resident, in their rooms.
    let volunteer = world.volunteer("benevole").await?;
    let no = answer_to(&world, &volunteer, &world.volunteers_room, "!registre 1").await?;
    ensure!(!no.text().contains("Lefèvre"), "{}", no.body);
    let no = answer_to(&world, &resident, &direct, "!registre export").await?;
    ensure!(world.texts.is(Lang::Fr, Key::RefusedNotCoordinator, no.text()), "{}", no.body);
    let no = answer_to(&world, &resident, &direct, "!inscrire Mme X, 05 56 00 00 01").await?;
    ensure!(world.texts.is(Lang::Fr, Key::RefusedNotCoordinator, no.text()), "{}", no.body);

    // Someone who is no coordinator in the coordination room: an entry asked for there
    // goes to the coordinator's direct chat, with why.
    // Only the bot may invite there: the test lets itself in as the bot, on a device of
    // its own, to invite the resident.
    let config = &world.bot()?.config;
    let as_bot =
        Person::login(&world.synapse, config.user_id.localpart(), config.password.expose()).await?;
    as_bot.room(&coordination)?.invite_user_by_id(&resident.user_id).await?;
    let room = coordination.clone();
    resident.accept_invite(WAIT, move |r| r.room_id() == room).await?;
    let skip_resident = resident.seen().len();
    world.coordinator.send_text(&coordination, "!registre 1").await?;
    // In a direct chat the bot opens with the coordinator.
    let coordination_id = coordination.clone();
    world.coordinator.accept_invite(WAIT, move |room| room.room_id() != coordination_id).await?;
    let private = world
        .coordinator
        .wait_for("the entry, privately", WAIT, |m| {
            m.room_id != coordination && m.sender == world.bot_id && m.text().contains("Lefèvre")
        })
        .await?;
    ensure!(
        private.text().lines().any(|l| world.texts.is(Lang::Fr, Key::ConfidentialHere, l)),
        "{}",
        private.body
    );
    let leaked: Vec<Seen> = resident
        .seen_after(skip_resident)
        .into_iter()
        .filter(|m| m.text().contains("Lefèvre") || m.text().contains("Lilas"))
        .collect();
    ensure!(leaked.is_empty(), "{leaked:?}");

    // The resident withdraws what she asked; the coordinators take Mme Lefèvre off.
    let left = answer_to(&world, &resident, &direct, "!alerte retrait").await?;
    ensure!(
        world.texts.is_with(Lang::Fr, Key::AlertLeft, left.text(), "count", "1"),
        "{}",
        left.body
    );
    let gone = ask(&world, &coordination, "!desinscrire 1 partie en maison de retraite").await?;
    ensure!(world.texts.is_about(Lang::Fr, Key::Unenrolled, gone.text(), 1), "{}", gone.body);
    ensure!(store.register()?.is_empty(), "{:?}", store.register()?);
    ensure!(store.trees_holding("Lefèvre".as_bytes())?.is_empty(), "nothing of her is kept");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_coordinators_are_reminded_of_an_acknowledgement_before_it_is_late() -> Result<()>
{
    let world = World::start(false).await?;
    let coordination = world.coordination_room.clone();
    let entered = ask(
        &world,
        &coordination,
        "!enrol Mr Paul Martin, 90 years old, 4 Market Square, 05 56 12 00 00",
    )
    .await?;
    ensure!(line(&world, &entered, Lang::En, Key::Enrolled).is_ok(), "{}", entered.body);
    let clock = world.bot()?.clock.clone();
    clock.advance(std::time::Duration::from_secs(6 * 86_400 + 60));
    let reminder = world
        .coordinator
        .wait_for("the reminder", WAIT, |m| {
            m.room_id == coordination
                && world.texts.is_about(Lang::Fr, Key::AcknowledgeReminder, m.text(), 1)
        })
        .await?;
    ensure!(!reminder.text().contains("Martin"), "the number only: {}", reminder.body);
    // Once: another day brings no second reminder, and the acknowledgement stops it.
    clock.advance(std::time::Duration::from_secs(86_400));
    let acknowledged = ask(&world, &coordination, "!accuse 1").await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::Acknowledged, acknowledged.text(), 1),
        "{}",
        acknowledged.body
    );
    let reminders = world
        .coordinator
        .seen()
        .iter()
        .filter(|m| world.texts.is_about(Lang::Fr, Key::AcknowledgeReminder, m.text(), 1))
        .count();
    ensure!(reminders == 1, "{reminders} reminders");
    Ok(())
}
