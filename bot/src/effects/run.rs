//! The dispatcher: effects of one request in one lane run in order, lanes run
//! concurrently, and an effect waits while one of a higher [`Rank`] is ready to run, so
//! that under rate limits relays and a claim's private room (its invitations) go
//! first, then confirmations, then notices, thread notes and edits. What follows a relay
//! waits for a lull in what people write ([`crate::pace`]): relays before confirmations.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    panic::AssertUnwindSafe,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use entraide_storage::{Action, Lane};
use futures_util::FutureExt as _;
use tokio::{
    sync::{Semaphore, mpsc, oneshot},
    task::JoinSet,
};
use tracing::{debug, error, info, warn};

use super::act::{self, Acted};
use crate::{
    bot::Bot,
    outbox::{Item, Rank, Urgency},
};

/// How many effects may talk to the homeserver at once.
const IN_FLIGHT: usize = 32;
/// How long effects under way may take to finish when the bot stops; what remains stays
/// in the journal for the next start.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// How long the worker waits, at most, for the effects a stop interrupted.
pub const RESUME_WAIT: Duration = Duration::from_secs(20);

/// A queue: the effects of one request in one lane, in order.
type Queue = (u64, Lane);

/// What the lanes share.
struct Lanes {
    queues: Mutex<HashMap<Queue, VecDeque<Item>>>,
    /// The urgent effects under way or ready to run (the bot's, shared with what must
    /// give way to them).
    urgency: Arc<Urgency>,
    slots: Semaphore,
    stopping: AtomicBool,
    /// Interrupted effects not yet carried out; at zero, `resumed` is told.
    resumed_left: AtomicUsize,
    resumed: Mutex<Option<oneshot::Sender<()>>>,
}

impl Lanes {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Queue, VecDeque<Item>>> {
        // A panic in a lane cannot leave the map inconsistent: every change is one call.
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues an item; returns its lane if the lane is new (it needs a task).
    fn push(&self, item: Item) -> Option<Queue> {
        let lane = (item.effect.request, item.effect.lane.clone());
        let mut queues = self.lock();
        if let Some(queue) = queues.get_mut(&lane) {
            queue.push_back(item);
            return None;
        }
        self.urgency.one_more(Rank::of(&item.effect));
        queues.insert(lane.clone(), VecDeque::from([item]));
        Some(lane)
    }

    /// The item at the head of `lane`.
    fn head(&self, lane: &Queue) -> Option<Item> {
        self.lock().get(lane).and_then(|queue| queue.front().cloned())
    }

    /// Removes the head of `lane` (and, if `drop_rest`, everything behind it); returns
    /// the ids of the items dropped, and whether the lane is now empty (and gone).
    fn pop(&self, lane: &Queue, drop_rest: bool) -> (Vec<u64>, bool) {
        let mut queues = self.lock();
        let Some(queue) = queues.get_mut(lane) else {
            return (Vec::new(), true);
        };
        let done = queue.pop_front().map(|done| Rank::of(&done.effect));
        let dropped = if drop_rest {
            queue.drain(..).filter_map(|item| item.id).collect()
        } else {
            Vec::new()
        };
        // The next effect counts before the one done stops counting: a count must not
        // touch zero in between (what waits for calm would start too early).
        let next = queue.front().map(|next| Rank::of(&next.effect));
        if let Some(next) = next {
            self.urgency.one_more(next);
        }
        if let Some(done) = done {
            self.urgency.one_less(done);
        }
        match next {
            Some(_) => (dropped, false),
            None => {
                queues.remove(lane);
                (dropped, true)
            }
        }
    }

    /// One interrupted effect less; tells the worker once none is left.
    fn resumed_one(&self) {
        if self.resumed_left.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.resume_over();
        }
    }

    /// Lets the worker go on.
    fn resume_over(&self) {
        let told = self.resumed.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(told) = told {
            let _ = told.send(());
        }
    }
}

/// Carries out effects until `stop` fires: first those a stop interrupted (from the
/// journal), then those handed to the outbox. `resumed` is told when the interrupted ones
/// are done (or after [`RESUME_WAIT`]): the worker waits for it, so that a request given
/// back before a crash is relayed again before anyone can claim it, a claim gets its room
/// before it can be closed. Start it once the first sync is done, so that the rooms made
/// before a crash are known.
pub async fn dispatch(
    bot: Arc<Bot>,
    mut items: mpsc::UnboundedReceiver<Item>,
    stop: oneshot::Receiver<()>,
    resumed: oneshot::Sender<()>,
) {
    let lanes = Arc::new(Lanes {
        queues: Mutex::new(HashMap::new()),
        urgency: bot.urgency.clone(),
        slots: Semaphore::new(IN_FLIGHT),
        stopping: AtomicBool::new(false),
        resumed_left: AtomicUsize::new(0),
        resumed: Mutex::new(Some(resumed)),
    });
    let mut tasks = JoinSet::new();
    let start = |item: Item, tasks: &mut JoinSet<()>| {
        if let Some(lane) = lanes.push(item) {
            tasks.spawn(run_lane(bot.clone(), lanes.clone(), lane));
        }
    };
    // Transitions made since the bot started are journalled and also in `items`.
    let interrupted = act::interrupted(&bot).await;
    let resumed: HashSet<u64> = interrupted.iter().filter_map(|item| item.id).collect();
    lanes.resumed_left.store(interrupted.len(), Ordering::SeqCst);
    if interrupted.is_empty() {
        lanes.resume_over();
    } else {
        info!(effects = interrupted.len(), "resuming what a stop interrupted");
        // A homeserver that refuses them for long must not hold everything else.
        let waited = lanes.clone();
        tasks.spawn(async move {
            tokio::time::sleep(RESUME_WAIT).await;
            waited.resume_over();
        });
    }
    for item in interrupted {
        start(item, &mut tasks);
    }
    tokio::pin!(stop);
    loop {
        tokio::select! {
            item = items.recv() => match item {
                Some(item) if item.id.is_some_and(|id| resumed.contains(&id)) => {}
                Some(item) => start(item, &mut tasks),
                None => break,
            },
            Some(ended) = tasks.join_next(), if !tasks.is_empty() => {
                if let Err(error) = ended {
                    error!(%error, "an effect lane ended abnormally");
                }
            }
            _ = &mut stop => break,
        }
    }
    lanes.stopping.store(true, Ordering::SeqCst);
    let finished =
        tokio::time::timeout(STOP_GRACE, async { while tasks.join_next().await.is_some() {} })
            .await;
    if finished.is_err() {
        warn!("effects still under way at stop resume at the next start");
        tasks.shutdown().await;
    }
}

/// Runs the effects of one lane in order, until it is empty or the bot stops.
async fn run_lane(bot: Arc<Bot>, lanes: Arc<Lanes>, lane: Queue) {
    while let Some(item) = lanes.head(&lane) {
        if lanes.stopping.load(Ordering::SeqCst) {
            return;
        }
        lanes.urgency.wait_turn(Rank::of(&item.effect)).await;
        let Ok(permit) = lanes.slots.acquire().await else {
            // Never closed.
            return;
        };
        // A backup copies the store between two effects.
        let writes = bot.writes.read().await;
        // A panic in matrix-sdk must not stop the lane (and every effect behind it).
        let acted = match AssertUnwindSafe(act::carry_out(&bot, &item)).catch_unwind().await {
            Ok(acted) => acted,
            Err(_) => {
                error!(
                    request = item.effect.request,
                    "an effect panicked; it stays in the journal for the next start"
                );
                Acted::Done
            }
        };
        drop(permit);
        // What follows a relay (the requester's confirmation) gives way to what others
        // have just written: their relays go first.
        if matches!(item.effect.action, Action::Relay) && !bot.pace.lull().await {
            debug!(request = item.effect.request, "no lull: going on all the same");
        }
        let (dropped, empty) = lanes.pop(&lane, acted == Acted::RoomFailed);
        if item.resumed {
            lanes.resumed_one();
        }
        if acted == Acted::RoomFailed {
            act::give_back(&bot, &item, dropped).await;
        }
        drop(writes);
        if empty {
            return;
        }
    }
}
