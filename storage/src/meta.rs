//! Bookkeeping: the last sync, the charter the volunteers were told of, the events
//! already handled, and the keys of `meta`.

use chrono::{DateTime, Utc};

use crate::{
    Store,
    codec::{decode_error, u64_from},
    error::StoreError,
    model::META,
};

pub(crate) const META_SCHEMA: &[u8] = b"schema_version";

pub(crate) const META_NEXT_NUMBER: &[u8] = b"next_request_number";

/// The next register entry's number.
/// The next campaign's number.
pub(crate) const META_NEXT_CAMPAIGN: &[u8] = b"next_campaign_number";
pub(crate) const META_NEXT_ENTRY: &[u8] = b"next_entry_number";
pub(crate) const META_SYNCED_AT: &[u8] = b"synced_at";

pub(crate) const META_CHARTER_VERSION: &[u8] = b"charter_version";

impl Store {
    /// When the last sync ended, in milliseconds since the epoch (`None` before the first).
    pub fn synced_at(&self) -> Result<Option<u64>, StoreError> {
        match self.meta.get(META_SYNCED_AT)? {
            Some(bytes) => Ok(Some(u64_from(&bytes, META, META_SYNCED_AT)?)),
            None => Ok(None),
        }
    }

    /// Records when the last sync ended. Not flushed on its own: losing it only makes the
    /// next catch-up look further back, where handled ids keep replays out.
    pub fn set_synced_at(&self, at_ms: u64) -> Result<(), StoreError> {
        self.meta.insert(META_SYNCED_AT, &at_ms.to_be_bytes())?;
        Ok(())
    }

    /// The version of the volunteers' charter the volunteers were last told of.
    pub fn charter_version(&self) -> Result<Option<String>, StoreError> {
        match self.meta.get(META_CHARTER_VERSION)? {
            Some(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => Ok(Some(text.to_owned())),
                Err(error) => {
                    Err(decode_error(META, META_CHARTER_VERSION, serde::de::Error::custom(error)))
                }
            },
            None => Ok(None),
        }
    }

    /// Records the version of the charter the volunteers were told of.
    pub async fn set_charter_version(&self, version: &str) -> Result<(), StoreError> {
        self.meta.insert(META_CHARTER_VERSION, version.as_bytes())?;
        self.flush().await
    }

    /// Whether an event was already handled.
    pub fn is_handled(&self, event_id: &str) -> Result<bool, StoreError> {
        Ok(self.handled.contains_key(event_id)?)
    }

    /// Records an event as handled; returns `false` if it already was, in which case the
    /// caller must do nothing. Atomic: of two callers, exactly one gets `true`.
    pub async fn mark_handled(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let stamp = now.timestamp().to_be_bytes();
        let fresh = self
            .handled
            .compare_and_swap(event_id, None as Option<&[u8]>, Some(&stamp[..]))?
            .is_ok();
        if fresh {
            self.flush().await?;
        }
        Ok(fresh)
    }
}
