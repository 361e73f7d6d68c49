//! End-to-end scenarios of the volunteer's journey: the charter asked for and accepted,
//! required for vetting (unless a coordinator overrides it, on record), asked again when
//! its text changes; the neighbourhoods that make relays mention a volunteer; breaks.

use anyhow::{Context as _, Result, ensure};
use chrono::{Days, Utc};
use entraide::config::Tz;
use entraide_commands::{Key, Lang, VolunteerStatus};
use entraide_storage::{AuditAction, Outcome, State};
use entraide_tests::{
    Person, Seen,
    bot::RunningBot,
    world::{WAIT, World, first_line, join_private_room},
};
use matrix_sdk::ruma::{
    OwnedEventId, RoomId,
    events::{
        relation::Reply,
        room::message::{Relation, RoomMessageEventContent},
    },
};

/// `person` writes `command` in `room` and waits for the bot's answer to it.
async fn answer(world: &World, person: &Person, room: &RoomId, command: &str) -> Result<Seen> {
    let sent = person.send_text(room, command).await?;
    answer_to(world, person, &sent, command).await
}

async fn answer_to(
    world: &World,
    person: &Person,
    sent: &OwnedEventId,
    what: &str,
) -> Result<Seen> {
    person
        .wait_for(what, WAIT, |m| m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(sent))
        .await
}

/// Today's date as the bot writes it, in the commune's time zone.
fn today() -> String {
    Utc::now().with_timezone(&Tz::Europe__Paris).format("%d/%m/%Y").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_newcomer_gets_the_charter_accepts_it_and_is_vetted_with_a_note() -> Result<()> {
    let world = World::start(false).await?;
    let marie = world.resident("marie").await?;
    let coordination = &world.coordination_room;
    let store = world.bot()?.store.clone();
    let user = marie.user_id.as_str();

    // Asked in the neighbourhood room, the charter comes in a direct chat.
    let pointer = answer(&world, &marie, &world.neighbourhood, "!bénévole").await?;
    ensure!(world.texts.says(&pointer, Lang::Fr, Key::CharterSent), "{}", pointer.body);
    let dm = marie.accept_invite(WAIT, |_| true).await?;
    let how = world.texts.text(Lang::Fr, Key::CharterHowToAccept, &[]);
    let charter = marie
        .wait_for("the charter", WAIT, |m| m.room_id == dm && m.sender == world.bot_id)
        .await?;
    for point in ["Discrétion", "Discretion", "112", how.as_str()] {
        ensure!(charter.text().contains(point), "{point}: {}", charter.body);
    }

    // Not vetted before accepting it: the coordinator is told how to proceed.
    let refused =
        answer(&world, &world.coordinator, coordination, &format!("!valider {user}")).await?;
    let needs = world.texts.is_with(Lang::Fr, Key::VetNeedsCharter, refused.text(), "user", user);
    ensure!(needs, "{}", refused.body);
    ensure!(store.person(user)?.status == VolunteerStatus::Unvetted, "unvetted");

    // Accepted: the version recorded, the coordination room told of someone to meet.
    let accepted = answer(&world, &marie, &dm, "!accepte").await?;
    let args = world.texts.args(Lang::Fr, Key::CharterAccepted, accepted.text());
    let version = args.and_then(|args| args.get("version").cloned()).context(accepted.body)?;
    let signed = store.person(user)?.charter.context("the acceptance recorded")?;
    ensure!(signed.version == version, "{signed:?} is not version {version}");
    world
        .coordinator
        .wait_for("the newcomer announced", WAIT, |m| {
            m.room_id == *coordination
                && world.texts.is_with(Lang::Fr, Key::CharterSigned, m.text(), "user", user)
        })
        .await?;
    let twice = answer(&world, &marie, &dm, "!j'accepte").await?;
    ensure!(world.texts.says(&twice, Lang::Fr, Key::CharterAlreadyAccepted), "{}", twice.body);

    // Vetted with a note, invited and welcomed in the volunteers room.
    let note = "rencontrée en mairie le 12";
    let vetted =
        answer(&world, &world.coordinator, coordination, &format!("!valider {user} {note}"))
            .await?;
    let lines: Vec<&str> = vetted.text().lines().collect();
    ensure!(world.texts.is_with(Lang::Fr, Key::Vetted, lines[0], "user", user), "{}", vetted.body);
    ensure!(
        lines.contains(&world.texts.text(Lang::Fr, Key::VettedNote, &[("note", note)]).as_str())
    );
    ensure!(lines.len() == 3, "no override was needed: {}", vetted.body);
    ensure!(world.texts.is(Lang::Fr, Key::RoomsInvited, lines[2]), "{}", vetted.body);
    let volunteers = world.volunteers_room.clone();
    marie.accept_invite(WAIT, move |room| room.room_id() == volunteers).await?;
    let welcome = marie
        .wait_for("the welcome", WAIT, |m| {
            m.room_id == world.volunteers_room
                && world.texts.is_with(Lang::Fr, Key::VolunteerWelcome, m.text(), "user", user)
        })
        .await?;
    ensure!(welcome.mentions.is_some_and(|m| m.contains(&marie.user_id)), "she is notified");
    let person = store.person(user)?;
    ensure!(person.status == VolunteerStatus::Vetted, "{person:?}");
    ensure!(person.reason.as_deref() == Some(note), "{person:?}");
    ensure!(person.changed_by.as_deref() == Some(world.coordinator.user_id.as_str()), "{person:?}");
    let audit = store.audit()?;
    let last = audit.last().context("the vetting in the audit")?;
    ensure!(last.action == AuditAction::Vet && last.reason.as_deref() == Some(note), "{audit:?}");
    ensure!(!audit.iter().any(|e| e.action == AuditAction::Override), "{audit:?}");

    // The list says she accepted the charter today.
    let list = answer(&world, &world.coordinator, coordination, "!benevoles").await?;
    let details = list.text().lines().find_map(|line| {
        let args = world.texts.args(Lang::Fr, Key::VolunteersLine, line)?;
        (args.get("user")? == user).then(|| args.get("details").cloned())?
    });
    let charter_line = world.texts.text(Lang::Fr, Key::StatusCharter, &[("date", &today())]);
    ensure!(details == Some(charter_line), "{}", list.body);

    // In English, in a direct chat of their own: the charter is the answer itself.
    let tom = Person::new(&world.synapse, "tom").await?;
    let own = tom.create_dm(&world.bot_id, false).await?;
    tom.wait_for("the bot in the chat", WAIT, |m| m.room_id == own && m.sender == world.bot_id)
        .await?;
    let charter = answer(&world, &tom, &own, "!volunteer").await?;
    let how = world.texts.text(Lang::En, Key::CharterHowToAccept, &[]);
    ensure!(charter.text().contains(&how), "{}", charter.body);
    let accepted = answer(&world, &tom, &own, "!accept").await?;
    ensure!(world.texts.says(&accepted, Lang::En, Key::CharterAccepted), "{}", accepted.body);
    let tom_id = tom.user_id.as_str();
    let vetted =
        answer(&world, &world.coordinator, coordination, &format!("!vet {tom_id}")).await?;
    let said =
        world.texts.is_with(Lang::En, Key::Vetted, first_line(vetted.text()), "user", tom_id);
    ensure!(said, "{}", vetted.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_coordinator_overrides_the_charter_on_record() -> Result<()> {
    let world = World::start(false).await?;
    let paul = Person::new(&world.synapse, "paul").await?;
    let user = paul.user_id.as_str();
    let command = format!("!vet {user} without charter, met on the 12th");
    let vetted = answer(&world, &world.coordinator, &world.coordination_room, &command).await?;
    let lines: Vec<&str> = vetted.text().lines().collect();
    ensure!(world.texts.is_with(Lang::En, Key::Vetted, lines[0], "user", user), "{}", vetted.body);
    let overrode = world.texts.text(Lang::En, Key::VettedWithoutCharter, &[]);
    ensure!(lines.contains(&overrode.as_str()), "{}", vetted.body);
    let audit = world.bot()?.store.audit()?;
    let actions: Vec<AuditAction> = audit.iter().map(|e| e.action).collect();
    ensure!(actions == [AuditAction::Vet, AuditAction::Override], "{audit:?}");
    ensure!(audit.iter().all(|e| e.reason.as_deref() == Some("met on the 12th")), "{audit:?}");
    let journal = answer(&world, &world.coordinator, &world.coordination_room, "!log").await?;
    let override_line = world.texts.text(Lang::En, Key::AuditOverride, &[]);
    ensure!(journal.text().contains(&format!("{override_line} {user}")), "{}", journal.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_relays_mention_the_neighbourhoods_volunteers_but_not_those_on_a_break() -> Result<()>
{
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let alice = world.volunteer("alice").await?;
    let bruno = world.volunteer("bruno").await?;
    let volunteers = &world.volunteers_room;

    let set = answer(&world, &alice, volunteers, "!quartiers Les Tilleuls").await?;
    let said = world.texts.is_with(Lang::Fr, Key::AreasSet, set.text(), "areas", "Les Tilleuls");
    ensure!(said, "{}", set.body);
    let unknown = answer(&world, &alice, volunteers, "!quartiers Les Tilleuls, Nulle-Part").await?;
    let said =
        world.texts.is_with(Lang::Fr, Key::AreasUnknown, unknown.text(), "name", "Nulle-Part");
    ensure!(said, "{}", unknown.body);
    let store = world.bot()?.store.clone();
    ensure!(store.person(alice.user_id.as_str())?.areas == ["Les Tilleuls"], "unchanged");
    // Names are matched without case or accents, and kept as the commune writes them.
    let set = answer(&world, &bruno, volunteers, "!areas les tilleuls").await?;
    let said = world.texts.is_with(Lang::En, Key::AreasSet, set.text(), "areas", "Les Tilleuls");
    ensure!(said, "{}", set.body);

    // Bruno takes a break until a date: not mentioned.
    let back_on = Utc::now().with_timezone(&Tz::Europe__Paris).date_naive() + Days::new(10);
    let command = format!("!break until {}", back_on.format("%d/%m"));
    let paused = answer(&world, &bruno, volunteers, &command).await?;
    let date = back_on.format("%d/%m/%Y").to_string();
    let said = world.texts.is_with(Lang::En, Key::PausedUntil, paused.text(), "date", &date);
    ensure!(said, "{}", paused.body);
    let (first, relay) = world.ask(&family, "!demande courses jeudi", &alice).await?;
    let mentioned = relay.mentions.clone().unwrap_or_default();
    ensure!(mentioned.contains(&alice.user_id), "alice is mentioned: {mentioned:?}");
    ensure!(!mentioned.contains(&bruno.user_id), "bruno is on a break: {mentioned:?}");

    // A date the bot cannot read changes nothing.
    let unread = answer(&world, &bruno, volunteers, "!pause jusqu'au jamais").await?;
    ensure!(world.texts.says(&unread, Lang::Fr, Key::PauseDateUnknown), "{}", unread.body);
    ensure!(store.person(bruno.user_id.as_str())?.pause.is_some(), "the break goes on");

    // Back: mentioned again.
    let back = answer(&world, &bruno, volunteers, "!available").await?;
    ensure!(world.texts.says(&back, Lang::En, Key::PauseOver), "{}", back.body);
    let again = answer(&world, &bruno, volunteers, "!dispo").await?;
    ensure!(world.texts.says(&again, Lang::Fr, Key::NotPaused), "{}", again.body);
    let (second, relay) = world.ask(&family, "!demande pharmacie vendredi", &alice).await?;
    ensure!(second > first, "a second request");
    let mentioned = relay.mentions.clone().unwrap_or_default();
    for volunteer in [&alice, &bruno] {
        ensure!(mentioned.contains(&volunteer.user_id), "{}: {mentioned:?}", volunteer.user_id);
    }

    // Without areas, nobody is mentioned; and residents have no areas to set.
    answer(&world, &alice, volunteers, "!quartiers aucun").await?;
    answer(&world, &bruno, volunteers, "!areas none").await?;
    let (_, relay) = world.ask(&family, "!demande visite samedi", &alice).await?;
    ensure!(relay.mentions.unwrap_or_default().is_empty(), "nobody chose the neighbourhood");
    let refused = answer(&world, &family, &world.neighbourhood, "!quartiers Les Tilleuls").await?;
    ensure!(world.texts.says(&refused, Lang::Fr, Key::RefusedWrongPlace), "{}", refused.body);

    // The list shows a break and areas.
    answer(&world, &alice, volunteers, "!quartiers Les Tilleuls").await?;
    answer(&world, &bruno, volunteers, "!pause").await?;
    let list = answer(&world, &world.coordinator, &world.coordination_room, "!volunteers").await?;
    let details_of = |person: &Person| {
        list.text().lines().find_map(|line| {
            let args = world.texts.args(Lang::En, Key::VolunteersLine, line)?;
            (args.get("user")? == person.user_id.as_str()).then(|| args.get("details").cloned())?
        })
    };
    let paused = world.texts.text(Lang::En, Key::StatusPaused, &[]);
    let areas = world.texts.text(Lang::En, Key::StatusAreas, &[("areas", "Les Tilleuls")]);
    let alice_details = details_of(&alice).context(list.body.clone())?;
    ensure!(alice_details.ends_with(&areas), "{}", list.body);
    let bruno_details = details_of(&bruno).context(list.body.clone())?;
    ensure!(bruno_details.ends_with(&paused), "{}", list.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_new_charter_is_accepted_again_before_taking_requests() -> Result<()> {
    let mut world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let marie = world.resident("marie").await?;
    let user = marie.user_id.as_str();
    // Accepted where she lives, then vetted after the meeting.
    let accepted = answer(&world, &marie, &world.neighbourhood, "!accepte").await?;
    ensure!(world.texts.says(&accepted, Lang::Fr, Key::CharterAccepted), "{}", accepted.body);
    let command = format!("!valider {user}");
    answer(&world, &world.coordinator, &world.coordination_room, &command).await?;
    let volunteers = world.volunteers_room.clone();
    marie.accept_invite(WAIT, move |room| room.room_id() == volunteers).await?;
    let old = world.bot()?.store.person(user)?.charter.context("signed")?.version;

    // The commune changes its charter: at the restart, the volunteers are told.
    let bot = world.bot.take().context("the bot")?;
    let (mut config, store, clock) = (bot.config.clone(), bot.store.clone(), bot.clock.clone());
    bot.stop().await?;
    let file = world.data_dir().join("charte.md");
    std::fs::write(&file, "**Charte**\n\nBienveillance, discrétion, et un numéro : 112.\n")?;
    config.charter = Some(file);
    world.bot = Some(RunningBot::start_by(config, store.clone(), clock));
    marie
        .wait_for("the new charter announced", WAIT, |m| {
            m.room_id == world.volunteers_room
                && world.texts.says(m, Lang::Fr, Key::CharterNewVersion)
        })
        .await?;

    // Her claims are refused with a pointer until she accepts it again.
    let (number, relay) = world.ask(&family, "!demande courses jeudi", &marie).await?;
    marie.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    marie
        .wait_for("the refusal in the relay's thread", WAIT, |m| {
            m.thread_root.as_ref() == Some(&relay.event_id)
                && world.texts.says(m, Lang::Fr, Key::CharterOutdated)
        })
        .await?;
    let take = format!("!prendre {number}");
    let refused = answer(&world, &marie, &world.volunteers_room, &take).await?;
    ensure!(world.texts.says(&refused, Lang::Fr, Key::CharterOutdated), "{}", refused.body);
    let in_english = format!("!take {number}");
    let refused = answer(&world, &marie, &world.volunteers_room, &in_english).await?;
    ensure!(world.texts.says(&refused, Lang::En, Key::CharterOutdated), "{}", refused.body);
    ensure!(store.request(number)?.context("the request")?.state.holder().is_none(), "open");

    // Accepted again, in English this time.
    let again = answer(&world, &marie, &world.volunteers_room, "!accept").await?;
    ensure!(world.texts.says(&again, Lang::En, Key::CharterAccepted), "{}", again.body);
    let new = store.person(user)?.charter.context("signed")?.version;
    ensure!(new != old, "a new version: {new}");
    let won = answer(&world, &marie, &world.volunteers_room, &take).await?;
    ensure!(world.texts.says(&won, Lang::Fr, Key::ClaimWon), "{}", won.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_person_helped_says_how_it_went_by_reaction_or_in_a_word() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let alice = world.volunteer("alice").await?;
    let (number, relay) = world.ask(&family, "!demande courses jeudi", &alice).await?;

    // Not done yet: the feedback waits.
    let early =
        answer(&world, &family, &world.neighbourhood, &format!("!feedback {number} great")).await?;
    ensure!(world.texts.says(&early, Lang::En, Key::FeedbackNotDone), "{}", early.body);

    alice.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    let private = join_private_room(&world.texts, &family, number).await?;
    join_private_room(&world.texts, &alice, number).await?;
    alice.send_text(&private, "!fait").await?;
    let asked = family
        .wait_for("the question of how it went", WAIT, |m| {
            m.room_id == private
                && world.texts.is_with(
                    Lang::Fr,
                    Key::FeedbackAsk,
                    m.text(),
                    "requester",
                    family.user_id.as_str(),
                )
        })
        .await?;
    ensure!(asked.mentions.is_some_and(|m| m.contains(&family.user_id)), "she is notified");

    // Only the person who asked answers for them: the volunteer's 👍 is no feedback.
    alice.react(&private, &asked.event_id, "👍").await?;
    family.react(&private, &asked.event_id, "👍🏼").await?;
    family
        .wait_for("the thanks", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::FeedbackThanks, m.text(), number)
        })
        .await?;
    let said = answer(&world, &family, &private, "!avis très gentille, merci").await?;
    ensure!(world.texts.says(&said, Lang::Fr, Key::FeedbackThanks), "{}", said.body);
    let store = world.bot()?.store.clone();
    let notes: Vec<(String, Option<String>)> = store
        .log_of(number)?
        .into_iter()
        .filter(|entry| entry.outcome == Outcome::Feedback)
        .map(|entry| (entry.actor, entry.note))
        .collect();
    let by = family.user_id.to_string();
    let expected =
        [(by.clone(), Some("👍".to_owned())), (by, Some("très gentille, merci".to_owned()))];
    ensure!(notes == expected, "{notes:?}");

    // Not so well, the next time: 👎, then a word in English, with the number.
    let (second, relay) = world.ask(&family, "!demande pharmacie vendredi", &alice).await?;
    alice.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    let private = join_private_room(&world.texts, &family, second).await?;
    join_private_room(&world.texts, &alice, second).await?;
    alice.send_text(&private, "!done").await?;
    let asked = family
        .wait_for("the question again", WAIT, |m| {
            m.room_id == private && world.texts.is(Lang::Fr, Key::FeedbackAsk, m.text())
        })
        .await?;
    family.react(&private, &asked.event_id, "👎").await?;
    family
        .wait_for("the thanks again", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::FeedbackThanks, m.text(), second)
        })
        .await?;
    let command = format!("!feedback {second} a bit late");
    let said = answer(&world, &family, &world.neighbourhood, &command).await?;
    ensure!(world.texts.says(&said, Lang::En, Key::FeedbackThanks), "{}", said.body);
    let notes: Vec<Option<String>> = store
        .log_of(second)?
        .into_iter()
        .filter(|entry| entry.outcome == Outcome::Feedback)
        .map(|entry| entry.note)
        .collect();
    ensure!(notes == [Some("👎".to_owned()), Some("a bit late".to_owned())], "{notes:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_volunteer_offer_goes_to_the_first_resident_who_takes_it_up() -> Result<()> {
    let world = World::start(false).await?;
    let alice = world.volunteer("alice").await?;
    let family = world.resident("famille").await?;
    let neighbour = world.resident("voisin").await?;
    let (volunteers, neighbourhood) = (&world.volunteers_room, &world.neighbourhood);

    // A resident cannot offer: offers come from vetted volunteers.
    let refused = answer(&world, &family, neighbourhood, "!propose des courses").await?;
    ensure!(world.texts.says(&refused, Lang::Fr, Key::RefusedWrongPlace), "{}", refused.body);

    // Offered in the volunteers room, posted in the neighbourhood room, unnamed.
    let text = "je vais faire les courses samedi matin, besoin de quelque chose ?";
    let posted = answer(&world, &alice, volunteers, &format!("!propose {text}")).await?;
    let number = world.texts.number(Lang::Fr, Key::OfferPosted, posted.text())?;
    ensure!(
        world.texts.is_with(Lang::Fr, Key::OfferPosted, posted.text(), "rooms", "Les Tilleuls"),
        "{}",
        posted.body
    );
    let post = family
        .wait_for("the offer's post", WAIT, |m| {
            m.room_id == *neighbourhood
                && world.texts.is_about(Lang::Fr, Key::OfferPost, &m.body, number)
        })
        .await?;
    ensure!(post.body.contains(text), "{}", post.body);
    ensure!(
        !post.body.contains(alice.user_id.as_str()),
        "the volunteer is not named: {}",
        post.body
    );
    ensure!(
        world.bot()?.store.request(number)?.is_some_and(|r| r.state == State::Offered),
        "an open offer"
    );

    // The first resident to say yes gets it, and a private room with the volunteer.
    let taken = answer(&world, &family, neighbourhood, &format!("!oui {number}")).await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::OfferTaken, taken.text(), number),
        "{}",
        taken.body
    );
    let private = join_private_room(&world.texts, &family, number).await?;
    join_private_room(&world.texts, &alice, number).await?;
    let intro = alice
        .wait_for("the introduction", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::PrivateIntroOffer, &m.body, number)
        })
        .await?;
    ensure!(intro.body.contains(text), "the whole text in the private room: {}", intro.body);

    // Someone else is too late; the post says it was taken up, and is taken down.
    let late = answer(&world, &neighbour, neighbourhood, &format!("!oui {number}")).await?;
    ensure!(world.texts.is_about(Lang::Fr, Key::OfferGone, late.text(), number), "{}", late.body);
    neighbour
        .wait_for("the post's status", WAIT, |m| {
            m.thread_root.as_ref() == Some(&post.event_id)
                && world.texts.is_about(Lang::Fr, Key::OfferPostTaken, &m.body, number)
        })
        .await?;
    wait_redacted(&neighbour, &post.event_id).await?;

    // Then it goes as any request a volunteer took: done, logged as an offer taken up.
    alice.send_text(&private, "!fait").await?;
    let log = world
        .wait_log(
            number,
            &[
                Outcome::Offered,
                Outcome::OfferTaken,
                Outcome::Claimed,
                Outcome::PrivateRoomCreated,
                Outcome::Done,
            ],
        )
        .await?;
    ensure!(log[0].actor == alice.user_id.as_str(), "{log:?}");
    ensure!(log[1].actor == family.user_id.as_str(), "{log:?}");
    ensure!(log[2].actor == alice.user_id.as_str(), "{log:?}");
    let request = world.bot()?.store.request(number)?.context("the request")?;
    ensure!(request.requester == family.user_id.as_str(), "{request:?}");
    ensure!(request.neighbourhood.as_deref() == Some("Les Tilleuls"), "{request:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_an_offer_in_english_is_withdrawn_and_not_taken_by_its_author() -> Result<()> {
    let world = World::start(false).await?;
    let bruno = world.volunteer("bruno").await?;
    let family = world.resident("family").await?;
    let volunteers = &world.volunteers_room;

    let posted =
        answer(&world, &bruno, volunteers, "!offer a lift to the market on Tuesday").await?;
    let number = world.texts.number(Lang::En, Key::OfferPosted, posted.text())?;
    let post = family
        .wait_for("the offer's post", WAIT, |m| {
            m.room_id == world.neighbourhood
                && world.texts.is_about(Lang::Fr, Key::OfferPost, &m.body, number)
        })
        .await?;

    // Its author cannot take it up; a volunteer cannot take it as a request either.
    let dm = bruno.create_dm(&world.bot_id, false).await?;
    bruno
        .wait_for("the bot in the chat", WAIT, |m| m.room_id == dm && m.sender == world.bot_id)
        .await?;
    let own = answer(&world, &bruno, &dm, &format!("!yes {number}")).await?;
    ensure!(world.texts.is_about(Lang::En, Key::OfferOwn, own.text(), number), "{}", own.body);
    let take = answer(&world, &bruno, volunteers, &format!("!take {number}")).await?;
    ensure!(world.texts.is_about(Lang::En, Key::NotOpen, take.text(), number), "{}", take.body);

    // Withdrawn where it was made: the post says so and is taken down; too late to say yes.
    let withdrawn = answer(&world, &bruno, volunteers, &format!("!cancel {number}")).await?;
    ensure!(
        world.texts.is_about(Lang::En, Key::CancelledAck, withdrawn.text(), number),
        "{}",
        withdrawn.body
    );
    family
        .wait_for("the post's status", WAIT, |m| {
            m.thread_root.as_ref() == Some(&post.event_id)
                && world.texts.is_about(Lang::Fr, Key::OfferPostClosed, &m.body, number)
        })
        .await?;
    wait_redacted(&family, &post.event_id).await?;
    let gone = answer(&world, &family, &world.neighbourhood, &format!("!yes {number}")).await?;
    ensure!(world.texts.is_about(Lang::En, Key::OfferGone, gone.text(), number), "{}", gone.body);
    world.wait_log(number, &[Outcome::Offered, Outcome::Cancelled]).await?;

    // Another offer, taken up in English: a private room for both, closed in English.
    let posted = answer(&world, &bruno, volunteers, "!offer groceries on Friday").await?;
    let second = world.texts.number(Lang::En, Key::OfferPosted, posted.text())?;
    let taken = answer(&world, &family, &world.neighbourhood, &format!("!yes {second}")).await?;
    ensure!(
        world.texts.is_about(Lang::En, Key::OfferTaken, taken.text(), second),
        "{}",
        taken.body
    );
    let private = join_private_room(&world.texts, &family, second).await?;
    ensure!(private == join_private_room(&world.texts, &bruno, second).await?);
    bruno.send_text(&private, "!done").await?;
    world
        .wait_log(
            second,
            &[
                Outcome::Offered,
                Outcome::OfferTaken,
                Outcome::Claimed,
                Outcome::PrivateRoomCreated,
                Outcome::Done,
            ],
        )
        .await?;
    Ok(())
}

/// Answering a post takes it: « oui merci » in reply to an offer's post, or 👍 on it (the
/// answer then goes in the post's thread, mentioning the resident); « je prends » in
/// reply to a relay. Until taken up, offers are in the coordinators' list of what waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_offers_and_relays_are_taken_by_answering_them() -> Result<()> {
    let world = World::start(false).await?;
    let alice = world.volunteer("alice").await?;
    let family = world.resident("famille").await?;
    let neighbour = world.resident("voisin").await?;
    let neighbourhood = &world.neighbourhood;
    let pharmacy = offer(&world, &alice, &family, "je passe à la pharmacie demain").await?;
    let market = offer(&world, &alice, &family, "je vais au marché samedi matin").await?;

    // Both wait for a resident: the coordinators see them with the open requests.
    let sent = world.coordinator.send_text(&world.coordination_room, "!demandes ouvertes").await?;
    let list = answer_to(&world, &world.coordinator, &sent, "the list").await?;
    for (number, _) in [&pharmacy, &market] {
        let listed =
            |line: &str| world.texts.is_about(Lang::Fr, Key::RequestsLineOffered, line, *number);
        ensure!(list.text().lines().any(listed), "offer {number} listed: {}", list.body);
    }

    // « Oui merci ! » in reply to the first post takes it up.
    let sent = family.send(neighbourhood, reply_to("Oui merci !", &pharmacy.1)).await?;
    let taken = answer_to(&world, &family, &sent, "the offer taken up").await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::OfferTaken, taken.text(), pharmacy.0),
        "{}",
        taken.body
    );
    join_private_room(&world.texts, &family, pharmacy.0).await?;
    // Too late for the neighbour's « oui ».
    let sent = neighbour.send(neighbourhood, reply_to("oui", &pharmacy.1)).await?;
    let late = answer_to(&world, &neighbour, &sent, "too late").await?;
    ensure!(
        world.texts.is_about(Lang::Fr, Key::OfferGone, late.text(), pharmacy.0),
        "{}",
        late.body
    );
    // A reply that says more is left to people.
    let sent =
        neighbour.send(neighbourhood, reply_to("oui mais pas avant lundi", &market.1)).await?;

    // 👍 on the second post: the neighbour gets it, told in the post's thread.
    neighbour.react(neighbourhood, &market.1.event_id, "👍").await?;
    let told = neighbour
        .wait_for("the offer taken up by a reaction", WAIT, |m| {
            m.thread_root.as_ref() == Some(&market.1.event_id)
                && world.texts.is_about(Lang::Fr, Key::OfferTaken, &m.body, market.0)
        })
        .await?;
    ensure!(told.mentions.as_deref() == Some(&[neighbour.user_id.clone()][..]), "{told:?}");
    join_private_room(&world.texts, &neighbour, market.0).await?;
    let store = &world.bot()?.store;
    for (number, resident) in [(pharmacy.0, &family), (market.0, &neighbour)] {
        let request = store.request(number)?.context("the offer")?;
        ensure!(request.requester == resident.user_id.as_str(), "{request:?}");
        let log = world
            .wait_log(
                number,
                &[
                    Outcome::Offered,
                    Outcome::OfferTaken,
                    Outcome::Claimed,
                    Outcome::PrivateRoomCreated,
                ],
            )
            .await?;
        ensure!(log[1].actor == resident.user_id.as_str(), "{log:?}");
    }
    ensure!(
        !neighbour
            .seen()
            .iter()
            .any(|m| m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(&sent)),
        "a reply saying more than yes is not answered"
    );

    // « je prends » in reply to a relay claims its request.
    let (number, relay) = world.ask(&family, "!demande courses jeudi", &alice).await?;
    let sent = alice.send(&world.volunteers_room, reply_to("Je prends", &relay)).await?;
    let won = answer_to(&world, &alice, &sent, "the claim").await?;
    ensure!(world.texts.is_about(Lang::Fr, Key::ClaimWon, won.text(), number), "{}", won.body);
    join_private_room(&world.texts, &alice, number).await?;
    world
        .wait_log(
            number,
            &[Outcome::Created, Outcome::Relayed, Outcome::Claimed, Outcome::PrivateRoomCreated],
        )
        .await?;
    Ok(())
}

/// `volunteer` offers `text` in the volunteers room; returns its number and the post
/// `resident` sees in the neighbourhood room.
async fn offer(
    world: &World,
    volunteer: &Person,
    resident: &Person,
    text: &str,
) -> Result<(u64, Seen)> {
    let posted =
        answer(world, volunteer, &world.volunteers_room, &format!("!propose {text}")).await?;
    let number = world.texts.number(Lang::Fr, Key::OfferPosted, posted.text())?;
    let post = resident
        .wait_for("the offer's post", WAIT, |m| {
            m.room_id == world.neighbourhood
                && m.replaces.is_none()
                && world.texts.is_about(Lang::Fr, Key::OfferPost, &m.body, number)
        })
        .await?;
    Ok((number, post))
}

/// A reply saying `text` to `to`.
fn reply_to(text: &str, to: &Seen) -> RoomMessageEventContent {
    let mut reply = RoomMessageEventContent::text_plain(text);
    reply.relates_to = Some(Relation::Reply(Reply::with_event_id(to.event_id.clone())));
    reply
}

/// Waits until `person` has seen `event` redacted.
async fn wait_redacted(person: &Person, event: &OwnedEventId) -> Result<()> {
    let deadline = std::time::Instant::now() + WAIT;
    while !person.redacted().contains(event) {
        ensure!(std::time::Instant::now() < deadline, "{event} never redacted");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(())
}
