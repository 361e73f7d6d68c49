//! A reply that takes what it answers: "oui" to a volunteer's offer, "je prends" to a
//! relay. People on a phone answer a post rather than copy its number; the bot knows
//! which request the post stands for, so the reply only has to say yes.

use crate::{Lang, command::CommandKind, fold, parse::strip_reply_fallback, table};

/// What a reply may say to take up what it answers, folded (lowercase, no accents), with
/// the language it is in.
const YES: &[(&str, Lang)] = &[
    ("oui", Lang::Fr),
    ("oui merci", Lang::Fr),
    ("oui svp", Lang::Fr),
    ("oui stp", Lang::Fr),
    ("oui s'il vous plait", Lang::Fr),
    ("oui s'il te plait", Lang::Fr),
    ("oui volontiers", Lang::Fr),
    ("oui avec plaisir", Lang::Fr),
    ("oui je veux bien", Lang::Fr),
    ("oui je prends", Lang::Fr),
    ("volontiers", Lang::Fr),
    ("avec plaisir", Lang::Fr),
    ("je veux bien", Lang::Fr),
    ("je veux bien merci", Lang::Fr),
    ("je prends", Lang::Fr),
    ("je la prends", Lang::Fr),
    ("je le prends", Lang::Fr),
    ("je m'en occupe", Lang::Fr),
    ("je m'en charge", Lang::Fr),
    ("je peux", Lang::Fr),
    ("je peux y aller", Lang::Fr),
    ("moi", Lang::Fr),
    ("pour moi", Lang::Fr),
    ("ca m'interesse", Lang::Fr),
    ("je suis interesse", Lang::Fr),
    ("je suis interessee", Lang::Fr),
    ("yes", Lang::En),
    ("yes please", Lang::En),
    ("yes thanks", Lang::En),
    ("yes thank you", Lang::En),
    ("yes i'll take it", Lang::En),
    ("please", Lang::En),
    ("me", Lang::En),
    ("me please", Lang::En),
    ("i'll take it", Lang::En),
    ("i will take it", Lang::En),
    ("i'll do it", Lang::En),
    ("i can do it", Lang::En),
    ("i can", Lang::En),
    ("i'm in", Lang::En),
    ("count me in", Lang::En),
    ("sure", Lang::En),
    ("i'd like that", Lang::En),
    ("i'm interested", Lang::En),
];

/// Emoji that say yes in either language.
const YES_EMOJI: &[&str] = &["✋", "🙋", "👍"];

/// Whether a reply's `body` says yes to what it answers, and in which language (`None`
/// for an emoji alone, which has none). A command word of `!prendre` or `!oui` alone
/// counts too; anything more ("oui mais pas avant lundi") is left to people.
pub fn says_yes(body: &str) -> Option<Option<Lang>> {
    let body = strip_reply_fallback(body);
    let folded = fold(body);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '!' | '?' | ';' | ':'))
        .filter(|word| !word.is_empty())
        .collect();
    // Skin tones, variation selectors and the signs of "🙋‍♀️" are the same yes.
    let emoji: String = body
        .trim()
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{FE0F}' | '\u{200D}' | '\u{2640}' | '\u{2642}' | '\u{1F3FB}'..='\u{1F3FF}'
            )
        })
        .collect();
    if YES_EMOJI.contains(&emoji.as_str()) {
        return Some(None);
    }
    // "!oui" or "!prendre" with nothing after it.
    if let Some(word) = folded.trim().strip_prefix('!')
        && let Some((spec, lang)) = table::lookup(word.trim_end())
        && matches!(spec.kind, CommandKind::Take | CommandKind::Yes)
    {
        return Some(Some(lang));
    }
    // Smiles and thanks after the words do not change them.
    let phrase = words
        .iter()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    YES.iter().find(|(yes, _)| *yes == phrase).map(|(_, lang)| Some(*lang))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_plain_yes_takes_up_what_it_answers() {
        let cases: &[(&str, Option<Lang>)] = &[
            ("oui", Some(Lang::Fr)),
            ("Oui !", Some(Lang::Fr)),
            ("oui, merci", Some(Lang::Fr)),
            ("Oui merci 🙂", Some(Lang::Fr)),
            ("Oui s’il vous plaît", Some(Lang::Fr)),
            ("Volontiers.", Some(Lang::Fr)),
            ("Je prends", Some(Lang::Fr)),
            ("je m'en occupe !", Some(Lang::Fr)),
            ("Ça m'intéresse", Some(Lang::Fr)),
            ("Je suis intéressée", Some(Lang::Fr)),
            ("moi !", Some(Lang::Fr)),
            ("!oui", Some(Lang::Fr)),
            ("!Prendre", Some(Lang::Fr)),
            ("!volontiers", Some(Lang::Fr)),
            ("> <@bot:x> Offre n°3\n\noui", Some(Lang::Fr)),
            ("Yes please!", Some(Lang::En)),
            ("yes", Some(Lang::En)),
            ("I'll take it", Some(Lang::En)),
            ("I’ll take it.", Some(Lang::En)),
            ("count me in", Some(Lang::En)),
            ("!yes", Some(Lang::En)),
            ("!take", Some(Lang::En)),
        ];
        for (body, lang) in cases {
            assert_eq!(says_yes(body), Some(*lang), "{body}");
        }
    }

    #[test]
    fn an_emoji_alone_says_yes_in_no_language() {
        for body in ["✋", "✋🏽", "🙋", "👍", "👍🏿", " ✋ ", "🙋‍♀️"] {
            assert_eq!(says_yes(body), Some(None), "{body}");
        }
    }

    #[test]
    fn anything_more_is_left_to_people() {
        for body in [
            "",
            "non",
            "non merci",
            "oui mais pas avant lundi",
            "moi non plus",
            "qui peut ?",
            "no",
            "yes but not today",
            "!oui 3",
            "!prendre 12",
            "!aide",
            "!demande courses",
            "✋✋",
            "👍 mais non",
            "ouiii",
        ] {
            assert_eq!(says_yes(body), None, "{body}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(body in "\\PC{0,80}") {
            let _ = says_yes(&body);
        }
    }
}
