//! The bot: the scheme's plain parts ([`Scheme`]) and the live Matrix client with what
//! sending through it needs (turns per room, urgency, the bot's own echoes, when people last wrote). Commands
//! decide from the [`Scheme`]; effects act through the client.

use std::{ops::Deref, sync::Arc};

use matrix_sdk::{Client, Room, ruma::UserId};
use tokio::sync::Notify;

use crate::{
    echo::Echoes,
    matrix::{self, RoomTurns},
    outbox::Urgency,
    pace::Pace,
    scheme::Scheme,
};

/// The bot: its [`Scheme`] and its Matrix client.
#[derive(Debug)]
pub struct Bot {
    /// What commands decide from.
    pub scheme: Scheme,
    /// The logged-in client.
    pub client: Client,
    /// Whose turn it is to send in each room.
    pub sending: RoomTurns,
    /// Told when a claim took a spare room, so that another is made.
    pub spare_taken: Notify,
    /// The urgent effects under way, which the rest gives way to.
    pub urgency: Arc<Urgency>,
    /// The bot's own messages as its sync brings them back.
    pub echoes: Arc<Echoes>,
    /// When people last wrote to it.
    pub pace: Arc<Pace>,
    /// When the follow-up last read the whole register (by the bot's clock).
    pub register_looked: std::sync::Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    /// Shared by each effect carried out and each spare room made (they write to the
    /// store beside the worker); a backup holds it alone while it copies the store.
    pub writes: tokio::sync::RwLock<()>,
}

impl Deref for Bot {
    type Target = Scheme;

    fn deref(&self) -> &Scheme {
        &self.scheme
    }
}

impl Bot {
    /// The volunteers room, if the bot is in it.
    pub fn volunteers_room(&self) -> Option<Room> {
        matrix::joined(&self.client, self.rooms.volunteers.as_str())
    }

    /// How `user` is named in a room the bot shares with them: their display name there,
    /// or their user id.
    pub async fn name_in(&self, room_id: &str, user: &UserId) -> String {
        let Some(room) = matrix::joined(&self.client, room_id) else {
            return user.to_string();
        };
        match room.get_member_no_sync(user).await {
            Ok(Some(member)) => member.display_name().unwrap_or(user.as_str()).to_owned(),
            _ => user.to_string(),
        }
    }
}
