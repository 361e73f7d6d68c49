//! What the event handlers hand to the worker: one [`Job`] per event worth a look.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use matrix_sdk::ruma::{
    OwnedEventId, OwnedRoomId, OwnedUserId, events::room::message::FileMessageEventContent,
};
use tracing::debug;

/// Where jobs go: unbounded, so that the sync loop never waits on the worker.
pub type Jobs = tokio::sync::mpsc::UnboundedSender<Job>;

/// Where the event handlers put jobs. During the first sync it holds them back: the sync
/// loop hands them to the worker after the history fetched back to where the bot left
/// off, so that what was written while it was stopped comes first. From then on it
/// passes each job to the worker at once, while matrix-sdk is still finishing the sync
/// (its outgoing encryption requests), which a request's relay need not wait for.
#[derive(Debug, Clone, Default)]
pub struct Inbox(Arc<Mutex<Tray>>);

/// An [`Inbox`]'s inside.
#[derive(Debug, Default)]
struct Tray {
    /// The worker's queue, once jobs are passed on.
    worker: Option<Jobs>,
    /// The jobs held back until then.
    held: Vec<Job>,
}

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, Tray> {
        // A poisoned lock only means a handler panicked; its jobs are still good.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes `job` (held back or passed on, see [`Inbox`]).
    pub fn put(&self, job: Job) {
        let mut tray = self.lock();
        match &tray.worker {
            None => tray.held.push(job),
            Some(worker) => {
                if worker.send(job).is_err() {
                    debug!("the bot is stopping: event left unhandled");
                }
            }
        }
    }

    /// The jobs held back so far; from now on, jobs go straight to `worker`.
    pub fn pass_on(&self, worker: &Jobs) -> Vec<Job> {
        let mut tray = self.lock();
        tray.worker = Some(worker.clone());
        std::mem::take(&mut tray.held)
    }
}

/// Something for the worker to handle.
#[derive(Debug)]
pub enum Job {
    /// A text message (maybe a command).
    Message {
        /// Where.
        room: OwnedRoomId,
        /// Its event id.
        event: OwnedEventId,
        /// When the homeserver received it, in milliseconds since the epoch.
        at: u64,
        /// Who wrote it.
        sender: OwnedUserId,
        /// Its plain body.
        body: String,
        /// Its HTML body, if any (pills name people there).
        html: Option<String>,
        /// The thread it was written in, if any.
        thread: Option<OwnedEventId>,
        /// The message it replies to, if it is a reply.
        answers: Option<OwnedEventId>,
    },
    /// A reaction (maybe a claim).
    Reaction {
        /// Where.
        room: OwnedRoomId,
        /// The reaction's event id.
        event: OwnedEventId,
        /// When the homeserver received it, in milliseconds since the epoch.
        at: u64,
        /// Who reacted.
        sender: OwnedUserId,
        /// The event reacted to.
        target: OwnedEventId,
        /// The reaction's key (an emoji).
        key: String,
    },
    /// A file someone posted (maybe a spreadsheet for the register).
    File {
        /// Where.
        room: OwnedRoomId,
        /// Its event id.
        event: OwnedEventId,
        /// When the homeserver received it, in milliseconds since the epoch.
        at: u64,
        /// Who posted it.
        sender: OwnedUserId,
        /// The file (boxed: it is much larger than the other jobs).
        file: Box<FileMessageEventContent>,
    },
    /// Every job of a sync before this one is handled: the sync's end becomes the point
    /// the next start catches up from.
    Synced {
        /// When the sync ended, in milliseconds since the epoch.
        at: u64,
    },
    /// Take the follow-up steps that are due (reminders, escalations, expiry).
    FollowUp,
    /// Time to apply the retention periods (at start, then daily).
    Purge,
    /// Decide nothing until `release` says so (or is dropped): a backup is being made.
    Hold {
        /// Told once the worker holds.
        held: tokio::sync::oneshot::Sender<()>,
        /// Ends the hold.
        release: tokio::sync::oneshot::Receiver<()>,
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

impl Job {
    /// The event it comes from, for events people sent.
    pub fn event(&self) -> Option<&OwnedEventId> {
        match self {
            Job::Message { event, .. } | Job::Reaction { event, .. } | Job::File { event, .. } => {
                Some(event)
            }
            _ => None,
        }
    }

    /// When its event was sent (ms since the epoch); 0 for the bot's own jobs.
    pub fn at(&self) -> u64 {
        match self {
            Job::Message { at, .. } | Job::Reaction { at, .. } | Job::File { at, .. } => *at,
            _ => 0,
        }
    }
}
