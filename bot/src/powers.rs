//! The powers the bot needs in the rooms it manages, and where it lacks them: told to the
//! coordinators at start and on `!verifier` / `!check`, with the power level to give it.
//! Without them an action fails quietly for the people concerned (a ban that does not
//! reach a neighbourhood room, a request that cannot be taken out of it).

use entraide_commands::{Key, Lang, Message};
use entraide_storage::{RoomKind, Shape};
use matrix_sdk::{Room, ruma::UserId};
use tracing::warn;

use crate::{bot::Bot, effects::plan};

/// A power the bot may need in a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Inviting people (vetted volunteers into their room).
    Invite,
    /// Removing people (a volunteer unvetted).
    Kick,
    /// Banning people.
    Ban,
    /// Removing other people's messages (a request taken out of a neighbourhood room).
    Redact,
}

/// A room where the bot lacks powers: its name, what it lacks, and the level that gives
/// them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lacking {
    /// The room's name, or its id.
    pub room: String,
    /// The powers the bot lacks there.
    pub powers: Vec<Power>,
    /// The power level that would give them.
    pub level: i64,
}

/// The rooms the bot manages where it lacks a power it needs.
pub async fn lacking(bot: &Bot) -> Vec<Lacking> {
    let Some(me) = bot.client.user_id() else { return Vec::new() };
    let mut found = Vec::new();
    for room in bot.client.joined_rooms() {
        let needs: &[Power] = if room.room_id() == bot.rooms.volunteers {
            &[Power::Invite, Power::Kick, Power::Ban]
        } else {
            match bot.store.room_kind(room.room_id().as_str()) {
                Ok(Some(RoomKind::Neighbourhood { .. })) if bot.config.remove_requests => {
                    &[Power::Ban, Power::Redact]
                }
                Ok(Some(RoomKind::Neighbourhood { .. })) => &[Power::Ban],
                _ => continue,
            }
        };
        if let Some(lacking) = lacking_in(&room, me, needs).await {
            found.push(lacking);
        }
    }
    found.sort_by(|a, b| a.room.cmp(&b.room));
    found
}

async fn lacking_in(room: &Room, me: &UserId, needs: &[Power]) -> Option<Lacking> {
    let levels = match room.power_levels().await {
        Ok(levels) => levels,
        Err(error) => {
            warn!(room = %room.room_id(), %error, "cannot read the power levels");
            return None;
        }
    };
    let mut powers = Vec::new();
    let mut level = 0_i64;
    for power in needs {
        let (has, needed) = match power {
            Power::Invite => (levels.user_can_invite(me), levels.invite),
            Power::Kick => (levels.user_can_kick(me), levels.kick),
            Power::Ban => (levels.user_can_ban(me), levels.ban),
            Power::Redact => (levels.user_can_redact_event_of_other(me), levels.redact),
        };
        if !has {
            powers.push(*power);
            level = level.max(needed.into());
        }
    }
    let name = room.name().filter(|name| !name.trim().is_empty());
    let room = name.unwrap_or_else(|| room.room_id().to_string());
    (!powers.is_empty()).then_some(Lacking { room, powers, level })
}

/// What to tell the coordinators about `lacking`, in `lang`.
pub fn report(bot: &Bot, lang: Lang, lacking: &[Lacking]) -> Message {
    if lacking.is_empty() {
        return bot.texts.render(lang, Key::PowersOk, &[]);
    }
    let mut lines = vec![bot.texts.render(lang, Key::PowersHeader, &[])];
    for Lacking { room, powers, level } in lacking {
        let names: Vec<String> = powers
            .iter()
            .map(|power| {
                let key = match power {
                    Power::Invite => Key::PowerInvite,
                    Power::Kick => Key::PowerKick,
                    Power::Ban => Key::PowerBan,
                    Power::Redact => Key::PowerRedact,
                };
                bot.texts.text(lang, key, &[])
            })
            .collect();
        let args =
            [("room", room.as_str()), ("powers", &names.join(", ")), ("level", &level.to_string())];
        lines.push(bot.texts.render(lang, Key::PowersLacking, &args));
    }
    Message::lines(lines)
}

/// At start: tells the coordination room where the bot lacks powers, if anywhere.
pub async fn tell_at_start(bot: &Bot) {
    let lacking = lacking(bot).await;
    if lacking.is_empty() {
        return;
    }
    warn!(rooms = lacking.len(), "the bot lacks powers it needs in some rooms");
    let message = report(bot, bot.config.language, &lacking);
    bot.outbox.now(plan::notice_in(&bot.rooms.coordination, message, Shape::New, None));
}
