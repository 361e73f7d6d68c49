//! `read_entry`: a coordinator's sentence, as people write it.

use super::*;

fn person(name: &str) -> Particulars {
    Particulars { name: name.to_owned(), ..Particulars::default() }
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn phones(numbers: &[&str]) -> Vec<String> {
    numbers.iter().map(|n| (*n).to_owned()).collect()
}

fn age(years: u16) -> Option<Born> {
    Some(Born::Age { years, on: today() })
}

fn contact(name: &str, phone: Option<&str>, matrix: Option<&str>) -> Option<Contact> {
    Some(Contact {
        name: name.to_owned(),
        phone: phone.map(str::to_owned),
        matrix: matrix.map(str::to_owned),
    })
}

fn third(kind: Asker, words: &str) -> AskedBy {
    AskedBy::ThirdParty(ThirdParty { kind, words: words.to_owned() })
}

/// Mme Lefèvre with her landline: the start of many cases below.
fn lefevre() -> Particulars {
    Particulars { phones: phones(&["05 56 12 34 56"]), ..person("Mme Lefèvre") }
}

#[test]
fn test_read_entry_examples() {
    let cases = [
        (
            "Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56, contact sa fille 06 11 22 33 44, demandé par sa fille",
            Particulars {
                born: age(87),
                address: some("12 rue des Lilas"),
                contact: contact("sa fille", Some("06 11 22 33 44"), None),
                asked_by: third(Asker::Family, "sa fille"),
                ..lefevre()
            },
        ),
        (
            "M. Paul Martin, né le 3/4/1938, 4 place de la Mairie 33190 La Réole, tél 0556123456, médecin Dr Roux, aide à domicile le matin, quartier Centre",
            Particulars {
                born: Some(Born::Date(date(1938, 4, 3))),
                address: some("4 place de la Mairie 33190 La Réole"),
                area: some("Centre"),
                phones: phones(&["05 56 12 34 56"]),
                services: some("aide à domicile le matin"),
                doctor: some("Dr Roux"),
                ..person("M. Paul Martin")
            },
        ),
        (
            "Mrs Jane Smith, 91 years old, 3 church street, 07700 900123, emergency contact her son Tom 07700 900456 @tom:example.org, asked by her son, notes: deaf, let it ring",
            Particulars {
                born: age(91),
                address: some("3 church street"),
                phones: phones(&["07700 900123"]),
                contact: contact("her son Tom", Some("07700 900456"), Some("@tom:example.org")),
                asked_by: third(Asker::Family, "her son"),
                notes: some("deaf, let it ring"),
                ..person("Mrs Jane Smith")
            },
        ),
        (
            "Louise Bernard, née en 1940, portable 06 12 34 56 78, fixe 05 56 00 00 00, urgence voisin M. Roy 05 56 11 11 11, accord famille",
            Particulars {
                born: Some(Born::Year(1940)),
                phones: phones(&["06 12 34 56 78", "05 56 00 00 00"]),
                contact: contact("voisin M. Roy", Some("05 56 11 11 11"), None),
                family_told: true,
                ..person("Louise Bernard")
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(read_entry(text, today()), Ok(expected), "{text}");
    }
}

#[test]
fn test_read_entry_phrasings() {
    let cases = [
        // No commas at all.
        (
            "Jeanne Dupont 84 ans 3 rue Pasteur 0612345678",
            Particulars {
                born: age(84),
                address: some("3 rue Pasteur"),
                phones: phones(&["06 12 34 56 78"]),
                ..person("Jeanne Dupont")
            },
        ),
        // The postcode and town in the next segment.
        (
            "Mme Lefèvre, 12 rue des Lilas, 33000 Bordeaux, 05 56 12 34 56",
            Particulars { address: some("12 rue des Lilas, 33000 Bordeaux"), ..lefevre() },
        ),
        // Two numbers in one segment, dots and a slash.
        (
            "Marcel Petit, né le 03/04/1938, tél: 05.56.12.34.56 / 06 11 22 33 44",
            Particulars {
                born: Some(Born::Date(date(1938, 4, 3))),
                phones: phones(&["05 56 12 34 56", "06 11 22 33 44"]),
                ..person("Marcel Petit")
            },
        ),
        (
            "M. Durand, born 3 April 1938, 5 avenue Foch",
            Particulars {
                born: Some(Born::Date(date(1938, 4, 3))),
                address: some("5 avenue Foch"),
                ..person("M. Durand")
            },
        ),
        // The American date's comma does not cut it.
        (
            "Mr John Brown, born April 3, 1938, 10 High Street, phone 07700 900111",
            Particulars {
                born: Some(Born::Date(date(1938, 4, 3))),
                address: some("10 High Street"),
                phones: phones(&["07700 900111"]),
                ..person("Mr John Brown")
            },
        ),
        (
            "Mme Roux, 1er avril 1938, 2 impasse des Roses",
            Particulars {
                born: Some(Born::Date(date(1938, 4, 1))),
                address: some("2 impasse des Roses"),
                ..person("Mme Roux")
            },
        ),
        (
            "Simone Martin, aged 87, +33 (0)6 12 34 56 78",
            Particulars {
                born: age(87),
                phones: phones(&["+33 6 12 34 56 78"]),
                ..person("Simone Martin")
            },
        ),
        // A building and a flat continue the address.
        (
            "Mme Blanc, born 1938, adresse : résidence les Pins, bâtiment B, appt 12",
            Particulars {
                born: Some(Born::Year(1938)),
                address: some("résidence les Pins, bâtiment B, appt 12"),
                ..person("Mme Blanc")
            },
        ),
        // Every field labelled.
        (
            "nom: Robert Leroy, âge: 90, adresse: 8 chemin du Moulin, téléphone: 0556998877, quartier: Les Coteaux, médecin traitant: Dr Morel, services: SSIAD matin et soir, demandé par: son fils, notes: chien méchant, accord famille: oui",
            Particulars {
                born: age(90),
                address: some("8 chemin du Moulin"),
                area: some("Les Coteaux"),
                phones: phones(&["05 56 99 88 77"]),
                doctor: some("Dr Morel"),
                services: some("SSIAD matin et soir"),
                asked_by: third(Asker::Family, "son fils"),
                notes: some("chien méchant"),
                family_told: true,
                ..person("Robert Leroy")
            },
        ),
        // The contact's number in the next segment.
        (
            "Mme Lefèvre, 87 ans, 05 56 12 34 56, personne à prévenir : son fils Marc, 06 22 33 44 55",
            Particulars {
                born: age(87),
                contact: contact("son fils Marc", Some("06 22 33 44 55"), None),
                ..lefevre()
            },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, en cas d'urgence prévenir sa voisine Mme Roy 05 56 11 11 11",
            Particulars {
                contact: contact("sa voisine Mme Roy", Some("05 56 11 11 11"), None),
                ..lefevre()
            },
        ),
        // The contact's Matrix id in the next segment.
        (
            "Mme Lefèvre, 05 56 12 34 56, contact: sa fille Claire, @claire:example.org",
            Particulars {
                contact: contact("sa fille Claire", None, Some("@claire:example.org")),
                ..lefevre()
            },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, à la demande de sa fille",
            Particulars { asked_by: third(Asker::Family, "sa fille"), ..lefevre() },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, à la demande du Dr Roux",
            Particulars { asked_by: third(Asker::Doctor, "Dr Roux"), ..lefevre() },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, signalée par l'infirmière du SSIAD",
            Particulars { asked_by: third(Asker::Carer, "l'infirmière du SSIAD"), ..lefevre() },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, demandé par le CCAS",
            Particulars { asked_by: third(Asker::Other, "le CCAS"), ..lefevre() },
        ),
        ("Mme Lefèvre, 05 56 12 34 56, inscrite à sa demande", lefevre()),
        ("Mme Lefèvre, 05 56 12 34 56, demandé par elle-même", lefevre()),
        (
            "Mrs Green, 07700 900222, on behalf of her neighbour Mrs Brown",
            Particulars {
                phones: phones(&["07700 900222"]),
                asked_by: third(Asker::Neighbour, "her neighbour Mrs Brown"),
                ..person("Mrs Green")
            },
        ),
        // Services named without a label, one per segment.
        (
            "Mme Lefèvre, 05 56 12 34 56, portage de repas, infirmière le soir",
            Particulars { services: some("portage de repas, infirmière le soir"), ..lefevre() },
        ),
        (
            "Mr Hill, 07700 900333, home help twice a week, meals on wheels, GP Dr Patel",
            Particulars {
                phones: phones(&["07700 900333"]),
                services: some("home help twice a week, meals on wheels"),
                doctor: some("Dr Patel"),
                ..person("Mr Hill")
            },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, docteur : Dr Roux",
            Particulars { doctor: some("Dr Roux"), ..lefevre() },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, Dr Roux",
            Particulars { doctor: some("Dr Roux"), ..lefevre() },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, secteur Nord",
            Particulars { area: some("Nord"), ..lefevre() },
        ),
        (
            "Mrs Jones, 07700 900444, neighbourhood: Old Town, family may be told",
            Particulars {
                phones: phones(&["07700 900444"]),
                area: some("Old Town"),
                family_told: true,
                ..person("Mrs Jones")
            },
        ),
        // Whatever has no label and is not the name goes to the notes.
        (
            "Mme Lefèvre, 05 56 12 34 56, malentendante, sonner longtemps",
            Particulars { notes: some("malentendante, sonner longtemps"), ..lefevre() },
        ),
        // An age inside the name's segment.
        ("Mme Lefèvre (87 ans), 05 56 12 34 56", Particulars { born: age(87), ..lefevre() }),
        // The name need not come first.
        (
            "12 rue des Lilas, Mme Lefèvre, 05 56 12 34 56",
            Particulars { address: some("12 rue des Lilas"), ..lefevre() },
        ),
        // Once the person is named, "2 ans" in a longer segment is no age.
        (
            "Mme Lefèvre, 05 56 12 34 56, veuve depuis 2 ans",
            Particulars { notes: some("veuve depuis 2 ans"), ..lefevre() },
        ),
        // An address is enough to be reached.
        (
            "M. et Mme Dupont, lieu-dit Les Granges, 33190 Gironde-sur-Dropt",
            Particulars {
                address: some("lieu-dit Les Granges, 33190 Gironde-sur-Dropt"),
                ..person("M. et Mme Dupont")
            },
        ),
        (
            "Mrs Ann Lee; 4 mill lane; 07700 900555",
            Particulars {
                address: some("4 mill lane"),
                phones: phones(&["07700 900555"]),
                ..person("Mrs Ann Lee")
            },
        ),
        ("Mme Lefèvre\n05 56 12 34 56\n84 ans\n", Particulars { born: age(84), ..lefevre() }),
        // A two-digit year is of the last century when this one would make a child.
        (
            "Mme Lefèvre, née le 3/4/38, 05 56 12 34 56",
            Particulars { born: Some(Born::Date(date(1938, 4, 3))), ..lefevre() },
        ),
        (
            "Mme Lefèvre, 1938-04-03, 05 56 12 34 56",
            Particulars { born: Some(Born::Date(date(1938, 4, 3))), ..lefevre() },
        ),
        (
            "Mme Lefèvre, born on the 3rd of April 1938, 05 56 12 34 56",
            Particulars { born: Some(Born::Date(date(1938, 4, 3))), ..lefevre() },
        ),
        (
            "Mme Lefèvre, 05 56 12 34 56, prévenir son fils Marc au 06 22 33 44 55",
            Particulars {
                contact: contact("son fils Marc", Some("06 22 33 44 55"), None),
                ..lefevre()
            },
        ),
        (
            "Mme Lefèvre, âgée de 87 ans, inscrite par l'assistante sociale, SW1A 1AA",
            Particulars {
                born: age(87),
                address: some("SW1A 1AA"),
                asked_by: third(Asker::Other, "l'assistante sociale"),
                ..person("Mme Lefèvre")
            },
        ),
        // The same number twice is one number.
        ("Mme Lefèvre, 05 56 12 34 56, tél 0556123456", lefevre()),
    ];
    for (text, expected) in cases {
        assert_eq!(read_entry(text, today()), Ok(expected), "{text}");
    }
}

#[test]
fn test_read_entry_family_told() {
    let cases = [
        ("accord famille", true),
        ("accord de la famille", true),
        ("prévenir la famille : oui", true),
        ("prévenir la famille : non", false),
        ("pas d'accord famille", false),
        ("ne pas prévenir la famille", false),
        ("family may be told", true),
        ("family may not be told", false),
        ("consent", true),
        ("consent: yes", true),
        ("no consent", false),
        ("consentement : non", false),
    ];
    for (segment, told) in cases {
        let text = format!("Mme Lefèvre, 05 56 12 34 56, {segment}");
        let read = read_entry(&text, today()).map(|p| p.family_told);
        assert_eq!(read, Ok(told), "{text}");
    }
}

#[test]
fn test_read_entry_errors() {
    let cases = [
        ("", EntryError::NoName),
        (" , ; ", EntryError::NoName),
        ("87 ans, 05 56 12 34 56", EntryError::NoName),
        ("12 rue des Lilas, 05 56 12 34 56", EntryError::NoName),
        ("Mme Lefèvre, 87 ans", EntryError::Unreachable),
        ("Mme Lefèvre, notes: appeler sa fille", EntryError::Unreachable),
        ("Mme Lefèvre, née le 3/4/2030, 05 56 12 34 56", EntryError::BornInFuture),
        ("Mme Lefèvre, née en 2030, 05 56 12 34 56", EntryError::BornInFuture),
        ("Mme Lefèvre, 130 ans, 05 56 12 34 56", EntryError::TooOld),
        ("Mme Lefèvre, born 1890, 05 56 12 34 56", EntryError::TooOld),
        ("Mme Lefèvre, née le 31/02/1938, 05 56 12 34 56", EntryError::NoSuchDate),
        ("Mme Lefèvre, âge: beaucoup, 05 56 12 34 56", EntryError::Unreadable(Field::Born)),
    ];
    for (text, error) in cases {
        assert_eq!(read_entry(text, today()), Err(error), "{text}");
    }
}
