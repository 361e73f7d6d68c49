//! The Matrix side of the bot's own rooms and messages: finding or creating its rooms,
//! creating private rooms, and sending notices (new, as replies, in threads).

use std::{
    collections::HashMap,
    future::IntoFuture as _,
    panic::AssertUnwindSafe,
    sync::{Arc, PoisonError},
};

use anyhow::Context as _;
use entraide_commands::{Catalogue, Key, Lang, Message};
use entraide_storage::{RoomKind, Store};
use futures_util::{FutureExt as _, future::try_join_all};
use matrix_sdk::{
    Client, EncryptionState, Room, RoomState,
    config::RequestConfig,
    deserialized_responses::RawAnySyncOrStrippedState,
    ruma::{
        EventId, OwnedEventId, OwnedRoomId, OwnedUserId, RoomId, RoomOrAliasId, TransactionId,
        UserId,
        api::{
            client::{
                room::create_room::{
                    RoomPowerLevelsContentOverride,
                    v3::{Request as CreateRoom, RoomPreset},
                },
                state::get_state_event_for_key,
            },
            error::ErrorKind,
        },
        events::{
            AnyInitialStateEvent, InitialStateEvent, Mentions, StateEventType,
            relation::{Reply, Thread},
            room::{
                encryption::RoomEncryptionEventContent,
                guest_access::{GuestAccess, RoomGuestAccessEventContent},
                history_visibility::{HistoryVisibility, RoomHistoryVisibilityEventContent},
                member::{MembershipState, RoomMemberEventContent},
                message::{Relation, ReplacementMetadata, RoomMessageEventContent},
            },
        },
        int,
        serde::Raw,
    },
};
use serde_json::json;
use tracing::{info, warn};

use crate::config::Config;

/// The bot's own rooms.
#[derive(Debug, Clone)]
pub struct BotRooms {
    /// Where requests are relayed.
    pub volunteers: OwnedRoomId,
    /// Where coordinators follow things.
    pub coordination: OwnedRoomId,
}

/// Finds or creates the volunteers and coordination rooms, and joins the configured
/// neighbourhood rooms.
pub async fn setup_rooms(
    client: &Client,
    config: &Config,
    texts: &Catalogue,
    store: &Store,
) -> anyhow::Result<BotRooms> {
    let own = |kind, configured| own_room(client, config, texts, store, kind, configured);
    let volunteers = own(RoomKind::Volunteers, config.volunteers_room.as_deref()).await?;
    let coordination = own(RoomKind::Coordination, config.coordination_room.as_deref()).await?;
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
    texts: &Catalogue,
    store: &Store,
    kind: RoomKind,
    configured: Option<&RoomOrAliasId>,
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
    request.name = Some(texts.text(config.language, name, &community));
    request.topic = Some(texts.text(config.language, topic, &[]));
    request.preset = Some(RoomPreset::PrivateChat);
    request.invite = config.coordinators.clone();
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
async fn join(client: &Client, room: &RoomOrAliasId) -> anyhow::Result<Room> {
    if let Ok(room_id) = <&RoomId>::try_from(room)
        && let Some(known) = client.get_room(room_id)
        && known.state() == RoomState::Joined
    {
        return Ok(known);
    }
    Ok(client.join_room_by_id_or_alias(room, &[]).await?)
}

fn encryption_state() -> Raw<AnyInitialStateEvent> {
    InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults())
        .to_raw_any()
}

/// Only the bot (the room's creator, with full power whatever the room version) may
/// invite, kick, ban or change the room; coordinators may moderate the bot's own rooms.
fn power_levels(admins: &[OwnedUserId]) -> anyhow::Result<Raw<RoomPowerLevelsContentOverride>> {
    let mut levels = RoomPowerLevelsContentOverride::new();
    for admin in admins {
        levels.users.insert(admin.clone(), int!(50));
    }
    levels.invite = Some(int!(100));
    levels.kick = Some(int!(100));
    levels.ban = Some(int!(100));
    levels.state_default = Some(int!(100));
    levels.events_default = Some(int!(0));
    levels.users_default = Some(int!(0));
    Ok(Raw::new(&levels)?)
}

/// The state event that marks a private room as the room of one claim of one request, so
/// that after a crash the bot finds the room it made instead of making another.
const CLAIM_STATE: &str = "org.entraide.claim";

/// Which claim a private room is for: the request, and the journal id of the effect that
/// made the room (a request claimed again gets a new room).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// The request's number.
    pub request: u64,
    /// The effect's id.
    pub effect: u64,
}

/// The private room already made for `claim`, if any.
pub async fn find_private_room(client: &Client, claim: Claim) -> Option<Room> {
    for room in client.joined_rooms() {
        let Ok(Some(RawAnySyncOrStrippedState::Sync(raw))) =
            room.get_state_event(StateEventType::from(CLAIM_STATE), "").await
        else {
            continue;
        };
        let content = raw.get_field::<serde_json::Value>("content").ok().flatten();
        let field = |name: &str| content.as_ref().and_then(|c| c.get(name)?.as_u64());
        if field("request") == Some(claim.request) && field("effect") == Some(claim.effect) {
            return Some(room);
        }
    }
    None
}

/// Creates the private room of a claim: invite-only, guests forbidden, history for
/// members only, only the bot may invite, encrypted unless configured otherwise, marked
/// with the claim.
pub async fn create_private_room(
    client: &Client,
    texts: &Catalogue,
    lang: Lang,
    claim: Claim,
    invite: Vec<OwnedUserId>,
    encrypted: bool,
) -> anyhow::Result<Room> {
    let number_text = claim.request.to_string();
    let mut request = private_room_request(texts, lang, encrypted)?;
    request.name = Some(texts.text(lang, Key::PrivateRoomName, &[("number", &number_text)]));
    request.invite = invite;
    let marker = json!({
        "type": CLAIM_STATE,
        "state_key": "",
        "content": { "request": claim.request, "effect": claim.effect },
    });
    request
        .initial_state
        .push(Raw::<AnyInitialStateEvent>::from_json(serde_json::value::to_raw_value(&marker)?));
    Ok(client.create_room(request).await?)
}

/// Creates a spare private room, as [`create_private_room`] makes them but with nobody
/// invited and no name yet: [`ready_spare_room`] gives it to a claim.
pub async fn create_spare_room(
    client: &Client,
    texts: &Catalogue,
    lang: Lang,
    encrypted: bool,
) -> anyhow::Result<Room> {
    Ok(client.create_room(private_room_request(texts, lang, encrypted)?).await?)
}

/// Names a spare room for the claim of request `number`, then invites `invite` (those
/// already invited or in the room are skipped, so that it can be done again).
pub async fn ready_spare_room(
    room: &Room,
    texts: &Catalogue,
    lang: Lang,
    number: u64,
    invite: &[OwnedUserId],
) -> Result<(), matrix_sdk::Error> {
    let name = texts.text(lang, Key::PrivateRoomName, &[("number", &number.to_string())]);
    // The name goes first: invited people see the room as it is when invited.
    if room.name().as_deref() != Some(name.as_str()) {
        room.set_name(name).await?;
    }
    // Both at once: each is a round trip to the homeserver.
    try_join_all(invite.iter().map(|user| async move {
        if room.get_member_no_sync(user).await?.is_some_and(|m| is_there(m.membership())) {
            return Ok(());
        }
        // Invited before a stop, and the sync has not said so yet: the homeserver refuses
        // a second invitation. It tells where they stand.
        if let Err(error) = room.invite_user_by_id(user).await
            && !is_there(&membership(room, user).await)
        {
            return Err(error);
        }
        Ok(())
    }))
    .await?;
    Ok(())
}

/// Whether a membership is an invitation or a join.
fn is_there(membership: &MembershipState) -> bool {
    matches!(membership, MembershipState::Invite | MembershipState::Join)
}

/// Where a person stands in a room, as the homeserver says now.
///
/// Asked of the homeserver, not read from the bot's store: when a room's history forks
/// (someone joins while another event is sent), Synapse's next sync can hand the clients
/// in the room an older membership, which their stores keep until the room moves on (seen
/// with Synapse 1.163, see the harness test `test_a_join_amid_messages_is_seen_by_the_others`),
/// and a ban, an unban or a removal decided on it could be skipped or wrongly reported.
/// The store answers only when the homeserver cannot.
pub async fn membership(room: &Room, user: &UserId) -> MembershipState {
    let request = get_state_event_for_key::v3::Request::new(
        room.room_id().to_owned(),
        StateEventType::RoomMember,
        user.to_string(),
    );
    let asked = match room.client().send(request).await {
        Ok(response) => response
            .into_content()
            .deserialize_as_unchecked::<RoomMemberEventContent>()
            .map(|content| content.membership)
            .map_err(|error| error.to_string()),
        // Never a member: the homeserver has no membership for them.
        Err(error) if error.client_api_error_kind() == Some(&ErrorKind::NotFound) => {
            return MembershipState::Leave;
        }
        Err(error) => Err(error.to_string()),
    };
    match asked {
        Ok(membership) => membership,
        Err(error) => {
            warn!(room = %room.room_id(), %error, "cannot ask a room's member of the homeserver");
            match room.get_member(user).await {
                Ok(Some(member)) => member.membership().clone(),
                Ok(None) => MembershipState::Leave,
                Err(error) => {
                    warn!(room = %room.room_id(), %error, "cannot read a room's member");
                    MembershipState::Leave
                }
            }
        }
    }
}

/// What every private room is made with (see [`create_private_room`]).
fn private_room_request(
    texts: &Catalogue,
    lang: Lang,
    encrypted: bool,
) -> anyhow::Result<CreateRoom> {
    let mut request = CreateRoom::new();
    request.topic = Some(texts.text(lang, Key::PrivateRoomTopic, &[]));
    request.preset = Some(RoomPreset::PrivateChat);
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
    // Only the bot (the creator) may invite, kick or change the room.
    request.power_level_content_override = Some(power_levels(&[])?);
    Ok(request)
}

/// How many sends may be under way at once in one encrypted room.
const ENCRYPTED_IN_FLIGHT: usize = 16;

/// A few sends at a time in each encrypted room. matrix-sdk 0.18 asserts that a room's
/// Megolm session has not expired between sharing it and encrypting with it: a send that
/// runs while another one uses up the session (its 100th message, or its week) panics
/// there, before anything goes to the homeserver. Such a send is tried again ([`send`]
/// turns the panic into [`SessionRotated`], which the retries treat as transient: the
/// next attempt shares a new session); few sends at once keep it rare, and enough of
/// them keep a burst of relays from queueing behind each other's round trips. Sends in
/// a plain room are not limited.
#[derive(Debug, Default)]
pub struct RoomTurns(std::sync::Mutex<HashMap<OwnedRoomId, Arc<tokio::sync::Semaphore>>>);

impl RoomTurns {
    /// A turn to send in `room`, to hold while sending; `None` for a room known to be
    /// unencrypted (a room whose state is not known yet takes turns, to be safe).
    pub async fn take(&self, room: &Room) -> Option<tokio::sync::OwnedSemaphorePermit> {
        if matches!(room.encryption_state(), EncryptionState::NotEncrypted) {
            return None;
        }
        let turns = {
            let mut turns = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            turns
                .entry(room.room_id().to_owned())
                .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(ENCRYPTED_IN_FLIGHT)))
                .clone()
        };
        // Never closed.
        turns.acquire_owned().await.ok()
    }
}

/// A send in an encrypted room met matrix-sdk's assert on an expired Megolm session
/// (see [`RoomTurns`]): nothing was sent, and trying again shares a new session.
#[derive(Debug, thiserror::Error)]
#[error("the room's encryption session expired during the send; nothing was sent")]
pub struct SessionRotated;

/// The message of the assert [`SessionRotated`] stands for.
const SESSION_EXPIRED: &str = "Session expired";

/// Keeps the panics [`SessionRotated`] stands for out of the error output (they are
/// expected, and retried): one debug line instead. Any other panic is reported as before.
/// Once per process, however often the bot starts in it.
pub fn quiet_rotation_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() == Some(&SESSION_EXPIRED) {
                tracing::debug!("a send met a Megolm rotation; it is tried again");
            } else {
                report(info);
            }
        }));
    });
}

/// A person's message the bot answers.
#[derive(Debug, Clone)]
pub struct ReplyTo {
    /// The message.
    pub event: OwnedEventId,
    /// Who wrote it.
    pub sender: OwnedUserId,
}

/// Where a notice goes.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// A new message.
    New,
    /// A reply to a person's message.
    Reply(&'a ReplyTo),
    /// In the thread of `root` (no noise in the main timeline); as a reply to a person's
    /// message if there is one (written in the thread, or the command the thread answers),
    /// else with the root as the fallback reply for clients without threads.
    Thread(&'a EventId, Option<&'a ReplyTo>),
    /// In place of the bot's own earlier message (an edit: clients show the new text
    /// where the old one was).
    Edit(&'a EventId),
}

/// Sends a notice with a plain and an HTML body; replies mention the person answered,
/// `mention` is notified too. A reply is its `m.in_reply_to` relation and that mention:
/// its bodies quote nothing (Matrix 1.13 removed reply fallbacks, MSC2781). With a
/// transaction id, the homeserver sends it once however often it is asked to. Errors come back at once, unretried, for the caller's retries to
/// see rate limits (and [`SessionRotated`]). Returns the notice's event id.
pub async fn send(
    room: &Room,
    message: &Message,
    shape: Shape<'_>,
    mentions: &[OwnedUserId],
    txn: Option<&TransactionId>,
) -> anyhow::Result<OwnedEventId> {
    let (reply, relation) = match shape {
        Shape::New | Shape::Edit(_) => (None, None),
        Shape::Reply(to) => {
            (Some(to), Some(Relation::Reply(Reply::with_event_id(to.event.clone()))))
        }
        Shape::Thread(root, to) => {
            let thread = match to {
                Some(to) => Thread::reply(root.to_owned(), to.event.clone()),
                None => Thread::plain(root.to_owned(), root.to_owned()),
            };
            (to, Some(Relation::Thread(thread)))
        }
    };
    let mut content = RoomMessageEventContent::notice_html(&message.plain, &message.html);
    let notified = reply.map(|to| to.sender.clone()).into_iter().chain(mentions.iter().cloned());
    content = content.add_mentions(Mentions::with_user_ids(notified));
    content.relates_to = relation;
    if let Shape::Edit(original) = shape {
        content = content.make_replacement(ReplacementMetadata::new(original.to_owned(), None));
    }
    let mut sending = room.send(content).with_request_config(RequestConfig::new().disable_retry());
    if let Some(txn) = txn {
        sending = sending.with_transaction_id(txn.to_owned());
    }
    match AssertUnwindSafe(sending.into_future()).catch_unwind().await {
        Ok(sent) => Ok(sent?.response.event_id),
        Err(panic) if panic.downcast_ref::<&str>() == Some(&SESSION_EXPIRED) => {
            Err(SessionRotated.into())
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The room, if the bot has joined it.
pub fn joined(client: &Client, room_id: &str) -> Option<Room> {
    let room_id = RoomId::parse(room_id).ok()?;
    client.get_room(&room_id).filter(|room| room.state() == RoomState::Joined)
}
