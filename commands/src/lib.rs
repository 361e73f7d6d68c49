//! The pure heart of entraide: everything that can be decided without the network, the
//! disk or the clock (time comes in as an argument).
//!
//! # Layout
//!
//! - `list.rs`: the one list of commands, `for_each_command!`: for each, its variant and
//!   arguments, its words and aliases, who may use it and where, whether it is a
//!   transition, its argument reader and the keys of its usage and help lines. A command
//!   word found there names its variant, and its file in the bot (`Take`:
//!   `bot/src/cmd/take.rs`). What follows is generated from it.
//! - [`command`]: what a person asks for, [`Command`] and [`CommandKind`]; a leaf that
//!   imports none of the modules below.
//! - [`table`]: the table of commands generated from the list ([`table::COMMANDS`]), the
//!   lookup of a word, and the help and usage lines; everything below derives from it.
//! - [`parse`](mod@parse): a message body → a [`Command`] or a [`ParseError`] that says what was wrong.
//! - [`args`]: the argument readers the list names, each shared by the commands whose
//!   arguments are alike.
//! - [`pills`](mod@pills): the people linked in a message's HTML body.
//! - [`fold`](mod@fold): text folding (lower case, no accents), shared by all that reads text.
//! - [`reading`]: a request's free text → category, time, on-behalf and repetition
//!   ([`Reading`], [`Repeat`]), one reader per file.
//! - [`register`]: the commune's alert register: what an entry holds
//!   ([`register::Particulars`]), the readers of a coordinator's sentence
//!   ([`register::read_entry`]), of a correction ([`register::read_field`],
//!   [`register::Particulars::set`]) and of a spreadsheet ([`register::read_csv`]), the
//!   merge of a person listed twice, the préfet's export ([`register::write_csv`]); one
//!   reader per file.
//! - [`period`]: the period a coordinator asks figures for.
//! - [`profile`]: the optional profile (age band, gender) declared for the figures.
//! - [`reply`]: a reply that says yes to a relay or an offer it answers.
//! - [`calls`]: a caller's calls written in plain words ("12 ok"), one per line.
//! - [`mask`](mod@mask): a request's free text with its contact details replaced by markers; its
//!   word lists in `mask/words.rs`.
//! - [`rules`]: who may use which command, in which kind of room.
//! - [`catalogue`]: every user-visible message, in French and English, from
//!   `locales/*.toml`, with a commune's overrides; the message names ([`Key`]) in
//!   `catalogue/key.rs`.

// First, so that every module below can use `for_each_command!`.
#[macro_use]
mod list;

pub mod args;
pub mod calls;
pub mod catalogue;
pub mod command;
pub mod fold;
pub mod mask;
pub mod parse;
pub mod period;
pub mod pills;
pub mod profile;
pub mod reading;
pub mod register;
pub mod reply;
pub mod rules;
pub mod table;

pub use args::MAX_REQUEST_CHARS;
pub use calls::{CallLine, calls_in_words};
pub use catalogue::{Catalogue, CatalogueError, Key, Message, render_markup};
pub use command::{
    AlertAsk, CallSaid, CampaignAsk, CampaignKind, Command, CommandKind, RegistryView,
    RequestFilter, Scope,
};
pub use fold::fold;
pub use mask::{Detail, Masked, mask};
pub use parse::{ParseError, Parsed, parse, strip_reply_fallback};
pub use period::{Period, Span, read_period};
pub use pills::{Pill, pills};
pub use profile::{AgeBand, Gender, Profile, ProfileAnswer, read_profile};
pub use reading::{
    Category, DayPart, Reading, Relation, Repeat, When, read_relation, read_repeat, read_request,
};
pub use reply::says_yes;
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

    /// Reads a configuration value such as `"fr"`, `"fr-FR"`, `"français"` or `"en"`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_lowercase().as_str() {
            "fr" | "fr-fr" | "fr_fr" | "francais" | "français" | "french" => Some(Lang::Fr),
            "en" | "en-gb" | "en-us" | "en_gb" | "en_us" | "english" | "anglais" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's code, as in configuration and locale files: `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}
