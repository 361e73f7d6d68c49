//! Who a resident asks a registration for, when it is not themself: a leading "pour ma
//! mère" / "for my mother".

use lazy_regex::regex_captures;

use super::{Asker, ThirdParty};
use crate::{Relation, read_relation};

/// A leading "pour ma mère" / "for my neighbour": who the entry is for, named as the
/// coordinators read it ("sa mère", "their neighbour"), and the rest of `text`; else
/// `None` and `text` whole.
pub fn read_relative(text: &str) -> (Option<ThirdParty>, &str) {
    let Some((whole, _, possessive, noun)) = regex_captures!(
        r"(?i)^\s*(pour|for)\s+(ma|mon|mes|my|notre|nos|our)\s+([\p{L}-]+)\s*[,:]?\s*",
        text
    ) else {
        return (None, text);
    };
    let theirs = match possessive.to_lowercase().as_str() {
        "ma" => "sa",
        "mon" => "son",
        "mes" => "ses",
        "notre" => "leur",
        "nos" => "leurs",
        _ => "their",
    };
    let kind = match read_relation(whole) {
        Some(Relation::Neighbour) => Asker::Neighbour,
        Some(Relation::Someone) | None => Asker::Other,
        Some(_) => Asker::Family,
    };
    (Some(ThirdParty { kind, words: format!("{theirs} {noun}") }), &text[whole.len()..])
}

#[cfg(test)]
mod tests {
    use super::read_relative;
    use crate::register::Asker;

    #[test]
    fn a_relative_is_read_from_the_start_and_named_as_the_coordinators_read_it() {
        let cases = [
            (
                "pour ma mère Jeanne Roux, 82 ans",
                Some((Asker::Family, "sa mère")),
                "Jeanne Roux, 82 ans",
            ),
            ("Pour mon père : Paul Roux", Some((Asker::Family, "son père")), "Paul Roux"),
            ("pour ma grand-mère, Louise", Some((Asker::Family, "sa grand-mère")), "Louise"),
            ("pour ma voisine Mme Roy", Some((Asker::Neighbour, "sa voisine")), "Mme Roy"),
            ("for my mother Jane Roe, 80", Some((Asker::Family, "their mother")), "Jane Roe, 80"),
            ("for my neighbour: Tom Roe", Some((Asker::Neighbour, "their neighbour")), "Tom Roe"),
            ("pour mon ami Jean", Some((Asker::Other, "son ami")), "Jean"),
            ("Jeanne Roux, pour ma mère", None, "Jeanne Roux, pour ma mère"),
            ("Jeanne Roux, 82 ans", None, "Jeanne Roux, 82 ans"),
            ("pour", None, "pour"),
        ];
        for (text, expected, rest) in cases {
            let (third, left) = read_relative(text);
            let third = third.map(|t| (t.kind, t.words));
            let expected = expected.map(|(kind, words)| (kind, words.to_owned()));
            assert_eq!((third, left), (expected, rest), "{text}");
        }
    }
}
