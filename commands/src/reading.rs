//! Reads a request's free text: what kind of help ([`Category`]), when ([`When`]) and for
//! whom ([`Relation`]). French and English, with or without accents.
//!
//! Everything works on [`fold`]ed text (lower case, no accents), with each run of white
//! space made one space, and whole-word regexes built once. The current time comes in as an argument: nothing
//! here reads the clock.

use std::{ops::Range, sync::LazyLock};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Timelike, Weekday};
use chrono_tz::Tz;
use regex::{Captures, Regex};
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

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
        /// The hour, when one was said.
        time: Option<NaiveTime>,
        /// The part of the day, when one was said.
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

/// What the bot understood of a request's free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    /// What kind of help.
    pub category: Category,
    /// When.
    pub when: When,
    /// For whom, when it is not the person who asks.
    pub on_behalf: Option<Relation>,
}

/// Reads a request's free text. `now` is the current time in the community's time zone
/// (the caller passes it: this module never reads the clock).
pub fn read_request(text: &str, now: DateTime<Tz>) -> Reading {
    let text = prepare(text);
    Reading {
        category: read_category(&text),
        when: read_when(&text, now),
        on_behalf: read_on_behalf(&text),
    }
}

/// Lower-cases and strips accents (NFD, drop combining marks), so "Mère" and "mere" match.
/// Also spells out 'œ' and 'æ' and turns typographic apostrophes into `'`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().nfd() {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '\u{2019}' | '\u{2018}' | '\u{02bc}' => out.push('\''),
            c if is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds the text, makes every run of white space one plain space and every dash a
/// hyphen, so that patterns can use a literal space and `-`.
fn prepare(text: &str) -> String {
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
        out.push(match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        });
    }
    out
}

/// A regex built once from a pattern written in this file.
macro_rules! static_regex {
    ($pattern:expr) => {
        LazyLock::new(|| Regex::new($pattern).expect("static regex"))
    };
}

/// `\b(?:word|word…)\b` for `|`-separated patterns written in this file.
fn words_regex(words: &str) -> Regex {
    Regex::new(&format!(r"\b(?:{words})\b")).expect("static regex")
}

// ---------------------------------------------------------------------------------------
// Category

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

/// Category keyword regexes: category, strong words, weak words.
static CATEGORY_PATTERNS: LazyLock<Vec<(Category, Regex, Regex)>> = LazyLock::new(|| {
    KEYWORDS.iter().map(|k| (k.category, words_regex(k.strong), words_regex(k.weak))).collect()
});

fn read_category(text: &str) -> Category {
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

// ---------------------------------------------------------------------------------------
// When

/// "demain", "après-demain", "aujourd'hui" and their English forms.
static RELATIVE_DAY: LazyLock<Regex> = static_regex!(
    r"\b(?:(?P<two>apres[- ]?demain|(?:the )?day after tomorrow)|(?P<one>demain|tomorrow|tmrw)|(?P<zero>aujourd ?'? ?hui|auj|today))\b"
);

/// "ce soir", "this morning", "tonight": today, with a part of the day.
static THIS_PART: LazyLock<Regex> = static_regex!(
    r"\b(?:(?:ce|cet|cette|this) (?:matin(?:ee)?|apres[- ]?midi|aprem|soir(?:ee)?|midi|nuit|morning|afternoon|evening|night)|tonight|tonite)\b"
);

/// "ce week-end", "this weekend".
static WEEKEND: LazyLock<Regex> = static_regex!(r"\b(?:ce|this) week[- ]?end\b");

/// A part of the day, alone or after a day.
static PART: LazyLock<Regex> = static_regex!(
    r"\b(?:(?P<morning>matin(?:ee)?s?|mornings?)|(?P<afternoon>apres[- ]?midis?|aprem|afternoons?)|(?P<evening>soir(?:ee)?s?|nuit|evenings?|tonight|tonite|night))\b"
);

/// A day of the week, full names only.
static WEEKDAY: LazyLock<Regex> = static_regex!(
    r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"
);

/// "25/11", "25-11", "25/11/2026", "25/11/26".
static NUMERIC_DATE: LazyLock<Regex> = static_regex!(
    r"\b(?P<day>[0-9]{1,2})[/-](?P<month>[0-9]{1,2})(?:[/-](?P<year>[0-9]{4}|[0-9]{2}))?\b"
);

const MONTHS: &str = "janvier|janv|jan|fevrier|fevr|fev|mars|avril|avr|mai|juin|juillet|juil|aout|septembre|sept|sep|octobre|oct|novembre|nov|decembre|dec|january|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|october|november|december";

/// English month names that may come before the day ("November 25"). Without "mar": in
/// French it is short for "mardi" ("mar. 25 nov.").
const MONTHS_FIRST: &str = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|apr|jun|jul|aug|sept|sep|oct|nov|dec";

/// "25 novembre", "1er mars", "le 3 décembre 2026", "25th of November", and the first
/// day of a range: "du 1er au 5 décembre".
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?P<day>premier|[0-9]{{1,2}})(?:er|e|eme|st|nd|rd|th)?(?:(?: (?:au|a|et|ou|to|and|or) | ?- ?)[0-9]{{1,2}}(?:er|e|st|nd|rd|th)?)? (?:of |de )?(?P<month>{MONTHS})\b\.?(?: ?(?P<year>[0-9]{{4}})\b)?"
    ))
    .expect("static regex")
});

/// "November 25", "Nov 25th, 2026".
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?P<month>{MONTHS_FIRST})\.? (?:the )?(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<year>[0-9]{{4}})\b)?"
    ))
    .expect("static regex")
});

/// "le 25", "the 25th": a day of this month or the next.
static DAY_ONLY: LazyLock<Regex> = static_regex!(
    r"\b(?P<article>le|the) (?P<day>[0-9]{1,2})(?P<suffix>er|st|nd|rd|th)?\b(?P<next> ?[a-z0-9]*)"
);

/// Whether the word after "le 12" shows it is not a date (an address, a floor).
fn names_a_place(word: &str) -> bool {
    matches!(
        word,
        "rue"
            | "avenue"
            | "bd"
            | "boulevard"
            | "chemin"
            | "allee"
            | "impasse"
            | "place"
            | "route"
            | "street"
            | "road"
            | "floor"
    )
}

/// An hour: "3pm", "10:30 am", "14h", "14h30", "14 h 30", "9 heures", "14:30", "midi".
static TIME: LazyLock<Regex> = static_regex!(
    r"(?x)
    \b(?P<ap_hour>[0-9]{1,2})(?:[:.](?P<ap_minute>[0-9]{2}))?\ ?(?P<ap>[ap])\.?m\b
    | \b(?P<h_hour>[0-9]{1,2})\ ?h(?:eures?)?(?:\ ?(?P<h_minute>[0-9]{2})(?:\ ?min)?)?\b
    | \b(?P<c_hour>[0-9]{1,2}):(?P<c_minute>[0-9]{2})\b
    | \b(?P<after>apres[-\ ]?)?(?:midi|noon|midday)\b
    "
);

/// Words before a number of hours that make it a length of time ("pendant 2h").
const DURATION_BEFORE: [&str; 4] = ["pendant", "durant", "environ", "during"];

/// An hour as said, before a part of the day may move it to the afternoon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SaidTime {
    hour: u32,
    minute: u32,
    /// Said with am/pm or as noon: never moved.
    fixed: bool,
}

impl SaidTime {
    /// "ce soir à 8h" means 20:00.
    fn resolve(self, part: Option<DayPart>) -> Option<NaiveTime> {
        let later_part = matches!(part, Some(DayPart::Afternoon | DayPart::Evening));
        let hour = if !self.fixed && later_part && (1..=11).contains(&self.hour) {
            self.hour + 12
        } else {
            self.hour
        };
        NaiveTime::from_hms_opt(hour, self.minute, 0)
    }
}

fn read_when(text: &str, now: DateTime<Tz>) -> When {
    let today = now.date_naive();
    let mut time_spans = Vec::new();
    let mut said_time = None;
    for caps in TIME.captures_iter(text) {
        if let Some(whole) = caps.get(0) {
            time_spans.push(whole.range());
        }
        if said_time.is_none() {
            said_time = time_of(&caps, text);
        }
    }
    let part = part_of_day(text);
    let time = said_time.and_then(|t| t.resolve(part));
    let date = explicit_date(text, today, &time_spans)
        .or_else(|| relative_day(text, today))
        .or_else(|| weekday(text, today))
        .or_else(|| weekend(text, today));
    let tomorrow = today.succ_opt();
    let date = match (date, time, part) {
        (Some(date), _, _) => Some(date),
        (None, Some(time), _) if time > now.time() => Some(today),
        (None, Some(_), _) => tomorrow,
        (None, None, Some(part)) if !part_over(part, now.time()) => Some(today),
        (None, None, Some(_)) => tomorrow,
        (None, None, None) => None,
    };
    match date {
        Some(date) => When::On { date, time, part },
        None => When::Asap,
    }
}

/// Whether that part of the day is over at `time`.
fn part_over(part: DayPart, time: NaiveTime) -> bool {
    match part {
        DayPart::Morning => time.hour() >= 12,
        DayPart::Afternoon => time.hour() >= 18,
        DayPart::Evening => false,
    }
}

/// The hour a `TIME` match says, if it is a valid hour of the day.
fn time_of(caps: &Captures<'_>, text: &str) -> Option<SaidTime> {
    let number = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let said = if let Some(hour) = number("ap_hour") {
        if !(1..=12).contains(&hour) {
            return None;
        }
        let pm = caps.name("ap").is_some_and(|m| m.as_str() == "p");
        SaidTime {
            hour: hour % 12 + if pm { 12 } else { 0 },
            minute: number("ap_minute").unwrap_or(0),
            fixed: true,
        }
    } else if let Some(hour) = number("h_hour") {
        let start = caps.get(0).map_or(0, |m| m.start());
        if DURATION_BEFORE.contains(&word_before(text, start)) {
            return None;
        }
        SaidTime { hour, minute: number("h_minute").unwrap_or(0), fixed: false }
    } else if let Some(hour) = number("c_hour") {
        SaidTime { hour, minute: number("c_minute").unwrap_or(0), fixed: false }
    } else if caps.name("after").is_some() {
        // "après-midi" is a part of the day, not noon.
        return None;
    } else {
        SaidTime { hour: 12, minute: 0, fixed: true }
    };
    (said.hour < 24 && said.minute < 60).then_some(said)
}

/// The last word before byte `at` of `text`.
fn word_before(text: &str, at: usize) -> &str {
    text.get(..at)
        .unwrap_or_default()
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
}

/// The first part of the day mentioned.
fn part_of_day(text: &str) -> Option<DayPart> {
    let caps = PART.captures(text)?;
    if caps.name("morning").is_some() {
        Some(DayPart::Morning)
    } else if caps.name("afternoon").is_some() {
        Some(DayPart::Afternoon)
    } else {
        Some(DayPart::Evening)
    }
}

/// The first date written out ("25 novembre", "November 25", "25/11"), else "le 25".
fn explicit_date(text: &str, today: NaiveDate, time_spans: &[Range<usize>]) -> Option<NaiveDate> {
    // Named months first: at the same place, "1-5 décembre" is in December, not in May.
    [&*DAY_MONTH, &*MONTH_DAY, &*NUMERIC_DATE]
        .into_iter()
        .filter_map(|regex| first_date(regex, text, today, time_spans))
        .min_by_key(|(at, _)| *at)
        .map(|(_, date)| date)
        .or_else(|| day_of_month_only(text, today, time_spans))
}

/// Whether a range of the text overlaps one of the hours found in it.
fn overlaps(spans: &[Range<usize>], range: &Range<usize>) -> bool {
    spans.iter().any(|span| span.start < range.end && range.start < span.end)
}

/// The first match of a date pattern that is a real date, with where it starts.
fn first_date(
    regex: &Regex,
    text: &str,
    today: NaiveDate,
    time_spans: &[Range<usize>],
) -> Option<(usize, NaiveDate)> {
    regex.captures_iter(text).find_map(|caps| {
        let whole = caps.get(0)?;
        let before = text.get(..whole.start()).unwrap_or_default();
        let after = text.get(whole.end()..).unwrap_or_default();
        // A phone number ("06-12-34-56-78") or a range of hours ("10-12 h") is not a date.
        if part_of_number_run(before, after) || overlaps(time_spans, &whole.range()) {
            return None;
        }
        let day = match caps.name("day")?.as_str() {
            "premier" => 1,
            digits => digits.parse().ok()?,
        };
        let month = caps.name("month")?.as_str();
        let month = month_number(month).or_else(|| month.parse().ok())?;
        let year = caps.name("year").and_then(|m| parse_year(m.as_str()));
        Some((whole.start(), resolve_date(today, day, month, year)?))
    })
}

/// "le 25", "the 25th": that day of this month, or of the next one if it is past.
fn day_of_month_only(
    text: &str,
    today: NaiveDate,
    time_spans: &[Range<usize>],
) -> Option<NaiveDate> {
    DAY_ONLY.captures_iter(text).find_map(|caps| {
        let whole = caps.get(0)?;
        let day_span = caps.name("day")?.range();
        let suffix = caps.name("suffix").map(|m| m.as_str());
        let next = caps.name("next").map_or("", |m| m.as_str().trim_start());
        let suffix_fits = match caps.name("article")?.as_str() {
            "le" => suffix.is_none() || suffix == Some("er"),
            _ => suffix.is_some_and(|s| s != "er"),
        };
        let after = text.get(day_span.end..).unwrap_or_default();
        let looks_like_date = suffix_fits
            && !overlaps(time_spans, &(whole.start()..day_span.end))
            && !part_of_number_run("", after)
            && !next.starts_with(|c: char| c.is_ascii_digit())
            && !names_a_place(next);
        if !looks_like_date {
            return None;
        }
        let day = caps.name("day")?.as_str().parse().ok()?;
        day_of_coming_month(today, day)
    })
}

/// Whether a match sits inside a longer run of numbers such as "06-12-34-56".
fn part_of_number_run(before: &str, after: &str) -> bool {
    let mut next = after.chars();
    let continues = matches!(next.next(), Some('/' | '-' | '.'))
        && next.next().is_some_and(|c| c.is_ascii_digit());
    let mut previous = before.chars().rev();
    let follows = matches!(previous.next(), Some('/' | '-' | '.'))
        && previous.next().is_some_and(|c| c.is_ascii_digit());
    continues || follows
}

/// "2026" → 2026, "26" → 2026.
fn parse_year(text: &str) -> Option<i32> {
    let year: i32 = text.parse().ok()?;
    Some(if text.len() == 2 { 2000 + year } else { year })
}

/// A month's number from its folded French or English name or abbreviation.
pub(crate) fn month_number(name: &str) -> Option<u32> {
    let month = match name {
        "janvier" | "janv" | "jan" | "january" => 1,
        "fevrier" | "fevr" | "fev" | "february" | "feb" => 2,
        "mars" | "march" | "mar" => 3,
        "avril" | "avr" | "april" | "apr" => 4,
        "mai" | "may" => 5,
        "juin" | "june" | "jun" => 6,
        "juillet" | "juil" | "july" | "jul" => 7,
        "aout" | "august" | "aug" => 8,
        "septembre" | "sept" | "sep" | "september" => 9,
        "octobre" | "oct" | "october" => 10,
        "novembre" | "nov" | "november" => 11,
        "decembre" | "dec" | "december" => 12,
        _ => return None,
    };
    Some(month)
}

/// A day and month, in the given year, or else the first year from this one in which that
/// date exists and is not past (a 29 February may wait for a leap year).
fn resolve_date(today: NaiveDate, day: u32, month: u32, year: Option<i32>) -> Option<NaiveDate> {
    if let Some(year) = year {
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    (0..8)
        .filter_map(|ahead| today.year().checked_add(ahead))
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date >= today)
}

/// That day of this month if not past, else of the first following month that has it.
fn day_of_coming_month(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    let first = today.with_day(1)?;
    (0..12)
        .filter_map(|ahead| first.checked_add_months(Months::new(ahead)))
        .filter_map(|month| month.with_day(day))
        .find(|date| *date >= today)
}

fn relative_day(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    if let Some(caps) = RELATIVE_DAY.captures(text) {
        let ahead = if caps.name("two").is_some() {
            2
        } else if caps.name("one").is_some() {
            1
        } else {
            0
        };
        return today.checked_add_days(Days::new(ahead));
    }
    THIS_PART.is_match(text).then_some(today)
}

/// The next such weekday strictly after today: on a Monday, "lundi" is next Monday.
fn weekday(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let name = WEEKDAY.captures(text)?.get(1)?.as_str();
    let target = match name {
        "lundi" | "monday" => Weekday::Mon,
        "mardi" | "tuesday" => Weekday::Tue,
        "mercredi" | "wednesday" => Weekday::Wed,
        "jeudi" | "thursday" => Weekday::Thu,
        "vendredi" | "friday" => Weekday::Fri,
        "samedi" | "saturday" => Weekday::Sat,
        _ => Weekday::Sun,
    };
    let from = today.weekday().num_days_from_monday();
    let to = target.num_days_from_monday();
    let ahead = match (to + 7 - from) % 7 {
        0 => 7,
        n => n,
    };
    today.checked_add_days(Days::new(u64::from(ahead)))
}

/// The coming Saturday, or today during a weekend.
fn weekend(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    if !WEEKEND.is_match(text) {
        return None;
    }
    let ahead = match today.weekday() {
        Weekday::Sat | Weekday::Sun => 0,
        day => 5 - day.num_days_from_monday(),
    };
    today.checked_add_days(Days::new(u64::from(ahead)))
}

// ---------------------------------------------------------------------------------------
// Repeat

/// How often a request repeats ("chaque mardi", "every week"): each occurrence is a
/// request of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Repeat {
    /// Every day.
    Daily,
    /// Every week, on the same day.
    Weekly,
    /// Every other week.
    Fortnightly,
    /// Every month, on the same day of the month (the last day when it is shorter).
    Monthly,
}

impl Repeat {
    /// Every rhythm, in display order.
    pub const ALL: [Repeat; 4] =
        [Repeat::Daily, Repeat::Weekly, Repeat::Fortnightly, Repeat::Monthly];

    /// The occurrence after the one on `date`.
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Repeat::Daily => date.checked_add_days(Days::new(1)),
            Repeat::Weekly => date.checked_add_days(Days::new(7)),
            Repeat::Fortnightly => date.checked_add_days(Days::new(14)),
            Repeat::Monthly => date.checked_add_months(Months::new(1)),
        }
    }
}

/// Day names, singular or plural, for the patterns of [`read_repeat`].
const DAYS: &str = "(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?";

/// "un mardi sur deux", "toutes les deux semaines", "every other Tuesday", "fortnightly".
static FORTNIGHTLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:un {DAYS} sur deux|(?:toutes les|chaque) (?:deux|2) semaines|tous les (?:quinze|15) jours|every (?:other|second) (?:week|{DAYS})|every (?:two|2) weeks|fortnightly|bi-?weekly)\b"
    ))
    .expect("static regex")
});

/// "chaque mardi", "tous les mardis", "toutes les semaines", "every Tuesday", "on
/// Tuesdays", "weekly".
static WEEKLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:(?:chaque|tous les|toutes les) (?:semaines?|{DAYS})|hebdomadaire(?:s|ment)?|(?:every|each) (?:week|{DAYS})|on (?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)|weekly)\b"
    ))
    .expect("static regex")
});

/// "tous les jours", "chaque jour", "every day", "daily".
static DAILY: LazyLock<Regex> = static_regex!(
    r"\b(?:(?:chaque|tous les) (?:jours?|matins?|soirs?)|quotidien(?:ne)?(?:s|ment)?|(?:every|each) ?(?:day|morning|evening|night)|daily|nightly)\b"
);

/// "tous les mois", "chaque mois", "every month", "monthly".
static MONTHLY: LazyLock<Regex> = static_regex!(
    r"\b(?:(?:chaque|tous les) mois|mensuel(?:le)?(?:s|ment)?|(?:every|each) month|monthly)\b"
);

/// Whether a request's free text asks for it to repeat, and how often.
pub fn read_repeat(text: &str) -> Option<Repeat> {
    let text = prepare(text);
    [
        (&*FORTNIGHTLY, Repeat::Fortnightly),
        (&*WEEKLY, Repeat::Weekly),
        (&*DAILY, Repeat::Daily),
        (&*MONTHLY, Repeat::Monthly),
    ]
    .into_iter()
    .find_map(|(pattern, repeat)| pattern.is_match(&text).then_some(repeat))
}

// ---------------------------------------------------------------------------------------
// On behalf

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
static RELATION_ALONE: LazyLock<Regex> = static_regex!(
    r"\b(?:(?P<mother>maman|mum|mom|mummy|mommy)|(?P<father>papa|dad|daddy)|(?P<grandmother>mamie|mamy|mammie|grand[- ]?maman|granny|grandma|grandmum)|(?P<grandfather>papi|papy|grand[- ]?papa|grandpa|grandad|granddad))\b"
);

/// "pour quelqu'un", "for someone", "pour une dame âgée". Not "je cherche quelqu'un": that
/// is the helper being looked for.
static SOMEONE: LazyLock<Regex> = static_regex!(
    r"\b(?:pour|for) (?:quelqu'un|quelquun|qqn|someone|somebody|une personne(?: agee)?|une (?:vieille )?dame|un (?:vieux )?monsieur|an? (?:elderly|old|older) (?:lady|man|gentleman|person|woman)|a lady|a gentleman)\b"
);

fn read_on_behalf(text: &str) -> Option<Relation> {
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
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;
    use proptest::prelude::*;

    use super::{DayPart::*, *};

    /// Monday 23 November 2026, 10:00 in Paris.
    fn now() -> DateTime<Tz> {
        at(10, 0)
    }

    /// That Monday at another hour.
    fn at(hour: u32, minute: u32) -> DateTime<Tz> {
        Paris.with_ymd_and_hms(2026, 11, 23, hour, minute, 0).single().expect("valid test date")
    }

    fn date(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).expect("valid test date")
    }

    fn date_y(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn hm(hour: u32, minute: u32) -> Option<NaiveTime> {
        Some(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid test time"))
    }

    fn on(date: NaiveDate, time: Option<NaiveTime>, part: Option<DayPart>) -> When {
        When::On { date, time, part }
    }

    fn day(date: NaiveDate) -> When {
        on(date, None, None)
    }

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
    fn test_category_french() {
        let cases = [
            ("courses pour ma mère demain matin", Category::Groceries),
            ("Faire les courses au supermarché", Category::Groceries),
            ("aller chercher du pain à la boulangerie", Category::Groceries),
            ("acheter 2 baguettes et du lait", Category::Groceries),
            ("Quelqu'un pour aller au marché samedi ?", Category::Groceries),
            ("COURSES à l'épicerie du village", Category::Groceries),
            ("Pharmacie : récupérer les médicaments de mon père", Category::Pharmacy),
            ("chercher son ordonnance à la pharmacie", Category::Pharmacy),
            ("aller à la pharmacie chercher ses médicaments", Category::Pharmacy),
            ("emmener ma mère chez le médecin", Category::Lift),
            ("RDV chez le dentiste jeudi, besoin d'une voiture", Category::Lift),
            ("m'accompagner à l'hôpital pour une prise de sang", Category::Lift),
            ("me conduire a la gare", Category::Lift),
            ("rendez-vous chez le kiné mardi", Category::Lift),
            ("rendre visite à ma grand-mère qui est seule", Category::Visit),
            ("tenir compagnie à mon père un après-midi", Category::Visit),
            ("une promenade avec mamie", Category::Visit),
            ("discuter un peu, je me sens seule", Category::Visit),
            ("changer une ampoule au plafond", Category::Repairs),
            ("tondre la pelouse", Category::Repairs),
            ("petite fuite sous l'évier", Category::Repairs),
            ("monter un meuble", Category::Repairs),
            ("tailler la haie du jardin", Category::Repairs),
            ("aide pour remplir un formulaire de la CAF", Category::Paperwork),
            ("déclaration d'impôts", Category::Paperwork),
            ("trier les papiers administratifs", Category::Paperwork),
            ("écrire une lettre à la mutuelle", Category::Paperwork),
            ("mon téléphone ne marche plus", Category::Digital),
            ("installer WhatsApp sur la tablette de maman", Category::Digital),
            ("ma mère ne sait pas faire une visio", Category::Digital),
            ("problème d'imprimante", Category::Digital),
            ("réparer mon ordinateur", Category::Digital),
            ("nourrir mon chat pendant mon absence", Category::Other),
            ("j'ai du mal à marcher", Category::Other),
            ("bonjour", Category::Other),
        ];
        for (text, expected) in cases {
            assert_eq!(read_request(text, now()).category, expected, "{text}");
        }
    }

    #[test]
    fn test_category_english() {
        let cases = [
            ("groceries for my mum", Category::Groceries),
            ("Could someone pick up some bread and milk", Category::Groceries),
            ("a bit of shopping at the supermarket", Category::Groceries),
            ("collect my prescription from the chemist", Category::Pharmacy),
            ("pick up medication at the PHARMACY", Category::Pharmacy),
            ("lift to the doctor's on Tuesday", Category::Lift),
            ("a ride to the hospital appointment", Category::Lift),
            ("drive my dad to the dentist", Category::Lift),
            ("someone to visit my nan, she is lonely", Category::Visit),
            ("a chat and a cup of tea", Category::Visit),
            ("fix a leaking tap", Category::Repairs),
            ("mow the lawn", Category::Repairs),
            ("change a light bulb", Category::Repairs),
            ("help with paperwork", Category::Paperwork),
            ("fill in a tax return form", Category::Paperwork),
            ("set up a video call on her tablet", Category::Digital),
            ("my printer doesn't work", Category::Digital),
            ("fix my laptop", Category::Digital),
            ("walk the dog", Category::Visit),
            ("anything really", Category::Other),
        ];
        for (text, expected) in cases {
            assert_eq!(read_request(text, now()).category, expected, "{text}");
        }
    }

    #[test]
    fn test_category_ties_follow_display_order() {
        // One strong word each: Pharmacy comes before Lift.
        assert_eq!(read_request("ordonnance du médecin", now()).category, Category::Pharmacy);
        // "painting" is not bread.
        assert_eq!(read_request("painting", now()).category, Category::Other);
    }

    #[test]
    fn test_when_french() {
        let cases = [
            ("courses demain matin", on(date(11, 24), None, Some(Morning))),
            ("DEMAIN", day(date(11, 24))),
            ("aujourd'hui si possible", day(date(11, 23))),
            ("aujourd’hui", day(date(11, 23))),
            ("aujourdhui", day(date(11, 23))),
            ("ce soir", on(date(11, 23), None, Some(Evening))),
            ("cet après-midi", on(date(11, 23), None, Some(Afternoon))),
            ("cet aprem", on(date(11, 23), None, Some(Afternoon))),
            ("ce matin", on(date(11, 23), None, Some(Morning))),
            ("après-demain", day(date(11, 25))),
            ("apres demain matin", on(date(11, 25), None, Some(Morning))),
            ("mercredi", day(date(11, 25))),
            ("Vendredi après-midi", on(date(11, 27), None, Some(Afternoon))),
            ("lundi", day(date(11, 30))),
            ("le 25/11", day(date(11, 25))),
            ("25-11", day(date(11, 25))),
            ("25/11/2026 à 14h30", on(date(11, 25), hm(14, 30), None)),
            ("le 3 décembre", day(date(12, 3))),
            ("1er mars", day(date_y(2027, 3, 1))),
            ("le 15 janvier", day(date_y(2027, 1, 15))),
            ("le 20/11", day(date_y(2027, 11, 20))),
            ("à 14h", on(date(11, 23), hm(14, 0), None)),
            ("vers 10h30", on(date(11, 23), hm(10, 30), None)),
            ("à 9h", on(date(11, 24), hm(9, 0), None)),
            ("demain à 14 h 30", on(date(11, 24), hm(14, 30), None)),
            ("demain midi", on(date(11, 24), hm(12, 0), None)),
            ("à midi", on(date(11, 23), hm(12, 0), None)),
            ("le matin", on(date(11, 23), None, Some(Morning))),
            ("l'après-midi", on(date(11, 23), None, Some(Afternoon))),
            ("le soir", on(date(11, 23), None, Some(Evening))),
            ("demain soir vers 19h", on(date(11, 24), hm(19, 0), Some(Evening))),
            ("ce soir à 8h", on(date(11, 23), hm(20, 0), Some(Evening))),
            ("samedi matin à 9h", on(date(11, 28), hm(9, 0), Some(Morning))),
            ("le 25 à 15h", on(date(11, 25), hm(15, 0), None)),
            ("du 1er au 5 décembre", day(date(12, 1))),
            ("1-5 décembre", day(date(12, 1))),
            ("jeudi à 14:30", on(date(11, 26), hm(14, 30), None)),
            ("ce week-end", day(date(11, 28))),
            ("dès que possible", When::Asap),
            ("URGENT !", When::Asap),
            ("2 baguettes et du lait", When::Asap),
        ];
        for (text, expected) in cases {
            assert_eq!(read_request(text, now()).when, expected, "{text}");
        }
    }

    #[test]
    fn test_when_english() {
        let cases = [
            ("tomorrow morning", on(date(11, 24), None, Some(Morning))),
            ("Today please", day(date(11, 23))),
            ("this afternoon", on(date(11, 23), None, Some(Afternoon))),
            ("tonight", on(date(11, 23), None, Some(Evening))),
            ("this evening", on(date(11, 23), None, Some(Evening))),
            ("the day after tomorrow", day(date(11, 25))),
            ("on Friday", day(date(11, 27))),
            ("Monday", day(date(11, 30))),
            ("November 25", day(date(11, 25))),
            ("25 November", day(date(11, 25))),
            ("Nov 25th", day(date(11, 25))),
            ("the 3rd of December", day(date(12, 3))),
            ("December 3rd at 3pm", on(date(12, 3), hm(15, 0), None)),
            ("March 1st", day(date_y(2027, 3, 1))),
            ("at 3 pm", on(date(11, 23), hm(15, 0), None)),
            ("10:30am", on(date(11, 23), hm(10, 30), None)),
            ("at 9 a.m.", on(date(11, 24), hm(9, 0), None)),
            ("at noon", on(date(11, 23), hm(12, 0), None)),
            ("in the morning", on(date(11, 23), None, Some(Morning))),
            ("in the afternoon", on(date(11, 23), None, Some(Afternoon))),
            ("in the evening", on(date(11, 23), None, Some(Evening))),
            ("Saturday at 2pm", on(date(11, 28), hm(14, 0), None)),
            ("tomorrow at 10:30", on(date(11, 24), hm(10, 30), None)),
            ("on the 28th", day(date(11, 28))),
            ("ASAP please", When::Asap),
            ("I need 3 apples", When::Asap),
        ];
        for (text, expected) in cases {
            assert_eq!(read_request(text, now()).when, expected, "{text}");
        }
    }

    #[test]
    fn test_when_edge_cases() {
        // A date already past this year is next year's.
        assert_eq!(read_request("le 2 janvier", now()).when, day(date_y(2027, 1, 2)));
        assert_eq!(read_request("le 23/11", now()).when, day(date(11, 23)));
        assert_eq!(read_request("22/11", now()).when, day(date_y(2027, 11, 22)));
        // A 29 February waits for a leap year; a 31 November does not exist.
        assert_eq!(read_request("29/02", now()).when, day(date_y(2028, 2, 29)));
        assert_eq!(read_request("31/11", now()).when, When::Asap);
        // An hour already past today is tomorrow's.
        assert_eq!(read_request("a 9h", now()).when, on(date(11, 24), hm(9, 0), None));
        // On a Monday, "lundi" is next Monday.
        assert_eq!(read_request("lundi", now()).when, day(date(11, 30)));
        assert_eq!(read_request("aujourd'hui", now()).when, day(date(11, 23)));
        // Invalid hours are ignored.
        assert_eq!(read_request("à 25h", now()).when, When::Asap);
        assert_eq!(read_request("demain à 25h", now()).when, day(date(11, 24)));
        assert_eq!(read_request("demain à 14h75", now()).when, day(date(11, 24)));
        assert_eq!(read_request("at 13pm", now()).when, When::Asap);
        // An explicit date wins over a weekday.
        assert_eq!(read_request("mardi 26/11", now()).when, day(date(11, 26)));
        // Numbers that are not hours or dates.
        assert_eq!(read_request("3 pommes", now()).when, When::Asap);
        assert_eq!(read_request("pendant 2h", now()).when, When::Asap);
        assert_eq!(read_request("appelez le 06-12-34-56-78", now()).when, When::Asap);
        assert_eq!(read_request("j'habite au 12 rue des Lilas", now()).when, When::Asap);
        assert_eq!(read_request("le 12 rue des Lilas", now()).when, When::Asap);
        // "après-midi" is not noon.
        assert_eq!(read_request("après-midi", now()).when, on(date(11, 23), None, Some(Afternoon)));
        // Non-breaking spaces and hyphens, as phones type them.
        assert_eq!(
            read_request("demain\u{a0}14\u{a0}h", now()).when,
            on(date(11, 24), hm(14, 0), None)
        );
        assert_eq!(
            read_request("cet après\u{2011}midi", now()).when,
            on(date(11, 23), None, Some(Afternoon))
        );
    }

    #[test]
    fn test_part_of_day_alone_depends_on_the_hour() {
        assert_eq!(read_request("le matin", at(15, 0)).when, on(date(11, 24), None, Some(Morning)));
        assert_eq!(
            read_request("l'après-midi", at(15, 0)).when,
            on(date(11, 23), None, Some(Afternoon))
        );
        assert_eq!(
            read_request("l'après-midi", at(19, 0)).when,
            on(date(11, 24), None, Some(Afternoon))
        );
        assert_eq!(read_request("le soir", at(23, 0)).when, on(date(11, 23), None, Some(Evening)));
        assert_eq!(read_request("à 14h", at(15, 0)).when, on(date(11, 24), hm(14, 0), None));
    }

    #[test]
    fn test_on_behalf_french() {
        let cases = [
            ("courses pour ma mère", Some(Relation::Mother)),
            ("ma maman a besoin de pain", Some(Relation::Mother)),
            ("Pour Ma MERE", Some(Relation::Mother)),
            ("ma vieille maman", Some(Relation::Mother)),
            ("maman a besoin d'aide", Some(Relation::Mother)),
            ("pour mon père", Some(Relation::Father)),
            ("mon papa ne conduit plus", Some(Relation::Father)),
            ("mes parents sont âgés", Some(Relation::Parents)),
            ("ma mère et mon père", Some(Relation::Parents)),
            ("ma grand-mère", Some(Relation::Grandmother)),
            ("ma grand mere", Some(Relation::Grandmother)),
            ("visite à mamie", Some(Relation::Grandmother)),
            ("ma mémé", Some(Relation::Grandmother)),
            ("mon grand-père", Some(Relation::Grandfather)),
            ("papi a besoin", Some(Relation::Grandfather)),
            ("pour papy", Some(Relation::Grandfather)),
            ("mes grands-parents", Some(Relation::Grandparents)),
            ("ma voisine", Some(Relation::Neighbour)),
            ("mon voisin du dessus", Some(Relation::Neighbour)),
            ("pour la voisine", Some(Relation::Neighbour)),
            ("ma tante", Some(Relation::Family)),
            ("mon oncle", Some(Relation::Family)),
            ("ma sœur", Some(Relation::Family)),
            ("mon frère", Some(Relation::Family)),
            ("mon fils", Some(Relation::Family)),
            ("ma fille", Some(Relation::Family)),
            ("mon mari", Some(Relation::Family)),
            ("ma femme", Some(Relation::Family)),
            ("ma belle-mère", Some(Relation::Family)),
            ("pour une amie", Some(Relation::Someone)),
            ("pour un ami", Some(Relation::Someone)),
            ("pour un proche", Some(Relation::Someone)),
            ("pour quelqu'un de mon immeuble", Some(Relation::Someone)),
            ("pour une dame âgée", Some(Relation::Someone)),
            ("j'ai besoin de courses", None),
            ("moi", None),
            ("je cherche quelqu'un pour m'aider", None),
            ("mes courses", None),
            ("pour la même raison", None),
            ("ma voiture est en panne", None),
        ];
        for (text, expected) in cases {
            assert_eq!(read_request(text, now()).on_behalf, expected, "{text}");
        }
    }

    #[test]
    fn test_on_behalf_english() {
        let cases = [
            ("for my mum", Some(Relation::Mother)),
            ("my mom needs", Some(Relation::Mother)),
            ("my elderly mother", Some(Relation::Mother)),
            ("my dad", Some(Relation::Father)),
            ("my Father", Some(Relation::Father)),
            ("my parents", Some(Relation::Parents)),
            ("my gran", Some(Relation::Grandmother)),
            ("my grandma", Some(Relation::Grandmother)),
            ("my nan", Some(Relation::Grandmother)),
            ("my grandmother", Some(Relation::Grandmother)),
            ("my grandad", Some(Relation::Grandfather)),
            ("my grandpa", Some(Relation::Grandfather)),
            ("my grandparents", Some(Relation::Grandparents)),
            ("my neighbour", Some(Relation::Neighbour)),
            ("my neighbor", Some(Relation::Neighbour)),
            ("my aunt", Some(Relation::Family)),
            ("my sister", Some(Relation::Family)),
            ("my husband", Some(Relation::Family)),
            ("my mother-in-law", Some(Relation::Family)),
            ("for a friend", Some(Relation::Someone)),
            ("for someone", Some(Relation::Someone)),
            ("I need help", None),
            ("I need someone to fix my tap", None),
        ];
        for (text, expected) in cases {
            assert_eq!(read_request(text, now()).on_behalf, expected, "{text}");
        }
    }

    #[test]
    fn test_whole_request() {
        let reading = read_request("!demande courses pour ma mère demain matin", now());
        assert_eq!(
            reading,
            Reading {
                category: Category::Groceries,
                when: on(date(11, 24), None, Some(Morning)),
                on_behalf: Some(Relation::Mother),
            }
        );
    }

    #[test]
    fn test_far_future_now_does_not_panic() {
        let far = NaiveDate::MAX
            .pred_opt()
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("valid test date");
        if let Some(now) = Paris.from_local_datetime(&far).single() {
            for text in ["demain", "après-demain", "lundi", "le 25", "à 9h", "le soir", "1er mars"]
            {
                let _ = read_request(text, now);
            }
        }
    }

    #[test]
    fn test_every_pattern_compiles() {
        LazyLock::force(&CATEGORY_PATTERNS);
        for regex in [
            &RELATIVE_DAY,
            &THIS_PART,
            &WEEKEND,
            &PART,
            &WEEKDAY,
            &NUMERIC_DATE,
            &DAY_MONTH,
            &MONTH_DAY,
            &DAY_ONLY,
            &TIME,
            &RELATION,
            &RELATION_ALONE,
            &SOMEONE,
        ] {
            LazyLock::force(regex);
        }
    }

    #[test]
    fn test_read_repeat_reads_real_phrasings() {
        use Repeat::*;
        let cases: &[(&str, Option<Repeat>)] = &[
            ("appeler Mme Martin chaque mardi à 10h", Some(Weekly)),
            ("visite tous les jeudis après-midi", Some(Weekly)),
            ("courses toutes les semaines", Some(Weekly)),
            ("un appel hebdomadaire pour prendre des nouvelles", Some(Weekly)),
            ("Chaque Semaine, le lundi : sortir les poubelles", Some(Weekly)),
            ("a phone call every Tuesday at 10am", Some(Weekly)),
            ("shopping for my dad every week", Some(Weekly)),
            ("a visit on Thursdays", Some(Weekly)),
            ("weekly shopping", Some(Weekly)),
            ("promenade un mercredi sur deux", Some(Fortnightly)),
            ("ménage toutes les deux semaines", Some(Fortnightly)),
            ("tous les 15 jours, courses au marché", Some(Fortnightly)),
            ("every other Friday, a lift to the market", Some(Fortnightly)),
            ("fortnightly visit", Some(Fortnightly)),
            ("passer tous les jours à 18h", Some(Daily)),
            ("un appel chaque matin", Some(Daily)),
            ("check on her every day", Some(Daily)),
            ("daily call", Some(Daily)),
            ("accompagner à la banque tous les mois", Some(Monthly)),
            ("a monthly lift to the pharmacy", Some(Monthly)),
            ("des courses mardi", None),
            ("des courses pour ma mère demain matin", None),
            ("a lift on Tuesday", None),
            ("help with the garden this week", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(read_repeat(text), *expected, "{text}");
        }
    }

    #[test]
    fn test_repeat_after_steps_to_the_next_occurrence() {
        assert_eq!(Repeat::Daily.after(date(11, 30)), Some(date(12, 1)));
        assert_eq!(Repeat::Weekly.after(date(12, 29)), Some(date_y(2027, 1, 5)));
        assert_eq!(Repeat::Fortnightly.after(date(11, 24)), Some(date(12, 8)));
        assert_eq!(Repeat::Monthly.after(date_y(2027, 1, 31)), Some(date_y(2027, 2, 28)));
        assert_eq!(Repeat::Monthly.after(date(12, 15)), Some(date_y(2027, 1, 15)));
    }

    proptest! {
        #[test]
        fn test_read_request_never_panics(text in any::<String>()) {
            let _ = read_request(&text, now());
        }

        #[test]
        fn test_read_request_never_panics_on_long_text(
            chars in proptest::collection::vec(any::<char>(), 0..5_000)
        ) {
            let text: String = chars.into_iter().collect();
            let _ = read_request(&text, now());
        }

        #[test]
        fn test_read_request_never_panics_on_likely_words(
            words in proptest::collection::vec(
                prop::sample::select(vec![
                    "demain", "le", "25", "/", "11", "-", "h", "14h", "30", ":", "pm", "am",
                    "midi", "apres-midi", "soir", "matin", "lundi", "mars", "1er", "the",
                    "29", "02", "99", "ma", "mere", "pour", "une", "amie", "9999", "0", "à",
                    "3rd", "of", "december", "rue", "pendant", "ce", "week-end", "’",
                ]),
                0..30,
            ),
            hour in 0u32..24,
        ) {
            let _ = read_request(&words.join(" "), at(hour, 0));
            let _ = read_request(&words.concat(), at(hour, 0));
        }

        #[test]
        fn test_read_repeat_never_panics(text in any::<String>()) {
            let _ = read_repeat(&text);
        }

        #[test]
        fn test_fold_is_idempotent(text in any::<String>()) {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once);
        }
    }
}
