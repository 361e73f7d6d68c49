//! Matrix event handlers. They only sort: drop what the bot must ignore (its own events,
//! notices, edits, events from before it started) and queue the rest as [`Job`]s, which
//! the flow handles one at a time.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use matrix_sdk::{
    Client, Room, RoomState,
    event_handler::EventHandlerHandle,
    ruma::{
        MilliSecondsSinceUnixEpoch, OwnedEventId, OwnedRoomId, OwnedUserId,
        events::{
            reaction::OriginalSyncReactionEvent,
            room::{
                member::{MembershipState, StrippedRoomMemberEvent},
                message::{MessageType, OriginalSyncRoomMessageEvent, Relation},
            },
        },
    },
};
use tokio::sync::mpsc::Sender;
use tracing::{debug, warn};

use crate::flow::Bot;

/// How far before the bot's start an event may be and still be handled: clocks of the
/// bot and the homeserver may differ a little; handled ids keep replays out.
const CLOCK_SKEW_MS: u64 = 30_000;

/// Something for the flow to handle.
#[derive(Debug)]
pub enum Job {
    /// A text message (maybe a command).
    Message {
        /// Where.
        room: OwnedRoomId,
        /// Its event id.
        event: OwnedEventId,
        /// Who wrote it.
        sender: OwnedUserId,
        /// Its plain body.
        body: String,
        /// The user ids it mentions (`m.mentions`).
        mentions: Vec<String>,
    },
    /// A reaction (maybe a claim).
    Reaction {
        /// Where.
        room: OwnedRoomId,
        /// The reaction's event id.
        event: OwnedEventId,
        /// Who reacted.
        sender: OwnedUserId,
        /// The event reacted to.
        target: OwnedEventId,
        /// The reaction's key (an emoji).
        key: String,
    },
    /// An invitation of the bot into a room.
    Invite {
        /// The room.
        room: OwnedRoomId,
        /// Who invited.
        inviter: OwnedUserId,
        /// Whether it is a direct chat.
        direct: bool,
    },
}

fn is_fresh(bot: &Bot, at: MilliSecondsSinceUnixEpoch) -> bool {
    u64::from(at.0) + CLOCK_SKEW_MS >= bot.started_ms()
}

/// Registers the handlers; they queue jobs on `jobs`.
pub fn register(client: &Client, bot: Arc<Bot>, jobs: Sender<Job>) -> Vec<EventHandlerHandle> {
    let mut handles = Vec::new();

    let (b, tx) = (bot.clone(), jobs.clone());
    handles.push(client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
        let (bot, jobs) = (b.clone(), tx.clone());
        async move {
            if ev.sender == bot.user_id || !is_fresh(&bot, ev.origin_server_ts) {
                return;
            }
            // Edits would replay a command; notices are never commands (bots talk in notices).
            if matches!(ev.content.relates_to, Some(Relation::Replacement(_))) {
                return;
            }
            let MessageType::Text(text) = &ev.content.msgtype else {
                return;
            };
            let mentions = ev
                .content
                .mentions
                .as_ref()
                .map(|m| m.user_ids.iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            let job = Job::Message {
                room: room.room_id().to_owned(),
                event: ev.event_id.clone(),
                sender: ev.sender.clone(),
                body: text.body.clone(),
                mentions,
            };
            queue(&jobs, job).await;
        }
    }));

    let (b, tx) = (bot.clone(), jobs.clone());
    handles.push(client.add_event_handler(move |ev: OriginalSyncReactionEvent, room: Room| {
        let (bot, jobs) = (b.clone(), tx.clone());
        async move {
            if ev.sender == bot.user_id || !is_fresh(&bot, ev.origin_server_ts) {
                return;
            }
            let job = Job::Reaction {
                room: room.room_id().to_owned(),
                event: ev.event_id.clone(),
                sender: ev.sender.clone(),
                target: ev.content.relates_to.event_id.clone(),
                key: ev.content.relates_to.key.clone(),
            };
            queue(&jobs, job).await;
        }
    }));

    let (b, tx) = (bot, jobs);
    handles.push(client.add_event_handler(move |ev: StrippedRoomMemberEvent, room: Room| {
        let (bot, jobs) = (b.clone(), tx.clone());
        async move {
            if ev.state_key != bot.user_id
                || ev.content.membership != MembershipState::Invite
                || room.state() != RoomState::Invited
            {
                return;
            }
            let job = Job::Invite {
                room: room.room_id().to_owned(),
                inviter: ev.sender.clone(),
                direct: ev.content.is_direct.unwrap_or(false),
            };
            queue(&jobs, job).await;
        }
    }));

    handles
}

async fn queue(jobs: &Sender<Job>, job: Job) {
    if jobs.send(job).await.is_err() {
        debug!("the bot is stopping: event left unhandled");
    }
}

/// Queues the invitations that arrived while the bot was stopped, so that they are
/// handled in order with everything else.
pub async fn queue_pending_invites(client: &Client, jobs: &Sender<Job>) {
    for room in client.invited_rooms() {
        let invite = match room.invite_details().await {
            Ok(details) => details,
            Err(error) => {
                warn!(room = %room.room_id(), %error, "cannot read an invitation");
                continue;
            }
        };
        let Some(inviter) = invite.inviter else {
            continue;
        };
        let direct = invite
            .invitee
            .event()
            .as_stripped()
            .and_then(|ev| ev.content.is_direct)
            .unwrap_or(false);
        let job = Job::Invite {
            room: room.room_id().to_owned(),
            inviter: inviter.user_id().to_owned(),
            direct,
        };
        queue(jobs, job).await;
    }
}

/// Now, in milliseconds since the epoch.
pub fn now_ms(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp_millis()).unwrap_or(0)
}
