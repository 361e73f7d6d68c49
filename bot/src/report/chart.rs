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

use super::{Report, WAIT_KEYS, Week};
use entraide_storage::SMALL;

/// The chart's size in pixels: portrait, for a phone and for a printed page.
pub const SIZE: (u32, u32) = (1200, 1500);

/// The font every text is drawn with: DejaVu Sans (its licence is beside it), which has
/// every French accent, embedded so that no system font is needed.
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family name the font is registered under.
pub(super) const FAMILY: &str = "sans-serif";

/// One colour per category, in [`Category::ALL`]'s order (Okabe and Ito's palette, which
/// colour-blind readers tell apart).
pub(super) const COLOURS: [RGBColor; Category::ALL.len()] = [
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

/// What `draw` draws on a page of `size`, as a PNG image.
pub(super) fn encode(
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

pub(super) type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

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
