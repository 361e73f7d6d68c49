//! A spreadsheet's column names → what their columns hold ([`Column`]), French or
//! English, by name or by the words in it ("Téléphone du contact", "Date de naissance
//! (jj/mm/aaaa)").

use crate::fold::fold;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Civility,
    FirstName,
    LastName,
    FullName,
    Born,
    Age,
    Address,
    Postcode,
    Town,
    Area,
    Phone,
    ContactName,
    ContactPhone,
    ContactMatrix,
    Doctor,
    Services,
    AskedBy,
    AskerKind,
    Notes,
    FamilyTold,
}

/// Column names as written in a header, folded with anything but letters and digits a
/// space. Those not here are recognised by [`column_by_words`].
const COLUMNS: &[(&str, Column)] = &[
    ("civilite", Column::Civility),
    ("civ", Column::Civility),
    ("titre", Column::Civility),
    ("title", Column::Civility),
    ("prenom", Column::FirstName),
    ("prenoms", Column::FirstName),
    ("first name", Column::FirstName),
    ("firstname", Column::FirstName),
    ("given name", Column::FirstName),
    ("forename", Column::FirstName),
    ("nom", Column::LastName),
    ("nom de famille", Column::LastName),
    ("nom d usage", Column::LastName),
    ("nom de naissance", Column::LastName),
    ("last name", Column::LastName),
    ("lastname", Column::LastName),
    ("surname", Column::LastName),
    ("family name", Column::LastName),
    ("nom complet", Column::FullName),
    ("nom prenom", Column::FullName),
    ("nom et prenom", Column::FullName),
    ("prenom nom", Column::FullName),
    ("nom prenoms", Column::FullName),
    ("identite", Column::FullName),
    ("name", Column::FullName),
    ("full name", Column::FullName),
    ("cp", Column::Postcode),
    ("code postal", Column::Postcode),
    ("postcode", Column::Postcode),
    ("post code", Column::Postcode),
    ("zip", Column::Postcode),
    ("ville", Column::Town),
    ("commune", Column::Town),
    ("localite", Column::Town),
    ("town", Column::Town),
    ("city", Column::Town),
];

/// A header's name → what its column holds, by its words when [`COLUMNS`] does not have
/// it ("Téléphone du contact", "Date de naissance (jj/mm/aaaa)").
pub(super) fn column(header: &str) -> Option<Column> {
    let words = fold(header)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    COLUMNS.iter().find(|(name, _)| *name == words).map(|(_, column)| *column).or_else(|| {
        let words: Vec<&str> = words.split(' ').collect();
        column_by_words(&words)
    })
}

/// What a column holds, by the words of its name.
fn column_by_words(words: &[&str]) -> Option<Column> {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let contact = has(&[
        "contact",
        "contacts",
        "prevenir",
        "urgence",
        "emergency",
        "kin",
        "referent",
        "referente",
        "proche",
        "aidant",
        "aidante",
    ]);
    let phone = has(&[
        "tel",
        "tels",
        "telephone",
        "telephones",
        "phone",
        "phones",
        "portable",
        "mobile",
        "fixe",
        "numero",
        "numeros",
        "gsm",
        "cell",
        "landline",
    ]);
    let asker = has(&[
        "demandeur",
        "demandeuse",
        "demande",
        "asker",
        "asked",
        "requested",
        "requester",
        "behalf",
    ]);
    Some(if has(&["matrix", "mxid"]) {
        if !contact {
            return None;
        }
        Column::ContactMatrix
    } else if asker && has(&["lien", "qualite", "type", "kind", "relation", "relationship"]) {
        Column::AskerKind
    } else if asker {
        Column::AskedBy
    } else if contact && phone {
        Column::ContactPhone
    } else if contact {
        Column::ContactName
    } else if has(&["naissance", "birth", "dob", "ddn", "born", "ne", "nee"]) {
        Column::Born
    } else if has(&["age", "ages"]) {
        Column::Age
    } else if phone {
        Column::Phone
    } else if has(&["postal", "postcode", "zip"]) {
        Column::Postcode
    } else if has(&["adresse", "address", "rue", "street", "domicile"]) {
        Column::Address
    } else if has(&["quartier", "secteur", "area", "neighbourhood", "neighborhood", "district"]) {
        Column::Area
    } else if has(&["medecin", "docteur", "doctor", "gp", "generaliste"]) {
        Column::Doctor
    } else if has(&["service", "services", "intervenant", "intervenants", "aide", "aides"]) {
        Column::Services
    } else if has(&["accord", "consent", "consentement", "famille", "family"]) {
        Column::FamilyTold
    } else if has(&[
        "note",
        "notes",
        "observation",
        "observations",
        "remarque",
        "remarques",
        "commentaire",
        "commentaires",
        "comment",
        "comments",
    ]) {
        Column::Notes
    } else if has(&["prenom", "prenoms", "first", "forename"]) {
        Column::FirstName
    } else if has(&["nom", "name", "surname"]) {
        Column::LastName
    } else {
        return None;
    })
}
