//! Text folding: lower case, no accents, one kind of apostrophe, so that "Mère", "MERE"
//! and "mere" read the same. Shared by the command words, the request readers
//! ([`crate::reading`]) and the masking of contact details ([`crate::mask`](mod@crate::mask)).

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Lower-cases and strips accents (NFD, drop combining marks), so "Mère" and "mere" match.
/// Also spells out 'œ' and 'æ' and turns typographic apostrophes into `'`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The whole text is lower-cased at once, not char by char: a Greek final sigma
    // depends on what follows it.
    for c in text.to_lowercase().nfd() {
        fold_decomposed(c, &mut |s| out.push_str(s));
    }
    out
}

/// Folds one character of an original text as [`fold()`] does, and also makes any white
/// space one plain space and any dash a hyphen, handing each piece of output to `push`:
/// for [`crate::mask`](mod@crate::mask), which must know which original character each folded byte came
/// from.
pub(crate) fn fold_char(c: char, push: &mut impl FnMut(&str)) {
    match c {
        c if c.is_whitespace() => push(" "),
        c if is_dash(c) => push("-"),
        c => {
            for c in c.to_lowercase().nfd() {
                fold_decomposed(c, push);
            }
        }
    }
}

/// The folded form of one lower-cased, decomposed character: ligatures spelled out,
/// apostrophes made `'`, combining marks (accents) dropped.
fn fold_decomposed(c: char, push: &mut impl FnMut(&str)) {
    match c {
        'œ' => push("oe"),
        'æ' => push("ae"),
        '\u{2019}' | '\u{2018}' | '\u{02bc}' => push("'"),
        c if is_combining_mark(c) => {}
        c => push(c.encode_utf8(&mut [0u8; 4])),
    }
}

/// Hyphens, dashes and the minus sign, which phones and word processors put for `-`.
fn is_dash(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// Folds the text, makes every run of white space one plain space (none at the start)
/// and every dash a hyphen, so that the readers' patterns can use a literal space and `-`.
pub(crate) fn prepare(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(if is_dash(c) { '-' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn test_fold() {
        assert_eq!(fold("LÂCHER"), "lacher");
        assert_eq!(fold("Mère"), "mere");
        assert_eq!(fold("cœur"), "coeur");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("ex æquo"), "ex aequo");
        assert_eq!(fold("aujourd’hui"), "aujourd'hui");
        assert_eq!(fold("Après-Midi Ça Été"), "apres-midi ca ete");
        assert_eq!(fold("!DEMANDE"), "!demande");
    }

    #[test]
    fn test_prepare_makes_one_space_and_hyphens() {
        assert_eq!(prepare("  Après\u{a0}\u{a0}midi\t\u{2011}  Là "), "apres midi - la");
    }

    /// Folding char by char agrees with folding the whole text, once white space and
    /// dashes are made plain (Greek letters left out: a final sigma needs the whole word).
    fn by_char(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            fold_char(c, &mut |s| out.push_str(s));
        }
        out
    }

    proptest! {
        #[test]
        fn test_fold_is_idempotent(text in any::<String>()) {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn test_fold_char_agrees_with_fold(
            text in "[a-zA-Z0-9À-ɏŒœÆæ’‘ʼ' \u{a0}\t\u{2010}-\u{2015}\u{2212}.,!?-]{0,40}"
        ) {
            let plain: String = text
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else if is_dash(c) { '-' } else { c })
                .collect();
            prop_assert_eq!(by_char(&text), fold(&plain));
        }
    }
}
