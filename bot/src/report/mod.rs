//! The commune's figures, as people read them: the notice of `!stats`, and the report of
//! `!rapport` and `entraide rapport` — a chart (PNG, SVG), a table (CSV) and a one-page
//! summary (Markdown) a secretary can paste into the council's minutes.
//!
//! Everything here is drawn from [`Figures`] only: counts, no id and no text; any group
//! of one to four is "< 5" in every output.
//!
//! - `summary`: the notice's lines (chat and Markdown).
//! - `table`: the CSV.
//! - `chart`: the two charts, on any plotters backend, and what every image shares (the
//!   page, the font, the colours, PNG encoding).
//! - [`offline`]: `entraide rapport`, the files written to a folder.
//! - [`campaign`]: a check-in campaign's report (its notice, chart of rounds and table).
//! - `board`: a campaign's board as an image.

mod board;
pub mod campaign;
mod chart;
pub mod offline;
mod summary;
mod table;

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entraide_commands::{AgeBand, Catalogue, Category, Gender, Key, Lang, Message, Period};
use entraide_storage::{FigureQuery, Figures, SMALL, Store, StoreError};

pub use self::chart::{ChartError, SIZE};
use crate::{config::Config, scheme::Scheme};

/// The figures of a period, with what is needed to show them.
#[derive(Debug)]
pub struct Report<'a> {
    /// The texts.
    pub texts: &'a Catalogue,
    /// The language of every line.
    pub lang: Lang,
    /// The community's name (the territory).
    pub community: &'a str,
    /// The period, in the commune's days.
    pub period: Period,
    /// The commune's time zone: weeks start on its Mondays.
    pub tz: Tz,
    /// The figures.
    pub figures: Figures,
}

/// The requests posted in one week, by category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    /// Its Monday.
    pub monday: NaiveDate,
    /// How many of each category, in [`Category::ALL`]'s order.
    pub counts: [usize; Category::ALL.len()],
}

/// The upper bounds, in minutes, of the buckets of time until a request was taken; the
/// last bucket has none.
const WAIT_BOUNDS: [i64; 4] = [60, 4 * 60, 24 * 60, 3 * 24 * 60];

/// The labels of the wait buckets, in order.
const WAIT_KEYS: [Key; 5] =
    [Key::WaitUnder1h, Key::Wait1To4h, Key::Wait4To24h, Key::Wait1To3d, Key::WaitOver3d];

impl<'a> Report<'a> {
    /// The figures of `period` as `scheme`'s store holds them now, to show in `lang`;
    /// `None` when the period's first day does not exist in the commune's time zone.
    pub fn of(
        scheme: &'a Scheme,
        lang: Lang,
        period: Period,
    ) -> Result<Option<Report<'a>>, StoreError> {
        let coordination = scheme.rooms.coordination.as_str();
        let figures = figures(&scheme.store, &scheme.config, coordination, period, scheme.now())?;
        Ok(figures.map(|figures| Report {
            texts: &scheme.texts,
            lang,
            community: &scheme.config.community,
            period,
            tz: scheme.config.timezone,
            figures,
        }))
    }
}

impl Report<'_> {
    /// The requests of each week the period touches, Monday to Sunday in the commune's
    /// time zone (the first and last may be cut by the period).
    pub fn weeks(&self) -> Vec<Week> {
        let monday =
            |day: NaiveDate| day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        let first = monday(self.period.start);
        let count = usize::try_from((self.period.end - first).num_days().max(1) + 6)
            .map_or(1, |days| days / 7);
        let mut weeks: Vec<Week> = (0..count)
            .map(|i| Week {
                monday: first + Duration::weeks(i64::try_from(i).unwrap_or(0)),
                counts: [0; Category::ALL.len()],
            })
            .collect();
        for (at, category) in &self.figures.posted {
            let day = at.with_timezone(&self.tz).date_naive();
            let index = usize::try_from((monday(day) - first).num_weeks()).ok();
            let slot = Category::ALL.iter().position(|c| c == category);
            if let (Some(week), Some(slot)) = (index.and_then(|i| weeks.get_mut(i)), slot) {
                week.counts[slot] += 1;
            }
        }
        weeks
    }

    /// How many requests were taken within each wait bucket ([`WAIT_KEYS`]).
    pub fn waits(&self) -> [usize; WAIT_KEYS.len()] {
        let mut buckets = [0; WAIT_KEYS.len()];
        for minutes in &self.figures.claim_minutes {
            let slot = WAIT_BOUNDS.iter().position(|bound| minutes < bound);
            buckets[slot.unwrap_or(WAIT_BOUNDS.len())] += 1;
        }
        buckets
    }

    /// The period as file names write it: `2026-11` for a month, `2026` for a year,
    /// else its first and last days.
    pub fn period_label(&self) -> String {
        let Period { start, end } = self.period;
        let last = end.pred_opt().unwrap_or(end);
        let whole_month = start.day() == 1 && last.month() == start.month() && end.day() == 1;
        let whole_year =
            start.ordinal() == 1 && end.ordinal() == 1 && end.year() == start.year() + 1;
        if whole_year {
            format!("{}", start.year())
        } else if whole_month && last.year() == start.year() {
            start.format("%Y-%m").to_string()
        } else {
            format!("{}_{}", start.format("%Y-%m-%d"), last.format("%Y-%m-%d"))
        }
    }

    /// The name of the report's files, without extension ("chiffres-entraide-2026-11").
    pub fn file_stem(&self) -> String {
        self.texts.text(self.lang, Key::ReportFile, &[("period", &self.period_label())])
    }

    /// The notice `!stats` answers with.
    pub fn notice(&self) -> Message {
        Message::lines(
            self.summary().iter().map(|line| self.texts.render(self.lang, line.key, &line.args())),
        )
    }

    /// The chart as a PNG image.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        chart::png(self)
    }

    /// The chart as an SVG image.
    pub fn svg(&self) -> Result<String, ChartError> {
        chart::svg(self)
    }

    /// The figures as a CSV table.
    pub fn csv(&self) -> String {
        table::csv(self)
    }

    /// A one-page summary in Markdown that names the chart's and the table's files.
    pub fn markdown(&self, chart_file: &str, table_file: &str) -> String {
        summary::markdown(self, chart_file, table_file)
    }

    /// `key`'s plain text in the report's language.
    fn text(&self, key: Key, args: &[(&str, &str)]) -> String {
        self.texts.text(self.lang, key, args)
    }

    /// A day as the report's language writes it.
    fn day(&self, date: NaiveDate) -> String {
        match self.lang {
            Lang::Fr => date.format("%d/%m/%Y").to_string(),
            Lang::En => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// The period's first and last days, as written.
    fn bounds(&self) -> (String, String) {
        let last = self.period.end.pred_opt().unwrap_or(self.period.end);
        (self.day(self.period.start), self.day(last))
    }
}

/// The figures of `period` from `store`: per commune as `config` places neighbourhoods,
/// phone-ins told apart by `coordination` (the coordination room's id).
pub fn figures(
    store: &Store,
    config: &Config,
    coordination: &str,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Option<Figures>, StoreError> {
    let communes: HashMap<String, String> = config
        .neighbourhoods
        .iter()
        .filter_map(|n| Some((n.name.clone(), n.commune.clone()?)))
        .collect();
    let tz = config.timezone;
    let (Some(from), Some(to), Some(before)) = (
        start_of(period.start, tz),
        start_of(period.end, tz),
        start_of(period.previous().start, tz),
    ) else {
        return Ok(None);
    };
    let query = FigureQuery {
        from,
        to,
        before,
        communes: &communes,
        default_commune: &config.community,
        phone_room: coordination,
        now,
    };
    store.figures(&query).map(Some)
}

/// The first instant of `day` in the commune's time zone (just after a skipped hour).
fn start_of(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// A count of people or requests as it may be shown: "< 5" for 1 to 4.
pub fn shown(count: usize) -> String {
    match count {
        1..SMALL => format!("< {SMALL}"),
        _ => count.to_string(),
    }
}

/// The change from `before` to `now`, hidden when either side is a small group.
fn change(now: usize, before: usize) -> String {
    if (1..SMALL).contains(&now) || (1..SMALL).contains(&before) {
        return "—".to_owned();
    }
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("+{}", now - before),
        std::cmp::Ordering::Less => format!("−{}", before - now),
        std::cmp::Ordering::Equal => "=".to_owned(),
    }
}

/// `part` of `whole` as a percentage, hidden when either is a small group.
fn share(part: usize, whole: usize) -> String {
    if whole < SMALL || (1..SMALL).contains(&part) {
        return format!("< {SMALL}");
    }
    let percent = (part * 100 + whole / 2) / whole;
    format!("{percent} %")
}

/// The catalogue's name of an age band.
pub fn age_key(age: AgeBand) -> Key {
    match age {
        AgeBand::Under30 => Key::AgeUnder30,
        AgeBand::From30To59 => Key::Age30To59,
        AgeBand::From60To74 => Key::Age60To74,
        AgeBand::From75To84 => Key::Age75To84,
        AgeBand::From85 => Key::Age85,
    }
}

/// The catalogue's name of a gender.
pub fn gender_key(gender: Gender) -> Key {
    match gender {
        Gender::Woman => Key::GenderWoman,
        Gender::Man => Key::GenderMan,
        Gender::Other => Key::GenderOther,
    }
}

#[cfg(test)]
mod tests;
