//! Rooms: what each is to the bot, and since when it serves them.

use crate::{
    Store,
    codec::{decode, encode, get, key_string, u64_from},
    error::StoreError,
    model::{JOINED, ROOMS, RoomKind},
};

impl Store {
    /// What kind of room this is for the bot.
    pub fn room_kind(&self, room_id: &str) -> Result<Option<RoomKind>, StoreError> {
        get(&self.rooms, ROOMS, room_id.as_bytes())
    }

    /// Records what kind of room this is.
    pub async fn set_room_kind(&self, room_id: &str, kind: &RoomKind) -> Result<(), StoreError> {
        self.rooms.insert(room_id, encode(ROOMS, kind)?)?;
        self.flush().await
    }

    /// Every room of the given kind (by discriminant: any name, any request).
    pub fn rooms_where(&self, pred: impl Fn(&RoomKind) -> bool) -> Result<Vec<String>, StoreError> {
        let mut found = Vec::new();
        for item in self.rooms.iter() {
            let (key, bytes) = item?;
            let room = key_string(ROOMS, &key)?;
            let kind: RoomKind = decode(&bytes, ROOMS, &key)?;
            if pred(&kind) {
                found.push(room);
            }
        }
        Ok(found)
    }

    /// When the bot started serving `room_id`, in milliseconds since the epoch.
    pub fn joined_at(&self, room_id: &str) -> Result<Option<u64>, StoreError> {
        match self.joined.get(room_id)? {
            Some(bytes) => Ok(Some(u64_from(&bytes, JOINED, room_id.as_bytes())?)),
            None => Ok(None),
        }
    }

    /// Records that the bot serves `room_id` since `at_ms`, unless a time is already
    /// recorded; returns the recorded time.
    pub async fn record_joined(&self, room_id: &str, at_ms: u64) -> Result<u64, StoreError> {
        let stamp = at_ms.to_be_bytes();
        match self.joined.compare_and_swap(room_id, None as Option<&[u8]>, Some(&stamp[..]))? {
            Ok(()) => {
                self.flush().await?;
                Ok(at_ms)
            }
            Err(existing) => match existing.current {
                Some(bytes) => u64_from(&bytes, JOINED, room_id.as_bytes()),
                None => Ok(at_ms),
            },
        }
    }
}
