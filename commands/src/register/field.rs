//! A correction of one field: its name, French or English ([`read_field`]), and its new
//! value read by the same reader as in a sentence ([`Particulars::set`]).

use chrono::NaiveDate;

use super::{
    EntryError, Field, Particulars, asker, born, consent, contact, phone,
    text::{is_blank, optional, trim_piece},
};
use crate::fold::prepare;

/// Names of the fields, folded, as a coordinator writes them after "!corriger 12".
const NAMES: &[(&str, Field)] = &[
    ("nom", Field::Name),
    ("noms", Field::Name),
    ("nom complet", Field::Name),
    ("prenom et nom", Field::Name),
    ("nom et prenom", Field::Name),
    ("identite", Field::Name),
    ("name", Field::Name),
    ("full name", Field::Name),
    ("age", Field::Born),
    ("naissance", Field::Born),
    ("date de naissance", Field::Born),
    ("annee de naissance", Field::Born),
    ("ne", Field::Born),
    ("nee", Field::Born),
    ("ne le", Field::Born),
    ("nee le", Field::Born),
    ("ne(e)", Field::Born),
    ("ddn", Field::Born),
    ("born", Field::Born),
    ("birth", Field::Born),
    ("birthday", Field::Born),
    ("birth date", Field::Born),
    ("birthdate", Field::Born),
    ("date of birth", Field::Born),
    ("dob", Field::Born),
    ("adresse", Field::Address),
    ("address", Field::Address),
    ("addr", Field::Address),
    ("domicile", Field::Address),
    ("quartier", Field::Area),
    ("secteur", Field::Area),
    ("zone", Field::Area),
    ("area", Field::Area),
    ("neighbourhood", Field::Area),
    ("neighborhood", Field::Area),
    ("district", Field::Area),
    ("tel", Field::Phones),
    ("tels", Field::Phones),
    ("telephone", Field::Phones),
    ("telephones", Field::Phones),
    ("portable", Field::Phones),
    ("mobile", Field::Phones),
    ("fixe", Field::Phones),
    ("numero", Field::Phones),
    ("numeros", Field::Phones),
    ("phone", Field::Phones),
    ("phones", Field::Phones),
    ("number", Field::Phones),
    ("numbers", Field::Phones),
    ("contact", Field::Contact),
    ("contacts", Field::Contact),
    ("urgence", Field::Contact),
    ("contact d'urgence", Field::Contact),
    ("contact urgence", Field::Contact),
    ("personne a prevenir", Field::Contact),
    ("prevenir", Field::Contact),
    ("emergency", Field::Contact),
    ("emergency contact", Field::Contact),
    ("next of kin", Field::Contact),
    ("service", Field::Services),
    ("services", Field::Services),
    ("aide", Field::Services),
    ("aides", Field::Services),
    ("intervenants", Field::Services),
    ("medecin", Field::Doctor),
    ("medecin traitant", Field::Doctor),
    ("docteur", Field::Doctor),
    ("dr", Field::Doctor),
    ("doctor", Field::Doctor),
    ("gp", Field::Doctor),
    ("demande", Field::AskedBy),
    ("demande par", Field::AskedBy),
    ("demandeur", Field::AskedBy),
    ("demandeuse", Field::AskedBy),
    ("a la demande de", Field::AskedBy),
    ("asker", Field::AskedBy),
    ("asked", Field::AskedBy),
    ("asked by", Field::AskedBy),
    ("requested by", Field::AskedBy),
    ("requester", Field::AskedBy),
    ("on behalf of", Field::AskedBy),
    ("note", Field::Notes),
    ("notes", Field::Notes),
    ("remarque", Field::Notes),
    ("remarques", Field::Notes),
    ("observation", Field::Notes),
    ("observations", Field::Notes),
    ("commentaire", Field::Notes),
    ("commentaires", Field::Notes),
    ("comment", Field::Notes),
    ("comments", Field::Notes),
    ("famille", Field::FamilyTold),
    ("accord", Field::FamilyTold),
    ("accord famille", Field::FamilyTold),
    ("accord de la famille", Field::FamilyTold),
    ("prevenir la famille", Field::FamilyTold),
    ("consentement", Field::FamilyTold),
    ("consent", Field::FamilyTold),
    ("family", Field::FamilyTold),
    ("family told", Field::FamilyTold),
    ("tell family", Field::FamilyTold),
];

/// Words before a field's name that say nothing of it: "le téléphone", "her address".
const ARTICLES: &[&str] =
    &["le", "la", "les", "l'", "son", "sa", "ses", "the", "her", "his", "their"];

/// The field a word names ("tél", "Téléphone", "date de naissance", "asked by"), French or
/// English, with or without accents; `None` for any other word.
pub fn read_field(word: &str) -> Option<Field> {
    let prepared = prepare(word);
    let mut name = prepared.trim_matches(|c: char| c.is_whitespace() || ":.=!?".contains(c));
    for article in ARTICLES {
        if let Some(rest) = name.strip_prefix(article)
            && (article.ends_with('\'') || rest.starts_with(' '))
        {
            name = rest.trim_start();
            break;
        }
    }
    let find = |name: &str| NAMES.iter().find(|(words, _)| *words == name).map(|(_, field)| *field);
    find(name).or_else(|| name.strip_suffix('s').and_then(find))
}

impl Particulars {
    /// Sets one field from a correction's value, read as [`super::read_entry`] reads it. A
    /// blank value ("", "aucun", "none") clears an optional field; the name cannot be
    /// cleared, nor both the phones and the address. New phone numbers replace the old
    /// ones. On an error the entry is unchanged.
    pub fn set(&mut self, field: Field, value: &str, today: NaiveDate) -> Result<(), EntryError> {
        let unreadable = EntryError::Unreadable(field);
        match field {
            Field::Name => {
                let name = trim_piece(value);
                if is_blank(&name) || !name.chars().any(char::is_alphabetic) {
                    return Err(EntryError::NoName);
                }
                self.name = name;
            }
            Field::Born => self.born = born::read_value(value, today)?,
            Field::Address => {
                let address = optional(value);
                if address.is_none() && self.phones.is_empty() {
                    return Err(EntryError::Unreachable);
                }
                self.address = address;
            }
            Field::Area => self.area = optional(value),
            Field::Phones => {
                let phones = phone::read_list(value);
                if phones.is_empty() && !is_blank(value) {
                    return Err(unreadable);
                }
                if phones.is_empty() && self.address.is_none() {
                    return Err(EntryError::Unreachable);
                }
                self.phones = phones;
            }
            Field::Contact => {
                let contact = contact::read(value);
                if contact.is_none() && !is_blank(value) {
                    return Err(unreadable);
                }
                self.contact = contact;
            }
            Field::Services => self.services = optional(value),
            Field::Doctor => self.doctor = optional(value),
            Field::AskedBy => self.asked_by = asker::read(value),
            Field::Notes => self.notes = optional(value),
            Field::FamilyTold => {
                self.family_told = consent::read_answer(value).ok_or(unreadable)?
            }
        }
        Ok(())
    }
}
