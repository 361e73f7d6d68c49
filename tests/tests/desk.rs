//! End-to-end scenarios of the coordinator's desk: `!retirer` unvets without a ban (what
//! the volunteer held goes back to the others), `!debannir` lifts a ban, `!benevoles`
//! lists where each volunteer stands, in French and English.

use std::future::IntoFuture as _;

use anyhow::{Context as _, Result, ensure};
use entraide::config::Limits;
use entraide::report::offline::Order;
use entraide_commands::{Key, Lang, Span, VolunteerStatus};
use entraide_storage::Outcome;
use entraide_tests::{
    Person, Seen,
    bot::RunningBot,
    wait_until,
    world::{COMMUNITY, DONE, WAIT, World, join_private_room},
};
use matrix_sdk::ruma::{
    events::room::{member::MembershipState, message::RoomMessageEventContent},
    int,
};

/// The coordinator writes `command` in the coordination room and waits for the bot's
/// answer to it.
async fn desk(world: &World, command: &str) -> Result<Seen> {
    let sent = world.coordinator.send_text(&world.coordination_room, command).await?;
    world
        .coordinator
        .wait_for(command, WAIT, |m| {
            m.sender == world.bot_id && m.in_reply_to.as_ref() == Some(&sent)
        })
        .await
}

/// Whether `text` has a line saying `key` in `lang` with `value` for `name`.
fn has(world: &World, text: &str, (lang, key): (Lang, Key), name: &str, value: &str) -> bool {
    text.lines().any(|line| world.texts.is_with(lang, key, line, name, value))
}

/// Whether `text` has a line saying `key` in `lang` about `user`.
fn has_line(world: &World, text: &str, lang: Lang, key: Key, user: &Person) -> bool {
    has(world, text, (lang, key), "user", user.user_id.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_coordinator_unvets_unbans_and_lists_volunteers() -> Result<()> {
    let mut world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let paul = world.volunteer("paul").await?;
    let alice = world.volunteer("alice").await?;
    let (number, _) = world.ask(&family, "!demande courses jeudi", &alice).await?;
    paul.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    join_private_room(&world.texts, &paul, number).await?;
    let store = world.bot()?.store.clone();

    // Unvetted, not banned: the request goes back to the others, Paul leaves their room.
    let answer = desk(&world, &format!("!retirer {} ne répond plus", paul.user_id)).await?;
    ensure!(has_line(&world, answer.text(), Lang::Fr, Key::Unvetted, &paul), "{}", answer.body);
    // It says what it did, room by room.
    let volunteers_name =
        world.texts.text(Lang::Fr, Key::VolunteersRoomName, &[("community", COMMUNITY)]);
    let removed =
        has(&world, answer.text(), (Lang::Fr, Key::RoomsRemoved), "rooms", &volunteers_name);
    ensure!(removed, "{}", answer.body);
    let numbers = number.to_string();
    let told = has(&world, answer.text(), (Lang::Fr, Key::BannedReleased), "numbers", &numbers);
    ensure!(told, "the request given back is named: {}", answer.body);
    wait_until("the request relayed again", WAIT, || async {
        (world.relays_seen(&alice, number).len() == 2).then_some(())
    })
    .await?;
    alice.wait_member_gone(&world.volunteers_room, &paul.user_id, WAIT).await?;
    let person = store.person(paul.user_id.as_str())?;
    ensure!(person.status == VolunteerStatus::Unvetted, "{person:?}");
    ensure!(person.reason.as_deref() == Some("ne répond plus"), "{person:?}");
    let again = desk(&world, &format!("!retirer {}", paul.user_id)).await?;
    ensure!(has_line(&world, again.text(), Lang::Fr, Key::NotVetted, &paul), "{}", again.body);

    // The list: Alice vetted first, Paul no longer.
    let list = desk(&world, "!benevoles").await?;
    let count = has(&world, list.text(), (Lang::Fr, Key::VolunteersHeader), "count", "2");
    ensure!(count, "{}", list.body);
    let status_of = |person: &Person, lang: Lang| {
        list.text().lines().find_map(|line| {
            let args = world.texts.args(lang, Key::VolunteersLine, line)?;
            (args.get("user")? == person.user_id.as_str()).then(|| args.get("status").cloned())?
        })
    };
    let vetted = world.texts.text(Lang::Fr, Key::StatusVetted, &[]);
    let unvetted = world.texts.text(Lang::Fr, Key::StatusUnvetted, &[]);
    ensure!(status_of(&alice, Lang::Fr) == Some(vetted), "{}", list.body);
    ensure!(status_of(&paul, Lang::Fr) == Some(unvetted), "{}", list.body);
    let english = desk(&world, "!volunteers").await?;
    let header = has(&world, english.text(), (Lang::En, Key::VolunteersHeader), "count", "2");
    ensure!(header, "{}", english.body);

    // A ban lifted leaves the person unvetted; lifting it twice says so.
    let banned = desk(&world, &format!("!bannir {}", paul.user_id)).await?;
    ensure!(store.person(paul.user_id.as_str())?.status == VolunteerStatus::Banned, "banned");
    // Truthfully, room by room: banned where the bot may, not in the neighbourhood room,
    // where it is a plain member (with the level that would let it).
    let said =
        |key: Key| banned.text().lines().find_map(|line| world.texts.args(Lang::Fr, key, line));
    let done = said(Key::RoomsBanned).with_context(|| banned.body.clone())?;
    ensure!(done.get("rooms").is_some_and(|r| r.contains(&volunteers_name)), "{}", banned.body);
    let not_done = said(Key::RoomsNoPower).with_context(|| banned.body.clone())?;
    ensure!(not_done.get("rooms").map(String::as_str) == Some("Les Tilleuls"), "{}", banned.body);
    ensure!(not_done.get("level").map(String::as_str) == Some("50"), "{}", banned.body);
    let list = desk(&world, "!benevoles").await?;
    let paul_line = list.text().lines().find_map(|line| {
        let args = world.texts.args(Lang::Fr, Key::VolunteersLine, line)?;
        (args.get("user")? == paul.user_id.as_str()).then_some(args)
    });
    let paul_line = paul_line.with_context(|| list.body.clone())?;
    let banned_status = world.texts.text(Lang::Fr, Key::StatusBanned, &[]);
    ensure!(paul_line.get("status") == Some(&banned_status), "{}", list.body);
    let lifted = desk(&world, &format!("!unban {}", paul.user_id)).await?;
    ensure!(has_line(&world, lifted.text(), Lang::En, Key::Unbanned, &paul), "{}", lifted.body);
    let unbanned =
        lifted.text().lines().find_map(|l| world.texts.args(Lang::En, Key::RoomsUnbanned, l));
    let unbanned = unbanned.with_context(|| lifted.body.clone())?;
    ensure!(unbanned.get("rooms").is_some_and(|r| r.contains(&volunteers_name)), "{}", lifted.body);
    ensure!(store.person(paul.user_id.as_str())?.status == VolunteerStatus::Unvetted, "unvetted");
    let twice = desk(&world, &format!("!debannir {}", paul.user_id)).await?;
    ensure!(has_line(&world, twice.text(), Lang::Fr, Key::NotBanned, &paul), "{}", twice.body);

    // The audit: every action of the scenario, in order, with its reason.
    let journal = desk(&world, "!journal").await?;
    let lines: Vec<&str> = journal.text().lines().skip(1).collect();
    let (paul_id, alice_id) = (paul.user_id.to_string(), alice.user_id.to_string());
    let reason = world.texts.text(Lang::Fr, Key::JournalReason, &[("reason", "ne répond plus")]);
    let expected = [
        // The harness vets without the charter: the override is on record.
        (Key::AuditVet, &paul_id, ""),
        (Key::AuditOverride, &paul_id, ""),
        (Key::AuditVet, &alice_id, ""),
        (Key::AuditOverride, &alice_id, ""),
        (Key::AuditUnvet, &paul_id, reason.as_str()),
        (Key::AuditBan, &paul_id, ""),
        (Key::AuditUnban, &paul_id, ""),
    ];
    ensure!(lines.len() == expected.len(), "{}", journal.body);
    for (line, (action, target, reason)) in lines.iter().zip(expected) {
        // When: the minute of the scenario, as the line has it ("24/11/2026 08:54").
        let at = line.get(..16).unwrap_or_default();
        let action = world.texts.text(Lang::Fr, action, &[]);
        let args = [
            ("at", at),
            ("actor", world.coordinator.user_id.as_str()),
            ("action", &action),
            ("target", target),
            ("reason", reason),
        ];
        let said = world.texts.text(Lang::Fr, Key::JournalLine, &args);
        ensure!(*line == said, "{line:?} is not {said:?}");
    }
    let about_paul = desk(&world, &format!("!log {}", paul.user_id)).await?;
    ensure!(
        has(&world, about_paul.text(), (Lang::En, Key::JournalHeader), "count", "5"),
        "{}",
        about_paul.body
    );

    // An action taken in a direct chat is announced in the coordination room.
    let direct = world.coordinator.create_dm(&world.bot_id, false).await?;
    world
        .coordinator
        .wait_for("the bot in the direct chat", WAIT, |m| {
            m.room_id == direct && m.sender == world.bot_id
        })
        .await?;
    world.coordinator.send_text(&direct, &format!("!valider {} sans charte", paul.user_id)).await?;
    world
        .coordinator
        .wait_for("the vetting announced", WAIT, |m| {
            m.room_id == world.coordination_room
                && m.text().ends_with(&format!(
                    "{} {paul_id}",
                    world.texts.text(Lang::Fr, Key::AuditVet, &[])
                ))
        })
        .await?;
    // Unvetted again, in English: the invitation he had not answered is withdrawn.
    let coordinator = &world.coordinator;
    let invited = MembershipState::Invite;
    coordinator.wait_member_state(&world.volunteers_room, &paul.user_id, invited, WAIT).await?;
    let english = desk(&world, &format!("!unvet {} moved away", paul.user_id)).await?;
    ensure!(has_line(&world, english.text(), Lang::En, Key::Unvetted, &paul), "{}", english.body);
    let removed =
        english.text().lines().any(|line| world.texts.is(Lang::En, Key::RoomsRemoved, line));
    ensure!(removed, "{}", english.body);

    // The bot is a plain member of the neighbourhood room: at a restart it says so unasked,
    // then on `!verifier`.
    let header = |m: &Seen| {
        m.room_id == world.coordination_room
            && m.sender == world.bot_id
            && m.text()
                .lines()
                .next()
                .is_some_and(|l| world.texts.is(Lang::Fr, Key::PowersHeader, l))
    };
    let reports = world.coordinator.seen().iter().filter(|m| header(m)).count();
    let bot = world.bot.take().context("the bot")?;
    let (config, kept, clock) = (bot.config.clone(), bot.store.clone(), bot.clock.clone());
    bot.stop().await?;
    world.bot = Some(RunningBot::start_by(config, kept, clock));
    wait_until("the start-up report of missing powers", WAIT, || async {
        (world.coordinator.seen().iter().filter(|m| header(m)).count() > reports).then_some(())
    })
    .await?;
    let check = desk(&world, "!verifier").await?;
    let powers = [Key::PowerBan, Key::PowerRedact].map(|key| world.texts.text(Lang::Fr, key, &[]));
    let lacking = world.texts.args(
        Lang::Fr,
        Key::PowersLacking,
        check.text().lines().nth(1).unwrap_or_default(),
    );
    let lacking = lacking.context("a room named")?;
    ensure!(lacking.get("room").map(String::as_str) == Some("Les Tilleuls"), "{}", check.body);
    ensure!(lacking.get("powers") == Some(&powers.join(", ")), "{}", check.body);
    ensure!(lacking.get("level").map(String::as_str) == Some("50"), "{}", check.body);
    let hood = world.coordinator.room(&world.neighbourhood)?;
    hood.update_power_levels(vec![(&world.bot_id, int!(50))]).await?;
    wait_until("the bot to see its power", WAIT, || async {
        let check = desk(&world, "!check").await.ok()?;
        world.texts.says(&check, Lang::En, Key::PowersOk).then_some(())
    })
    .await?;

    // Not for volunteers.
    let refused = alice.send_text(&world.volunteers_room, "!benevoles").await?;
    alice
        .wait_for("the refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&refused)
                && world.texts.says(m, Lang::Fr, Key::RefusedWrongPlace)
        })
        .await?;
    Ok(())
}

/// A volunteer leaves the volunteers room on his own while another writes there: unvetting
/// him then finds nothing to remove, as the homeserver says. The bot asks it rather than
/// its store, which a fork in the room's history (a membership changed while someone else
/// sends) can leave with an older membership; no failure is reported for someone gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_volunteer_gone_amid_messages_has_nothing_left_to_remove() -> Result<()> {
    let world = World::start(false).await?;
    let paul = world.volunteer("paul").await?;
    let alice = world.volunteer("alice").await?;

    let room = alice.room(&world.volunteers_room)?;
    let messages = futures_util::future::try_join_all((0..6).map(|n| {
        let content = RoomMessageEventContent::text_plain(format!("message {n}"));
        room.send(content).into_future()
    }));
    let paul_in = paul.room(&world.volunteers_room)?;
    let (sent, left) = tokio::join!(messages, paul_in.leave());
    sent?;
    left?;
    for n in 0..6 {
        let body = format!("message {n}");
        world.coordinator.wait_for(&body, WAIT, |m| m.body == body).await?;
    }
    world.coordinator.wait_member_gone(&world.volunteers_room, &paul.user_id, WAIT).await?;

    let answer = desk(&world, &format!("!retirer {} a déménagé", paul.user_id)).await?;
    ensure!(has_line(&world, answer.text(), Lang::Fr, Key::Unvetted, &paul), "{}", answer.body);
    let said = |key: Key| answer.text().lines().any(|line| world.texts.is(Lang::Fr, key, line));
    ensure!(said(Key::RoomsNotThere), "{}", answer.body);
    ensure!(!said(Key::RoomsFailed) && !said(Key::RoomsRemoved), "{}", answer.body);
    Ok(())
}

/// A resident may have three requests under way at once: a fourth gets a polite answer
/// and is neither recorded nor relayed; once one is cancelled, they may ask again. A
/// coordinator posting for people who phoned is not limited.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_resident_past_the_limit_is_answered_politely_and_not_relayed() -> Result<()> {
    let mut world = World::start(false).await?;
    // The bot again, with the limits a commune gets by default.
    let bot = world.bot.take().context("the bot")?;
    let (mut config, store) = (bot.config.clone(), bot.store.clone());
    bot.stop().await?;
    config.limits = Limits::default();
    world.bot = Some(RunningBot::start(config, store));
    let family = world.resident("famille").await?;
    let hood = &world.neighbourhood;
    let mut numbers = Vec::new();
    for what in ["courses lundi", "pharmacie mardi", "visite mercredi"] {
        let (number, _) =
            world.ask_in(&family, hood, &format!("!demande {what}"), Lang::Fr).await?;
        numbers.push(number);
    }
    let fourth = family.send_text(hood, "!demande jardinage jeudi").await?;
    let refusal =
        family.wait_for("the refusal", WAIT, |m| m.in_reply_to.as_ref() == Some(&fourth)).await?;
    ensure!(
        world.texts.is_with(Lang::Fr, Key::TooManyOpen, refusal.text(), "max", "3"),
        "{}",
        refusal.body
    );
    let store = world.bot()?.store.clone();
    ensure!(store.requests_of(family.user_id.as_str())?.len() == 3, "the fourth was recorded");

    family.send_text(hood, &format!("!annuler {}", numbers[0])).await?;
    world.wait_log(numbers[0], &[Outcome::Created, Outcome::Relayed, Outcome::Cancelled]).await?;
    world.ask_in(&family, hood, "!demande jardinage jeudi", Lang::Fr).await?;

    for what in ["courses", "pharmacie", "visite", "jardinage"] {
        let text = format!("!demande {what} pour Mme Petit qui a téléphoné");
        world.ask_in(&world.coordinator, &world.coordination_room, &text, Lang::Fr).await?;
    }
    Ok(())
}

/// A request for someone who phoned goes from `!pour` to `!fait` with the coordinator in
/// the private room: the relay says it came by phone (masked as any other), the volunteer
/// gets the whole text and the coordinator as the link, and the coordination room is told
/// when it is taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_phone_in_request_goes_from_pour_to_done_with_the_coordinator() -> Result<()> {
    let world = World::start(false).await?;
    let volunteer = world.volunteer("benevole").await?;
    let coordination = &world.coordination_room;
    let text = "!pour courses pour Mme Petit, 06 12 34 56 78, jeudi matin";
    let (number, _) = world.ask_in(&world.coordinator, coordination, text, Lang::Fr).await?;
    let relay = world.relay(&volunteer, number).await?;
    let by_phone = world.texts.text(Lang::Fr, Key::PhoneIn, &[]);
    ensure!(relay.body.contains(&by_phone), "{}", relay.body);
    ensure!(!relay.body.contains("06 12 34 56 78"), "{}", relay.body);

    volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    let private = join_private_room(&world.texts, &volunteer, number).await?;
    ensure!(private == join_private_room(&world.texts, &world.coordinator, number).await?);
    let intro = volunteer
        .wait_for("the request in the private room", WAIT, |m| {
            m.room_id == private
                && world.texts.is_about(Lang::Fr, Key::PrivateIntro, m.text(), number)
        })
        .await?;
    ensure!(intro.text().contains("06 12 34 56 78"), "{}", intro.body);
    ensure!(intro.text().contains(&by_phone), "{}", intro.body);
    let link =
        [("volunteer", volunteer.localpart.as_str()), ("requester", &world.coordinator.localpart)];
    for (name, value) in link {
        let said = world.texts.is_with(Lang::Fr, Key::PrivateIntro, intro.text(), name, value);
        ensure!(said, "the coordinator is the link: {}", intro.body);
    }
    world
        .coordinator
        .wait_for("the coordinators told", WAIT, |m| {
            m.room_id == *coordination
                && world.texts.is_about(Lang::Fr, Key::RequesterTold, m.text(), number)
        })
        .await?;

    volunteer.send_text(&private, "!fait courses livrées").await?;
    world.wait_log(number, &DONE).await?;
    Ok(())
}

/// `!attribuer` / `!assign`: a coordinator gives an open request to a vetted volunteer of
/// their choice; the volunteer and the requester get the private room, the volunteer is
/// told in the relay's thread, the log has the claim in the volunteer's name and the
/// audit the coordinator's action. Someone not vetted, a request that does not exist or
/// is taken, and a volunteer trying it are refused, and nothing changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_coordinator_assigns_a_request_to_a_chosen_volunteer() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let alice = world.volunteer("alice").await?;
    let bruno = world.volunteer("bruno").await?;
    let claire = Person::new(&world.synapse, "claire").await?;
    let (number, _) = world.ask(&family, "!demande visite samedi", &alice).await?;
    let store = world.bot()?.store.clone();
    let n = number.to_string();
    let open = |store: &entraide_storage::Store| -> Result<bool> {
        let request = store.request(number)?.context("the request")?;
        Ok(request.state == entraide_storage::State::Open)
    };

    // Not vetted: refused, the request stays open.
    let refused = desk(&world, &format!("!attribuer {number} {}", claire.user_id)).await?;
    ensure!(
        has_line(&world, refused.text(), Lang::Fr, Key::AssignNotVetted, &claire),
        "{}",
        refused.body
    );
    let missing = desk(&world, &format!("!attribuer 999 {}", alice.user_id)).await?;
    ensure!(
        has(&world, missing.text(), (Lang::Fr, Key::NoSuchRequest), "number", "999"),
        "{}",
        missing.body
    );
    let usage = desk(&world, &format!("!attribuer {}", alice.user_id)).await?;
    ensure!(world.texts.says(&usage, Lang::Fr, Key::UsageAssign), "{}", usage.body);
    // A volunteer cannot.
    let tried = bruno
        .send_text(&world.volunteers_room, &format!("!attribuer {n} {}", bruno.user_id))
        .await?;
    bruno
        .wait_for("the refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&tried)
                && world.texts.says(m, Lang::Fr, Key::RefusedWrongPlace)
        })
        .await?;
    ensure!(open(&store)?, "the request is still open");

    // Given to Alice: both invited, Alice told, the coordinator answered.
    let given = desk(&world, &format!("!attribuer {number} {}", alice.user_id)).await?;
    ensure!(has_line(&world, given.text(), Lang::Fr, Key::Assigned, &alice), "{}", given.body);
    join_private_room(&world.texts, &alice, number).await?;
    join_private_room(&world.texts, &family, number).await?;
    let told = alice
        .wait_for("Alice told", WAIT, |m| {
            m.room_id == world.volunteers_room
                && world.texts.is_with(Lang::Fr, Key::ClaimAssigned, m.text(), "number", &n)
        })
        .await?;
    ensure!(
        told.mentions.as_ref().is_some_and(|m| m.contains(&alice.user_id)),
        "Alice is mentioned: {told:?}"
    );
    let request = store.request(number)?.context("the request")?;
    ensure!(request.state.holder() == Some(alice.user_id.as_str()), "{:?}", request.state);
    let claimed = store.log_of(number)?.into_iter().find(|e| e.outcome == Outcome::Claimed);
    ensure!(
        claimed.is_some_and(|e| e.actor == alice.user_id.as_str()),
        "the claim is logged in Alice's name"
    );

    // Taken: a second assignment is refused, in English too.
    let again = desk(&world, &format!("!assign {number} {}", bruno.user_id)).await?;
    ensure!(has(&world, again.text(), (Lang::En, Key::NotOpen), "number", &n), "{}", again.body);
    let request = store.request(number)?.context("the request")?;
    ensure!(request.state.holder() == Some(alice.user_id.as_str()), "{:?}", request.state);

    // The audit: vetting Alice and Bruno, then the assignment, with its request.
    let audit = store.audit()?;
    let last = audit.last().context("an audit entry")?;
    ensure!(last.action == entraide_storage::AuditAction::Assign, "{last:?}");
    ensure!(last.target.as_deref() == Some(alice.user_id.as_str()), "{last:?}");
    ensure!(last.request == Some(number), "{last:?}");
    ensure!(last.actor == world.coordinator.user_id.as_str(), "{last:?}");
    let journal = desk(&world, "!journal").await?;
    let action = world.texts.text(Lang::Fr, Key::AuditAssign, &[("number", &n)]);
    ensure!(
        journal
            .text()
            .lines()
            .last()
            .is_some_and(|l| l.contains(&format!("{action} {}", alice.user_id))),
        "{}",
        journal.body
    );

    // Alice closes it as for any claim.
    alice.send_text(&world.volunteers_room, &format!("!fait {number}")).await?;
    wait_until("the request done", WAIT, || async {
        let request = store.request(number).ok()??;
        matches!(request.state, entraide_storage::State::Done { .. }).then_some(())
    })
    .await?;
    let outcomes: Vec<Outcome> = store.log_of(number)?.into_iter().map(|e| e.outcome).collect();
    ensure!(outcomes.starts_with(&DONE[..4]), "{outcomes:?}");
    Ok(())
}

/// `!bloquer` / `!block`: a blocked person's requests get a polite answer and are neither
/// recorded nor relayed; their volunteer status does not change; `!debloquer` lets their
/// requests through again. Both are in the audit, each said once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_coordinator_blocks_and_unblocks_someones_requests() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let paul = world.volunteer("paul").await?;
    let store = world.bot()?.store.clone();

    let blocked = desk(&world, &format!("!bloquer {} messages répétés", family.user_id)).await?;
    ensure!(has_line(&world, blocked.text(), Lang::Fr, Key::Blocked, &family), "{}", blocked.body);
    let twice = desk(&world, &format!("!bloquer {}", family.user_id)).await?;
    ensure!(
        has_line(&world, twice.text(), Lang::Fr, Key::AlreadyBlocked, &family),
        "{}",
        twice.body
    );

    // Their request: answered politely, not recorded, not relayed.
    let asked = family.send_text(&world.neighbourhood, "!demande courses jeudi").await?;
    family
        .wait_for("the polite refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&asked)
                && world.texts.says(m, Lang::Fr, Key::RequestBlocked)
        })
        .await?;
    ensure!(store.requests_of(family.user_id.as_str())?.is_empty(), "nothing recorded");

    // A volunteer blocked as a requester stays a vetted volunteer.
    desk(&world, &format!("!block {} spam", paul.user_id)).await?;
    ensure!(store.person(paul.user_id.as_str())?.status == VolunteerStatus::Vetted, "vetted");
    ensure!(store.person(paul.user_id.as_str())?.blocked.is_some(), "blocked");

    // Unblocked: the next request goes through.
    let lifted = desk(&world, &format!("!debloquer {}", family.user_id)).await?;
    ensure!(has_line(&world, lifted.text(), Lang::Fr, Key::Unblocked, &family), "{}", lifted.body);
    let again = desk(&world, &format!("!unblock {}", family.user_id)).await?;
    ensure!(has_line(&world, again.text(), Lang::En, Key::NotBlocked, &family), "{}", again.body);
    let (number, _) = world.ask(&family, "!demande pharmacie vendredi", &paul).await?;
    ensure!(store.request(number)?.is_some(), "recorded");
    // A ban lifted later keeps the block on Paul's requests: they are apart.
    desk(&world, &format!("!bannir {}", paul.user_id)).await?;
    desk(&world, &format!("!debannir {}", paul.user_id)).await?;
    ensure!(store.person(paul.user_id.as_str())?.blocked.is_some(), "still blocked");

    let actions: Vec<(entraide_storage::AuditAction, Option<String>)> = store
        .audit()?
        .into_iter()
        .filter(|e| e.target.as_deref() == Some(family.user_id.as_str()))
        .map(|e| (e.action, e.reason))
        .collect();
    ensure!(
        actions
            == [
                (entraide_storage::AuditAction::Block, Some("messages répétés".to_owned())),
                (entraide_storage::AuditAction::Unblock, None),
            ],
        "{actions:?}"
    );
    // And in chat, in order, with the reason.
    let journal = desk(&world, &format!("!journal {}", family.user_id)).await?;
    let lines: Vec<&str> = journal.text().lines().skip(1).collect();
    let said = |line: &str, key: Key| line.contains(&world.texts.text(Lang::Fr, key, &[]));
    ensure!(lines.len() == 2, "{}", journal.body);
    ensure!(
        said(lines[0], Key::AuditBlock) && lines[0].contains("messages répétés"),
        "{}",
        journal.body
    );
    ensure!(said(lines[1], Key::AuditUnblock), "{}", journal.body);
    Ok(())
}

/// `!demandes` with a filter and a neighbourhood: open ones, taken ones, all of them
/// (closed ones too), of one neighbourhood; a neighbourhood the bot does not know is
/// named with the ones it knows. `!demande <n>` / `!fiche <n>`: one request's details
/// and its whole log, for coordinators only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_coordinator_lists_requests_and_looks_at_one() -> Result<()> {
    let world = World::start(false).await?;
    let family = world.resident("famille").await?;
    let alice = world.volunteer("alice").await?;
    let (open, _) = world.ask(&family, "!demande courses jeudi", &alice).await?;
    let (taken, _) = world.ask(&family, "!demande pharmacie vendredi", &alice).await?;
    let (done, _) = world.ask(&family, "!demande visite samedi", &alice).await?;
    for number in [taken, done] {
        alice.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
        join_private_room(&world.texts, &alice, number).await?;
    }
    alice.send_text(&world.volunteers_room, &format!("!fait {done}")).await?;
    let store = world.bot()?.store.clone();
    wait_until("the request done", WAIT, || async {
        let request = store.request(done).ok()??;
        matches!(request.state, entraide_storage::State::Done { .. }).then_some(())
    })
    .await?;
    let numbers = |text: &str, lang: Lang, keys: &[Key]| -> Vec<u64> {
        text.lines()
            .skip(1)
            .filter_map(|line| {
                keys.iter().find_map(|key| world.texts.number(lang, *key, line).ok())
            })
            .collect()
    };
    let lines = [Key::RequestsLineOpen, Key::RequestsLineClaimed, Key::RequestsLineClosed];

    let under_way = desk(&world, "!demandes").await?;
    ensure!(numbers(under_way.text(), Lang::Fr, &lines) == [open, taken], "{}", under_way.body);
    let only_open = desk(&world, "!demandes ouvertes").await?;
    ensure!(numbers(only_open.text(), Lang::Fr, &lines) == [open], "{}", only_open.body);
    let only_taken = desk(&world, "!requests taken").await?;
    ensure!(numbers(only_taken.text(), Lang::En, &lines) == [taken], "{}", only_taken.body);
    let all = desk(&world, "!demandes toutes les tilleuls").await?;
    ensure!(numbers(all.text(), Lang::Fr, &lines) == [done, taken, open], "{}", all.body);
    let which = world.texts.text(Lang::Fr, Key::FilterAll, &[]);
    let which = world.texts.text(
        Lang::Fr,
        Key::FilterIn,
        &[("which", &which), ("neighbourhood", "Les Tilleuls")],
    );
    ensure!(
        has(&world, all.text(), (Lang::Fr, Key::RequestsHeaderFiltered), "which", &which),
        "{}",
        all.body
    );
    let unknown = desk(&world, "!demandes ouvertes Les Peupliers").await?;
    ensure!(
        has(&world, unknown.text(), (Lang::Fr, Key::UnknownNeighbourhood), "names", "Les Tilleuls"),
        "{}",
        unknown.body
    );

    // One request, its details and its whole log, by `!demande <n>` or `!fiche <n>`.
    let shown = desk(&world, &format!("!demande {done}")).await?;
    let text = shown.text();
    // The details are the first four lines, the log follows.
    let details = text.lines().take(4).collect::<Vec<_>>().join("\n");
    ensure!(
        world.texts.number(Lang::Fr, Key::RequestDetails, &details).ok() == Some(done),
        "{text}"
    );
    let state = world.texts.text(Lang::Fr, Key::StateDone, &[]);
    ensure!(text.contains(&state) && text.contains(family.user_id.as_str()), "{text}");
    let steps: Vec<String> = text
        .lines()
        .skip(4)
        .filter_map(|line| world.texts.args(Lang::Fr, Key::RequestLogLine, line)?.remove("outcome"))
        .collect();
    let expected: Vec<String> = [
        Key::OutcomeCreated,
        Key::OutcomeRelayed,
        Key::OutcomeClaimed,
        Key::OutcomePrivateRoomCreated,
        Key::OutcomeDone,
    ]
    .iter()
    .map(|key| world.texts.text(Lang::Fr, *key, &[]))
    .collect();
    ensure!(steps == expected, "{steps:?} in {text}");
    let english = desk(&world, &format!("!show {open}")).await?;
    let state = world.texts.text(Lang::En, Key::StateOpen, &[]);
    ensure!(english.text().contains(&state), "{}", english.body);
    let missing = desk(&world, "!fiche 999").await?;
    ensure!(
        has(&world, missing.text(), (Lang::Fr, Key::NoSuchRequest), "number", "999"),
        "{}",
        missing.body
    );
    // A resident's "!demande 5" is no look at someone's request, and no request either.
    let before = store.requests_of(family.user_id.as_str())?.len();
    let peek = family.send_text(&world.neighbourhood, &format!("!demande {open}")).await?;
    family
        .wait_for("the refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&peek) && m.sender == world.bot_id
        })
        .await?;
    ensure!(store.requests_of(family.user_id.as_str())?.len() == before, "nothing recorded");
    Ok(())
}

/// `!stats` / `!figures`: after a small month (six requests, five of them done by two
/// volunteers), the coordination room gets the figures, small groups hidden as "< 5";
/// a period that has not begun gets the usage, and nobody else may ask.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_a_coordinator_reads_the_figures_of_a_month() -> Result<()> {
    let world = World::start(false).await?;
    let volunteer = world.volunteer("benevole").await?;
    let residents = [
        world.resident("martin").await?,
        world.resident("durand").await?,
        world.resident("petit").await?,
        world.resident("leroy").await?,
        world.resident("moreau").await?,
    ];
    let mut numbers = Vec::new();
    for (i, resident) in residents.iter().enumerate() {
        let text =
            if i % 2 == 0 { "!demande des courses" } else { "!demande une visite à ma mère" };
        numbers.push(world.ask(resident, text, &volunteer).await?.0);
    }
    world.ask(&residents[0], "!demande la pharmacie", &volunteer).await?;
    for number in &numbers {
        volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
        let private = join_private_room(&world.texts, &volunteer, *number).await?;
        volunteer.send_text(&private, "!fait").await?;
        world.wait_log(*number, &DONE).await?;
    }

    let stats = desk(&world, "!stats").await?;
    let text = stats.text();
    let said = |key: Key, name: &str, value: &str| has(&world, text, (Lang::Fr, key), name, value);
    ensure!(said(Key::StatsRequests, "total", "6"), "{text}");
    ensure!(said(Key::StatsRequests, "done", "5"), "{text}");
    // One open request is a group too small to show.
    ensure!(said(Key::StatsRequests, "open", "< 5"), "{text}");
    ensure!(said(Key::StatsPeople, "beneficiaries", "5"), "{text}");
    ensure!(said(Key::StatsCompletion, "rate", "83 %"), "{text}");
    ensure!(said(Key::StatsVolunteers, "active", "< 5"), "{text}");
    // One volunteer did all five: 2 to 5 times, a group of one.
    ensure!(said(Key::StatsLoad, "once", "0"), "{text}");
    ensure!(said(Key::StatsLoad, "few", "< 5"), "{text}");
    ensure!(text.lines().any(|l| world.texts.is(Lang::Fr, Key::StatsClaim, l)), "{text}");
    // No id of anyone.
    for person in &residents {
        ensure!(!text.contains(person.user_id.as_str()), "{text}");
    }

    // The volunteer's line: five requests done, active today.
    let list = desk(&world, "!benevoles").await?;
    let line = list.text().lines().find_map(|line| {
        let args = world.texts.args(Lang::Fr, Key::VolunteersLine, line)?;
        (args.get("user")? == volunteer.user_id.as_str()).then_some(args)
    });
    let line = line.with_context(|| list.body.clone())?;
    ensure!(line.get("helped").map(String::as_str) == Some("5"), "{}", list.body);
    let never = world.texts.text(Lang::Fr, Key::LastNever, &[]);
    ensure!(line.get("last").is_some_and(|last| *last != never), "{}", list.body);

    let english = desk(&world, "!figures this month").await?;
    let said = |key: Key, name: &str, value: &str| {
        has(&world, english.text(), (Lang::En, key), name, value)
    };
    ensure!(said(Key::StatsRequests, "total", "6"), "{}", english.body);

    // The report: its notice, then the chart (an image) and the table (a CSV file).
    world.coordinator.send_text(&world.coordination_room, "!rapport").await?;
    let from_bot = |m: &Seen| m.sender == world.bot_id && m.room_id == world.coordination_room;
    let notice = world
        .coordinator
        .wait_for("the report's notice", WAIT, |m| {
            from_bot(m) && m.text().lines().any(|l| world.texts.is(Lang::Fr, Key::ReportFollows, l))
        })
        .await?;
    ensure!(
        has(&world, notice.text(), (Lang::Fr, Key::StatsRequests), "total", "6"),
        "{}",
        notice.body
    );
    let chart = world
        .coordinator
        .wait_for("the report's chart", WAIT, |m| from_bot(m) && m.image.is_some())
        .await?;
    let table = world
        .coordinator
        .wait_for("the report's table", WAIT, |m| {
            from_bot(m) && m.file.as_ref().is_some_and(|file| file.body.ends_with(".csv"))
        })
        .await?;
    let image = chart.image.context("an image")?;
    ensure!(
        image.body.starts_with("chiffres-entraide-") && image.body.ends_with(".png"),
        "{}",
        image.body
    );
    let png = world.coordinator.download(&image).await?;
    ensure!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let width = png.get(16..20).context("a PNG header")?;
    ensure!(width == 1200u32.to_be_bytes(), "{width:?}");
    let csv = world.coordinator.download(&table.file.context("a file")?).await?;
    let csv = String::from_utf8(csv)?;
    ensure!(csv.starts_with("indicateur;détail;valeur\r\n"), "{csv}");
    ensure!(csv.contains("\r\ndemandes;;6\r\n"), "{csv}");
    ensure!(csv.contains("\r\ndemandes par état;réalisée;5\r\n"), "{csv}");
    ensure!(csv.contains("\r\ndemandes par état;ouverte;< 5\r\n"), "{csv}");
    for person in &residents {
        ensure!(!csv.contains(person.user_id.as_str()), "{csv}");
    }

    // The same files, offline, while the bot runs (it reads a copy of the store).
    let bot = world.bot.as_ref().context("the bot runs in the test")?;
    let texts = entraide::load_texts(&bot.config)?;
    let now = chrono::Utc::now();
    let today = now.with_timezone(&bot.config.timezone).date_naive();
    let period = Span::ThisMonth.resolve(today).context("this month")?;
    let out = tempfile::tempdir()?;
    let store = bot.config.data_dir.join("store");
    let order = Order { period, lang: Lang::Fr, folder: out.path(), store: &store };
    let files = entraide::report::offline::write(&bot.config, &texts, &order, now)?;
    let names: Vec<String> =
        files.iter().filter_map(|f| Some(f.file_name()?.to_string_lossy().into_owned())).collect();
    let stem = image.body.trim_end_matches(".png");
    ensure!(names == ["png", "svg", "csv", "md"].map(|ext| format!("{stem}.{ext}")), "{names:?}");
    ensure!(
        std::fs::read_to_string(out.path().join(format!("{stem}.csv")))? == csv,
        "the same table"
    );
    ensure!(std::fs::read(out.path().join(format!("{stem}.png")))? == png, "the same chart");
    let summary = std::fs::read_to_string(out.path().join(format!("{stem}.md")))?;
    ensure!(summary.contains(&format!("![]({stem}.png)")), "{summary}");
    let later = desk(&world, "!stats 2099").await?;
    ensure!(world.texts.says(&later, Lang::Fr, Key::UsageStats), "{}", later.body);
    let refused = residents[0].send_text(&world.neighbourhood, "!stats").await?;
    residents[0]
        .wait_for("the refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&refused)
                && (world.texts.says(m, Lang::Fr, Key::RefusedNotCoordinator)
                    || world.texts.says(m, Lang::Fr, Key::RefusedWrongPlace))
        })
        .await?;
    Ok(())
}

/// Where the commune turned it on, each person who asks is invited once, in a direct
/// chat, to declare an age band and a gender for the figures; `!profil` keeps, shows and
/// erases it there (never in a shared room), and `!stats` counts the answers by group,
/// "< 5" below five.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_people_declare_a_profile_that_the_figures_count_by_group() -> Result<()> {
    let mut world = World::start(false).await?;
    let bot = world.bot.take().context("the bot")?;
    let (mut config, store) = (bot.config.clone(), bot.store.clone());
    bot.stop().await?;
    config.figures.profile = true;
    world.bot = Some(RunningBot::start(config, store));
    let volunteer = world.volunteer("benevole").await?;
    let mut residents = Vec::new();
    for name in ["dupont", "bernard", "thomas", "robert", "richard"] {
        let resident = world.resident(name).await?;
        world.ask(&resident, "!demande des courses", &volunteer).await?;
        let hood = world.neighbourhood.clone();
        let direct = resident.accept_invite(WAIT, move |room| room.room_id() != hood).await?;
        resident
            .wait_for("the question", WAIT, |m| {
                m.room_id == direct && world.texts.says(m, Lang::Fr, Key::ProfileAsk)
            })
            .await?;
        residents.push((resident, direct));
    }
    // In a shared room, refused: an age and a gender are not said there.
    let (first, first_direct) = &residents[0];
    let refused = first.send_text(&world.neighbourhood, "!profil femme").await?;
    first
        .wait_for("the refusal", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&refused)
                && world.texts.says(m, Lang::Fr, Key::RefusedWrongPlace)
        })
        .await?;
    // Declared, in French and in English.
    for (i, (resident, direct)) in residents.iter().enumerate() {
        let (command, lang) = if i == 4 {
            ("!profile 80 woman", Lang::En)
        } else {
            ("!profil 78 ans, femme", Lang::Fr)
        };
        let sent = resident.send_text(direct, command).await?;
        let saved = resident
            .wait_for("the profile kept", WAIT, |m| {
                m.in_reply_to.as_ref() == Some(&sent)
                    && world.texts.says(m, lang, Key::ProfileSaved)
            })
            .await?;
        let woman_80 = if lang == Lang::Fr { "75 à 84 ans, femme" } else { "75 to 84, woman" };
        ensure!(saved.text().contains(woman_80), "{}", saved.body);
    }
    let sent = first.send_text(first_direct, "!profil").await?;
    first
        .wait_for("the profile shown", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&sent) && world.texts.says(m, Lang::Fr, Key::ProfileShow)
        })
        .await?;
    let stats = desk(&world, "!stats").await?;
    let line = stats
        .text()
        .lines()
        .find(|line| world.texts.is(Lang::Fr, Key::StatsProfile, line))
        .with_context(|| stats.body.clone())?;
    ensure!(line.contains("5 — femme 5, homme 0, autre 0"), "{line}");
    ensure!(line.contains("75 à 84 ans 5, 85 ans et plus 0"), "{line}");
    // Erased by one of them: four left, a group too small to detail.
    let sent = first.send_text(first_direct, "!profil aucun").await?;
    first
        .wait_for("the profile erased", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&sent)
                && world.texts.says(m, Lang::Fr, Key::ProfileCleared)
        })
        .await?;
    let stats = desk(&world, "!stats").await?;
    let line = stats
        .text()
        .lines()
        .find(|line| world.texts.is(Lang::Fr, Key::StatsProfile, line))
        .with_context(|| stats.body.clone())?;
    ensure!(line.contains("personnes aidées : < 5 ;"), "{line}");
    ensure!(!line.contains("femme"), "{line}");
    Ok(())
}

/// The desk in English: a request for someone who phoned (`!for`) given to a chosen
/// volunteer (`!assign`) and done, with the coordinator in the private room; desk
/// commands refused to a resident in a direct chat; the daily limit of requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_the_desk_in_english_from_a_phone_in_to_done_and_the_daily_limit() -> Result<()> {
    let mut world = World::start(false).await?;
    let bot = world.bot.take().context("the bot")?;
    let (mut config, store) = (bot.config.clone(), bot.store.clone());
    bot.stop().await?;
    config.limits = Limits { open_requests: 100, requests_per_day: 2 };
    world.bot = Some(RunningBot::start(config, store.clone()));
    let ben = world.volunteer("ben").await?;
    let coordination = &world.coordination_room;

    let text = "!for shopping for Mrs Petit, 06 12 34 56 78, thursday morning";
    let (number, _) = world.ask_in(&world.coordinator, coordination, text, Lang::En).await?;
    world.relay(&ben, number).await?;
    let given = world
        .coordinator
        .send_text(coordination, &format!("!assign {number} {}", ben.user_id))
        .await?;
    world
        .coordinator
        .wait_for("the assignment confirmed", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&given)
                && m.text().lines().any(|line| {
                    world.texts.is_with(Lang::En, Key::Assigned, line, "user", ben.user_id.as_str())
                })
        })
        .await?;
    let private = join_private_room(&world.texts, &ben, number).await?;
    ensure!(private == join_private_room(&world.texts, &world.coordinator, number).await?);
    ben.send_text(&private, "!done delivered").await?;
    world.wait_log(number, &DONE).await?;
    let claimed = store.log_of(number)?.into_iter().find(|e| e.outcome == Outcome::Claimed);
    ensure!(claimed.is_some_and(|e| e.actor == ben.user_id.as_str()), "claimed in Ben's name");

    // A resident in a direct chat: desk commands are not theirs.
    let resident = world.resident("smith").await?;
    let direct = resident.create_dm(&world.bot_id, false).await?;
    resident
        .wait_for("the bot in the direct chat", WAIT, |m| {
            m.room_id == direct && m.sender == world.bot_id
        })
        .await?;
    for command in [format!("!assign {number} {}", resident.user_id), "!volunteers".to_owned()] {
        let tried = resident.send_text(&direct, &command).await?;
        resident
            .wait_for("the refusal", WAIT, |m| {
                m.in_reply_to.as_ref() == Some(&tried)
                    && world.texts.says(m, Lang::En, Key::RefusedNotCoordinator)
            })
            .await?;
    }
    // Two requests a day: the third is answered politely and not recorded.
    for what in ["groceries on monday", "pharmacy on tuesday"] {
        world.ask_in(&resident, &direct, &format!("!request {what}"), Lang::En).await?;
    }
    let before = store.active_requests()?.len();
    let third = resident.send_text(&direct, "!request a visit on wednesday").await?;
    resident
        .wait_for("the daily limit", WAIT, |m| {
            m.in_reply_to.as_ref() == Some(&third)
                && m.text()
                    .lines()
                    .any(|line| world.texts.is_with(Lang::En, Key::TooManyToday, line, "max", "2"))
        })
        .await?;
    ensure!(store.active_requests()?.len() == before, "nothing recorded");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_someone_in_the_coordination_room_who_is_no_coordinator_is_warned_about() -> Result<()>
{
    let mut world = World::start(false).await?;
    // The agent hands over to a colleague: the configuration names the colleague alone,
    // and the agent, still in the coordination room, would read everything posted there.
    let colleague = Person::new(&world.synapse, "relais").await?;
    let bot = world.bot.take().context("the bot")?;
    let (mut config, kept, clock) = (bot.config.clone(), bot.store.clone(), bot.clock.clone());
    bot.stop().await?;
    config.coordinators = vec![colleague.user_id.clone()];
    world.bot = Some(RunningBot::start_by(config, kept, clock));

    // At start the bot says so in the room, naming the agent.
    let agent = world.coordinator.user_id.as_str();
    world
        .coordinator
        .wait_for("the warning", WAIT, |m| {
            m.room_id == world.coordination_room
                && m.sender == world.bot_id
                && world.texts.is_with(Lang::Fr, Key::CoordinationOpen, m.text(), "people", agent)
        })
        .await?;
    Ok(())
}
