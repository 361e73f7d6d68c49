//! What a person asks for: a [`Command`] with its arguments, and its [`CommandKind`],
//! both generated from the list of commands (`list.rs`).
//!
//! A leaf: it names the commands and imports none of the modules that read them
//! ([`crate::parse`](mod@crate::parse), [`crate::args`]) or describe them ([`crate::table`]).

use ruma_common::OwnedUserId;

use crate::{period::Span, profile::ProfileAnswer};

/// Generates [`CommandKind`], [`Command`] and [`Command::kind`] from the list.
macro_rules! define_commands {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident $({ $( $(#[doc = $field_doc:literal])* $field:ident : $type:ty ),* $(,)? })? => {
            words: $fr:literal / $en:literal,
            aliases: [$($alias:literal $alias_lang:ident),* $(,)?],
            who: $who:ident,
            rooms: $rooms:tt,
            transition: $transition:literal,
            $reading:ident: $reader:ident,
            texts: $usage:ident / $help:ident $(,)?
        }
    )*) => {
        /// A command without its arguments.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CommandKind {
            $(
                #[doc = concat!("`!", $fr, "` / `!", $en, "`" $(, ", `!", $alias, "`")*)]
                $kind,
            )*
        }

        /// A command a person typed.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Command {
            $(
                $(#[doc = $doc])*
                $kind $({ $( $(#[doc = $field_doc])* $field: $type, )* })?,
            )*
        }

        impl Command {
            /// Which command this is, without its arguments.
            pub fn kind(&self) -> CommandKind {
                match self {
                    $(Command::$kind { .. } => CommandKind::$kind,)*
                }
            }
        }
    };
}

for_each_command!(define_commands);

/// What `!registre` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegistryView {
    /// How many are on it, pending, and acknowledgements due.
    #[default]
    Summary,
    /// One entry, whole.
    Entry(u64),
    /// The whole register as a CSV file, for the préfet (R121-8).
    Export,
}

/// What a check-in campaign is for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignKind {
    /// A heat wave (the ORSEC heat plan).
    Heatwave,
    /// A cold spell (the cold-wave plan, November to March).
    Cold,
    /// The calm days' round: everyone called regularly.
    Routine,
    /// Another crisis, by the name the coordinator gave it (a lockdown, a flood).
    Named(String),
}

/// Which active register entries a campaign calls: all of them by default, or those of
/// an age and over, or of one neighbourhood (a mayor's routine round over the elders).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    /// Only people of this age and over (and those whose age the register does not
    /// know: better called once too often than missed).
    pub min_age: Option<u16>,
    /// Only people of this neighbourhood, as written (compared without accents or case).
    pub area: Option<String>,
}

impl Scope {
    /// Whether it is everyone.
    pub fn is_everyone(&self) -> bool {
        self.min_age.is_none() && self.area.is_none()
    }

    /// Whether `person` is in it, on `today`.
    pub fn takes(&self, person: &crate::register::Particulars, today: chrono::NaiveDate) -> bool {
        let old_enough = match (self.min_age, person.born.and_then(|born| born.age_on(today))) {
            (Some(min), Some(age)) => age >= min,
            _ => true,
        };
        let here = match (&self.area, &person.area) {
            (Some(wanted), Some(area)) => crate::fold::fold(wanted) == crate::fold::fold(area),
            (Some(_), None) => false,
            (None, _) => true,
        };
        old_enough && here
    }
}

/// What a coordinator asks with `!campagne`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignAsk {
    /// The board: where the running campaign stands.
    Board,
    /// Start one, over the part of the register `Scope` says.
    Start(CampaignKind, Scope),
    /// End the running one, with its report.
    End,
    /// The report of a campaign: the one numbered, else the running one so far, else
    /// the last one.
    Report(Option<u64>),
}

/// How a caller says a call went (`!appel`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallSaid {
    /// Reached, all well.
    Reached,
    /// No answer.
    NoAnswer,
    /// Reached, and needs this.
    NeedsHelp(String),
    /// Someone must go to the door.
    Visit,
}

/// What a resident asks with `!alerte`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertAsk {
    /// To be on the register (for themself or a relative): what they wrote.
    SignUp(String),
    /// To come off it: the entries they asked for.
    Leave,
    /// To stay on it (the yearly question's answer): the entries they asked for.
    Stay,
}

/// Which requests `!demandes` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestFilter {
    /// Open and claimed: what is under way.
    #[default]
    Active,
    /// Open only: nobody has taken them yet.
    Open,
    /// Claimed only: a volunteer holds them.
    Claimed,
    /// Every request, closed ones too (the latest).
    All,
}
