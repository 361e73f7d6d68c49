//! The period a coordinator asks figures for (`!stats 2026-11`, `!stats 30j`, `!stats
//! depuis le 01/09`): read from the command's words ([`read_period`]), then placed in the
//! calendar ([`Span::resolve`]) from a given day, which the caller reads from its clock.

use chrono::{Datelike, Days, Months, NaiveDate};
use lazy_regex::{Lazy, Regex, lazy_regex};

use crate::{fold::fold, reading::month_number};

/// A period as written, before it is placed in the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The current month (also what nothing written means).
    ThisMonth,
    /// The month before the current one.
    LastMonth,
    /// The current year.
    ThisYear,
    /// The year before the current one.
    LastYear,
    /// A month; without a year, its latest that has begun.
    Month {
        /// The year, when written.
        year: Option<i32>,
        /// 1 to 12.
        month: u32,
    },
    /// A calendar year.
    Year(i32),
    /// The last `n` days, today included.
    LastDays(u32),
    /// From a day to today, included; a day without a year is its latest not to come.
    Since {
        /// 1 to 31.
        day: u32,
        /// 1 to 12.
        month: u32,
        /// The year, when written.
        year: Option<i32>,
    },
}

/// A period of whole days: from `start` (included) to `end` (excluded), in the commune's
/// time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub start: NaiveDate,
    /// The day after the last.
    pub end: NaiveDate,
}

impl Period {
    /// How many days it covers.
    pub fn days(self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The period of the same length just before it, to compare with. A calendar month
    /// or year is compared with the one before it.
    pub fn previous(self) -> Period {
        let whole_months = self.start.day() == 1 && self.end.day() == 1;
        let months = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32
            - self.start.month() as i32;
        if whole_months && months > 0 {
            let back = Months::new(months.unsigned_abs());
            if let Some(start) = self.start.checked_sub_months(back) {
                return Period { start, end: self.start };
            }
        }
        let start = self.start.checked_sub_days(Days::new(self.days().unsigned_abs()));
        Period { start: start.unwrap_or(NaiveDate::MIN), end: self.start }
    }

    /// Whether `day` falls in it.
    pub fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && day < self.end
    }
}

/// At most this many days back, for `!stats 30j`.
pub const MAX_DAYS: u32 = 3660;

impl Span {
    /// The period in the calendar, seen from `today`; `None` for one that has not begun
    /// or cannot be (a date past the calendar's end, zero days).
    pub fn resolve(self, today: NaiveDate) -> Option<Period> {
        let first_of_month = today.with_day(1)?;
        let month_from = |start: NaiveDate| {
            Some(Period { start, end: start.checked_add_months(Months::new(1))? })
        };
        let year_of = |year: i32| {
            let start = NaiveDate::from_ymd_opt(year, 1, 1)?;
            Some(Period { start, end: NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)? })
        };
        let tomorrow = today.succ_opt()?;
        let period = match self {
            Span::ThisMonth => month_from(first_of_month)?,
            Span::LastMonth => month_from(first_of_month.checked_sub_months(Months::new(1))?)?,
            Span::ThisYear => year_of(today.year())?,
            Span::LastYear => year_of(today.year().checked_sub(1)?)?,
            Span::Month { year: Some(year), month } => {
                month_from(NaiveDate::from_ymd_opt(year, month, 1)?)?
            }
            Span::Month { year: None, month } => {
                let this_year = NaiveDate::from_ymd_opt(today.year(), month, 1)?;
                let start = match this_year > today {
                    true => this_year.checked_sub_months(Months::new(12))?,
                    false => this_year,
                };
                month_from(start)?
            }
            Span::Year(year) => year_of(year)?,
            Span::LastDays(0) => return None,
            Span::LastDays(n) => {
                Period { start: tomorrow.checked_sub_days(Days::new(u64::from(n)))?, end: tomorrow }
            }
            Span::Since { day, month, year: Some(year) } => {
                Period { start: NaiveDate::from_ymd_opt(year, month, day)?, end: tomorrow }
            }
            Span::Since { day, month, year: None } => {
                let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
                let start = match this_year {
                    Some(start) if start <= today => start,
                    // Not yet this year (or a 29 February): last year's.
                    _ => NaiveDate::from_ymd_opt(today.year().checked_sub(1)?, month, day)?,
                };
                Period { start, end: tomorrow }
            }
        };
        (period.start <= today).then_some(period)
    }
}

/// "2026-11", "11/2026".
static NUMERIC_MONTH: Lazy<Regex> =
    lazy_regex!(r"^(?:(?P<y1>[0-9]{4})-(?P<m1>[0-9]{1,2})|(?P<m2>[0-9]{1,2})/(?P<y2>[0-9]{4}))$");

/// "novembre", "novembre 2026", "nov. 2026", "November 2026".
static NAMED_MONTH: Lazy<Regex> =
    lazy_regex!(r"^(?:en |in )?(?P<month>[a-z]+)\.?(?: (?:de |of )?(?P<year>[0-9]{4}))?$");

/// "30j", "30 jours", "30d", "30 days", "les 30 derniers jours", "last 30 days".
static LAST_DAYS: Lazy<Regex> = lazy_regex!(
    r"^(?:les |the )?(?:last |past )?(?P<n>[0-9]{1,5}) ?(?:derniers? )?(?:j|jours?|d|days?)(?: derniers)?$"
);

/// "depuis le 01/09", "depuis le 1er septembre 2026", "since 01/09", "since September 1".
static SINCE: Lazy<Regex> = lazy_regex!(
    r"^(?:depuis|since|a partir du|from) (?:le |the )?(?:(?P<d1>[0-9]{1,2})[/.-](?P<m1>[0-9]{1,2})(?:[/.-](?P<y1>[0-9]{4}))?|(?P<d2>[0-9]{1,2}|premier)(?:er|st|nd|rd|th)? (?:of )?(?P<m2>[a-z]+)\.?(?: (?P<y2>[0-9]{4}))?|(?P<m3>[a-z]+)\.? (?P<d3>[0-9]{1,2})(?:st|nd|rd|th)?(?:,? (?P<y3>[0-9]{4}))?)$"
);

/// The period a command's arguments name, or `None` when they name none. Nothing
/// written is the current month.
pub fn read_period(args: &str) -> Option<Span> {
    let text = fold(args).split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_end_matches('.');
    let named = match text {
        "" | "ce mois" | "ce mois-ci" | "mois" | "this month" | "month" => Some(Span::ThisMonth),
        "le mois dernier" | "mois dernier" | "last month" => Some(Span::LastMonth),
        "cette annee" | "annee" | "this year" | "year" => Some(Span::ThisYear),
        "l'annee derniere" | "annee derniere" | "last year" => Some(Span::LastYear),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    if let Some(caps) = NUMERIC_MONTH.captures(text) {
        let number = |a: &str, b: &str| {
            caps.name(a).or_else(|| caps.name(b)).and_then(|m| m.as_str().parse::<i64>().ok())
        };
        let (year, month) = (number("y1", "y2")?, number("m1", "m2")?);
        let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
        return Some(Span::Month { year: Some(i32::try_from(year).ok()?), month });
    }
    if text.len() == 4
        && let Ok(year) = text.parse::<i32>()
    {
        return Some(Span::Year(year));
    }
    if let Some(caps) = LAST_DAYS.captures(text) {
        let n: u32 = caps.name("n")?.as_str().parse().ok()?;
        return (1..=MAX_DAYS).contains(&n).then_some(Span::LastDays(n));
    }
    if let Some(caps) = SINCE.captures(text) {
        let group = |names: [&str; 3]| names.into_iter().find_map(|name| caps.name(name));
        let day = match group(["d1", "d2", "d3"])?.as_str() {
            "premier" => 1,
            digits => digits.parse().ok()?,
        };
        let month = group(["m1", "m2", "m3"])?.as_str();
        let month = match month.parse::<u32>() {
            Ok(number) => number,
            Err(_) => month_number(month)?,
        };
        let year = match group(["y1", "y2", "y3"]) {
            Some(year) => Some(year.as_str().parse().ok()?),
            None => None,
        };
        // Checked here, so that a day that cannot be is a usage error, not an empty period.
        NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
        return Some(Span::Since { day, month, year });
    }
    if let Some(caps) = NAMED_MONTH.captures(text) {
        let month = month_number(caps.name("month")?.as_str())?;
        let year = match caps.name("year") {
            Some(year) => Some(year.as_str().parse().ok()?),
            None => None,
        };
        return Some(Span::Month { year, month });
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    /// Wednesday 2 December 2026.
    fn today() -> NaiveDate {
        date(2026, 12, 2)
    }

    fn period(start: NaiveDate, end: NaiveDate) -> Option<Period> {
        Some(Period { start, end })
    }

    #[test]
    fn real_phrasings_name_their_period() {
        let november = period(date(2026, 11, 1), date(2026, 12, 1));
        let cases: &[(&str, Option<Period>)] = &[
            ("", period(date(2026, 12, 1), date(2027, 1, 1))),
            ("ce mois-ci", period(date(2026, 12, 1), date(2027, 1, 1))),
            ("this month", period(date(2026, 12, 1), date(2027, 1, 1))),
            ("2026-11", november),
            ("11/2026", november),
            ("novembre", november),
            ("Novembre 2026", november),
            ("nov. 2026", november),
            ("November 2026", november),
            ("le mois dernier", november),
            ("last month", november),
            // A month not yet begun this year is last year's.
            ("mars", period(date(2026, 3, 1), date(2026, 4, 1))),
            ("décembre", period(date(2026, 12, 1), date(2027, 1, 1))),
            ("2026-01", period(date(2026, 1, 1), date(2026, 2, 1))),
            ("2026", period(date(2026, 1, 1), date(2027, 1, 1))),
            ("cette année", period(date(2026, 1, 1), date(2027, 1, 1))),
            ("l'année dernière", period(date(2025, 1, 1), date(2026, 1, 1))),
            ("last year", period(date(2025, 1, 1), date(2026, 1, 1))),
            ("30j", period(date(2026, 11, 3), date(2026, 12, 3))),
            ("30 jours", period(date(2026, 11, 3), date(2026, 12, 3))),
            ("les 30 derniers jours", period(date(2026, 11, 3), date(2026, 12, 3))),
            ("30d", period(date(2026, 11, 3), date(2026, 12, 3))),
            ("last 7 days", period(date(2026, 11, 26), date(2026, 12, 3))),
            ("depuis le 01/09", period(date(2026, 9, 1), date(2026, 12, 3))),
            ("depuis le 1er septembre", period(date(2026, 9, 1), date(2026, 12, 3))),
            ("since September 1", period(date(2026, 9, 1), date(2026, 12, 3))),
            ("since 01/09/2025", period(date(2025, 9, 1), date(2026, 12, 3))),
            // Not begun, or not a period.
            ("2027", None),
            ("2027-01", None),
            ("depuis le 03/12/2026", None),
            ("0j", None),
            ("2026-13", None),
            ("bientôt", None),
            ("les courses", None),
        ];
        for (text, expected) in cases {
            let resolved = read_period(text).and_then(|span| span.resolve(today()));
            assert_eq!(resolved, *expected, "{text:?}");
        }
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        let november = Period { start: date(2026, 11, 1), end: date(2026, 12, 1) };
        assert_eq!(
            november.previous(),
            Period { start: date(2026, 10, 1), end: date(2026, 11, 1) }
        );
        // Across a year's end.
        let january = Period { start: date(2027, 1, 1), end: date(2027, 2, 1) };
        assert_eq!(january.previous(), Period { start: date(2026, 12, 1), end: date(2027, 1, 1) });
        let year = Period { start: date(2026, 1, 1), end: date(2027, 1, 1) };
        assert_eq!(year.previous(), Period { start: date(2025, 1, 1), end: date(2026, 1, 1) });
        let days = Period { start: date(2026, 11, 3), end: date(2026, 12, 3) };
        assert_eq!(days.previous(), Period { start: date(2026, 10, 4), end: date(2026, 11, 3) });
        assert!(november.contains(date(2026, 11, 30)));
        assert!(!november.contains(date(2026, 12, 1)));
    }

    proptest! {
        #[test]
        fn test_read_period_never_panics(text in any::<String>(), days in 0u32..200_000) {
            let today = date(2026, 12, 2).checked_add_days(Days::new(u64::from(days)));
            if let Some(today) = today
                && let Some(span) = read_period(&text)
            {
                let _ = span.resolve(today).map(Period::previous);
            }
        }
    }
}
