//! End-to-end scenarios: people are matrix-sdk clients, the homeserver is a real Synapse
//! started on loopback by the harness, the bot runs in this process on its sled store.

use std::collections::HashSet;

use anyhow::{Context as _, Result, ensure};
use entraide_storage::{Outcome, State};
use entraide_tests::{
    Person,
    world::{WAIT, World, join_private_room},
};
use futures_util::future::join_all;
use matrix_sdk::{
    RoomMemberships,
    ruma::events::room::{
        guest_access::GuestAccess, history_visibility::HistoryVisibility, join_rules::JoinRule,
    },
};

/// Scenario 1: a family member posts a request; the relay reaches the volunteers without
/// the requester's id.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_request_is_relayed_without_the_requesters_id() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;

    let (number, relay) = world
        .ask(&family, "!demande Courses pour ma mère demain matin, du pain et du lait", &volunteer)
        .await?;
    assert_eq!(number, 1);

    let confirmation = family
        .wait_for("confirmation", WAIT, |m| {
            m.room_id == world.neighbourhood && m.body.contains("enregistrée")
        })
        .await?;
    assert!(confirmation.is_notice);
    assert!(confirmation.body.contains("courses"), "{}", confirmation.body);
    assert!(confirmation.body.contains("demain matin"), "{}", confirmation.body);
    assert!(confirmation.html.is_some());

    assert!(relay.is_notice);
    assert!(relay.body.contains("Les Tilleuls"), "{}", relay.body);
    assert!(relay.body.contains("courses"), "{}", relay.body);
    assert!(relay.body.contains("du pain et du lait"), "{}", relay.body);
    assert!(relay.body.contains("!prendre 1"), "{}", relay.body);
    for text in [Some(relay.body.as_str()), relay.html.as_deref()].into_iter().flatten() {
        assert!(
            !text.contains(family.user_id.as_str()),
            "the relay shows the requester's id: {text}"
        );
        assert!(!text.contains(&family.localpart), "the relay shows the requester's name: {text}");
    }

    let log = world.wait_log(number, &[Outcome::Created, Outcome::Relayed]).await?;
    assert_eq!(log[0].actor, family.user_id.as_str());
    Ok(())
}

/// Scenario 2: a vetted volunteer reacts ✋: a private room with exactly the volunteer,
/// the requester and the bot, with the right state; the relay is edited; the requester
/// is told.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_reaction_claims_and_opens_a_private_room() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let (number, relay) =
        world.ask(&family, "!demande pharmacie pour mon père", &volunteer).await?;

    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;

    let private = join_private_room(&volunteer, number).await?;
    let family_private = join_private_room(&family, number).await?;
    assert_eq!(private, family_private);
    volunteer.wait_member_joined(&private, &family.user_id, WAIT).await?;

    let intro = volunteer
        .wait_for("the request in the private room", WAIT, |m| {
            m.room_id == private && m.sender == world.bot_id
        })
        .await?;
    assert!(intro.body.contains("pharmacie pour mon père"), "{}", intro.body);
    assert!(intro.body.contains("!fait"), "{}", intro.body);
    assert!(intro.was_encrypted, "the private room is encrypted");
    // People are named as they appear in the rooms (Synapse's default name is the localpart).
    assert!(
        intro.body.contains(&format!(
            "{} a répondu à la demande de {}",
            volunteer.localpart, family.localpart
        )),
        "{}",
        intro.body
    );
    family
        .wait_for("the request, decrypted, for the requester", WAIT, |m| {
            m.room_id == private && m.sender == world.bot_id
        })
        .await?;

    let room = volunteer.room(&private)?;
    let members: HashSet<String> = room
        .members(RoomMemberships::JOIN | RoomMemberships::INVITE)
        .await?
        .iter()
        .map(|m| m.user_id().to_string())
        .collect();
    let expected: HashSet<String> = [&world.bot_id, &volunteer.user_id, &family.user_id]
        .iter()
        .map(|u| u.to_string())
        .collect();
    assert_eq!(members, expected);
    assert!(room.latest_encryption_state().await?.is_encrypted());
    assert_eq!(room.join_rule(), Some(JoinRule::Invite));
    assert_eq!(room.guest_access(), GuestAccess::Forbidden);
    assert_eq!(room.history_visibility(), Some(HistoryVisibility::Shared));
    let levels = room.power_levels().await?;
    assert_eq!(i64::from(levels.invite), 100);
    for user in [&volunteer.user_id, &family.user_id] {
        assert!(levels.for_user(user) < levels.invite, "{user} could invite");
    }
    assert!(levels.for_user(&world.bot_id) >= levels.invite);

    let edit = volunteer
        .wait_for("the relay edited", WAIT, |m| m.replaces.as_ref() == Some(&relay.event_id))
        .await?;
    assert!(edit.body.contains("prise en charge"), "{}", edit.body);
    assert!(
        !edit.body.contains("pharmacie pour mon père"),
        "a taken relay keeps no text: {}",
        edit.body
    );

    family
        .wait_for("the requester told", WAIT, |m| {
            m.room_id == world.neighbourhood && m.body.contains("Bonne nouvelle")
        })
        .await?;
    world
        .wait_log(
            number,
            &[Outcome::Created, Outcome::Relayed, Outcome::Claimed, Outcome::PrivateRoomCreated],
        )
        .await?;
    Ok(())
}

/// Coordinators follow open and claimed requests with `!demandes`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_coordinators_list_requests_with_their_age() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    world.ask(&family, "!demande courses demain", &volunteer).await?;
    let (second, relay) = world.ask(&family, "!demande pharmacie", &volunteer).await?;
    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    join_private_room(&volunteer, second).await?;

    world.coordinator.send_text(&world.coordination_room, "!demandes").await?;
    let list = world
        .coordinator
        .wait_for("the list of requests", WAIT, |m| {
            m.room_id == world.coordination_room && m.body.contains("Demandes en cours : 2")
        })
        .await?;
    assert!(
        list.body.contains("n°1 — courses — Les Tilleuls — demain — ouverte depuis 0 min"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains(&format!(
            "n°2 — pharmacie — Les Tilleuls — dès que possible — prise par {} depuis",
            volunteer.user_id
        )),
        "{}",
        list.body
    );
    Ok(())
}

/// A wrong password is a clear error at start, not a retry loop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_a_wrong_password_is_a_clear_error() -> Result<()> {
    entraide_tests::init_tracing();
    let synapse = entraide_tests::Synapse::start().await?;
    let data = tempfile::TempDir::new()?;
    let mut config =
        entraide_tests::bot::register_bot(&synapse, data.path(), &["@agent:localhost"]).await?;
    config.password = "not the password".to_owned();
    let result = tokio::time::timeout(WAIT, entraide::run(config, std::future::pending())).await?;
    let error = format!("{:#}", result.err().context("the bot started with a wrong password")?);
    assert!(error.contains("cannot log in"), "{error}");
    assert!(error.contains("wrong user id or password"), "{error}");
    Ok(())
}

/// Scenario 3: ten vetted volunteers claim at once, by reaction and by command: one
/// winner, one private room, everyone else told.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_ten_simultaneous_claims_make_one_winner() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let mut volunteers = Vec::new();
    for i in 0..10 {
        volunteers.push(world.volunteer(&format!("benevole{i}")).await?);
    }
    let (number, _) =
        world.ask(&family, "!demande visite à ma grand-mère samedi", &volunteers[0]).await?;
    let mut relays = Vec::new();
    for volunteer in &volunteers {
        relays.push(world.relay(volunteer, number).await?);
    }

    let claims = volunteers.iter().zip(&relays).enumerate().map(|(i, (volunteer, relay))| {
        let room = world.volunteers_room.clone();
        async move {
            if i % 2 == 0 {
                volunteer.react(&room, &relay.event_id, "✋").await
            } else {
                volunteer.send_text(&room, &format!("!prendre {number}")).await
            }
        }
    });
    for sent in join_all(claims).await {
        sent?;
    }

    let observer = &volunteers[0];
    entraide_tests::wait_until("nine volunteers told it is taken", WAIT, || async {
        let told = observer
            .seen()
            .iter()
            .filter(|m| m.room_id == world.volunteers_room && m.body.contains("déjà été prise"))
            .count();
        (told == 9).then_some(())
    })
    .await?;

    let log = world.bot()?.store.log_of(number)?;
    let claimed: Vec<_> = log.iter().filter(|e| e.outcome == Outcome::Claimed).collect();
    assert_eq!(claimed.len(), 1, "{log:?}");
    assert_eq!(log.iter().filter(|e| e.outcome == Outcome::PrivateRoomCreated).count(), 1);
    let winner = &claimed[0].actor;
    let request = world.bot()?.store.request(number)?.context("the request")?;
    assert!(matches!(&request.state, State::Claimed { volunteer, .. } if volunteer == winner));

    let winner_person =
        volunteers.iter().find(|v| v.user_id.as_str() == winner).context("the winner")?;
    join_private_room(winner_person, number).await?;
    for volunteer in volunteers.iter().filter(|v| v.user_id.as_str() != winner) {
        let invited = volunteer
            .client
            .invited_rooms()
            .iter()
            .any(|r| r.name().is_some_and(|n| n.contains("n°")));
        ensure!(!invited, "{} was invited to a private room", volunteer.user_id);
    }
    Ok(())
}

/// Scenario 4: a volunteer who is not vetted and one who is banned cannot claim; someone
/// who is not a coordinator cannot vet or ban.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_unvetted_banned_and_non_coordinators_are_refused() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let vetted = world.volunteer("benevole").await?;
    let (number, _) =
        world.ask(&family, "!demande aide pour un formulaire de la CAF", &vetted).await?;

    let newcomer = Person::new(&world.synapse, "nouveau").await?;
    let dm = newcomer.create_dm(&world.bot_id, false).await?;
    newcomer
        .wait_for("the bot's welcome in the direct chat", WAIT, |m| {
            m.room_id == dm && m.sender == world.bot_id
        })
        .await?;
    newcomer.send_text(&dm, &format!("!prendre {number}")).await?;
    newcomer
        .wait_for("a refusal for the unvetted", WAIT, |m| {
            m.room_id == dm && m.body.contains("validé·es par la coordination")
        })
        .await?;

    let banned = world.volunteer("banni").await?;
    world
        .coordinator
        .send_text(
            &world.coordination_room,
            &format!("!bannir {} absent aux rendez-vous", banned.user_id),
        )
        .await?;
    world
        .coordinator
        .wait_for("the ban confirmed", WAIT, |m| {
            m.room_id == world.coordination_room && m.body.contains("banni·e")
        })
        .await?;
    let banned_dm = banned.create_dm(&world.bot_id, false).await?;
    banned
        .wait_for("the welcome", WAIT, |m| m.room_id == banned_dm && m.sender == world.bot_id)
        .await?;
    banned.send_text(&banned_dm, &format!("!prendre {number}")).await?;
    banned
        .wait_for("a refusal for the banned", WAIT, |m| {
            m.room_id == banned_dm && m.body.contains("ne pouvez plus prendre")
        })
        .await?;
    // Banned from the volunteers room too.
    entraide_tests::wait_until("the ban in the volunteers room", WAIT, || async {
        let room = world.coordinator.room(&world.volunteers_room).ok()?;
        let member = room.get_member_no_sync(&banned.user_id).await.ok()??;
        (*member.membership() == matrix_sdk::ruma::events::room::member::MembershipState::Ban)
            .then_some(())
    })
    .await?;

    // A volunteer is no coordinator: no vetting, no ban.
    let volunteer_dm = vetted.create_dm(&world.bot_id, false).await?;
    vetted
        .wait_for("the welcome", WAIT, |m| m.room_id == volunteer_dm && m.sender == world.bot_id)
        .await?;
    vetted.send_text(&volunteer_dm, &format!("!valider {}", newcomer.user_id)).await?;
    vetted.send_text(&volunteer_dm, &format!("!bannir {}", world.coordinator.user_id)).await?;
    entraide_tests::wait_until("two refusals", WAIT, || async {
        let refusals = vetted
            .seen()
            .iter()
            .filter(|m| m.room_id == volunteer_dm && m.body.contains("réservée à la coordination"))
            .count();
        (refusals == 2).then_some(())
    })
    .await?;

    let store = &world.bot()?.store;
    assert_eq!(
        store.person(newcomer.user_id.as_str())?.status,
        entraide_commands::VolunteerStatus::Unvetted
    );
    assert_eq!(
        store.person(world.coordinator.user_id.as_str())?.status,
        entraide_commands::VolunteerStatus::Unvetted
    );
    assert_eq!(store.request(number)?.context("request")?.state, State::Open);
    assert_eq!(store.log_of(number)?.iter().filter(|e| e.outcome == Outcome::Claimed).count(), 0);
    Ok(())
}

/// Scenario 5: `!fait` in the private room, `!annuler` by the requester, and `!lacher`
/// (relayed again, then claimed by someone else) leave the right outcome log.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_done_cancel_and_release_are_logged() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let alice = world.volunteer("alice").await?;
    let bruno = world.volunteer("bruno").await?;

    // Done, in the private room, with a note.
    let (first, relay) = world.ask(&family, "!demande courses ce soir", &alice).await?;
    alice.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    let private = join_private_room(&alice, first).await?;
    alice.wait_for("the intro", WAIT, |m| m.room_id == private && m.sender == world.bot_id).await?;
    alice.send_text(&private, "!fait tout s'est bien passé").await?;
    alice
        .wait_for("done acknowledged", WAIT, |m| m.room_id == private && m.body.contains("close"))
        .await?;
    let log = world
        .wait_log(
            first,
            &[
                Outcome::Created,
                Outcome::Relayed,
                Outcome::Claimed,
                Outcome::PrivateRoomCreated,
                Outcome::Done,
            ],
        )
        .await?;
    assert_eq!(log[4].note.as_deref(), Some("tout s'est bien passé"));
    assert_eq!(log[4].actor, alice.user_id.as_str());
    alice
        .wait_for("the relay marked done", WAIT, |m| {
            m.replaces.as_ref() == Some(&relay.event_id) && m.body.contains("réalisée")
        })
        .await?;

    // Cancelled by the requester.
    let (second, _) = world.ask(&family, "!demande aide pour le jardin", &alice).await?;
    family.send_text(&world.neighbourhood, &format!("!annuler {second}")).await?;
    family
        .wait_for("cancel acknowledged", WAIT, |m| m.body.contains(&format!("n°{second} annulée")))
        .await?;
    let log =
        world.wait_log(second, &[Outcome::Created, Outcome::Relayed, Outcome::Cancelled]).await?;
    assert_eq!(log[2].actor, family.user_id.as_str());

    // Given back, relayed again, taken by someone else.
    let (third, _) =
        world.ask(&family, "!demande emmener ma mère chez le médecin jeudi 14h", &alice).await?;
    alice.send_text(&world.volunteers_room, &format!("!prendre {third}")).await?;
    join_private_room(&alice, third).await?;
    alice.send_text(&world.volunteers_room, &format!("!lacher {third}")).await?;
    alice
        .wait_for("release acknowledged", WAIT, |m| {
            m.body.contains(&format!("rendu la demande n°{third}"))
        })
        .await?;
    let latest = entraide_tests::wait_until("the request relayed again", WAIT, || async {
        let relays = world.relays_seen(&bruno, third);
        (relays.len() == 2).then(|| relays.into_iter().next_back()).flatten()
    })
    .await?;
    bruno.react(&world.volunteers_room, &latest.event_id, "✋").await?;
    join_private_room(&bruno, third).await?;
    let log = world
        .wait_log(
            third,
            &[
                Outcome::Created,
                Outcome::Relayed,
                Outcome::Claimed,
                Outcome::PrivateRoomCreated,
                Outcome::Released,
                Outcome::Relayed,
                Outcome::Claimed,
                Outcome::PrivateRoomCreated,
            ],
        )
        .await?;
    assert_eq!(log[2].actor, alice.user_id.as_str());
    assert_eq!(log[4].actor, alice.user_id.as_str());
    assert_eq!(log[6].actor, bruno.user_id.as_str());
    Ok(())
}

/// Scenario 6: the bot stops and starts again mid-flow: no duplicate relay, the same
/// device, and the open request is still claimable.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_restart_loses_nothing_and_replays_nothing() -> Result<()> {
    let mut world = World::start(true).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let (number, relay) = world.ask(&family, "!demande aide pour ma tablette", &volunteer).await?;
    let session = std::fs::read_to_string(world.data_dir().join("session.json"))?;

    let bot = world.bot.take().context("bot")?;
    let (config, store) = (bot.config.clone(), bot.store.clone());
    bot.stop().await?;
    // While the bot is down, a coordinator invites it into a new neighbourhood room.
    let centre = world.coordinator.create_room("Centre-bourg", true, &[&world.bot_id]).await?;
    world.bot = Some(entraide_tests::bot::RunningBot::start(config, store));
    world
        .coordinator
        .wait_for("the welcome in the room the bot was invited to while down", WAIT, |m| {
            m.room_id == centre && m.sender == world.bot_id
        })
        .await?;

    // Proof the new bot is listening: it answers a new command.
    family.send_text(&world.neighbourhood, "!aide").await?;
    family
        .wait_for("help after the restart", WAIT, |m| {
            m.room_id == world.neighbourhood && m.body.contains("Commandes possibles")
        })
        .await?;
    assert_eq!(
        std::fs::read_to_string(world.data_dir().join("session.json"))?,
        session,
        "a new session"
    );
    let devices = world.coordinator.client.encryption().get_user_devices(&world.bot_id).await?;
    assert_eq!(devices.devices().count(), 1, "the bot has more than one device");

    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    join_private_room(&volunteer, number).await?;
    world
        .wait_log(
            number,
            &[Outcome::Created, Outcome::Relayed, Outcome::Claimed, Outcome::PrivateRoomCreated],
        )
        .await?;
    let relays = world.relays_seen(&volunteer, number).len();
    assert_eq!(relays, 1, "the request was relayed twice");
    let confirmations = family.seen().iter().filter(|m| m.body.contains("enregistrée")).count();
    assert_eq!(confirmations, 1, "the request was confirmed twice");
    Ok(())
}

/// Scenario 7: an encrypted neighbourhood room works like a plain one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_an_encrypted_neighbourhood_room_works() -> Result<()> {
    let world = World::start(true).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let (number, relay) =
        world.ask(&family, "!demande petite réparation, une ampoule à changer", &volunteer).await?;
    let confirmation =
        family.wait_for("confirmation", WAIT, |m| m.body.contains("enregistrée")).await?;
    assert!(confirmation.was_encrypted);
    assert!(relay.was_encrypted, "the volunteers room the bot created is encrypted");
    assert!(relay.body.contains("petit bricolage"), "{}", relay.body);
    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    join_private_room(&volunteer, number).await?;
    family
        .wait_for("the requester told", WAIT, |m| {
            m.room_id == world.neighbourhood && m.body.contains("Bonne nouvelle") && m.was_encrypted
        })
        .await?;
    Ok(())
}

/// Scenario 8: English commands get English replies; `!LÂCHER` and `!lacher` are the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_english_and_accented_commands() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("family").await?;
    let volunteer = world.volunteer("volunteer").await?;
    family.send_text(&world.neighbourhood, "!request groceries for my dad tomorrow at 3pm").await?;
    let confirmation = family
        .wait_for("an English confirmation", WAIT, |m| {
            m.room_id == world.neighbourhood && m.body.contains("recorded")
        })
        .await?;
    assert!(
        confirmation.body.contains("Request #1 recorded: groceries, tomorrow at 15:00"),
        "{}",
        confirmation.body
    );
    assert!(confirmation.body.contains("for their father"), "{}", confirmation.body);
    world.relay(&volunteer, 1).await?;

    volunteer.send_text(&world.volunteers_room, "!take 1").await?;
    volunteer
        .wait_for("an English answer", WAIT, |m| m.body.contains("Request #1 is yours"))
        .await?;
    volunteer.send_text(&world.volunteers_room, "!LÂCHER 1").await?;
    volunteer
        .wait_for("a French answer", WAIT, |m| m.body.contains("Vous avez rendu la demande n°1"))
        .await?;
    volunteer.send_text(&world.volunteers_room, "!prendre 1").await?;
    volunteer
        .wait_for("claimed again", WAIT, |m| m.body.contains("La demande n°1 est pour vous"))
        .await?;
    volunteer.send_text(&world.volunteers_room, "!lacher 1").await?;
    entraide_tests::wait_until("both forms released", WAIT, || async {
        let n = volunteer
            .seen()
            .iter()
            .filter(|m| m.body.contains("Vous avez rendu la demande n°1"))
            .count();
        (n == 2).then_some(())
    })
    .await?;
    volunteer.send_text(&world.volunteers_room, "!help").await?;
    volunteer
        .wait_for("English help", WAIT, |m| m.body.contains("Commands you can use here"))
        .await?;
    Ok(())
}

/// Scenario 9: bad input gets clear replies, changes nothing, and the bot keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_bad_input_gets_clear_replies_and_the_bot_keeps_working() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let room = &world.neighbourhood;

    let cases: Vec<(String, &str)> = vec![
        ("!demande".to_owned(), "Utilisation : `!demande <texte>`"),
        ("!".to_owned(), "Je ne connais pas la commande"),
        ("!xyzzy plop".to_owned(), "« !xyzzy »"),
        (format!("!demande {}", "a".repeat(10_000)), "trop longue (10000 caractères"),
        ("!annuler 999".to_owned(), "Je ne trouve pas de demande n°999"),
        ("!prendre 1".to_owned(), "ne s'utilise pas dans ce salon"),
        ("!demandes".to_owned(), "ne s'utilise pas dans ce salon"),
    ];
    for (body, expected) in &cases {
        family.send_text(room, body).await?;
        family
            .wait_for(&format!("a reply to {:.30}", body), WAIT, |m| {
                m.room_id == *room && m.sender == world.bot_id && m.body.contains(expected)
            })
            .await?;
    }
    // Not commands, or not text: no reply, no crash.
    family.send_text(room, &"é".repeat(10_000)).await?;
    family.send_text(room, "").await?;
    let notice = matrix_sdk::ruma::events::room::message::RoomMessageEventContent::notice_plain(
        "!demande en notice",
    );
    family.send(room, notice).await?;
    let emote = matrix_sdk::ruma::events::room::message::RoomMessageEventContent::emote_plain(
        "!demande en emote",
    );
    family.send(room, emote).await?;
    volunteer.send_text(&world.volunteers_room, "!prendre 424242").await?;
    volunteer
        .wait_for("no such request", WAIT, |m| {
            m.body.contains("Je ne trouve pas de demande n°424242")
        })
        .await?;
    volunteer
        .react(
            &world.volunteers_room,
            &volunteer.send_text(&world.volunteers_room, "bonjour").await?,
            "✋",
        )
        .await?;

    // Still working, and nothing was recorded by the bad input.
    let (number, _) = world.ask(&family, "!demande courses", &volunteer).await?;
    assert_eq!(number, 1, "bad input created a request");
    assert!(!world.bot()?.is_finished());
    Ok(())
}
