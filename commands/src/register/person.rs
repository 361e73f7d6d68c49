//! Whether two entries are the same person, and how they merge: a spreadsheet that lists
//! someone twice, or a person the register already holds.

use super::{Born, Particulars, phone};
use crate::fold::fold;

/// Civilities, dropped from a name before it is compared. Folded.
const CIVILITIES: &[&str] = &[
    "m",
    "mr",
    "mme",
    "mrs",
    "ms",
    "miss",
    "mlle",
    "madame",
    "monsieur",
    "mademoiselle",
    "dr",
    "docteur",
    "doctor",
    "pr",
    "sir",
    "dame",
    "veuve",
    "vve",
    "epouse",
    "ep",
    "nee",
];

/// A name as compared: folded, its words without civilities, in order, so that "Mme
/// LEFÈVRE Jeanne" and "Jeanne Lefèvre" agree.
pub fn name_key(name: &str) -> String {
    let folded = fold(name);
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && !CIVILITIES.contains(word))
        .collect();
    words.sort_unstable();
    words.join(" ")
}

/// Whether two births can be the same: equal dates, or years that agree.
fn same_birth(one: Born, other: Born) -> bool {
    match (one, other) {
        (Born::Date(one), Born::Date(other)) => one == other,
        _ => {
            let (one, other) = (one.birth_years(), other.birth_years());
            one.start() <= other.end() && other.start() <= one.end()
        }
    }
}

/// How precisely a birth is known: a date, then a year, then an age.
fn precision(born: Born) -> u8 {
    match born {
        Born::Date(_) => 2,
        Born::Year(_) => 1,
        Born::Age { .. } => 0,
    }
}

impl Particulars {
    /// Whether `other` is the same person: the same name (folded, civilities and word
    /// order aside) and either births that agree or a phone number in common.
    pub fn same_person(&self, other: &Particulars) -> bool {
        let key = name_key(&self.name);
        if key.is_empty() || key != name_key(&other.name) {
            return false;
        }
        if let (Some(one), Some(two)) = (self.born, other.born)
            && same_birth(one, two)
        {
            return true;
        }
        let keys: Vec<String> = self.phones.iter().map(|p| phone::key(p)).collect();
        other.phones.iter().any(|p| keys.contains(&phone::key(p)))
    }

    /// Takes what `other` knows and this entry does not: missing fields filled, a more
    /// precise birth, phone numbers added (each once), notes that differ appended. Who
    /// asked stays this entry's; the family is told if either says so.
    pub fn merge(&mut self, other: Particulars) {
        match (self.born, other.born) {
            (None, Some(born)) => self.born = Some(born),
            (Some(mine), Some(theirs))
                if precision(theirs) > precision(mine) && same_birth(mine, theirs) =>
            {
                self.born = Some(theirs);
            }
            _ => {}
        }
        fill(&mut self.address, other.address);
        fill(&mut self.area, other.area);
        fill(&mut self.services, other.services);
        fill(&mut self.doctor, other.doctor);
        for number in other.phones {
            let key = phone::key(&number);
            if !self.phones.iter().any(|p| phone::key(p) == key) {
                self.phones.push(number);
            }
        }
        match (&mut self.contact, other.contact) {
            (None, theirs) => self.contact = theirs,
            (Some(mine), Some(theirs)) => {
                if mine.name.is_empty() {
                    mine.name = theirs.name;
                }
                fill(&mut mine.phone, theirs.phone);
                fill(&mut mine.matrix, theirs.matrix);
            }
            (Some(_), None) => {}
        }
        match (&mut self.notes, other.notes) {
            (None, theirs) => self.notes = theirs,
            (Some(mine), Some(theirs)) if fold(mine) != fold(&theirs) => {
                mine.push_str(" / ");
                mine.push_str(&theirs);
            }
            _ => {}
        }
        self.family_told |= other.family_told;
    }
}

/// Fills a missing value.
fn fill<T>(mine: &mut Option<T>, theirs: Option<T>) {
    if mine.is_none() {
        *mine = theirs;
    }
}
