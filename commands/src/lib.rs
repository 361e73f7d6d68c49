//! The pure heart of entraide: everything that can be decided without the network, the
//! disk or the clock (time comes in as an argument).
//!
//! # Layout
//!
//! - [`parse`]: a message body → a [`Command`] or a [`ParseError`] that says what was wrong.
//! - [`reading`]: a request's free text → category, time and on-behalf ([`Reading`]).
//! - [`rules`]: who may use which command, in which kind of room.
//! - [`catalogue`]: every user-visible message, in French and English.

pub mod catalogue;
pub mod parse;
pub mod reading;
pub mod rules;

pub use catalogue::Message;
pub use parse::{Command, CommandKind, ParseError, Parsed, parse};
pub use reading::{Category, DayPart, Reading, Relation, When, fold, read_request};
pub use rules::{Place, Refusal, Roles, VolunteerStatus};

/// A language the bot speaks. French comes first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Both languages, French first.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// Reads a configuration value such as `"fr"` or `"en"`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" | "fr-fr" | "francais" | "français" => Some(Lang::Fr),
            "en" | "en-gb" | "en-us" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}
