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

/// The numbers of the register entries on the lists `person` was sent, in `room`.
fn listed(world: &World, person: &Person, room: &RoomId) -> Vec<u64> {
    let mut numbers: Vec<u64> = person
        .seen()
        .iter()
        .filter(|m| m.room_id == room && m.sender == world.bot_id)
        .flat_map(|m| {
            m.text()
                .lines()
                .filter_map(|line| world.texts.args(Lang::Fr, Key::CampaignListLine, line))
                .filter_map(|args| args.get("number")?.parse().ok())
                .collect::<Vec<u64>>()
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// `person`'s direct chat with the bot, once the bot opened it and they joined.
async fn direct_of(world: &World, person: &Person) -> Result<matrix_sdk::ruma::OwnedRoomId> {
    // The only invitation left: the neighbourhood room's was accepted as they came in.
    let neighbourhood = world.neighbourhood.clone();
    person.accept_invite(WAIT, move |room| room.room_id() != neighbourhood).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_heatwave_campaign_from_the_spreadsheet_to_the_report() -> Result<()> {
    let mut world = World::start(false).await?;
    let coordination = world.coordination_room.clone();
    let volunteer = world.volunteer("benevole").await?;

    // The commune's spreadsheet: 30 people, and two rows that cannot make an entry.
    let mut csv = "Nom;Prénom;Âge;Adresse;Téléphone;Quartier;Contact d'urgence\r\n".to_owned();
    for n in 1..=30 {
        let area = if n % 2 == 0 { "Centre" } else { "Les Tilleuls" };
        csv.push_str(&format!(
            "Martin{n};Jeanne;{};{n} rue des Lilas;05 56 00 00 {n:02};{area};sa fille 06 11 22 33 {n:02}\r\n",
            70 + n
        ));
    }
    csv.push_str(";;80;1 rue Haute;05 56 99 99 99;Centre;\r\n");
    csv.push_str("Roux;Anne;85;;;Centre;\r\n");
    let posted = world
        .coordinator
        .send_file(&coordination, "registre.csv", &mime::TEXT_CSV, csv.into_bytes())
        .await?;
    let report = world
        .coordinator
        .wait_for("the import's report", WAIT, |m| m.in_reply_to.as_ref() == Some(&posted))
        .await?;
    let done = line(&world, &report, Lang::Fr, Key::ImportDone)?;
    ensure!(done.get("taken").map(String::as_str) == Some("30"), "{}", report.body);
    ensure!(done.get("refused").map(String::as_str) == Some("2"), "{}", report.body);
    let store = world.bot()?.store.clone();
    ensure!(store.register()?.len() == 30, "30 entries");

    // Three callers named; one never accepts the clause and is given nothing.
    let alice = world.resident("alice").await?;
    let bob = world.resident("bob").await?;
    let carol = world.resident("carol").await?;
    let mut directs = Vec::new();
    for caller in [&alice, &bob, &carol] {
        ask(&world, &coordination, &format!("!appelant {}", caller.user_id)).await?;
        let direct = direct_of(&world, caller).await?;
        caller
            .wait_for("the clause", WAIT, |m| {
                m.room_id == direct && m.text().contains("!engagement")
            })
            .await?;
        directs.push(direct);
    }
    for (caller, direct) in [(&alice, &directs[0]), (&bob, &directs[1])] {
        let sworn = answer_to(&world, caller, direct, "!engagement").await?;
        ensure!(world.texts.is(Lang::Fr, Key::CallerSworn, sworn.text()), "{}", sworn.body);
    }

    // The campaign: the two sworn callers get 15 each, privately; Carol nothing.
    let started = ask(&world, &coordination, "!campagne canicule").await?;
    let said = line(&world, &started, Lang::Fr, Key::CampaignStarted)?;
    ensure!(said.get("count").map(String::as_str) == Some("30"), "{}", started.body);
    ensure!(said.get("callers").map(String::as_str) == Some("2"), "{}", started.body);
    let (alice_dm, bob_dm, carol_dm) = (directs[0].clone(), directs[1].clone(), directs[2].clone());
    for (caller, direct) in [(&alice, &alice_dm), (&bob, &bob_dm)] {
        wait_until_listed(&world, caller, direct, 15).await?;
    }
    ensure!(listed(&world, &carol, &carol_dm).is_empty(), "Carol never pledged");
    // The board: one message in the coordination room, pinned.
    let posted = world
        .coordinator
        .wait_for("the board, posted", WAIT, |m| is_board(&world, m, &coordination))
        .await?;
    let pins = world.coordinator.room(&coordination)?;
    entraide_tests::wait_until("the board pinned", WAIT, || async {
        let pinned = pins.load_pinned_events().await.ok().flatten().unwrap_or_default();
        pinned.contains(&posted.event_id).then_some(())
    })
    .await?;
    let (alices, bobs) = (listed(&world, &alice, &alice_dm), listed(&world, &bob, &bob_dm));
    ensure!(alices.iter().all(|n| !bobs.contains(n)), "{alices:?} {bobs:?}");

    // Alice, in plain words: one reached, one who needs groceries (a request relayed to
    // the volunteers); a line the bot cannot read is answered with how to write it.
    let reached = answer_to(&world, &alice, &alice_dm, &format!("{} ok", alices[0])).await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::CallReached, reached.text(), alices[0]),
        "{}",
        reached.body
    );
    let unread = format!("{} elle était au jardin", alices[0]);
    let unread = answer_to(&world, &alice, &alice_dm, &unread).await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::CallUnread, unread.text(), alices[0]),
        "{}",
        unread.body
    );
    let needs = format!("n° {} : besoin de courses pour demain matin", alices[1]);
    answer_to(&world, &alice, &alice_dm, &needs).await?;
    world
        .coordinator
        .wait_for("the need, to the coordinators", WAIT, |m| {
            m.room_id == coordination
                && m.text().contains("courses pour demain matin")
                && m.text().contains("rue des Lilas")
        })
        .await?;
    volunteer
        .wait_for("the need relayed", WAIT, |m| {
            m.room_id == world.volunteers_room && m.text().contains("courses pour demain matin")
        })
        .await?;
    // Someone else's person, or a stranger's call, is refused.
    let not_hers = answer_to(&world, &alice, &alice_dm, &format!("!appel {} ok", bobs[0])).await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::CallNotYours, not_hers.text(), bobs[0]),
        "{}",
        not_hers.body
    );
    let carols = answer_to(&world, &carol, &carol_dm, &format!("!appel {} ok", bobs[0])).await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::CallNotYours, carols.text(), bobs[0]),
        "{}",
        carols.body
    );

    // Bob: no answer, three times, reminded in between; then the coordinators alerted.
    let clock = world.bot()?.clock.clone();
    let two_hours = std::time::Duration::from_secs(2 * 3600 + 60);
    answer_to(&world, &bob, &bob_dm, &format!("!appel {} absent", bobs[0])).await?;
    let missed = format!("{} pas de réponse", bobs[0]);
    for _ in 0..2 {
        clock.advance(two_hours);
        bob.wait_for("the reminder to call again", WAIT, |m| {
            m.room_id == bob_dm
                && m.text()
                    .lines()
                    .any(|l| world.texts.is_about(Lang::Fr, Key::CallRetry, l, bobs[0]))
                && !m.text().is_empty()
        })
        .await?;
        answer_to(&world, &bob, &bob_dm, &missed).await?;
    }
    let alert = world
        .coordinator
        .wait_for("the alert", WAIT, |m| {
            m.room_id == coordination
                && world.texts.is_about(Lang::Fr, Key::AlertEscalated, first(m), bobs[0])
        })
        .await?;
    ensure!(alert.text().contains("06 11 22 33"), "the emergency contact: {}", alert.body);
    // Alice said nothing for four hours: her open calls go to Bob.
    world
        .coordinator
        .wait_for("the hand-over", WAIT, |m| {
            m.room_id == coordination
                && world.texts.args(Lang::Fr, Key::CampaignHandedOver, m.text()).is_some()
        })
        .await?;
    wait_until_listed(&world, &bob, &bob_dm, 28).await?;

    // A restart mid-campaign loses nothing: Bob goes on, the board tells where it stands.
    let bot = world.bot.take().context("the bot")?;
    let (config, kept, clock) = (bot.config.clone(), bot.store.clone(), bot.clock.clone());
    bot.stop().await?;
    world.bot = Some(entraide_tests::bot::RunningBot::start_by(config, kept, clock));
    let after = answer_to(&world, &bob, &bob_dm, &format!("!appel {} ok", alices[2])).await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::CallReached, after.text(), alices[2]),
        "{}",
        after.body
    );
    let board = ask(&world, &coordination, "!campagne").await?;
    ensure!(world.texts.is(Lang::Fr, Key::BoardPinned, first(&board)), "{}", board.body);
    let counts = line(&world, &board, Lang::Fr, Key::BoardCounts)?;
    ensure!(counts.get("reached").map(String::as_str) == Some("2"), "{}", board.body);
    ensure!(counts.get("needs").map(String::as_str) == Some("1"), "{}", board.body);
    ensure!(counts.get("escalated").map(String::as_str) == Some("1"), "{}", board.body);
    ensure!(!board.text().contains("Martin"), "no names on the board: {}", board.body);
    // The pinned board was edited to match, never posted again.
    world
        .coordinator
        .wait_for("the board, edited", WAIT, |m| {
            m.replaces.as_ref() == Some(&posted.event_id)
                && line(&world, m, Lang::Fr, Key::BoardCounts)
                    .is_ok_and(|c| c.get("reached").map(String::as_str) == Some("2"))
        })
        .await?;
    let boards = world.coordinator.seen();
    let boards =
        boards.iter().filter(|m| is_board(&world, m, &coordination) && m.replaces.is_none());
    ensure!(boards.count() == 1, "one board, edited in place");

    // The end: the report, and its table without a name.
    let skip = world.coordinator.seen().len();
    let over = ask(&world, &coordination, "!campagne fin").await?;
    let report = line(&world, &over, Lang::Fr, Key::CampaignReport)?;
    ensure!(report.get("people").map(String::as_str) == Some("30"), "{}", over.body);
    ensure!(report.get("escalations").map(String::as_str) == Some("1"), "{}", over.body);
    let file = world
        .coordinator
        .wait_for("the report's table", WAIT, |m| {
            m.room_id == coordination && m.sender == world.bot_id && m.file.is_some()
        })
        .await?;
    ensure!(world.coordinator.seen_after(skip).iter().any(|m| m.event_id == file.event_id));
    let table = String::from_utf8(
        world.coordinator.download(file.file.as_ref().context("a file")?).await?,
    )?;
    ensure!(table.lines().nth(1) == Some("1;30;3;"), "{table}");
    ensure!(!table.contains("Martin"), "{table}");
    // The chart of people reached over the round: a PNG that decodes.
    let chart = world
        .coordinator
        .wait_for("the report's chart", WAIT, |m| {
            m.room_id == coordination && m.sender == world.bot_id && m.image.is_some()
        })
        .await?;
    let image = chart.image.context("an image")?;
    ensure!(image.body == "campagne-1.png", "{}", image.body);
    let png = world.coordinator.download(&image).await?;
    let decoded = png::Decoder::new(std::io::Cursor::new(png)).read_info()?;
    ensure!(decoded.info().width == 1200, "{:?}", decoded.info());
    // Asked again later, the report is the same.
    let again = ask(&world, &coordination, "!campagne bilan 1").await?;
    ensure!(line(&world, &again, Lang::Fr, Key::CampaignReport)? == report, "{}", again.body);
    // The board's last edit says it is over, and it is no longer pinned.
    world
        .coordinator
        .wait_for("the board's last edit", WAIT, |m| {
            m.replaces.as_ref() == Some(&posted.event_id)
                && m.text()
                    .lines()
                    .any(|l| world.texts.args(Lang::Fr, Key::BoardEnded, l).is_some())
        })
        .await?;
    entraide_tests::wait_until("the board unpinned", WAIT, || async {
        let pinned = pins.load_pinned_events().await.ok().flatten().unwrap_or_default();
        (!pinned.contains(&posted.event_id)).then_some(())
    })
    .await?;
    let none = ask(&world, &coordination, "!campagne").await?;
    ensure!(world.texts.is(Lang::Fr, Key::CampaignNone, none.text()), "{}", none.body);

    // Offline (`entraide bilan-campagne`), from a copy of the store while the bot runs:
    // the same table, the chart, and the board as a picture.
    let running = world.bot()?;
    let out = tempfile::tempdir()?;
    let texts = entraide::load_texts(&running.config)?;
    let files = entraide::report::offline::write_campaign(
        &running.config,
        &texts,
        Some(1),
        Lang::Fr,
        out.path(),
        &running.config.data_dir.join("store"),
        running.clock.now(),
    )?;
    let names: Vec<String> = files
        .iter()
        .filter_map(|file| Some(file.file_name()?.to_string_lossy().into_owned()))
        .collect();
    let expected = ["campagne-1.txt", "campagne-1.png", "campagne-1.csv", "campagne-1-tableau.png"];
    ensure!(names == expected, "{names:?}");
    ensure!(std::fs::read_to_string(out.path().join("campagne-1.csv"))? == table, "the table");
    let board = std::fs::read(out.path().join("campagne-1-tableau.png"))?;
    let decoded = png::Decoder::new(std::io::Cursor::new(board)).read_info()?;
    ensure!(decoded.info().width == 1200 && decoded.info().height > 300, "{:?}", decoded.info());
    Ok(())
}

/// Whether `m` is the bot's campaign board (or an edit of it) in `room`.
fn is_board(world: &World, m: &Seen, room: &RoomId) -> bool {
    m.room_id == room
        && m.sender == world.bot_id
        && world.texts.args(Lang::Fr, Key::BoardHeader, first(m)).is_some()
}

/// The first line of a message.
fn first(m: &Seen) -> &str {
    m.text().lines().next().unwrap_or_default()
}

/// Waits until `person` was sent at least `count` people on their lists in `room`.
async fn wait_until_listed(
    world: &World,
    person: &Person,
    room: &RoomId,
    count: usize,
) -> Result<()> {
    entraide_tests::wait_until("the list", WAIT, || async {
        (listed(world, person, room).len() >= count).then_some(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_family_is_told_only_with_the_persons_consent() -> Result<()> {
    let world = World::start(false).await?;
    let coordination = world.coordination_room.clone();
    let son = world.resident("fils").await?;
    let daughter = world.resident("fille").await?;
    let with = format!(
        "!inscrire Mme Blanc, 88 ans, 7 rue Basse, 05 56 55 55 55, contact son fils {}, accord famille",
        son.user_id
    );
    ask(&world, &coordination, &with).await?;
    let without = format!(
        "!inscrire Mme Noir, 91 ans, 9 rue Basse, 05 56 66 66 66, contact sa fille {}",
        daughter.user_id
    );
    ask(&world, &coordination, &without).await?;
    let store = world.bot()?.store.clone();
    let blanc = store.entry(1)?.context("entry 1")?;
    ensure!(blanc.particulars.family_told, "{blanc:?}");
    ensure!(!store.entry(2)?.context("entry 2")?.particulars.family_told);

    // No caller: the coordinator calls both, from the coordination room.
    ask(&world, &coordination, "!campagne canicule").await?;
    ask(&world, &coordination, "!appel 1 ok").await?;
    let direct = direct_of(&world, &son).await?;
    let news =
        son.wait_for("the news", WAIT, |m| m.room_id == direct && m.sender == world.bot_id).await?;
    let args =
        world.texts.args(Lang::Fr, Key::FamilyReached, news.text()).context(news.body.clone())?;
    ensure!(args.get("person").map(String::as_str) == Some("Mme Blanc"), "{}", news.body);
    // He answers there: the coordination hears it, he is told so.
    son.send_text(&direct, "Merci, je passe la voir ce soir").await?;
    let thanks = son
        .wait_for("the thanks", WAIT, |m| {
            m.room_id == direct && world.texts.is(Lang::Fr, Key::FamilyPassedOn, m.text())
        })
        .await?;
    ensure!(world.texts.is(Lang::Fr, Key::FamilyPassedOn, thanks.text()), "{}", thanks.body);
    let heard = world
        .coordinator
        .wait_for("the son's answer", WAIT, |m| {
            m.room_id == coordination && m.text().contains("je passe la voir ce soir")
        })
        .await?;
    let args =
        world.texts.args(Lang::Fr, Key::FamilyWrote, heard.text()).context(heard.body.clone())?;
    ensure!(args.get("number").map(String::as_str) == Some("1"), "{}", heard.body);
    ask(&world, &coordination, "!appel 2 ok").await?;
    ask(&world, &coordination, "!campagne").await?;
    let theirs = entraide_storage::RoomKind::Direct { user: daughter.user_id.to_string() };
    ensure!(
        store.rooms_where(|kind| *kind == theirs)?.is_empty(),
        "without consent, nothing is sent"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_yearly_round_asks_whether_people_stay_on_the_register() -> Result<()> {
    let world = World::start(false).await?;
    let coordination = world.coordination_room.clone();
    // One entered by a coordinator, one asked online by the person herself.
    ask(&world, &coordination, "!inscrire M. Petit, 80 ans, 2 rue Haute, 05 56 77 77 77").await?;
    let jeanne = world.resident("jeanne").await?;
    let direct = jeanne.create_dm(&world.bot_id, false).await?;
    let signup = "!alerte inscription Jeanne Roux, 82 ans, 3 place du Marché, 05 56 00 00 00";
    answer_to(&world, &jeanne, &direct, signup).await?;
    ask(&world, &coordination, "!confirmer 2").await?;

    // A year on: she is asked in her chat, the coordinators are given the other number.
    let clock = world.bot()?.clock.clone();
    clock.advance(std::time::Duration::from_secs(366 * 86_400));
    let due = world
        .coordinator
        .wait_for("the yearly round", WAIT, |m| {
            m.room_id == coordination
                && world.texts.args(Lang::Fr, Key::ReviewDue, m.text()).is_some()
        })
        .await?;
    let args = world.texts.args(Lang::Fr, Key::ReviewDue, due.text()).context("the numbers")?;
    ensure!(args.get("numbers").map(String::as_str) == Some("n°1"), "{}", due.body);
    ensure!(!due.text().contains("Petit"), "numbers only in the room: {}", due.body);
    let asked = jeanne
        .wait_for("the yearly question", WAIT, |m| {
            m.room_id == direct && world.texts.args(Lang::Fr, Key::ReviewAsk, m.text()).is_some()
        })
        .await?;
    ensure!(asked.text().contains("n°2"), "{}", asked.body);

    // Both stay: she answers, the coordinator confirms after calling him.
    let stayed = answer_to(&world, &jeanne, &direct, "!alerte rester").await?;
    ensure!(
        world.texts.args(Lang::Fr, Key::AlertStayed, stayed.text()).is_some(),
        "{}",
        stayed.body
    );
    let kept = ask(&world, &coordination, "!confirmer 1").await?;
    ensure!(world.texts.args(Lang::Fr, Key::EntryRenewed, kept.text()).is_some(), "{}", kept.body);
    let store = world.bot()?.store.clone();
    let now = world.bot()?.clock.now();
    for number in [1, 2] {
        let entry = store.entry(number)?.context("the entry")?;
        ensure!(
            entry.review_asked.is_none() && now - entry.confirmed_at < chrono::TimeDelta::hours(1),
            "{entry:?}"
        );
    }

    // The mayor's calm days' round over the elders only: a year on he is 81, she is 83.
    let started = ask(&world, &coordination, "!campagne appels 82 ans et plus").await?;
    let said = line(&world, &started, Lang::Fr, Key::CampaignStarted)?;
    ensure!(said.get("count").map(String::as_str) == Some("1"), "{}", started.body);
    let scope = line(&world, &started, Lang::Fr, Key::CampaignScope)?;
    ensure!(scope.get("scope").is_some_and(|s| s.starts_with("82 ans")), "{}", started.body);
    let called: Vec<u64> = store.checkins(1)?.iter().map(|check| check.entry).collect();
    ensure!(called == [2], "{called:?}");
    Ok(())
}

/// What no one but the coordinators and the sworn callers may read of entry 1 in
/// [`test_no_one_else_reads_the_register_by_any_command_in_any_room`].
const SECRETS: [&str; 4] = ["Secret", "impasse Cachée", "05 99 88 77 66", "06 55 44 33 22"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_no_one_else_reads_the_register_by_any_command_in_any_room() -> Result<()> {
    let world = World::start(false).await?;
    let coordination = world.coordination_room.clone();
    ask(
        &world,
        &coordination,
        "!inscrire Mme Secret, 90 ans, 7 impasse Cachée, 05 99 88 77 66, contact son fils \
         06 55 44 33 22",
    )
    .await?;
    // A campaign runs: with no caller named, the coordinator holds its list.
    ask(&world, &coordination, "!campagne canicule").await?;

    let volunteer = world.volunteer("benevole").await?;
    let resident = world.resident("habitant").await?;
    let stranger = Person::new(&world.synapse, "inconnu").await?;
    let mut tries = Vec::new();
    for person in [&volunteer, &resident, &stranger] {
        let direct = person.create_dm(&world.bot_id, false).await?;
        tries.push((person, direct));
    }
    tries.push((&volunteer, world.volunteers_room.clone()));
    tries.push((&resident, world.neighbourhood.clone()));
    let commands = [
        "!registre",
        "!registre 1",
        "!registre export",
        "!appel 1 ok",
        "!appel 1 besoin de pain",
        "!campagne",
        "!campagne bilan",
        "!campagne fin",
        "!appelant @inconnu:localhost",
        "!engagement",
        "!corriger 1 adresse 1 rue Neuve",
        "!confirmer 1",
        "!accuse 1",
        "!desinscrire 1",
        "!inscrire M. Essai, 05 00 00 00 00",
        "!alerte retrait",
    ];
    let mut unanswered = Vec::new();
    for (person, room) in &tries {
        for command in commands {
            let sent = person.send_text(room, command).await?;
            let answered = person
                .wait_for(command, WAIT / 3, |m| {
                    m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(&sent)
                })
                .await;
            match answered {
                Ok(answer) => {
                    let leak = SECRETS.iter().find(|secret| answer.text().contains(**secret));
                    ensure!(
                        leak.is_none(),
                        "{command} by {} leaks: {}",
                        person.user_id,
                        answer.body
                    );
                }
                Err(_) => unanswered.push(format!("{command} by {} in {room}", person.user_id)),
            }
        }
    }
    ensure!(unanswered.is_empty(), "no answer to {unanswered:?}");
    // Nothing reached them any other way either, and the register is as it was.
    for (person, _) in &tries {
        for seen in person.seen() {
            let leak = SECRETS.iter().find(|secret| seen.text().contains(**secret));
            ensure!(leak.is_none(), "{} saw {}", person.user_id, seen.body);
        }
    }
    let store = world.bot()?.store.clone();
    let entry = store.entry(1)?.context("entry 1")?;
    ensure!(entry.particulars.address.as_deref() == Some("7 impasse Cachée"), "{entry:?}");
    ensure!(store.entry(2)?.is_none(), "nobody else enters anyone");
    ensure!(store.running_campaign()?.is_some(), "the campaign still runs");
    ensure!(store.callers()?.is_empty(), "nobody else names a caller");
    Ok(())
}
