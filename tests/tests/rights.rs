//! End-to-end scenarios of the rights of the people over their data (GDPR Art. 15 and
//! 17): `!mesdonnees` sends a JSON file in a direct chat; `!oubliemoi` asks first, then
//! leaves no trace of the person in any tree and takes the bot's messages about them
//! down; a coordinator's `!effacer` does the same for someone who asked by phone, and
//! the requests that person held go back to the volunteers.

use std::time::Duration;

use anyhow::{Context as _, Result, ensure};
use entraide_commands::{Key, Lang, VolunteerStatus};
use entraide_storage::{AuditAction, Outcome, PSEUDONYM_PREFIX, State, Store};
use entraide_tests::{
    Person, Seen, wait_until,
    world::{DONE, WAIT, World, first_line, join_private_room},
};
use matrix_sdk::ruma::{OwnedEventId, RoomId, int};

/// Waits until no tree of the store holds `needle`.
async fn no_trace(store: &Store, what: &str, needle: &str) -> Result<()> {
    wait_until(&format!("no trace of {what} in the store"), WAIT, || async {
        store.trees_holding(needle.as_bytes()).ok().filter(Vec::is_empty).map(drop)
    })
    .await
    .with_context(|| format!("{what} still in {:?}", store.trees_holding(needle.as_bytes())))
}

/// Waits until `person` has seen every event of `events` redacted.
async fn all_redacted(person: &Person, what: &str, events: &[OwnedEventId]) -> Result<()> {
    wait_until(what, WAIT, || async {
        let redacted = person.redacted();
        events.iter().all(|event| redacted.contains(event)).then_some(())
    })
    .await
}

/// The bot's message in `room` that says `key` in French.
async fn answer_seen(world: &World, person: &Person, room: &RoomId, key: Key) -> Result<Seen> {
    person
        .wait_for(key.name(), WAIT, |m| {
            m.room_id == room && m.sender == world.bot_id && world.texts.says(m, Lang::Fr, key)
        })
        .await
}

/// The id of [`answer_seen`]'s message.
async fn answer(world: &World, person: &Person, room: &RoomId, key: Key) -> Result<OwnedEventId> {
    Ok(answer_seen(world, person, room, key).await?.event_id)
}

/// A person with a request under way gets their data as a file in a direct chat, then
/// has it erased: the request is cancelled in its private room, the relay and the bot's
/// messages in the private room and the direct chat are redacted, the bot leaves the
/// direct chat, and no tree holds their id or their text. All end-to-end encrypted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_my_data_comes_as_a_file_and_forget_me_leaves_no_trace() -> Result<()> {
    let world = World::start(true).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let details = "06 12 34 56 78";
    let text = format!("!demande courses pour Mme Martin, {details}, demain matin");
    let (number, confirmation) =
        world.ask_in(&family, &world.neighbourhood, &text, Lang::Fr).await?;
    let relay = world.relay(&volunteer, number).await?;
    volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    let private = join_private_room(&world.texts, &volunteer, number).await?;
    join_private_room(&world.texts, &family, number).await?;
    let told = family
        .wait_for("the requester told", WAIT, |m| {
            m.room_id == world.neighbourhood
                && world.texts.is_about(Lang::Fr, Key::RequesterTold, m.text(), number)
        })
        .await?;
    let intro = volunteer
        .wait_for("the request in the private room", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::PrivateIntro, m.text(), number)
        })
        .await?;

    // Access: a file in a direct chat the bot opens, and a word where it was asked.
    family.send_text(&world.neighbourhood, "!mesdonnees").await?;
    answer(&world, &family, &world.neighbourhood, Key::MyDataSent).await?;
    let private_id = private.clone();
    let direct = family.accept_invite(WAIT, move |room| room.room_id() != private_id).await?;
    let here = answer(&world, &family, &direct, Key::MyDataHere).await?;
    let file = family
        .wait_for("the file of their data", WAIT, |m| m.room_id == direct && m.file.is_some())
        .await?;
    ensure!(file.was_encrypted, "the direct chat is encrypted");
    ensure!(file.body == world.texts.text(Lang::Fr, Key::MyDataFile, &[]), "{}", file.body);
    let bytes = family.download(file.file.as_ref().context("a file")?).await?;
    let data: serde_json::Value = serde_json::from_slice(&bytes)?;
    ensure!(data["user_id"] == family.user_id.as_str(), "{data}");
    ensure!(data["requests"][0]["number"] == number, "{data}");
    let whole = data["requests"][0]["text"].as_str().unwrap_or_default();
    ensure!(whole.contains(details), "their own text, whole: {whole}");
    let json = String::from_utf8_lossy(&bytes);
    ensure!(!json.contains(volunteer.user_id.as_str()), "another person's id in their data");

    // Erasure: a confirmation step first, which changes nothing.
    family.send_text(&direct, "!oubliemoi").await?;
    answer(&world, &family, &direct, Key::ForgetMeAsk).await?;
    let store = world.bot()?.store.clone();
    let kept = store.request(number)?.context("the request")?;
    ensure!(kept.text.contains(details) && kept.requester == family.user_id.as_str(), "{kept:?}");

    family.send_text(&direct, "!oubliemoi confirmer").await?;
    answer(&world, &family, &direct, Key::ForgetMeDone).await?;
    volunteer
        .wait_for("the volunteer told the request ends", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::CancelledForgotten, m.text(), number)
        })
        .await?;
    all_redacted(&volunteer, "the relay and the intro redacted", &[relay.event_id, intro.event_id])
        .await?;
    let theirs = [here, file.event_id, confirmation.event_id, told.event_id];
    all_redacted(&family, "the bot's messages about them redacted", &theirs).await?;
    family.wait_member_gone(&direct, &world.bot_id, WAIT).await?;

    no_trace(&store, "their id", family.user_id.as_str()).await?;
    no_trace(&store, "their phone number", details).await?;
    no_trace(&store, "the name in their text", "Martin").await?;
    let request = store.request(number)?.context("the request, anonymous")?;
    ensure!(matches!(request.state, State::Cancelled { .. }), "{:?}", request.state);
    ensure!(request.requester.starts_with(PSEUDONYM_PREFIX), "{}", request.requester);
    let erased: Vec<_> =
        store.log()?.into_iter().filter(|e| e.outcome == Outcome::Erased).collect();
    ensure!(erased.len() == 1 && erased[0].actor.starts_with(PSEUDONYM_PREFIX), "{erased:?}");
    Ok(())
}

/// A coordinator erases a volunteer who asked by letter: a confirmation step, then the
/// request they held goes back to the volunteers (relayed again, the requester told in
/// the private room), they are out of the volunteers room, no tree holds their id, and
/// the erasure is logged under the coordinator's name.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_coordinator_erases_a_volunteer_and_their_claim_goes_back() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let other = world.volunteer("autre").await?;
    let (number, _) = world.ask(&family, "!demande pharmacie jeudi", &other).await?;
    volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    let private = join_private_room(&world.texts, &family, number).await?;
    join_private_room(&world.texts, &volunteer, number).await?;

    let store = world.bot()?.store.clone();
    let coordination = &world.coordination_room;
    let user = volunteer.user_id.as_str();
    let vetted = world
        .coordinator
        .seen()
        .into_iter()
        .find(|m| world.texts.is_with(Lang::Fr, Key::Vetted, first_line(m.text()), "user", user))
        .context("the vetting's answer")?;
    world.coordinator.send_text(coordination, &format!("!effacer {user}")).await?;
    world
        .coordinator
        .wait_for("the confirmation step", WAIT, |m| {
            m.room_id == *coordination
                && world.texts.is_with(Lang::Fr, Key::EraseAsk, m.text(), "user", user)
        })
        .await?;
    ensure!(store.person(user)?.status == VolunteerStatus::Vetted, "nothing erased yet");

    world.coordinator.send_text(coordination, &format!("!effacer {user} confirmer")).await?;
    answer(&world, &world.coordinator, coordination, Key::EraseDone).await?;
    family
        .wait_for("the requester told the request is given back", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::ReleasedPrivate, m.text(), number)
        })
        .await?;
    wait_until("the request relayed again", WAIT, || async {
        (world.relays_seen(&other, number).len() == 2).then_some(())
    })
    .await?;
    other.wait_member_gone(&world.volunteers_room, &volunteer.user_id, WAIT).await?;
    all_redacted(&world.coordinator, "the vetting's answer redacted", &[vetted.event_id]).await?;
    no_trace(&store, "the volunteer's id", user).await?;
    ensure!(store.request(number)?.is_some_and(|r| r.state == State::Open), "open again");
    let erased: Vec<_> =
        store.log()?.into_iter().filter(|e| e.outcome == Outcome::Erased).collect();
    ensure!(
        erased.len() == 1 && erased[0].actor == world.coordinator.user_id.as_str(),
        "{erased:?}"
    );
    // The audit says the coordinator erased someone, not whom; the vetting's entry now
    // names a pseudonym.
    let audit = store.audit()?;
    let erase = audit.iter().find(|e| e.action == AuditAction::Erase).context("the erasure")?;
    ensure!(
        erase.actor == world.coordinator.user_id.as_str() && erase.target.is_none(),
        "{audit:?}"
    );
    let vetting = audit.iter().find(|e| e.action == AuditAction::Vet).context("the vetting")?;
    let target = vetting.target.as_deref().unwrap_or_default();
    ensure!(target.starts_with(PSEUDONYM_PREFIX), "{audit:?}");
    // In chat, the journal ends with the erasure, and names the volunteer nowhere.
    let asked = world.coordinator.send_text(coordination, "!journal").await?;
    let journal = world
        .coordinator
        .wait_for("the journal", WAIT, |m| m.in_reply_to.as_ref() == Some(&asked))
        .await?;
    let last = journal.text().lines().last().unwrap_or_default();
    ensure!(last.contains(&world.texts.text(Lang::Fr, Key::AuditErase, &[])), "{}", journal.body);
    ensure!(!journal.text().contains(user), "{}", journal.body);
    Ok(())
}

/// Where the bot has the power, a request written in a neighbourhood room is taken out of
/// it once recorded: a line in the room tells its author why, and the confirmation, the
/// notice on personal data and what follows come in a direct chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_request_leaves_the_neighbourhood_room_and_is_followed_in_a_direct_chat()
-> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let hood = &world.neighbourhood;
    world.coordinator.room(hood)?.update_power_levels(vec![(&world.bot_id, int!(50))]).await?;
    // The bot handles a room's events in order: once it answers this, it has seen its power.
    let help = world.coordinator.send_text(hood, "!aide").await?;
    world.coordinator.wait_for("the help", WAIT, |m| m.in_reply_to.as_ref() == Some(&help)).await?;

    let details = "06 12 34 56 78";
    let text = format!("!demande courses pour jeudi, appelez-moi au {details}");
    let command = family.send_text(hood, &text).await?;
    let line = family
        .wait_for("the line that says why", WAIT, |m| {
            m.room_id == *hood && world.texts.says(m, Lang::Fr, Key::RequestMoved)
        })
        .await?;
    ensure!(line.mentions.as_deref() == Some(&[family.user_id.clone()][..]), "{line:?}");
    wait_until("the request taken out of the room", WAIT, || async {
        family.redacted().contains(&command).then_some(())
    })
    .await?;
    let direct = family.accept_invite(WAIT, |_| true).await?;
    let confirmation = answer_seen(&world, &family, &direct, Key::RequestConfirmed).await?;
    let number = world.texts.number(Lang::Fr, Key::RequestConfirmed, confirmation.text())?;
    let said = world.texts.is_with(
        Lang::Fr,
        Key::RequestMoved,
        line.text(),
        "number",
        &number.to_string(),
    );
    ensure!(said, "the line names the request: {}", line.body);
    answer_seen(&world, &family, &direct, Key::PrivacyNotice).await?;

    world.relay(&volunteer, number).await?;
    volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    family
        .wait_for("the requester told in the direct chat", WAIT, |m| {
            m.room_id == direct
                && world.texts.is_about(Lang::Fr, Key::RequesterTold, m.text(), number)
        })
        .await?;
    for said in family.seen().iter().filter(|m| m.room_id == *hood && m.sender == world.bot_id) {
        ensure!(!said.body.contains(details), "the room reads the request: {}", said.body);
    }
    let store = world.bot()?.store.clone();
    let request = store.request(number)?.context("the request")?;
    ensure!(request.origin_room == direct.as_str(), "followed in {}", request.origin_room);
    ensure!(request.text.contains(details), "the whole text is kept for the volunteer");
    Ok(())
}

/// The retention periods, by the bot's clock moved forward: after 91 days the text and
/// the note of a closed request are gone from every tree while its people are still
/// known; after two years without activity the person who asked is forgotten, and the
/// bot takes its messages down from their direct chat and leaves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_retention_purges_by_the_bots_clock() -> Result<()> {
    const DAY: Duration = Duration::from_secs(86_400);
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let direct = family.create_dm(&world.bot_id, false).await?;
    let welcome = answer(&world, &family, &direct, Key::DirectWelcome).await?;
    let (number, _) =
        world.ask(&family, "!demande courses pour Mme Dubois jeudi", &volunteer).await?;
    volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    let private = join_private_room(&world.texts, &volunteer, number).await?;
    volunteer.send_text(&private, "!fait avec Mme Dubois, très contente").await?;
    world.wait_log(number, &DONE).await?;
    let store = world.bot()?.store.clone();
    let clock = world.bot()?.clock.clone();

    clock.advance(DAY * 91);
    no_trace(&store, "the request's text and note", "Dubois").await?;
    no_trace(&store, "the note", "contente").await?;
    let known = store.trees_holding(family.user_id.as_str().as_bytes())?;
    ensure!(!known.is_empty(), "forgotten before their time");

    clock.advance(DAY * 640);
    no_trace(&store, "the person who asked", family.user_id.as_str()).await?;
    all_redacted(&family, "the welcome in the direct chat redacted", &[welcome]).await?;
    family.wait_member_gone(&direct, &world.bot_id, WAIT).await?;
    Ok(())
}
