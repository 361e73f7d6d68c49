//! Carrying out what the rights of the people owe on Matrix (GDPR Art. 15 and 17): their
//! data sent to them as a file, the bot's messages about someone forgotten taken down,
//! their direct chats left. Each is idempotent: a redaction done twice changes nothing,
//! a room left already is left.

use entraide_commands::{Key, Lang};
use matrix_sdk::{
    attachment::AttachmentConfig,
    room::MessagesOptions,
    ruma::{OwnedEventId, OwnedTransactionId, OwnedUserId, UserId, events::Mentions, serde::Raw},
};
use serde::Deserialize;
use tracing::info;

use super::send::{direct_chat, send};
use crate::{
    bot::Bot,
    matrix::{self, Shape},
    retry::persist,
};

/// At most this many pages of history are read when taking the bot's messages down from
/// a room: a private room or a direct chat holds a few dozen messages, not thousands.
const SCRUB_PAGES: usize = 50;

/// A redaction's reason, in the bot's language.
fn reason(bot: &Bot, key: Key) -> String {
    bot.texts.render(bot.config.language, key, &[]).plain
}

/// Redacts an event with the reason `key`, if the bot is still in its room.
pub async fn redact(bot: &Bot, room: &str, event: &str, key: Key) -> anyhow::Result<()> {
    let (Some(room), Ok(event)) =
        (matrix::joined(&bot.client, room), OwnedEventId::try_from(event))
    else {
        return Ok(());
    };
    let reason = reason(bot, key);
    persist("a redaction", || async { Ok(room.redact(&event, Some(&reason), None).await?) })
        .await?;
    Ok(())
}

/// What a page of history says of an event, enough to know whether it is one of the
/// bot's messages still to take down.
#[derive(Deserialize)]
struct Seen {
    event_id: OwnedEventId,
    sender: OwnedUserId,
    #[serde(rename = "type")]
    kind: String,
    state_key: Option<String>,
    #[serde(default)]
    unsigned: Unsigned,
    #[serde(default)]
    content: Content,
}

#[derive(Deserialize, Default)]
struct Unsigned {
    redacted_because: Option<serde_json::Value>,
}

/// What of a message's content can name a person.
#[derive(Deserialize, Default)]
struct Content {
    #[serde(default)]
    body: String,
    #[serde(rename = "m.mentions", default)]
    mentions: Mentioned,
}

#[derive(Deserialize, Default)]
struct Mentioned {
    #[serde(default)]
    user_ids: Vec<OwnedUserId>,
}

/// How many events a page of history holds.
const PAGE: u32 = 100;

/// Redacts the messages (and reactions) the bot sent in `room` that are not redacted yet,
/// reading its history from the newest back: every one, or with `about`, those that
/// mention that person or write their id.
pub async fn scrub(bot: &Bot, room: &str, about: Option<&str>) -> anyhow::Result<()> {
    let (Some(room), Some(me)) = (matrix::joined(&bot.client, room), bot.client.user_id()) else {
        return Ok(());
    };
    let reason = reason(bot, Key::RedactedForgotten);
    let mut from = None;
    let mut redacted = 0_usize;
    for _ in 0..SCRUB_PAGES {
        let page = persist("a page of history", || async {
            let mut options = MessagesOptions::backward();
            options.from.clone_from(&from);
            options.limit = PAGE.into();
            Ok(room.messages(options).await?)
        })
        .await?;
        for event in &page.chunk {
            let Some(seen) = mine_to_take_down(event.raw(), me, about) else { continue };
            persist("a redaction", || async { Ok(room.redact(&seen, Some(&reason), None).await?) })
                .await?;
            redacted += 1;
        }
        match page.end {
            Some(end) if !page.chunk.is_empty() => from = Some(end),
            _ => break,
        }
    }
    info!(room = %room.room_id(), redacted, "the bot's messages taken down");
    Ok(())
}

/// The event, if it is a message or reaction of `me` not redacted yet (and, with
/// `about`, one that mentions that person or writes their id).
fn mine_to_take_down<T>(raw: &Raw<T>, me: &UserId, about: Option<&str>) -> Option<OwnedEventId> {
    let seen: Seen = raw.deserialize_as_unchecked().ok()?;
    let taken_down = seen.unsigned.redacted_because.is_some();
    let kind = matches!(seen.kind.as_str(), "m.room.message" | "m.room.encrypted" | "m.reaction");
    let concerned = about.is_none_or(|user| {
        seen.content.body.contains(user)
            || seen.content.mentions.user_ids.iter().any(|id| id.as_str() == user)
    });
    (seen.sender == me && seen.state_key.is_none() && kind && concerned && !taken_down)
        .then_some(seen.event_id)
}

/// Leaves `room`, unless the bot is out of it already.
pub async fn leave(bot: &Bot, room: &str) -> anyhow::Result<()> {
    let Some(room) = matrix::joined(&bot.client, room) else { return Ok(()) };
    persist("leaving a room", || async { Ok(room.leave().await?) }).await?;
    info!(room = %room.room_id(), "left a direct chat");
    Ok(())
}

/// Sends `user`, in their direct chat with the bot, what the store holds about them, as a
/// JSON file after a line that says what it is. Opens the direct chat if there is none.
pub async fn send_data(
    bot: &Bot,
    user: &str,
    lang: Lang,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let user = OwnedUserId::try_from(user)?;
    let data = bot.store.person_data(user.as_str(), bot.now())?;
    let json = serde_json::to_vec_pretty(&data)?;
    let room = direct_chat(bot, &user).await?;
    let part = |name: &str| txn.as_ref().map(|id| OwnedTransactionId::from(format!("{id}.{name}")));
    let message = bot.texts.render(lang, Key::MyDataHere, &[]);
    send(bot, &room, &message, Shape::New, &[], part("text").as_deref()).await?;
    let filename = bot.texts.render(lang, Key::MyDataFile, &[]).plain;
    let _turn = bot.sending.take(&room).await;
    let file_txn = part("file");
    persist("a file", || async {
        let mut config = AttachmentConfig::new().mentions(Some(Mentions::new()));
        if let Some(txn) = &file_txn {
            config = config.txn_id(txn.clone());
        }
        Ok(room.send_attachment(&filename, &mime::APPLICATION_JSON, json.clone(), config).await?)
    })
    .await?;
    info!(room = %room.room_id(), "a person's data sent to them");
    Ok(())
}
