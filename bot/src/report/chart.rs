//! The report's chart, on one page readable on a phone: requests per week, stacked by
//! category, and how long requests waited until a volunteer took them. A bar or a part
//! of a bar below five is never drawn to its height: the categories under five in a week
//! are grouped, and a group still under five is written "< 5" above the bar.

use std::sync::OnceLock;

use entraide_commands::{Category, Key};
use plotters::{
    coord::{Shift, ranged1d::SegmentedCoord, types::RangedCoordusize},
    prelude::*,
    style::{
        FontStyle, register_font,
        text_anchor::{HPos, Pos, VPos},
    },
};

use super::{Report, WAIT_KEYS, Week, campaign::CampaignReport};
use entraide_storage::SMALL;

/// The chart's size in pixels: portrait, for a phone and for a printed page.
pub const SIZE: (u32, u32) = (1200, 1500);

/// The font every text is drawn with: DejaVu Sans (its licence is beside it), which has
/// every French accent, embedded so that no system font is needed.
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family name the font is registered under.
const FAMILY: &str = "sans-serif";

/// One colour per category, in [`Category::ALL`]'s order (Okabe and Ito's palette, which
/// colour-blind readers tell apart).
const COLOURS: [RGBColor; Category::ALL.len()] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x99, 0x99, 0x99),
];

/// The colour of the categories grouped because each was under five.
const GROUPED: RGBColor = RGBColor(0xD9, 0xD9, 0xD9);

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font did not load.
    #[error("the chart's font does not load")]
    Font,
    /// Drawing failed.
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("cannot encode the chart as PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

/// The chart as a PNG image.
pub(super) fn png(report: &Report<'_>) -> Result<Vec<u8>, ChartError> {
    encode(SIZE, |area| draw(report, area).map_err(|error| error.to_string()))
}

/// A campaign's chart as a PNG image: for each round, the people reached over the hours
/// since it began.
pub(super) fn rounds_png(report: &CampaignReport<'_>) -> Result<Vec<u8>, ChartError> {
    encode(SIZE, |area| draw_rounds(report, area).map_err(|error| error.to_string()))
}

/// A campaign's board as a PNG image, for a crisis meeting's screen or wall: its lines as
/// the message says them (`lines`, plain text), with a bar of the check-ins by status
/// (`tally`, in the counts line's order) under the title.
pub(super) fn board_png(lines: &[&str], tally: &[usize; 6]) -> Result<Vec<u8>, ChartError> {
    let lines: Vec<String> = lines.iter().map(|line| drawable(line)).collect();
    let wrapped: usize = lines.iter().skip(2).map(|line| wrap(line).len()).sum();
    let height = BOARD_TOP + u32::try_from(wrapped).unwrap_or(100).min(100) * BOARD_LINE + 40;
    encode((SIZE.0, height), |area| {
        draw_board(&lines, tally, area).map_err(|error| error.to_string())
    })
}

/// Where the board's lines after the bar begin, and each one's height, in pixels.
const BOARD_TOP: u32 = 300;
const BOARD_LINE: u32 = 42;
/// Characters a line of the board holds before it wraps.
const BOARD_WRAP: usize = 78;
/// The statuses' colours on the board's bar, in the counts line's order: reached, not
/// yet called, no answer, needs help, visit, alerts.
const STATUS_COLOURS: [RGBColor; 6] = [
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xBB, 0xBB, 0xBB),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xD5, 0x5E, 0x00),
];

/// `line` without what the embedded font has no glyph for (emoji, their selectors).
fn drawable(line: &str) -> String {
    let kept: String = line
        .chars()
        .filter(|c| !matches!(*c as u32, 0x2600..=0x27BF | 0xFE00..=0xFE0F | 0x1F000..))
        .collect();
    kept.trim().to_owned()
}

/// `line` cut at spaces into pieces of at most [`BOARD_WRAP`] characters.
fn wrap(line: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for word in line.split(' ') {
        let last = pieces.last().map_or(0, |piece| piece.chars().count());
        if last > 0 && last + 1 + word.chars().count() > BOARD_WRAP {
            pieces.push(String::new());
        }
        if let Some(piece) = pieces.last_mut() {
            if !piece.is_empty() {
                piece.push(' ');
            }
            piece.push_str(word);
        }
    }
    pieces
}

fn draw_board<DB: DrawingBackend>(
    lines: &[String],
    tally: &[usize; 6],
    area: &DrawingArea<DB, Shift>,
) -> Drawn<DB> {
    area.fill(&WHITE)?;
    let (width, _) = area.dim_in_pixel();
    let left = 40i32;
    let right = i32::try_from(width).unwrap_or(1200) - 40;
    let text = |size: u32| TextStyle::from((FAMILY, size).into_font()).color(&BLACK);
    if let Some(title) = lines.first() {
        area.draw(&Text::new(title.clone(), (left, 30), text(32)))?;
    }
    // The bar: each status's share of the people on the lists.
    let total: usize = tally.iter().sum();
    let (top, bottom) = (100, 170);
    let span = f64::from(right - left);
    let mut x = left;
    let mut done = 0usize;
    for (count, colour) in tally.iter().zip(STATUS_COLOURS) {
        done += count;
        let end = if total == 0 { left } else { left + (span * done as f64 / total as f64) as i32 };
        if end > x {
            area.draw(&Rectangle::new([(x, top), (end, bottom)], colour.filled()))?;
        }
        x = end;
    }
    area.draw(&Rectangle::new([(left, top), (right, bottom)], BLACK.stroke_width(2)))?;
    // The counts line under it, each count after its colour.
    if let Some(counts) = lines.get(1) {
        let parts: Vec<&str> = counts.split(" · ").collect();
        if parts.len() == STATUS_COLOURS.len() {
            let per_row = 3;
            for (index, (part, colour)) in parts.iter().zip(STATUS_COLOURS).enumerate() {
                let column = i32::try_from(index % per_row).unwrap_or(0);
                let row = i32::try_from(index / per_row).unwrap_or(0);
                let (x, y) = (left + column * (right - left) / 3, 195 + row * 44);
                area.draw(&Rectangle::new([(x, y), (x + 26, y + 26)], colour.filled()))?;
                area.draw(&Text::new(part.to_string(), (x + 36, y), text(24)))?;
            }
        } else {
            area.draw(&Text::new(counts.clone(), (left, 195), text(24)))?;
        }
    }
    let mut y = i32::try_from(BOARD_TOP).unwrap_or(300);
    for line in lines.iter().skip(2) {
        for piece in wrap(line) {
            area.draw(&Text::new(piece, (left, y), text(26)))?;
            y += i32::try_from(BOARD_LINE).unwrap_or(42);
        }
    }
    Ok(())
}

/// What `draw` draws on a page of `size`, as a PNG image.
fn encode(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), String>,
) -> Result<Vec<u8>, ChartError> {
    font()?;
    let (width, height) = size;
    let mut pixels = vec![0u8; usize::try_from(width * height * 3).unwrap_or(0)];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        draw(&area).map_err(ChartError::Draw)?;
        area.present().map_err(|error| ChartError::Draw(error.to_string()))?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

/// The chart as an SVG image (text left as text, for printing).
pub(super) fn svg(report: &Report<'_>) -> Result<String, ChartError> {
    font()?;
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(report, &area).map_err(|error| ChartError::Draw(error.to_string()))?;
        area.present().map_err(|error| ChartError::Draw(error.to_string()))?;
    }
    Ok(out)
}

/// Registers the embedded font, once.
fn font() -> Result<(), ChartError> {
    static LOADED: OnceLock<bool> = OnceLock::new();
    let loaded = *LOADED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if loaded { Ok(()) } else { Err(ChartError::Font) }
}

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Both charts on `area`: the weeks above, the waits below.
fn draw<DB: DrawingBackend>(report: &Report<'_>, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    area.fill(&WHITE)?;
    let (weeks, waits) = area.split_vertically(SIZE.1 * 3 / 5);
    draw_weeks(report, &weeks)?;
    draw_waits(report, &waits)
}

/// What one week's bar shows: the categories of five or more, stacked, then the others
/// grouped if they make five or more; `hidden` when they make one to four.
struct Bar {
    parts: Vec<(RGBColor, usize)>,
    hidden: bool,
}

fn bar(week: &Week) -> Bar {
    let mut parts = Vec::new();
    let mut small = 0;
    for (slot, count) in week.counts.iter().enumerate() {
        match *count {
            0 => {}
            n if n < SMALL => small += n,
            n => parts.push((COLOURS[slot], n)),
        }
    }
    let hidden = (1..SMALL).contains(&small);
    if small >= SMALL {
        parts.push((GROUPED, small));
    }
    Bar { parts, hidden }
}

/// Requests per week, stacked by category.
fn draw_weeks<DB: DrawingBackend>(report: &Report<'_>, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    let weeks = report.weeks();
    let bars: Vec<Bar> = weeks.iter().map(bar).collect();
    let tallest = bars.iter().map(|b| b.parts.iter().map(|p| p.1).sum::<usize>()).max();
    // Room above the bars for the legend and the "< 5" marks.
    let top = u32::try_from(tallest.unwrap_or(0).max(SMALL) * 8 / 5 + 1).unwrap_or(u32::MAX);
    let (from, to) = report.bounds();
    let period = report.text(Key::ChartPeriod, &[("from", &from), ("to", &to)]);
    let title =
        report.text(Key::ChartWeeksTitle, &[("community", report.community), ("period", &period)]);
    let count = weeks.len();
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 30))
        .margin(24)
        .x_label_area_size(90)
        .y_label_area_size(80)
        .build_cartesian_2d(segments(count), 0..top)?;
    let label = |value: &SegmentValue<usize>| match value {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            weeks.get(*i).map(|week| short_day(report, week)).unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(count.min(14))
        .x_label_formatter(&label)
        .x_desc(report.text(Key::ChartWeek, &[]))
        .y_desc(report.text(Key::ChartRequests, &[]))
        .label_style((FAMILY, 22))
        .axis_desc_style((FAMILY, 24))
        .draw()?;
    for (index, bar) in bars.iter().enumerate() {
        let mut base = 0;
        for (colour, n) in &bar.parts {
            let height = u32::try_from(*n).unwrap_or(u32::MAX);
            let mut rectangle = Rectangle::new(
                [
                    (SegmentValue::Exact(index), base),
                    (SegmentValue::Exact(index + 1), base + height),
                ],
                colour.filled(),
            );
            rectangle.set_margin(0, 0, 6, 6);
            chart.draw_series(std::iter::once(rectangle))?;
            base += height;
        }
        // The week's total above its bar, or "< 5" for what is not drawn.
        let mark = match (bar.hidden, base) {
            (true, 0) => format!("< {SMALL}"),
            (true, _) => format!("+ < {SMALL}"),
            (false, 0) => continue,
            (false, total) => total.to_string(),
        };
        let at = (SegmentValue::CenterOf(index), base + top / 30 + 1);
        let style =
            TextStyle::from((FAMILY, 20).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart.draw_series(std::iter::once(Text::new(mark, at, style)))?;
    }
    // The legend: each category the bars show, and the group of small ones.
    let grouped = bars.iter().any(|bar| bar.parts.iter().any(|(c, _)| *c == GROUPED));
    let mut legend: Vec<(RGBColor, String)> = Category::ALL
        .iter()
        .zip(COLOURS)
        .filter(|(_, colour)| bars.iter().any(|bar| bar.parts.iter().any(|(c, _)| c == colour)))
        .map(|(category, colour)| (colour, report.texts.category(report.lang, *category)))
        .collect();
    if grouped {
        legend.push((GROUPED, report.text(Key::ChartOthers, &[])));
    }
    if legend.is_empty() {
        return Ok(());
    }
    for (colour, name) in legend {
        chart
            .draw_series(std::iter::empty::<Rectangle<(SegmentValue<usize>, u32)>>())?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 16, y + 8)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FAMILY, 22))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
}

/// How many requests were taken within each wait; a bar under five is "< 5", undrawn.
fn draw_waits<DB: DrawingBackend>(report: &Report<'_>, area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    let waits = report.waits();
    let figures = &report.figures;
    let summary = match (figures.claim_median(), figures.claim_p90()) {
        (Some(median), Some(p90)) => report.text(
            Key::ChartClaimSummary,
            &[
                ("median", &report.texts.age(report.lang, median)),
                ("p90", &report.texts.age(report.lang, p90)),
            ],
        ),
        _ => report.text(Key::ChartClaimFew, &[]),
    };
    let title = report.text(Key::ChartClaimTitle, &[("summary", &summary)]);
    let tallest = waits.iter().copied().max().unwrap_or(0).max(SMALL);
    let top = u32::try_from(tallest * 6 / 5 + 1).unwrap_or(u32::MAX);
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 26))
        .margin(24)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(segments(WAIT_KEYS.len()), 0..top)?;
    let label = |value: &SegmentValue<usize>| match value {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            WAIT_KEYS.get(*i).map(|key| report.text(*key, &[])).unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(WAIT_KEYS.len())
        .x_label_formatter(&label)
        .y_desc(report.text(Key::ChartTaken, &[]))
        .label_style((FAMILY, 22))
        .axis_desc_style((FAMILY, 24))
        .draw()?;
    let style = TextStyle::from((FAMILY, 22).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (index, count) in waits.iter().enumerate() {
        let shown = if (1..SMALL).contains(count) { 0 } else { *count };
        let height = u32::try_from(shown).unwrap_or(u32::MAX);
        let mut rectangle = Rectangle::new(
            [(SegmentValue::Exact(index), 0), (SegmentValue::Exact(index + 1), height)],
            COLOURS[5].filled(),
        );
        rectangle.set_margin(0, 0, 20, 20);
        chart.draw_series(std::iter::once(rectangle))?;
        let mark = if shown == 0 && *count > 0 { format!("< {SMALL}") } else { count.to_string() };
        let at = (SegmentValue::CenterOf(index), height + top / 40 + 1);
        chart.draw_series(std::iter::once(Text::new(mark, at, style.clone())))?;
    }
    Ok(())
}

/// People reached over the hours of each round: a step up each time someone is, one
/// line per round, and the people on the lists as the line to reach.
fn draw_rounds<DB: DrawingBackend>(
    report: &CampaignReport<'_>,
    area: &DrawingArea<DB, Shift>,
) -> Drawn<DB> {
    area.fill(&WHITE)?;
    let hours = |after: &chrono::TimeDelta| after.num_seconds() as f64 / 3600.0;
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

/// `count` bars side by side (plotters' segmented range holds its end as a segment).
fn segments(count: usize) -> SegmentedCoord<RangedCoordusize> {
    (0..count.saturating_sub(1)).into_segmented()
}

/// A week's Monday, short ("02/11" in French, "11-02" in English).
fn short_day(report: &Report<'_>, week: &Week) -> String {
    match report.lang {
        entraide_commands::Lang::Fr => week.monday.format("%d/%m").to_string(),
        entraide_commands::Lang::En => week.monday.format("%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_s_lines_are_drawn_without_emoji_and_wrapped_at_spaces() {
        assert_eq!(drawable("📋 Campagne canicule (n°1)"), "Campagne canicule (n°1)");
        assert_eq!(drawable("⚠️ Centre : 2/15"), "Centre : 2/15");
        let long = "n°1, ".repeat(40);
        let pieces = wrap(long.trim());
        assert!(pieces.len() > 1, "{pieces:?}");
        assert!(pieces.iter().all(|piece| piece.chars().count() <= BOARD_WRAP), "{pieces:?}");
        assert_eq!(pieces.join(" "), long.trim());
    }

    #[test]
    fn a_board_with_nobody_called_yet_is_drawn() -> Result<(), ChartError> {
        let lines = ["📋 Campagne (n°1)", "a : 0 · b : 0 · c : 0 · d : 0 · e : 0 · f : 0", "x"];
        let png = board_png(&lines, &[0; 6])?;
        assert!(png.starts_with(b"\x89PNG"));
        Ok(())
    }
}
