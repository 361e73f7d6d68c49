//! What the bot owes, handed over to the dispatcher ([`crate::effects::run`]), and how
//! soon each effect goes while the homeserver limits the bot's rate. Below the effects:
//! what decides hands its effects here without knowing how they are carried out.

use std::sync::atomic::{AtomicUsize, Ordering};

use entraide_storage::{Action, Effect, Queued};
use tokio::sync::{Notify, mpsc};
use tracing::warn;

/// An effect to carry out: journalled (with its id) or not (a reply that no transition
/// owes, lost if the bot stops first).
#[derive(Debug, Clone)]
pub struct Item {
    /// Its id in the journal.
    pub id: Option<u64>,
    /// What to do.
    pub effect: Effect,
    /// Whether a stop interrupted it (it runs before the worker decides anything new).
    pub resumed: bool,
}

/// Where the bot hands effects to the dispatcher; never blocks.
#[derive(Debug, Clone)]
pub struct Outbox(mpsc::UnboundedSender<Item>);

impl Outbox {
    /// An outbox and the receiving end for [`crate::effects::run::dispatch`].
    pub fn new() -> (Outbox, mpsc::UnboundedReceiver<Item>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Outbox(sender), receiver)
    }

    /// Carries out effects that a transition journalled.
    pub fn journalled(&self, queued: Vec<Queued>) {
        for Queued { id, effect } in queued {
            self.push(Item { id: Some(id), effect, resumed: false });
        }
    }

    /// Carries out an effect that no transition owes.
    pub fn now(&self, effect: Effect) {
        self.push(Item { id: None, effect, resumed: false });
    }

    fn push(&self, item: Item) {
        if self.0.send(item).is_err() {
            warn!("the bot is stopping: an effect waits for the next start");
        }
    }
}

/// How soon an effect goes while the homeserver limits the bot's rate: what people wait
/// for first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// Relays, and a claim's private room: the volunteers, and the two people who are
    /// to meet, wait for them.
    First,
    /// Confirmations and the other answers marked urgent: the person who wrote waits.
    Soon,
    /// Notices, thread notes, edits, lists: after both.
    Later,
}

impl Rank {
    /// The rank of `effect`.
    pub fn of(effect: &Effect) -> Rank {
        match (&effect.action, effect.urgent) {
            (Action::Relay | Action::PrivateRoom { .. }, _) => Rank::First,
            (_, true) => Rank::Soon,
            (_, false) => Rank::Later,
        }
    }
}

/// How many effects of the first two ranks are under way or ready to run: an effect
/// waits while one of a higher rank does, so that under rate limits the relays go
/// first, then the confirmations, then everything else.
#[derive(Debug, Default)]
pub struct Urgency {
    first: AtomicUsize,
    soon: AtomicUsize,
    /// Woken when a count falls to zero.
    calm: Notify,
}

impl Urgency {
    fn count(&self, rank: Rank) -> Option<&AtomicUsize> {
        match rank {
            Rank::First => Some(&self.first),
            Rank::Soon => Some(&self.soon),
            Rank::Later => None,
        }
    }

    pub(crate) fn one_more(&self, rank: Rank) {
        if let Some(count) = self.count(rank) {
            count.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub(crate) fn one_less(&self, rank: Rank) {
        if let Some(count) = self.count(rank)
            && count.fetch_sub(1, Ordering::SeqCst) == 1
        {
            self.calm.notify_waiters();
        }
    }

    /// Waits until nothing of a higher rank than `rank` is under way or ready to run.
    pub async fn wait_turn(&self, rank: Rank) {
        let ahead = |urgency: &Urgency| match rank {
            Rank::First => 0,
            Rank::Soon => urgency.first.load(Ordering::SeqCst),
            Rank::Later => {
                urgency.first.load(Ordering::SeqCst) + urgency.soon.load(Ordering::SeqCst)
            }
        };
        loop {
            let calm = self.calm.notified();
            tokio::pin!(calm);
            calm.as_mut().enable();
            if ahead(self) == 0 {
                return;
            }
            calm.await;
        }
    }

    /// Waits until no relay, private room, confirmation or other urgent answer is under
    /// way or ready to run.
    pub async fn wait_calm(&self) {
        self.wait_turn(Rank::Later).await;
    }
}
