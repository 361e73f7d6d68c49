//! What every value of the register shares: blanks that clear a field, white space made
//! plain, the punctuation and stray words trimmed from a piece of a sentence.

use crate::fold::prepare;

/// Values that say "nothing here": they clear an optional field, and a spreadsheet's cell
/// holding one is empty. Folded, one space between words; a value of dashes, slashes,
/// dots or question marks alone is one too.
const BLANKS: &[&str] = &[
    "",
    "aucun",
    "aucune",
    "neant",
    "rien",
    "sans",
    "sans objet",
    "pas de",
    "non renseigne",
    "non renseignee",
    "nc",
    "n.c",
    "na",
    "n/a",
    "inconnu",
    "inconnue",
    "none",
    "nothing",
    "nil",
    "unknown",
    "not known",
    "n/k",
    "nk",
    "null",
];

/// Whether `value` says "nothing here" ("", "aucun", "none", "-", "n/a", "inconnu").
pub(super) fn is_blank(value: &str) -> bool {
    let trimmed = value.trim().trim_end_matches([' ', '.', ':']);
    // Spreadsheets have thousands of cells: most are told from a blank without folding.
    // The longest blank is "non renseignée", and none holds a digit.
    if trimmed.len() > 20 || trimmed.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    if value.trim().chars().all(|c| "-/?.".contains(c)) {
        return true;
    }
    let folded = if trimmed.is_ascii() {
        trimmed.split_ascii_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase()
    } else {
        prepare(trimmed)
    };
    BLANKS.contains(&folded.as_str())
}

/// The value with every run of white space made one space, trimmed.
pub(super) fn clean(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An optional field's value: `None` when blank.
pub(super) fn optional(value: &str) -> Option<String> {
    (!is_blank(value)).then(|| clean(value))
}

/// Words that only introduce a value, left over once the value was taken out of a piece
/// ("tél :", "portable"); folded.
const STRAY: &[&str] = &[
    "tel",
    "tels",
    "telephone",
    "telephones",
    "portable",
    "mobile",
    "fixe",
    "phone",
    "phones",
    "mob",
    "gsm",
    "cell",
    "landline",
    "numero",
    "num",
    "n°",
    "et",
    "and",
    "ou",
    "or",
    "au",
    "at",
    "sur",
    "adresse",
    "address",
    "ne",
    "nee",
    "ne(e)",
    "born",
    "age",
    "agee",
    "aged",
    "matrix",
];

/// A piece of a sentence, without the punctuation around it, the brackets it does not
/// close, nor stray words at its ends ("Mme Lefèvre (" → "Mme Lefèvre", "voisin M. Roy
/// tél" → "voisin M. Roy"). White space made plain.
pub(super) fn trim_piece(piece: &str) -> String {
    let mut words: Vec<&str> = piece.split_whitespace().collect();
    loop {
        let before = words.len();
        while let Some(first) = words.first() {
            let trimmed = first.trim_start_matches(PUNCTUATION);
            let stray = is_stray(trimmed);
            if trimmed.is_empty() || stray {
                words.remove(0);
            } else {
                break;
            }
        }
        while let Some(last) = words.last() {
            let trimmed = last.trim_end_matches(PUNCTUATION);
            if trimmed.is_empty() || is_stray(trimmed) {
                words.pop();
            } else {
                break;
            }
        }
        if words.len() == before {
            break;
        }
    }
    let joined = words.join(" ");
    let mut text = joined.trim_matches(PUNCTUATION);
    loop {
        let opened = text.matches(['(', '[']).count();
        let closed = text.matches([')', ']']).count();
        let trimmed = if opened > closed {
            match text.strip_suffix(['(', '[']) {
                Some(rest) => rest,
                None => text.strip_prefix(['(', '[']).unwrap_or(text),
            }
        } else if closed > opened {
            match text.strip_prefix([')', ']']) {
                Some(rest) => rest,
                None => text.strip_suffix([')', ']']).unwrap_or(text),
            }
        } else {
            text
        };
        let trimmed = trimmed.trim_matches(PUNCTUATION);
        if trimmed.len() == text.len() {
            break;
        }
        text = trimmed;
    }
    strip_final_dot(text).to_owned()
}

/// What surrounds a piece and is no part of it.
const PUNCTUATION: &[char] = &[',', ';', ':', '|', '/', '-', '–', '—', '=', '*', '•', ' '];

/// Whether a word only introduces a value (see [`STRAY`]).
fn is_stray(word: &str) -> bool {
    let folded = crate::fold::fold(word);
    STRAY.contains(&folded.trim_end_matches(['.', ':']))
}

/// Drops a full stop that ends the sentence, not one that ends an abbreviation ("M.",
/// "Dr.", "St.").
fn strip_final_dot(text: &str) -> &str {
    let Some(body) = text.strip_suffix('.') else { return text };
    let last_word = body.rsplit(' ').next().unwrap_or(body);
    let letters = last_word.chars().filter(|c| c.is_alphabetic()).count();
    if letters <= 2 && last_word.chars().all(char::is_alphabetic) { text } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_trim_piece() {
        let cases = [
            ("  Mme Lefèvre ( ", "Mme Lefèvre"),
            ("voisin M. Roy tél", "voisin M. Roy"),
            ("Tom (son)", "Tom (son)"),
            ("(sa fille Claire", "sa fille Claire"),
            (", - : ", ""),
            ("Jane Smith.", "Jane Smith"),
            ("M.", "M."),
            ("portable :", ""),
        ];
        for (piece, expected) in cases {
            assert_eq!(trim_piece(piece), expected, "{piece:?}");
        }
    }

    #[test]
    fn test_blank() {
        for blank in ["", " ", "aucun", "Aucune", "néant", "none", "N/A", "-", "?", "inconnu", "NC"]
        {
            assert!(is_blank(blank), "{blank:?}");
        }
        for value in ["Dr Roux", "0", "non", "no"] {
            assert!(!is_blank(value), "{value:?}");
        }
    }
}
