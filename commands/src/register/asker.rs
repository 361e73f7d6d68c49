//! Who asked for a registration: the person, or a third party of some kind ("sa fille",
//! "le Dr Roux", "l'aide à domicile", "her neighbour"). Relation words are
//! [`crate::reading`]'s, the same that tell for whom a request is.

use lazy_regex::{Lazy, Regex, lazy_regex};

use super::{AskedBy, Asker, ThirdParty, text::clean};
use crate::{Relation, fold::prepare, read_relation};

/// The person themself, or their legal representative (R121-4). Prepared text.
static THEMSELF: Lazy<Regex> = lazy_regex!(
    r"^(?:par |by )?(?:elle-meme|lui-meme|eux-memes|elles-memes|soi-meme|moi-meme|elle meme|lui meme|l'interessee?|la personne(?: elle-meme| lui-meme| concernee| inscrite)?|l'inscrite?|herself|himself|themselves|themself|myself|the person(?: themself| herself| himself| concerned)?|self|sa tutrice|son tuteur|sa curatrice|son curateur|(?:la |le |son |sa )?(?:tut(?:eur|rice)|curat(?:eur|rice)|mandataire(?: judiciaire)?|representante? legale?)|(?:her |his |their |the )?(?:legal (?:representative|guardian)|guardian|deputy)|(?:a |at )?(?:sa|son|her|his|their) (?:own )?(?:propre )?(?:demande|request))\b"
);

/// Words that open a value and are no part of who asked: "de", "par", "the"…
static LEADING: Lazy<Regex> =
    lazy_regex!(r"(?i)^(?:(?:de la|des|du|de|par|by|of)\s+|(?:de l|d)['’]\s*)+");

/// A doctor. Prepared text.
static DOCTOR: Lazy<Regex> =
    lazy_regex!(r"\b(?:dr|docteur|doctor|medecin|gp|generaliste|pharmacien(?:ne)?|pharmacist)\b");

/// A carer or a home-help service. Prepared text.
static CARER: Lazy<Regex> = lazy_regex!(
    r"\b(?:aide[- ]soignante?|auxiliaire de vie|aide a domicile|aide[- ]menagere|aides? a domicile|infirmiere?s?|ssiad|saad|admr|aidante?|carers?|care workers?|caregivers?|home help|home care|nurses?|service d'aide|portage de repas)\b"
);

/// Words of family and neighbours that [`read_relation`] needs a possessive before.
static ARTICLE: Lazy<Regex> = lazy_regex!(r"^(?:le |la |les |l'|un |une |the |a |an )");

/// Who asked, from what follows "demandé par" (or a spreadsheet's cell). Blank, or the
/// person's own words, is [`AskedBy::Themself`].
pub(super) fn read(words: &str) -> AskedBy {
    let cleaned = clean(words);
    let without_leading = match LEADING.find(&cleaned) {
        // "de" and "du" are words the sentence needed, not the asker's ("du Dr Roux").
        Some(found) => cleaned[found.end()..].trim_start(),
        None => cleaned.as_str(),
    };
    let words = without_leading.trim_matches(|c: char| c.is_whitespace() || ",.;:".contains(c));
    let prepared = prepare(words);
    if super::text::is_blank(words) || THEMSELF.is_match(&prepared) {
        return AskedBy::Themself;
    }
    AskedBy::ThirdParty(ThirdParty { kind: kind(&prepared), words: words.to_owned() })
}

/// What kind of third party prepared words name.
pub(super) fn kind(prepared: &str) -> Asker {
    let bare = ARTICLE.find(prepared).map_or(prepared, |found| &prepared[found.end()..]);
    // A doctor or a carer named first is one, whoever they work for ("l'infirmière de sa
    // mère"); otherwise a relation word decides ("sa fille, aide-soignante").
    let first_words = bare.split(' ').take(2).collect::<Vec<_>>().join(" ");
    if DOCTOR.is_match(&first_words) {
        return Asker::Doctor;
    }
    if CARER.is_match(&first_words) {
        return Asker::Carer;
    }
    let relation = read_relation(prepared).or_else(|| read_relation(&format!("ma {bare}")));
    match relation {
        Some(Relation::Neighbour | Relation::Someone) => Asker::Neighbour,
        Some(_) => Asker::Family,
        None if DOCTOR.is_match(prepared) => Asker::Doctor,
        None if CARER.is_match(prepared) => Asker::Carer,
        None => Asker::Other,
    }
}

/// The kind of third party a spreadsheet's column says, in French or English (what
/// [`super::write_csv`] writes).
pub(super) fn read_kind(value: &str) -> Option<Asker> {
    let prepared = prepare(value);
    let word = prepared.split([' ', ',', '/']).next().unwrap_or_default();
    match word {
        "famille" | "family" | "parent" | "relative" => Some(Asker::Family),
        "voisin" | "voisine" | "voisinage" | "ami" | "amie" | "neighbour" | "neighbor"
        | "friend" => Some(Asker::Neighbour),
        "aidant" | "aidante" | "aide" | "carer" | "service" | "auxiliaire" | "infirmiere"
        | "infirmier" => Some(Asker::Carer),
        "medecin" | "docteur" | "doctor" | "dr" | "gp" => Some(Asker::Doctor),
        "autre" | "other" | "tiers" => Some(Asker::Other),
        _ => None,
    }
}

/// The kind of third party as [`super::write_csv`] writes it.
pub(super) fn kind_label(kind: Asker, lang: crate::Lang) -> &'static str {
    use crate::Lang::{En, Fr};
    match (kind, lang) {
        (Asker::Family, Fr) => "famille",
        (Asker::Family, En) => "family",
        (Asker::Neighbour, Fr) => "voisin ou ami",
        (Asker::Neighbour, En) => "neighbour or friend",
        (Asker::Carer, Fr) => "aidant ou service d'aide",
        (Asker::Carer, En) => "carer or home-help service",
        (Asker::Doctor, Fr) => "médecin",
        (Asker::Doctor, En) => "doctor",
        (Asker::Other, Fr) => "autre",
        (Asker::Other, En) => "other",
    }
}
