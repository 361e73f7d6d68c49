//! Matrix event handlers. They only sort: drop what the bot must ignore (its own events,
//! notices, edits, events from before it started) and queue the rest as [`Job`]s for the
//! worker. They know the bot's own id and start time, nothing else of it.

use chrono::{DateTime, Utc};
use matrix_sdk::{
    Client, Room, RoomState,
    event_handler::{Ctx, EventHandlerHandle},
    ruma::{
        MilliSecondsSinceUnixEpoch, OwnedUserId,
        events::{
            reaction::OriginalSyncReactionEvent,
            room::{
                member::{MembershipState, StrippedRoomMemberEvent},
                message::{MessageFormat, MessageType, OriginalSyncRoomMessageEvent, Relation},
            },
        },
    },
};
use tokio::sync::mpsc::Sender;
use tracing::{debug, warn};

use crate::job::Job;

/// How far before the bot's start an event may be and still be handled: clocks of the
/// bot and the homeserver may differ a little; handled ids keep replays out.
const CLOCK_SKEW_MS: u64 = 30_000;

/// What the handlers share: the bot's id, its start time, and the worker's queue.
#[derive(Debug, Clone)]
struct Sorter {
    own: OwnedUserId,
    started_ms: u64,
    jobs: Sender<Job>,
}

impl Sorter {
    /// Whether an event is someone else's and recent enough to handle.
    fn wanted(&self, sender: &OwnedUserId, at: MilliSecondsSinceUnixEpoch) -> bool {
        *sender != self.own && u64::from(at.0) + CLOCK_SKEW_MS >= self.started_ms
    }

    async fn queue(&self, job: Job) {
        if self.jobs.send(job).await.is_err() {
            debug!("the bot is stopping: event left unhandled");
        }
    }
}

/// Registers the handlers; they queue jobs on `jobs`.
pub fn register(
    client: &Client,
    own: OwnedUserId,
    started: DateTime<Utc>,
    jobs: Sender<Job>,
) -> Vec<EventHandlerHandle> {
    client.add_event_handler_context(Sorter { own, started_ms: millis(started), jobs });
    vec![
        client.add_event_handler(on_message),
        client.add_event_handler(on_reaction),
        client.add_event_handler(on_invite),
    ]
}

async fn on_message(ev: OriginalSyncRoomMessageEvent, room: Room, sorter: Ctx<Sorter>) {
    if !sorter.wanted(&ev.sender, ev.origin_server_ts) {
        return;
    }
    // Edits would replay a command; notices are never commands (bots talk in notices).
    let thread = match &ev.content.relates_to {
        Some(Relation::Replacement(_)) => return,
        Some(Relation::Thread(thread)) => Some(thread.event_id.clone()),
        _ => None,
    };
    let MessageType::Text(text) = ev.content.msgtype else {
        return;
    };
    let html = text.formatted.filter(|f| f.format == MessageFormat::Html).map(|f| f.body);
    let job = Job::Message {
        room: room.room_id().to_owned(),
        event: ev.event_id,
        sender: ev.sender,
        body: text.body,
        html,
        thread,
    };
    sorter.queue(job).await;
}

async fn on_reaction(ev: OriginalSyncReactionEvent, room: Room, sorter: Ctx<Sorter>) {
    if !sorter.wanted(&ev.sender, ev.origin_server_ts) {
        return;
    }
    let job = Job::Reaction {
        room: room.room_id().to_owned(),
        event: ev.event_id,
        sender: ev.sender,
        target: ev.content.relates_to.event_id,
        key: ev.content.relates_to.key,
    };
    sorter.queue(job).await;
}

async fn on_invite(ev: StrippedRoomMemberEvent, room: Room, sorter: Ctx<Sorter>) {
    if ev.state_key != sorter.own
        || ev.content.membership != MembershipState::Invite
        || room.state() != RoomState::Invited
    {
        return;
    }
    let job = Job::Invite {
        room: room.room_id().to_owned(),
        inviter: ev.sender,
        direct: ev.content.is_direct.unwrap_or(false),
    };
    sorter.queue(job).await;
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
        if jobs.send(job).await.is_err() {
            debug!("the bot is stopping: invitation left for the next start");
        }
    }
}

/// `at` in milliseconds since the epoch.
fn millis(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}
