//! The register for the préfet (R121-8): one row per entry, `;` between cells, UTF-8
//! with a byte-order mark, so that French Excel opens it as it is. [`super::read_csv`]
//! reads it back.

use chrono::NaiveDate;

use super::{AskedBy, Born, Particulars, asker, consent};
use crate::Lang;

/// One entry of the export.
#[derive(Debug, Clone, Copy)]
pub struct ExportRow<'a> {
    /// The entry's number in the register.
    pub number: u64,
    /// What the register holds about the person.
    pub particulars: &'a Particulars,
    /// The day the entry was registered.
    pub registered_on: NaiveDate,
    /// The entry's state as the bot words it ("inscrit", "en attente").
    pub state: &'a str,
}

/// The header in French. Column headers of a file, not chat messages: they stay here.
const FRENCH: [&str; 18] = [
    "N°",
    "Nom",
    "Date de naissance",
    "Âge",
    "Adresse",
    "Quartier",
    "Téléphones",
    "Contact d'urgence",
    "Téléphone du contact",
    "Matrix du contact",
    "Médecin traitant",
    "Services",
    "Demandé par",
    "Lien du demandeur",
    "Notes",
    "Accord famille",
    "Inscrit le",
    "État",
];

/// The header in English.
const ENGLISH: [&str; 18] = [
    "No.",
    "Name",
    "Date of birth",
    "Age",
    "Address",
    "Area",
    "Phones",
    "Emergency contact",
    "Contact's phone",
    "Contact's Matrix id",
    "Doctor",
    "Services",
    "Asked by",
    "Asker's relation",
    "Notes",
    "Family may be told",
    "Registered on",
    "State",
];

/// Writes the register as CSV for the préfet, header in `lang`, ages on `today`. A cell
/// that a spreadsheet would take for a formula (it starts with `=`, `+`, `-` or `@`) is
/// guarded by a quote, which [`super::read_csv`] removes.
pub fn write_csv(rows: &[ExportRow<'_>], lang: Lang, today: NaiveDate) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = match lang {
        Lang::Fr => FRENCH,
        Lang::En => ENGLISH,
    };
    // Writing to memory fails only if the writer is misused; the tests read every row back.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(cells(row, lang, today).iter().map(|cell| guard(cell)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('\u{feff}');
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// A row's cells, in the order of the header.
fn cells(row: &ExportRow<'_>, lang: Lang, today: NaiveDate) -> [String; 18] {
    let p = row.particulars;
    let date = |date: NaiveDate| match lang {
        Lang::Fr => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%Y-%m-%d").to_string(),
    };
    let born = match p.born {
        Some(Born::Date(day)) => date(day),
        Some(Born::Year(year)) => year.to_string(),
        Some(Born::Age { .. }) | None => String::new(),
    };
    let age = p.born.and_then(|born| born.age_on(today)).map(|age| age.to_string());
    let contact = p.contact.as_ref();
    let (asked_by, kind) = match &p.asked_by {
        AskedBy::Themself => {
            let person = match lang {
                Lang::Fr => "la personne",
                Lang::En => "the person",
            };
            (person.to_owned(), String::new())
        }
        AskedBy::ThirdParty(third) => {
            (third.words.clone(), asker::kind_label(third.kind, lang).to_owned())
        }
    };
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        row.number.to_string(),
        p.name.clone(),
        born,
        age.unwrap_or_default(),
        text(&p.address),
        text(&p.area),
        p.phones.join(" / "),
        contact.map(|c| c.name.clone()).unwrap_or_default(),
        contact.and_then(|c| c.phone.clone()).unwrap_or_default(),
        contact.and_then(|c| c.matrix.clone()).unwrap_or_default(),
        text(&p.doctor),
        text(&p.services),
        asked_by,
        kind,
        text(&p.notes),
        consent::answer_label(p.family_told, lang).to_owned(),
        date(row.registered_on),
        row.state.to_owned(),
    ]
}

/// A cell that a spreadsheet would take for a formula, quoted (OWASP's advice on CSV
/// injection): "=HYPERLINK(…)" in a note, "@tom:example.org" or "+33 6…" as they are.
fn guard(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}
