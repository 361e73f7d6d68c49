//! A coordinator's sentence → an entry of the register: "Mme Lefèvre, 87 ans, 12 rue des
//! Lilas, 05 56 12 34 56, contact sa fille 06 11 22 33 44, demandé par sa fille".
//!
//! The sentence is cut into segments (commas, semicolons, lines). A segment that opens
//! with a label ("tél", "contact", "demandé par", "notes"…) is that field's value, read
//! by the field's reader (the same as a correction's, [`Particulars::set`]). Otherwise
//! phone numbers, Matrix ids, an age or a date of birth and an address are taken out of
//! it; what is left names the person if no segment did yet, and goes to the notes if one
//! did. Some segments continue the one before: a postcode and town an address, a phone
//! number a contact who has none, any unlabelled segment the notes.

use std::ops::Range;

use chrono::NaiveDate;
use lazy_regex::{Lazy, Regex, lazy_regex};

use super::{
    AskedBy, EntryError, Field, Particulars, asker, born, consent, contact, phone,
    text::{clean, optional, trim_piece},
};
use crate::mask::{Folded, address_ranges};

/// A label that opens a segment, one group per field. Folded text.
static LABEL: Lazy<Regex> = lazy_regex!(
    r"(?x)^(?:
      (?P<name>nom\ complet|nom\ et\ prenom|nom|name|full\ name|identite)
    | (?P<born>date\ de\ naissance|date\ of\ birth|naissance|ddn|dob|d\.o\.b|birth\ ?date|birthday|age)
    | (?P<address>adresse|address|addr|domicile|demeurant(?:\ au|\ a)?|habite(?:\ au|\ a)?|lives\ at|living\ at|home\ address)
    | (?P<area>quartier|secteur|area|neighbou?rhood|district|zone)
    | (?P<phones>tel(?:ephone)?s?(?:\ (?:fixe|portable|mobile|domicile|perso))?|portable|mobile|fixe|phones?(?:\ numbers?)?|mob|gsm|cell(?:phone)?|landline|home\ phone|mobile\ phone|numeros?(?:\ de\ tel(?:ephone)?)?)
    | (?P<contact>(?:personne|contact)\ a\ (?:prevenir|contacter|appeler)(?:\ en\ cas\ d'urgence)?|en\ cas\ d'urgence(?:\ prevenir|\ contacter|\ appeler)?|contacts?\ d'urgence|contact\ en\ cas\ d'urgence|contact\ urgence|contact|urgence|a\ prevenir|prevenir|emergency\ contact|in\ case\ of\ emergency(?:\ call|\ contact)?|emergency|next\ of\ kin|contact\ person)
    | (?P<doctor>(?:docteur|doctor)\s*:|medecin\ traitant|medecin\ generaliste|medecin\ referent|medecin|generaliste|family\ doctor|gp)
    | (?P<asked>demandee?\ par|a\ la\ demande|sur\ (?:la\ )?demande|inscrite?\ par|signalee?\ par|inscription\ demandee\ par|requested\ by|asked\ by|on\ behalf\ of|at\ the\ request\ of|referred\ by|registered\ by|demandeur|demandeuse|requester|asker)
    | (?P<services>services?|intervenants?|aides?\ en\ place|prises?\ en\ charge)
    | (?P<notes>notes?|remarques?|observations?|nb|n\.b|a\ savoir|commentaires?|comments?|infos?|informations?|particularites?)
    )(?:\.?\s*[:=]\s*|\.?\s+-\s+|\.?\s+|\.?$)"
);

/// The fields of [`LABEL`]'s groups.
const LABELLED: [(&str, Field); 10] = [
    ("name", Field::Name),
    ("born", Field::Born),
    ("address", Field::Address),
    ("area", Field::Area),
    ("phones", Field::Phones),
    ("contact", Field::Contact),
    ("doctor", Field::Doctor),
    ("asked", Field::AskedBy),
    ("services", Field::Services),
    ("notes", Field::Notes),
];

/// Services coming to the home, named without a label: the whole segment says them.
static SERVICES: Lazy<Regex> = lazy_regex!(
    r"^(?:(?:avec|a|a un|a une|has|have|with|receives|beneficie d[eu']?\s*)\s*)?(?:aides? a domicile|aide[- ]menagere|auxiliaire de vie|portage(?: de| des)? repas|repas a domicile|infirmiere?s?|passage infirmier|soins infirmiers|ssiad|saad|admr|kine(?:sitherapeute)?|teleassistance|tele-assistance|home help|home care|meals(?: on wheels)?|nurses?|district nurse|carers?|care workers?|aide[- ]soignante?)\b"
);

/// A doctor named without a label ("Dr Roux"), once the person is named.
static DOCTOR: Lazy<Regex> = lazy_regex!(r"^(?:dr|docteur|doctor)\.?\s+\S");

/// A registration the person asked for, said without a label ("à sa demande").
static OWN_REQUEST: Lazy<Regex> = lazy_regex!(
    r"^(?:inscrite? )?(?:a sa (?:propre )?demande|a la demande de l'interessee?|at (?:her|his|their) (?:own )?request|self-referred|demande personnelle)\b"
);

/// An English address in lower case ("3 church street"), which masking wants capitalised.
static ENGLISH_STREET: Lazy<Regex> = lazy_regex!(
    r"\b[0-9]{1,4}[a-z]?,? (?:[a-z][a-z'-]* ){1,3}(?:street|st|road|rd|avenue|ave|lane|ln|drive|close|way|crescent|terrace|grove|gardens|court|place|square|hill|row|mews|park|walk)\b"
);

/// A postcode, French ("33190 La Réole") or British ("SW1A 1AA"), which may open a
/// segment that continues an address.
static POSTCODE: Lazy<Regex> =
    lazy_regex!(r"\b(?:[0-9]{5} [a-z]|[a-z]{1,2}[0-9][a-z0-9]? ?[0-9][a-z]{2}\b)");

/// An English date cut by its comma ("April 3, 1938"): the segment that ends so.
static MONTH_DAY: Lazy<Regex> = lazy_regex!(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? [0-9]{1,2}(?:st|nd|rd|th)?$"
);

/// What the segment before was, for those that continue it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Other,
    Address,
    Contact,
    Notes,
}

/// An entry being read.
#[derive(Debug, Default)]
struct Reading {
    particulars: Particulars,
    services: Vec<String>,
    notes: Vec<String>,
}

/// Reads a coordinator's sentence, French or English, into an entry. `today` dates an age
/// ([`super::Born::Age`]) and rules out births after it.
pub fn read_entry(text: &str, today: NaiveDate) -> Result<Particulars, EntryError> {
    let mut reading = Reading::default();
    let mut last = Last::Other;
    for segment in segments(text) {
        last = reading.segment(&segment, last, today)?;
    }
    let Reading { mut particulars, services, notes } = reading;
    if !services.is_empty() {
        particulars.services = Some(services.join(", "));
    }
    if !notes.is_empty() {
        particulars.notes = Some(notes.join(", "));
    }
    if particulars.name.is_empty() {
        return Err(EntryError::NoName);
    }
    if particulars.phones.is_empty() && particulars.address.is_none() {
        return Err(EntryError::Unreachable);
    }
    Ok(particulars)
}

/// The sentence's segments, trimmed, none empty; "April 3, 1938" stays one.
fn segments(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in text.split([',', ';', '\n', '\r', '|']) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let year_follows =
            piece.as_bytes().get(..4).is_some_and(|start| start.iter().all(u8::is_ascii_digit));
        match out.last_mut() {
            Some(before) if year_follows && MONTH_DAY.is_match(&crate::fold::fold(before)) => {
                before.push_str(", ");
                before.push_str(piece);
            }
            _ => out.push(piece.to_owned()),
        }
    }
    out
}

impl Reading {
    /// Reads one segment; says what it was, for the next one.
    fn segment(&mut self, segment: &str, last: Last, today: NaiveDate) -> Result<Last, EntryError> {
        let folded = Folded::new(segment);
        if let Some(told) = consent::read_phrase(segment) {
            self.particulars.family_told = told;
            return Ok(Last::Other);
        }
        if let Some(caps) = LABEL.captures(&folded.text) {
            let field = LABELLED.iter().find_map(|(group, field)| caps.name(group).map(|_| *field));
            let label_end = caps.get(0).map_or(0, |label| label.end());
            let value_start = folded.original(0..label_end).map_or(0, |label| label.end);
            if let Some(field) = field {
                return self.labelled(field, &segment[value_start..], today);
            }
        }
        if last == Last::Notes {
            self.notes.push(clean(segment));
            return Ok(Last::Notes);
        }
        if OWN_REQUEST.is_match(&folded.text) {
            self.particulars.asked_by = AskedBy::Themself;
            return Ok(Last::Other);
        }
        if SERVICES.is_match(&folded.text) {
            self.services.push(clean(segment));
            return Ok(Last::Other);
        }
        if !self.particulars.name.is_empty() && DOCTOR.is_match(&folded.text) {
            self.particulars.doctor = Some(clean(segment));
            return Ok(Last::Other);
        }
        if last == Last::Contact && self.continues_contact(segment) {
            return Ok(Last::Contact);
        }
        self.unlabelled(segment, today)
    }

    /// A labelled segment's value, read by its field's reader.
    fn labelled(
        &mut self,
        field: Field,
        value: &str,
        today: NaiveDate,
    ) -> Result<Last, EntryError> {
        let p = &mut self.particulars;
        match field {
            Field::Name => {
                let name = trim_piece(value);
                if !name.is_empty() {
                    p.name = name;
                }
            }
            Field::Born => {
                if let Some(born) = born::read_value(value, today)? {
                    p.born = Some(born);
                }
            }
            Field::Address => {
                if let Some(address) = optional(value) {
                    self.add_address(&address);
                    return Ok(Last::Address);
                }
            }
            Field::Area => p.area = optional(value).or(p.area.take()),
            Field::Phones => self.add_phones(phone::read_list(value)),
            Field::Contact => {
                if let Some(contact) = contact::read(value) {
                    p.contact = Some(contact);
                    return Ok(Last::Contact);
                }
            }
            Field::Doctor => p.doctor = optional(value).or(p.doctor.take()),
            Field::AskedBy => p.asked_by = asker::read(value),
            Field::Services => self.services.extend(optional(value)),
            Field::Notes => {
                self.notes.extend(optional(value));
                return Ok(Last::Notes);
            }
            Field::FamilyTold => {
                p.family_told = consent::read_answer(value).unwrap_or(p.family_told);
            }
        }
        Ok(Last::Other)
    }

    /// Gives a segment that is only a phone number or a Matrix id to the contact before
    /// it, if the contact lacks one.
    fn continues_contact(&mut self, segment: &str) -> bool {
        let Some(contact) = self.particulars.contact.as_mut() else { return false };
        if let Some(id) = contact::read_matrix(segment) {
            if contact.matrix.is_none() {
                contact.matrix = Some(id);
                return true;
            }
            return false;
        }
        let found = phone::find(segment);
        match found.as_slice() {
            [only]
                if contact.phone.is_none()
                    && trim_piece(&cut(segment, std::slice::from_ref(&only.whole))).is_empty() =>
            {
                contact.phone = Some(only.number.clone());
                true
            }
            _ => false,
        }
    }

    /// A segment without a label: its phone numbers, Matrix ids, birth and address taken
    /// out, the rest the name (if none yet) or notes.
    fn unlabelled(&mut self, segment: &str, today: NaiveDate) -> Result<Last, EntryError> {
        let mut taken: Vec<(Range<usize>, Piece)> = Vec::new();
        for range in contact::matrix_ids(segment) {
            taken.push((range.clone(), Piece::Matrix(segment[range].to_owned())));
        }
        for found in phone::find(segment) {
            if !overlaps(&taken, &found.whole) {
                taken.push((found.whole, Piece::Phone(found.number)));
            }
        }
        let ranges: Vec<Range<usize>> = taken.iter().map(|(range, _)| range.clone()).collect();
        if let Some(found) = born::find(segment, today, &ranges) {
            // An age in a segment that says more, once the person is named, belongs to the
            // notes ("veuve depuis 2 ans").
            let mut with_born = ranges.clone();
            with_born.push(found.range.clone());
            let rest = trim_piece(&cut(segment, &with_born));
            if self.particulars.name.is_empty() || rest.is_empty() || address_start(&rest).is_some()
            {
                taken.push((found.range, Piece::Born(found.born?)));
            }
        }
        taken.sort_by_key(|(range, _)| range.start);
        // An address runs from where it starts to the next piece taken, or the end.
        let mut free: Vec<Range<usize>> = Vec::new();
        let mut at = 0;
        for (range, _) in &taken {
            if range.start > at {
                free.push(at..range.start);
            }
            at = at.max(range.end);
        }
        if at < segment.len() {
            free.push(at..segment.len());
        }
        let mut last = Last::Other;
        let mut leftovers: Vec<String> = Vec::new();
        for gap in free {
            let text = &segment[gap.clone()];
            match address_start(text) {
                Some(start) => {
                    leftovers.push(trim_piece(&text[..start]));
                    self.add_address(&trim_piece(&text[start..]));
                    last = Last::Address;
                }
                None => leftovers.push(trim_piece(text)),
            }
        }
        for (_, piece) in taken {
            match piece {
                Piece::Phone(number) => self.add_phones(vec![number]),
                Piece::Born(born) => self.particulars.born = Some(born),
                Piece::Matrix(id) => match self.particulars.contact.as_mut() {
                    Some(contact) if contact.matrix.is_none() => contact.matrix = Some(id),
                    _ => leftovers.push(id),
                },
            }
        }
        for leftover in leftovers.into_iter().filter(|l| l.chars().any(char::is_alphanumeric)) {
            if self.particulars.name.is_empty() && leftover.chars().any(char::is_alphabetic) {
                self.particulars.name = leftover;
            } else {
                self.notes.push(leftover);
            }
        }
        Ok(last)
    }

    /// Adds to the address: a second segment of it (postcode and town, a building).
    fn add_address(&mut self, address: &str) {
        if address.is_empty() {
            return;
        }
        match self.particulars.address.as_mut() {
            Some(known) => {
                known.push_str(", ");
                known.push_str(address);
            }
            None => self.particulars.address = Some(address.to_owned()),
        }
    }

    /// Adds phone numbers, each once.
    fn add_phones(&mut self, numbers: Vec<String>) {
        for number in numbers {
            let key = phone::key(&number);
            if !self.particulars.phones.iter().any(|known| phone::key(known) == key) {
                self.particulars.phones.push(number);
            }
        }
    }
}

/// What an unlabelled segment held besides its words.
#[derive(Debug)]
enum Piece {
    Phone(String),
    Born(super::Born),
    Matrix(String),
}

/// Whether `range` overlaps a piece already taken.
fn overlaps(taken: &[(Range<usize>, Piece)], range: &Range<usize>) -> bool {
    taken.iter().any(|(t, _)| t.start < range.end && range.start < t.end)
}

/// The text without the ranges, a space for each.
fn cut(text: &str, ranges: &[Range<usize>]) -> String {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|range| range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in sorted {
        if range.start > at {
            out.push_str(&text[at..range.start]);
        }
        out.push(' ');
        at = at.max(range.end);
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// Where an address starts in a piece of text: a street as masking finds it, an English
/// street in lower case, or a postcode.
fn address_start(text: &str) -> Option<usize> {
    let masked = address_ranges(text).first().map(|range| range.start);
    let folded = Folded::new(text);
    let english = ENGLISH_STREET.find(&folded.text).map(|m| m.range());
    let postcode = POSTCODE.find(&folded.text).map(|m| m.range());
    let unmasked = [english, postcode]
        .into_iter()
        .flatten()
        .filter_map(|range| folded.original(range).map(|r| r.start))
        .min();
    [masked, unmasked].into_iter().flatten().min()
}
