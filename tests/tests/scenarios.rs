//! End-to-end scenarios: people are matrix-sdk clients, the homeserver is a real Synapse
//! started on loopback by the harness, the bot runs in this process on its sled store.
//!
//! What the bot says is checked against its catalogue (`world.texts`), never against
//! French or English literals: a change of wording in the locale files breaks no test.
//! Literals here are what people type, or data the bot passes on.

use std::collections::HashSet;

use anyhow::{Context as _, Result, ensure};
use entraide_commands::{
    Category, DayPart, Key, Lang, MAX_REQUEST_CHARS, Relation, VolunteerStatus, When,
};
use entraide_storage::{Outcome, Request, State};
use entraide_tests::{
    Person, Seen, Texts,
    bot::RunningBot,
    wait_until,
    world::{WAIT, World, join_private_room},
};
use futures_util::future::join_all;
use matrix_sdk::{
    RoomMemberships,
    ruma::{
        EventId, OwnedRoomId, RoomId,
        events::room::{
            guest_access::GuestAccess, history_visibility::HistoryVisibility, join_rules::JoinRule,
            member::MembershipState, message::RoomMessageEventContent,
        },
    },
};

// ── Shared setup and checks ─────────────────────────────────────────────────────────

/// A world where a resident asked for help and a vetted volunteer saw the relay.
struct Scene {
    world: World,
    /// The resident, in the neighbourhood room.
    family: Person,
    /// A vetted volunteer, in the volunteers room.
    volunteer: Person,
    /// The request's number.
    number: u64,
    /// The bot's confirmation to the resident.
    confirmation: Seen,
    /// The relay, as the volunteer saw it.
    relay: Seen,
}

impl Scene {
    /// A plain (or encrypted) world in which the resident posts `request` (a whole French
    /// command) in the neighbourhood room.
    async fn start(encrypted: bool, request: &str) -> Result<Scene> {
        Scene::start_in(encrypted, request, Lang::Fr).await
    }

    /// [`Scene::start`] with a command in `lang`.
    async fn start_in(encrypted: bool, request: &str, lang: Lang) -> Result<Scene> {
        let world = World::start(encrypted).await?;
        let family = world.resident("famille").await?;
        let volunteer = world.volunteer("benevole").await?;
        let (number, confirmation) =
            world.ask_in(&family, &world.neighbourhood, request, lang).await?;
        let relay = world.relay(&volunteer, number).await?;
        Ok(Scene { world, family, volunteer, number, confirmation, relay })
    }
}

/// The bot's answer to `command` (a reply to it, threaded or not) in `room`, as `person`
/// sees it, once its own text satisfies `text_is`.
async fn answer_to(
    world: &World,
    person: &Person,
    room: &RoomId,
    command: &EventId,
    what: &str,
    text_is: impl Fn(&str) -> bool,
) -> Result<Seen> {
    person
        .wait_for(what, WAIT, |m| {
            m.room_id == room
                && m.sender == world.bot_id
                && m.in_reply_to.as_deref() == Some(command)
                && text_is(m.text())
        })
        .await
}

/// `person` writes `command` in `room`; returns the bot's answer, a reply to it whose text
/// is `key` in `lang` about request `number`.
async fn command_answered(
    world: &World,
    person: &Person,
    room: &RoomId,
    command: &str,
    lang: Lang,
    key: Key,
    number: u64,
) -> Result<Seen> {
    let sent = person.send_text(room, command).await?;
    answer_to(world, person, room, &sent, &format!("{key:?} in answer to {command}"), |text| {
        world.texts.is_about(lang, key, text, number)
    })
    .await
}

/// Whether `text` is `key` in `lang` with each of `expected` among its placeholders.
fn is_with_all(texts: &Texts, lang: Lang, key: Key, text: &str, expected: &[(&str, &str)]) -> bool {
    texts.args(lang, key, text).is_some_and(|args| {
        expected.iter().all(|(name, value)| args.get(*name).is_some_and(|v| v == value))
    })
}

/// Whether `text` is the help in `lang`: the header, then at least one command.
fn is_help(texts: &Texts, lang: Lang, text: &str) -> bool {
    text.split_once('\n')
        .is_some_and(|(header, rest)| texts.is(lang, Key::HelpHeader, header) && !rest.is_empty())
}

/// The stored request `number`.
fn request(world: &World, number: u64) -> Result<Request> {
    world.bot()?.store.request(number)?.with_context(|| format!("no request {number} stored"))
}

/// What the `when` of request `number` may read in `lang`: its reading relative to the day
/// it was made or the next one (in the community's time zone), so that a scenario running
/// across midnight still passes.
fn whens(world: &World, lang: Lang, number: u64) -> Result<Vec<String>> {
    let request = request(world, number)?;
    let made = request.created_at.with_timezone(&world.bot()?.config.timezone).date_naive();
    Ok([Some(made), made.succ_opt()]
        .into_iter()
        .flatten()
        .map(|today| world.texts.catalogue().when(lang, request.reading.when, today))
        .collect())
}

/// Every text `key` in `lang` about request `number` may be, built from the catalogue with
/// the request's placeholders as the bot fills them in (see [`whens`]) and `extra`.
fn about(
    world: &World,
    lang: Lang,
    key: Key,
    number: u64,
    extra: &[(&str, &str)],
) -> Result<Vec<String>> {
    let request = request(world, number)?;
    let catalogue = world.texts.catalogue();
    let neighbourhood = request
        .neighbourhood
        .clone()
        .unwrap_or_else(|| catalogue.text(lang, Key::NoNeighbourhood, &[]));
    let number_text = number.to_string();
    let category = catalogue.category(lang, request.reading.category);
    let behalf = catalogue.behalf(lang, request.reading.on_behalf);
    Ok(whens(world, lang, number)?
        .iter()
        .map(|when| {
            let mut args = vec![
                ("number", number_text.as_str()),
                ("category", category.as_str()),
                ("neighbourhood", neighbourhood.as_str()),
                ("when", when.as_str()),
                ("behalf", behalf.as_str()),
                ("text", request.text.as_str()),
            ];
            args.extend_from_slice(extra);
            world.texts.text(lang, key, &args)
        })
        .collect())
}

/// Fails unless `text` is one of the texts [`about`] builds.
fn assert_about(
    world: &World,
    lang: Lang,
    key: Key,
    number: u64,
    extra: &[(&str, &str)],
    text: &str,
) -> Result<()> {
    let expected = about(world, lang, key, number, extra)?;
    // A person's first request is confirmed with the notice on their data in the same
    // message, after a blank line.
    let said = |e: &String| {
        e == text
            || text
                .strip_prefix(e.as_str())
                .and_then(|rest| rest.strip_prefix("\n\n"))
                .is_some_and(|notice| world.texts.is(lang, Key::PrivacyNotice, notice))
    };
    ensure!(expected.iter().any(said), "{text:?} is not {key:?}, one of {expected:?}");
    Ok(())
}

/// The day after request `number` was made (in the community's time zone), at `time`
/// (`"15:00:00"`) and in `part` of the day: what the bot reads of "demain …".
fn tomorrow(world: &World, number: u64, time: Option<&str>, part: Option<DayPart>) -> Result<When> {
    let made = request(world, number)?
        .created_at
        .with_timezone(&world.bot()?.config.timezone)
        .date_naive();
    let date = made.succ_opt().context("no day after the request's")?;
    let time = time.map(str::parse).transpose()?;
    Ok(When::On { date, time, part })
}

/// A direct chat of `person` with the bot, once the bot has welcomed them there.
async fn direct_chat(world: &World, person: &Person) -> Result<OwnedRoomId> {
    let dm = person.create_dm(&world.bot_id, false).await?;
    person
        .wait_for("the bot's welcome in the direct chat", WAIT, |m| {
            m.room_id == dm
                && m.sender == world.bot_id
                && world.texts.says(m, Lang::Fr, Key::DirectWelcome)
        })
        .await?;
    Ok(dm)
}

/// Fails unless request `number` is still open and was never claimed.
fn assert_untouched(world: &World, number: u64) -> Result<()> {
    assert_eq!(request(world, number)?.state, State::Open);
    let log = world.bot()?.store.log_of(number)?;
    assert_eq!(log.iter().filter(|e| e.outcome == Outcome::Claimed).count(), 0, "{log:?}");
    Ok(())
}

/// `person` asks for help in `room` and gets it. The bot handles what it receives one at
/// a time, in order, so this answer comes after anything it had to say about what was
/// sent to `room` before.
async fn sentinel(world: &World, person: &Person, room: &RoomId) -> Result<Seen> {
    let command = person.send_text(room, "!aide").await?;
    answer_to(world, person, room, &command, "the help (sentinel)", |text| {
        is_help(&world.texts, Lang::Fr, text)
    })
    .await
}

/// What the bot said in `room` as `person` saw it, from the `from`-th message `person`
/// saw up to (not including) the message `until`.
fn bot_said(
    world: &World,
    person: &Person,
    room: &RoomId,
    from: usize,
    until: &EventId,
) -> Result<Vec<Seen>> {
    let seen = person.seen();
    let end = seen
        .iter()
        .position(|m| m.event_id == until)
        .with_context(|| format!("{} never saw {until}", person.localpart))?;
    Ok(seen
        .get(from..end)
        .unwrap_or_default()
        .iter()
        .filter(|m| m.room_id == room && m.sender == world.bot_id)
        .cloned()
        .collect())
}

// ── Scenario 1 ──────────────────────────────────────────────────────────────────────

/// Scenario 1: a family member posts a request; the relay reaches the volunteers without
/// the requester's id.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_request_is_relayed_without_the_requesters_id() -> Result<()> {
    let Scene { world, family, number, confirmation, relay, .. } =
        Scene::start(false, "!demande Courses pour ma mère demain matin, du pain et du lait")
            .await?;
    assert_eq!(number, 1);

    // Read as groceries, tomorrow morning, for their mother; confirmed and relayed so.
    let reading = request(&world, number)?.reading;
    assert_eq!(reading.category, Category::Groceries);
    assert_eq!(reading.on_behalf, Some(Relation::Mother));
    assert_eq!(reading.when, tomorrow(&world, number, None, Some(DayPart::Morning))?);

    assert!(confirmation.is_notice);
    assert!(confirmation.html.is_some());
    assert_about(&world, Lang::Fr, Key::RequestConfirmed, number, &[], confirmation.text())?;

    assert!(relay.is_notice);
    assert_about(&world, Lang::Fr, Key::Relay, number, &[], &relay.body)?;
    let args = world.texts.args(Lang::Fr, Key::Relay, &relay.body).context("not a relay")?;
    assert_eq!(args.get("neighbourhood").map(String::as_str), Some("Les Tilleuls"));
    assert!(
        args.get("text").is_some_and(|text| text.contains("du pain et du lait")),
        "{}",
        relay.body
    );
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

// ── Scenario 2 ──────────────────────────────────────────────────────────────────────

/// Scenario 2: a vetted volunteer reacts ✋: a private room with exactly the volunteer,
/// the requester and the bot, with the right state; the relay is edited; the requester
/// is told.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_reaction_claims_and_opens_a_private_room() -> Result<()> {
    let Scene { world, family, volunteer, number, relay, .. } =
        Scene::start(false, "!demande pharmacie pour mon père").await?;

    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;

    let private = join_private_room(&world.texts, &volunteer, number).await?;
    let family_private = join_private_room(&world.texts, &family, number).await?;
    assert_eq!(private, family_private);
    volunteer.wait_member_joined(&private, &family.user_id, WAIT).await?;

    let intro = volunteer
        .wait_for("the request in the private room", WAIT, |m| {
            m.room_id == private
                && m.sender == world.bot_id
                && world.texts.is_about(Lang::Fr, Key::PrivateIntro, m.text(), number)
        })
        .await?;
    assert!(intro.text().contains("pharmacie pour mon père"), "{}", intro.body);
    assert!(intro.was_encrypted, "the private room is encrypted");
    // People are named as they appear in the rooms (Synapse's default name is the localpart).
    let people = [("volunteer", volunteer.localpart.as_str()), ("requester", &family.localpart)];
    assert_about(&world, Lang::Fr, Key::PrivateIntro, number, &people, intro.text())?;
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
        .wait_for("the relay's status", WAIT, |m| {
            m.thread_root.as_ref() == Some(&relay.event_id)
                && world.texts.is_about(Lang::Fr, Key::RelayTaken, &m.body, number)
        })
        .await?;
    assert_about(&world, Lang::Fr, Key::RelayTaken, number, &[], &edit.body)?;
    wait_until("the relay redacted once taken", WAIT, || async {
        volunteer.redacted().contains(&relay.event_id).then_some(())
    })
    .await?;
    assert!(
        !edit.body.contains("pharmacie pour mon père"),
        "a taken relay keeps no text: {}",
        edit.body
    );

    family
        .wait_for("the requester told", WAIT, |m| {
            m.room_id == world.neighbourhood
                && m.sender == world.bot_id
                && world.texts.is_about(Lang::Fr, Key::RequesterTold, m.text(), number)
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

// ── `!demandes` ─────────────────────────────────────────────────────────────────────

/// Coordinators follow open and claimed requests with `!demandes`: each line says the
/// number, category, neighbourhood, when, who holds it, and how long it has waited.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_coordinators_list_requests_with_their_age() -> Result<()> {
    let Scene { world, family, volunteer, number: first, .. } =
        Scene::start(false, "!demande courses demain").await?;
    let (second, relay) = world.ask(&family, "!demande pharmacie", &volunteer).await?;
    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    join_private_room(&world.texts, &volunteer, second).await?;

    let first_reading = request(&world, first)?.reading;
    assert_eq!(first_reading.category, Category::Groceries);
    assert_eq!(first_reading.when, tomorrow(&world, first, None, None)?);
    let second_reading = request(&world, second)?.reading;
    assert_eq!(second_reading.category, Category::Pharmacy);
    assert_eq!(second_reading.when, When::Asap);

    let texts = &world.texts;
    let command = world.coordinator.send_text(&world.coordination_room, "!demandes").await?;
    let list = answer_to(
        &world,
        &world.coordinator,
        &world.coordination_room,
        &command,
        "the list of requests",
        |text| {
            text.split('\n').next().is_some_and(|header| {
                texts.is_with(Lang::Fr, Key::RequestsHeader, header, "count", "2")
            })
        },
    )
    .await?;
    let lines: Vec<&str> = list.text().split('\n').skip(1).collect();
    assert_eq!(lines.len(), 2, "{}", list.text());

    // The age is whatever the catalogue says of a few minutes (or hours, on a slow machine).
    let ages: Vec<String> = (0..=180).map(|m| texts.catalogue().age(Lang::Fr, m)).collect();
    let catalogue = texts.catalogue();
    let open = lines
        .iter()
        .find_map(|line| texts.args(Lang::Fr, Key::RequestsLineOpen, line))
        .with_context(|| format!("no open request in {:?}", list.text()))?;
    let claimed = lines
        .iter()
        .find_map(|line| texts.args(Lang::Fr, Key::RequestsLineClaimed, line))
        .with_context(|| format!("no claimed request in {:?}", list.text()))?;
    for (args, number, category) in
        [(&open, first, Category::Groceries), (&claimed, second, Category::Pharmacy)]
    {
        let arg = |name: &str| args.get(name).map(String::as_str).unwrap_or_default();
        assert_eq!(arg("number"), number.to_string(), "{args:?}");
        assert_eq!(arg("category"), catalogue.category(Lang::Fr, category), "{args:?}");
        assert_eq!(arg("neighbourhood"), "Les Tilleuls", "{args:?}");
        let whens = whens(&world, Lang::Fr, number)?;
        assert!(whens.iter().any(|w| w == arg("when")), "{args:?} not one of {whens:?}");
        assert!(ages.iter().any(|a| a == arg("age")), "{args:?}: not an age");
    }
    assert_eq!(
        claimed.get("volunteer").map(String::as_str),
        Some(volunteer.user_id.as_str()),
        "{claimed:?}"
    );
    Ok(())
}

// ── Start ───────────────────────────────────────────────────────────────────────────

/// A wrong password is a clear error at start, not a retry loop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_a_wrong_password_is_a_clear_error() -> Result<()> {
    entraide_tests::init_tracing();
    let synapse = entraide_tests::Synapse::start().await?;
    let data = tempfile::TempDir::new()?;
    let mut config =
        entraide_tests::bot::register_bot(&synapse, data.path(), &["@agent:localhost"]).await?;
    config.password = entraide::config::Password::new("not the password");
    let result = tokio::time::timeout(WAIT, entraide::run(config, std::future::pending())).await?;
    let error = format!("{:#}", result.err().context("the bot started with a wrong password")?);
    assert!(error.contains("cannot log in"), "{error}");
    assert!(error.contains("wrong user id or password"), "{error}");
    Ok(())
}

// ── Scenario 3 ──────────────────────────────────────────────────────────────────────

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
    wait_until("nine volunteers told it is taken", WAIT, || async {
        let told = observer
            .seen()
            .iter()
            .filter(|m| {
                m.room_id == world.volunteers_room
                    && m.sender == world.bot_id
                    && world.texts.is_about(Lang::Fr, Key::AlreadyTaken, m.text(), number)
            })
            .count();
        (told == 9).then_some(())
    })
    .await?;

    let log = world.bot()?.store.log_of(number)?;
    let claimed: Vec<_> = log.iter().filter(|e| e.outcome == Outcome::Claimed).collect();
    assert_eq!(claimed.len(), 1, "{log:?}");
    assert_eq!(log.iter().filter(|e| e.outcome == Outcome::PrivateRoomCreated).count(), 1);
    let winner = &claimed[0].actor;
    let request = request(&world, number)?;
    assert!(matches!(&request.state, State::Claimed { volunteer, .. } if volunteer == winner));

    let winner_person =
        volunteers.iter().find(|v| v.user_id.as_str() == winner).context("the winner")?;
    join_private_room(&world.texts, winner_person, number).await?;
    let is_private_room =
        |name: &str| Lang::ALL.iter().any(|lang| world.texts.is(*lang, Key::PrivateRoomName, name));
    for volunteer in volunteers.iter().filter(|v| v.user_id.as_str() != winner) {
        let invited = volunteer
            .client
            .invited_rooms()
            .iter()
            .any(|r| r.name().is_some_and(|n| is_private_room(&n)));
        ensure!(!invited, "{} was invited to a private room", volunteer.user_id);
    }
    Ok(())
}

// ── Scenario 4: refusals ────────────────────────────────────────────────────────────

/// Scenario 4a: a volunteer who is not vetted cannot claim.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_an_unvetted_volunteer_cannot_claim() -> Result<()> {
    let Scene { world, number, .. } =
        Scene::start(false, "!demande aide pour un formulaire de la CAF").await?;

    let newcomer = Person::new(&world.synapse, "nouveau").await?;
    let dm = direct_chat(&world, &newcomer).await?;
    let command = newcomer.send_text(&dm, &format!("!prendre {number}")).await?;
    answer_to(&world, &newcomer, &dm, &command, "a refusal for the unvetted", |text| {
        world.texts.is(Lang::Fr, Key::RefusedNotVetted, text)
    })
    .await?;

    assert_eq!(
        world.bot()?.store.person(newcomer.user_id.as_str())?.status,
        VolunteerStatus::Unvetted
    );
    assert_untouched(&world, number)
}

/// Scenario 4b: a banned volunteer cannot claim, and is banned from the volunteers room.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_banned_volunteer_cannot_claim_and_leaves_the_volunteers_room() -> Result<()> {
    let Scene { world, number, .. } =
        Scene::start(false, "!demande aide pour un formulaire de la CAF").await?;

    let banned = world.volunteer("banni").await?;
    let coordinator = &world.coordinator;
    let command = coordinator
        .send_text(
            &world.coordination_room,
            &format!("!bannir {} absent aux rendez-vous", banned.user_id),
        )
        .await?;
    let answer = answer_to(
        &world,
        coordinator,
        &world.coordination_room,
        &command,
        "the ban confirmed",
        |t| {
            let first = t.lines().next().unwrap_or_default();
            world.texts.is_with(Lang::Fr, Key::Banned, first, "user", banned.user_id.as_str())
        },
    )
    .await?;
    // Where it was done is said, room by room.
    let rooms = answer.text().lines().any(|line| world.texts.is(Lang::Fr, Key::RoomsBanned, line));
    ensure!(rooms, "{}", answer.body);
    assert_eq!(world.bot()?.store.person(banned.user_id.as_str())?.status, VolunteerStatus::Banned);

    let dm = direct_chat(&world, &banned).await?;
    let command = banned.send_text(&dm, &format!("!prendre {number}")).await?;
    answer_to(&world, &banned, &dm, &command, "a refusal for the banned", |text| {
        world.texts.is(Lang::Fr, Key::RefusedBanned, text)
    })
    .await?;
    // Banned from the volunteers room too.
    let (coordinator, ban) = (&world.coordinator, MembershipState::Ban);
    coordinator.wait_member_state(&world.volunteers_room, &banned.user_id, ban, WAIT).await?;

    assert_untouched(&world, number)
}

/// Scenario 4c: a volunteer is no coordinator: no vetting, no ban.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_volunteer_cannot_vet_or_ban() -> Result<()> {
    let world = World::start(false).await?;
    let vetted = world.volunteer("benevole").await?;
    let newcomer = Person::new(&world.synapse, "nouveau").await?;

    let dm = direct_chat(&world, &vetted).await?;
    for command in
        [format!("!valider {}", newcomer.user_id), format!("!bannir {}", world.coordinator.user_id)]
    {
        let sent = vetted.send_text(&dm, &command).await?;
        answer_to(&world, &vetted, &dm, &sent, &format!("a refusal of {command}"), |text| {
            world.texts.is(Lang::Fr, Key::RefusedNotCoordinator, text)
        })
        .await?;
    }

    let store = &world.bot()?.store;
    assert_eq!(store.person(newcomer.user_id.as_str())?.status, VolunteerStatus::Unvetted);
    assert_eq!(store.person(world.coordinator.user_id.as_str())?.status, VolunteerStatus::Unvetted);
    Ok(())
}

// ── Scenario 5: done, cancel, release ───────────────────────────────────────────────

/// Scenario 5a: `!fait` with a note in the private room closes the request: the answer
/// is a reply to the command, the note is in the outcome log, the relay says it is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_done_in_the_private_room_is_logged_with_its_note() -> Result<()> {
    let Scene { world, volunteer: alice, number, relay, .. } =
        Scene::start(false, "!demande courses ce soir").await?;
    alice.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    let private = join_private_room(&world.texts, &alice, number).await?;
    alice
        .wait_for("the intro", WAIT, |m| {
            m.room_id == private && world.texts.says(m, Lang::Fr, Key::PrivateIntro)
        })
        .await?;

    let command = alice.send_text(&private, "!fait tout s'est bien passé").await?;
    let ack = alice
        .wait_for("done acknowledged", WAIT, |m| {
            m.room_id == private
                && m.sender == world.bot_id
                && world.texts.is_about(Lang::Fr, Key::DoneAck, m.text(), number)
        })
        .await?;
    let log = world
        .wait_log(
            number,
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
    let edit = alice
        .wait_for("the relay marked done", WAIT, |m| {
            m.thread_root.as_ref() == Some(&relay.event_id)
                && world.texts.is_about(Lang::Fr, Key::RelayDone, &m.body, number)
        })
        .await?;
    ensure!(
        alice.redacted().contains(&relay.event_id),
        "the relay of a closed request is redacted"
    );
    assert_about(&world, Lang::Fr, Key::RelayDone, number, &[], &edit.body)?;
    // Last, so that a failure here says the rest of the flow worked.
    ensure!(
        ack.in_reply_to.as_ref() == Some(&command),
        "the acknowledgement of !fait is not a reply to it (in reply to {:?}): {:?}",
        ack.in_reply_to,
        ack.body
    );
    Ok(())
}

/// Scenario 5b: the requester cancels with `!annuler <n>`: the answer is a reply to the
/// command, and the outcome log names the requester.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_requester_cancels_and_it_is_logged() -> Result<()> {
    let Scene { world, family, number, .. } =
        Scene::start(false, "!demande aide pour le jardin").await?;

    let cancel = format!("!annuler {number}");
    command_answered(
        &world,
        &family,
        &world.neighbourhood,
        &cancel,
        Lang::Fr,
        Key::CancelledAck,
        number,
    )
    .await?;
    let log =
        world.wait_log(number, &[Outcome::Created, Outcome::Relayed, Outcome::Cancelled]).await?;
    assert_eq!(log[2].actor, family.user_id.as_str());
    Ok(())
}

/// Scenario 5c: `!lacher <n>` in the volunteers room gives the request back (answered in
/// the relay's thread, as a reply to the command); it is relayed again and another
/// volunteer takes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_released_request_is_relayed_again_and_taken_by_another() -> Result<()> {
    let Scene { world, volunteer: alice, number, relay, .. } =
        Scene::start(false, "!demande emmener ma mère chez le médecin jeudi 14h").await?;
    let bruno = world.volunteer("bruno").await?;
    let room = &world.volunteers_room;

    command_answered(
        &world,
        &alice,
        room,
        &format!("!prendre {number}"),
        Lang::Fr,
        Key::ClaimWon,
        number,
    )
    .await?;
    join_private_room(&world.texts, &alice, number).await?;
    let released = command_answered(
        &world,
        &alice,
        room,
        &format!("!lacher {number}"),
        Lang::Fr,
        Key::Released,
        number,
    )
    .await?;
    assert_eq!(released.thread_root, Some(relay.event_id.clone()), "not in the relay's thread");

    let latest = wait_until("the request relayed again", WAIT, || async {
        let relays = world.relays_seen(&alice, number);
        (relays.len() == 2).then(|| relays.into_iter().next_back()).flatten()
    })
    .await?;
    bruno.wait_for("the new relay", WAIT, |m| m.event_id == latest.event_id).await?;
    bruno.react(room, &latest.event_id, "✋").await?;
    join_private_room(&world.texts, &bruno, number).await?;
    let log = world
        .wait_log(
            number,
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

// ── Scenario 6 ──────────────────────────────────────────────────────────────────────

/// Scenario 6: the bot stops and starts again mid-flow: no duplicate relay, the same
/// device, and the open request is still claimable.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_restart_loses_nothing_and_replays_nothing() -> Result<()> {
    let Scene { mut world, family, volunteer, number, relay, .. } =
        Scene::start(true, "!demande aide pour ma tablette").await?;
    let session = std::fs::read_to_string(world.data_dir().join("session.json"))?;

    let bot = world.bot.take().context("bot")?;
    let (config, store) = (bot.config.clone(), bot.store.clone());
    bot.stop().await?;
    // While the bot is down, a coordinator invites it into a new neighbourhood room.
    let centre = world.coordinator.create_room("Centre-bourg", true, &[&world.bot_id]).await?;
    world.bot = Some(RunningBot::start(config, store));
    world
        .coordinator
        .wait_for("the welcome in the room the bot was invited to while down", WAIT, |m| {
            m.room_id == centre
                && m.sender == world.bot_id
                && world.texts.says(m, Lang::Fr, Key::NeighbourhoodWelcome)
        })
        .await?;

    // Proof the new bot is listening: it answers a new command.
    let command = family.send_text(&world.neighbourhood, "!aide").await?;
    answer_to(&world, &family, &world.neighbourhood, &command, "help after the restart", |t| {
        is_help(&world.texts, Lang::Fr, t)
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
    join_private_room(&world.texts, &volunteer, number).await?;
    world
        .wait_log(
            number,
            &[Outcome::Created, Outcome::Relayed, Outcome::Claimed, Outcome::PrivateRoomCreated],
        )
        .await?;
    let relays = world.relays_seen(&volunteer, number).len();
    assert_eq!(relays, 1, "the request was relayed twice");
    let confirmations = family
        .seen()
        .iter()
        .filter(|m| {
            m.sender == world.bot_id && world.texts.says(m, Lang::Fr, Key::RequestConfirmed)
        })
        .count();
    assert_eq!(confirmations, 1, "the request was confirmed twice");
    Ok(())
}

// ── Scenario 7 ──────────────────────────────────────────────────────────────────────

/// Scenario 7: an encrypted neighbourhood room works like a plain one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_an_encrypted_neighbourhood_room_works() -> Result<()> {
    let Scene { world, family, volunteer, number, confirmation, relay } =
        Scene::start(true, "!demande petite réparation, une ampoule à changer").await?;
    assert!(confirmation.was_encrypted);
    assert!(relay.was_encrypted, "the volunteers room the bot created is encrypted");
    let repairs = world.texts.catalogue().category(Lang::Fr, Category::Repairs);
    assert!(
        world.texts.is_with(Lang::Fr, Key::Relay, &relay.body, "category", &repairs),
        "{}",
        relay.body
    );
    volunteer.react(&world.volunteers_room, &relay.event_id, "✋").await?;
    join_private_room(&world.texts, &volunteer, number).await?;
    family
        .wait_for("the requester told", WAIT, |m| {
            m.room_id == world.neighbourhood
                && m.sender == world.bot_id
                && m.was_encrypted
                && world.texts.is_about(Lang::Fr, Key::RequesterTold, m.text(), number)
        })
        .await?;
    Ok(())
}

// ── Scenario 8: languages and spellings ─────────────────────────────────────────────

/// Scenario 8a: English commands get English replies.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_english_commands_get_english_replies() -> Result<()> {
    let Scene { world, volunteer, number, confirmation, .. } =
        Scene::start_in(false, "!request groceries for my dad tomorrow at 3pm", Lang::En).await?;
    assert_eq!(number, 1);
    let reading = request(&world, number)?.reading;
    assert_eq!(reading.category, Category::Groceries);
    assert_eq!(reading.on_behalf, Some(Relation::Father));
    assert_eq!(reading.when, tomorrow(&world, number, Some("15:00:00"), None)?);
    assert_about(&world, Lang::En, Key::RequestConfirmed, number, &[], confirmation.text())?;

    let room = &world.volunteers_room;
    command_answered(&world, &volunteer, room, "!take 1", Lang::En, Key::ClaimWon, number).await?;
    // No number: the only request the volunteer holds.
    command_answered(&world, &volunteer, room, "!release", Lang::En, Key::Released, number).await?;
    let command = volunteer.send_text(room, "!help").await?;
    answer_to(&world, &volunteer, room, &command, "English help", |text| {
        is_help(&world.texts, Lang::En, text)
    })
    .await?;
    Ok(())
}

/// Scenario 8b: `!LÂCHER` and `!lacher` are the same command, and each answer is in the
/// language of its command.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_accented_and_capital_commands_are_the_same() -> Result<()> {
    let Scene { world, volunteer, number, .. } =
        Scene::start(false, "!demande courses pour mon père").await?;
    let room = &world.volunteers_room;
    let (take, release) = (format!("!take {number}"), format!("!LÂCHER {number}"));
    command_answered(&world, &volunteer, room, &take, Lang::En, Key::ClaimWon, number).await?;
    command_answered(&world, &volunteer, room, &release, Lang::Fr, Key::Released, number).await?;
    let (take, release) = (format!("!prendre {number}"), format!("!lacher {number}"));
    command_answered(&world, &volunteer, room, &take, Lang::Fr, Key::ClaimWon, number).await?;
    command_answered(&world, &volunteer, room, &release, Lang::Fr, Key::Released, number).await?;
    let log = world.bot()?.store.log_of(number)?;
    assert_eq!(log.iter().filter(|e| e.outcome == Outcome::Released).count(), 2, "{log:?}");
    Ok(())
}

// ── Scenario 9: bad input ───────────────────────────────────────────────────────────

/// A bad command, the key of the bot's answer, and placeholders that answer must have.
type BadCommand<'a> = (String, Key, Vec<(&'a str, &'a str)>);

/// Scenario 9a: bad commands get clear replies, change nothing, and the bot keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_bad_commands_get_clear_replies_and_the_bot_keeps_working() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let room = &world.neighbourhood;

    let max = MAX_REQUEST_CHARS.to_string();
    let cases: Vec<BadCommand<'_>> = vec![
        ("!demande".to_owned(), Key::UsageRequest, vec![]),
        ("!".to_owned(), Key::UnknownCommand, vec![]),
        ("!xyzzy plop".to_owned(), Key::UnknownCommand, vec![("word", "xyzzy")]),
        (
            format!("!demande {}", "a".repeat(10_000)),
            Key::TooLong,
            vec![("chars", "10000"), ("max", &max)],
        ),
        ("!annuler 999".to_owned(), Key::NoSuchRequest, vec![("number", "999")]),
        ("!prendre 1".to_owned(), Key::RefusedWrongPlace, vec![("word", "prendre")]),
        ("!demandes".to_owned(), Key::RefusedWrongPlace, vec![("word", "demandes")]),
    ];
    for (body, key, expected) in &cases {
        let command = family.send_text(room, body).await?;
        answer_to(&world, &family, room, &command, &format!("a reply to {body:.30}"), |text| {
            is_with_all(&world.texts, Lang::Fr, *key, text, expected)
        })
        .await?;
    }
    command_answered(
        &world,
        &volunteer,
        &world.volunteers_room,
        "!prendre 424242",
        Lang::Fr,
        Key::NoSuchRequest,
        424_242,
    )
    .await?;

    // Still working, and nothing was recorded by the bad input.
    let (number, _) = world.ask(&family, "!demande courses", &volunteer).await?;
    assert_eq!(number, 1, "bad input created a request");
    assert!(!world.bot()?.is_finished());
    Ok(())
}

/// Scenario 9b: what is not a command, or not text, gets no reply at all (checked against
/// a later command the bot answers, since it handles messages in order), and the bot
/// keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_non_commands_get_no_reply_and_the_bot_keeps_working() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let volunteer = world.volunteer("benevole").await?;
    let room = &world.neighbourhood;
    let volunteers = &world.volunteers_room;
    let (family_from, volunteer_from) = (family.seen().len(), volunteer.seen().len());

    // Not commands, or not text.
    family.send_text(room, &"é".repeat(10_000)).await?;
    family.send_text(room, "").await?;
    family.send(room, RoomMessageEventContent::notice_plain("!demande en notice")).await?;
    family.send(room, RoomMessageEventContent::emote_plain("!demande en emote")).await?;
    let family_help = sentinel(&world, &family, room).await?;
    // ✋ on a message that is not a relay (after the family's sentinel was answered, so
    // that the volunteer's sentinel also comes after anything said about the above).
    let hello = volunteer.send_text(volunteers, "bonjour").await?;
    volunteer.react(volunteers, &hello, "✋").await?;
    let volunteer_help = sentinel(&world, &volunteer, volunteers).await?;
    // A request answered after the ✋ was handled closes the neighbourhood room's window.
    let (number, confirmation) = world.ask_in(&family, room, "!demande courses", Lang::Fr).await?;

    let said = bot_said(&world, &family, room, family_from, &confirmation.event_id)?;
    let said: Vec<&str> = said
        .iter()
        .filter(|m| m.event_id != family_help.event_id)
        .map(|m| m.body.as_str())
        .collect();
    assert!(said.is_empty(), "the bot answered what was no command: {said:?}");
    let said = bot_said(&world, &volunteer, volunteers, volunteer_from, &volunteer_help.event_id)?;
    let said: Vec<&str> = said.iter().map(|m| m.body.as_str()).collect();
    assert!(said.is_empty(), "the bot said something in the volunteers room: {said:?}");

    // Still working, and nothing was recorded by the silent input.
    assert_eq!(number, 1, "a silent input created a request");
    world.relay(&volunteer, number).await?;
    assert!(!world.bot()?.is_finished());
    Ok(())
}
