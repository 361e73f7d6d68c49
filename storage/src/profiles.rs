//! The optional profiles people declare for the figures (`!profil`): an age band and a
//! gender, kept in a tree of their own, apart from requests, read only to count
//! ([`crate::stats`]), given in a person's data and erased with them.

use chrono::{DateTime, Utc};
use entraide_commands::Profile;

use crate::{
    Store, StoreError,
    codec::{decode, encode, get},
    model::{PROFILES, ProfileRecord},
};

impl Store {
    /// What `user` was asked and declared, if they were ever asked.
    pub fn profile(&self, user: &str) -> Result<Option<ProfileRecord>, StoreError> {
        get(&self.profiles, PROFILES, user.as_bytes())
    }

    /// Records that `user` is asked for their profile, unless they were asked before:
    /// whether to ask them now (once in their life with the bot).
    pub async fn ask_profile_once(
        &self,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let record = ProfileRecord { asked_at: Some(now), ..ProfileRecord::default() };
        let bytes = encode(PROFILES, &record)?;
        let fresh =
            self.profiles.compare_and_swap(user, None as Option<&[u8]>, Some(bytes))?.is_ok();
        if fresh {
            self.flush().await?;
        }
        Ok(fresh)
    }

    /// Keeps what `user` declared (`None`: nothing, what they had is erased); the
    /// record that they were asked stays, so that they are not asked again.
    pub async fn set_profile(
        &self,
        user: &str,
        profile: Option<Profile>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut record = self.profile(user)?.unwrap_or_default();
        record.profile = profile.unwrap_or_default();
        record.answered_at = profile.map(|_| now);
        self.profiles.insert(user, encode(PROFILES, &record)?)?;
        self.flush().await
    }

    /// Every declared profile, by Matrix id (people who declared nothing are left out).
    pub(crate) fn declared_profiles(
        &self,
    ) -> Result<std::collections::HashMap<String, Profile>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for item in self.profiles.iter() {
            let (key, bytes) = item?;
            let record: ProfileRecord = decode(&bytes, PROFILES, &key)?;
            if record.profile != Profile::default() {
                found.insert(PROFILES.key_text(&key), record.profile);
            }
        }
        Ok(found)
    }
}
