//! An age or a date of birth, as people write them: "87 ans", "91 years old", "aged 87",
//! "né le 03/04/1938", "née en 1940", "born 3 April 1938", "3 avril 1938", "1938-04-03".

use std::ops::Range;

use chrono::{Datelike, Days, NaiveDate};
use lazy_regex::{Captures, Lazy, Regex, lazy_regex};

use super::{Born, EntryError, Field, text::is_blank};
use crate::{mask::Folded, reading::month_number};

/// An age or a date of birth, with what introduces it. Folded text. A date is numeric
/// (day first, as in France and Britain), ISO, or with the month's name (day first or,
/// American style, month first); a year alone needs a word before it ("né en", "born").
static BORN: Lazy<Regex> = lazy_regex!(
    r"(?x)
    (?P<label>\b(?:nee?s?|ne\(e\)s?|born|date\ de\ naissance|date\ of\ birth|naissance|ddn|dob|d\.o\.b\.?|birth\ ?date|birthday|annee\ de\ naissance|year\ of\ birth|birth\ year)\s*(?:[:=]\s*)?(?:(?:le|on|en|in)\s+)?(?:the\s+)?)?
    (?:
        \b(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4}|\d{2})\b
      | \b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b
      | \b(?P<td>\d{1,2})(?:er|st|nd|rd|th|e)?\s+(?:of\s+)?(?P<tm>janv(?:ier)?|jan(?:uary)?|fev(?:r(?:ier)?)?|feb(?:ruary)?|mars|mar(?:ch)?|avr(?:il)?|apr(?:il)?|mai|may|juin|june?|juil(?:let)?|july?|aout|aug(?:ust)?|sept?(?:embre|ember)?|oct(?:obre|ober)?|nov(?:embre|ember)?|dec(?:embre|ember)?)\b\.?,?\s+(?P<ty>\d{4})\b
      | \b(?P<um>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?\s+(?P<ud>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<uy>\d{4})\b
      | (?P<year>\b\d{4})\b
    )
    | \b(?:(?:agee?s?|aged|age)\s*(?:de\s*)?(?:[:=]\s*)?)?(?P<n>\d{1,3})\s*(?:ans|years?\s+old|yrs?\s+old|years?|yrs?|yo|y\.o)\b\.?
    | \b(?:agee?s?|aged|age)\s*(?:de\s*)?(?:[:=]\s*)?(?P<n2>\d{1,3})\b
    "
);

/// What a text says of a birth, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// Where it is in the text, with the words that introduce it.
    pub(super) range: Range<usize>,
    /// The birth, or why it makes no sense.
    pub(super) born: Result<Born, EntryError>,
}

/// The first age or date of birth in `text`, if any, outside `taken` (byte ranges of
/// `text` already read as something else: "05.56.12.34.56" holds no date).
pub(super) fn find(text: &str, today: NaiveDate, taken: &[Range<usize>]) -> Option<Found> {
    let folded = Folded::new(text);
    for caps in BORN.captures_iter(&folded.text) {
        let Some(whole) = caps.get(0) else { continue };
        // A year alone needs its word ("né en 1940"), or it is a house number or a time.
        if caps.name("year").is_some() && caps.name("label").is_none() {
            continue;
        }
        // "12.03.2026.5" or "1/2/3/4" is no date; neither is a part of a longer number.
        let after = &folded.text[whole.end()..];
        let before = &folded.text[..whole.start()];
        if after.starts_with(|c: char| c.is_ascii_digit())
            || (after.len() > 1
                && after.starts_with(['/', '.', '-'])
                && after[1..].starts_with(|c: char| c.is_ascii_digit()))
            || before.ends_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let Some(range) = folded.original(whole.range()) else { continue };
        if taken.iter().any(|t| t.start < range.end && range.start < t.end) {
            continue;
        }
        let Some(born) = interpret(&caps, today) else { continue };
        return Some(Found { range, born: born.and_then(|born| check(born, today)) });
    }
    None
}

/// The birth a match says, before it is checked against today; `None` when the match is
/// no birth after all (a month name that is not one).
fn interpret(caps: &Captures<'_>, today: NaiveDate) -> Option<Result<Born, EntryError>> {
    let number = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    if let Some(years) = number("n").or_else(|| number("n2")) {
        let years = u16::try_from(years).ok()?;
        return Some(Ok(Born::Age { years, on: today }));
    }
    if let Some(year) = caps.name("year") {
        return Some(Ok(Born::Year(year.as_str().parse().ok()?)));
    }
    let (day, month, year) =
        if let (Some(d), Some(m), Some(y)) = (number("d"), number("m"), caps.name("y")) {
            let year = full_year(y.as_str(), today)?;
            // Day first; a first number above 12 and a second one below is American.
            if m > 12 && d <= 12 { (m, d, year) } else { (d, m, year) }
        } else if let (Some(d), Some(m), Some(y)) = (number("id"), number("im"), number("iy")) {
            (d, m, i32::try_from(y).ok()?)
        } else if let (Some(d), Some(m), Some(y)) = (number("td"), caps.name("tm"), number("ty")) {
            (d, month_number(m.as_str())?, i32::try_from(y).ok()?)
        } else if let (Some(d), Some(m), Some(y)) = (number("ud"), caps.name("um"), number("uy")) {
            (d, month_number(m.as_str())?, i32::try_from(y).ok()?)
        } else {
            return None;
        };
    Some(NaiveDate::from_ymd_opt(year, month, day).map(Born::Date).ok_or(EntryError::NoSuchDate))
}

/// A year as written: four digits, or two. The register holds adults: "3/4/38" is 1938,
/// "3/4/05" is 2005 only if that makes someone of 18 or more today.
fn full_year(year: &str, today: NaiveDate) -> Option<i32> {
    let number: i32 = year.parse().ok()?;
    if year.len() == 4 {
        return Some(number);
    }
    let this_century = 2000 + number;
    Some(if today.year() - this_century >= 18 { this_century } else { 1900 + number })
}

/// The birth if it makes sense on `today`: not in the future, no older than 120.
pub(super) fn check(born: Born, today: NaiveDate) -> Result<Born, EntryError> {
    let future = match born {
        Born::Date(date) => date > today,
        Born::Year(year) => year > today.year(),
        Born::Age { on, .. } => on > today,
    };
    if future {
        return Err(EntryError::BornInFuture);
    }
    match born.age_on(today) {
        Some(age) if age > 120 => Err(EntryError::TooOld),
        _ => Ok(born),
    }
}

/// A birth given as a value (a correction, a spreadsheet's cell): what [`find`] reads, or
/// a number alone: an age ("87"), a year ("1938"). `None` when blank.
pub(super) fn read_value(value: &str, today: NaiveDate) -> Result<Option<Born>, EntryError> {
    let trimmed = value.trim();
    if is_blank(trimmed) {
        return Ok(None);
    }
    let unreadable = EntryError::Unreadable(Field::Born);
    if trimmed.chars().all(|c| c.is_ascii_digit()) {
        let number: i32 = trimmed.parse().map_err(|_| unreadable)?;
        let born = match trimmed.len() {
            1..=3 => Born::Age { years: u16::try_from(number).map_err(|_| unreadable)?, on: today },
            4 => Born::Year(number),
            _ => return Err(unreadable),
        };
        return check(born, today).map(Some);
    }
    if let Some(date) = plain_date(trimmed) {
        return date
            .map_err(|_| EntryError::NoSuchDate)
            .and_then(|date| check(Born::Date(date), today))
            .map(Some);
    }
    let found = find(trimmed, today, &[]).ok_or(unreadable)?;
    let rest = format!("{}{}", &trimmed[..found.range.start], &trimmed[found.range.end..]);
    if rest.chars().any(char::is_alphanumeric) {
        return Err(unreadable);
    }
    found.born.map(Some)
}

/// "03/04/1938" as spreadsheets write dates, read without [`BORN`] (a spreadsheet has
/// thousands): `None` when the value is written otherwise, an error when no such day is.
fn plain_date(value: &str) -> Option<Result<NaiveDate, ()>> {
    let mut parts = value.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str, sizes: &[usize]| {
        sizes.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some()
        || !digits(day, &[1, 2])
        || !digits(month, &[1, 2])
        || !digits(year, &[4])
    {
        return None;
    }
    let (day, month, year) = (day.parse().ok()?, month.parse().ok()?, year.parse().ok()?);
    Some(NaiveDate::from_ymd_opt(year, month, day).ok_or(()))
}

/// A date as spreadsheets store it, a number of days since 30 December 1899 ("14000"),
/// when a cell kept it unformatted.
pub(super) fn from_serial(value: &str) -> Option<NaiveDate> {
    let whole = value.trim().split_once(['.', ',']).map_or(value.trim(), |(whole, _)| whole);
    if whole.len() != 5 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let days: u64 = whole.parse().ok()?;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(days))
}
