//! End-to-end scenarios of how the bot talks: answers as replies (a relation and a
//! mention, no quote: Matrix 1.13 removed reply fallbacks), threads in the volunteers room, a release in the private room without
//! a number, the person a coordinator vets, and a commune's own wording.

use anyhow::{Context as _, Result, ensure};
use entraide_commands::{Key, Lang, VolunteerStatus};
use entraide_storage::{Outcome, State};
use entraide_tests::{
    Person, Texts,
    world::{WAIT, World, join_private_room},
};
use matrix_sdk::ruma::{
    OwnedUserId,
    events::{
        Mentions,
        relation::Reply,
        room::message::{Relation, RoomMessageEventContent},
    },
};

/// A command in a neighbourhood room is answered by a reply to it: `m.in_reply_to`, the
/// person mentioned, and bodies that quote nothing (no reply fallback, Matrix 1.13).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_answers_are_replies_that_never_quote_the_request() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let text = "!demande courses pour Mme Martin, 06 12 34 56 78, demain";
    let (_, confirmation) = world.ask_in(&family, &world.neighbourhood, text, Lang::Fr).await?;

    // The reply relation (which `ask_in` waited for) and the person mentioned.
    ensure!(confirmation.in_reply_to.is_some(), "not a reply: {confirmation:?}");
    assert_eq!(confirmation.mentions.as_deref(), Some(&[family.user_id.clone()][..]));
    // No fallback: the bodies are the message alone.
    ensure!(!confirmation.body.starts_with("> "), "a plain fallback: {:?}", confirmation.body);
    ensure!(!confirmation.body.contains("!demande"), "the command quoted: {:?}", confirmation.body);
    // The confirmation, then (a first request) the notice on personal data: nothing else.
    let (confirmed, notice) =
        confirmation.body.split_once("\n\n").context("the notice after the confirmation")?;
    ensure!(world.texts.is(Lang::Fr, Key::RequestConfirmed, confirmed), "{:?}", confirmation.body);
    ensure!(world.texts.is(Lang::Fr, Key::PrivacyNotice, notice), "{:?}", confirmation.body);
    let html = confirmation.html.as_deref().context("an HTML body")?;
    for fallback in ["<mx-reply>", "<blockquote>", "In reply to", "!demande"] {
        ensure!(!html.contains(fallback), "an HTML fallback ({fallback}): {html}");
    }
    for body in [confirmation.body.as_str(), html] {
        ensure!(!body.contains("06 12 34 56 78"), "the reply repeats the request: {body}");
    }
    Ok(())
}

/// The relay, read by every volunteer, masks contact details; the private room, shared
/// by the volunteer and the person who asked, has the whole text.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_relay_masks_contact_details_the_private_room_has_them() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let text =
        "!demande courses pour Mme Martin, 12 rue des Lilas, code 4589B, tél. 06 12 34 56 78";
    let (number, relay) = world.ask(&family, text, &volunteer).await?;
    for detail in ["Martin", "Lilas", "4589B", "06 12 34 56 78"] {
        ensure!(!relay.body.contains(detail), "the relay shows {detail:?}: {}", relay.body);
    }
    for marker in ["[nom]", "[adresse]", "[code]", "[téléphone]"] {
        ensure!(relay.body.contains(marker), "the relay lacks {marker}: {}", relay.body);
    }
    volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    let private = join_private_room(&world.texts, &volunteer, number).await?;
    let intro = volunteer
        .wait_for("the intro", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::PrivateIntro, m.text(), number)
        })
        .await?;
    ensure!(
        intro.body.contains(&text["!demande ".len()..]),
        "the intro lacks the text: {}",
        intro.body
    );
    Ok(())
}

/// In the volunteers room, answers stay in threads: a claim's answer in the relay's
/// thread, a command about no request in the command's own thread; both reply to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_answers_in_the_volunteers_room_stay_in_threads() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let (number, relay) = world.ask(&family, "!demande pharmacie", &volunteer).await?;

    let take = volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    let won = volunteer
        .wait_for("the claim's answer", WAIT, |m| {
            world.texts.is_about(Lang::Fr, Key::ClaimWon, m.text(), number)
        })
        .await?;
    assert_eq!(won.thread_root.as_ref(), Some(&relay.event_id));
    assert_eq!(won.in_reply_to.as_ref(), Some(&take));
    assert_eq!(won.mentions.as_deref(), Some(&[volunteer.user_id.clone()][..]));
    ensure!(!won.body.starts_with("> "), "a fallback in the thread: {:?}", won.body);

    let help = volunteer.send_text(&world.volunteers_room, "!aide").await?;
    let header = world.texts.text(Lang::Fr, Key::HelpHeader, &[]);
    let answer = volunteer
        .wait_for("the help", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&help) && m.text().starts_with(&header)
        })
        .await?;
    assert_eq!(answer.thread_root.as_ref(), Some(&help));
    assert_eq!(answer.in_reply_to.as_ref(), Some(&help));
    Ok(())
}

/// The private room's intro says `!lacher` with no number: it works there, the request is
/// open and relayed again, and the volunteer leaves the room.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_release_in_the_private_room_needs_no_number() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let (number, relay) = world.ask(&family, "!demande visite samedi", &volunteer).await?;
    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    let private = join_private_room(&world.texts, &volunteer, number).await?;
    let intro = volunteer
        .wait_for("the intro", WAIT, |m| m.room_id == private && m.sender == world.bot_id)
        .await?;
    let word = format!("`!{}`", entraide_commands::CommandKind::Release.word(Lang::Fr));
    ensure!(intro.body.contains(&word), "the intro does not say {word}: {}", intro.body);

    volunteer.send_text(&private, "!lacher").await?;
    volunteer
        .wait_for("the release told in the private room", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::ReleasedPrivate, m.text(), number)
        })
        .await?;
    entraide_tests::wait_until("the request relayed again", WAIT, || async {
        (world.relays_seen(&volunteer, number).len() == 2).then_some(())
    })
    .await?;
    world
        .wait_log(
            number,
            &[
                Outcome::Created,
                Outcome::Relayed,
                Outcome::Claimed,
                Outcome::PrivateRoomCreated,
                Outcome::Released,
                Outcome::Relayed,
            ],
        )
        .await?;
    let request = world.bot()?.store.request(number)?.context("the request")?;
    assert_eq!(request.state, State::Open);
    Ok(())
}

/// `!valider pierre` written as a reply carries the replied-to person in `m.mentions`: it
/// must not vet them. A pill in the command does.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_vetting_takes_only_the_person_written_in_the_command() -> Result<()> {
    let world = World::start(false).await?;
    let candidate = Person::new(&world.synapse, "pierre").await?;
    let coordination = &world.coordination_room;
    // Something to reply to: the bot's answer to `!aide`.
    let help = world.coordinator.send_text(coordination, "!aide").await?;
    let earlier = world
        .coordinator
        .wait_for("the help", WAIT, |m| m.in_reply_to.as_ref() == Some(&help))
        .await?;

    let mut reply = RoomMessageEventContent::text_plain("!valider pierre");
    reply.relates_to = Some(Relation::Reply(Reply::with_event_id(earlier.event_id.clone())));
    let reply = reply.add_mentions(Mentions::with_user_ids([candidate.user_id.clone()]));
    let command = world.coordinator.send(coordination, reply).await?;
    world
        .coordinator
        .wait_for("the usage line", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&command) && world.texts.says(m, Lang::Fr, Key::UsageVet)
        })
        .await?;
    let store = &world.bot()?.store;
    assert_eq!(store.person(candidate.user_id.as_str())?.status, VolunteerStatus::Unvetted);

    let pill = pill_command(&candidate.user_id, "Pierre");
    let command = world.coordinator.send(coordination, pill).await?;
    world
        .coordinator
        .wait_for("the vetting confirmed", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&command)
                && world.texts.is_with(
                    Lang::Fr,
                    Key::Vetted,
                    m.text().lines().next().unwrap_or_default(),
                    "user",
                    candidate.user_id.as_str(),
                )
        })
        .await?;
    let volunteers = world.volunteers_room.clone();
    candidate.accept_invite(WAIT, move |room| room.room_id() == volunteers).await?;
    assert_eq!(store.person(candidate.user_id.as_str())?.status, VolunteerStatus::Vetted);
    Ok(())
}

/// `!valider <pill>` as Element writes it: the display name in the plain body, a link to
/// the person in the HTML body, the person in `m.mentions`.
fn pill_command(user: &OwnedUserId, name: &str) -> RoomMessageEventContent {
    RoomMessageEventContent::text_html(
        format!("!valider {name} sans charte"),
        format!("!valider <a href=\"https://matrix.to/#/{user}\">{name}</a> sans charte"),
    )
    .add_mentions(Mentions::with_user_ids([user.clone()]))
}

/// A commune's own wording (its CCAS's phone number) replaces the built-in text.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_communes_own_wording_is_used() -> Result<()> {
    let overrides = r#"
        [fr]
        request_confirmed = "Merci, c'est noté : demande {number} ({category}, {when}{behalf}). Une question ? CCAS de Saint-Martin, 01 23 45 67 89. `!annuler {number}`"
        neighbourhood_welcome = "Bienvenue ! Le CCAS de {community} vous aide : `!demande` suivi de votre besoin."
    "#;
    let world = World::start_with(false, Some(overrides)).await?;
    let family = world.resident("famille").await?;
    let (number, confirmation) =
        world.ask_in(&family, &world.neighbourhood, "!demande courses", Lang::Fr).await?;
    assert_eq!(number, 1);
    ensure!(
        confirmation.text().contains("CCAS de Saint-Martin, 01 23 45 67 89"),
        "{}",
        confirmation.text()
    );
    let builtin = Texts::builtin()?;
    ensure!(!builtin.says(&confirmation, Lang::Fr, Key::RequestConfirmed), "built-in wording");
    // English keeps the built-in text.
    let (_, english) =
        world.ask_in(&family, &world.neighbourhood, "!request groceries", Lang::En).await?;
    ensure!(builtin.says(&english, Lang::En, Key::RequestConfirmed), "{}", english.text());
    Ok(())
}

/// A bad override stops the bot at start, naming the key; no homeserver is needed to see
/// it.
#[tokio::test]
async fn test_a_bad_override_fails_at_start_naming_the_key() -> Result<()> {
    let dir = tempfile::TempDir::new()?;
    let cases = [
        ("[fr]\nrequest_confirmd = \"Merci\"\n", "request_confirmd"),
        ("[fr]\nrequest_confirmed = \"Merci, demande {numero}\"\n", "request_confirmed"),
        ("[en]\ndone_ack = \"Thanks!\"\n", "done_ack"),
    ];
    for (overrides, key) in cases {
        std::fs::write(dir.path().join("textes.toml"), overrides)?;
        let config = entraide::Config::parse(
            r#"
                homeserver = "http://127.0.0.1:9"
                user_id = "@entraide:localhost"
                password = "x"
                data_dir = "data"
                coordinators = ["@agent:localhost"]
                [community]
                name = "Saint-Martin"
                messages = "textes.toml"
            "#,
            &dir.path().join("config.toml"),
        )?;
        let result =
            tokio::time::timeout(WAIT, entraide::run(config, std::future::pending())).await?;
        let error = format!("{:#}", result.err().context("the bot started with a bad override")?);
        ensure!(error.contains(key), "{key} not named: {error}");
        ensure!(error.contains("textes.toml"), "the file is not named: {error}");
    }
    Ok(())
}

/// The first time someone asks, they are told what becomes of their data (GDPR Art. 13),
/// once; `!confidentialite` shows it again at any time, in the person's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_notice_on_personal_data_comes_once_and_on_request() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let notices = |lang| {
        family.seen().iter().filter(|m| world.texts.says(m, lang, Key::PrivacyNotice)).count()
    };
    world.ask_in(&family, &world.neighbourhood, "!demande courses demain", Lang::Fr).await?;
    let notice = family
        .wait_for("the notice", WAIT, |m| world.texts.says(m, Lang::Fr, Key::PrivacyNotice))
        .await?;
    ensure!(notice.text().contains("CNIL"), "the notice names the CNIL: {}", notice.body);
    ensure!(notice.text().contains("Saint-Martin"), "the notice names the controller");
    world.ask_in(&family, &world.neighbourhood, "!demande pharmacie jeudi", Lang::Fr).await?;
    family.send_text(&world.neighbourhood, "!privacy").await?;
    family
        .wait_for("the notice in English", WAIT, |m| {
            world.texts.says(m, Lang::En, Key::PrivacyNotice)
        })
        .await?;
    ensure!(notices(Lang::Fr) == 1, "the notice came {} times at first contact", notices(Lang::Fr));
    Ok(())
}
