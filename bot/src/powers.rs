//! The powers the bot needs in the rooms it manages, and where it lacks them: told to the
//! coordinators at start and on `!verifier` / `!check`, with the power level to give it.
//! Without them an action fails quietly for the people concerned (a ban that does not
//! reach a neighbourhood room, a request that cannot be taken out of it).

use std::future::Future;

use entraide_commands::{Key, Lang, Message};
use entraide_storage::{RoomKind, Shape};
use matrix_sdk::{
    Room,
    ruma::{OwnedRoomId, RoomId, UserId, events::room::power_levels::RoomPowerLevels},
};
use tracing::warn;

use crate::{bot::Bot, plan, scheme::Scheme};

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

/// A room the bot manages, with its power levels as read from Matrix.
#[derive(Debug, Clone)]
pub struct RoomLevels {
    /// The room.
    pub room: OwnedRoomId,
    /// Its name, or its id.
    pub name: String,
    /// Its power levels.
    pub levels: RoomPowerLevels,
}

/// The powers the bot needs in `room`, by what it is to the scheme: none in a room it
/// does not manage.
pub fn needs(scheme: &Scheme, room: &RoomId) -> &'static [Power] {
    if room == scheme.rooms.volunteers {
        return &[Power::Invite, Power::Kick, Power::Ban];
    }
    match scheme.store.room_kind(room.as_str()) {
        Ok(Some(RoomKind::Neighbourhood { .. })) if scheme.config.remove_requests => {
            &[Power::Ban, Power::Redact]
        }
        Ok(Some(RoomKind::Neighbourhood { .. })) => &[Power::Ban],
        _ => &[],
    }
}

/// Reads the power levels of each room the bot manages (where it needs powers): the one
/// Matrix read of `!verifier` and of the check at start. A room whose levels cannot be
/// read is left out (and logged).
pub async fn read_levels(bot: &Bot) -> Vec<RoomLevels> {
    let mut read = Vec::new();
    for room in bot.client.joined_rooms() {
        if needs(bot, room.room_id()).is_empty() {
            continue;
        }
        if let Some(levels) = levels_of(&room).await {
            read.push(RoomLevels {
                room: room.room_id().to_owned(),
                name: room_name(&room),
                levels,
            });
        }
    }
    read
}

/// The rooms among `rooms` where the bot lacks a power it needs, by name: decided from
/// the levels read alone.
pub fn lacking(scheme: &Scheme, rooms: &[RoomLevels]) -> Vec<Lacking> {
    let me = &scheme.config.user_id;
    let mut found: Vec<Lacking> = rooms
        .iter()
        .filter_map(|read| lacking_in(&read.levels, me, needs(scheme, &read.room), &read.name))
        .collect();
    found.sort_by(|a, b| a.room.cmp(&b.room));
    found
}

/// A room's power levels, or `None` (logged) when they cannot be read.
async fn levels_of(room: &Room) -> Option<RoomPowerLevels> {
    match room.power_levels().await {
        Ok(levels) => Some(levels),
        Err(error) => {
            warn!(room = %room.room_id(), %error, "cannot read the power levels");
            None
        }
    }
}

/// What `me` lacks of `needs` under `levels` in the room called `name`, if anything.
fn lacking_in(
    levels: &RoomPowerLevels,
    me: &UserId,
    needs: &[Power],
    name: &str,
) -> Option<Lacking> {
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
    (!powers.is_empty()).then(|| Lacking { room: name.to_owned(), powers, level })
}

/// What to tell the coordinators about `lacking`, in `lang`.
pub fn report(scheme: &Scheme, lang: Lang, lacking: &[Lacking]) -> Message {
    if lacking.is_empty() {
        return scheme.texts.render(lang, Key::PowersOk, &[]);
    }
    let mut lines = vec![scheme.texts.render(lang, Key::PowersHeader, &[])];
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
                scheme.texts.text(lang, key, &[])
            })
            .collect();
        let args =
            [("room", room.as_str()), ("powers", &names.join(", ")), ("level", &level.to_string())];
        lines.push(scheme.texts.render(lang, Key::PowersLacking, &args));
    }
    Message::lines(lines)
}

/// At start: tells the coordination room where the bot lacks powers, if anywhere.
pub async fn tell_at_start(bot: &Bot) {
    let lacking = lacking(bot, &read_levels(bot).await);
    if lacking.is_empty() {
        return;
    }
    warn!(rooms = lacking.len(), "the bot lacks powers it needs in some rooms");
    let message = report(bot, bot.config.language, &lacking);
    bot.outbox.now(plan::notice_in(&bot.rooms.coordination, message, Shape::New, None));
}

/// What an action on a person came to, room by room, as the coordinator who asked for it
/// is told: where it was done, where the bot lacks the power (and which level gives it),
/// where the homeserver refused or did not answer.
#[derive(Debug, Default)]
pub struct RoomsReport {
    done: Vec<String>,
    no_power: Vec<(String, i64)>,
    failed: Vec<String>,
}

impl RoomsReport {
    /// Does `act` in `room` if the bot has `power` there, and notes what came of it.
    pub async fn act<F, Fut>(&mut self, bot: &Bot, room: &Room, power: Power, act: F)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = matrix_sdk::Result<()>>,
    {
        let name = room_name(room);
        if let Some(me) = bot.client.user_id()
            && let Some(levels) = levels_of(room).await
            && let Some(lacking) = lacking_in(&levels, me, &[power], &name)
        {
            self.no_power.push((name, lacking.level));
            return;
        }
        match act().await {
            Ok(()) => self.done.push(name),
            Err(error) => {
                warn!(room = %room.room_id(), ?power, %error, "an action on a person failed");
                self.failed.push(name);
            }
        }
    }

    /// The lines that say it: `done` names the rooms where it was done; `none` is said
    /// when nothing was to be done anywhere.
    pub fn lines(&self, bot: &Bot, lang: Lang, done: Key, none: Option<Key>) -> Vec<Message> {
        let mut lines = Vec::new();
        if !self.done.is_empty() {
            lines.push(bot.texts.render(lang, done, &[("rooms", &self.done.join(", "))]));
        }
        if !self.no_power.is_empty() {
            let rooms: Vec<&str> = self.no_power.iter().map(|(room, _)| room.as_str()).collect();
            let level = self.no_power.iter().map(|(_, level)| *level).max().unwrap_or(100);
            let args = [("rooms", rooms.join(", ")), ("level", level.to_string())];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            lines.push(bot.texts.render(lang, Key::RoomsNoPower, &args));
        }
        if !self.failed.is_empty() {
            let rooms = self.failed.join(", ");
            lines.push(bot.texts.render(lang, Key::RoomsFailed, &[("rooms", &rooms)]));
        }
        if lines.is_empty()
            && let Some(none) = none
        {
            lines.push(bot.texts.render(lang, none, &[]));
        }
        lines
    }
}

/// A room's name, or its id.
fn room_name(room: &Room) -> String {
    let name = room.name().filter(|name| !name.trim().is_empty());
    name.unwrap_or_else(|| room.room_id().to_string())
}
