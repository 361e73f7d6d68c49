//! A caller's calls written in plain words, in the direct chat where their list is:
//! "12 ok", "n° 14 pas de réponse", "15 : besoin de courses", one per line. People on
//! a phone with a list in front of them write the number and how it went; `!appel` is
//! the same thing for those who like commands.
//!
//! Only a message whose every line starts with a number reads as calls, so that a
//! caller's "thanks, I'll start at 10" stays their own words.

use crate::{CallSaid, args};

/// What may come before the number, folded: `n° 12`, `no. 12`, `numéro 12`.
const NUMBER_WORDS: &[&str] = &["n°", "nº", "no", "no.", "n", "numero", "number", "num", "#"];

/// How one line of a caller's message reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallLine {
    /// The call of entry `.0`, and how it went.
    Said(u64, CallSaid),
    /// A line that starts with the number of entry `.0` but says nothing the bot
    /// understands of how the call went: the caller is told, nothing is recorded.
    Unread(u64),
}

/// The calls a message records, one per non-empty line; `None` when some line does
/// not start with a number (the message is not a list of calls).
pub fn calls_in_words(body: &str) -> Option<Vec<CallLine>> {
    let lines: Vec<&str> = body.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    if lines.is_empty() {
        return None;
    }
    lines.into_iter().map(read_line).collect()
}

/// One line: the number (after an optional "n°"), then how the call went.
fn read_line(line: &str) -> Option<CallLine> {
    let line = line.trim_start_matches(['-', '*', '•', '–']).trim_start();
    let (first, rest) = split_word(line);
    let (number, rest) = match number_of(first) {
        Some(number) => (number, rest),
        None if NUMBER_WORDS.contains(&crate::fold(first).as_str()) => {
            let (second, rest) = split_word(rest);
            (number_of(second)?, rest)
        }
        None => return None,
    };
    Some(match args::call(&format!("{number} {rest}"), &[]) {
        Ok((number, said)) => CallLine::Said(number, said),
        Err(_) => CallLine::Unread(number),
    })
}

/// A number as a caller writes it: `12`, `#12`, `n°12`, `12.`, `12:`.
fn number_of(word: &str) -> Option<u64> {
    let word = word.trim_end_matches([':', '.', ',', ')', '-']);
    let digits = ["#", "n°", "nº", "N°", "Nº"]
        .iter()
        .find_map(|prefix| word.strip_prefix(prefix))
        .unwrap_or(word);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

fn split_word(text: &str) -> (&str, &str) {
    match text.find(char::is_whitespace) {
        Some(at) => (&text[..at], text[at..].trim()),
        None => (text, ""),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn said(number: u64, said: CallSaid) -> CallLine {
        CallLine::Said(number, said)
    }

    #[test]
    fn a_caller_s_words_read_as_calls() {
        let needs = |what: &str| CallSaid::NeedsHelp(what.to_owned());
        let cases: Vec<(&str, Vec<CallLine>)> = vec![
            ("12 ok", vec![said(12, CallSaid::Reached)]),
            ("12 OK.", vec![said(12, CallSaid::Reached)]),
            ("n°12 ok", vec![said(12, CallSaid::Reached)]),
            ("N° 12 : tout va bien", vec![said(12, CallSaid::Reached)]),
            ("#7 fine", vec![said(7, CallSaid::Reached)]),
            ("12 pas de réponse", vec![said(12, CallSaid::NoAnswer)]),
            ("12: ne répond pas", vec![said(12, CallSaid::NoAnswer)]),
            ("numéro 3 messagerie", vec![said(3, CallSaid::NoAnswer)]),
            ("no. 4 no answer", vec![said(4, CallSaid::NoAnswer)]),
            ("5 - absente", vec![said(5, CallSaid::NoAnswer)]),
            ("15 besoin de courses", vec![said(15, needs("courses"))]),
            ("15 a besoin de pain et de lait", vec![said(15, needs("pain et de lait"))]),
            ("number 8 needs a lift to the doctor", vec![said(8, needs("a lift to the doctor"))]),
            ("9 visite", vec![said(9, CallSaid::Visit)]),
            ("9 go round", vec![said(9, CallSaid::Visit)]),
            (
                "12 ok\n13 absent\n\n- 14 besoin de médicaments",
                vec![
                    said(12, CallSaid::Reached),
                    said(13, CallSaid::NoAnswer),
                    said(14, needs("médicaments")),
                ],
            ),
            ("12 elle était au jardin", vec![CallLine::Unread(12)]),
            ("12", vec![CallLine::Unread(12)]),
            ("12 ok\n13 on verra", vec![said(12, CallSaid::Reached), CallLine::Unread(13)]),
        ];
        for (body, expected) in cases {
            assert_eq!(calls_in_words(body), Some(expected), "{body}");
        }
    }

    #[test]
    fn words_that_do_not_start_with_a_number_are_the_caller_s_own() {
        for body in [
            "",
            "   ",
            "merci, je commence à 10 h",
            "ok",
            "tout va bien",
            "thanks, starting at 10",
            "0 ok",
            "12 ok\nmerci !",
            "la 12 va bien",
            "n° ok",
            "99999999999999999999999 ok",
        ] {
            assert_eq!(calls_in_words(body), None, "{body:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(body in "\\PC{0,200}") {
            let _ = calls_in_words(&body);
        }

        #[test]
        fn a_number_then_ok_is_always_reached(number in 1u64..1_000_000) {
            prop_assert_eq!(
                calls_in_words(&format!("{number} ok")),
                Some(vec![said(number, CallSaid::Reached)])
            );
        }
    }
}
