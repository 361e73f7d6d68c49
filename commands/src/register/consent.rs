//! Whether the person agreed that their emergency contact be told the outcome of each
//! round: "accord famille", "prévenir la famille : oui", "family may be told", "consent",
//! and their negations; or a plain yes or no in a correction or a spreadsheet's cell.

use lazy_regex::{Lazy, Regex, lazy_regex};

use super::text::is_blank;
use crate::fold::prepare;

/// A sentence's segment about telling the family, perhaps negated. Prepared text.
static CONSENT: Lazy<Regex> = lazy_regex!(
    r"^(?:pas d'|pas de |sans |no |non |refus(?:e)? (?:d'|de |du )?|ne pas |ne veut pas |do not |don't |not )?(?:accord(?: de la| du| de)? (?:famille|proches?|entourage|contact)|(?:famille|family) (?:d'accord|ok|okay)|consent(?:ement|s|ed|e)?\b|(?:prevenir|informer|avertir|tenir informee?s?) (?:la |sa |leur )?famille|famille (?:a )?(?:prevenir|informer|prevenue|informee|peut etre prevenue|peut etre informee)|family (?:may|can|to|should|must|will)(?: not)? be (?:told|informed|contacted|kept informed)|(?:tell|inform|notify) (?:the |her |his |their )?family|family (?:told|informed|notified))"
);

/// Words that turn the agreement down. Prepared text.
static NO: Lazy<Regex> = lazy_regex!(
    r"\b(?:non|no|not|pas|refuse|refus|refusee?|sans|never|jamais|ne|don't|nope|false|faux|n|0)\b"
);

/// A plain yes. Prepared text.
static YES: Lazy<Regex> = lazy_regex!(
    r"^(?:oui|o|yes|y|x|1|true|vrai|ok|okay|d'accord|accord|accepte|acceptee|agreed|agree|consent|consents|given|donne|donnee)$"
);

/// Whether a sentence's segment says the family may (or may not) be told; `None` when it
/// is about something else.
pub(super) fn read_phrase(segment: &str) -> Option<bool> {
    let prepared = prepare(segment);
    CONSENT.is_match(&prepared).then(|| !NO.is_match(&prepared))
}

/// A yes or a no given as a value. Blank is no: the family is told only if the person
/// said so. `None` when unreadable.
pub(super) fn read_answer(value: &str) -> Option<bool> {
    let prepared = prepare(value);
    let answer = prepared.trim_matches(|c: char| c.is_whitespace() || ".!:;,".contains(c));
    if YES.is_match(answer) {
        return Some(true);
    }
    if is_blank(answer) || (NO.is_match(answer) && answer.split(' ').count() <= 2) {
        return Some(false);
    }
    read_phrase(answer)
}

/// The answer as [`super::write_csv`] writes it.
pub(super) fn answer_label(told: bool, lang: crate::Lang) -> &'static str {
    match (told, lang) {
        (true, crate::Lang::Fr) => "oui",
        (false, crate::Lang::Fr) => "non",
        (true, crate::Lang::En) => "yes",
        (false, crate::Lang::En) => "no",
    }
}
