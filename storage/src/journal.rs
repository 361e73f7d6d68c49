//! The journal of effects, the outbox of what transitions owe on Matrix: read, owed by
//! no transition, finished.

use sled::transaction::TransactionalTree;

use crate::{
    Store,
    codec::{decode, put, u64_from},
    error::{StoreError, TransitionError, TxResult, transition_error},
    model::{EFFECTS, Effect, Lane},
};

/// An effect recorded in the journal, with its id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Its key in the `effects` tree; also makes its Matrix transaction id.
    pub id: u64,
    /// The effect.
    pub effect: Effect,
}

impl Store {
    /// Effects owed by no transition (finishing what an older entraide left undone),
    /// journalled like the others.
    pub async fn owe(&self, effects: Vec<Effect>) -> Result<Vec<Queued>, TransitionError> {
        let queued = self
            .effects
            .transaction(|tree| journal(tree, effects.clone(), &[]))
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(queued)
    }

    /// Removes a carried-out effect from the journal. Not flushed: if a crash loses the
    /// removal the effect runs again, and effects are idempotent.
    pub fn finish_effect(&self, id: u64) -> Result<(), StoreError> {
        self.effects.remove(id.to_be_bytes())?;
        Ok(())
    }

    /// Whether effect `id` is still owed (a transition may have dropped it).
    pub fn is_owed(&self, id: u64) -> Result<bool, StoreError> {
        Ok(self.effects.contains_key(id.to_be_bytes())?)
    }

    /// The ids of the effects still owed for request `number` in `lane`.
    pub fn owed_in(&self, number: u64, lane: &Lane) -> Result<Vec<u64>, StoreError> {
        Ok(self
            .pending_effects()?
            .into_iter()
            .filter(|queued| queued.effect.request == number && queued.effect.lane == *lane)
            .map(|queued| queued.id)
            .collect())
    }

    /// The effects not yet carried out, in the order they were recorded.
    pub fn pending_effects(&self) -> Result<Vec<Queued>, StoreError> {
        self.effects
            .iter()
            .map(|item| {
                let (key, bytes) = item?;
                let id = u64_from(&key, EFFECTS, &key)?;
                Ok(Queued { id, effect: decode(&bytes, EFFECTS, &key)? })
            })
            .collect()
    }
}

/// Removes the `dropped` effects and records `effects` in the journal.
pub(crate) fn journal(
    tree: &TransactionalTree,
    effects: Vec<Effect>,
    dropped: &[u64],
) -> TxResult<Vec<Queued>> {
    for id in dropped {
        tree.remove(&id.to_be_bytes())?;
    }
    let mut queued = Vec::with_capacity(effects.len());
    for effect in effects {
        // Monotonic across restarts: key order is the order effects were owed in.
        let id = tree.generate_id()?;
        put(tree, EFFECTS, &id.to_be_bytes(), &effect)?;
        queued.push(Queued { id, effect });
    }
    Ok(queued)
}
