//! Across homeservers: the bot on one Synapse, people on another, the two federating on
//! loopback (TLS between them, as Synapse requires). A volunteer of the other server is
//! vetted, relayed to and claims; a resident of the other server asks; the private room
//! joins people of both; the remote volunteer is banned. Everything the bot's rooms
//! hold is end-to-end encrypted, so the room keys cross servers too.

use anyhow::{Context as _, Result, ensure};
use entraide_commands::{Key, Lang, VolunteerStatus};
use entraide_tests::{
    Synapse, wait_until,
    world::{WAIT, World, first_line, join_private_room},
};
use matrix_sdk::{
    room::MessagesOptions,
    ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent, room::member::MembershipState},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn test_volunteers_and_residents_of_another_homeserver() -> Result<()> {
    let (home, away) = Synapse::start_federating_pair().await?;
    let world = World::start_on_synapse(home, true).await?;
    ensure!(world.synapse.server_name() != away.server_name(), "two servers");

    // Vetted from the town hall's server, the remote volunteer joins the volunteers room.
    let remote_volunteer = world.volunteer_on(&away, "benevole_ailleurs").await?;
    ensure!(remote_volunteer.user_id.server_name() == away.server_name(), "on the other server");
    let local_volunteer = world.volunteer("benevole_ici").await?;
    // The welcome came with the invitation, before the join: their client fetches it back
    // from the other server, and reads it.
    let user = remote_volunteer.user_id.as_str();
    let room = remote_volunteer.room(&world.volunteers_room)?;
    wait_until("the welcome, fetched back on the other server", WAIT, || async {
        let batch = room.messages(MessagesOptions::backward()).await.ok()?;
        batch.chunk.iter().find_map(|event| {
            let event = event.raw().deserialize().ok()?;
            let AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(message)) =
                event
            else {
                return None;
            };
            let body = message.as_original()?.content.body().to_owned();
            world.texts.is_with(Lang::Fr, Key::VolunteerWelcome, &body, "user", user).then_some(())
        })
    })
    .await?;

    // A resident of the bot's server asks: the remote volunteer sees the relay (sealed
    // for their device, on the other server) and takes it.
    let resident = world.resident("habitante").await?;
    let (number, _) =
        world.ask(&resident, "!demande courses au marché samedi", &remote_volunteer).await?;
    remote_volunteer.send_text(&world.volunteers_room, &format!("!prendre {number}")).await?;
    remote_volunteer
        .wait_for("the claim's answer", WAIT, |m| {
            world.texts.is_about(Lang::Fr, Key::ClaimWon, m.text(), number)
        })
        .await?;
    // The private room holds both, one on each server; what one writes, the other reads.
    let room = join_private_room(&world.texts, &remote_volunteer, number).await?;
    let joined = join_private_room(&world.texts, &resident, number).await?;
    ensure!(room == joined, "one private room");
    ensure!(resident.room(&room)?.latest_encryption_state().await?.is_encrypted(), "encrypted");
    remote_volunteer.wait_member_joined(&room, &resident.user_id, WAIT).await?;
    resident.wait_member_joined(&room, &remote_volunteer.user_id, WAIT).await?;
    remote_volunteer.send_text(&room, "Bonjour, je passe samedi à 10 h").await?;
    resident
        .wait_for("the remote volunteer's message", WAIT, |m| {
            m.room_id == room && m.body == "Bonjour, je passe samedi à 10 h"
        })
        .await?;

    // A resident of the other server asks in the (encrypted) neighbourhood room: relayed,
    // and taken by a volunteer of the bot's server.
    let remote_resident = world.resident_on(&away, "habitant_ailleurs").await?;
    let (second, _) =
        world.ask(&remote_resident, "!demande une ampoule à changer", &local_volunteer).await?;
    local_volunteer.send_text(&world.volunteers_room, &format!("!prendre {second}")).await?;
    let room = join_private_room(&world.texts, &remote_resident, second).await?;
    join_private_room(&world.texts, &local_volunteer, second).await?;
    local_volunteer.send_text(&room, "J'apporte une ampoule demain").await?;
    remote_resident
        .wait_for("the local volunteer's message", WAIT, |m| {
            m.room_id == room && m.body == "J'apporte une ampoule demain"
        })
        .await?;

    // The coordinator bans the remote volunteer: refused from then on, and banned from
    // the volunteers room, as their own server sees it.
    world
        .coordinator
        .send_text(&world.coordination_room, &format!("!bannir {user} absent aux rendez-vous"))
        .await?;
    world
        .coordinator
        .wait_for("the ban confirmed", WAIT, |m| {
            m.room_id == world.coordination_room
                && world.texts.is_with(Lang::Fr, Key::Banned, first_line(m.text()), "user", user)
        })
        .await?;
    let status = world.bot()?.store.person(user)?.status;
    ensure!(status == VolunteerStatus::Banned, "{status:?}");
    let (room, ban) = (&world.volunteers_room, MembershipState::Ban);
    remote_volunteer
        .wait_member_state(room, &remote_volunteer.user_id, ban, WAIT)
        .await
        .context("the remote volunteer banned from the volunteers room, seen from their server")?;
    Ok(())
}
