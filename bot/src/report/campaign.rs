//! A campaign's report (`!campagne fin`, `!campagne bilan`, `entraide bilan-campagne`):
//! the notice (people on the lists, rounds, calls, reached, visits, alerts, and each
//! round's time until everyone was reached), a chart of the people reached over the hours
//! of each round, and the table as CSV. Counts only: no name, no number of the register.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_commands::{Catalogue, Key, Lang, Message};
use entraide_storage::{CallOutcome, Campaign, CheckIn};
use plotters::{coord::Shift, prelude::*};

use super::{
    board,
    chart::{self, COLOURS, ChartError, Drawn, FAMILY},
};
use crate::config::Config;

/// The board of `campaign` as it stands at `at` (see [`crate::campaign::board`]), as a
/// PNG picture: its lines, and a bar of the check-ins by status. Numbers of the register
/// but no name, as on the board in the coordination room.
pub fn board_png(
    at: crate::campaign::BoardClock<'_>,
    lang: Lang,
    campaign: &Campaign,
    checks: &[CheckIn],
) -> Result<Vec<u8>, ChartError> {
    let board = crate::campaign::board(at, lang, campaign, checks);
    let lines: Vec<&str> = board.plain.lines().collect();
    board::board_png(&lines, &crate::campaign::tally(checks))
}

/// A round's figures: people on the lists, and how long after the round began each
/// one reached was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundFigures {
    /// The round, from 1.
    pub round: u32,
    /// People on the lists.
    pub people: usize,
    /// For each person reached in the round, the time from its start; earliest first.
    pub reached_after: Vec<TimeDelta>,
}

impl RoundFigures {
    /// How many were reached.
    pub fn reached(&self) -> usize {
        self.reached_after.len()
    }

    /// From the round's start to the last person reached, when all were.
    pub fn all_within(&self) -> Option<TimeDelta> {
        let all = self.people > 0 && self.reached() == self.people;
        all.then(|| self.reached_after.last().copied()).flatten()
    }
}

/// A campaign's report, with what is needed to show it.
#[derive(Debug)]
pub struct CampaignReport<'a> {
    /// The texts.
    pub texts: &'a Catalogue,
    /// The language of every line.
    pub lang: Lang,
    /// The campaign.
    pub campaign: Campaign,
    /// The campaign's name as said ("canicule").
    pub name: String,
    /// Each round's figures.
    pub rounds: Vec<RoundFigures>,
    /// The notice.
    pub notice: Message,
}

impl CampaignReport<'_> {
    /// The name of the report's files, without extension.
    pub fn file_stem(&self) -> String {
        format!("campagne-{}", self.campaign.number)
    }

    /// The chart as a PNG image.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        rounds_png(self)
    }

    /// The table: one row per round.
    pub fn csv(&self) -> String {
        let header = match self.lang {
            Lang::Fr => "tour;personnes;jointes;toutes jointes en (minutes)",
            Lang::En => "round;people;reached;all reached within (minutes)",
        };
        let mut csv = format!("{header}\r\n");
        for round in &self.rounds {
            let within = round.all_within().map(|d| d.num_minutes().to_string());
            let within = within.unwrap_or_default();
            let (number, people, reached) = (round.round, round.people, round.reached());
            csv.push_str(&format!("{number};{people};{reached};{within}\r\n"));
        }
        csv
    }

    /// `key`'s plain text in the report's language.
    pub(super) fn text(&self, key: Key, args: &[(&str, &str)]) -> String {
        self.texts.text(self.lang, key, args)
    }
}

/// The report of `over` (ended or not, `now` its end so far) from its check-ins, in
/// `lang`.
pub fn campaign_report<'a>(
    texts: &'a Catalogue,
    config: &Config,
    lang: Lang,
    over: &Campaign,
    checks: &[CheckIn],
    now: DateTime<Utc>,
) -> CampaignReport<'a> {
    let every = config.campaign.every(&over.kind);
    let rounds = rounds(over, checks, every);
    let name = texts.campaign(lang, &over.kind);
    let said = Said { texts, lang, config };
    let notice = said.notice(over, checks, &name, &rounds, now);
    CampaignReport { texts, lang, campaign: over.clone(), name, rounds, notice }
}

/// What the notice is said with.
struct Said<'a> {
    texts: &'a Catalogue,
    lang: Lang,
    config: &'a Config,
}

impl Said<'_> {
    /// The notice: the campaign's figures, each round's, and what follows.
    fn notice(
        &self,
        over: &Campaign,
        checks: &[CheckIn],
        name: &str,
        rounds: &[RoundFigures],
        now: DateTime<Utc>,
    ) -> Message {
        let calls: usize = checks.iter().map(|c| c.attempts.len()).sum();
        let outcome = |kind: CallOutcome| {
            checks.iter().flat_map(|c| &c.attempts).filter(|a| a.outcome == kind).count()
        };
        let reached = checks
            .iter()
            .filter(|c| {
                c.attempts
                    .iter()
                    .any(|a| matches!(a.outcome, CallOutcome::Reached | CallOutcome::NeedsHelp))
            })
            .count();
        let attempts = usize::try_from(self.config.campaign.attempts).unwrap_or(usize::MAX);
        let escalations = checks
            .iter()
            .map(|c| (1..=over.round).filter(|round| c.unanswered(*round) >= attempts).count())
            .sum::<usize>();
        let args = [
            ("name", name.to_owned()),
            ("number", over.number.to_string()),
            ("from", self.day(over.started_at)),
            ("to", self.day(over.ended_at.unwrap_or(now))),
            ("people", checks.len().to_string()),
            ("rounds", over.round.to_string()),
            ("calls", calls.to_string()),
            ("reached", reached.to_string()),
            ("visits", outcome(CallOutcome::Visit).to_string()),
            ("escalations", escalations.to_string()),
        ];
        let mut lines = vec![self.render(Key::CampaignReport, &args)];
        for round in rounds {
            let all = round
                .all_within()
                .map(|within| {
                    let time = self.texts.age(self.lang, within.num_minutes());
                    self.texts.text(self.lang, Key::CampaignReportAll, &[("time", &time)])
                })
                .unwrap_or_default();
            let args = [
                ("round", round.round.to_string()),
                ("reached", round.reached().to_string()),
                ("people", round.people.to_string()),
                ("all", all),
            ];
            lines.push(self.render(Key::CampaignReportRound, &args));
        }
        lines.push(self.texts.render(self.lang, Key::CampaignReportFollows, &[]));
        Message::lines(lines)
    }

    /// The day of `at` in the community's time zone (25/12/2026).
    fn day(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.config.timezone).format("%d/%m/%Y").to_string()
    }

    fn render(&self, key: Key, args: &[(&str, String)]) -> Message {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.texts.render(self.lang, key, &args)
    }
}

/// The figures of each round of `campaign`, from the calls recorded. The start of a
/// round before the last is not stored: it is the campaign's start plus whole rounds.
pub fn rounds(campaign: &Campaign, checks: &[CheckIn], every: TimeDelta) -> Vec<RoundFigures> {
    (1..=campaign.round)
        .map(|round| {
            let start = if round == campaign.round {
                campaign.round_started
            } else {
                campaign.started_at + every * i32::try_from(round - 1).unwrap_or(i32::MAX)
            };
            let mut reached_after: Vec<TimeDelta> = checks
                .iter()
                .filter_map(|check| first_reached(check, round))
                .map(|at| (at - start).max(TimeDelta::zero()))
                .collect();
            reached_after.sort();
            RoundFigures { round, people: checks.len(), reached_after }
        })
        .collect()
}

/// When `check` was first reached in `round`.
fn first_reached(check: &CheckIn, round: u32) -> Option<DateTime<Utc>> {
    check
        .attempts
        .iter()
        .find(|a| {
            a.round == round && matches!(a.outcome, CallOutcome::Reached | CallOutcome::NeedsHelp)
        })
        .map(|a| a.at)
}

/// A campaign's chart as a PNG image: for each round, the people reached over the hours
/// since it began.
fn rounds_png(report: &CampaignReport<'_>) -> Result<Vec<u8>, ChartError> {
    chart::encode(chart::SIZE, |area| draw_rounds(report, area).map_err(|error| error.to_string()))
}

/// People reached over the hours of each round: a step up each time someone is, one
/// line per round, and the people on the lists as the line to reach.
fn draw_rounds<DB: DrawingBackend>(
    report: &CampaignReport<'_>,
    area: &DrawingArea<DB, Shift>,
) -> Drawn<DB> {
    area.fill(&WHITE)?;
    let hours = |after: &TimeDelta| after.num_seconds() as f64 / 3600.0;
    let people = report.rounds.iter().map(|round| round.people).max().unwrap_or(0);
    let people = u32::try_from(people).unwrap_or(u32::MAX);
    let longest = report
        .rounds
        .iter()
        .filter_map(|round| round.reached_after.last())
        .map(hours)
        .fold(1.0, f64::max)
        .ceil();
    let number = report.campaign.number.to_string();
    let title =
        report.text(Key::ChartCampaignTitle, &[("name", &report.name), ("number", &number)]);
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 30))
        .margin(24)
        .x_label_area_size(90)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..longest, 0..people.max(1) * 11 / 10 + 1)?;
    chart
        .configure_mesh()
        .x_desc(report.text(Key::ChartHours, &[]))
        .y_desc(report.text(Key::ChartReached, &[]))
        .label_style((FAMILY, 22))
        .axis_desc_style((FAMILY, 24))
        .draw()?;
    let on_lists = report.text(Key::ChartOnLists, &[("people", &people.to_string())]);
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, people), (longest, people)],
            BLACK.stroke_width(2),
        )))?
        .label(on_lists)
        .legend(|(x, y)| PathElement::new([(x, y), (x + 24, y)], BLACK.stroke_width(2)));
    for (index, round) in report.rounds.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        let mut points = vec![(0.0, 0)];
        for (count, after) in (0u32..).zip(&round.reached_after) {
            points.push((hours(after), count));
            points.push((hours(after), count + 1));
        }
        let label = report.text(Key::ChartRound, &[("round", &round.round.to_string())]);
        chart
            .draw_series(std::iter::once(PathElement::new(points, colour.stroke_width(4))))?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 24, y + 8)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FAMILY, 22))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
}
