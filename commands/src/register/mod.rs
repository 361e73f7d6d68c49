//! The commune's alert register (Code de l'action sociale et des familles, L121-6-1 and
//! R121-2 to R121-12): what an entry holds ([`Particulars`]) and the readers that fill
//! one — a coordinator's sentence ([`read_entry`]), a correction of one field
//! ([`read_field`], [`Particulars::set`]), a commune's spreadsheet ([`read_csv`]) — and
//! the préfet's export ([`write_csv`]).
//!
//! Pure: time comes in as `today`, files as bytes.
//!
//! One reader per file, each value read by the same reader wherever it comes from (a
//! sentence, a correction, a spreadsheet's cell):
//!
//! - `entry.rs`: a coordinator's sentence → [`Particulars`] ([`read_entry`]).
//! - `field.rs`: a field's name → [`Field`] ([`read_field`]), one field corrected
//!   ([`Particulars::set`]).
//! - `csv.rs`: a commune's spreadsheet → [`Sheet`] ([`read_csv`]); its column names in
//!   `columns.rs`.
//! - `person.rs`: whether two entries are the same person, and their merge
//!   ([`Particulars::same_person`], [`Particulars::merge`]).
//! - `export.rs`: the register for the préfet ([`write_csv`]).
//! - The values: `born.rs` (an age or a date of birth), `phone.rs` (found where
//!   [`crate::mask()`] finds them), `contact.rs`, `asker.rs` (who asked, with
//!   [`crate::reading`]'s relation words), `consent.rs` (yes, no, "accord famille"),
//!   `text.rs` (what every value shares: blanks, trimming).
//! - `relative.rs`: who a resident asks a registration for ("pour ma mère …",
//!   [`read_relative`]).

mod asker;
mod born;
mod columns;
mod consent;
mod contact;
mod csv;
mod entry;
mod export;
mod field;
mod person;
mod phone;
mod relative;
mod text;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use self::{
    csv::{Refusal, Row, RowProblem, Sheet, SheetError, read_csv},
    entry::read_entry,
    export::{ExportRow, write_csv},
    field::read_field,
    person::name_key,
    relative::read_relative,
};

/// Why an entry, or a correction of one, was not taken. Each variant is one message to
/// the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum EntryError {
    /// No name: the first segment that is not a phone number, an age or an address names
    /// the person, and there was none (or the correction would clear the name).
    #[error("no name")]
    NoName,
    /// Neither a phone number nor an address: the callers could not reach the person.
    #[error("neither a phone number nor an address")]
    Unreachable,
    /// A date of birth (or year) after today.
    #[error("born after today")]
    BornInFuture,
    /// An age over 120 years, or a date of birth that makes one.
    #[error("older than 120 years")]
    TooOld,
    /// A date that does not exist, such as 31/02/1938.
    #[error("no such date")]
    NoSuchDate,
    /// A value this field cannot take: no phone number in it, no age nor date of birth,
    /// neither yes nor no.
    #[error("cannot read this value for {0:?}")]
    Unreadable(Field),
}

/// What the register holds about one person (R121-3, R121-6): never relayed to the
/// volunteers, only read by the coordinators and the callers they name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Particulars {
    /// Identity as written: civility, first and last names ("Mme Lefèvre").
    pub name: String,
    /// Date of birth or age.
    pub born: Option<Born>,
    /// Home address, as written.
    pub address: Option<String>,
    /// Neighbourhood, as the commune names it (for spreading the calls).
    pub area: Option<String>,
    /// Phone numbers, as written (spaces normalised).
    pub phones: Vec<String>,
    /// The person to contact in an emergency.
    pub contact: Option<Contact>,
    /// Services already coming to the home (home help, meals, nurse).
    pub services: Option<String>,
    /// The doctor, if given.
    pub doctor: Option<String>,
    /// Who asked for the registration.
    pub asked_by: AskedBy,
    /// Free notes for the callers ("hard of hearing: let it ring").
    pub notes: Option<String>,
    /// The person agreed that their emergency contact be told the outcome of each round.
    pub family_told: bool,
}

/// A date of birth, a year, or an age on the day it was given (so that it grows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Born {
    /// The date of birth.
    Date(NaiveDate),
    /// The year of birth.
    Year(i32),
    /// An age, as given on a day.
    Age {
        /// The age in years.
        years: u16,
        /// The day it was given.
        on: NaiveDate,
    },
}

impl Born {
    /// The age in whole years on `today` (for a year or an age, the lower bound).
    pub fn age_on(self, today: NaiveDate) -> Option<u16> {
        let years = match self {
            Born::Date(date) => {
                let mut years = today.year() - date.year();
                if (today.month(), today.day()) < (date.month(), date.day()) {
                    years -= 1;
                }
                years
            }
            Born::Year(year) => today.year() - year - 1,
            Born::Age { years, on } => {
                let mut grown = i32::from(years) + today.year() - on.year();
                if (today.month(), today.day()) < (on.month(), on.day()) {
                    grown -= 1;
                }
                grown.max(i32::from(years))
            }
        };
        u16::try_from(years).ok()
    }

    /// The years the person may have been born in: one for a date or a year, two for an
    /// age (before or after their birthday).
    pub fn birth_years(self) -> std::ops::RangeInclusive<i32> {
        match self {
            Born::Date(date) => date.year()..=date.year(),
            Born::Year(year) => year..=year,
            Born::Age { years, on } => {
                let latest = on.year() - i32::from(years);
                latest - 1..=latest
            }
        }
    }
}

/// The person to contact in an emergency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Who, as written ("sa fille Claire", "M. Dupont, voisin").
    pub name: String,
    /// Their phone number, as written.
    pub phone: Option<String>,
    /// Their Matrix id, when they have one: told the outcome of each round if the person
    /// agreed ([`Particulars::family_told`]).
    pub matrix: Option<String>,
}

/// Who asked for the registration (R121-4: the person, their legal representative, or a
/// third party: a relative, a neighbour, a carer, a doctor, a service).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AskedBy {
    /// The person themself (or their legal representative).
    #[default]
    Themself,
    /// Someone else: the registration is pending until the person was told and did not
    /// object (R121-6).
    ThirdParty(ThirdParty),
}

/// A third party who asked for someone's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdParty {
    /// What kind of third party.
    pub kind: Asker,
    /// As written ("sa fille", "le Dr Martin").
    pub words: String,
}

/// The kinds of third party the law names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Asker {
    /// A member of the family.
    Family,
    /// A neighbour or a friend.
    Neighbour,
    /// A carer or a home-help service.
    Carer,
    /// A doctor.
    Doctor,
    /// Someone else (a social worker, a service).
    Other,
}

/// A field of an entry, as a correction names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// [`Particulars::name`].
    Name,
    /// [`Particulars::born`].
    Born,
    /// [`Particulars::address`].
    Address,
    /// [`Particulars::area`].
    Area,
    /// [`Particulars::phones`].
    Phones,
    /// [`Particulars::contact`].
    Contact,
    /// [`Particulars::services`].
    Services,
    /// [`Particulars::doctor`].
    Doctor,
    /// [`Particulars::asked_by`].
    AskedBy,
    /// [`Particulars::notes`].
    Notes,
    /// [`Particulars::family_told`].
    FamilyTold,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
