//! Reads a request's free text: what kind of help ([`Category`]), when ([`When`]) and for
//! whom ([`Relation`]). French and English, with or without accents.
//!
//! Everything works on [`fold`]ed text (lower case, no accents) and matches whole words.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use regex::Regex;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// What kind of help is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Shopping for food and daily things.
    Groceries,
    /// Fetching medicines.
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

/// A part of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    /// Until noon.
    Morning,
    /// Noon to six.
    Afternoon,
    /// After six.
    Evening,
}

/// When the help is wanted, resolved in the community's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Nothing said: as soon as possible.
    Asap,
    /// A day, optionally with an hour or a part of the day.
    On {
        /// The day.
        date: NaiveDate,
        /// The hour, if one was said.
        time: Option<NaiveTime>,
        /// The part of the day, if one was said.
        part: Option<DayPart>,
    },
}

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
    /// Another relative.
    Family,
    /// Someone else (a friend, someone close).
    Someone,
}

impl Relation {
    /// Every relation.
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

/// What the bot understood of a request's free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    /// The kind of help.
    pub category: Category,
    /// When.
    pub when: When,
    /// For whom, if not for the person who asks.
    pub on_behalf: Option<Relation>,
}

/// Lower-cases and strips accents, so that "Mère" and "mere" match.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            '’' | 'ʼ' | '‘' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Reads a request's free text. `now` is the current time in the community's time zone
/// (the caller passes it: this module never reads the clock).
pub fn read_request(text: &str, now: DateTime<Tz>) -> Reading {
    let text = fold(text);
    Reading {
        category: category(&text),
        when: when(&text, now),
        on_behalf: on_behalf(&text),
    }
}

/// Builds a regex from a static pattern; a pattern that does not compile is a bug caught
/// by every test, never something input can cause.
fn re(pattern: &str) -> Regex {
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("static regex")
}

/// Words (or phrases) that name a category, as regex alternatives on folded text.
static CATEGORIES: LazyLock<Vec<(Category, Regex)>> = LazyLock::new(|| {
    let words = |alternatives: &str| re(&format!(r"\b(?:{alternatives})\b"));
    vec![
        (
            Category::Groceries,
            words(
                "courses?|supermarches?|superettes?|epiceries?|pain|baguettes?|boulangeries?|marche|provisions|caddies?|\
                 lait|legumes|fruits|groceries|grocery|shopping|supermarket|bread|milk|food shop",
            ),
        ),
        (
            Category::Pharmacy,
            words(
                "pharmacies?|medicaments?|ordonnances?|pharmacy|chemist|prescriptions?|medicines?|medications?|pills",
            ),
        ),
        (
            Category::Lift,
            words(
                "rendez-vous|rdv|medecins?|docteur|hopital|dentiste|kine|ophtalmo|emmener|conduire|accompagner|\
                 transport|voiture|gare|lift|ride|drive|appointments?|doctor|hospital|dentist|take (?:her|him|me) to",
            ),
        ),
        (
            Category::Visit,
            words(
                "visites?|compagnie|discuter|parler|passer (?:la |le |les |me )?voir|promenades?|balade|seule?|solitude|\
                 jeux|lecture|visit|company|chat|walk|lonely|read to",
            ),
        ),
        (
            Category::Repairs,
            words(
                "bricolage|reparer|reparations?|ampoules?|fuite|meubles?|monter|jardin|jardinage|tondre|pelouse|haies?|\
                 repairs?|fix|bulbs?|garden|gardening|lawn|mow|hedge|diy|shelf",
            ),
        ),
        (
            Category::Paperwork,
            words(
                "papiers|administratif|administrative|demarches?|courriers?|lettres?|formulaires?|impots|dossiers?|caf|\
                 mutuelle|paperwork|forms?|letters?|taxes|tax return",
            ),
        ),
        (
            Category::Digital,
            words(
                "ordinateur|telephone|portable|smartphone|tablette|internet|e-?mails?|mails?|visio|wifi|imprimante|\
                 computer|phone|tablet|video call|printer|laptop|numerique",
            ),
        ),
    ]
});

fn category(text: &str) -> Category {
    let mut best = (0, Category::Other);
    for (category, words) in CATEGORIES.iter() {
        let hits = words.find_iter(text).count();
        // Strictly more: on a tie, the category listed first wins.
        if hits > best.0 {
            best = (hits, *category);
        }
    }
    best.1
}

static RELATIONS: LazyLock<Vec<(Relation, Regex)>> = LazyLock::new(|| {
    let words = |alternatives: &str| re(&format!(r"\b(?:{alternatives})\b"));
    // Grand-parents first: "ma grand-mere" must not read as "ma mere".
    vec![
        (
            Relation::Grandparents,
            words(r"mes grands?[- ]?parents|my grand ?parents"),
        ),
        (
            Relation::Grandmother,
            words(
                r"ma grand[- ]?mere|mamie|mamy|mami|my (?:gran|grandma|granny|grandmother|nan|nana)",
            ),
        ),
        (
            Relation::Grandfather,
            words(r"mon grand[- ]?pere|papi|papy|my (?:grandad|granddad|grandpa|grandfather)"),
        ),
        (
            Relation::Mother,
            words(r"ma (?:mere|maman|mere agee)|my (?:mum|mom|mother|mam|mummy|mommy)"),
        ),
        (
            Relation::Father,
            words(r"mon (?:pere|papa)|my (?:dad|father|daddy)"),
        ),
        (Relation::Parents, words(r"mes parents|my parents|my folks")),
        (
            Relation::Neighbour,
            words(r"ma voisine|mon voisin|notre voisine?|my (?:neighbour|neighbor)"),
        ),
        (
            Relation::Family,
            words(
                "ma (?:tante|soeur|fille|femme|cousine|belle-mere)|mon (?:oncle|frere|fils|mari|cousin|beau-pere)|\
                 my (?:aunt|uncle|sister|brother|son|daughter|husband|wife|cousin|mother-in-law|father-in-law)",
            ),
        ),
        (
            Relation::Someone,
            words(
                r"pour (?:une amie|un ami|un proche|une proche|quelqu'un|une personne agee)|for (?:a friend|someone|a relative)",
            ),
        ),
    ]
});

fn on_behalf(text: &str) -> Option<Relation> {
    RELATIONS
        .iter()
        .find(|(_, words)| words.is_match(text))
        .map(|(relation, _)| *relation)
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
];
const MONTHS_EN: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

static NUMERIC_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?\b"));
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    let months = [MONTHS_FR.join("|"), MONTHS_EN.join("|")].join("|");
    re(&format!(
        r"\b(\d{{1,2}})(?:er|st|nd|rd|th)? (?:of )?({months})\b"
    ))
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b({}) (\d{{1,2}})(?:st|nd|rd|th)?\b",
        MONTHS_EN.join("|")
    ))
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    )
});
static AFTER_TOMORROW: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bapres[- ]demain\b|\bday after tomorrow\b"));
static TOMORROW: LazyLock<Regex> = LazyLock::new(|| re(r"\bdemain\b|\btomorrow\b"));
static TODAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\baujourd'?hui\b|\btoday\b|\bce matin\b|\bcet (?:apres[- ]midi|aprem)\b|\bce soir\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b",
    )
});
static AFTERNOON: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bapres[- ]midi\b|\baprem\b|\bafternoon\b"));
static MORNING: LazyLock<Regex> = LazyLock::new(|| re(r"\bmatin(?:ee)?\b|\bmorning\b"));
static EVENING: LazyLock<Regex> = LazyLock::new(|| re(r"\bsoir(?:ee)?\b|\bevening\b|\btonight\b"));
static ASAP: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\bdes que possible\b|\basap\b|\bau plus vite\b|\bas soon as possible\b|\burgent\b")
});
static HOUR_FR: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{1,2}) ?h ?(\d{2})?\b"));
static HOUR_COLON: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{1,2}):(\d{2}) ?(am|pm)?\b"));
static HOUR_AMPM: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{1,2}) ?(am|pm)\b"));
static NOON: LazyLock<Regex> = LazyLock::new(|| re(r"\bmidi\b|\bnoon\b"));

fn when(text: &str, now: DateTime<Tz>) -> When {
    let today = now.date_naive();
    // "apres-midi" holds "midi": take parts of the day out before looking for noon.
    let afternoon = AFTERNOON.is_match(text);
    let without_afternoon = AFTERNOON.replace_all(text, " ");
    let part = if afternoon {
        Some(DayPart::Afternoon)
    } else if EVENING.is_match(text) {
        Some(DayPart::Evening)
    } else if MORNING.is_match(text) {
        Some(DayPart::Morning)
    } else {
        None
    };
    let date = explicit_date(text, today)
        .or_else(|| {
            AFTER_TOMORROW
                .is_match(text)
                .then(|| today + Duration::days(2))
        })
        .or_else(|| TOMORROW.is_match(text).then(|| today + Duration::days(1)))
        .or_else(|| TODAY.is_match(text).then_some(today))
        .or_else(|| weekday(text, today));
    let time = hour(&without_afternoon);
    if date.is_none() && time.is_none() && part.is_none() {
        return When::Asap;
    }
    if ASAP.is_match(text) && date.is_none() && time.is_none() {
        return When::Asap;
    }
    let date = date.unwrap_or_else(|| {
        let still_ahead = match (time, part) {
            (Some(time), _) => time > now.time(),
            (None, Some(DayPart::Morning)) => now.time() < noon(),
            (None, Some(DayPart::Afternoon)) => now.time() < six_pm(),
            (None, _) => true,
        };
        if still_ahead {
            today
        } else {
            today + Duration::days(1)
        }
    });
    When::On { date, time, part }
}

fn noon() -> NaiveTime {
    NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()
}

fn six_pm() -> NaiveTime {
    NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default()
}

/// A day and a month (maybe a year): this year's, or next year's if already past.
fn explicit_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let month_number = |name: &str| {
        MONTHS_FR
            .iter()
            .chain(MONTHS_EN.iter())
            .position(|m| *m == name)
            .map(|i| u32::try_from(i % 12 + 1).unwrap_or(1))
    };
    let (day, month, year) = if let Some(c) = NUMERIC_DATE.captures(text) {
        let year = c
            .get(3)
            .and_then(|y| y.as_str().parse::<i32>().ok())
            .map(|y| if y < 100 { 2000 + y } else { y });
        (c[1].parse().ok()?, c[2].parse().ok()?, year)
    } else if let Some(c) = DAY_MONTH.captures(text) {
        (c[1].parse().ok()?, month_number(&c[2])?, None)
    } else if let Some(c) = MONTH_DAY.captures(text) {
        (c[2].parse().ok()?, month_number(&c[1])?, None)
    } else {
        return None;
    };
    match year {
        Some(year) => NaiveDate::from_ymd_opt(year, month, day),
        None => {
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day)?;
            if this_year >= today {
                Some(this_year)
            } else {
                NaiveDate::from_ymd_opt(today.year() + 1, month, day)
            }
        }
    }
}

/// The next such weekday, strictly after today: for today people say "aujourd'hui".
fn weekday(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let name = WEEKDAY.captures(text)?.get(1)?.as_str();
    let wanted = match name {
        "lundi" | "monday" => Weekday::Mon,
        "mardi" | "tuesday" => Weekday::Tue,
        "mercredi" | "wednesday" => Weekday::Wed,
        "jeudi" | "thursday" => Weekday::Thu,
        "vendredi" | "friday" => Weekday::Fri,
        "samedi" | "saturday" => Weekday::Sat,
        _ => Weekday::Sun,
    };
    let ahead = (i64::from(wanted.num_days_from_monday())
        - i64::from(today.weekday().num_days_from_monday())
        + 6)
        % 7
        + 1;
    Some(today + Duration::days(ahead))
}

fn hour(text: &str) -> Option<NaiveTime> {
    let at = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0);
    let with_meridiem = |h: u32, meridiem: Option<&str>| match meridiem {
        Some("pm") if (1..12).contains(&h) => Some(h + 12),
        Some("am") if h == 12 => Some(0),
        Some(_) if h > 12 => None,
        _ => Some(h),
    };
    for c in HOUR_COLON.captures_iter(text) {
        let h = with_meridiem(c[1].parse().ok()?, c.get(3).map(|m| m.as_str()));
        if let Some(time) = h.and_then(|h| at(h, c[2].parse().ok()?)) {
            return Some(time);
        }
    }
    for c in HOUR_AMPM.captures_iter(text) {
        if let Some(time) = with_meridiem(c[1].parse().ok()?, Some(&c[2])).and_then(|h| at(h, 0)) {
            return Some(time);
        }
    }
    for c in HOUR_FR.captures_iter(text) {
        let minutes = c.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
        if let Some(time) = at(c[1].parse().ok()?, minutes) {
            return Some(time);
        }
    }
    NOON.is_match(text).then(noon)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;
    use proptest::prelude::*;

    use super::*;

    /// Monday 23 November 2026, 10:00 in Paris.
    fn now() -> DateTime<Tz> {
        Paris
            .with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
            .single()
            .expect("valid test date")
    }

    fn day(d: u32, m: u32, y: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn hm(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn fold_lowers_and_strips_accents() {
        assert_eq!(fold("LÂCHER"), "lacher");
        assert_eq!(fold("Mère"), "mere");
        assert_eq!(fold("cœur"), "coeur");
        assert_eq!(fold("aujourd’hui"), "aujourd'hui");
        assert_eq!(fold("Ça va, Éloïse ?"), "ca va, eloise ?");
    }

    #[test]
    fn categories_from_real_phrasings() {
        use Category::*;
        let table = [
            ("courses pour ma mère demain matin", Groceries),
            (
                "Quelqu'un pourrait faire les courses au supermarché ?",
                Groceries,
            ),
            ("besoin de pain et de lait", Groceries),
            ("aller à l'épicerie pour moi", Groceries),
            ("faire mes courses samedi", Groceries),
            ("chercher ses médicaments à la pharmacie", Pharmacy),
            ("récupérer une ordonnance", Pharmacy),
            ("Pharmacie svp, c'est urgent", Pharmacy),
            ("aller chercher des medicaments", Pharmacy),
            ("emmener ma mère chez le médecin jeudi", Lift),
            ("rendez-vous chez le dentiste à 14h", Lift),
            ("un rdv à l'hôpital, il faudrait la conduire", Lift),
            ("accompagner mon père à la gare", Lift),
            ("passer voir ma grand-mère, elle est seule", Visit),
            ("un peu de compagnie pour discuter", Visit),
            ("une promenade avec mon voisin", Visit),
            ("visite de courtoisie", Visit),
            ("changer une ampoule", Repairs),
            ("tondre la pelouse", Repairs),
            ("petit bricolage : réparer une étagère", Repairs),
            ("tailler la haie du jardin", Repairs),
            ("remplir un formulaire de la CAF", Paperwork),
            ("aide pour les impôts", Paperwork),
            ("écrire une lettre à la mutuelle", Paperwork),
            ("démarches administratives", Paperwork),
            ("installer une tablette", Digital),
            (
                "apprendre à faire une visio avec ses petits-enfants",
                Digital,
            ),
            ("problème d'ordinateur et d'internet", Digital),
            ("régler son téléphone portable", Digital),
            ("porter un colis", Other),
            ("groceries for my dad tomorrow", Groceries),
            ("some shopping at the supermarket", Groceries),
            ("pick up a prescription at the pharmacy", Pharmacy),
            ("collect her medicine", Pharmacy),
            ("a lift to the doctor on Friday", Lift),
            ("drive my mum to a hospital appointment", Lift),
            ("a visit, she is lonely", Visit),
            ("someone to chat with my grandad", Visit),
            ("fix a leaking tap and change a bulb", Repairs),
            ("mow the lawn", Repairs),
            ("help with a tax return", Paperwork),
            ("fill in forms", Paperwork),
            ("set up a video call on her tablet", Digital),
            ("help with my computer", Digital),
            ("carry a parcel", Other),
        ];
        for (text, expected) in table {
            assert_eq!(read_request(text, now()).category, expected, "{text}");
        }
    }

    #[test]
    fn on_behalf_from_real_phrasings() {
        use Relation::*;
        let table = [
            ("courses pour ma mère", Some(Mother)),
            ("ma maman a besoin de pain", Some(Mother)),
            ("pour ma MERE", Some(Mother)),
            ("pour mon père", Some(Father)),
            ("mon papa ne conduit plus", Some(Father)),
            ("mes parents ont besoin d'aide", Some(Parents)),
            ("pour ma grand-mère", Some(Grandmother)),
            ("pour ma grand mère", Some(Grandmother)),
            ("ma mamie est seule", Some(Grandmother)),
            ("mon grand-père", Some(Grandfather)),
            ("papi a besoin d'aide", Some(Grandfather)),
            ("mes grands-parents", Some(Grandparents)),
            ("pour ma voisine", Some(Neighbour)),
            ("mon voisin est malade", Some(Neighbour)),
            ("ma tante", Some(Family)),
            ("mon oncle", Some(Family)),
            ("pour mon frère", Some(Family)),
            ("ma soeur", Some(Family)),
            ("ma sœur", Some(Family)),
            ("mon mari est à l'hôpital", Some(Family)),
            ("pour une amie", Some(Someone)),
            ("pour un proche", Some(Someone)),
            ("pour quelqu'un", Some(Someone)),
            ("j'ai besoin de pain", None),
            ("courses pour moi", None),
            ("for my mum", Some(Mother)),
            ("for my mom", Some(Mother)),
            ("my mother needs help", Some(Mother)),
            ("for my dad", Some(Father)),
            ("my father", Some(Father)),
            ("my parents", Some(Parents)),
            ("my gran", Some(Grandmother)),
            ("my grandma", Some(Grandmother)),
            ("my grandad", Some(Grandfather)),
            ("my grandparents", Some(Grandparents)),
            ("my neighbour", Some(Neighbour)),
            ("my neighbor", Some(Neighbour)),
            ("my aunt", Some(Family)),
            ("for a friend", Some(Someone)),
            ("I need bread", None),
        ];
        for (text, expected) in table {
            assert_eq!(read_request(text, now()).on_behalf, expected, "{text}");
        }
    }

    #[test]
    fn times_from_real_phrasings() {
        use DayPart::*;
        let on = |date, time, part| When::On { date, time, part };
        let table = [
            ("courses", When::Asap),
            ("dès que possible", When::Asap),
            ("c'est urgent", When::Asap),
            ("2 baguettes et 3 pommes", When::Asap),
            ("aujourd'hui", on(day(23, 11, 2026), None, None)),
            ("ce matin", on(day(23, 11, 2026), None, Some(Morning))),
            (
                "cet après-midi",
                on(day(23, 11, 2026), None, Some(Afternoon)),
            ),
            ("ce soir", on(day(23, 11, 2026), None, Some(Evening))),
            ("demain", on(day(24, 11, 2026), None, None)),
            ("DEMAIN", on(day(24, 11, 2026), None, None)),
            ("demain matin", on(day(24, 11, 2026), None, Some(Morning))),
            (
                "demain après-midi",
                on(day(24, 11, 2026), None, Some(Afternoon)),
            ),
            ("demain soir", on(day(24, 11, 2026), None, Some(Evening))),
            ("après-demain", on(day(25, 11, 2026), None, None)),
            ("jeudi", on(day(26, 11, 2026), None, None)),
            ("jeudi 14h", on(day(26, 11, 2026), hm(14, 0), None)),
            ("lundi", on(day(30, 11, 2026), None, None)),
            ("samedi matin", on(day(28, 11, 2026), None, Some(Morning))),
            ("le 25/11", on(day(25, 11, 2026), None, None)),
            ("le 25/11/2026 à 9h", on(day(25, 11, 2026), hm(9, 0), None)),
            ("le 3/01", on(day(3, 1, 2027), None, None)),
            ("le 25 novembre", on(day(25, 11, 2026), None, None)),
            ("le 1er décembre", on(day(1, 12, 2026), None, None)),
            ("le 3 mars", on(day(3, 3, 2027), None, None)),
            ("à 14h", on(day(23, 11, 2026), hm(14, 0), None)),
            ("vers 14h30", on(day(23, 11, 2026), hm(14, 30), None)),
            ("à 14 h 30", on(day(23, 11, 2026), hm(14, 30), None)),
            ("à 9h", on(day(24, 11, 2026), hm(9, 0), None)),
            ("à midi", on(day(23, 11, 2026), hm(12, 0), None)),
            ("le matin", on(day(23, 11, 2026), None, Some(Morning))),
            (
                "dans la matinée",
                on(day(23, 11, 2026), None, Some(Morning)),
            ),
            ("l'après-midi", on(day(23, 11, 2026), None, Some(Afternoon))),
            ("demain 25h", on(day(24, 11, 2026), None, None)),
            ("today", on(day(23, 11, 2026), None, None)),
            (
                "this afternoon",
                on(day(23, 11, 2026), None, Some(Afternoon)),
            ),
            ("tonight", on(day(23, 11, 2026), None, Some(Evening))),
            (
                "tomorrow morning",
                on(day(24, 11, 2026), None, Some(Morning)),
            ),
            ("tomorrow at 3pm", on(day(24, 11, 2026), hm(15, 0), None)),
            (
                "tomorrow at 10:30am",
                on(day(24, 11, 2026), hm(10, 30), None),
            ),
            ("on Friday", on(day(27, 11, 2026), None, None)),
            (
                "Saturday afternoon",
                on(day(28, 11, 2026), None, Some(Afternoon)),
            ),
            ("on 25 November", on(day(25, 11, 2026), None, None)),
            ("November 25th", on(day(25, 11, 2026), None, None)),
            ("at noon", on(day(23, 11, 2026), hm(12, 0), None)),
            ("at 11:15", on(day(23, 11, 2026), hm(11, 15), None)),
            ("the day after tomorrow", on(day(25, 11, 2026), None, None)),
            ("asap please", When::Asap),
        ];
        for (text, expected) in table {
            assert_eq!(read_request(text, now()).when, expected, "{text}");
        }
    }

    #[test]
    fn a_date_wins_over_a_weekday() {
        let when = read_request("vendredi 4 décembre", now()).when;
        assert_eq!(
            when,
            When::On {
                date: day(4, 12, 2026),
                time: None,
                part: None
            }
        );
    }

    proptest! {
        #[test]
        fn reading_never_panics(text in "\\PC{0,400}") {
            let _ = read_request(&text, now());
        }

        #[test]
        fn reading_digits_and_words_never_panics(text in "[0-9 :/.h-]{0,40}(am|pm|er|th)?") {
            let _ = read_request(&text, now());
        }

        #[test]
        fn fold_is_idempotent(text in "\\PC{0,200}") {
            prop_assert_eq!(fold(&fold(&text)), fold(&text));
        }
    }
}
