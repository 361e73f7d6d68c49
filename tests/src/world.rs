//! A scenario's world: a real Synapse, a coordinator, the bot with the rooms it creates,
//! a neighbourhood room, and helpers to add volunteers and residents.

use std::{path::Path, time::Duration};

use anyhow::{Context as _, Result};
use entraide::Config;
use entraide_commands::{Key, Lang};
use entraide_storage::{LogEntry, Outcome};
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, RoomId};
use tempfile::TempDir;

use crate::{
    Person, Seen, Synapse,
    bot::{RunningBot, register_bot},
    process::BotProcess,
    synapse::Limits,
    texts::Texts,
    wait_until,
};

/// How long a scenario waits for anything to happen before it fails.
pub const WAIT: Duration = Duration::from_secs(90);

/// Everything a scenario starts with.
#[derive(Debug)]
pub struct World {
    /// The homeserver. A test may take it down and bring it back with
    /// [`Synapse::stop`], [`Synapse::start_again`] or [`Synapse::restart`]:
    /// it comes back on the same URL, which the bot and the people keep using.
    pub synapse: Synapse,
    /// The coordinator (a CCAS agent).
    pub coordinator: Person,
    /// The bot run in this process; `None` while stopped, and in a world started with
    /// [`World::start_process`].
    pub bot: Option<RunningBot>,
    /// The bot run as a separate OS process, in a world started with
    /// [`World::start_process`]; `None` otherwise.
    pub process: Option<BotProcess>,
    /// The bot's user id.
    pub bot_id: OwnedUserId,
    /// The room of vetted volunteers (created by the bot).
    pub volunteers_room: OwnedRoomId,
    /// The coordinators' room (created by the bot).
    pub coordination_room: OwnedRoomId,
    /// A neighbourhood room, named "Les Tilleuls", created by the coordinator.
    pub neighbourhood: OwnedRoomId,
    /// What the bot says, as it has it (with the commune's overrides, if any).
    pub texts: Texts,
    data: TempDir,
}

/// How a world's bot was launched.
enum Launched {
    InProcess(RunningBot),
    Process(BotProcess),
}

/// The outcome log of a request claimed, its private room made, and done.
pub const DONE: [Outcome; 5] = [
    Outcome::Created,
    Outcome::Relayed,
    Outcome::Claimed,
    Outcome::PrivateRoomCreated,
    Outcome::Done,
];

/// The community's name in every scenario.
pub const COMMUNITY: &str = "Saint-Martin";

impl World {
    /// Starts Synapse (rate limits relaxed) and the bot; the coordinator joins the bot's
    /// rooms and brings the bot into a neighbourhood room (end-to-end encrypted if
    /// `encrypted`).
    pub async fn start(encrypted: bool) -> Result<World> {
        World::launch(Limits::Relaxed, encrypted, None).await
    }

    /// [`World::start`], the bot running with a commune's `messages` file of this content.
    pub async fn start_with(encrypted: bool, messages: Option<&str>) -> Result<World> {
        World::launch(Limits::Relaxed, encrypted, messages).await
    }

    /// [`World::start`] on a Synapse with the rate limits `limits`; with
    /// [`Limits::Defaults`], the bot and the people are held to Synapse's defaults.
    pub async fn start_on(limits: Limits, encrypted: bool) -> Result<World> {
        World::launch(limits, encrypted, None).await
    }

    /// [`World::start`] on `synapse`, started by the caller (one of a federating pair).
    pub async fn start_on_synapse(synapse: Synapse, encrypted: bool) -> Result<World> {
        World::launch_on(synapse, encrypted, None).await
    }

    async fn launch(limits: Limits, encrypted: bool, messages: Option<&str>) -> Result<World> {
        crate::init_tracing();
        let synapse = Synapse::start_with(limits).await?;
        World::launch_on(synapse, encrypted, messages).await
    }

    async fn launch_on(synapse: Synapse, encrypted: bool, messages: Option<&str>) -> Result<World> {
        crate::init_tracing();
        let coordinator = Person::new(&synapse, "coord").await?;
        let data = TempDir::new()?;
        let mut config =
            register_bot(&synapse, data.path(), &[coordinator.user_id.as_str()]).await?;
        let texts = match messages {
            Some(overrides) => {
                let file = data.path().join("textes-commune.toml");
                std::fs::write(&file, overrides)?;
                config.messages = Some(file);
                Texts::with_overrides(overrides)?
            }
            None => Texts::builtin()?,
        };
        let store = entraide::open_store(&config)?;
        let bot = RunningBot::start(config.clone(), store);
        World::around(
            synapse,
            coordinator,
            Launched::InProcess(bot),
            &config,
            texts,
            data,
            encrypted,
        )
        .await
    }

    /// [`World::start`] with the bot as a separate OS process: `binary` (the `entraide`
    /// binary; in a test of the `entraide` package, `env!("CARGO_BIN_EXE_entraide")`)
    /// runs on a configuration file the harness writes in the data directory, logging
    /// there (see [`BotProcess`]). Its rooms are end-to-end encrypted if `encrypted`, as
    /// is the neighbourhood room. The bot's store is only readable while the process is
    /// stopped ([`BotProcess::open_store`]).
    pub async fn start_process(encrypted: bool, binary: &Path) -> Result<World> {
        World::start_process_with(encrypted, binary, |_| {}).await
    }

    /// [`World::start_process`] on a configuration that `adjust` changed first (a health
    /// listener, JSON logs).
    pub async fn start_process_with(
        encrypted: bool,
        binary: &Path,
        adjust: impl FnOnce(&mut Config),
    ) -> Result<World> {
        crate::init_tracing();
        let synapse = Synapse::start().await?;
        let coordinator = Person::new(&synapse, "coord").await?;
        let data = TempDir::new()?;
        let mut config =
            register_bot(&synapse, data.path(), &[coordinator.user_id.as_str()]).await?;
        config.encrypt_rooms = encrypted;
        adjust(&mut config);
        let process = BotProcess::start(binary, config.clone())?;
        let texts = Texts::builtin()?;
        World::around(
            synapse,
            coordinator,
            Launched::Process(process),
            &config,
            texts,
            data,
            encrypted,
        )
        .await
    }

    /// The rest of a start, once the bot is launched: the coordinator joins the rooms the
    /// bot created and brings it into a new neighbourhood room.
    async fn around(
        synapse: Synapse,
        coordinator: Person,
        launched: Launched,
        config: &Config,
        texts: Texts,
        data: TempDir,
        encrypted: bool,
    ) -> Result<World> {
        let bot_id = config.user_id.clone();
        let (bot, process) = match launched {
            Launched::InProcess(bot) => (Some(bot), None),
            Launched::Process(process) => (None, Some(process)),
        };
        let community = [("community", COMMUNITY)];
        let name = texts.text(Lang::Fr, Key::CoordinationRoomName, &community);
        let coordination_room = coordinator
            .accept_invite(WAIT, move |room| room.name().as_deref() == Some(name.as_str()))
            .await?;
        let name = texts.text(Lang::Fr, Key::VolunteersRoomName, &community);
        let volunteers_room = coordinator
            .accept_invite(WAIT, move |room| room.name().as_deref() == Some(name.as_str()))
            .await?;
        let neighbourhood = coordinator.create_room("Les Tilleuls", encrypted, &[&bot_id]).await?;
        coordinator
            .wait_for("the bot's welcome in the neighbourhood room", WAIT, |m| {
                m.room_id == neighbourhood
                    && m.sender == bot_id
                    && texts.says(m, Lang::Fr, Key::NeighbourhoodWelcome)
            })
            .await?;
        Ok(World {
            synapse,
            coordinator,
            bot,
            process,
            bot_id,
            volunteers_room,
            coordination_room,
            neighbourhood,
            texts,
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
        let (config, store) = (previous.config.clone(), previous.store.clone());
        self.bot = Some(RunningBot::start_by(config, store, previous.clock.clone()));
    }

    /// Where the bot keeps its data.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// A resident (or a family member) who joined the neighbourhood room.
    pub async fn resident(&self, prefix: &str) -> Result<Person> {
        self.resident_on(&self.synapse, prefix).await
    }

    /// [`World::resident`] with an account on `synapse` (another homeserver, federating
    /// with the world's).
    pub async fn resident_on(&self, synapse: &Synapse, prefix: &str) -> Result<Person> {
        let person = Person::new(synapse, prefix).await?;
        self.coordinator.room(&self.neighbourhood)?.invite_user_by_id(&person.user_id).await?;
        let neighbourhood = self.neighbourhood.clone();
        person.accept_invite(WAIT, move |room| room.room_id() == neighbourhood).await?;
        Ok(person)
    }

    /// A volunteer vetted by the coordinator, who joined the volunteers room.
    pub async fn volunteer(&self, prefix: &str) -> Result<Person> {
        self.volunteer_on(&self.synapse, prefix).await
    }

    /// [`World::volunteer`] with an account on `synapse` (another homeserver, federating
    /// with the world's).
    pub async fn volunteer_on(&self, synapse: &Synapse, prefix: &str) -> Result<Person> {
        let person = Person::new(synapse, prefix).await?;
        self.vet(&person).await?;
        Ok(person)
    }

    /// The coordinator vets `person`, who then joins the volunteers room. Scenarios of
    /// other things skip the charter (as a coordinator may, on record): `tests/desk.rs`
    /// goes through it.
    pub async fn vet(&self, person: &Person) -> Result<()> {
        let command = format!("!valider {} sans charte", person.user_id);
        self.coordinator.send_text(&self.coordination_room, &command).await?;
        let user = person.user_id.as_str();
        self.coordinator
            .wait_for("the bot to confirm the vetting", WAIT, |m| {
                m.room_id == self.coordination_room
                    && self.texts.is_with(Lang::Fr, Key::Vetted, first_line(m.text()), "user", user)
            })
            .await?;
        let volunteers = self.volunteers_room.clone();
        person.accept_invite(WAIT, move |room| room.room_id() == volunteers).await?;
        person.wait_member_joined(&self.volunteers_room, &self.bot_id, WAIT).await?;
        // The welcome follows the invitation: waited for here, so that a scenario counting
        // what the bot says in the volunteers room starts after it.
        let texts = &self.texts;
        // A person of another homeserver gets, as they join, only what the room says from
        // then on (their server fetches what came before when their client scrolls
        // back): the welcome, sent with the invitation, is seen by the coordinator then.
        let local = person.user_id.server_name() == self.bot_id.server_name();
        let seer = if local { person } else { &self.coordinator };
        seer.wait_for("the welcome in the volunteers room", WAIT, |m| {
            m.room_id == self.volunteers_room
                && texts.is_with(Lang::Fr, Key::VolunteerWelcome, m.text(), "user", user)
        })
        .await?;
        Ok(())
    }

    /// `resident` posts `text` (a whole French command) in the neighbourhood room;
    /// returns the request's number (from the confirmation) and the relay `volunteer` sees.
    pub async fn ask(
        &self,
        resident: &Person,
        text: &str,
        volunteer: &Person,
    ) -> Result<(u64, Seen)> {
        let (number, _) = self.ask_in(resident, &self.neighbourhood, text, Lang::Fr).await?;
        let relay = self.relay(volunteer, number).await?;
        Ok((number, relay))
    }

    /// `person` posts `text` (a whole command in `lang`) in `room`; returns the request's
    /// number and the confirmation, a reply to the command.
    pub async fn ask_in(
        &self,
        person: &Person,
        room: &RoomId,
        text: &str,
        lang: Lang,
    ) -> Result<(u64, Seen)> {
        let command = person.send_text(room, text).await?;
        let confirmation = person
            .wait_for("the confirmation of the request", WAIT, |m| {
                m.room_id == room
                    && m.sender == self.bot_id
                    && m.in_reply_to.as_ref() == Some(&command)
                    && self.texts.says(m, lang, Key::RequestConfirmed)
            })
            .await?;
        let number = self.texts.number(lang, Key::RequestConfirmed, confirmation.text())?;
        Ok((number, confirmation))
    }

    /// Whether `m` is a relay of request `number` (not an edit, not a thread reply).
    pub fn is_relay(&self, m: &Seen, number: u64) -> bool {
        m.room_id == self.volunteers_room
            && m.sender == self.bot_id
            && m.replaces.is_none()
            && m.thread_root.is_none()
            && self.texts.is_about(Lang::Fr, Key::Relay, &m.body, number)
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

/// The private room of request `number` that `person` was invited to; they join it.
pub async fn join_private_room(texts: &Texts, person: &Person, number: u64) -> Result<OwnedRoomId> {
    let number = number.to_string();
    let names: Vec<String> = Lang::ALL
        .iter()
        .map(|lang| texts.text(*lang, Key::PrivateRoomName, &[("number", &number)]))
        .collect();
    person.accept_invite(WAIT, move |room| room.name().is_some_and(|n| names.contains(&n))).await
}

/// The first line of a message: the gist of an answer that says more below.
pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}
