//! What kind of help a request asks for ([`Category`]): keywords scored, strong ones
//! counting double.

use std::sync::LazyLock;

use lazy_regex::Regex;

/// What kind of help is asked for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Shopping for food and daily things.
    Groceries,
    /// Fetching medicines or a prescription.
    Pharmacy,
    /// A lift, or company to an appointment.
    Lift,
    /// A visit, company, a walk.
    Visit,
    /// Small repairs or gardening.
    Repairs,
    /// Letters, forms, administrative steps.
    Paperwork,
    /// Help with a phone, a computer, the internet.
    Digital,
    /// Anything else.
    Other,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 8] = [
        Category::Groceries,
        Category::Pharmacy,
        Category::Lift,
        Category::Visit,
        Category::Repairs,
        Category::Paperwork,
        Category::Digital,
        Category::Other,
    ];
}

/// Words that point to a category. Strong words name the help itself; weak ones (verbs,
/// words also met in other requests) count half, so they only tip a balance.
struct Keywords {
    category: Category,
    /// Patterns separated by `|`.
    strong: &'static str,
    /// Patterns separated by `|`.
    weak: &'static str,
}

const KEYWORDS: [Keywords; 7] = [
    Keywords {
        category: Category::Groceries,
        // "marche" alone may be "it works" or "walks": only "au marché" and the like.
        strong: "\
            courses?|supermarches?|hypermarches?|epiceries?|boulangeries?|boucheries?|\
            provisions|ravitaillement|caddies?|liste de courses|\
            (?:au|du|le|les|des|un) marches?|carrefour|leclerc|intermarche|lidl|auchan|\
            monoprix|franprix|aldi|groceries|grocery|supermarkets?|food shop(?:ping)?|\
            food bank|banque alimentaire|tesco|sainsbury'?s",
        weak: "\
            pains?|baguettes?|lait|legumes|fruits|nourriture|packs? d'eau|repas|shopping|\
            shop|bread|milk|food|meals?|vegetables",
    },
    Keywords {
        category: Category::Pharmacy,
        strong: "\
            pharmacies?|pharmacien(?:ne)?s?|medicaments?|medocs?|ordonnances?|pilulier|\
            pharmacy|chemists?|chemist's|prescriptions?|medicines?|medications?",
        weak: "cachets|pansements|pills",
    },
    Keywords {
        category: Category::Lift,
        strong: "\
            rendez[- ]?vous|rdv|medecins?|docteurs?|generaliste|hopital|\
            hopitaux|cliniques?|dentistes?|kine|kinesitherapeute|ophtalmo(?:logue)?|\
            cardiologue|dermatologue|specialiste|radiologie|laboratoire|labo|\
            prise de sang|urgences|gare|aeroport|lift|ride|appointments?|doctors?|\
            doctor's|gp|hospital|clinic|dentists?|dentist's|physio(?:therapist)?|\
            optician|train station|station|airport|blood test",
        weak: "\
            emmener|amener|ramener|raccompagner|accompagner|accompagnement|conduire|\
            transport|transporter|voiture|taxi|deposer|coiffeur|drive|driving|\
            take (?:him|her|them|me)|accompany|hairdresser",
    },
    Keywords {
        category: Category::Visit,
        strong: "\
            visites?|compagnie|promenades?|balades?|solitude|isolee?s?|jeux|\
            jeux? de societe|belote|scrabble|jouer aux cartes|lecture|\
            passer (?:la |le |les |me |nous )?voir|un cafe|visits?|visiting|company|\
            lonely|loneliness|isolated|a chat|chat with|cup of tea|cuppa|read to|\
            board games?|card games?",
        weak: "\
            discuter|discussion|parler|bavarder|papoter|seule?s?|promener|gouter|talk|\
            walks?|tea|alone",
    },
    Keywords {
        category: Category::Repairs,
        strong: "\
            bricolage|bricoler|reparations?|ampoules?|fuites?|meubles?|jardins?|\
            jardinage|tondre|tonte|pelouse|gazon|haies?|plomberie|robinets?|etageres?|\
            tringles?|volets?|gouttieres?|serrure|chauffe-eau|radiateurs?|debroussailler|\
            desherber|feuilles mortes|deneiger|petits travaux|repairs?|repairing|bulbs?|\
            light bulb|gardens?|gardening|lawns?|mow|mowing|hedges?|leak(?:s|ing)?|shelf|\
            shelves|furniture|taps?|plumbing|diy|boiler|fence|gutters?|weeding|odd jobs",
        weak: "\
            reparer|monter|installer|changer|tailler|poser|visser|accrocher|fix|fixing|\
            change|hang|install|assemble",
    },
    Keywords {
        category: Category::Paperwork,
        strong: "\
            papiers|paperasse|administrati(?:fs?|ves?)|administration|\
            demarches?|courriers?|lettres?|formulaires?|impots?|\
            declaration|dossiers?|caf|mutuelle|cpam|secu|securite sociale|ameli|retraite|\
            carte vitale|carte d'identite|passeport|banque|factures?|assurances?|notaire|\
            mairie|prefecture|allocations?|paperwork|forms?|letters?|tax|taxes|\
            tax return|bills?|bank|pension|insurance|benefits|passport|admin|post office|\
            la poste",
        weak: "remplir|ecrire|signer|fill in|fill out|write|sign",
    },
    Keywords {
        category: Category::Digital,
        strong: "\
            ordinateurs?|ordi|telephones?|portables?|smartphones?|tablettes?|internet|\
            e-?mails?|mails?|courriels?|visio|visioconference|wifi|wi-fi|imprimantes?|\
            box internet|logiciels?|applications?|applis?|whatsapp|skype|zoom|facetime|\
            messenger|facebook|doctolib|mot de passe|en ligne|site (?:internet|web)|\
            scanner|clavier|ecran|tele|television|telecommande|computers?|pc|phones?|\
            mobile|tablets?|ipad|iphone|android|video calls?|printers?|laptops?|apps?|\
            passwords?|online|website|router|texto|sms|tv|remote",
        weak: "configurer|parametrer|brancher|connexion|set up|setup|connect",
    },
];

/// `\b(?:word|word…)\b` for `|`-separated patterns written in this file. Built at run time
/// from [`KEYWORDS`], which `lazy_regex!` (literals only) cannot check: a test builds
/// every one.
fn words_regex(words: &str) -> Regex {
    Regex::new(&format!(r"\b(?:{words})\b")).expect("static regex")
}

/// Category keyword regexes: category, strong words, weak words.
static CATEGORY_PATTERNS: LazyLock<Vec<(Category, Regex, Regex)>> = LazyLock::new(|| {
    KEYWORDS.iter().map(|k| (k.category, words_regex(k.strong), words_regex(k.weak))).collect()
});

/// The category of a [prepared](crate::fold::prepare) text: the one whose keywords score
/// best, [`Category::Other`] when none is found.
pub(super) fn read(text: &str) -> Category {
    let mut best = (Category::Other, 0);
    for (category, strong, weak) in CATEGORY_PATTERNS.iter() {
        let score = 2 * strong.find_iter(text).count() + weak.find_iter(text).count();
        // Strictly greater: ties go to the category that comes first in `ALL`.
        if score > best.1 {
            best = (*category, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_pattern_compiles() {
        assert_eq!(CATEGORY_PATTERNS.len(), KEYWORDS.len());
    }
}
