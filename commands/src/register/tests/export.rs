//! `write_csv`: the préfet's export, and reading it back.

use super::*;
use crate::Lang;

fn export(entries: &[Particulars], lang: Lang) -> String {
    let rows: Vec<ExportRow<'_>> = entries
        .iter()
        .zip(1..)
        .map(|(particulars, number)| ExportRow {
            number,
            particulars,
            registered_on: date(2026, 6, 1),
            state: "inscrit",
        })
        .collect();
    write_csv(&rows, lang, today())
}

fn entries() -> Vec<Particulars> {
    [
        "Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56, contact sa fille 06 11 22 33 44, demandé par sa fille",
        "M. Paul Martin, né le 3/4/1938, 4 place de la Mairie 33190 La Réole, tél 0556123456, médecin Dr Roux, aide à domicile le matin, quartier Centre",
        "Mrs Jane Smith, 91 years old, 3 church street, 07700 900123, emergency contact her son Tom 07700 900456 @tom:example.org, asked by her son, notes: deaf, let it ring",
        "Louise Bernard, née en 1940, portable 06 12 34 56 78, fixe 05 56 00 00 00, urgence voisin M. Roy 05 56 11 11 11, accord famille",
        "Simone Martin, aged 87, +33 (0)6 12 34 56 78, à la demande du Dr Roux, notes: =HYPERLINK(\"x\"); \"sourde\"",
        "M. et Mme Dupont, lieu-dit Les Granges, 33190 Gironde-sur-Dropt, signalée par l'infirmière du SSIAD",
        "Mr Hill, 07700 900333, home help twice a week, meals on wheels, GP Dr Patel, on behalf of her neighbour Mrs Brown",
        "Mme Blanc, 06 99 88 77 66, demandé par le CCAS, contact: @claire:example.org",
    ]
    .iter()
    .map(|text| read_entry(text, today()).expect("an entry"))
    .collect()
}

#[test]
fn test_write_csv_in_french() {
    let lefevre = &entries()[..1];
    let expected = "\u{feff}N°;Nom;Date de naissance;Âge;Adresse;Quartier;Téléphones;Contact d'urgence;Téléphone du contact;Matrix du contact;Médecin traitant;Services;Demandé par;Lien du demandeur;Notes;Accord famille;Inscrit le;État\r\n\
        1;Mme Lefèvre;;87;12 rue des Lilas;;05 56 12 34 56;sa fille;06 11 22 33 44;;;;sa fille;famille;;non;01/06/2026;inscrit\r\n";
    assert_eq!(export(lefevre, Lang::Fr), expected);
}

#[test]
fn test_write_csv_in_english_quotes_and_guards() {
    let all = entries();
    let written = export(&all[2..5], Lang::En);
    let lines: Vec<&str> = written.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}No.;Name;Date of birth;Age;Address;Area;Phones;Emergency contact;Contact's phone;Contact's Matrix id;Doctor;Services;Asked by;Asker's relation;Notes;Family may be told;Registered on;State"
    );
    assert_eq!(
        lines[1],
        "1;Mrs Jane Smith;;91;3 church street;;07700 900123;her son Tom;07700 900456;'@tom:example.org;;;her son;family;deaf, let it ring;no;2026-06-01;inscrit"
    );
    assert_eq!(
        lines[2],
        "2;Louise Bernard;1940;85;;;06 12 34 56 78 / 05 56 00 00 00;voisin M. Roy;05 56 11 11 11;;;;the person;;;yes;2026-06-01;inscrit"
    );
    // A formula is guarded by a quote, a cell holding `"` is quoted (the sentence's `;`
    // cut its notes).
    assert_eq!(
        lines[3],
        "3;Simone Martin;;87;;;'+33 6 12 34 56 78;;;;;;Dr Roux;doctor;\"'=HYPERLINK(\"\"x\"\"), \"\"sourde\"\"\";no;2026-06-01;inscrit"
    );
    assert_eq!(lines[4], "");
}

/// What the export writes, [`read_csv`] reads back, in both languages.
#[test]
fn test_round_trip() {
    let all = entries();
    for lang in Lang::ALL {
        let sheet =
            read_csv(export(&all, lang).as_bytes(), today()).expect("the export reads back");
        let read: Vec<Particulars> = sheet.rows.into_iter().map(|row| row.particulars).collect();
        assert_eq!(read, all, "{lang:?}");
        assert!(sheet.refused.is_empty() && sheet.merged.is_empty());
        assert_eq!(sheet.ignored_columns.len(), 3, "number, registration day, state");
    }
}

#[test]
fn test_empty_export_is_a_header() {
    let written = write_csv(&[], Lang::Fr, today());
    assert_eq!(written.lines().count(), 1);
    assert_eq!(read_csv(written.as_bytes(), today()), Err(SheetError::NoRows));
}
