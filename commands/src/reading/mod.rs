//! Reads a request's free text: what kind of help ([`Category`]), when ([`When`]), for
//! whom ([`Relation`]) and how often ([`Repeat`]). French and English, with or without
//! accents.
//!
//! Everything works on prepared text (`crate::fold::prepare`: folded, lower case, no
//! accents; each run of white space one space) with whole-word regexes built once. The
//! current time comes in as an argument: nothing here reads the clock.
//!
//! One reader per file, each independent of the others: `category.rs`, `when.rs`,
//! `repeat.rs`, `relation.rs`.

mod category;
mod relation;
mod repeat;
mod when;

use chrono::DateTime;
use chrono_tz::Tz;

pub use self::{
    category::Category,
    relation::Relation,
    repeat::{Repeat, read_repeat},
    when::{DayPart, When},
};
pub(crate) use self::{relation::read as read_relation, when::month_number};
use crate::fold::prepare;

/// What the bot understood of a request's free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    /// What kind of help.
    pub category: Category,
    /// When.
    pub when: When,
    /// For whom, when it is not the person who asks.
    pub on_behalf: Option<Relation>,
}

/// Reads a request's free text. `now` is the current time in the community's time zone
/// (the caller passes it: this module never reads the clock).
pub fn read_request(text: &str, now: DateTime<Tz>) -> Reading {
    let text = prepare(text);
    Reading {
        category: category::read(&text),
        when: when::read(&text, now),
        on_behalf: relation::read(&text),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
