//! The Matrix side: session, sync, the bot's own rooms, and the few kinds of messages and
//! rooms the bot makes.

use std::time::Duration;

use anyhow::{Context as _, bail};
use entraide_commands::{
    Lang, Message,
    catalogue::{self, Key},
};
use entraide_storage::{RoomKind, Store};
use matrix_sdk::{
    Client, Room, RoomState,
    authentication::matrix::MatrixSession,
    config::SyncSettings,
    ruma::{
        EventId, OwnedEventId, OwnedRoomId, OwnedUserId, RoomOrAliasId, UserId,
        api::client::room::create_room::{
            RoomPowerLevelsContentOverride,
            v3::{Request as CreateRoom, RoomPreset},
        },
        events::{
            InitialStateEvent, Mentions,
            relation::Thread,
            room::{
                encryption::RoomEncryptionEventContent,
                guest_access::{GuestAccess, RoomGuestAccessEventContent},
                history_visibility::{HistoryVisibility, RoomHistoryVisibilityEventContent},
                message::{Relation, ReplacementMetadata, RoomMessageEventContent},
            },
        },
        int,
        serde::Raw,
    },
    store::RoomLoadSettings,
};
use tracing::{info, warn};

use crate::config::Config;

/// Longest wait between two tries to reach the homeserver.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The bot's own rooms.
#[derive(Debug, Clone)]
pub struct BotRooms {
    /// Where requests are relayed.
    pub volunteers: OwnedRoomId,
    /// Where coordinators follow things.
    pub coordination: OwnedRoomId,
}

/// Builds the client on its on-disk store and logs in, or restores the saved session so
/// that the bot keeps the same device (and its encryption keys) across restarts.
pub async fn connect(config: &Config) -> anyhow::Result<Client> {
    let session_file = config.data_dir.join("session.json");
    let mut backoff = Duration::from_secs(1);
    loop {
        let client = Client::builder()
            .homeserver_url(&config.homeserver)
            .sqlite_store(config.data_dir.join("matrix"), None)
            .build()
            .await
            .context("cannot open the Matrix store")?;
        let attempt = if session_file.exists() {
            restore(&client, &session_file).await
        } else {
            login(&client, config, &session_file).await
        };
        match attempt {
            Ok(()) => return Ok(client),
            Err(Attempt::Fatal(error)) => return Err(error),
            Err(Attempt::Retry(error)) => {
                warn!(homeserver = %config.homeserver, error = %error, retry_in = ?backoff, "cannot reach the homeserver");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

enum Attempt {
    Fatal(anyhow::Error),
    Retry(anyhow::Error),
}

/// The server answered: retrying the same thing will not help. No answer: it may.
fn classify(error: matrix_sdk::Error, what: &str) -> Attempt {
    if error.client_api_error_kind().is_some() {
        Attempt::Fatal(anyhow::Error::new(error).context(what.to_owned()))
    } else {
        Attempt::Retry(anyhow::Error::new(error))
    }
}

async fn login(
    client: &Client,
    config: &Config,
    session_file: &std::path::Path,
) -> Result<(), Attempt> {
    client
        .matrix_auth()
        .login_username(&config.user_id, &config.password)
        .initial_device_display_name(&config.device_name)
        .await
        .map_err(|error| {
            classify(
                error,
                &format!("cannot log in as {} (wrong user id or password?)", config.user_id),
            )
        })?;
    let session = client
        .matrix_auth()
        .session()
        .ok_or_else(|| Attempt::Fatal(anyhow::anyhow!("logged in but no session to save")))?;
    let json = serde_json::to_vec(&session).map_err(|e| Attempt::Fatal(e.into()))?;
    std::fs::write(session_file, json)
        .with_context(|| format!("cannot save the session to {}", session_file.display()))
        .map_err(Attempt::Fatal)?;
    info!(device = %session.meta.device_id, "logged in with a new device");
    Ok(())
}

async fn restore(client: &Client, session_file: &std::path::Path) -> Result<(), Attempt> {
    let json = std::fs::read(session_file)
        .with_context(|| format!("cannot read {}", session_file.display()))
        .map_err(Attempt::Fatal)?;
    let session: MatrixSession = serde_json::from_slice(&json)
        .with_context(|| format!("{} is not a saved session", session_file.display()))
        .map_err(Attempt::Fatal)?;
    let device = session.meta.device_id.clone();
    client
        .matrix_auth()
        .restore_session(session, RoomLoadSettings::default())
        .await
        .map_err(|error| classify(error, "cannot restore the saved session"))?;
    // The token may have been revoked: ask the server who we are before going on.
    client.whoami().await.map_err(|error| {
        if error.client_api_error_kind().is_some() {
            Attempt::Fatal(anyhow::anyhow!(
                "the saved session in {} is no longer valid ({error}); remove that file to log in again",
                session_file.display()
            ))
        } else {
            Attempt::Retry(anyhow::Error::new(error))
        }
    })?;
    info!(%device, "restored the saved session");
    Ok(())
}

/// One sync without event handlers, so that the backlog is skipped; returns the token
/// to go on from. Network failures are retried with backoff.
pub async fn first_sync(client: &Client) -> String {
    let mut backoff = Duration::from_secs(1);
    loop {
        match client.sync_once(SyncSettings::default()).await {
            Ok(response) => return response.next_batch,
            Err(error) => {
                warn!(%error, retry_in = ?backoff, "first sync failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Syncs until the future is dropped, retrying after failures with backoff.
pub async fn sync_forever(client: &Client, token: String) {
    let mut settings = SyncSettings::default().token(token).timeout(Duration::from_secs(30));
    let mut backoff = Duration::from_secs(1);
    loop {
        match client.sync(settings.clone()).await {
            Ok(()) => return,
            Err(error) => {
                warn!(%error, retry_in = ?backoff, "sync failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                // Go on from where the client's store says we are.
                settings = SyncSettings::default().timeout(Duration::from_secs(30));
            }
        }
    }
}

/// Finds or creates the volunteers and coordination rooms, and joins the configured
/// neighbourhood rooms.
pub async fn setup_rooms(
    client: &Client,
    config: &Config,
    store: &Store,
) -> anyhow::Result<BotRooms> {
    let volunteers =
        own_room(client, config, store, RoomKind::Volunteers, config.volunteers_room.as_deref())
            .await?;
    let coordination = own_room(
        client,
        config,
        store,
        RoomKind::Coordination,
        config.coordination_room.as_deref(),
    )
    .await?;
    for neighbourhood in &config.neighbourhoods {
        match join(client, &neighbourhood.room).await {
            Ok(room) => {
                let kind = RoomKind::Neighbourhood { name: neighbourhood.name.clone() };
                store.set_room_kind(room.room_id().as_str(), &kind).await?;
                info!(room = %room.room_id(), "neighbourhood room ready");
            }
            // One unreachable neighbourhood must not keep the others from being served.
            Err(error) => {
                warn!(room = %neighbourhood.room, error = %error, "cannot join a neighbourhood room")
            }
        }
    }
    Ok(BotRooms { volunteers, coordination })
}

async fn own_room(
    client: &Client,
    config: &Config,
    store: &Store,
    kind: RoomKind,
    configured: Option<&str>,
) -> anyhow::Result<OwnedRoomId> {
    if let Some(room) = configured {
        let room = join(client, room)
            .await
            .with_context(|| format!("cannot join the {kind:?} room {room}"))?;
        store.set_room_kind(room.room_id().as_str(), &kind).await?;
        return Ok(room.room_id().to_owned());
    }
    let wanted = kind.clone();
    if let Some(id) = store.rooms_where(|k| *k == wanted)?.into_iter().next() {
        return OwnedRoomId::try_from(id).context("a stored room id is not valid");
    }
    let (name, topic) = match kind {
        RoomKind::Volunteers => (Key::VolunteersRoomName, Key::VolunteersRoomTopic),
        _ => (Key::CoordinationRoomName, Key::CoordinationRoomTopic),
    };
    let community = [("community", config.community.as_str())];
    let mut request = CreateRoom::new();
    request.name = Some(catalogue::text(config.language, name, &community));
    request.topic = Some(catalogue::text(config.language, topic, &[]));
    request.preset = Some(RoomPreset::PrivateChat);
    request.invite = user_ids(&config.coordinators);
    if config.encrypt_rooms {
        request.initial_state.push(encryption_state());
    }
    request.power_level_content_override = Some(power_levels(&config.coordinators)?);
    let room = client
        .create_room(request)
        .await
        .with_context(|| format!("cannot create the {kind:?} room"))?;
    store.set_room_kind(room.room_id().as_str(), &kind).await?;
    info!(room = %room.room_id(), ?kind, "created the room");
    Ok(room.room_id().to_owned())
}

/// Joins a room by id or alias (the bot must be invited or the room public).
async fn join(client: &Client, room: &str) -> anyhow::Result<Room> {
    let id =
        RoomOrAliasId::parse(room).with_context(|| format!("{room} is not a room id or alias"))?;
    if let Ok(room_id) = matrix_sdk::ruma::RoomId::parse(room)
        && let Some(known) = client.get_room(&room_id)
        && known.state() == RoomState::Joined
    {
        return Ok(known);
    }
    Ok(client.join_room_by_id_or_alias(&id, &[]).await?)
}

fn user_ids(ids: &[String]) -> Vec<OwnedUserId> {
    ids.iter().filter_map(|id| UserId::parse(id).ok()).collect()
}

fn encryption_state() -> Raw<matrix_sdk::ruma::events::AnyInitialStateEvent> {
    InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults())
        .to_raw_any()
}

/// Only the bot (the room's creator, with full power whatever the room version) may
/// invite, kick, ban or change the room; coordinators may moderate the bot's own rooms.
fn power_levels(admins: &[String]) -> anyhow::Result<Raw<RoomPowerLevelsContentOverride>> {
    let mut levels = RoomPowerLevelsContentOverride::new();
    for admin in user_ids(admins) {
        levels.users.insert(admin, int!(50));
    }
    levels.invite = Some(int!(100));
    levels.kick = Some(int!(100));
    levels.ban = Some(int!(100));
    levels.state_default = Some(int!(100));
    levels.events_default = Some(int!(0));
    levels.users_default = Some(int!(0));
    Ok(Raw::new(&levels)?)
}

/// Creates the private room of a request: invite-only, guests forbidden, history for
/// members only, only the bot may invite, encrypted unless configured otherwise.
pub async fn create_private_room(
    client: &Client,
    lang: Lang,
    number: u64,
    invite: &[String],
    encrypted: bool,
) -> anyhow::Result<Room> {
    let number_text = number.to_string();
    let mut request = CreateRoom::new();
    request.name = Some(catalogue::text(lang, Key::PrivateRoomName, &[("number", &number_text)]));
    request.topic = Some(catalogue::text(lang, Key::PrivateRoomTopic, &[]));
    request.preset = Some(RoomPreset::PrivateChat);
    request.invite = user_ids(invite);
    request.initial_state.push(
        InitialStateEvent::with_empty_state_key(RoomGuestAccessEventContent::new(
            GuestAccess::Forbidden,
        ))
        .to_raw_any(),
    );
    request.initial_state.push(
        InitialStateEvent::with_empty_state_key(RoomHistoryVisibilityEventContent::new(
            HistoryVisibility::Shared,
        ))
        .to_raw_any(),
    );
    if encrypted {
        request.initial_state.push(encryption_state());
    }
    request.power_level_content_override = Some(power_levels(&[])?);
    Ok(client.create_room(request).await?)
}

/// What the bot sends: always an `m.notice` with a plain and an HTML body.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// A new message.
    New,
    /// A reply in the thread of `root` (no noise in the main timeline).
    Thread(&'a EventId),
    /// A new version of an earlier message.
    Edit(&'a EventId),
}

/// Sends a notice, mentioning `mention` so that they are notified; returns its event id.
pub async fn send(
    room: &Room,
    message: &Message,
    shape: Shape<'_>,
    mention: Option<&UserId>,
) -> anyhow::Result<OwnedEventId> {
    let mut content =
        RoomMessageEventContent::notice_html(message.plain.clone(), message.html.clone());
    if let Some(user) = mention {
        content = content.add_mentions(Mentions::with_user_ids([user.to_owned()]));
    }
    match shape {
        Shape::New => {}
        Shape::Thread(root) => {
            content.relates_to =
                Some(Relation::Thread(Thread::plain(root.to_owned(), root.to_owned())));
        }
        Shape::Edit(original) => {
            content = content.make_replacement(ReplacementMetadata::new(original.to_owned(), None));
        }
    }
    let sent = room.send(content).await?;
    Ok(sent.response.event_id)
}

/// Whether `room` is a room the bot has joined.
pub fn joined(client: &Client, room_id: &str) -> Option<Room> {
    let room_id = matrix_sdk::ruma::RoomId::parse(room_id).ok()?;
    client.get_room(&room_id).filter(|room| room.state() == RoomState::Joined)
}

/// Fails unless `id` is a valid user id.
pub fn user_id(id: &str) -> anyhow::Result<OwnedUserId> {
    match UserId::parse(id) {
        Ok(user) => Ok(user),
        Err(error) => bail!("{id} is not a user id: {error}"),
    }
}
