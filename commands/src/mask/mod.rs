//! Masks contact details in a request's free text before it is relayed to the volunteers'
//! room: phone numbers, e-mail addresses, street addresses (and building, staircase, flat,
//! floor), door codes and names after a civility. Each is replaced by a neutral marker
//! such as `[téléphone]`, so the rest of the request stays readable: "courses pour ma
//! mère demain matin, elle habite \[adresse\], appeler \[téléphone\]".
//!
//! Detection works on a folded copy of the text (lower case, no accents, as
//! [`crate::fold`](mod@crate::fold) does) that remembers where each of its bytes came from, so matches are
//! case- and accent-insensitive and the original text keeps its case and accents outside
//! the markers. Where case helps (a name is capitalised, a street name after "place" or
//! "chemin" too), the original text is looked at.
//!
//! The rule is to mask too much rather than too little: a false positive costs a volunteer
//! one question in the private room, a leak cannot be taken back.

mod folded;
mod words;

use std::{collections::BTreeSet, ops::Range};

use lazy_regex::{Lazy, Regex, lazy_regex};

pub(crate) use self::folded::Folded;
use self::words::{MONTHS, SURE_STREET_TYPES, is_name_word, is_particle, is_stop};
use crate::Lang;

/// A kind of contact detail that [`mask()`] hides.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// A phone number, French or international.
    Phone,
    /// An e-mail address.
    Email,
    /// A street address, a place name, a building, staircase, flat or floor.
    Address,
    /// A door, gate or entry-phone code.
    Code,
    /// A name after a civility ("Mme", "Monsieur", "Dr"…); the civility is kept.
    Name,
}

impl Detail {
    /// Every kind, in the order overlapping matches are settled: when two matches overlap,
    /// the merged span takes the kind that comes first.
    pub const ALL: [Detail; 5] =
        [Detail::Email, Detail::Phone, Detail::Code, Detail::Address, Detail::Name];

    /// The marker that stands for a masked detail, such as `[téléphone]`.
    ///
    /// Markers are fixed here rather than read from the catalogue: [`mask()`] must know
    /// them to stay idempotent (a marker contains nothing that looks like a detail).
    pub fn marker(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Detail::Phone, Lang::Fr) => "[téléphone]",
            (Detail::Phone, Lang::En) => "[phone]",
            (Detail::Email, _) => "[e-mail]",
            (Detail::Address, Lang::Fr) => "[adresse]",
            (Detail::Address, Lang::En) => "[address]",
            (Detail::Code, _) => "[code]",
            (Detail::Name, Lang::Fr) => "[nom]",
            (Detail::Name, Lang::En) => "[name]",
        }
    }
}

/// A request's text with its contact details masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The text, each detail replaced by its [`Detail::marker`].
    pub text: String,
    /// The kinds of detail that were masked, if any.
    pub details: BTreeSet<Detail>,
}

/// How many times at most [`mask()`] looks again at what it masked.
const MAX_PASSES: usize = 8;

/// Replaces the contact details of `text` by markers in `lang` (see [`Detail::marker`]).
/// White space, case and accents outside the markers are kept as they were. Masking a
/// masked text changes nothing.
pub fn mask(text: &str, lang: Lang) -> Masked {
    let mut masked = mask_once(text, lang);
    // One pass can hide the context that spared a detail: in "a.b@c.fr12/0306060033" the
    // digits read as a date after "12/" until the e-mail address is a marker. Looking
    // again until nothing changes masks them too (too much rather than too little), and
    // is what makes masking twice change nothing. A marker holds nothing to find, so each
    // pass that changes the text hides more of it: two or three passes are the most seen.
    for _ in 1..MAX_PASSES {
        let again = mask_once(&masked.text, lang);
        if again.text == masked.text {
            break;
        }
        masked.text = again.text;
        masked.details.extend(again.details);
    }
    masked
}

/// One pass of [`mask()`] over `text`.
fn mask_once(text: &str, lang: Lang) -> Masked {
    let folded = Folded::new(text);
    let mut spans = Vec::new();
    emails(&folded, &mut spans);
    phones(&folded, &mut spans);
    codes(&folded, &mut spans);
    addresses(&folded, &mut spans);
    names(&folded, &mut spans);
    let spans = merge(spans);

    let mut out = String::with_capacity(text.len());
    let mut details = BTreeSet::new();
    let mut copied = 0;
    for (range, detail) in spans {
        let Some(original) = folded.original(range) else { continue };
        out.push_str(&text[copied..original.start]);
        out.push_str(detail.marker(lang));
        copied = original.end;
        details.insert(detail);
    }
    out.push_str(&text[copied..]);
    Masked { text: out, details }
}

/// The phone numbers in `text`, as byte ranges of it, in order: what [`mask()`] would hide
/// as [`Detail::Phone`]. For the alert register's readers, which keep what masking hides.
pub(crate) fn phone_ranges(text: &str) -> Vec<Range<usize>> {
    let folded = Folded::new(text);
    let mut spans = Vec::new();
    phones(&folded, &mut spans);
    spans.into_iter().filter_map(|(range, _)| folded.original(range)).collect()
}

/// The street addresses, buildings, flats and floors in `text`, as byte ranges of it, in
/// order: what [`mask()`] would hide as [`Detail::Address`].
pub(crate) fn address_ranges(text: &str) -> Vec<Range<usize>> {
    let folded = Folded::new(text);
    let mut spans = Vec::new();
    addresses(&folded, &mut spans);
    merge(spans).into_iter().filter_map(|(range, _)| folded.original(range)).collect()
}

/// Sorts the spans and merges those that overlap, keeping the kind that comes first in
/// [`Detail::ALL`].
fn merge(mut spans: Vec<(Range<usize>, Detail)>) -> Vec<(Range<usize>, Detail)> {
    let rank = |d: Detail| Detail::ALL.iter().position(|&k| k == d).unwrap_or(usize::MAX);
    spans.sort_by_key(|(range, _)| (range.start, range.end));
    let mut merged: Vec<(Range<usize>, Detail)> = Vec::with_capacity(spans.len());
    for (range, detail) in spans {
        match merged.last_mut() {
            Some((last, kind)) if range.start < last.end => {
                last.end = last.end.max(range.end);
                if rank(detail) < rank(*kind) {
                    *kind = detail;
                }
            }
            _ => merged.push((range, detail)),
        }
    }
    merged
}

// ---------------------------------------------------------------------------------------
// E-mail

/// An e-mail address; folded text is lower case.
static EMAIL: Lazy<Regex> = lazy_regex!(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+");

fn emails(f: &Folded<'_>, spans: &mut Vec<(Range<usize>, Detail)>) {
    spans.extend(EMAIL.find_iter(&f.text).map(|m| (m.range(), Detail::Email)));
}

// ---------------------------------------------------------------------------------------
// Phone

/// Digits in groups separated by one space, dot or hyphen (or French "(0)"), with an
/// optional "+". Which of these are phone numbers is decided by [`is_phone`].
static DIGIT_GROUPS: Lazy<Regex> = lazy_regex!(r"(?:\+ ?)?\b[0-9]+(?:(?: ?\(0\) ?|[ .-])[0-9]+)*");

/// A run of digits inside a [`DIGIT_GROUPS`] match.
static DIGITS: Lazy<Regex> = lazy_regex!(r"[0-9]+");

fn phones(f: &Folded<'_>, spans: &mut Vec<(Range<usize>, Detail)>) {
    for candidate in DIGIT_GROUPS.find_iter(&f.text) {
        let plus = candidate.as_str().starts_with('+');
        let groups: Vec<Range<usize>> = DIGITS
            .find_iter(candidate.as_str())
            .map(|m| candidate.start() + m.start()..candidate.start() + m.end())
            // The "(0)" of "+33 (0)6" is no group of the number.
            .filter(|g| !f.text[..g.start].ends_with('('))
            .collect();
        let mut from = 0;
        // Tries every run of groups, longest first from each start, so that a phone
        // number after a house number or before a time is still found.
        while from < groups.len() {
            let found = (from + 1..=groups.len())
                .rev()
                .find(|&to| is_phone(f, &groups[from..to], plus && from == 0, candidate.end()));
            match found {
                Some(to) => {
                    let start = if from == 0 { candidate.start() } else { groups[from].start };
                    spans.push((start..groups[to - 1].end, Detail::Phone));
                    from = to;
                }
                None => from += 1,
            }
        }
    }
}

/// Whether these digit groups (from one [`DIGIT_GROUPS`] match ending at
/// `candidate_end`) make a phone number.
fn is_phone(f: &Folded<'_>, groups: &[Range<usize>], plus: bool, candidate_end: usize) -> bool {
    let (Some(first), Some(last)) = (groups.first(), groups.last()) else { return false };
    // "14h", "2kg", "12/03", "14:30": the last digits belong to something else.
    if last.end == candidate_end
        && f.text[last.end..].starts_with(|c: char| c.is_alphanumeric() || "/:,€%°".contains(c))
        && f.text[last.end..].len() > 1
        && !f.text[last.end..].starts_with(", ")
    {
        return false;
    }
    // "12/0612…", "n°0612…" and the like are not phone numbers either.
    let before = &f.text[..first.start];
    let after_digit =
        |sep| before.strip_suffix(sep).is_some_and(|b| b.ends_with(|c: char| c.is_ascii_digit()));
    if before.ends_with('°') || after_digit('/') || after_digit(':') {
        return false;
    }
    // The separators after the country code (or after the first group) must agree:
    // "05.03.2026 14" is a date and an hour.
    let mut separators = groups.windows(2).map(|w| f.text[w[0].end..w[1].start].trim());
    let international = plus || f.word(first).starts_with("00");
    if international {
        separators.next();
    }
    let separators: Vec<&str> = separators.filter(|s| *s != "(0)").collect();
    if separators.windows(2).any(|w| w[0] != w[1]) {
        return false;
    }
    let digits: String = groups.iter().map(|g| f.word(g)).collect();
    let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if international {
        let national = if plus { digits.len() } else { digits.len() - 2 };
        (8..=15).contains(&national)
    } else if digits.starts_with('0') {
        // French and British national numbers: 06 12 34 56 78, 07700 900123.
        (9..=11).contains(&digits.len()) && sizes.iter().all(|&n| n >= 2)
    } else {
        // North American numbers: 555-123-4567, 1 555 123 4567.
        sizes == [3, 3, 4] || sizes == [1, 3, 3, 4]
    }
}

// ---------------------------------------------------------------------------------------
// Codes

/// A door, gate or entry-phone code: a word that introduces it, then the code.
static CODE: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?:code|door code|gate code|key ?safe code)(?: (?:de |d'|du )?(?:la |l')?(?:porte|portail|portillon|grille|entree|immeuble|acces|batiment|residence|hall))?|digicode|digi|interphone|keypad|boite a cle(?:f|)s?)(?: ?(?:[:=-]|n ?°|no|est|is) ?| )(?P<code>[\w#*]{1,10})\b"
);

fn codes(f: &Folded<'_>, spans: &mut Vec<(Range<usize>, Detail)>) {
    for caps in CODE.captures_iter(&f.text) {
        if let Some(code) = caps.name("code")
            && code.as_str().contains(|c: char| c.is_ascii_digit())
        {
            spans.push((code.range(), Detail::Code));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Addresses

/// A number, perhaps "bis" or "ter", then a street type; or a street type alone. The
/// street name is read by [`street_name`].
static STREET: Lazy<Regex> = lazy_regex!(
    r"(?P<number>\b[0-9]{1,4}(?:[a-d]|(?: ?(?:bis|ter|quater)))?\b ?,? ?(?:de la |du |de l')?)?\b(?P<type>rue|ruelle|avenue|av|boulevard|bd|bld|blvd|chemin|ch|allee|impasse|imp|place|pl|route|rte|quai|cours|square|sq|residence|res|lotissement|lot|lieu[- ]?dit|ld|hameau|passage|cite|sentier|voie|faubourg|fg|fbg|montee|venelle|clos|esplanade|promenade|parvis|rond-point|traverse|domaine|mail)\b\.?"
);

/// The house number an English address starts with ("12", "12b", "12,"), then a space.
/// The street after it is read by [`english_street`].
static HOUSE_NUMBER: Lazy<Regex> = lazy_regex!(r"\b[0-9]{1,4}[a-z]?,? ");

/// The words that end an English street's name ("Baker Street", "Mill Rd").
const ENGLISH_STREET_TYPES: &[&str] = &[
    "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "dr", "close", "way",
    "crescent", "terrace", "grove", "gardens", "court", "place", "square", "hill", "row", "mews",
];

/// Building, staircase, flat, floor: "bâtiment B", "appt 12", "3e étage", "flat 3".
static BUILDING: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?:batiment|bat|immeuble|escalier|esc|block|bloc|tour)\b\.? ?(?:n ?°|no\.?|numero)? ?:? ?(?:[0-9]{1,4}[a-z]?|[a-z][0-9]{0,3})|(?:appartement|appart|appt|apt|app|flat|apartment|logement|porte|chambre|etage|floor)\b\.? ?(?:n ?°|no\.?|numero)? ?:? ?(?:[0-9]{1,4}[a-z]?|[a-z][0-9]{1,3})|[0-9]{1,2} ?(?:e|eme|er|ere|°|th|st|nd|rd)? ?(?:etage|floor))\b"
);

fn addresses(f: &Folded<'_>, spans: &mut Vec<(Range<usize>, Detail)>) {
    for caps in STREET.captures_iter(&f.text) {
        let (Some(whole), Some(kind)) = (caps.get(0), caps.name("type")) else { continue };
        let numbered = caps.name("number").is_some();
        let sure = numbered || SURE_STREET_TYPES.contains(&kind.as_str());
        if let Some(end) = street_name(f, whole.end(), !sure) {
            spans.push((whole.start()..end, Detail::Address));
        }
    }
    for number in HOUSE_NUMBER.find_iter(&f.text) {
        if let Some(end) = english_street(f, number.end() - 1) {
            spans.push((number.start()..end, Detail::Address));
        }
    }
    spans.extend(BUILDING.find_iter(&f.text).map(|m| (m.range(), Detail::Address)));
}

/// The end of the English street that starts after the house number ending at `at`, if
/// there is one: one to three capitalised words, then a street type ("12 Baker Street").
/// "3 of us drive" is no address, since "of" is not capitalised. The longest street is
/// taken ("14 Park Lane Road"), and a shorter one where a longer one fails ("06 Martin
/// place place B"): masking again what is left must find nothing new.
fn english_street(f: &Folded<'_>, mut at: usize) -> Option<usize> {
    let mut end = None;
    let mut names = 0;
    while let Some(word) = f.next_word(at) {
        let text = f.word(&word);
        if names > 0 && ENGLISH_STREET_TYPES.contains(&text) {
            let dot = usize::from(f.text[word.end..].starts_with('.'));
            end = Some(word.end + dot);
        }
        if names == 3 || !text.starts_with(|c: char| c.is_alphabetic()) || !f.is_upper(word.start) {
            break;
        }
        names += 1;
        at = word.end;
    }
    end
}

/// The end of the street name that starts after `at`, if there is one: up to five
/// words, with particles, until punctuation or a stop word. With `need_capital`, the
/// first word must be capitalised ("place de la Mairie", not "une place de parking").
fn street_name(f: &Folded<'_>, mut at: usize, need_capital: bool) -> Option<usize> {
    let mut end = None;
    let mut words = 0;
    while let Some(word) = f.next_word(at) {
        let text = f.word(&word);
        if is_particle(text) {
            at = word.end;
            continue;
        }
        if text.starts_with(|c: char| c.is_ascii_digit()) {
            // "rue du 8 Mai 1945": a day, a month, perhaps a year.
            let month = f.next_word(word.end).filter(|m| MONTHS.contains(&f.word(m)));
            match month {
                Some(month) if text.len() <= 2 => {
                    let year = f.next_word(month.end).filter(|y| {
                        let y = f.word(y);
                        y.len() == 4 && y.starts_with(|c: char| c.is_ascii_digit())
                    });
                    at = year.map_or(month.end, |y| y.end);
                    end = Some(at);
                    words += 1;
                    continue;
                }
                _ => break,
            }
        }
        if is_stop(text) || (need_capital && end.is_none() && !f.is_capitalised(&word)) {
            break;
        }
        end = Some(word.end);
        at = word.end;
        words += 1;
        if words == 5 {
            break;
        }
    }
    end
}

// ---------------------------------------------------------------------------------------
// Names

/// A civility. Those that are also common words ("m" for metres, "miss", "ms") are
/// checked against the original case by [`names`].
static CIVILITY: Lazy<Regex> = lazy_regex!(
    r"\b(?P<civ>mme|mmes|madame|mesdames|mlle|mlles|mademoiselle|monsieur|messieurs|mr|mrs|ms|miss|m|dr|docteur|doctor|pr|professeur)\b(?P<dot>\.)?"
);

fn names(f: &Folded<'_>, spans: &mut Vec<(Range<usize>, Detail)>) {
    for caps in CIVILITY.captures_iter(&f.text) {
        let (Some(whole), Some(civ)) = (caps.get(0), caps.name("civ")) else { continue };
        let dotted = caps.name("dot").is_some();
        let plausible = match civ.as_str() {
            "m" | "pr" => dotted || f.is_upper(civ.start()),
            "miss" | "ms" => f.is_upper(civ.start()),
            _ => true,
        };
        if plausible && let Some(name) = person_name(f, whole.end()) {
            spans.push((name, Detail::Name));
        }
    }
}

/// The name after a civility ending at `at`: particles, a first name word, then more
/// words written the same way. When the first word is capitalised, the following ones
/// must be too ("Mme Martin demain" keeps "demain" even if it were no stop word); when it
/// is not ("mme martin"), one more word is taken, since its case tells nothing.
fn person_name(f: &Folded<'_>, civility_end: usize) -> Option<Range<usize>> {
    let mut at = civility_end;
    let mut range: Option<Range<usize>> = None;
    let mut capitalised = false;
    let mut words = 0;
    while let Some(word) = f.next_word(at) {
        let text = f.word(&word);
        if is_particle(text) {
            at = word.end;
            continue;
        }
        if !is_name_word(text) {
            break;
        }
        match &range {
            None => capitalised = f.is_capitalised(&word),
            Some(_) if capitalised && !f.is_capitalised(&word) => break,
            Some(_) if !capitalised && words >= 2 => break,
            Some(_) => {}
        }
        let start =
            range.as_ref().map_or_else(|| first_particle(f, civility_end, word.start), |r| r.start);
        range = Some(start..word.end);
        at = word.end;
        words += 1;
        if words == 4 {
            break;
        }
    }
    range
}

/// Where the particles right before the first name word start ("Le" in "Mme Le Goff"),
/// so that they are masked with it.
fn first_particle(f: &Folded<'_>, civility_end: usize, word_start: usize) -> usize {
    let between = &f.text[civility_end..word_start];
    let leading = between.len() - between.trim_start_matches(' ').len();
    if between.trim().is_empty() { word_start } else { civility_end + leading }
}

#[cfg(test)]
mod tests;
