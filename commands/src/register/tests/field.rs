//! `read_field` and `Particulars::set`: a correction of one field.

use super::*;

#[test]
fn test_read_field() {
    let cases = [
        ("nom", Field::Name),
        ("Nom", Field::Name),
        ("name", Field::Name),
        ("nom complet", Field::Name),
        ("âge", Field::Born),
        ("AGE", Field::Born),
        ("naissance", Field::Born),
        ("date de naissance", Field::Born),
        ("née", Field::Born),
        ("né le", Field::Born),
        ("born", Field::Born),
        ("date of birth", Field::Born),
        ("adresse", Field::Address),
        ("address", Field::Address),
        ("l'adresse", Field::Address),
        ("quartier", Field::Area),
        ("area", Field::Area),
        ("neighbourhood", Field::Area),
        ("tel", Field::Phones),
        ("tél", Field::Phones),
        ("tél.", Field::Phones),
        ("téléphone", Field::Phones),
        ("téléphones", Field::Phones),
        ("le téléphone", Field::Phones),
        ("portable", Field::Phones),
        ("phone", Field::Phones),
        ("phones", Field::Phones),
        ("contact", Field::Contact),
        ("urgence", Field::Contact),
        ("emergency", Field::Contact),
        ("emergency contact", Field::Contact),
        ("personne à prévenir", Field::Contact),
        ("services", Field::Services),
        ("service", Field::Services),
        ("médecin", Field::Doctor),
        ("Médecin traitant", Field::Doctor),
        ("docteur", Field::Doctor),
        ("doctor", Field::Doctor),
        ("GP", Field::Doctor),
        ("demandé", Field::AskedBy),
        ("demandé par", Field::AskedBy),
        ("demandeur", Field::AskedBy),
        ("asker", Field::AskedBy),
        ("asked by", Field::AskedBy),
        ("notes", Field::Notes),
        ("note", Field::Notes),
        ("Remarques", Field::Notes),
        ("famille", Field::FamilyTold),
        ("accord famille", Field::FamilyTold),
        ("consent", Field::FamilyTold),
        ("family", Field::FamilyTold),
        ("her phone", Field::Phones),
        ("adresse:", Field::Address),
    ];
    for (word, field) in cases {
        assert_eq!(read_field(word), Some(field), "{word:?}");
    }
    for word in ["", "chaussures", "!inscrire", "nomade", "telephoner", "12"] {
        assert_eq!(read_field(word), None, "{word:?}");
    }
}

/// Every field has a French and an English name.
#[test]
fn test_read_field_names_every_field() {
    use strum::IntoEnumIterator;
    let french = [
        "nom",
        "âge",
        "adresse",
        "quartier",
        "téléphone",
        "contact",
        "services",
        "médecin",
        "demandeur",
        "notes",
        "famille",
    ];
    let english = [
        "name",
        "age",
        "address",
        "area",
        "phone",
        "emergency",
        "services",
        "doctor",
        "asker",
        "notes",
        "consent",
    ];
    for (field, (fr, en)) in Field::iter().zip(french.into_iter().zip(english)) {
        assert_eq!(read_field(fr), Some(field));
        assert_eq!(read_field(en), Some(field));
    }
}

fn entry() -> Particulars {
    read_entry(
        "Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56, contact sa fille 06 11 22 33 44, demandé par sa fille, médecin Dr Roux, portage de repas, quartier Centre, notes: sourde, accord famille",
        today(),
    )
    .expect("a full entry")
}

/// What a correction changes in the entry.
type Change = Box<dyn Fn(&mut Particulars)>;

#[test]
fn test_set() {
    let cases: Vec<(Field, &str, Change)> = vec![
        (Field::Name, "Mme Jeanne Lefèvre", Box::new(|p| p.name = "Mme Jeanne Lefèvre".into())),
        (Field::Name, "  Mme   Lefèvre-Roy ", Box::new(|p| p.name = "Mme Lefèvre-Roy".into())),
        (Field::Born, "88", Box::new(|p| p.born = Some(Born::Age { years: 88, on: today() }))),
        (Field::Born, "88 ans", Box::new(|p| p.born = Some(Born::Age { years: 88, on: today() }))),
        (Field::Born, "1938", Box::new(|p| p.born = Some(Born::Year(1938)))),
        (
            Field::Born,
            "née le 03/04/1938",
            Box::new(|p| p.born = Some(Born::Date(date(1938, 4, 3)))),
        ),
        (Field::Born, "3 April 1938", Box::new(|p| p.born = Some(Born::Date(date(1938, 4, 3))))),
        (Field::Born, "inconnu", Box::new(|p| p.born = None)),
        (
            Field::Address,
            "4 place de la Mairie, 33190 La Réole",
            Box::new(|p| p.address = Some("4 place de la Mairie, 33190 La Réole".into())),
        ),
        (Field::Address, "aucune", Box::new(|p| p.address = None)),
        (Field::Area, "Nord", Box::new(|p| p.area = Some("Nord".into()))),
        (Field::Area, "none", Box::new(|p| p.area = None)),
        (Field::Phones, "06 99 88 77 66", Box::new(|p| p.phones = vec!["06 99 88 77 66".into()])),
        (
            Field::Phones,
            "0699887766 et 05.56.00.00.00",
            Box::new(|p| p.phones = vec!["06 99 88 77 66".into(), "05 56 00 00 00".into()]),
        ),
        (Field::Phones, "aucun", Box::new(|p| p.phones.clear())),
        (
            Field::Contact,
            "son fils Marc 06 22 33 44 55",
            Box::new(|p| {
                p.contact = Some(Contact {
                    name: "son fils Marc".into(),
                    phone: Some("06 22 33 44 55".into()),
                    matrix: None,
                })
            }),
        ),
        (
            Field::Contact,
            "@marc:example.org",
            Box::new(|p| {
                p.contact = Some(Contact {
                    name: String::new(),
                    phone: None,
                    matrix: Some("@marc:example.org".into()),
                })
            }),
        ),
        (Field::Contact, "aucun", Box::new(|p| p.contact = None)),
        (
            Field::Services,
            "SSIAD matin et soir",
            Box::new(|p| p.services = Some("SSIAD matin et soir".into())),
        ),
        (Field::Services, "", Box::new(|p| p.services = None)),
        (Field::Doctor, "Dr Morel", Box::new(|p| p.doctor = Some("Dr Morel".into()))),
        (Field::Doctor, "néant", Box::new(|p| p.doctor = None)),
        (
            Field::AskedBy,
            "sa voisine",
            Box::new(|p| {
                p.asked_by = AskedBy::ThirdParty(ThirdParty {
                    kind: Asker::Neighbour,
                    words: "sa voisine".into(),
                })
            }),
        ),
        (
            Field::AskedBy,
            "the home help",
            Box::new(|p| {
                p.asked_by = AskedBy::ThirdParty(ThirdParty {
                    kind: Asker::Carer,
                    words: "the home help".into(),
                })
            }),
        ),
        (Field::AskedBy, "elle-même", Box::new(|p| p.asked_by = AskedBy::Themself)),
        (Field::AskedBy, "aucun", Box::new(|p| p.asked_by = AskedBy::Themself)),
        (
            Field::Notes,
            "chien dans le jardin",
            Box::new(|p| p.notes = Some("chien dans le jardin".into())),
        ),
        (Field::Notes, "-", Box::new(|p| p.notes = None)),
        (Field::FamilyTold, "non", Box::new(|p| p.family_told = false)),
        (Field::FamilyTold, "no", Box::new(|p| p.family_told = false)),
        (Field::FamilyTold, "", Box::new(|p| p.family_told = false)),
        (Field::FamilyTold, "oui", Box::new(|p| p.family_told = true)),
        (Field::FamilyTold, "Yes", Box::new(|p| p.family_told = true)),
        (Field::FamilyTold, "family may be told", Box::new(|p| p.family_told = true)),
    ];
    for (field, value, change) in cases {
        let mut expected = entry();
        change(&mut expected);
        let mut set = entry();
        assert_eq!(set.set(field, value, today()), Ok(()), "{field:?} {value:?}");
        assert_eq!(set, expected, "{field:?} {value:?}");
    }
}

#[test]
fn test_set_refuses() {
    let without_address = Particulars { address: None, ..entry() };
    let without_phones = Particulars { phones: Vec::new(), ..entry() };
    let cases = [
        (entry(), Field::Name, "", EntryError::NoName),
        (entry(), Field::Name, "aucun", EntryError::NoName),
        (entry(), Field::Name, " 12 ", EntryError::NoName),
        (entry(), Field::Born, "beaucoup", EntryError::Unreadable(Field::Born)),
        (entry(), Field::Born, "12345", EntryError::Unreadable(Field::Born)),
        (entry(), Field::Born, "130", EntryError::TooOld),
        (entry(), Field::Born, "2030", EntryError::BornInFuture),
        (entry(), Field::Born, "30/02/1940", EntryError::NoSuchDate),
        (entry(), Field::Phones, "demain", EntryError::Unreadable(Field::Phones)),
        (entry(), Field::Contact, "!!!", EntryError::Unreadable(Field::Contact)),
        (entry(), Field::FamilyTold, "peut-être", EntryError::Unreadable(Field::FamilyTold)),
        (without_address, Field::Phones, "aucun", EntryError::Unreachable),
        (without_phones, Field::Address, "", EntryError::Unreachable),
    ];
    for (mut particulars, field, value, error) in cases {
        let before = particulars.clone();
        assert_eq!(particulars.set(field, value, today()), Err(error), "{field:?} {value:?}");
        assert_eq!(particulars, before, "a refused correction changes nothing");
    }
}
