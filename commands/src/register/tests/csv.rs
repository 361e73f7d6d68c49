//! `read_csv`: communes' spreadsheets as they come, and the merge of a person listed twice.

use super::*;

fn read(bytes: &[u8]) -> Sheet {
    read_csv(bytes, today()).expect("a readable sheet")
}

fn names(sheet: &Sheet) -> Vec<&str> {
    sheet.rows.iter().map(|row| row.particulars.name.as_str()).collect()
}

#[test]
fn test_semicolons_in_windows_1252() {
    let bytes = b"Civilit\xe9;Pr\xe9nom;Nom;Date de naissance;Adresse;Code postal;Ville;T\xe9l\xe9phone;Portable;Quartier\r\n\
        Mme;Jeanne;Lef\xe8vre;03/04/1938;12 rue des Lilas;33000;Bordeaux;0556123456;06 11 22 33 44;Centre\r\n\
        M.;Andr\xe9;B\x9cuf;1940;3 all\xe9e des Ch\xeanes;33190;La R\xe9ole;;;\r\n";
    let sheet = read(bytes);
    assert_eq!(
        sheet.rows,
        [
            Row {
                line: 2,
                particulars: Particulars {
                    name: "Mme Jeanne Lefèvre".into(),
                    born: Some(Born::Date(date(1938, 4, 3))),
                    address: Some("12 rue des Lilas, 33000 Bordeaux".into()),
                    area: Some("Centre".into()),
                    phones: vec!["05 56 12 34 56".into(), "06 11 22 33 44".into()],
                    ..Particulars::default()
                },
            },
            Row {
                line: 3,
                particulars: Particulars {
                    name: "M. André Bœuf".into(),
                    born: Some(Born::Year(1940)),
                    address: Some("3 allée des Chênes, 33190 La Réole".into()),
                    ..Particulars::default()
                },
            },
        ]
    );
    assert!(
        sheet.refused.is_empty() && sheet.merged.is_empty() && sheet.ignored_columns.is_empty()
    );
}

#[test]
fn test_commas_in_utf8_with_bom() {
    let text = "\u{feff}Name,Age,Address,Phone,Emergency contact,Contact phone,Contact's Matrix id,GP,Asked by,Notes,Consent\n\
        Jane Smith,91,3 Church Street,07700 900123,her son Tom,07700 900456,@tom:example.org,Dr Patel,her son,deaf,yes\n";
    let sheet = read(text.as_bytes());
    let expected = Particulars {
        name: "Jane Smith".into(),
        born: Some(Born::Age { years: 91, on: today() }),
        address: Some("3 Church Street".into()),
        phones: vec!["07700 900123".into()],
        contact: Some(Contact {
            name: "her son Tom".into(),
            phone: Some("07700 900456".into()),
            matrix: Some("@tom:example.org".into()),
        }),
        doctor: Some("Dr Patel".into()),
        asked_by: AskedBy::ThirdParty(ThirdParty { kind: Asker::Family, words: "her son".into() }),
        notes: Some("deaf".into()),
        family_told: true,
        ..Particulars::default()
    };
    assert_eq!(sheet.rows, [Row { line: 2, particulars: expected }]);
}

#[test]
fn test_tabs_title_lines_and_blank_rows() {
    let text = "Registre canicule 2026\n\nnom\tprénom\ttéléphone\tquartier\tdate MAJ\n\
        Martin\tPaul\t0556123456\tCentre\t01/06/2026\n\t\t\t\t\n\
        Durand\tMarie\t556998877\tNord\t\n";
    let sheet = read(text.as_bytes());
    assert_eq!(names(&sheet), ["Paul Martin", "Marie Durand"]);
    assert_eq!(sheet.rows[0].line, 4);
    assert_eq!(sheet.rows[1].line, 6);
    // The spreadsheet dropped the number's leading zero.
    assert_eq!(sheet.rows[1].particulars.phones, ["05 56 99 88 77"]);
    assert_eq!(sheet.ignored_columns, ["date MAJ"]);
}

#[test]
fn test_quoted_cells_with_delimiters_and_newlines() {
    let text = "Nom;Adresse;Téléphone;Observations\n\
        \"Lefèvre, Jeanne\";\"12 rue des Lilas; bât. B\";\"05 56 12 34 56\";\"sourde\nsonner \"\"longtemps\"\"\"\n\
        Roy;\"4 place de la Mairie\";;\n";
    let sheet = read(text.as_bytes());
    let first = &sheet.rows[0].particulars;
    assert_eq!(first.name, "Lefèvre, Jeanne");
    assert_eq!(first.address.as_deref(), Some("12 rue des Lilas; bât. B"));
    assert_eq!(first.notes.as_deref(), Some("sourde sonner \"longtemps\""));
    assert_eq!(sheet.rows[1].line, 4, "the quoted newline counts");
    assert_eq!(sheet.rows[1].particulars.address.as_deref(), Some("4 place de la Mairie"));
}

#[test]
fn test_utf16_from_excel_unicode_text() {
    let text = "Nom\tTéléphone\nLefèvre\t0556123456\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(names(&read(&bytes)), ["Lefèvre"]);
    // Without its byte-order mark too.
    assert_eq!(names(&read(&bytes[2..])), ["Lefèvre"]);
}

#[test]
fn test_refused_rows() {
    let text = "Nom;Prénom;Né le;Téléphone;Adresse\n\
        ;;01/01/1940;0556123456;1 rue A\n\
        Roy;Paul;01/01/1940;;\n\
        Roy;Anne;31/02/1940;0556123456;\n\
        Roy;Luc;bientôt;0556123456;\n\
        Roy;Léa;01/01/2030;0556123456;\n\
        Roy;Max;01/01/1890;0556123456;\n\
        Roy;Eve\n\
        Roy;Zoé;inconnue;0556123456;;en trop;encore\n";
    let sheet = read(text.as_bytes());
    let refused: Vec<(usize, RowProblem)> = sheet.refused.iter().map(|r| (r.line, r.why)).collect();
    assert_eq!(
        refused,
        [
            (2, EntryError::NoName),
            (3, EntryError::Unreachable),
            (4, EntryError::NoSuchDate),
            (5, EntryError::Unreadable(Field::Born)),
            (6, EntryError::BornInFuture),
            (7, EntryError::TooOld),
            (8, EntryError::Unreachable),
        ]
    );
    // More cells than the header: the extra ones are ignored.
    assert_eq!(names(&sheet), ["Zoé Roy"]);
    assert_eq!(sheet.rows[0].particulars.born, None);
}

#[test]
fn test_the_same_person_twice_is_merged() {
    let text = "Nom;Prénom;Naissance;Téléphone;Adresse;Médecin;Notes\n\
        Lefèvre;Jeanne;1938;05 56 12 34 56;;;sourde\n\
        LEFEVRE;jeanne;03/04/1938;06 11 22 33 44;12 rue des Lilas;Dr Roux;sourde\n\
        Lefèvre;Jeanne;;0556123456;;;chien\n\
        Lefèvre;Jeanne;1950;07 00 00 00 00;;;\n\
        Martin;Paul;;05 56 99 99 99;;;\n";
    let sheet = read(text.as_bytes());
    assert_eq!(sheet.merged, [(3, 2), (4, 2)]);
    assert_eq!(names(&sheet), ["Jeanne Lefèvre", "Jeanne Lefèvre", "Paul Martin"]);
    let merged = &sheet.rows[0].particulars;
    assert_eq!(merged.born, Some(Born::Date(date(1938, 4, 3))), "the more precise birth");
    assert_eq!(merged.phones, ["05 56 12 34 56", "06 11 22 33 44"]);
    assert_eq!(merged.address.as_deref(), Some("12 rue des Lilas"));
    assert_eq!(merged.doctor.as_deref(), Some("Dr Roux"));
    assert_eq!(merged.notes.as_deref(), Some("sourde / chien"));
    // Born in 1950, no number in common: a namesake.
    assert_eq!(sheet.rows[1].particulars.born, Some(Born::Year(1950)));
}

#[test]
fn test_whole_file_refused() {
    let cases: [(&[u8], SheetError); 7] = [
        (b"", SheetError::Empty),
        (b"\xef\xbb\xbf \r\n\r\n", SheetError::Empty),
        (b"Nom;T\xe9l\xe9phone\r\n", SheetError::NoRows),
        (b"PK\x03\x04\x14\x00\x06\x00", SheetError::Workbook),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", SheetError::Workbook),
        (b"\x00\x01\x02\x03\x04\x05binary\x00\x00\x07", SheetError::NotText),
        (
            "Produit;Prix;Quantité\nPommes;2;3\n".as_bytes(),
            SheetError::NoHeader {
                found: vec!["Produit".into(), "Prix".into(), "Quantité".into()],
            },
        ),
    ];
    for (bytes, error) in cases {
        assert_eq!(read_csv(bytes, today()), Err(error), "{bytes:?}");
    }
    let no_name = read_csv("Téléphone;Adresse\n0556123456;1 rue A\n".as_bytes(), today());
    let Err(error) = no_name else { panic!("a sheet without names") };
    assert_eq!(
        error.to_string(),
        "no header with a name column (nom, prénom, name); columns found: Téléphone, Adresse"
    );
}

#[test]
fn test_spreadsheet_dates_and_answers() {
    let text = "Nom complet;Date de naissance (jj/mm/aaaa);Âge;Tél;Accord famille;Demandé par;Lien du demandeur;Personne à prévenir;Tél. personne à prévenir\n\
        Mme Roy;14000;;0556123456;x;;;;\n\
        M. Roy;;85;0556123457;non;le CCAS;autre;sa fille Claire;06 11 22 33 44\n\
        Mme Vidal;;;0556123458;peut-être;;voisin;;\n";
    let sheet = read(text.as_bytes());
    let [roy, husband, vidal] = [0, 1, 2].map(|i| &sheet.rows[i].particulars);
    assert_eq!(roy.born, Some(Born::Date(date(1938, 4, 30))), "a date left as a number");
    assert!(roy.family_told);
    assert_eq!(husband.born, Some(Born::Age { years: 85, on: today() }));
    assert!(!husband.family_told);
    assert_eq!(
        husband.asked_by,
        AskedBy::ThirdParty(ThirdParty { kind: Asker::Other, words: "le CCAS".into() })
    );
    assert_eq!(
        husband.contact,
        Some(Contact {
            name: "sa fille Claire".into(),
            phone: Some("06 11 22 33 44".into()),
            matrix: None
        })
    );
    assert!(!vidal.family_told, "an unclear answer is no");
    assert_eq!(
        vidal.asked_by,
        AskedBy::ThirdParty(ThirdParty { kind: Asker::Neighbour, words: "voisin".into() })
    );
}

/// A commune's whole register: every row taken, none merged (the names differ).
#[test]
fn test_fifty_thousand_rows() {
    let mut text = String::from(
        "Civilité;Nom;Prénom;Date de naissance;Adresse;Code postal;Ville;Téléphone;Contact;Tél. contact\n",
    );
    for i in 0..50_000 {
        text.push_str(&format!(
            "Mme;Nom{i};Prénom{i};{:02}/{:02}/{};{} rue de la Gare;33000;Bordeaux;05 56 {:02} {:02} {:02};sa fille;06 11 22 33 44\n",
            i % 28 + 1,
            i % 12 + 1,
            1930 + i % 30,
            i % 200 + 1,
            i / 10_000,
            i / 100 % 100,
            i % 100,
        ));
    }
    let sheet = read(text.as_bytes());
    assert_eq!(sheet.rows.len(), 50_000);
    assert!(sheet.refused.is_empty() && sheet.merged.is_empty());
    assert_eq!(sheet.rows[49_999].line, 50_001);
    assert_eq!(sheet.rows[12_345].particulars.phones, ["05 56 01 23 45"]);
}

#[test]
fn test_same_person() {
    let lefevre =
        read_entry("Mme Jeanne Lefèvre, 87 ans, 05 56 12 34 56", today()).expect("an entry");
    let same = [
        "Jeanne LEFEVRE, née en 1939, 1 rue Pasteur",
        "Lefèvre Jeanne, 06 00 00 00 00, +33 5 56 12 34 56",
        "Madame Jeanne Lefèvre, 87 ans, 1 rue Pasteur",
    ];
    for text in same {
        let other = read_entry(text, today()).expect("an entry");
        assert!(lefevre.same_person(&other), "{text}");
        assert!(other.same_person(&lefevre), "{text}");
    }
    let namesakes = [
        "Jeanne Lefèvre, née en 1950, 1 rue Pasteur",
        "Jeanne Lefèvre, 06 00 00 00 00",
        "Anne Lefèvre, 05 56 12 34 56",
    ];
    for text in namesakes {
        let other = read_entry(text, today()).expect("an entry");
        assert!(!lefevre.same_person(&other), "{text}");
    }
}

#[test]
fn test_merge() {
    let mut mine =
        read_entry("Mme Lefèvre, 87 ans, 05 56 12 34 56, contact sa fille, notes: sourde", today())
            .expect("an entry");
    let theirs = read_entry(
        "Mme Lefèvre, née le 3/4/1939, 12 rue des Lilas, 0556123456, 06 11 22 33 44, contact son fils 06 22 22 22 22, demandé par son fils, médecin Dr Roux, notes: chien, accord famille",
        today(),
    )
    .expect("an entry");
    mine.merge(theirs);
    let expected = read_entry(
        "Mme Lefèvre, née le 3/4/1939, 12 rue des Lilas, 05 56 12 34 56, 06 11 22 33 44, contact sa fille 06 22 22 22 22, médecin Dr Roux, notes: sourde / chien, accord famille",
        today(),
    )
    .expect("an entry");
    assert_eq!(mine, expected);
}
