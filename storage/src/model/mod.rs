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
//! | `by_requester` | requester id, NUL, request number, `u64` | empty: the index of [`Request`]s by requester |
//! | `register` | entry number, `u64`                          | [`Registration`]                       |
//! | `campaigns` | campaign number, `u64`                      | [`Campaign`]                           |
//! | `checkins` | campaign number, `u64`, then entry number, `u64` | [`CheckIn`]                        |
//! | `meta`     | `schema_version`, `next_request_number`,     | raw `u64`                              |
//! |            | `next_entry_number`, `synced_at` (Unix ms)   |                                        |
//! |            | `charter_version`: the charter the volunteers| UTF-8 text                             |
//! |            | were last told of                            |                                        |
//!
//! # Stored types
//!
//! - In `requests`: [`Request`], and inside it [`State`], [`Reading`] (with [`Category`],
//!   [`When`], [`DayPart`] and [`Relation`]) and [`Lang`].
//! - In `log`: [`LogEntry`], and inside it [`Outcome`].
//! - In `people`: [`Person`], and inside it [`VolunteerStatus`], [`Block`], [`Signature`],
//!   [`Pause`] and [`Caller`].
//! - In `rooms`: [`RoomKind`].
//! - In `spares`: [`Spare`].
//! - In `campaigns`: [`Campaign`] and [`CampaignKind`]; in `checkins`: [`CheckIn`],
//!   [`CheckStatus`], [`Attempt`] and [`CallOutcome`].
//! - In `register`: [`Registration`], and inside it [`Enrolment`], [`Way`] and
//!   [`Particulars`] (with [`Born`], [`Contact`], [`AskedBy`], [`ThirdParty`] and [`Asker`]).
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
//! (requester, text, volunteer, who cancelled), `by_requester` (the requester, in the
//! key), `log` (actor, note), `people` (key, who changed it), `informed` (key), `rooms`
//! (a direct chat's person), `effects` (the person a reply answers, mentions,
//! removals, volunteers, message texts) and `register` (who entered an entry, the
//! emergency contact's account). A pseudonym (`anonyme` or
//! `anonyme-<hex>`) may stand where a user id stood: it never starts with `@`.
//!
//! [`SCHEMA_VERSION`]: crate::SCHEMA_VERSION
//! [`Store::open`]: crate::Store::open
//! [`Store::create_request`]: crate::Store::create_request

mod campaign;
mod effect;
mod log;
mod person;
mod register;
mod request;
mod room;

pub use entraide_commands::register::{AskedBy, Asker, Born, Contact, Particulars, ThirdParty};
pub use entraide_commands::{
    CampaignKind, Category, DayPart, Key, Lang, Message, Profile, Reading, Relation, Repeat,
    VolunteerStatus, When,
};

pub use self::{
    campaign::{Attempt, CallOutcome, Campaign, CheckIn, CheckStatus},
    effect::{Action, Effect, Lane, Membership, Quote, Root, Shape, Target},
    log::{AuditAction, AuditEntry, LogEntry, Outcome},
    person::{Block, Caller, Pause, Person, ProfileRecord, Signature},
    register::{ACKNOWLEDGE_WITHIN, Enrolment, NewEntry, REVIEW_EVERY, Registration, Way},
    request::{FollowUp, NewRequest, Post, Request, Series, State, Step},
    room::{RoomKind, Spare},
};

/// How a tree's keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyForm {
    /// A big-endian `u64`.
    Number,
    /// UTF-8 text (a Matrix id or a name).
    Text,
    /// UTF-8 text (a Matrix id or a pseudonym), a NUL byte and a big-endian `u64`.
    TextThenNumber,
    /// Two big-endian `u64`.
    TwoNumbers,
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
/// Requester id, NUL, request number → nothing: the index of each person's requests.
pub(crate) const BY_REQUESTER: TreeSpec =
    TreeSpec { name: "by_requester", keys: KeyForm::TextThenNumber };
/// Campaign number → [`Campaign`].
pub(crate) const CAMPAIGNS: TreeSpec = TreeSpec { name: "campaigns", keys: KeyForm::Number };
/// Campaign number and entry number, both big-endian → [`CheckIn`].
pub(crate) const CHECKINS: TreeSpec = TreeSpec { name: "checkins", keys: KeyForm::TwoNumbers };
/// Entry number → [`Registration`]: the alert register.
pub(crate) const REGISTER: TreeSpec = TreeSpec { name: "register", keys: KeyForm::Number };
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
            KeyForm::TwoNumbers => match (key.get(..8), key.get(8..)) {
                (Some(first), Some(second)) if key.len() == 16 => {
                    let number = |bytes: &[u8]| {
                        <[u8; 8]>::try_from(bytes).map(u64::from_be_bytes).unwrap_or_default()
                    };
                    format!("{} #{}", number(first), number(second))
                }
                _ => format!("\"{}\" (not two 8-byte numbers)", key.escape_ascii()),
            },
            KeyForm::TextThenNumber => {
                let parts = key.len().checked_sub(9).map(|at| key.split_at(at));
                let read = parts.and_then(|(text, rest)| match rest.split_first() {
                    Some((0, number)) => {
                        let number = u64::from_be_bytes(<[u8; 8]>::try_from(number).ok()?);
                        Some(format!("{} #{number}", std::str::from_utf8(text).ok()?))
                    }
                    _ => None,
                });
                read.unwrap_or_else(|| {
                    format!("\"{}\" (not an id, NUL and an 8-byte number)", key.escape_ascii())
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

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

    #[test]
    fn requester_index_keys_print_the_id_and_the_number() {
        let mut key = b"@zo\xc3\xa9:x\0".to_vec();
        key.extend_from_slice(&7_u64.to_be_bytes());
        assert_eq!(BY_REQUESTER.key_text(&key), "@zoé:x #7");
        assert_eq!(
            BY_REQUESTER.key_text(b"@a:x"),
            "\"@a:x\" (not an id, NUL and an 8-byte number)"
        );
    }
}
