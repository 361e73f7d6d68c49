//! A scenario's world: a real Synapse, a coordinator, the bot with the rooms it creates,
//! a neighbourhood room, and helpers to add volunteers and residents.

use std::time::Duration;

use anyhow::{Context as _, Result};
use entraide_storage::{LogEntry, Outcome};
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId};
use tempfile::TempDir;

use crate::{
    Person, Seen, Synapse,
    bot::{RunningBot, register_bot},
    wait_until,
};

/// How long a scenario waits for anything to happen before it fails.
pub const WAIT: Duration = Duration::from_secs(90);

/// Everything a scenario starts with.
#[derive(Debug)]
pub struct World {
    /// The homeserver.
    pub synapse: Synapse,
    /// The coordinator (a CCAS agent).
    pub coordinator: Person,
    /// The bot; `None` while stopped.
    pub bot: Option<RunningBot>,
    /// The bot's user id.
    pub bot_id: OwnedUserId,
    /// The room of vetted volunteers (created by the bot).
    pub volunteers_room: OwnedRoomId,
    /// The coordinators' room (created by the bot).
    pub coordination_room: OwnedRoomId,
    /// A neighbourhood room, named "Les Tilleuls", created by the coordinator.
    pub neighbourhood: OwnedRoomId,
    data: TempDir,
}

impl World {
    /// Starts Synapse and the bot; the coordinator joins the bot's rooms and brings the
    /// bot into a neighbourhood room (end-to-end encrypted if `encrypted`).
    pub async fn start(encrypted: bool) -> Result<World> {
        crate::init_tracing();
        let synapse = Synapse::start().await?;
        let coordinator = Person::new(&synapse, "coord").await?;
        let data = TempDir::new()?;
        let config = register_bot(&synapse, data.path(), &[coordinator.user_id.as_str()]).await?;
        let bot_id = OwnedUserId::try_from(config.user_id.as_str())?;
        let store = entraide::open_store(&config)?;
        let bot = RunningBot::start(config, store);

        let coordination_room = coordinator
            .accept_invite(WAIT, |room| room.name().is_some_and(|n| n.starts_with("Coordination")))
            .await?;
        let volunteers_room = coordinator
            .accept_invite(WAIT, |room| room.name().is_some_and(|n| n.starts_with("Bénévoles")))
            .await?;
        let neighbourhood = coordinator.create_room("Les Tilleuls", encrypted, &[&bot_id]).await?;
        coordinator
            .wait_for("the bot's welcome in the neighbourhood room", WAIT, |m| {
                m.room_id == neighbourhood && m.sender == bot_id && m.body.contains("!demande")
            })
            .await?;
        Ok(World {
            synapse,
            coordinator,
            bot: Some(bot),
            bot_id,
            volunteers_room,
            coordination_room,
            neighbourhood,
            data,
        })
    }

    /// The running bot's store (the outcome log, requests, people).
    pub fn bot(&self) -> Result<&RunningBot> {
        self.bot.as_ref().context("the bot is stopped")
    }

    /// Stops the bot (as SIGTERM would).
    pub async fn stop_bot(&mut self) -> Result<()> {
        match self.bot.take() {
            Some(bot) => bot.stop().await,
            None => Ok(()),
        }
    }

    /// Starts the bot again on the same data directory and store.
    pub fn restart_bot(&mut self, previous: &RunningBot) {
        self.bot = Some(RunningBot::start(previous.config.clone(), previous.store.clone()));
    }

    /// Where the bot keeps its data.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data.path()
    }

    /// A resident (or a family member) who joined the neighbourhood room.
    pub async fn resident(&self, prefix: &str) -> Result<Person> {
        let person = Person::new(&self.synapse, prefix).await?;
        self.coordinator.room(&self.neighbourhood)?.invite_user_by_id(&person.user_id).await?;
        let neighbourhood = self.neighbourhood.clone();
        person.accept_invite(WAIT, move |room| room.room_id() == neighbourhood).await?;
        Ok(person)
    }

    /// A volunteer vetted by the coordinator, who joined the volunteers room.
    pub async fn volunteer(&self, prefix: &str) -> Result<Person> {
        let person = Person::new(&self.synapse, prefix).await?;
        self.vet(&person).await?;
        Ok(person)
    }

    /// The coordinator vets `person`, who then joins the volunteers room.
    pub async fn vet(&self, person: &Person) -> Result<()> {
        let command = format!("!valider {}", person.user_id);
        self.coordinator.send_text(&self.coordination_room, &command).await?;
        let user = person.user_id.to_string();
        self.coordinator
            .wait_for("the bot to confirm the vetting", WAIT, |m| {
                m.room_id == self.coordination_room && m.is_notice && m.body.contains(&user)
            })
            .await?;
        let volunteers = self.volunteers_room.clone();
        person.accept_invite(WAIT, move |room| room.room_id() == volunteers).await?;
        person.wait_member_joined(&self.volunteers_room, &self.bot_id, WAIT).await?;
        Ok(())
    }

    /// `resident` posts `text` (a whole command) in the neighbourhood room; returns the
    /// request's number (from the confirmation) and the relay `volunteer` sees.
    pub async fn ask(
        &self,
        resident: &Person,
        text: &str,
        volunteer: &Person,
    ) -> Result<(u64, Seen)> {
        let earlier: Vec<_> = resident.seen().into_iter().map(|m| m.event_id).collect();
        resident.send_text(&self.neighbourhood, text).await?;
        let confirmation = resident
            .wait_for("the confirmation of the request", WAIT, |m| {
                m.room_id == self.neighbourhood
                    && m.sender == self.bot_id
                    && !earlier.contains(&m.event_id)
                    && (m.body.contains("enregistrée") || m.body.contains("recorded"))
            })
            .await?;
        let number =
            number_in(&confirmation.body).context("no request number in the confirmation")?;
        let relay = self.relay(volunteer, number).await?;
        Ok((number, relay))
    }

    /// Whether `m` is a relay of request `number` (not an edit, not a thread reply).
    pub fn is_relay(&self, m: &Seen, number: u64) -> bool {
        m.room_id == self.volunteers_room
            && m.sender == self.bot_id
            && m.replaces.is_none()
            && m.thread_root.is_none()
            && (m.body.contains(&format!("Demande n°{number} "))
                || m.body.contains(&format!("Request #{number} ")))
    }

    /// Every relay of request `number` that `volunteer` saw, oldest first.
    pub fn relays_seen(&self, volunteer: &Person, number: u64) -> Vec<Seen> {
        volunteer.seen().into_iter().filter(|m| self.is_relay(m, number)).collect()
    }

    /// The first relay of request `number` that `volunteer` sees in the volunteers room.
    pub async fn relay(&self, volunteer: &Person, number: u64) -> Result<Seen> {
        volunteer
            .wait_for(&format!("the relay of request {number}"), WAIT, |m| self.is_relay(m, number))
            .await
    }

    /// Waits until the outcome log of request `number` holds `outcomes`, in this order.
    pub async fn wait_log(&self, number: u64, outcomes: &[Outcome]) -> Result<Vec<LogEntry>> {
        let store = self.bot()?.store.clone();
        let what = format!("the outcome log of request {number} to be {outcomes:?}");
        wait_until(&what, WAIT, || {
            let store = store.clone();
            async move {
                let log = store.log_of(number).ok()?;
                let found: Vec<Outcome> = log.iter().map(|e| e.outcome).collect();
                (found == outcomes).then_some(log)
            }
        })
        .await
    }
}

/// The first request number in a message ("n°12" or "#12").
pub fn number_in(body: &str) -> Option<u64> {
    for mark in ["n°", "#"] {
        if let Some(at) = body.find(mark) {
            let digits: String =
                body[at + mark.len()..].chars().take_while(char::is_ascii_digit).collect();
            if let Ok(number) = digits.parse() {
                return Some(number);
            }
        }
    }
    None
}

/// The private room of request `number` that `person` was invited to; they join it.
pub async fn join_private_room(person: &Person, number: u64) -> Result<OwnedRoomId> {
    let marks = [format!("n°{number}"), format!("#{number}")];
    person
        .accept_invite(WAIT, move |room| {
            room.name().is_some_and(|n| marks.iter().any(|m| n.ends_with(m.as_str())))
        })
        .await
}
