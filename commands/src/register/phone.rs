//! Phone numbers: found where [`crate::mask`](mod@crate::mask) finds them (one detection for both), kept
//! as written with their spaces normalised, compared by their digits.

use std::ops::Range;

use lazy_regex::{Lazy, Regex, lazy_regex};

use crate::mask::{Folded, phone_ranges};

/// A phone number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// The number and the word that introduces it ("tél : 05…"): what to cut from the text.
    pub(super) whole: Range<usize>,
    /// The number, normalised ([`normalise`]).
    pub(super) number: String,
}

/// A word that introduces a phone number, right before it. Folded.
static LABEL_BEFORE: Lazy<Regex> = lazy_regex!(
    r"\b(?:tel|tels|telephone|telephones|portable|port|mobile|mob|fixe|phone|phones|gsm|cell|cellphone|landline|numero|num)\.?\s*[:=]?\s*$"
);

/// The phone numbers in `text`, in order, each with the word that introduces it.
pub(super) fn find(text: &str) -> Vec<Found> {
    phone_ranges(text)
        .into_iter()
        .map(|range| {
            let start = label_start(&text[..range.start]).unwrap_or(range.start);
            Found { whole: start..range.end, number: normalise(&text[range]) }
        })
        .collect()
}

/// Where a word that introduces a phone number starts, at the end of `before`.
fn label_start(before: &str) -> Option<usize> {
    let folded = Folded::new(before);
    let label = LABEL_BEFORE.find(&folded.text)?;
    folded.original(label.range()).map(|range| range.start)
}

/// Every phone number of a value (a correction, a spreadsheet's cell), normalised. A cell
/// of nine digits is a French number whose leading zero a spreadsheet dropped; a run of
/// phone characters with six digits or more that [`find`] does not take (a short foreign
/// number) is kept as written.
pub(super) fn read_list(value: &str) -> Vec<String> {
    // Most cells hold one French number, written plainly: no need to search.
    let plain = value.trim();
    if plain.len() <= 14
        && plain.starts_with('0')
        && plain.bytes().all(|b| b.is_ascii_digit() || b == b' ' || b == b'.')
        && plain.bytes().filter(u8::is_ascii_digit).count() == 10
    {
        return vec![normalise(plain)];
    }
    let found: Vec<String> = find(value).into_iter().map(|found| found.number).collect();
    if !found.is_empty() {
        return found;
    }
    let trimmed = value.trim();
    let phone_chars = |c: char| c.is_ascii_digit() || " +-.()/".contains(c);
    if trimmed.is_empty() || !trimmed.chars().all(phone_chars) {
        return Vec::new();
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 9 && !digits.starts_with('0') && !trimmed.starts_with('+') {
        vec![normalise(&format!("0{digits}"))]
    } else if digits.len() >= 6 {
        vec![normalise(trimmed)]
    } else {
        Vec::new()
    }
}

/// A phone number as written, with one space between its groups. A French number is
/// grouped by pairs ("05 56 12 34 56", "+33 6 12 34 56 78"); others keep their groups
/// ("07700 900123", "+44 20 7946 0958").
pub(super) fn normalise(raw: &str) -> String {
    let trimmed = raw.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let plus = trimmed.starts_with('+');
    if !plus && digits.len() == 10 && digits.starts_with('0') && !digits.starts_with("00") {
        return format!("{} {}", &digits[..2], pairs(&digits[2..]));
    }
    let french = if plus { digits.strip_prefix("33") } else { digits.strip_prefix("0033") };
    if let Some(national) = french {
        // "+33 (0)6 12 34 56 78": the zero in brackets is not dialled from abroad.
        let national = match national.strip_prefix('0') {
            Some(rest) if rest.len() == 9 => rest,
            _ => national,
        };
        if national.len() == 9 && !national.starts_with('0') {
            return format!("+33 {} {}", &national[..1], pairs(&national[1..]));
        }
    }
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Digits grouped by pairs: "56123456" → "56 12 34 56".
fn pairs(digits: &str) -> String {
    let bytes = digits.as_bytes();
    bytes
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What makes two numbers the same: their digits, a French number written nationally
/// ("05…", "+33 5…" and "0033 5…" agree).
pub(super) fn key(number: &str) -> String {
    let normalised = normalise(number);
    let digits: String = normalised.chars().filter(char::is_ascii_digit).collect();
    match normalised.strip_prefix("+33 ") {
        Some(_) => format!("0{}", &digits[2..]),
        None => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_normalise() {
        let cases = [
            ("0556123456", "05 56 12 34 56"),
            ("05.56.12.34.56", "05 56 12 34 56"),
            ("05-56-12-34-56", "05 56 12 34 56"),
            ("05 56 12 34 56", "05 56 12 34 56"),
            ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
            ("+33612345678", "+33 6 12 34 56 78"),
            ("+33 (0)6 12 34 56 78", "+33 6 12 34 56 78"),
            ("0033 6 12 34 56 78", "+33 6 12 34 56 78"),
            ("07700  900123", "07700 900123"),
            ("+44 20 7946 0958", "+44 20 7946 0958"),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalise(raw), expected, "{raw:?}");
            assert_eq!(normalise(expected), expected, "{expected:?} is already normal");
        }
    }

    #[test]
    fn test_key_agrees_across_writings() {
        assert_eq!(key("06 12 34 56 78"), key("+33 6 12 34 56 78"));
        assert_eq!(key("0612345678"), key("0033612345678"));
        assert_ne!(key("06 12 34 56 78"), key("06 12 34 56 79"));
    }

    #[test]
    fn test_find_with_labels() {
        let text = "Mme Roy tél : 05 56 12 34 56 ou portable 06.11.22.33.44";
        let found = find(text);
        let numbers: Vec<&str> = found.iter().map(|f| f.number.as_str()).collect();
        assert_eq!(numbers, ["05 56 12 34 56", "06 11 22 33 44"]);
        assert_eq!(&text[found[0].whole.clone()], "tél : 05 56 12 34 56");
        assert_eq!(&text[found[1].whole.clone()], "portable 06.11.22.33.44");
    }

    #[test]
    fn test_read_list_mends_spreadsheets() {
        assert_eq!(read_list("556123456"), ["05 56 12 34 56"]);
        assert_eq!(
            read_list("05 56 12 34 56 / 06 11 22 33 44"),
            ["05 56 12 34 56", "06 11 22 33 44"]
        );
        assert_eq!(read_list("+352 621 123"), ["+352 621 123"]);
        assert!(read_list("pas de téléphone").is_empty());
        assert!(read_list("12").is_empty());
    }
}
