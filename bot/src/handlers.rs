//! Matrix event handlers. They only sort: drop the bot's own events, notices and edits, and
//! queue the rest as [`Job`]s for the worker (which drops history from before the bot
//! joined the room). They know the bot's own id, nothing else of it. The same sorting
//! serves events fetched by the catch-up after a limited sync (`sync`).

use std::sync::Arc;

use matrix_sdk::{
    Client, Room, RoomState,
    event_handler::{Ctx, EventHandlerHandle},
    ruma::{
        OwnedUserId, RoomId,
        events::{
            reaction::OriginalSyncReactionEvent,
            room::{
                member::{MembershipState, StrippedRoomMemberEvent},
                message::{MessageFormat, MessageType, OriginalSyncRoomMessageEvent, Relation},
            },
        },
    },
};
use tracing::{debug, warn};

use crate::{
    echo::Echoes,
    job::{Inbox, Job, Jobs},
    pace::Pace,
};

/// What the handlers share: the bot's id, the sync's inbox, where the bot's own messages
/// are told to what waits for them, and where people writing is told.
#[derive(Debug, Clone)]
struct Sorter {
    own: OwnedUserId,
    inbox: Inbox,
    echoes: Arc<Echoes>,
    pace: Arc<Pace>,
}

impl Sorter {
    fn queue(&self, job: Option<Job>) {
        if let Some(job) = job {
            self.pace.arrived();
            self.inbox.put(job);
        }
    }
}

/// Registers the handlers; they put jobs in `inbox`, tell `echoes` of the bot's own
/// messages and `pace` of everyone else's.
pub fn register(
    client: &Client,
    own: OwnedUserId,
    inbox: Inbox,
    echoes: Arc<Echoes>,
    pace: Arc<Pace>,
) -> Vec<EventHandlerHandle> {
    client.add_event_handler_context(Sorter { own, inbox, echoes, pace });
    vec![
        client.add_event_handler(on_message),
        client.add_event_handler(on_reaction),
        client.add_event_handler(on_invite),
    ]
}

async fn on_message(ev: OriginalSyncRoomMessageEvent, room: Room, sorter: Ctx<Sorter>) {
    if ev.sender == sorter.own {
        sorter.echoes.came(ev.event_id);
        return;
    }
    sorter.queue(message_job(room.room_id(), ev, &sorter.own));
}

async fn on_reaction(ev: OriginalSyncReactionEvent, room: Room, sorter: Ctx<Sorter>) {
    sorter.queue(reaction_job(room.room_id(), ev, &sorter.own));
}

/// The job for a text message or a file someone else wrote; `None` for the bot's own
/// messages, edits (they would replay a command) and anything but `m.text` and `m.file`
/// (notices are bots' talk).
pub fn message_job(
    room: &RoomId,
    ev: OriginalSyncRoomMessageEvent,
    own: &OwnedUserId,
) -> Option<Job> {
    if ev.sender == *own {
        return None;
    }
    let (thread, answers) = match &ev.content.relates_to {
        Some(Relation::Replacement(_)) => return None,
        // Written in a thread: it answers the thread's root (a relay, an offer's post).
        Some(Relation::Thread(thread)) => (Some(thread.event_id.clone()), None),
        Some(Relation::Reply(reply)) => (None, Some(reply.in_reply_to.event_id.clone())),
        _ => (None, None),
    };
    let text = match ev.content.msgtype {
        MessageType::Text(text) => text,
        MessageType::File(file) => {
            return Some(Job::File {
                room: room.to_owned(),
                event: ev.event_id,
                at: ev.origin_server_ts.0.into(),
                sender: ev.sender,
                file: Box::new(file),
            });
        }
        _ => return None,
    };
    let html = text.formatted.filter(|f| f.format == MessageFormat::Html).map(|f| f.body);
    Some(Job::Message {
        room: room.to_owned(),
        event: ev.event_id,
        at: ev.origin_server_ts.0.into(),
        sender: ev.sender,
        body: text.body,
        html,
        thread,
        answers,
    })
}

/// The job for someone else's reaction.
pub fn reaction_job(
    room: &RoomId,
    ev: OriginalSyncReactionEvent,
    own: &OwnedUserId,
) -> Option<Job> {
    (ev.sender != *own).then(|| Job::Reaction {
        room: room.to_owned(),
        event: ev.event_id,
        at: ev.origin_server_ts.0.into(),
        sender: ev.sender,
        target: ev.content.relates_to.event_id,
        key: ev.content.relates_to.key,
    })
}

async fn on_invite(ev: StrippedRoomMemberEvent, room: Room, sorter: Ctx<Sorter>) {
    if ev.state_key != sorter.own
        || ev.content.membership != MembershipState::Invite
        || room.state() != RoomState::Invited
    {
        return;
    }
    sorter.queue(Some(Job::Invite {
        room: room.room_id().to_owned(),
        inviter: ev.sender,
        direct: ev.content.is_direct.unwrap_or(false),
    }));
}

/// Queues the invitations that arrived while the bot was stopped, so that they are
/// handled in order with everything else.
pub async fn queue_pending_invites(client: &Client, jobs: &Jobs) {
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
        if jobs.send(job).is_err() {
            debug!("the bot is stopping: invitation left for the next start");
        }
    }
}
