//! The relay against the simplest peer (issue 21): a raw hop, a minimal matrix-nio relay
//! bot's relay and entraide's, timed by the same two clients (a resident posting, a
//! volunteer watching) in the same kind of rooms (an encrypted neighbourhood room, an
//! encrypted volunteers room), with requests spaced and back to back; and entraide's
//! relay of a person's first request on its default configuration, where the request is
//! taken out of the room and followed in a direct chat that has to be made first.

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use entraide_commands::{Key, Lang};
use entraide_tests::{
    Person, Seen,
    world::{WAIT, World},
};
use matrix_sdk::ruma::{OwnedRoomId, RoomId};

use super::{POLL, median, ms, percentile, ratio, settle_for};
use crate::nio::{NioAccount, NioBot};

/// The power level that lets the bot redact others' messages in a private chat room
/// (Element's "moderator").
const MODERATOR: u32 = 50;

/// What the comparison measured; every latency is from the post until the volunteer's
/// client got the message.
#[derive(Debug)]
pub struct Comparison {
    /// The matrix-nio version the peer ran.
    pub nio_version: String,
    /// The pause before each spaced request.
    pub spacing: Duration,
    pub hop: Modes,
    pub nio: Modes,
    pub entraide: Modes,
    /// The peer: a new resident's first request (their first encrypted message in its
    /// room, which sets up their sessions with its members' devices).
    pub nio_first: Vec<Duration>,
    /// Entraide, bot moderator with `remove_requests`: a new resident's first request.
    pub first: Vec<Duration>,
    /// The same resident's second request, their direct chat made.
    pub second: Vec<Duration>,
}

/// One path's samples, spaced and back to back.
#[derive(Debug, Default)]
pub struct Modes {
    /// Each posted `spacing` after the bot owed nothing more.
    pub spaced: Vec<Duration>,
    /// Each posted as soon as the previous one was seen.
    pub back_to_back: Vec<Duration>,
}

/// What is timed: from `family` posting in a room until `alice` sees what it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// `family` → `alice` in an encrypted room of theirs.
    Hop,
    /// `!demande` in the peer's encrypted neighbourhood room → its relay in its
    /// encrypted volunteers room.
    Nio,
    /// `!demande` in entraide's encrypted neighbourhood room (the bot not moderator: the
    /// request stays there) → its relay in entraide's encrypted volunteers room.
    Entraide,
}

/// The rooms and people of the comparison.
struct Setup<'a> {
    world: &'a World,
    family: &'a Person,
    alice: &'a Person,
    hop_room: OwnedRoomId,
    nio_neighbourhood: OwnedRoomId,
    nio_volunteers: OwnedRoomId,
    nio: NioAccount,
    sealed: &'a RoomId,
    /// Entraide's encrypted neighbourhood room where it is moderator.
    moderated: OwnedRoomId,
}

/// Sets up the peer and the rooms, then measures `samples` of each path spaced and back
/// to back, and `samples` first requests of new residents.
pub async fn compare(
    world: &World,
    family: &Person,
    alice: &Person,
    sealed: &RoomId,
    python: &std::path::Path,
    samples: usize,
    spacing: Duration,
) -> Result<Comparison> {
    let coordinator = &world.coordinator;
    let nio = NioAccount::register(world).await?;
    // The peer's own rooms, of the kinds entraide's are: made before it starts, so that
    // it finds their invitations in its first sync.
    let nio_volunteers =
        coordinator.create_room("Bénévoles (nio)", true, &[&nio.user_id, &alice.user_id]).await?;
    let nio_neighbourhood = coordinator
        .create_room("Les Tilleuls (nio)", true, &[&nio.user_id, &family.user_id])
        .await?;
    let bot = NioBot::start(python, world, &nio, &nio_volunteers).await?;
    let hop_room =
        coordinator.create_room("Salle de test", true, &[&family.user_id, &alice.user_id]).await?;
    join(alice, &nio_volunteers).await?;
    join(family, &nio_neighbourhood).await?;
    join(family, &hop_room).await?;
    join(alice, &hop_room).await?;
    // An encrypted message reaches only the devices its sender sees in the room.
    family.wait_member_joined(&nio_neighbourhood, &nio.user_id, WAIT).await?;
    family.wait_member_joined(&hop_room, &alice.user_id, WAIT).await?;
    alice.wait_member_joined(&nio_volunteers, &nio.user_id, WAIT).await?;
    let moderated = moderated_neighbourhood(world).await?;

    let setup = Setup {
        world,
        family,
        alice,
        hop_room,
        nio_neighbourhood,
        nio_volunteers,
        nio,
        sealed,
        moderated,
    };
    let measured = measure(&setup, samples, spacing).await;
    let nio_version = bot.version.clone();
    bot.stop().await;
    let (hop, nio, entraide, firsts, second) = measured?;
    let (nio_first, first) = firsts;
    Ok(Comparison { nio_version, spacing, hop, nio, entraide, nio_first, first, second })
}

/// The comparison proper, once everything is set up.
async fn measure(
    setup: &Setup<'_>,
    samples: usize,
    spacing: Duration,
) -> Result<(Modes, Modes, Modes, (Vec<Duration>, Vec<Duration>), Vec<Duration>)> {
    let paths = [Path::Hop, Path::Nio, Path::Entraide];
    // One of each first, not counted: the first encrypted send of each client and bot
    // sets up sessions and queries keys.
    for path in paths {
        settle_for(setup.world, spacing).await?;
        setup.time(path, "rodage").await?;
    }
    let resident = setup.fresh_resident().await?;
    setup.first_and_second(&resident, spacing, "rodage").await?;
    let newcomer = setup.fresh_nio_resident().await?;
    settle_for(setup.world, spacing).await?;
    setup.nio_first(&newcomer, "rodage").await?;

    let mut modes: [Modes; 3] = Default::default();
    let (mut first, mut second, mut nio_first) = (Vec::new(), Vec::new(), Vec::new());
    // Spaced: the paths in turn, so that a slow moment of the machine falls on all.
    for i in 0..samples {
        let resident = setup.fresh_resident().await?;
        for (path, modes) in paths.iter().zip(&mut modes) {
            settle_for(setup.world, spacing).await?;
            modes.spaced.push(setup.time(*path, &format!("espacée {i}")).await?);
        }
        let (one, two) = setup.first_and_second(&resident, spacing, &format!("{i}")).await?;
        first.push(one);
        second.push(two);
        // The same for the peer: a resident new to its room, their first request.
        let newcomer = setup.fresh_nio_resident().await?;
        settle_for(setup.world, spacing).await?;
        nio_first.push(setup.nio_first(&newcomer, &format!("{i}")).await?);
    }
    // Back to back: each request as soon as the previous one was seen, while entraide
    // still answers it (the confirmation comes after the relay).
    for (path, modes) in paths.iter().zip(&mut modes) {
        settle_for(setup.world, spacing).await?;
        for i in 0..samples {
            modes.back_to_back.push(setup.time(*path, &format!("enchaînée {i}")).await?);
        }
    }
    let [hop, nio, entraide] = modes;
    Ok((hop, nio, entraide, (nio_first, first), second))
}

impl Setup<'_> {
    /// One sample of `path`, its text tagged with `tag`.
    async fn time(&self, path: Path, tag: &str) -> Result<Duration> {
        let body = format!("courses {tag} {}", entraide_tests::unique_suffix());
        let command = format!("!demande {body}");
        let texts = &self.world.texts;
        match path {
            Path::Hop => {
                let room = &self.hop_room;
                let text = format!("bonjour {tag} {}", entraide_tests::unique_suffix());
                timed(self.family, room, &text, self.alice, |m| {
                    m.room_id == *room && m.body == text
                })
                .await
            }
            Path::Nio => {
                let (room, volunteers) = (&self.nio_neighbourhood, &self.nio_volunteers);
                let end = format!(" : {body}");
                timed(self.family, room, &command, self.alice, |m| {
                    m.room_id == *volunteers
                        && m.sender == self.nio.user_id
                        && m.body.ends_with(&end)
                })
                .await
            }
            Path::Entraide => {
                timed(self.family, self.sealed, &command, self.alice, |m| {
                    m.room_id == self.world.volunteers_room
                        && m.replaces.is_none()
                        && texts.is_with(Lang::Fr, Key::Relay, &m.body, "text", &body)
                })
                .await
            }
        }
    }

    /// `resident`'s first request in the moderated room, then (spaced) their second;
    /// checks that the bot took the first out of the room, as its default configuration
    /// does where it may.
    async fn first_and_second(
        &self,
        resident: &Person,
        spacing: Duration,
        tag: &str,
    ) -> Result<(Duration, Duration)> {
        settle_for(self.world, spacing).await?;
        let first = self.relayed_from(resident, &format!("première {tag}")).await?;
        settle_for(self.world, spacing).await?;
        let theirs = self.world.bot()?.store.requests_of(resident.user_id.as_str())?;
        let request = theirs.first().context("the bot recorded no request")?;
        if request.origin_room == self.moderated.as_str() {
            bail!("the bot did not take the request out of the room: is it moderator there?");
        }
        let second = self.relayed_from(resident, &format!("seconde {tag}")).await?;
        Ok((first, second))
    }

    /// From `resident`'s `!demande` in the moderated room until the volunteer sees its
    /// relay.
    async fn relayed_from(&self, resident: &Person, tag: &str) -> Result<Duration> {
        let body = format!("courses {tag} {}", entraide_tests::unique_suffix());
        let texts = &self.world.texts;
        timed(resident, &self.moderated, &format!("!demande {body}"), self.alice, |m| {
            m.room_id == self.world.volunteers_room
                && m.replaces.is_none()
                && texts.is_with(Lang::Fr, Key::Relay, &m.body, "text", &body)
        })
        .await
    }

    /// `newcomer`'s first `!demande` in the peer's neighbourhood room, until the
    /// volunteer sees its relay.
    async fn nio_first(&self, newcomer: &Person, tag: &str) -> Result<Duration> {
        let body = format!("courses première {tag} {}", entraide_tests::unique_suffix());
        let (room, volunteers) = (&self.nio_neighbourhood, &self.nio_volunteers);
        let end = format!(" : {body}");
        timed(newcomer, room, &format!("!demande {body}"), self.alice, |m| {
            m.room_id == *volunteers && m.sender == self.nio.user_id && m.body.ends_with(&end)
        })
        .await
    }

    /// A new resident in the peer's neighbourhood room, who has never written there.
    async fn fresh_nio_resident(&self) -> Result<Person> {
        let person = Person::new(&self.world.synapse, "nouveau-nio").await?;
        let room = self.world.coordinator.room(&self.nio_neighbourhood)?;
        room.invite_user_by_id(&person.user_id).await?;
        join(&person, &self.nio_neighbourhood).await?;
        person.wait_member_joined(&self.nio_neighbourhood, &self.nio.user_id, WAIT).await?;
        Ok(person)
    }

    /// A new resident in the moderated room, who has never asked anything.
    async fn fresh_resident(&self) -> Result<Person> {
        let person = Person::new(&self.world.synapse, "nouveau").await?;
        let room = self.world.coordinator.room(&self.moderated)?;
        room.invite_user_by_id(&person.user_id).await?;
        join(&person, &self.moderated).await?;
        person.wait_member_joined(&self.moderated, &self.world.bot_id, WAIT).await?;
        Ok(person)
    }
}

/// An encrypted neighbourhood room, made by the coordinator, where the bot is moderator:
/// with `remove_requests` (on by default), requests posted there are taken out of it.
async fn moderated_neighbourhood(world: &World) -> Result<OwnedRoomId> {
    let coordinator = &world.coordinator;
    let room = coordinator.create_room("Les Érables", true, &[&world.bot_id]).await?;
    coordinator
        .wait_for("the bot's welcome in the moderated neighbourhood room", WAIT, |m| {
            m.room_id == room
                && m.sender == world.bot_id
                && world.texts.says(m, Lang::Fr, Key::NeighbourhoodWelcome)
        })
        .await?;
    coordinator
        .room(&room)?
        .update_power_levels(vec![(&world.bot_id, MODERATOR.into())])
        .await
        .context("making the bot moderator")?;
    Ok(room)
}

/// `person` accepts their invitation to `room`.
async fn join(person: &Person, room: &RoomId) -> Result<()> {
    let wanted = room.to_owned();
    person.accept_invite(WAIT, move |r| r.room_id() == wanted).await?;
    Ok(())
}

/// Time from `from` posting `text` in `room` until `to`'s client gets a message that
/// passes `seen`.
async fn timed(
    from: &Person,
    room: &RoomId,
    text: &str,
    to: &Person,
    seen: impl Fn(&Seen) -> bool,
) -> Result<Duration> {
    // Only what comes after the post can be what it leads to; looking at that alone
    // keeps each look cheap, on a machine the clients and bots share.
    let mut next = to.seen_count();
    let start = Instant::now();
    from.send_text(room, text).await?;
    let deadline = start + WAIT;
    loop {
        let new = to.seen_after(next);
        next += new.len();
        if let Some(found) = new.iter().find(|m| seen(m)) {
            return Ok(found.arrived.saturating_duration_since(start));
        }
        if Instant::now() > deadline {
            bail!("{text:?}: nothing came of it in {WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The comparison as a markdown table, with the lines that say what it is.
pub fn print(c: &Comparison, samples: usize, profile: &str) {
    let spaced_hop = median(&c.hop.spaced);
    let chained_hop = median(&c.hop.back_to_back);
    println!(
        "Relay against the simplest peer ({profile} build, local Synapse, {samples} samples \
         each): a resident's `!demande` in an encrypted neighbourhood room → the relay \
         seen by a volunteer in an encrypted volunteers room, the same two clients timing \
         every row; spaced: each request {:.1} s after the bot owed nothing more; back to \
         back: each posted as soon as the previous one was seen. Ratios are to the raw \
         hop of the same column.",
        c.spacing.as_secs_f64()
    );
    println!();
    println!("| measure | spaced p50 | p90 | × hop | back to back p50 | p90 | × hop |");
    println!("|---|---|---|---|---|---|---|");
    let row = |name: &str, modes: &Modes| {
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            ms(median(&modes.spaced)),
            ms(percentile(&modes.spaced, 90)),
            ratio(median(&modes.spaced), spaced_hop),
            ms(median(&modes.back_to_back)),
            ms(percentile(&modes.back_to_back, 90)),
            ratio(median(&modes.back_to_back), chained_hop),
        );
    };
    row("raw hop: resident → volunteer, encrypted room", &c.hop);
    row(&format!("nio peer's relay (matrix-nio {}, E2E, `sync_forever`)", c.nio_version), &c.nio);
    row("entraide's relay (bot not moderator: the request stays in the room)", &c.entraide);
    let alone = |name: &str, samples: &[Duration]| {
        println!(
            "| {name} | {} | {} | {} | | | |",
            ms(median(samples)),
            ms(percentile(samples, 90)),
            ratio(median(samples), spaced_hop),
        );
    };
    alone(
        "nio peer's relay, a new resident's first request (their first message in its room)",
        &c.nio_first,
    );
    alone(
        "entraide's relay, a new resident's first request (default: `remove_requests`, bot \
         moderator; the request then moved to a direct chat made after the relay)",
        &c.first,
    );
    alone("entraide's relay, that resident's second request (same room)", &c.second);
    println!();
    println!(
        "entraide ÷ nio: {} spaced, {} back to back.",
        ratio(median(&c.entraide.spaced), median(&c.nio.spaced)),
        ratio(median(&c.entraide.back_to_back), median(&c.nio.back_to_back)),
    );
    println!(
        "A new resident's first request, entraide ÷ nio: {}.",
        ratio(median(&c.first), median(&c.nio_first)),
    );
}
