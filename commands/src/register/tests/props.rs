//! Properties: no reader panics on any input, and what the export writes reads back.

use proptest::{collection::vec, option, prelude::*, sample::select};
use strum::IntoEnumIterator;

use super::*;
use crate::Lang;

/// Words and separators the readers look for, so that random sentences reach their paths.
const WORDS: &[&str] = &[
    "Mme",
    "M.",
    "Mrs",
    "Lefèvre",
    "Jane",
    "87",
    "ans",
    "years",
    "old",
    "aged",
    "né",
    "née",
    "le",
    "en",
    "born",
    "3/4/1938",
    "31/02/1938",
    "1938",
    "2030",
    "3",
    "avril",
    "April",
    "12",
    "rue",
    "des",
    "Lilas",
    "church",
    "street",
    "33000",
    "Bordeaux",
    "05 56 12 34 56",
    "0556123456",
    "+33 6 12 34 56 78",
    "07700 900123",
    "tél",
    "tél:",
    "portable",
    "contact",
    "urgence",
    "emergency",
    "sa",
    "fille",
    "her",
    "son",
    "@tom:example.org",
    "@",
    ":",
    "demandé",
    "par",
    "asked",
    "by",
    "à",
    "la",
    "demande",
    "du",
    "Dr",
    "Roux",
    "médecin",
    "GP",
    "quartier",
    "area",
    "notes:",
    "note",
    "accord",
    "famille",
    "family",
    "may",
    "be",
    "told",
    "consent",
    "non",
    "aide",
    "domicile",
    "SSIAD",
    "meals",
    "(",
    ")",
    "é",
    "’",
    "œ",
    "\u{a0}",
    "-",
    "'",
    "\"",
];

const SEPARATORS: &[&str] = &[" ", ", ", "; ", "\n", ",", " : ", "|", ""];

fn sentence() -> impl Strategy<Value = String> {
    vec((select(WORDS), select(SEPARATORS)), 0..30)
        .prop_map(|words| words.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

fn full_entry() -> Particulars {
    read_entry(
        "Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56, contact sa fille 06 11 22 33 44, demandé par sa fille",
        today(),
    )
    .expect("an entry")
}

/// Cells of a spreadsheet: header names, values, quotes, delimiters and line ends.
const CELLS: &[&str] = &[
    "Nom",
    "Prénom",
    "Civilité",
    "Téléphone",
    "Adresse",
    "Date de naissance",
    "Âge",
    "Contact",
    "Matrix du contact",
    "Accord famille",
    "Lefèvre",
    "05 56 12 34 56",
    "556123456",
    "14000",
    "03/04/1938",
    "x",
    "oui",
    "\"",
    "\"\"",
    ";",
    ",",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "'=1",
    "é",
    "\u{feff}",
    "@a:b.c",
    "",
];

fn sheet_text() -> impl Strategy<Value = String> {
    vec(select(CELLS), 0..80).prop_map(|cells| cells.concat())
}

proptest! {
    #[test]
    fn test_read_entry_never_panics(text in any::<String>()) {
        let _ = read_entry(&text, today());
    }

    #[test]
    fn test_read_entry_never_panics_on_likely_words(text in sentence()) {
        let _ = read_entry(&text, today());
    }

    #[test]
    fn test_read_field_never_panics(text in any::<String>()) {
        let _ = read_field(&text);
    }

    #[test]
    fn test_set_never_panics(field in select(Field::iter().collect::<Vec<_>>()), value in any::<String>()) {
        let mut entry = full_entry();
        let before = entry.clone();
        if entry.set(field, &value, today()).is_err() {
            prop_assert_eq!(entry, before);
        }
    }

    #[test]
    fn test_set_never_panics_on_likely_words(field in select(Field::iter().collect::<Vec<_>>()), value in sentence()) {
        let mut entry = full_entry();
        let _ = entry.set(field, &value, today());
    }

    #[test]
    fn test_read_csv_never_panics(bytes in vec(any::<u8>(), 0..2_000)) {
        let _ = read_csv(&bytes, today());
    }

    #[test]
    fn test_read_csv_never_panics_on_likely_cells(text in sheet_text()) {
        let _ = read_csv(text.as_bytes(), today());
        let latin: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
        let _ = read_csv(&latin, today());
    }

    #[test]
    fn test_read_csv_never_panics_on_a_header_then_anything(rows in any::<String>()) {
        let _ = read_csv(format!("Nom;Téléphone;Adresse;Né le\n{rows}").as_bytes(), today());
    }

    #[test]
    fn test_read_csv_reads_what_write_csv_writes(entries in vec(particulars(), 1..8), french in any::<bool>()) {
        // Distinct names: the same person twice would be merged.
        let entries: Vec<Particulars> = entries
            .into_iter()
            .enumerate()
            .map(|(i, p)| Particulars { name: format!("{} {}", p.name, letters(i)), ..p })
            .collect();
        let rows: Vec<ExportRow<'_>> = entries
            .iter()
            .map(|particulars| ExportRow { number: 1, particulars, registered_on: today(), state: "" })
            .collect();
        let lang = if french { Lang::Fr } else { Lang::En };
        let sheet = read_csv(write_csv(&rows, lang, today()).as_bytes(), today());
        let read: Option<Vec<Particulars>> =
            sheet.ok().map(|sheet| sheet.rows.into_iter().map(|row| row.particulars).collect());
        prop_assert_eq!(read, Some(entries));
    }
}

/// A name's distinct suffix: "Ab", "Ac"…
fn letters(i: usize) -> String {
    let letter = |n: usize| char::from(b'a' + u8::try_from(n % 26).unwrap_or(0));
    format!("A{}{}", letter(i / 26), letter(i))
}

/// Entries as the readers make them, with cells that need quoting and guarding.
fn particulars() -> impl Strategy<Value = Particulars> {
    let born = prop_oneof![
        Just(None),
        (1906..2008i32, 1..=12u32, 1..=28u32).prop_map(|(y, m, d)| Some(Born::Date(date(y, m, d)))),
        (1907..2008i32).prop_map(|y| Some(Born::Year(y))),
        (18..=120u16).prop_map(|years| Some(Born::Age { years, on: today() })),
    ];
    let text = |values: &'static [&'static str]| option::of(select(values).prop_map(str::to_owned));
    let contact = option::of((
        select(&["", "sa fille", "son fils Marc", "voisin M. Roy", "her son Tom"][..]),
        option::of("0[67][0-9]{8}"),
        option::of("@[a-z]{3,8}:example\\.org"),
    ))
    // A contact that says nothing is no contact, as the readers make it.
    .prop_map(|contact| {
        let (name, phone, matrix) = contact?;
        let contact =
            Contact { name: name.to_owned(), phone: phone.map(|p| phone_normal(&p)), matrix };
        (contact != Contact::default()).then_some(contact)
    });
    let asked_by = prop_oneof![
        Just(AskedBy::Themself),
        (
            select(
                &[Asker::Family, Asker::Neighbour, Asker::Carer, Asker::Doctor, Asker::Other][..]
            ),
            select(&["sa fille", "le CCAS", "Dr Roux", "her neighbour", "l'aide à domicile"][..]),
        )
            .prop_map(|(kind, words)| AskedBy::ThirdParty(ThirdParty {
                kind,
                words: words.to_owned()
            })),
    ];
    (
        select(&["Mme Lefèvre", "M. Paul Martin", "Mrs Jane Smith", "Bœuf", "O'Brien"][..]),
        born,
        text(&["12 rue des Lilas", "4 place de la Mairie, 33190 La Réole", "3 church street"]),
        text(&["Centre", "Les Coteaux; Nord"]),
        vec("0[1-9][0-9]{8}|\\+447700900[0-9]{3}", 0..3),
        contact,
        (
            text(&["SSIAD matin et soir", "portage de repas, infirmière"]),
            text(&["Dr Roux", "-Dr \"Bob\" Patel"]),
            asked_by,
            text(&["sourde; sonner \"longtemps\"", "=SUM(A1)", "@home", "+ chien"]),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                name,
                born,
                address,
                area,
                phones,
                contact,
                (services, doctor, asked_by, notes, family_told),
            )| {
                let mut numbers: Vec<String> = Vec::new();
                for number in phones.iter().map(|p| phone_normal(p)) {
                    if !numbers.contains(&number) {
                        numbers.push(number);
                    }
                }
                let address = if numbers.is_empty() && address.is_none() {
                    Some("1 rue Pasteur".into())
                } else {
                    address
                };
                Particulars {
                    name: name.to_owned(),
                    born,
                    address,
                    area,
                    phones: numbers,
                    contact,
                    services,
                    doctor,
                    asked_by,
                    notes,
                    family_told,
                }
            },
        )
}

/// A number as the readers write it.
fn phone_normal(number: &str) -> String {
    phone::normalise(number)
}
