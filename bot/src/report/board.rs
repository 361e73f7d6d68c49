//! A campaign's board as an image, for a crisis meeting's screen or wall: the board
//! message's lines, with a bar of the check-ins by status under the title.

use plotters::{coord::Shift, prelude::*};

use super::chart::{ChartError, Drawn, FAMILY, SIZE, encode};

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
