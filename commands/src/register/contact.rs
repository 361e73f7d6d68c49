//! The person to contact in an emergency: who, as written ("sa fille Claire", "voisin
//! M. Roy"), their phone and their Matrix id, from one piece of text.

use lazy_regex::{Lazy, Regex, lazy_regex};

use super::{
    Contact, phone,
    text::{is_blank, trim_piece},
};

/// A Matrix user id: `@localpart:server`, perhaps with a port.
static MATRIX_ID: Lazy<Regex> =
    lazy_regex!(r"@[A-Za-z0-9._=/+-]+:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?");

/// The Matrix ids in `text`, as byte ranges.
pub(super) fn matrix_ids(text: &str) -> Vec<std::ops::Range<usize>> {
    MATRIX_ID.find_iter(text).map(|found| found.range()).collect()
}

/// A Matrix id given as a value, if it is one.
pub(super) fn read_matrix(value: &str) -> Option<String> {
    let found = MATRIX_ID.find(value.trim())?;
    (found.as_str().len() == value.trim().len()).then(|| found.as_str().to_owned())
}

/// The contact a piece of text names: its first phone number and Matrix id, the rest is
/// who. `None` when blank or when nothing is left.
pub(super) fn read(text: &str) -> Option<Contact> {
    if is_blank(text) {
        return None;
    }
    // Most contacts are a name alone: no need to search for an id or a number.
    let mut cut: Vec<std::ops::Range<usize>> =
        if text.contains('@') { matrix_ids(text) } else { Vec::new() };
    let matrix = cut.first().map(|range| text[range.clone()].to_owned());
    let digits = text.bytes().any(|b| b.is_ascii_digit());
    let phones: Vec<phone::Found> = if digits { phone::find(text) } else { Vec::new() };
    let phones: Vec<phone::Found> = phones
        .into_iter()
        .filter(|found| !cut.iter().any(|c| c.start < found.whole.end && found.whole.start < c.end))
        .collect();
    let phone = phones.first().map(|found| found.number.clone());
    cut.extend(phones.into_iter().map(|found| found.whole));
    cut.sort_by_key(|range| range.start);
    let mut name = String::new();
    let mut at = 0;
    for range in cut {
        if range.start >= at {
            name.push_str(&text[at..range.start]);
            name.push(' ');
        }
        at = at.max(range.end);
    }
    name.push_str(&text[at..]);
    let name = trim_piece(&name);
    let name = if name.chars().any(char::is_alphanumeric) { name } else { String::new() };
    if name.is_empty() && phone.is_none() && matrix.is_none() {
        return None;
    }
    Some(Contact { name, phone, matrix })
}
