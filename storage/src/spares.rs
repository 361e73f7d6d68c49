//! Spare private rooms, made ahead of claims.

use chrono::{DateTime, Utc};

use crate::{
    Store,
    codec::{decode, encode},
    error::StoreError,
    model::{SPARES, Spare},
};

impl Store {
    /// Records a spare private room, made at `at`.
    pub async fn add_spare(&self, room_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let spare = Spare { made_at: at, taken_by: None };
        self.spares.insert(room_id, encode(SPARES, &spare)?)?;
        self.flush().await
    }

    /// How many spare rooms no claim has taken.
    pub fn free_spares(&self) -> Result<usize, StoreError> {
        let mut free = 0;
        for item in self.spares.iter() {
            let (key, value) = item?;
            let spare: Spare = decode(&value, SPARES, &key)?;
            free += usize::from(spare.taken_by.is_none());
        }
        Ok(free)
    }

    /// The spare room the effect `effect` took, or else (when `or_free`) the oldest free
    /// one, now taken by it; `None` when there is none. Recorded before the room is
    /// touched, so that a claim resumed after a stop goes on in the same room.
    pub async fn take_spare(
        &self,
        effect: u64,
        or_free: bool,
    ) -> Result<Option<String>, StoreError> {
        let mut oldest: Option<(String, Spare)> = None;
        for item in self.spares.iter() {
            let (key, value) = item?;
            let spare: Spare = decode(&value, SPARES, &key)?;
            let room = SPARES.key_text(&key);
            if spare.taken_by == Some(effect) {
                return Ok(Some(room));
            }
            let older = oldest.as_ref().is_none_or(|(_, old)| spare.made_at < old.made_at);
            if spare.taken_by.is_none() && older {
                oldest = Some((room, spare));
            }
        }
        let Some((room, mut spare)) = oldest.filter(|_| or_free) else {
            return Ok(None);
        };
        let before = encode(SPARES, &spare)?;
        spare.taken_by = Some(effect);
        let after = encode(SPARES, &spare)?;
        // Only the worker's effects take spares, one at a time per claim; a lost race
        // (another effect took it first) just means no spare this time.
        match self.spares.compare_and_swap(room.as_bytes(), Some(before), Some(after))? {
            Ok(()) => {
                self.flush().await?;
                Ok(Some(room))
            }
            Err(_) => Ok(None),
        }
    }

    /// Forgets a spare room that will not serve (its claim ended while it was readied).
    pub fn drop_spare(&self, room_id: &str) -> Result<(), StoreError> {
        self.spares.remove(room_id)?;
        Ok(())
    }

    /// Every spare room, taken or not.
    pub fn spares(&self) -> Result<Vec<(String, Spare)>, StoreError> {
        self.spares
            .iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((SPARES.key_text(&key), decode(&value, SPARES, &key)?))
            })
            .collect()
    }
}
