//! Crisis mode's phrasings: the register, campaigns and calls, in French and English.

use super::*;

#[test]
fn crisis_mode_phrasings_parse_to_the_right_command() {
    use crate::command::{AlertAsk, CallSaid, CampaignAsk, CampaignKind, RegistryView, Scope};
    use Command::*;
    let needs = |what: &str| CallSaid::NeedsHelp(what.to_owned());
    let start = |kind| CampaignAsk::Start(kind, Scope::default());
    let scoped = |kind, min_age: Option<u16>, area: Option<&str>| {
        CampaignAsk::Start(kind, Scope { min_age, area: area.map(str::to_owned) })
    };
    let table: Vec<(&str, Command, Lang)> = vec![
        (
            "!inscrire Mme Lefèvre, 87 ans, 05 56 12 34 56",
            Enrol { text: "Mme Lefèvre, 87 ans, 05 56 12 34 56".into() },
            Lang::Fr,
        ),
        (
            "!Inscris M. Roux, 06 00 00 00 00",
            Enrol { text: "M. Roux, 06 00 00 00 00".into() },
            Lang::Fr,
        ),
        (
            "!enrol Mrs Smith, 07700 900123",
            Enrol { text: "Mrs Smith, 07700 900123".into() },
            Lang::En,
        ),
        (
            "!corriger 3 adresse 14 rue des Lilas",
            Amend { number: 3, field: "adresse".into(), value: "14 rue des Lilas".into() },
            Lang::Fr,
        ),
        (
            "!corriger n°3 adresse : 14 rue des Lilas",
            Amend { number: 3, field: "adresse".into(), value: "14 rue des Lilas".into() },
            Lang::Fr,
        ),
        (
            "!corriger 3 notes",
            Amend { number: 3, field: "notes".into(), value: String::new() },
            Lang::Fr,
        ),
        (
            "!amend 3 phone: 05 56 00 00 00",
            Amend { number: 3, field: "phone".into(), value: "05 56 00 00 00".into() },
            Lang::En,
        ),
        ("!accuse 4", Acknowledge { number: 4 }, Lang::Fr),
        ("!ack #4", Acknowledge { number: 4 }, Lang::En),
        ("!confirmer 4", ConfirmEntry { number: 4 }, Lang::Fr),
        ("!confirm 4", ConfirmEntry { number: 4 }, Lang::En),
        ("!désinscrire 4 décédée", Unenrol { number: 4, reason: Some("décédée".into()) }, Lang::Fr),
        ("!unenrol 4", Unenrol { number: 4, reason: None }, Lang::En),
        ("!registre", Registry { view: RegistryView::Summary }, Lang::Fr),
        ("!registre 12", Registry { view: RegistryView::Entry(12) }, Lang::Fr),
        ("!registre export", Registry { view: RegistryView::Export }, Lang::Fr),
        ("!registre pour le préfet", Registry { view: RegistryView::Export }, Lang::Fr),
        ("!registry export", Registry { view: RegistryView::Export }, Lang::En),
        ("!inscrits", Registry { view: RegistryView::Summary }, Lang::Fr),
        (
            "!alerte inscription Jeanne Roux, 82 ans, 05 56 00 00 00",
            Alert { ask: AlertAsk::SignUp("Jeanne Roux, 82 ans, 05 56 00 00 00".into()) },
            Lang::Fr,
        ),
        (
            "!alerte inscription : pour ma mère Jeanne Roux",
            Alert { ask: AlertAsk::SignUp("pour ma mère Jeanne Roux".into()) },
            Lang::Fr,
        ),
        ("!alerte retrait", Alert { ask: AlertAsk::Leave }, Lang::Fr),
        ("!alerte rester", Alert { ask: AlertAsk::Stay }, Lang::Fr),
        ("!alerte oui", Alert { ask: AlertAsk::Stay }, Lang::Fr),
        ("!alert stay", Alert { ask: AlertAsk::Stay }, Lang::En),
        (
            "!alert signup Jane Roe, 80",
            Alert { ask: AlertAsk::SignUp("Jane Roe, 80".into()) },
            Lang::En,
        ),
        ("!alert remove", Alert { ask: AlertAsk::Leave }, Lang::En),
        ("!appelant @zoe:x", Caller { user: Some(user("@zoe:x")), remove: false }, Lang::Fr),
        ("!appelant retirer @zoe:x", Caller { user: Some(user("@zoe:x")), remove: true }, Lang::Fr),
        ("!appelant @zoe:x retirer", Caller { user: Some(user("@zoe:x")), remove: true }, Lang::Fr),
        ("!appelants", Caller { user: None, remove: false }, Lang::Fr),
        ("!caller remove @zoe:x", Caller { user: Some(user("@zoe:x")), remove: true }, Lang::En),
        ("!engagement", Pledge, Lang::Fr),
        ("!pledge", Pledge, Lang::En),
        ("!campagne", Campaign { ask: CampaignAsk::Board }, Lang::Fr),
        ("!campagne canicule", Campaign { ask: start(CampaignKind::Heatwave) }, Lang::Fr),
        ("!campagne Grand Froid", Campaign { ask: start(CampaignKind::Cold) }, Lang::Fr),
        ("!campagne appels mensuelle", Campaign { ask: start(CampaignKind::Routine) }, Lang::Fr),
        (
            "!campagne confinement",
            Campaign { ask: start(CampaignKind::Named("confinement".into())) },
            Lang::Fr,
        ),
        ("!campagne fin", Campaign { ask: CampaignAsk::End }, Lang::Fr),
        ("!campaign heatwave", Campaign { ask: start(CampaignKind::Heatwave) }, Lang::En),
        ("!campaign end", Campaign { ask: CampaignAsk::End }, Lang::En),
        (
            "!campagne appels 75 ans et plus",
            Campaign { ask: scoped(CampaignKind::Routine, Some(75), None) },
            Lang::Fr,
        ),
        (
            "!campagne appels plus de 80 ans, quartier Les Tilleuls",
            Campaign { ask: scoped(CampaignKind::Routine, Some(80), Some("Les Tilleuls")) },
            Lang::Fr,
        ),
        (
            "!campagne appels quartier Centre, 75 ans et plus",
            Campaign { ask: scoped(CampaignKind::Routine, Some(75), Some("Centre")) },
            Lang::Fr,
        ),
        (
            "!campagne canicule quartier Centre",
            Campaign { ask: scoped(CampaignKind::Heatwave, None, Some("Centre")) },
            Lang::Fr,
        ),
        (
            "!campaign routine 75+ area Old Town",
            Campaign { ask: scoped(CampaignKind::Routine, Some(75), Some("Old Town")) },
            Lang::En,
        ),
        ("!campagne bilan", Campaign { ask: CampaignAsk::Report(None) }, Lang::Fr),
        ("!campagne bilan 3", Campaign { ask: CampaignAsk::Report(Some(3)) }, Lang::Fr),
        ("!campagne bilan n°3", Campaign { ask: CampaignAsk::Report(Some(3)) }, Lang::Fr),
        ("!campagne rapport #2", Campaign { ask: CampaignAsk::Report(Some(2)) }, Lang::Fr),
        ("!campaign report 2", Campaign { ask: CampaignAsk::Report(Some(2)) }, Lang::En),
        ("!appel 12 ok", Call { number: 12, said: CallSaid::Reached }, Lang::Fr),
        ("!appel 12 : tout va bien.", Call { number: 12, said: CallSaid::Reached }, Lang::Fr),
        ("!appel 12 pas de réponse", Call { number: 12, said: CallSaid::NoAnswer }, Lang::Fr),
        ("!appel 12 répondeur", Call { number: 12, said: CallSaid::NoAnswer }, Lang::Fr),
        ("!appel 12 absent", Call { number: 12, said: CallSaid::NoAnswer }, Lang::Fr),
        ("!appel 12 visite", Call { number: 12, said: CallSaid::Visit }, Lang::Fr),
        ("!appel 12 besoin de courses", Call { number: 12, said: needs("courses") }, Lang::Fr),
        (
            "!appel 12 a besoin de ses médicaments",
            Call { number: 12, said: needs("ses médicaments") },
            Lang::Fr,
        ),
        ("!appel 12 besoin : eau", Call { number: 12, said: needs("eau") }, Lang::Fr),
        ("!call 12 no answer", Call { number: 12, said: CallSaid::NoAnswer }, Lang::En),
        ("!call 12 needs water", Call { number: 12, said: needs("water") }, Lang::En),
        ("!call 12 fine", Call { number: 12, said: CallSaid::Reached }, Lang::En),
    ];
    for (body, command, lang) in table {
        let parsed = ok(body);
        assert_eq!((parsed.command, parsed.lang), (command, lang), "{body}");
    }
    for bad in [
        "!corriger adresse 14 rue",
        "!corriger 3",
        "!accuse",
        "!registre tout",
        "!alerte",
        "!alerte inscription",
        "!alerte retrait maintenant",
        "!appelant bof",
        "!appel ok",
        "!appel 12",
        "!appel 12 peut-être",
        "!appel 12 besoin",
        "!campagne 75 ans et plus",
        "!campagne fin quartier Centre",
        "!campagne bilan 75+",
    ] {
        assert!(matches!(err(bad), ParseError::Usage { .. }), "{bad} gets the usage line");
    }
}
