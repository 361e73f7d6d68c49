//! Everything the store holds, in one place.
//!
//! Every type stored on disk is defined or re-exported here, and every tree is described
//! here. Their serialised form *is* the on-disk format: renaming a field or a variant,
//! adding a variant or changing a serde attribute of any type below (including those
//! re-exported from `entraide-commands`) changes what is written and what old stores can
//! be read as. Such a change must be deliberate: bump [`SCHEMA_VERSION`] and write a
//! migration in [`Store::open`]. `tests/stored_forms.rs` pins the serialised form of
//! every stored type and variant, and the key encodings, so that it cannot happen by
//! accident.
//!
//! # Trees
//!
//! Values are JSON (`serde_json`) unless said otherwise; numbers in keys and raw values
//! are big-endian, so that numeric order is key order.
//!
//! | Tree       | Key                                          | Value                                  |
//! |------------|----------------------------------------------|----------------------------------------|
//! | `requests` | request number, `u64`                        | [`Request`]                            |
//! | `log`      | sled-generated id, `u64` (monotonic)         | [`LogEntry`]                           |
//! | `people`   | Matrix user id, UTF-8                        | [`Person`]                             |
//! | `rooms`    | Matrix room id, UTF-8                        | [`RoomKind`]                           |
//! | `relays`   | event id of a relay message, UTF-8           | request number, raw `u64`              |
//! | `handled`  | Matrix event id, UTF-8                       | when, Unix seconds, raw `i64`          |
//! | `joined`   | Matrix room id, UTF-8                        | since when served, Unix ms, raw `u64`  |
//! | `effects`  | sled-generated id, `u64` (monotonic)         | [`Effect`] not yet carried out         |
//! | `spares`   | Matrix room id, UTF-8                        | [`Spare`]                              |
//! | `informed` | Matrix user id, UTF-8                        | when told of their data, Unix ms, `u64`|
//! | `meta`     | `schema_version`, `next_request_number`,     | raw `u64`                              |
//! |            | `synced_at` (Unix ms)                        |                                        |
//! |            | `charter_version`: the charter the volunteers| UTF-8 text                             |
//! |            | were last told of                            |                                        |
//!
//! # Stored types
//!
//! - In `requests`: [`Request`], and inside it [`State`], [`Reading`] (with [`Category`],
//!   [`When`], [`DayPart`] and [`Relation`]) and [`Lang`].
//! - In `log`: [`LogEntry`], and inside it [`Outcome`].
//! - In `people`: [`Person`], and inside it [`VolunteerStatus`], [`Block`], [`Signature`]
//!   and [`Pause`].
//! - In `rooms`: [`RoomKind`].
//! - In `spares`: [`Spare`].
//! - In `effects`: [`Effect`], and inside it [`Action`], [`Target`], [`Shape`], [`Quote`],
//!   [`Root`], and [`Message`] and [`Key`] from `entraide-commands`.
//!
//! [`Reading`], [`Category`], [`When`], [`DayPart`], [`Relation`], [`Lang`] and
//! [`VolunteerStatus`], [`Message`] and [`Key`] are defined in `entraide-commands` and
//! re-exported here.
//! [`NewRequest`] is not stored: it is what the bot hands to [`Store::create_request`].
//! Nor are `PersonData` and `HelpedRequest`: they are what the store exports for a
//! person's right of access (`Store::person_data`).
//!
//! # Who is named where
//!
//! A tree added here that holds a person's id or words must be handled by
//! `Store::forget` (and by `Store::person_data`): the scans of `tests/rgpd.rs` go through
//! every tree and will find what it leaves. Today, people are named in `requests`
//! (requester, text, volunteer, who cancelled), `log` (actor, note), `people` (key, who
//! changed it), `informed` (key), `rooms` (a direct chat's person) and `effects` (quotes,
//! mentions, removals, volunteers, message texts). A pseudonym (`anonyme` or
//! `anonyme-<hex>`) may stand where a user id stood: it never starts with `@`.
//!
//! [`SCHEMA_VERSION`]: crate::SCHEMA_VERSION
//! [`Store::open`]: crate::Store::open
//! [`Store::create_request`]: crate::Store::create_request

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use entraide_commands::{
    Category, DayPart, Key, Lang, Message, Profile, Reading, Relation, Repeat, VolunteerStatus,
    When,
};

/// How a tree's keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyForm {
    /// A big-endian `u64`.
    Number,
    /// UTF-8 text (a Matrix id or a name).
    Text,
}

/// A tree of the store: its name in sled and how its keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TreeSpec {
    /// The tree's name in sled, also used in error messages.
    pub(crate) name: &'static str,
    /// How its keys are written.
    pub(crate) keys: KeyForm,
}

/// Request number → [`Request`].
pub(crate) const REQUESTS: TreeSpec = TreeSpec { name: "requests", keys: KeyForm::Number };
/// Generated id → [`LogEntry`].
pub(crate) const LOG: TreeSpec = TreeSpec { name: "log", keys: KeyForm::Number };
/// User id → [`Person`].
pub(crate) const PEOPLE: TreeSpec = TreeSpec { name: "people", keys: KeyForm::Text };
/// Room id → [`RoomKind`].
pub(crate) const ROOMS: TreeSpec = TreeSpec { name: "rooms", keys: KeyForm::Text };
/// Event id → when it was handled.
pub(crate) const HANDLED: TreeSpec = TreeSpec { name: "handled", keys: KeyForm::Text };
/// Relay event id → request number.
pub(crate) const RELAYS: TreeSpec = TreeSpec { name: "relays", keys: KeyForm::Text };
/// Room id → when the bot started serving the room, in milliseconds since the epoch
/// (big-endian `u64`): history from before is never handled.
pub(crate) const JOINED: TreeSpec = TreeSpec { name: "joined", keys: KeyForm::Text };
/// Generated id → [`Effect`] owed and not yet carried out.
pub(crate) const EFFECTS: TreeSpec = TreeSpec { name: "effects", keys: KeyForm::Number };
/// User id → when the person got the notice on their data (GDPR Art. 13), in
/// milliseconds since the epoch (big-endian `u64`).
pub(crate) const INFORMED: TreeSpec = TreeSpec { name: "informed", keys: KeyForm::Text };
/// The optional profiles people declared for the figures, by Matrix id: apart from
/// their requests, read only to count.
pub(crate) const PROFILES: TreeSpec = TreeSpec { name: "profiles", keys: KeyForm::Text };
/// Room id → [`Spare`]: private rooms made ahead of claims.
pub(crate) const SPARES: TreeSpec = TreeSpec { name: "spares", keys: KeyForm::Text };
/// Generated id → [`AuditEntry`]: what coordinators did.
pub(crate) const AUDIT: TreeSpec = TreeSpec { name: "audit", keys: KeyForm::Number };
/// Schema version, request counter, and when the last sync ended.
pub(crate) const META: TreeSpec = TreeSpec { name: "meta", keys: KeyForm::Text };

impl TreeSpec {
    /// A key of this tree as text, for error messages: numeric trees print the number
    /// (whatever the bytes look like), text trees the text. A key of the wrong shape
    /// (not 8 bytes, not UTF-8) prints its bytes escaped.
    pub(crate) fn key_text(self, key: &[u8]) -> String {
        match self.keys {
            KeyForm::Number => match <[u8; 8]>::try_from(key) {
                Ok(bytes) => u64::from_be_bytes(bytes).to_string(),
                Err(_) => format!("\"{}\" (not an 8-byte number)", key.escape_ascii()),
            },
            KeyForm::Text => match std::str::from_utf8(key) {
                Ok(text) => text.to_owned(),
                Err(_) => format!("\"{}\" (not UTF-8)", key.escape_ascii()),
            },
        }
    }
}

/// A private room made ahead of any claim, so that a claim only names it and invites
/// its two people (making a room is the homeserver's slowest answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spare {
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// The journal id of the effect that took it for a claim, once taken: a claim
    /// resumed after a stop goes on in the same room.
    pub taken_by: Option<u64>,
}

/// Where a request stands. `Open -> Claimed -> Done | Cancelled | Expired`, with
/// `Claimed -> Open` when the volunteer gives it back. A volunteer's offer starts as
/// `Offered` (its requester is then the volunteer) and goes to `Claimed` when a resident
/// takes it up (they become its requester), or to `Cancelled` or `Expired`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum State {
    /// Waiting for a volunteer.
    Open,
    /// A volunteer holds it.
    Claimed {
        /// The volunteer's user id.
        volunteer: String,
        /// Since when.
        at: DateTime<Utc>,
    },
    /// The volunteer did it.
    Done {
        /// The volunteer's user id.
        volunteer: String,
        /// When it was closed.
        at: DateTime<Utc>,
    },
    /// The requester or a coordinator cancelled it.
    Cancelled {
        /// Who cancelled.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Nobody took it in time.
    Expired,
    /// A volunteer's offer, posted in neighbourhood rooms, that nobody has taken up yet.
    Offered,
}

impl State {
    /// Open, offered or claimed: still under way.
    pub fn is_active(&self) -> bool {
        matches!(self, State::Open | State::Offered | State::Claimed { .. })
    }

    /// The volunteer holding the request, if it is claimed.
    pub fn holder(&self) -> Option<&str> {
        match self {
            State::Claimed { volunteer, .. } => Some(volunteer),
            _ => None,
        }
    }
}

/// What the bot is told when a request is posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// The Matrix id of the person who asked; never relayed to volunteers.
    pub requester: String,
    /// The room it was asked in, where the requester is told of progress.
    pub origin_room: String,
    /// The neighbourhood's name, when asked in a neighbourhood room.
    pub neighbourhood: Option<String>,
    /// The free text.
    pub text: String,
    /// What the bot understood of it.
    pub reading: Reading,
    /// The requester's language.
    pub lang: Lang,
}

/// A request for help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Its short, stable number.
    pub number: u64,
    /// The Matrix id of the person who asked.
    pub requester: String,
    /// The room it was asked in.
    pub origin_room: String,
    /// The neighbourhood's name.
    pub neighbourhood: Option<String>,
    /// The free text.
    pub text: String,
    /// What the bot understood of it.
    pub reading: Reading,
    /// The requester's language.
    pub lang: Lang,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// Where it stands.
    pub state: State,
    /// Its relay message in the volunteers room.
    pub relay_event: Option<String>,
    /// The private room of the current claim.
    pub private_room: Option<String>,
    /// The reminders already sent in the current phase (open, or claimed).
    #[serde(default)]
    pub follow_up: FollowUp,
    /// For a volunteer's offer: where it is posted (its messages in neighbourhood
    /// rooms). Empty for a request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post>,
    /// For a request that repeats (a coordinator's "chaque mardi"): its rhythm and where
    /// the series stands. `None` for a one-off request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Series>,
}

/// Where a repeating request's series stands, as seen from one occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// How often it repeats.
    pub every: Repeat,
    /// The number of the next occurrence, once it is made; `None` while this one is the
    /// latest.
    pub next: Option<u64>,
    /// When a coordinator stopped the series (recorded on its latest occurrence).
    pub stopped: Option<DateTime<Utc>>,
}

/// Where an offer is posted: a neighbourhood room, and its message there once sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// The room id.
    pub room: String,
    /// The offer's message there; `None` until it is sent.
    pub event: Option<String>,
}

impl Request {
    /// Whether it is the latest occurrence of a series that goes on: the next one is
    /// still to be made.
    pub fn repeats_on(&self) -> bool {
        self.repeat.as_ref().is_some_and(|series| series.next.is_none() && series.stopped.is_none())
    }

    /// Whether it began as a volunteer's offer.
    pub fn is_offer(&self) -> bool {
        !self.posts.is_empty()
    }

    /// When its current phase began: posted or given back (open), or claimed.
    pub fn phase_start(&self) -> DateTime<Utc> {
        match (self.follow_up.since, &self.state) {
            (Some(since), _) => since,
            // Written before phases were recorded.
            (None, State::Claimed { at, .. }) => *at,
            (None, _) => self.created_at,
        }
    }
}

/// What was done about a request that waits: each reminder fires once per phase (a
/// release starts a new open phase, a claim a claimed one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// When the current phase began; `None`: when the request was posted.
    pub since: Option<DateTime<Utc>>,
    /// The steps already taken in this phase.
    pub done: Vec<Step>,
}

/// A step the bot takes by itself when a request waits too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// An open request is brought back to the volunteers' attention.
    Remind,
    /// The coordinators are told that nobody took an open request.
    Escalate,
    /// An open request whose time has passed, or that waited too long, expires.
    Expire,
    /// The volunteer holding a request is gently asked how it goes.
    Nudge,
    /// The coordinators are told that a claimed request is not closed.
    EscalateClaim,
}

/// A step in a request's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Posted.
    Created,
    /// Relayed to the volunteers room.
    Relayed,
    /// Claimed by a volunteer.
    Claimed,
    /// Its private room was created.
    PrivateRoomCreated,
    /// Given back by the volunteer (or on their ban).
    Released,
    /// Done.
    Done,
    /// Cancelled.
    Cancelled,
    /// Expired.
    Expired,
    /// Brought back to the volunteers' attention.
    Reminded,
    /// The coordinators were told that nobody took it.
    Escalated,
    /// The volunteer holding it was asked how it goes.
    Nudged,
    /// The coordinators were told that it is held and not closed.
    EscalatedClaim,
    /// Someone's data was erased at their request (GDPR Art. 17), by them or by the
    /// coordinator who is the actor; about no request (number 0), and naming no one else.
    Erased,
    /// The person who asked said how it went (the note: 👍, 👎 or their word).
    Feedback,
    /// A volunteer offered help (the actor), before anyone asked.
    Offered,
    /// A resident (the actor) took up a volunteer's offer, which became their request.
    OfferTaken,
}

/// What a coordinator did, for the audit of the coordinators' actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Vetted a volunteer.
    Vet,
    /// Took a volunteer off the vetted ones, without a ban.
    Unvet,
    /// Banned someone.
    Ban,
    /// Lifted a ban.
    Unban,
    /// Erased someone's data at their request (the target is not kept).
    Erase,
    /// Gave an open request to a volunteer of their choice.
    Assign,
    /// Stopped someone's requests.
    Block,
    /// Let someone's requests through again.
    Unblock,
    /// Vetted a volunteer who had not accepted the charter (recorded with the vetting).
    Override,
}

/// The optional profile a person was asked for, and what they declared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProfileRecord {
    /// When the bot asked them (once).
    pub asked_at: Option<DateTime<Utc>>,
    /// What they declared (nothing if they did not answer or erased it).
    pub profile: Profile,
    /// When they last answered.
    pub answered_at: Option<DateTime<Utc>>,
}

/// One line of the audit of the coordinators' actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// Who did it (a coordinator's Matrix id, or a pseudonym once forgotten).
    pub actor: String,
    /// What they did.
    pub action: AuditAction,
    /// To whom, if it is kept.
    pub target: Option<String>,
    /// Why, as they wrote it.
    pub reason: Option<String>,
    /// The request it was about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<u64>,
}

/// One line of the outcome log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// The request.
    pub number: u64,
    /// Who did it (a Matrix id, or `bot`).
    pub actor: String,
    /// What happened.
    pub outcome: Outcome,
    /// The volunteer's note, for `Done`.
    pub note: Option<String>,
}

/// What the bot knows of a person.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Person {
    /// Their standing as a volunteer.
    pub status: VolunteerStatus,
    /// The coordinator who last changed it.
    pub changed_by: Option<String>,
    /// When.
    pub changed_at: Option<DateTime<Utc>>,
    /// Why (a ban's reason, the vetting's note).
    pub reason: Option<String>,
    /// Whether their requests are refused (spam, abuse), whatever their volunteer
    /// status; who blocked them is in the audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Block>,
    /// The volunteer's charter as they last accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charter: Option<Signature>,
    /// A break the volunteer takes: not mentioned in relays while it lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
    /// The neighbourhoods the volunteer prefers, by their names in the configuration:
    /// relays of their requests mention them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
}

impl Person {
    /// Whether a pause keeps them away at `now` (a pause with an end is over from then).
    pub fn is_paused(&self, now: DateTime<Utc>) -> bool {
        self.pause.as_ref().is_some_and(|pause| pause.until.is_none_or(|until| now < until))
    }
}

/// An acceptance of the volunteer's charter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// Which text: a hash of it, so that a new text asks for a new acceptance.
    pub version: String,
}

/// A volunteer's break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// Since when, in UTC.
    pub since: DateTime<Utc>,
    /// When it ends by itself; `None`: when they say they are back.
    pub until: Option<DateTime<Utc>>,
}

/// A block on a person's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Since when, in UTC.
    pub at: DateTime<Utc>,
    /// Why, as the coordinator wrote it.
    pub reason: Option<String>,
}

/// What a room is to the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RoomKind {
    /// A neighbourhood room, with its name.
    Neighbourhood {
        /// The neighbourhood's name.
        name: String,
    },
    /// A direct chat with one person.
    Direct {
        /// That person.
        user: String,
    },
    /// The vetted volunteers' room.
    Volunteers,
    /// The coordinators' room.
    Coordination,
    /// The private room of a request.
    Private {
        /// The request.
        request: u64,
    },
}

/// Something a transition owes the world on Matrix, recorded in the same transaction as
/// the transition and removed once carried out. Carried out in order with the other
/// effects of the same request and lane, concurrently with all others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    /// The request it is about (0 for none).
    pub request: u64,
    /// Effects of a request in the same lane run one after the other: the lane is the
    /// room acted on (a room id, or `private` for the claim's private room).
    pub lane: String,
    /// Urgent effects (confirmations, relays, the private room) go before the others
    /// when the homeserver limits the bot's rate.
    pub urgent: bool,
    /// What to do.
    pub action: Action,
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

/// A message a notice answers, and what a reply's fallback quotes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Its event id.
    pub event: String,
    /// Its author.
    pub sender: String,
    /// The quoted text.
    pub quote: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_break_with_an_end_is_over_by_itself_then() {
        let at = |hour: i64| {
            DateTime::from_timestamp(1_800_000_000 + hour * 3600, 0).unwrap_or_default()
        };
        let mut person = Person::default();
        assert!(!person.is_paused(at(0)), "no break");
        person.pause = Some(Pause { since: at(0), until: Some(at(48)) });
        assert!(person.is_paused(at(1)));
        assert!(person.is_paused(at(47)));
        assert!(!person.is_paused(at(48)), "back by themselves at the date");
        assert!(!person.is_paused(at(100)));
        person.pause = Some(Pause { since: at(0), until: None });
        assert!(person.is_paused(at(10_000)), "until they say they are back");
    }

    #[test]
    fn numeric_keys_print_the_number_even_when_they_look_like_text() {
        let key = 0x3131_3131_3131_3131_u64.to_be_bytes();
        assert_eq!(&key, b"11111111");
        assert_eq!(REQUESTS.key_text(&key), "3544668469065756977");
        assert_eq!(LOG.key_text(&key), "3544668469065756977");
        assert_eq!(REQUESTS.key_text(&7_u64.to_be_bytes()), "7");
        assert_eq!(REQUESTS.key_text(b"abc"), "\"abc\" (not an 8-byte number)");
    }

    #[test]
    fn text_keys_print_the_text_even_when_they_are_8_bytes() {
        for tree in [PEOPLE, ROOMS, HANDLED, RELAYS, JOINED, SPARES, INFORMED, META] {
            assert_eq!(tree.key_text(b"11111111"), "11111111", "{}", tree.name);
            // Valid UTF-8 (if unlikely): printed as it is.
            assert_eq!(tree.key_text(&7_u64.to_be_bytes()), "\0\0\0\0\0\0\0\u{7}", "{}", tree.name);
            assert_eq!(tree.key_text("@zoé:x".as_bytes()), "@zoé:x", "{}", tree.name);
        }
        assert_eq!(PEOPLE.key_text(b"@\xffx"), "\"@\\xffx\" (not UTF-8)");
    }
}
