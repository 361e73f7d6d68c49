//! The flow of one job: parse, check the rules, one store transition, then the effects
//! on Matrix. Jobs are handled one at a time, in the order they arrived.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entraide_commands::{
    Command, CommandKind, Lang, Message, ParseError, Parsed, Place, Refusal, Roles,
    VolunteerStatus,
    catalogue::{self, Key},
    parse::MAX_REQUEST_CHARS,
    read_request, rules,
};
use entraide_storage::{NewRequest, Request, RoomKind, State, Store, StoreError, TransitionError};
use matrix_sdk::{
    Client, Room,
    ruma::{EventId, OwnedRoomId, OwnedUserId, RoomId, UserId},
};
use tokio::sync::mpsc::Receiver;
use tracing::{debug, error, info, warn};

use crate::{
    config::Config,
    handlers::{Job, now_ms},
    matrix::{self, BotRooms, Shape},
};

/// The bot: its Matrix client, configuration, store and rooms.
#[derive(Debug)]
pub struct Bot {
    /// The bot's own user id.
    pub user_id: OwnedUserId,
    client: Client,
    config: Config,
    store: Store,
    rooms: BotRooms,
    started_ms: u64,
}

/// Why a command did not go through; [`Bot::failure_message`] turns it into a reply.
#[derive(Debug)]
enum Failure {
    Parse(ParseError),
    Refused(Refusal, CommandKind),
    Usage(CommandKind),
    Transition(TransitionError, CommandKind),
    Internal(anyhow::Error),
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Internal(error.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Internal(error)
    }
}

/// Where a claim came from, which is where its answer goes.
#[derive(Debug, Clone, Copy)]
enum Origin<'a> {
    /// A ✋ on the relay.
    Reaction,
    /// A command written in a room.
    Command(&'a Room, &'a EventId),
}

/// Handles jobs until the queue is closed and empty.
pub async fn work(bot: Arc<Bot>, mut queue: Receiver<Job>) {
    while let Some(job) = queue.recv().await {
        bot.handle(job).await;
    }
}

impl Bot {
    /// A bot on a logged-in client.
    pub fn new(
        client: Client,
        config: Config,
        store: Store,
        rooms: BotRooms,
        started: DateTime<Utc>,
    ) -> anyhow::Result<Bot> {
        let user_id = client.user_id().ok_or_else(|| anyhow::anyhow!("not logged in"))?.to_owned();
        Ok(Bot { user_id, client, config, store, rooms, started_ms: now_ms(started) })
    }

    /// When the bot started, in milliseconds since the epoch.
    pub fn started_ms(&self) -> u64 {
        self.started_ms
    }

    async fn handle(&self, job: Job) {
        match job {
            Job::Message { room, event, sender, body, mentions } => {
                self.on_message(&room, &event, &sender, &body, &mentions).await;
            }
            Job::Reaction { room, event, sender, target, key } => {
                self.on_reaction(&room, &event, &sender, &target, &key).await;
            }
            Job::Invite { room, inviter, direct } => self.invited(room, inviter, direct).await,
        }
    }

    /// Marks an event handled; `false` if it already was (then nothing is done).
    async fn first_time(&self, event: &EventId) -> bool {
        match self.store.mark_handled(event.as_str(), Utc::now()).await {
            Ok(fresh) => fresh,
            Err(error) => {
                error!(%error, "cannot record a handled event");
                false
            }
        }
    }

    async fn on_message(
        &self,
        room_id: &RoomId,
        event: &EventId,
        sender: &UserId,
        body: &str,
        mentions: &[String],
    ) {
        let Some(parsed) = entraide_commands::parse(body, mentions) else {
            return;
        };
        let Some(room) = matrix::joined(&self.client, room_id.as_str()) else {
            return;
        };
        let is_request = matches!(parsed, Ok(Parsed { command: Command::Request { .. }, .. }));
        // A request is marked handled in the same transaction that records it.
        let fresh = if is_request {
            !self.store.is_handled(event.as_str()).unwrap_or(true)
        } else {
            self.first_time(event).await
        };
        if !fresh {
            return;
        }
        let (result, lang) = match parsed {
            Ok(Parsed { command, lang }) => {
                (self.execute(&room, event, sender, command, lang).await, lang)
            }
            Err(error) => {
                let lang = error.lang().unwrap_or(self.config.language);
                (Err(Failure::Parse(error)), lang)
            }
        };
        if let Err(failure) = result {
            // A refused request was not recorded: mark it, so that it is not answered twice.
            if is_request {
                self.first_time(event).await;
            }
            if let Some(message) = self.failure_message(failure, lang) {
                self.reply(&room, event, &message, None).await;
            }
        }
    }

    async fn on_reaction(
        &self,
        room_id: &RoomId,
        event: &EventId,
        sender: &UserId,
        target: &EventId,
        key: &str,
    ) {
        if room_id != self.rooms.volunteers || !is_claim(key) {
            return;
        }
        let number = match self.store.request_by_relay(target.as_str()) {
            Ok(Some(number)) => number,
            Ok(None) => return,
            Err(error) => {
                error!(%error, "cannot look up a relay");
                return;
            }
        };
        if !self.first_time(event).await {
            return;
        }
        let lang = self.config.language;
        let result = match self.roles(sender) {
            Ok(roles) => match rules::check(CommandKind::Take, roles, Place::Volunteers) {
                Ok(()) => self.claim(number, sender, lang, Origin::Reaction).await,
                Err(refusal) => Err(Failure::Refused(refusal, CommandKind::Take)),
            },
            Err(error) => Err(error.into()),
        };
        if let Err(failure) = result
            && let Some(message) = self.failure_message(failure, lang)
            && let Some(room) = matrix::joined(&self.client, room_id.as_str())
        {
            self.send(&room, &message, Shape::Thread(target), Some(sender)).await;
        }
    }

    fn roles(&self, user: &UserId) -> Result<Roles, StoreError> {
        Ok(Roles {
            coordinator: self.config.coordinators.iter().any(|c| c == user.as_str()),
            volunteer: self.store.person(user.as_str())?.status,
        })
    }

    fn place(&self, room: &RoomId) -> Result<Place, StoreError> {
        if room == self.rooms.volunteers {
            return Ok(Place::Volunteers);
        }
        if room == self.rooms.coordination {
            return Ok(Place::Coordination);
        }
        Ok(match self.store.room_kind(room.as_str())? {
            Some(RoomKind::Neighbourhood { .. }) => Place::Neighbourhood,
            Some(RoomKind::Direct { .. }) => Place::Direct,
            Some(RoomKind::Private { request }) => Place::Private { request },
            Some(RoomKind::Volunteers | RoomKind::Coordination) | None => Place::Other,
        })
    }

    async fn execute(
        &self,
        room: &Room,
        event: &EventId,
        sender: &UserId,
        command: Command,
        lang: Lang,
    ) -> Result<(), Failure> {
        let kind = command.kind();
        let place = self.place(room.room_id())?;
        let roles = self.roles(sender)?;
        rules::check(kind, roles, place).map_err(|refusal| Failure::Refused(refusal, kind))?;
        match command {
            Command::Request { text } => self.post_request(room, event, sender, text, lang).await,
            Command::Take { number } => {
                self.claim(number, sender, lang, Origin::Command(room, event)).await
            }
            Command::Release { number } => {
                let (request, private_room) = self
                    .store
                    .release(number, sender.as_str(), sender.as_str(), false, Utc::now())
                    .await
                    .map_err(|e| Failure::Transition(e, kind))?;
                info!(request = number, "given back");
                self.after_release(&request, private_room, sender).await;
                let message =
                    catalogue::render(lang, Key::Released, &[("number", &number.to_string())]);
                if place != (Place::Private { request: number }) {
                    self.reply(room, event, &message, None).await;
                }
                Ok(())
            }
            Command::Done { number, note } => {
                let number = match rules::request_number(number, place) {
                    Some(number) => number,
                    None => self
                        .sole(|r| r.state.holder() == Some(sender.as_str()))?
                        .ok_or(Failure::Usage(kind))?,
                };
                let request = self
                    .store
                    .done(number, sender.as_str(), note.as_deref(), Utc::now())
                    .await
                    .map_err(|e| Failure::Transition(e, kind))?;
                info!(request = number, "done");
                let message =
                    catalogue::render(lang, Key::DoneAck, &[("number", &number.to_string())]);
                self.after_close(&request, Key::RelayDone, &message).await;
                if Some(room.room_id().as_str()) != request.private_room.as_deref() {
                    self.reply(room, event, &message, None).await;
                }
                Ok(())
            }
            Command::Cancel { number } => {
                let number = match rules::request_number(number, place) {
                    Some(number) => number,
                    None => self
                        .sole(|r| r.requester == sender.as_str() && r.state.is_active())?
                        .ok_or(Failure::Usage(kind))?,
                };
                let request = self
                    .store
                    .cancel(number, sender.as_str(), roles.coordinator, Utc::now())
                    .await
                    .map_err(|e| Failure::Transition(e, kind))?;
                info!(request = number, "cancelled");
                let message =
                    catalogue::render(lang, Key::CancelledAck, &[("number", &number.to_string())]);
                self.after_close(&request, Key::RelayCancelled, &message).await;
                if Some(room.room_id().as_str()) != request.private_room.as_deref() {
                    self.reply(room, event, &message, None).await;
                }
                Ok(())
            }
            Command::Vet { user } => self.vet(room, event, sender, &user, lang).await,
            Command::Ban { user, reason } => {
                self.ban(room, event, sender, &user, reason.as_deref(), lang).await
            }
            Command::Requests => {
                let message = self.requests_list(lang)?;
                self.reply(room, event, &message, None).await;
                Ok(())
            }
            Command::Help => {
                let message = catalogue::help(lang, &rules::allowed(roles, place));
                self.reply(room, event, &message, None).await;
                Ok(())
            }
        }
    }

    /// The only active request matching `pred`, if there is exactly one.
    fn sole(&self, pred: impl Fn(&Request) -> bool) -> Result<Option<u64>, StoreError> {
        let matching: Vec<u64> = self
            .store
            .active_requests()?
            .into_iter()
            .filter(|r| pred(r))
            .map(|r| r.number)
            .collect();
        Ok(match matching.as_slice() {
            [number] => Some(*number),
            _ => None,
        })
    }

    async fn post_request(
        &self,
        room: &Room,
        event: &EventId,
        sender: &UserId,
        text: String,
        lang: Lang,
    ) -> Result<(), Failure> {
        let now = Utc::now();
        let neighbourhood = match self.store.room_kind(room.room_id().as_str())? {
            Some(RoomKind::Neighbourhood { name }) => Some(name),
            _ => None,
        };
        let reading = read_request(&text, now.with_timezone(&self.config.timezone));
        let new = NewRequest {
            requester: sender.to_string(),
            origin_room: room.room_id().to_string(),
            neighbourhood,
            text,
            reading,
            lang,
        };
        let request = match self.store.create_request(new, event.as_str(), now).await {
            Ok(request) => request,
            Err(TransitionError::AlreadyHandled) => return Ok(()),
            Err(error) => return Err(Failure::Transition(error, CommandKind::Request)),
        };
        info!(request = request.number, category = ?request.reading.category, "request posted");
        let today = self.today();
        let number = request.number.to_string();
        let confirmation = catalogue::render(
            lang,
            Key::RequestConfirmed,
            &[
                ("number", &number),
                ("category", &catalogue::category(lang, reading.category)),
                ("when", &catalogue::when(lang, reading.when, today)),
                ("behalf", &catalogue::behalf(lang, reading.on_behalf)),
            ],
        );
        self.reply(room, event, &confirmation, None).await;
        self.relay(&request).await;
        Ok(())
    }

    fn today(&self) -> chrono::NaiveDate {
        Utc::now().with_timezone(&self.config.timezone).date_naive()
    }

    /// Sends the relay of an open request to the volunteers room and records it.
    async fn relay(&self, request: &Request) {
        let lang = self.config.language;
        let message =
            catalogue::render(lang, Key::Relay, &borrow(&self.request_args(request, lang)));
        let Some(room) = matrix::joined(&self.client, self.rooms.volunteers.as_str()) else {
            error!(request = request.number, "not in the volunteers room: cannot relay");
            return;
        };
        match matrix::send(&room, &message, Shape::New, None).await {
            Ok(relay) => {
                match self.store.set_relay(request.number, relay.as_str(), Utc::now()).await {
                    Ok(_) => info!(request = request.number, "relayed"),
                    Err(error) => {
                        error!(request = request.number, %error, "cannot record the relay")
                    }
                }
            }
            // The request stays open without a relay; it is relayed again at the next start.
            Err(error) => error!(request = request.number, %error, "cannot relay"),
        }
    }

    fn request_args(&self, request: &Request, lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("number", request.number.to_string()),
            ("category", catalogue::category(lang, request.reading.category)),
            ("neighbourhood", self.neighbourhood(request, lang)),
            ("when", catalogue::when(lang, request.reading.when, self.today())),
            ("behalf", catalogue::behalf(lang, request.reading.on_behalf)),
            ("text", request.text.clone()),
        ]
    }

    fn neighbourhood(&self, request: &Request, lang: Lang) -> String {
        request
            .neighbourhood
            .clone()
            .unwrap_or_else(|| catalogue::text(lang, Key::NoNeighbourhood, &[]))
    }

    async fn claim(
        &self,
        number: u64,
        volunteer: &UserId,
        lang: Lang,
        origin: Origin<'_>,
    ) -> Result<(), Failure> {
        let request = match self.store.claim(number, volunteer.as_str(), Utc::now()).await {
            Ok(request) => request,
            Err(error) => return Err(Failure::Transition(error, CommandKind::Take)),
        };
        info!(request = number, "claimed");
        let won = catalogue::render(lang, Key::ClaimWon, &[("number", &number.to_string())]);
        match origin {
            Origin::Command(room, event) if room.room_id() != self.rooms.volunteers => {
                self.reply(room, event, &won, None).await;
            }
            _ => self.to_relay_thread(&request, &won, volunteer).await,
        }
        self.open_private_room(request, volunteer).await;
        Ok(())
    }

    /// The effects of a claim: the private room, the intro there, the relay edited, the
    /// requester told. If the room cannot be made, the claim is undone so that the
    /// request is not stuck with nobody able to reach the requester.
    async fn open_private_room(&self, request: Request, volunteer: &UserId) {
        let number = request.number;
        let mut invite = vec![volunteer.to_string()];
        if request.requester != volunteer.as_str() {
            invite.push(request.requester.clone());
        }
        let room = match matrix::create_private_room(
            &self.client,
            request.lang,
            number,
            &invite,
            self.config.encrypt_rooms,
        )
        .await
        {
            Ok(room) => room,
            Err(error) => {
                error!(request = number, %error, "cannot create the private room; giving the request back");
                if let Err(error) =
                    self.store.release(number, volunteer.as_str(), "bot", true, Utc::now()).await
                {
                    error!(request = number, %error, "cannot give the request back");
                }
                let sorry = catalogue::render(self.config.language, Key::InternalError, &[]);
                self.to_relay_thread(&request, &sorry, volunteer).await;
                return;
            }
        };
        if let Err(error) =
            self.store.set_private_room(number, room.room_id().as_str(), Utc::now()).await
        {
            error!(request = number, %error, "cannot record the private room");
        }
        info!(request = number, room = %room.room_id(), "private room created");
        let lang = request.lang;
        let mut args = self.request_args(&request, lang);
        args.push(("volunteer", self.name_in(self.rooms.volunteers.as_str(), volunteer).await));
        let requester = match matrix::user_id(&request.requester) {
            Ok(requester) => self.name_in(&request.origin_room, &requester).await,
            Err(_) => request.requester.clone(),
        };
        args.push(("requester", requester));
        let intro = catalogue::render(lang, Key::PrivateIntro, &borrow(&args));
        self.send(&room, &intro, Shape::New, None).await;
        self.edit_relay(&request, Key::RelayTaken).await;
        let told = catalogue::render(lang, Key::RequesterTold, &[("number", &number.to_string())]);
        if let Some(origin) = matrix::joined(&self.client, &request.origin_room)
            && let Ok(requester) = matrix::user_id(&request.requester)
        {
            self.send(&origin, &told, Shape::New, Some(&requester)).await;
        }
    }

    /// How `user` is named in a room the bot shares with them: their display name there,
    /// or their user id.
    async fn name_in(&self, room_id: &str, user: &UserId) -> String {
        let Some(room) = matrix::joined(&self.client, room_id) else {
            return user.to_string();
        };
        match room.get_member_no_sync(user).await {
            Ok(Some(member)) => member.display_name().unwrap_or(user.as_str()).to_owned(),
            _ => user.to_string(),
        }
    }

    async fn edit_relay(&self, request: &Request, key: Key) {
        let Some(relay) = request.relay_event.as_deref().and_then(|id| EventId::parse(id).ok())
        else {
            return;
        };
        let Some(room) = matrix::joined(&self.client, self.rooms.volunteers.as_str()) else {
            return;
        };
        let lang = self.config.language;
        let message = catalogue::render(lang, key, &borrow(&self.request_args(request, lang)));
        self.send(&room, &message, Shape::Edit(&relay), None).await;
    }

    async fn to_relay_thread(&self, request: &Request, message: &Message, to: &UserId) {
        let Some(room) = matrix::joined(&self.client, self.rooms.volunteers.as_str()) else {
            return;
        };
        match request.relay_event.as_deref().and_then(|id| EventId::parse(id).ok()) {
            Some(relay) => self.send(&room, message, Shape::Thread(&relay), Some(to)).await,
            None => self.send(&room, message, Shape::New, Some(to)).await,
        }
    }

    /// The effects of a release: the volunteer leaves the private room, the requester is
    /// told there, and the request is relayed again.
    async fn after_release(
        &self,
        request: &Request,
        private_room: Option<String>,
        volunteer: &UserId,
    ) {
        if let Some(room) = private_room.as_deref().and_then(|id| matrix::joined(&self.client, id))
        {
            let message = catalogue::render(
                request.lang,
                Key::ReleasedPrivate,
                &[("number", &request.number.to_string())],
            );
            self.send(&room, &message, Shape::New, None).await;
            if let Err(error) = room.kick_user(volunteer, None).await {
                warn!(request = request.number, %error, "cannot remove the volunteer from the private room");
            }
        }
        self.relay(request).await;
    }

    /// The effects of closing: the private room is told and the relay is edited.
    async fn after_close(&self, request: &Request, relay_key: Key, message: &Message) {
        if let Some(room) =
            request.private_room.as_deref().and_then(|id| matrix::joined(&self.client, id))
        {
            self.send(&room, message, Shape::New, None).await;
        }
        self.edit_relay(request, relay_key).await;
    }

    async fn vet(
        &self,
        room: &Room,
        event: &EventId,
        by: &UserId,
        user: &str,
        lang: Lang,
    ) -> Result<(), Failure> {
        let user_id = matrix::user_id(user).map_err(|_| Failure::Usage(CommandKind::Vet))?;
        let before = self
            .store
            .set_volunteer_status(
                user_id.as_str(),
                VolunteerStatus::Vetted,
                by.as_str(),
                None,
                Utc::now(),
            )
            .await?;
        info!("volunteer vetted");
        if let Some(volunteers) = matrix::joined(&self.client, self.rooms.volunteers.as_str()) {
            if before == VolunteerStatus::Banned
                && let Err(error) = volunteers.unban_user(&user_id, None).await
            {
                warn!(%error, "cannot lift the ban in the volunteers room");
            }
            if let Err(error) = volunteers.invite_user_by_id(&user_id).await {
                // Already a member: nothing to do.
                debug!(%error, "no invitation to the volunteers room");
            }
        }
        let key = if before == VolunteerStatus::Vetted { Key::AlreadyVetted } else { Key::Vetted };
        self.reply(room, event, &catalogue::render(lang, key, &[("user", user_id.as_str())]), None)
            .await;
        Ok(())
    }

    async fn ban(
        &self,
        room: &Room,
        event: &EventId,
        by: &UserId,
        user: &str,
        reason: Option<&str>,
        lang: Lang,
    ) -> Result<(), Failure> {
        let user_id = matrix::user_id(user).map_err(|_| Failure::Usage(CommandKind::Ban))?;
        let before = self
            .store
            .set_volunteer_status(
                user_id.as_str(),
                VolunteerStatus::Banned,
                by.as_str(),
                reason,
                Utc::now(),
            )
            .await?;
        info!("volunteer banned");
        let mut released = Vec::new();
        for request in self.store.active_requests()? {
            if request.state.holder() != Some(user_id.as_str()) {
                continue;
            }
            match self
                .store
                .release(request.number, user_id.as_str(), by.as_str(), true, Utc::now())
                .await
            {
                Ok((request, private_room)) => {
                    self.after_release(&request, private_room, &user_id).await;
                    released.push(format!("{}", request.number));
                }
                Err(error) => {
                    warn!(request = request.number, %error, "cannot give back a banned volunteer's request")
                }
            }
        }
        self.ban_everywhere(&user_id, reason).await;
        let key = if before == VolunteerStatus::Banned { Key::AlreadyBanned } else { Key::Banned };
        let mut parts = vec![catalogue::render(lang, key, &[("user", user_id.as_str())])];
        if !released.is_empty() {
            parts.push(catalogue::render(
                lang,
                Key::BannedReleased,
                &[("numbers", &released.join(", "))],
            ));
        }
        self.reply(room, event, &Message::lines(parts), None).await;
        Ok(())
    }

    /// Bans `user` from every room the bot manages where they are, as far as the bot has
    /// the power to.
    async fn ban_everywhere(&self, user: &UserId, reason: Option<&str>) {
        for room in self.client.joined_rooms() {
            let managed = room.room_id() == self.rooms.volunteers
                || matches!(
                    self.store.room_kind(room.room_id().as_str()),
                    Ok(Some(RoomKind::Private { .. } | RoomKind::Neighbourhood { .. }))
                );
            if !managed {
                continue;
            }
            if let Err(error) = room.ban_user(user, reason).await {
                debug!(room = %room.room_id(), %error, "cannot ban here");
            }
        }
    }

    fn requests_list(&self, lang: Lang) -> Result<Message, StoreError> {
        let active = self.store.active_requests()?;
        if active.is_empty() {
            return Ok(catalogue::render(lang, Key::RequestsEmpty, &[]));
        }
        let now = Utc::now();
        let mut lines = vec![catalogue::render(
            lang,
            Key::RequestsHeader,
            &[("count", &active.len().to_string())],
        )];
        for request in &active {
            let mut args = self.request_args(request, lang);
            let (key, since) = match &request.state {
                State::Claimed { volunteer, at } => {
                    args.push(("volunteer", volunteer.clone()));
                    (Key::RequestsLineClaimed, *at)
                }
                _ => (Key::RequestsLineOpen, request.created_at),
            };
            args.push(("age", catalogue::age(lang, minutes_between(since, now))));
            lines.push(catalogue::render(lang, key, &borrow(&args)));
        }
        Ok(Message::lines(lines))
    }

    /// Handles an invitation: coordinators bring the bot into neighbourhood rooms; anyone
    /// may open a direct chat; other invitations are declined.
    pub(crate) async fn invited(&self, room_id: OwnedRoomId, inviter: OwnedUserId, direct: bool) {
        // The same invitation may come from a sync and from the start-up check.
        let Some(room) =
            self.client.get_room(&room_id).filter(|r| r.state() == matrix_sdk::RoomState::Invited)
        else {
            return;
        };
        let coordinator = self.config.coordinators.iter().any(|c| c == inviter.as_str());
        if !direct && !coordinator {
            info!(room = %room_id, "declining an invitation from someone who is not a coordinator");
            if let Err(error) = room.leave().await {
                warn!(room = %room_id, %error, "cannot decline the invitation");
            }
            return;
        }
        // The invitation carries the room's name; read it before joining.
        let name = room.name().filter(|n| !n.trim().is_empty());
        if let Err(error) = room.join().await {
            warn!(room = %room_id, %error, "cannot join");
            return;
        }
        let (kind, welcome) = if direct {
            (RoomKind::Direct { user: inviter.to_string() }, Key::DirectWelcome)
        } else {
            let name = name.unwrap_or_else(|| self.config.community.clone());
            (RoomKind::Neighbourhood { name }, Key::NeighbourhoodWelcome)
        };
        if let Err(error) = self.store.set_room_kind(room_id.as_str(), &kind).await {
            error!(room = %room_id, %error, "cannot record the room");
            return;
        }
        info!(room = %room_id, ?kind, "joined");
        let message = catalogue::render(
            self.config.language,
            welcome,
            &[("community", &self.config.community)],
        );
        self.send(&room, &message, Shape::New, None).await;
    }

    /// Finishes effects that a stop interrupted: open requests never relayed are relayed,
    /// claimed requests without a private room get one.
    pub async fn recover(&self) {
        let active = match self.store.active_requests() {
            Ok(active) => active,
            Err(error) => {
                error!(%error, "cannot read the requests to recover");
                return;
            }
        };
        for request in active {
            match &request.state {
                State::Open if request.relay_event.is_none() => self.relay(&request).await,
                State::Claimed { volunteer, .. } if request.private_room.is_none() => {
                    if let Ok(volunteer) = matrix::user_id(volunteer) {
                        self.open_private_room(request.clone(), &volunteer).await;
                    }
                }
                _ => {}
            }
        }
    }

    /// Turns a failure into what the person sees; internal causes are logged, not shown.
    fn failure_message(&self, failure: Failure, lang: Lang) -> Option<Message> {
        let n = |number: u64| number.to_string();
        Some(match failure {
            Failure::Parse(ParseError::Unknown { word }) => {
                catalogue::render(lang, Key::UnknownCommand, &[("word", &word)])
            }
            Failure::Parse(ParseError::Usage { kind, .. }) | Failure::Usage(kind) => {
                catalogue::usage(lang, kind)
            }
            Failure::Parse(ParseError::TooLong { chars, .. }) => catalogue::render(
                lang,
                Key::TooLong,
                &[("chars", &chars.to_string()), ("max", &MAX_REQUEST_CHARS.to_string())],
            ),
            Failure::Refused(refusal, kind) => match refusal {
                Refusal::NotVetted => catalogue::render(lang, Key::RefusedNotVetted, &[]),
                Refusal::Banned => catalogue::render(lang, Key::RefusedBanned, &[]),
                Refusal::NotCoordinator => catalogue::render(lang, Key::RefusedNotCoordinator, &[]),
                Refusal::WrongPlace(_) => {
                    catalogue::render(lang, Key::RefusedWrongPlace, &[("word", kind.word(lang))])
                }
            },
            Failure::Transition(error, kind) => match error {
                TransitionError::AlreadyHandled => return None,
                TransitionError::NoSuchRequest(number) => {
                    catalogue::render(lang, Key::NoSuchRequest, &[("number", &n(number))])
                }
                TransitionError::NotOpen { number, state: State::Claimed { .. } }
                    if kind == CommandKind::Take =>
                {
                    catalogue::render(lang, Key::AlreadyTaken, &[("number", &n(number))])
                }
                TransitionError::NotOpen { number, state } => catalogue::render(
                    lang,
                    Key::NotOpen,
                    &[("number", &n(number)), ("state", &state_name(lang, &state))],
                ),
                TransitionError::NotClaimed { number, state } => catalogue::render(
                    lang,
                    Key::NotClaimed,
                    &[("number", &n(number)), ("state", &state_name(lang, &state))],
                ),
                TransitionError::NotHolder(number) => {
                    catalogue::render(lang, Key::NotHolder, &[("number", &n(number))])
                }
                TransitionError::NotRequester(number) => {
                    catalogue::render(lang, Key::NotRequester, &[("number", &n(number))])
                }
                TransitionError::Store(error) => {
                    error!(%error, "store failure");
                    catalogue::render(lang, Key::InternalError, &[])
                }
            },
            Failure::Internal(error) => {
                error!(error = %format!("{error:#}"), "internal failure");
                catalogue::render(lang, Key::InternalError, &[])
            }
        })
    }

    /// Answers a command where it was written: in the volunteers room, in the command's
    /// thread, so that the relays stay readable.
    async fn reply(
        &self,
        room: &Room,
        event: &EventId,
        message: &Message,
        mention: Option<&UserId>,
    ) {
        let shape =
            if room.room_id() == self.rooms.volunteers { Shape::Thread(event) } else { Shape::New };
        self.send(room, message, shape, mention).await;
    }

    async fn send(
        &self,
        room: &Room,
        message: &Message,
        shape: Shape<'_>,
        mention: Option<&UserId>,
    ) {
        if let Err(error) = matrix::send(room, message, shape, mention).await {
            warn!(room = %room.room_id(), error = %format!("{error:#}"), "cannot send a notice");
        }
    }
}

fn borrow<'a>(args: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    args.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes()
}

fn state_name(lang: Lang, state: &State) -> String {
    let key = match state {
        State::Open => Key::StateOpen,
        State::Claimed { .. } => Key::StateClaimed,
        State::Done { .. } => Key::StateDone,
        State::Cancelled { .. } => Key::StateCancelled,
        State::Expired => Key::StateExpired,
    };
    catalogue::text(lang, key, &[])
}

/// ✋, with or without a skin tone or variation selector.
fn is_claim(key: &str) -> bool {
    key.trim_end_matches([
        '\u{FE0F}',
        '\u{1F3FB}',
        '\u{1F3FC}',
        '\u{1F3FD}',
        '\u{1F3FE}',
        '\u{1F3FF}',
    ]) == "✋"
}

#[cfg(test)]
mod tests {
    use super::is_claim;

    #[test]
    fn a_raised_hand_in_any_skin_tone_claims() {
        for key in ["✋", "✋\u{FE0F}", "✋🏽", "✋🏿"] {
            assert!(is_claim(key), "{key}");
        }
        for key in ["👍", "🙋", "✋✋", "", "hand"] {
            assert!(!is_claim(key), "{key}");
        }
    }
}
