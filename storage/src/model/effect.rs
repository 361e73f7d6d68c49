//! What `effects` holds: [`Effect`], what a transition owes on Matrix, and inside it
//! [`Action`], [`Target`], [`Shape`], [`Quote`] and [`Root`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Key, Lang, Message};

/// Something a transition owes the world on Matrix, recorded in the same transaction as
/// the transition and removed once carried out. Carried out in order with the other
/// effects of the same request and lane, concurrently with all others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    /// The request it is about (0 for none).
    pub request: u64,
    /// Effects of a request in the same lane run one after the other.
    pub lane: Lane,
    /// Urgent effects (confirmations, relays, the private room) go before the others
    /// when the homeserver limits the bot's rate.
    pub urgent: bool,
    /// What to do.
    pub action: Action,
}

/// Where an [`Effect`] waits its turn: the effects of one request in one lane run one
/// after the other, lanes run side by side. Stored as text: a room id, `private`, or
/// `direct:` and a user id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Lane {
    /// A room, by id: what the bot does there, in order.
    Room(String),
    /// The private room of the request's claim (its id is not known when the claim is
    /// decided), and what must wait for it: if the room cannot be made, none of the rest
    /// happens.
    Private,
    /// A person's direct chat with the bot (opened if need be), by the person's id.
    Direct(String),
}

/// How [`Lane::Private`] is stored.
const PRIVATE: &str = "private";
/// What starts a stored [`Lane::Direct`].
const DIRECT: &str = "direct:";

impl From<String> for Lane {
    fn from(text: String) -> Lane {
        if text == PRIVATE {
            return Lane::Private;
        }
        match text.strip_prefix(DIRECT) {
            Some(user) => Lane::Direct(user.to_owned()),
            None => Lane::Room(text),
        }
    }
}

impl From<Lane> for String {
    fn from(lane: Lane) -> String {
        match lane {
            Lane::Room(room) => room,
            Lane::Private => PRIVATE.to_owned(),
            Lane::Direct(user) => format!("{DIRECT}{user}"),
        }
    }
}

impl Lane {
    /// The lane of a room, by id.
    pub fn room(id: impl ToString) -> Lane {
        Lane::Room(id.to_string())
    }
}

/// What an [`Effect`] does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// Sends a notice.
    Notice {
        /// Where.
        to: Target,
        /// What.
        message: Message,
        /// How it relates to other messages.
        shape: Shape,
        /// Who else is notified (a Matrix user id).
        mention: Option<String>,
    },
    /// Relays the request to the volunteers (rendered when sent), and records the relay.
    Relay,
    /// Retires a relay: the status line `key` in its thread, the relay redacted. Stored
    /// under its first name (it once edited the relay in place).
    #[serde(rename = "edit_relay")]
    RetireRelay {
        /// The status line.
        key: Key,
        /// The relay (event id) when the effect was owed; `None`: the request's relay
        /// when it is carried out (one still to be sent then).
        relay: Option<String>,
    },
    /// Finds or creates the private room of the claim, inviting the volunteer and the
    /// requester, and records it.
    PrivateRoom {
        /// The volunteer.
        volunteer: String,
    },
    /// Introduces the two people in the private room.
    Intro {
        /// The volunteer.
        volunteer: String,
    },
    /// Removes someone from a room.
    Remove {
        /// The room.
        room: String,
        /// Who.
        user: String,
    },
    /// Redacts an event: a relay of someone who was forgotten, a request taken out of a
    /// neighbourhood room.
    Redact {
        /// The room.
        room: String,
        /// The event.
        event: String,
        /// The reason given, in the bot's language.
        reason: Key,
    },
    /// Redacts the messages the bot sent in a room: all of them (the private room or
    /// direct chat of someone who was forgotten), or those about one person.
    Scrub {
        /// The room.
        room: String,
        /// The person (a Matrix id) whose mentions or id make a message go; `None`: all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        about: Option<String>,
    },
    /// Leaves a room (the direct chat of someone who was forgotten).
    Leave {
        /// The room.
        room: String,
    },
    /// Takes a request out of the neighbourhood room it was written in, where the bot
    /// may remove others' messages: the requester's direct chat opened (it becomes the
    /// request's `origin_room`, where everything about it is said to them), the command
    /// redacted, and a line in the room that says why and where the answer went. Where
    /// the bot may not, or no direct chat can be opened, the request stays, answered in
    /// the room.
    MoveOut {
        /// The neighbourhood room.
        room: String,
        /// The command.
        event: String,
        /// Its author (a Matrix user id).
        user: String,
        /// The language of the line in the room.
        lang: Lang,
    },
    /// Changes a person's membership in the rooms the bot manages, room by room, as far
    /// as it has the power to (a coordinator's ban, unban, unvetting or vetting), then
    /// answers the coordinator: `message`, then what was done where, sent `to` as
    /// `shape` says. Whatever is done already is left as it is, so that a resumed effect
    /// does nothing twice.
    Moderate {
        /// The person (a Matrix user id).
        user: String,
        /// What to do.
        change: Membership,
        /// The language of the answer's room lines.
        lang: Lang,
        /// Where the answer goes.
        to: Target,
        /// The answer's first lines, decided with the transition.
        message: Message,
        /// How the answer relates to the command.
        shape: Shape,
    },
    /// Posts a volunteer's offer in a neighbourhood room (rendered when sent), and
    /// records the post.
    PostOffer {
        /// The room.
        room: String,
    },
    /// Retires an offer's post: the status line `key` in its thread, the post redacted.
    RetirePost {
        /// The room.
        room: String,
        /// The post (event id).
        event: String,
        /// The status line.
        key: Key,
    },
    /// Sends a person, in their direct chat with the bot (opened if need be), a file
    /// with what the store holds about them, read when it is sent (GDPR Art. 15).
    SendData {
        /// The person.
        user: String,
        /// The language of the message with the file.
        lang: Lang,
    },
    /// Sends the register as a CSV file for the préfet (R121-8), read when it is sent,
    /// with a notice that says how many entries it holds.
    SendRegister {
        /// Where ([`Target::Confidential`]).
        to: Target,
        /// The language of the notice and of the file's header.
        lang: Lang,
    },
    /// Posts a campaign's report's files in a room, drawn from the store when sent: the
    /// chart (PNG) and the table (CSV), no names (the notice goes with the transition).
    CampaignReport {
        /// The room.
        room: String,
        /// The campaign.
        campaign: u64,
        /// The language of the chart and of the table's header.
        lang: Lang,
    },
    /// Brings a campaign's board up to date in the coordination room, rendered from the
    /// store when carried out: posted and pinned the first time (and recorded in the
    /// campaign), edited after that; the edit made once the campaign ended unpins it.
    Board {
        /// The campaign.
        campaign: u64,
        /// The board's language.
        lang: Lang,
    },
    /// Posts the report of a period in a room (a coordinator's `!rapport`): the figures,
    /// a chart and a table, computed when it is sent.
    SendReport {
        /// The room.
        room: String,
        /// The period's first day, in the commune's time zone.
        from: NaiveDate,
        /// The day after its last.
        to: NaiveDate,
        /// The language of the report.
        lang: Lang,
    },
}

/// A change of a person's membership in the rooms the bot manages ([`Action::Moderate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// Banned from the volunteers, neighbourhood and private rooms (also where they are
    /// not, so that they cannot join).
    Ban,
    /// Unbanned wherever they are banned.
    Unban,
    /// Out of the volunteers room, if they are in it or invited.
    Remove,
    /// Into the volunteers room: unbanned there if they were, invited unless they are in.
    Welcome,
}

/// The room a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "room")]
pub enum Target {
    /// A room by id.
    Id {
        /// The room id.
        id: String,
    },
    /// The volunteers room.
    Volunteers,
    /// The coordination room.
    Coordination,
    /// The private room of the request's current claim.
    Private,
    /// Where the request's requester is answered when the notice is sent (its
    /// `origin_room`): the room it was asked in, or their direct chat once it moved
    /// there ([`Action::MoveOut`]), where a reply to the command becomes a new message.
    Requester {
        /// The room the request was asked in.
        asked_in: String,
    },
    /// A person's direct chat with the bot, opened if need be.
    Direct {
        /// The person.
        user: String,
    },
    /// Register data (R121-7: the coordinators and the callers they name only): the
    /// coordination room while every member is one of them, else the direct chat of the
    /// coordinator who asked. Decided when it is sent.
    Confidential {
        /// The coordinator who asked (a Matrix user id).
        asked_by: String,
    },
}

/// How a notice relates to other messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "shape")]
pub enum Shape {
    /// A new message.
    New,
    /// A reply to someone's message.
    Reply {
        /// The message answered.
        to: Quote,
    },
    /// In a thread, as a reply to someone's message if `to` is given.
    Thread {
        /// The thread's root.
        root: Root,
        /// The message answered.
        to: Option<Quote>,
    },
}

/// A message a notice answers: the reply relates to it and mentions its author. (Replies
/// carry no quote of it: Matrix 1.13 removed reply fallbacks. The `quote` that effects
/// journalled before held is ignored when they are read.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Its event id.
    pub event: String,
    /// Its author.
    pub sender: String,
}

/// A thread's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "root")]
pub enum Root {
    /// A given message.
    Event {
        /// Its event id.
        id: String,
    },
    /// The request's relay when the notice is sent (a new message if it has none).
    Relay,
}
