//! For whom the help is ([`Relation`]), when it is not the person who asks.

use std::sync::LazyLock;

use lazy_regex::{Lazy, Regex, lazy_regex};

/// Who the help is for, when it is not the person who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Their mother.
    Mother,
    /// Their father.
    Father,
    /// Their parents.
    Parents,
    /// Their grandmother.
    Grandmother,
    /// Their grandfather.
    Grandfather,
    /// Their grandparents.
    Grandparents,
    /// A neighbour.
    Neighbour,
    /// Another member of the family.
    Family,
    /// A friend, a relative, someone else.
    Someone,
}

impl Relation {
    /// Every relation, in display order.
    pub const ALL: [Relation; 9] = [
        Relation::Mother,
        Relation::Father,
        Relation::Parents,
        Relation::Grandmother,
        Relation::Grandfather,
        Relation::Grandparents,
        Relation::Neighbour,
        Relation::Family,
        Relation::Someone,
    ];
}

/// Relation words, as (capture group, patterns, relation), most specific first:
/// "mother-in-law" before "mother", because `\b` matches at a hyphen. "meme" and "pepe"
/// ("mémé", "pépé") need a possessive: "pour la même raison" is not about a grandmother.
const RELATION_WORDS: [(&str, &str, Relation); 9] = [
    (
        "family",
        "\
            [a-z]+-in-laws?|in-laws|step[a-z]+|belle[- ]?mere|beau[- ]?pere|\
            beaux[- ]?parents|belle[- ]?famille|belle[- ]?soeur|beau[- ]?frere|\
            belle[- ]?fille|beau[- ]?fils|petite?s?[- ]enfants?|petite[- ]fille|\
            petit[- ]fils|tante|tata|oncle|tonton|soeur|frere|fils|fille|enfants?|mari|\
            femme|epoux|epouse|conjointe?|compagnon|compagne|cousine?|neveu|niece|\
            famille|aunt|auntie|aunty|uncle|sister|brother|son|daughter|husband|wife|\
            partner|cousin|nephew|kids?|children|child|grandsons?|granddaughters?|\
            grandchildren|grandkids|family",
        Relation::Family,
    ),
    ("grandparents", "grands?[- ]?parents|grand-parents", Relation::Grandparents),
    (
        "grandmother",
        "\
            (?:arriere[- ])?grand[- ]?mere|grand[- ]?maman|\
            (?:great[- ])?grand[- ]?mother|mamie|mamy|mammie|meme|grannie|granny|gran|\
            grandma|grandmum|grandmom|nan|nana|nanna",
        Relation::Grandmother,
    ),
    (
        "grandfather",
        "\
            (?:arriere[- ])?grand[- ]?pere|grand[- ]?papa|(?:great[- ])?grand[- ]?father|\
            papi|papy|pepe|pepere|grandad|granddad|grandpa|gramps|grampa",
        Relation::Grandfather,
    ),
    ("parents", "parents|folks", Relation::Parents),
    ("mother", "mere|maman|moman|mother|mum|mom|mummy|mommy|mama", Relation::Mother),
    ("father", "pere|papa|father|dad|daddy", Relation::Father),
    ("neighbour", "voisine?|neighbou?r", Relation::Neighbour),
    ("someone", "amie?|copine|copain|proche|connaissance|friend|pal|mate|buddy", Relation::Someone),
];

/// A possessive ("ma", "mes", "my"…) or "pour une" / "for a", an optional adjective
/// ("ma vieille maman", "my elderly mother"), then a relation word.
///
/// Built at run time from [`RELATION_WORDS`], whose group names tell the relation, so
/// `lazy_regex!` (literals only) cannot check it: a test builds it.
static RELATION: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<String> =
        RELATION_WORDS.iter().map(|(group, words, _)| format!("(?P<{group}>{words})")).collect();
    Regex::new(&format!(
        r"\b(?:(?P<possessive>ma|mon|mes|notre|nos|sa|son|ses|leur|leurs|my|our|his|her|their) |(?:pour|for) (?:un |une |le |la |les |l'|a |an |the ))(?:(?:vieille|vieux|vieil|pauvre|chere|cher|old|elderly|dear|poor|little|older|younger|[0-9]{{2,3}}[- ]years?[- ]old) )?(?:{})s?\b",
        words.join("|")
    ))
    .expect("static regex")
});

/// Relation words people use on their own: "maman a besoin", "pour papi".
static RELATION_ALONE: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?P<mother>maman|mum|mom|mummy|mommy)|(?P<father>papa|dad|daddy)|(?P<grandmother>mamie|mamy|mammie|grand[- ]?maman|granny|grandma|grandmum)|(?P<grandfather>papi|papy|grand[- ]?papa|grandpa|grandad|granddad))\b"
);

/// "pour quelqu'un", "for someone", "pour une dame âgée". Not "je cherche quelqu'un": that
/// is the helper being looked for.
static SOMEONE: Lazy<Regex> = lazy_regex!(
    r"\b(?:pour|for) (?:quelqu'un|quelquun|qqn|someone|somebody|une personne(?: agee)?|une (?:vieille )?dame|un (?:vieux )?monsieur|an? (?:elderly|old|older) (?:lady|man|gentleman|person|woman)|a lady|a gentleman)\b"
);

/// Who a [prepared](crate::fold::prepare) text says the help is for, if not the writer.
/// Also reads who asked for a registration in the alert register ([`crate::register`]).
pub(crate) fn read(text: &str) -> Option<Relation> {
    let mut found: Vec<(usize, Relation)> = Vec::new();
    for caps in RELATION.captures_iter(text) {
        let Some((word, relation)) = RELATION_WORDS
            .iter()
            .find_map(|(group, _, relation)| Some((caps.name(group)?, *relation)))
        else {
            continue;
        };
        if caps.name("possessive").is_none() && matches!(word.as_str(), "meme" | "pepe") {
            continue;
        }
        found.push((caps.get(0).map_or(0, |m| m.start()), relation));
    }
    for caps in RELATION_ALONE.captures_iter(text) {
        let relation = if caps.name("mother").is_some() {
            Relation::Mother
        } else if caps.name("father").is_some() {
            Relation::Father
        } else if caps.name("grandmother").is_some() {
            Relation::Grandmother
        } else {
            Relation::Grandfather
        };
        found.push((caps.get(0).map_or(0, |m| m.start()), relation));
    }
    if let Some(m) = SOMEONE.find(text) {
        found.push((m.start(), Relation::Someone));
    }
    found.sort_by_key(|(at, _)| *at);

    let said = |relation: Relation| found.iter().any(|(_, r)| *r == relation);
    if said(Relation::Mother) && said(Relation::Father) {
        return Some(Relation::Parents);
    }
    if said(Relation::Grandmother) && said(Relation::Grandfather) {
        return Some(Relation::Grandparents);
    }
    found.first().map(|(_, relation)| *relation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relation_pattern_compiles() {
        assert_eq!(RELATION.captures_len(), RELATION_WORDS.len() + 2);
    }
}
