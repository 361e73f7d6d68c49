//! Spare private rooms, made ahead of claims: a claim then only names one and invites its
//! two people, instead of waiting for the homeserver to make a room (its slowest
//! answer, many times a message's hop). The bot keeps `spare_rooms` of them free.
//!
//! A spare is recorded once made; a stop between making it and recording it leaves an
//! empty room with only the bot in it, never used.

use std::{sync::Arc, time::Duration};

use tokio::sync::oneshot;
use tracing::{info, warn};

use crate::{bot::Bot, matrix, retry::persist};

/// How long to wait before trying again after a spare room could not be made for good
/// (transient failures are retried by [`persist`] itself).
const AFTER_FAILURE: Duration = Duration::from_secs(60);

/// How long a spare room waits, at most, for the effects people wait for: on a busy
/// day, claims must not run out of spares for good.
const CALM_WAIT: Duration = Duration::from_secs(30);

/// Keeps the configured number of free spare rooms until `stop` fires.
pub async fn keep(bot: Arc<Bot>, mut stop: oneshot::Receiver<()>) {
    loop {
        let wanted = match bot.store.free_spares() {
            Ok(free) => free < bot.config.spare_rooms,
            Err(error) => {
                warn!(%error, "cannot count the spare rooms");
                false
            }
        };
        if wanted {
            tokio::select! {
                made = make(&bot) => if let Err(error) = made {
                    warn!(error = %format!("{error:#}"), "cannot make a spare room");
                    tokio::select! {
                        () = tokio::time::sleep(AFTER_FAILURE) => {}
                        _ = &mut stop => return,
                    }
                },
                _ = &mut stop => return,
            }
            continue;
        }
        tokio::select! {
            () = bot.spare_taken.notified() => {}
            _ = &mut stop => return,
        }
        // Making a room is the homeserver's heaviest task: the claim that took the spare
        // (its invitations, its intro) and whatever else people wait for go first.
        tokio::select! {
            _ = tokio::time::timeout(CALM_WAIT, bot.urgency.wait_calm()) => {}
            _ = &mut stop => return,
        }
    }
}

/// Makes one spare room and records it.
async fn make(bot: &Bot) -> anyhow::Result<()> {
    // A backup copies the store before or after, not while a room is being recorded.
    let _writes = bot.writes.read().await;
    let (texts, lang, encrypted) = (&bot.texts, bot.config.language, bot.config.encrypt_rooms);
    let room = persist("a spare room", || async {
        matrix::create_spare_room(&bot.client, texts, lang, encrypted).await
    })
    .await?;
    let room_id = room.room_id().as_str();
    bot.store.record_joined(room_id, bot.clock.wall_ms()).await?;
    bot.store.add_spare(room_id, bot.now()).await?;
    info!(room = %room_id, "spare private room ready");
    Ok(())
}
