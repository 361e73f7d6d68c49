//! When the help is wanted ([`When`]): a date, a day, an hour, a part of the day, resolved
//! against the current time the caller passes.

use std::ops::Range;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Timelike, Weekday};
use chrono_tz::Tz;
use lazy_regex::{Captures, Lazy, Regex, lazy_regex};

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

/// "demain", "après-demain", "aujourd'hui" and their English forms.
static RELATIVE_DAY: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?P<two>apres[- ]?demain|(?:the )?day after tomorrow)|(?P<one>demain|tomorrow|tmrw)|(?P<zero>aujourd ?'? ?hui|auj|today))\b"
);

/// "ce soir", "this morning", "tonight": today, with a part of the day.
static THIS_PART: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?:ce|cet|cette|this) (?:matin(?:ee)?|apres[- ]?midi|aprem|soir(?:ee)?|midi|nuit|morning|afternoon|evening|night)|tonight|tonite)\b"
);

/// "ce week-end", "this weekend".
static WEEKEND: Lazy<Regex> = lazy_regex!(r"\b(?:ce|this) week[- ]?end\b");

/// A part of the day, alone or after a day.
static PART: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?P<morning>matin(?:ee)?s?|mornings?)|(?P<afternoon>apres[- ]?midis?|aprem|afternoons?)|(?P<evening>soir(?:ee)?s?|nuit|evenings?|tonight|tonite|night))\b"
);

/// A day of the week, full names only.
static WEEKDAY: Lazy<Regex> = lazy_regex!(
    r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"
);

/// "25/11", "25-11", "25/11/2026", "25/11/26".
static NUMERIC_DATE: Lazy<Regex> = lazy_regex!(
    r"\b(?P<day>[0-9]{1,2})[/-](?P<month>[0-9]{1,2})(?:[/-](?P<year>[0-9]{4}|[0-9]{2}))?\b"
);

/// "25 novembre", "1er mars", "le 3 décembre 2026", "25th of November", and the first
/// day of a range: "du 1er au 5 décembre".
static DAY_MONTH: Lazy<Regex> = lazy_regex!(
    r"\b(?P<day>premier|[0-9]{1,2})(?:er|e|eme|st|nd|rd|th)?(?:(?: (?:au|a|et|ou|to|and|or) | ?- ?)[0-9]{1,2}(?:er|e|st|nd|rd|th)?)? (?:of |de )?(?P<month>janvier|janv|jan|fevrier|fevr|fev|mars|avril|avr|mai|juin|juillet|juil|aout|septembre|sept|sep|octobre|oct|novembre|nov|decembre|dec|january|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|october|november|december)\b\.?(?: ?(?P<year>[0-9]{4})\b)?"
);

/// "November 25", "Nov 25th, 2026". The month names that may come first are English; without
/// "mar": in French it is short for "mardi" ("mar. 25 nov.").
static MONTH_DAY: Lazy<Regex> = lazy_regex!(
    r"\b(?P<month>january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.? (?:the )?(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?\b(?:,? (?P<year>[0-9]{4})\b)?"
);

/// "le 25", "the 25th": a day of this month or the next.
static DAY_ONLY: Lazy<Regex> = lazy_regex!(
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
static TIME: Lazy<Regex> = lazy_regex!(
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

/// When a [prepared](crate::fold::prepare) text says the help is wanted; `now` is the
/// current time in the community's time zone.
pub(super) fn read(text: &str, now: DateTime<Tz>) -> When {
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
