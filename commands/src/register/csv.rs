//! A commune's spreadsheet, exported as CSV, → entries of the register ([`read_csv`]).
//!
//! Spreadsheets come as they are: UTF-8 with or without a byte-order mark, UTF-16 (Excel's
//! "Unicode text") or Windows-1252 (French Excel's CSV); `;`, `,` or tab between cells;
//! title lines before the header; columns named in French or English, in any order, and
//! some the register has no use for. Each cell is read by the reader of its field, as in
//! a sentence. A row that cannot make an entry is refused with its reason; the same person
//! listed twice is merged into their first row.

use std::{borrow::Cow, collections::HashMap};

use chrono::NaiveDate;
use encoding_rs::{UTF_16LE, WINDOWS_1252};

use super::{
    AskedBy, Born, Contact, EntryError, Particulars, ThirdParty, asker, born,
    columns::{Column, column},
    consent, contact,
    person::name_key,
    phone,
    text::{clean, is_blank, optional},
};

/// What a spreadsheet gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// The entries read, in the file's order.
    pub rows: Vec<Row>,
    /// The rows that could make no entry, and why.
    pub refused: Vec<Refusal>,
    /// Rows that repeated a person: (the row's line, the line of the row it was merged
    /// into).
    pub merged: Vec<(usize, usize)>,
    /// The header's columns that the register has no use for, as written.
    pub ignored_columns: Vec<String>,
}

/// An entry read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line the row starts on, counting from 1 (a quoted cell may span lines).
    pub line: usize,
    /// What the row says of the person, with what later rows on them added.
    pub particulars: Particulars,
}

/// A row that could make no entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The line the row starts on, counting from 1.
    pub line: usize,
    /// Why.
    pub why: RowProblem,
}

/// Why a row was refused: what would refuse the same entry in a sentence (no name, no way
/// to reach the person, a birth that makes no sense or cannot be read).
pub type RowProblem = EntryError;

/// Why a whole file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// The file holds nothing, or only blank lines.
    #[error("the file is empty")]
    Empty,
    /// A workbook (xlsx, ods, xls) rather than a CSV export of it.
    #[error("the file is a workbook, not CSV: save it as CSV")]
    Workbook,
    /// Bytes that are no text.
    #[error("the file is not text")]
    NotText,
    /// No row names the columns with a name among them.
    #[error("no header with a name column (nom, prénom, name); columns found: {}", found.join(", "))]
    NoHeader {
        /// The cells of the file's first row, as written.
        found: Vec<String>,
    },
    /// A header, then no row.
    #[error("the file has a header but no rows")]
    NoRows,
}

/// How many rows may come before the header (a title, a date, blank lines).
const HEADER_SEARCH: usize = 20;

/// Reads a commune's spreadsheet exported as CSV. `today` dates ages and rules out births
/// after it. The file is refused as a whole only when it cannot be read or has no header
/// naming a name column; otherwise each row makes an entry, is refused, or is merged into
/// an earlier row on the same person ([`Particulars::same_person`]).
pub fn read_csv(bytes: &[u8], today: NaiveDate) -> Result<Sheet, SheetError> {
    let text = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(SheetError::Empty);
    }
    // The csv crate counts a record's line before the "\n" of a "\r\n" that ended the
    // one before; old Macs end lines with "\r" alone.
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    let delimiter = delimiter(&text);
    let mut records = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes())
        .into_records()
        .filter_map(Result::ok)
        .filter(|record| record.iter().any(|cell| !cell.is_empty()));

    let mut first: Option<Vec<String>> = None;
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut sheet = Sheet::default();
    for record in records.by_ref().take(HEADER_SEARCH) {
        let cells: Vec<Option<Column>> = record.iter().map(column).collect();
        let named = cells.iter().flatten().any(|column| {
            matches!(column, Column::FirstName | Column::LastName | Column::FullName)
        });
        if named {
            sheet.ignored_columns = record
                .iter()
                .zip(&cells)
                .filter(|(name, column)| column.is_none() && !name.is_empty())
                .map(|(name, _)| name.to_owned())
                .collect();
            columns = Some(cells);
            break;
        }
        first.get_or_insert_with(|| record.iter().take(30).map(shorten).collect());
    }
    let Some(columns) = columns else {
        return Err(SheetError::NoHeader { found: first.unwrap_or_default() });
    };

    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut any = false;
    for record in records {
        any = true;
        let line = record.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        let particulars = match read_row(record.iter(), &columns, today) {
            Ok(particulars) => particulars,
            Err(why) => {
                sheet.refused.push(Refusal { line, why });
                continue;
            }
        };
        let key = name_key(&particulars.name);
        let same = by_name.get(&key).and_then(|rows| {
            rows.iter().copied().find(|&at| sheet.rows[at].particulars.same_person(&particulars))
        });
        match same {
            Some(at) => {
                let row = &mut sheet.rows[at];
                row.particulars.merge(particulars);
                sheet.merged.push((line, row.line));
            }
            None => {
                by_name.entry(key).or_default().push(sheet.rows.len());
                sheet.rows.push(Row { line, particulars });
            }
        }
    }
    if !any {
        return Err(SheetError::NoRows);
    }
    Ok(sheet)
}

/// A header's cell as the error shows it: at most 40 characters.
fn shorten(cell: &str) -> String {
    cell.chars().take(40).collect()
}

/// The file's text: by its byte-order mark, else UTF-8 if it is, else UTF-16 if every
/// other byte is zero, else Windows-1252 (which every byte decodes in). Workbooks and
/// binaries are refused.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(SheetError::Workbook);
    }
    let text = if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        encoding.decode_without_bom_handling(&bytes[bom..]).0
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Cow::Borrowed(text)
    } else if looks_utf16le(bytes) {
        UTF_16LE.decode_without_bom_handling(bytes).0
    } else {
        WINDOWS_1252.decode_without_bom_handling(bytes).0
    };
    // The start of a file tells text from binary.
    let sample = text.chars().take(100_000);
    let (mut control, mut all) = (0usize, 0usize);
    for c in sample {
        all += 1;
        control += usize::from(c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'));
    }
    if text.contains('\0') || control * 100 > all.max(1) {
        return Err(SheetError::NotText);
    }
    Ok(text)
}

/// Whether bytes without a byte-order mark look like UTF-16, little-endian: zeros in most
/// odd places, few in even ones.
fn looks_utf16le(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    let odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    sample.len() >= 4 && odd * 10 >= sample.len() / 2 * 8 && even * 10 < sample.len() / 2
}

/// The delimiter: whichever of `;`, tab and `,` the first lines hold most of outside
/// quotes; `;` first on a tie, as French Excel writes it.
fn delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(10).collect();
    let count = |delimiter: char| -> usize {
        lines
            .iter()
            .map(|line| {
                let mut quoted = false;
                line.chars()
                    .filter(|&c| {
                        if c == '"' {
                            quoted = !quoted;
                        }
                        c == delimiter && !quoted
                    })
                    .count()
            })
            .sum()
    };
    let (semicolon, tab, comma) = (count(';'), count('\t'), count(','));
    if semicolon >= tab && semicolon >= comma && semicolon > 0 {
        b';'
    } else if tab >= comma && tab > 0 {
        b'\t'
    } else {
        b','
    }
}

/// The cells of a row, by what their column holds (indexed by [`Column`]).
#[derive(Default)]
struct Cells<'a> {
    found: [Vec<&'a str>; COLUMNS_KINDS],
}

/// How many kinds of [`Column`] there are.
const COLUMNS_KINDS: usize = Column::FamilyTold as usize + 1;

impl<'a> Cells<'a> {
    fn get(&self, column: Column) -> &[&'a str] {
        self.found.get(column as usize).map_or(&[], Vec::as_slice)
    }

    /// The non-empty cells of a column, joined.
    fn joined(&self, column: Column, separator: &str) -> String {
        self.get(column)
            .iter()
            .filter(|c| !is_blank(c))
            .copied()
            .collect::<Vec<_>>()
            .join(separator)
    }
}

/// A cell without the quote that guards a formula ("'=…", "'+33…"): see
/// [`super::write_csv`].
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// One row → an entry, each cell read by its field's reader.
fn read_row<'a>(
    cells: impl Iterator<Item = &'a str>,
    columns: &[Option<Column>],
    today: NaiveDate,
) -> Result<Particulars, RowProblem> {
    let mut row = Cells::default();
    for (cell, column) in cells.zip(columns) {
        let cell = unguard(cell);
        if let (Some(column), false) = (column, cell.is_empty())
            && let Some(found) = row.found.get_mut(*column as usize)
        {
            found.push(cell);
        }
    }
    let mut p = Particulars::default();

    let full = row.joined(Column::FullName, " ");
    let given = [Column::FirstName, Column::LastName].map(|c| row.joined(c, " ")).join(" ");
    let name = if full.trim().is_empty() { given } else { full };
    if !name.chars().any(char::is_alphabetic) {
        return Err(EntryError::NoName);
    }
    p.name = clean(&format!("{} {}", row.joined(Column::Civility, " "), name));

    p.born = match row.get(Column::Born).iter().find(|c| !is_blank(c)) {
        Some(cell) => match born::from_serial(cell) {
            Some(date) => Some(born::check(Born::Date(date), today)?),
            None => born::read_value(cell, today)?,
        },
        None => match row.get(Column::Age).first() {
            Some(cell) => born::read_value(cell, today)?,
            None => None,
        },
    };

    let town = [Column::Postcode, Column::Town].map(|c| row.joined(c, " ")).join(" ");
    let address = [row.joined(Column::Address, ", "), clean(&town)]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    p.address = optional(&address);
    p.area = optional(&row.joined(Column::Area, ", "));

    for cell in row.get(Column::Phone) {
        for number in phone::read_list(cell) {
            let key = phone::key(&number);
            if !p.phones.iter().any(|known| phone::key(known) == key) {
                p.phones.push(number);
            }
        }
    }
    if p.phones.is_empty() && p.address.is_none() {
        return Err(EntryError::Unreachable);
    }

    let mut contact = contact::read(&row.joined(Column::ContactName, " ")).unwrap_or_default();
    if let Some(number) =
        row.get(Column::ContactPhone).iter().flat_map(|c| phone::read_list(c)).next()
    {
        contact.phone = Some(number);
    }
    if let Some(id) = row.get(Column::ContactMatrix).iter().find_map(|c| contact::read_matrix(c)) {
        contact.matrix = Some(id);
    }
    if contact != Contact::default() {
        p.contact = Some(contact);
    }

    p.doctor = optional(&row.joined(Column::Doctor, ", "));
    p.services = optional(&row.joined(Column::Services, ", "));
    p.notes = optional(&row.joined(Column::Notes, " ; "));
    p.asked_by = asker::read(&row.joined(Column::AskedBy, ", "));
    if let Some(kind) = row.get(Column::AskerKind).iter().find_map(|c| asker::read_kind(c)) {
        p.asked_by = match p.asked_by {
            AskedBy::ThirdParty(third) => AskedBy::ThirdParty(ThirdParty { kind, ..third }),
            AskedBy::Themself => {
                AskedBy::ThirdParty(ThirdParty { kind, words: row.joined(Column::AskerKind, ", ") })
            }
        };
    }
    // Unclear is no: the family is told only if the person said so.
    p.family_told =
        row.get(Column::FamilyTold).iter().any(|c| consent::read_answer(c) == Some(true));
    Ok(p)
}
