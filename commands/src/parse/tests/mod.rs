use proptest::prelude::*;
use ruma_common::{OwnedUserId, UserId};

use super::*;
use crate::{Span, args::MAX_REQUEST_CHARS, command::RequestFilter, table::COMMANDS};

fn user(id: &str) -> OwnedUserId {
    UserId::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn vet(id: &str, note: Option<&str>, without_charter: bool) -> Command {
    Command::Vet { user: user(id), note: note.map(str::to_owned), without_charter }
}

fn ok(body: &str) -> Parsed {
    match parse(body, &[]) {
        Some(Ok(parsed)) => parsed,
        other => panic!("{body:?} should parse, got {other:?}"),
    }
}

fn err(body: &str) -> ParseError {
    match parse(body, &[]) {
        Some(Err(error)) => error,
        other => panic!("{body:?} should fail, got {other:?}"),
    }
}

#[test]
fn real_phrasings_parse_to_the_right_command() {
    use Command::*;
    let table: Vec<(&str, Command, Lang)> = vec![
        (
            "!demande courses pour ma mère demain",
            Request { text: "courses pour ma mère demain".into() },
            Lang::Fr,
        ),
        (
            "  !Demande   besoin d'aide pour la pharmacie ",
            Request { text: "besoin d'aide pour la pharmacie".into() },
            Lang::Fr,
        ),
        (
            "!DEMANDE Quelqu'un pour tondre la pelouse ?",
            Request { text: "Quelqu'un pour tondre la pelouse ?".into() },
            Lang::Fr,
        ),
        (
            "!request groceries for my dad tomorrow",
            Request { text: "groceries for my dad tomorrow".into() },
            Lang::En,
        ),
        ("!Request\nlift to the doctor", Request { text: "lift to the doctor".into() }, Lang::En),
        ("!prendre 12", Take { number: 12 }, Lang::Fr),
        ("!prendre #12", Take { number: 12 }, Lang::Fr),
        ("!Prendre n°7", Take { number: 7 }, Lang::Fr),
        ("!prends 3", Take { number: 3 }, Lang::Fr),
        ("!take 12", Take { number: 12 }, Lang::En),
        ("!TAKE #4", Take { number: 4 }, Lang::En),
        ("!lacher 12", Release { number: Some(12) }, Lang::Fr),
        ("!lâcher 12", Release { number: Some(12) }, Lang::Fr),
        ("!LÂCHER 12", Release { number: Some(12) }, Lang::Fr),
        ("!Lacher #12", Release { number: Some(12) }, Lang::Fr),
        ("!release 12", Release { number: Some(12) }, Lang::En),
        ("!lacher", Release { number: None }, Lang::Fr),
        ("!rendre", Release { number: None }, Lang::Fr),
        ("!release", Release { number: None }, Lang::En),
        ("!fait", Done { number: None, note: None }, Lang::Fr),
        ("!fait 12", Done { number: Some(12), note: None }, Lang::Fr),
        (
            "!fait 12 tout s'est bien passé",
            Done { number: Some(12), note: Some("tout s'est bien passé".into()) },
            Lang::Fr,
        ),
        (
            "!fait très contente, merci",
            Done { number: None, note: Some("très contente, merci".into()) },
            Lang::Fr,
        ),
        ("!terminé 5", Done { number: Some(5), note: None }, Lang::Fr),
        ("!done", Done { number: None, note: None }, Lang::En),
        ("!done #3 all good", Done { number: Some(3), note: Some("all good".into()) }, Lang::En),
        ("!annuler", Cancel { number: None }, Lang::Fr),
        ("!annuler 12", Cancel { number: Some(12) }, Lang::Fr),
        ("!Annuler n°12", Cancel { number: Some(12) }, Lang::Fr),
        ("!cancel 9", Cancel { number: Some(9) }, Lang::En),
        ("!avis très bien", Feedback { number: None, note: "très bien".into() }, Lang::Fr),
        ("!avis 12 👍", Feedback { number: Some(12), note: "👍".into() }, Lang::Fr),
        (
            "!merci 3 Paul a été adorable",
            Feedback { number: Some(3), note: "Paul a été adorable".into() },
            Lang::Fr,
        ),
        ("!feedback great", Feedback { number: None, note: "great".into() }, Lang::En),
        ("!feedback #4 👎", Feedback { number: Some(4), note: "👎".into() }, Lang::En),
        ("!oui 12", Yes { number: 12 }, Lang::Fr),
        ("!Oui n°12", Yes { number: 12 }, Lang::Fr),
        ("!volontiers 3", Yes { number: 3 }, Lang::Fr),
        ("!yes 7", Yes { number: 7 }, Lang::En),
        ("!YES #7", Yes { number: 7 }, Lang::En),
        (
            "!propose je vais faire les courses samedi matin, besoin de quelque chose ?",
            Offer {
                text: "je vais faire les courses samedi matin, besoin de quelque chose ?".into(),
            },
            Lang::Fr,
        ),
        (
            "!proposer  promenade du chien demain ",
            Offer { text: "promenade du chien demain".into() },
            Lang::Fr,
        ),
        (
            "!offer a lift to the market on Tuesday",
            Offer { text: "a lift to the market on Tuesday".into() },
            Lang::En,
        ),
        ("!valider @marie:example.org", vet("@marie:example.org", None, false), Lang::Fr),
        ("!vet @bob:localhost:8008", vet("@bob:localhost:8008", None, false), Lang::En),
        (
            "!valider @marie:example.org rencontrée en mairie le 12",
            vet("@marie:example.org", Some("rencontrée en mairie le 12"), false),
            Lang::Fr,
        ),
        (
            "!valider @marie:example.org sans charte",
            vet("@marie:example.org", None, true),
            Lang::Fr,
        ),
        (
            "!valider @marie:example.org Sans la charte : signera lundi",
            vet("@marie:example.org", Some("signera lundi"), true),
            Lang::Fr,
        ),
        (
            "!valider @marie:example.org sans-gêne",
            vet("@marie:example.org", Some("sans-gêne"), false),
            Lang::Fr,
        ),
        (
            "!vet @bob:x.org without charter, met on the 12th",
            vet("@bob:x.org", Some("met on the 12th"), true),
            Lang::En,
        ),
        ("!vet @bob:x.org no charter", vet("@bob:x.org", None, true), Lang::En),
        ("!benevole", Charter, Lang::Fr),
        ("!bénévole", Charter, Lang::Fr),
        ("!Bénévole je veux aider", Charter, Lang::Fr),
        ("!charte", Charter, Lang::Fr),
        ("!volunteer", Charter, Lang::En),
        ("!charter", Charter, Lang::En),
        ("!accepte", Accept, Lang::Fr),
        ("!j'accepte", Accept, Lang::Fr),
        ("!accepte la charte", Accept, Lang::Fr),
        ("!accept", Accept, Lang::En),
        ("!pause", Pause { until: None }, Lang::Fr),
        (
            "!pause jusqu'au 15 décembre",
            Pause { until: Some("jusqu'au 15 décembre".into()) },
            Lang::Fr,
        ),
        ("!break", Pause { until: None }, Lang::En),
        ("!break until Monday", Pause { until: Some("until Monday".into()) }, Lang::En),
        ("!dispo", Back, Lang::Fr),
        ("!disponible", Back, Lang::Fr),
        ("!de-retour", Back, Lang::Fr),
        ("!available", Back, Lang::En),
        ("!back", Back, Lang::En),
        ("!quartiers", Areas { names: None }, Lang::Fr),
        (
            "!quartiers Centre, Les Tilleuls",
            Areas { names: Some(vec!["Centre".into(), "Les Tilleuls".into()]) },
            Lang::Fr,
        ),
        (
            "!quartier Centre et Les Tilleuls.",
            Areas { names: Some(vec!["Centre".into(), "Les Tilleuls".into()]) },
            Lang::Fr,
        ),
        ("!quartiers aucun", Areas { names: Some(Vec::new()) }, Lang::Fr),
        (
            "!areas Centre; Old Town and Riverside",
            Areas { names: Some(vec!["Centre".into(), "Old Town".into(), "Riverside".into()]) },
            Lang::En,
        ),
        ("!areas none", Areas { names: Some(Vec::new()) }, Lang::En),
        (
            "!bannir @paul:example.org",
            Ban { user: user("@paul:example.org"), reason: None },
            Lang::Fr,
        ),
        (
            "!bannir @paul:example.org comportement inapproprié",
            Ban {
                user: user("@paul:example.org"),
                reason: Some("comportement inapproprié".into()),
            },
            Lang::Fr,
        ),
        (
            "!ban @x:y.org rude",
            Ban { user: user("@x:y.org"), reason: Some("rude".into()) },
            Lang::En,
        ),
        (
            "!retirer @paul:example.org absent depuis des mois",
            Unvet {
                user: user("@paul:example.org"),
                reason: Some("absent depuis des mois".into()),
            },
            Lang::Fr,
        ),
        (
            "!retirer @paul:example.org",
            Unvet { user: user("@paul:example.org"), reason: None },
            Lang::Fr,
        ),
        (
            "!dévalider @paul:example.org",
            Unvet { user: user("@paul:example.org"), reason: None },
            Lang::Fr,
        ),
        (
            "!unvet @x:y.org moved away",
            Unvet { user: user("@x:y.org"), reason: Some("moved away".into()) },
            Lang::En,
        ),
        ("!débannir @paul:example.org", Unban { user: user("@paul:example.org") }, Lang::Fr),
        ("!unban @x:y.org", Unban { user: user("@x:y.org") }, Lang::En),
        ("!journal", Journal { user: None }, Lang::Fr),
        ("!journal @paul:example.org", Journal { user: Some(user("@paul:example.org")) }, Lang::Fr),
        ("!log", Journal { user: None }, Lang::En),
        ("!log @x:y.org", Journal { user: Some(user("@x:y.org")) }, Lang::En),
        (
            "!pour courses pour Mme Petit jeudi",
            For { text: "courses pour Mme Petit jeudi".into() },
            Lang::Fr,
        ),
        ("!téléphone visite samedi", For { text: "visite samedi".into() }, Lang::Fr),
        ("!for groceries on Monday", For { text: "groceries on Monday".into() }, Lang::En),
        ("!vérifier", Check, Lang::Fr),
        ("!check", Check, Lang::En),
        ("!bénévoles", Volunteers, Lang::Fr),
        ("!volunteers", Volunteers, Lang::En),
        ("!demandes", Requests { filter: RequestFilter::Active, neighbourhood: None }, Lang::Fr),
        ("!requests", Requests { filter: RequestFilter::Active, neighbourhood: None }, Lang::En),
        (
            "!demandes ouvertes",
            Requests { filter: RequestFilter::Open, neighbourhood: None },
            Lang::Fr,
        ),
        (
            "!demandes prises",
            Requests { filter: RequestFilter::Claimed, neighbourhood: None },
            Lang::Fr,
        ),
        (
            "!demandes toutes",
            Requests { filter: RequestFilter::All, neighbourhood: None },
            Lang::Fr,
        ),
        (
            "!demandes en cours",
            Requests { filter: RequestFilter::Active, neighbourhood: None },
            Lang::Fr,
        ),
        (
            "!demandes ouvertes Les Tilleuls",
            Requests {
                filter: RequestFilter::Open,
                neighbourhood: Some("Les Tilleuls".to_owned()),
            },
            Lang::Fr,
        ),
        (
            "!demandes Centre-ville",
            Requests {
                filter: RequestFilter::Active,
                neighbourhood: Some("Centre-ville".to_owned()),
            },
            Lang::Fr,
        ),
        ("!requests open", Requests { filter: RequestFilter::Open, neighbourhood: None }, Lang::En),
        (
            "!requests Taken",
            Requests { filter: RequestFilter::Claimed, neighbourhood: None },
            Lang::En,
        ),
        (
            "!requests all les tilleuls",
            Requests { filter: RequestFilter::All, neighbourhood: Some("les tilleuls".to_owned()) },
            Lang::En,
        ),
        ("!confidentialité", Privacy, Lang::Fr),
        ("!Confidentialite s'il vous plaît", Privacy, Lang::Fr),
        ("!rgpd", Privacy, Lang::Fr),
        ("!vie-privée", Privacy, Lang::Fr),
        ("!privacy", Privacy, Lang::En),
        ("!GDPR", Privacy, Lang::En),
        ("!mesdonnees", MyData, Lang::Fr),
        ("!mes-données", MyData, Lang::Fr),
        ("!MesDonnées", MyData, Lang::Fr),
        ("!mydata", MyData, Lang::En),
        ("!my-data", MyData, Lang::En),
        ("!oubliemoi", ForgetMe { confirmed: false }, Lang::Fr),
        ("!oublie-moi", ForgetMe { confirmed: false }, Lang::Fr),
        ("!oubliez-moi", ForgetMe { confirmed: false }, Lang::Fr),
        ("!oubliemoi confirmer", ForgetMe { confirmed: true }, Lang::Fr),
        ("!Oublie-moi CONFIRMER", ForgetMe { confirmed: true }, Lang::Fr),
        ("!oubliemoi je confirme", ForgetMe { confirmed: true }, Lang::Fr),
        ("!oubliemoi oui", ForgetMe { confirmed: true }, Lang::Fr),
        ("!oubliemoi confirmé", ForgetMe { confirmed: true }, Lang::Fr),
        ("!forgetme", ForgetMe { confirmed: false }, Lang::En),
        ("!forget-me confirm", ForgetMe { confirmed: true }, Lang::En),
        ("!forgetme yes", ForgetMe { confirmed: true }, Lang::En),
        ("!forgetme I confirm", ForgetMe { confirmed: true }, Lang::En),
        (
            "!effacer @marie:example.org",
            Erase { user: user("@marie:example.org"), confirmed: false },
            Lang::Fr,
        ),
        (
            "!effacer @marie:example.org confirmer",
            Erase { user: user("@marie:example.org"), confirmed: true },
            Lang::Fr,
        ),
        (
            "!erase @bob:localhost:8008 confirm",
            Erase { user: user("@bob:localhost:8008"), confirmed: true },
            Lang::En,
        ),
        (
            "!attribuer 12 @marie:example.org",
            Assign { number: 12, user: user("@marie:example.org") },
            Lang::Fr,
        ),
        (
            "!attribuer n°7 @bob:localhost:8008",
            Assign { number: 7, user: user("@bob:localhost:8008") },
            Lang::Fr,
        ),
        (
            "!confier 3 @marie:example.org",
            Assign { number: 3, user: user("@marie:example.org") },
            Lang::Fr,
        ),
        ("!assign #12 @x:y.org", Assign { number: 12, user: user("@x:y.org") }, Lang::En),
        ("!arrêter 12", Stop { number: 12 }, Lang::Fr),
        ("!Arreter n°4", Stop { number: 4 }, Lang::Fr),
        ("!fin-série 7", Stop { number: 7 }, Lang::Fr),
        ("!stop 12", Stop { number: 12 }, Lang::En),
        ("!STOP #3", Stop { number: 3 }, Lang::En),
        ("!stop-series 9", Stop { number: 9 }, Lang::En),
        ("!ASSIGN 4   @x:y.org  ", Assign { number: 4, user: user("@x:y.org") }, Lang::En),
        (
            "!bloquer @spam:example.org",
            Block { user: user("@spam:example.org"), reason: None },
            Lang::Fr,
        ),
        (
            "!bloquer @spam:example.org messages insultants",
            Block {
                user: user("@spam:example.org"),
                reason: Some("messages insultants".to_owned()),
            },
            Lang::Fr,
        ),
        (
            "!block @x:y.org spam",
            Block { user: user("@x:y.org"), reason: Some("spam".to_owned()) },
            Lang::En,
        ),
        ("!débloquer @spam:example.org", Unblock { user: user("@spam:example.org") }, Lang::Fr),
        ("!UNBLOCK @x:y.org", Unblock { user: user("@x:y.org") }, Lang::En),
        ("!demande 12", Show { number: 12 }, Lang::Fr),
        ("!demande n°12", Show { number: 12 }, Lang::Fr),
        ("!request #3", Show { number: 3 }, Lang::En),
        ("!fiche 7", Show { number: 7 }, Lang::Fr),
        ("!détail 7", Show { number: 7 }, Lang::Fr),
        ("!show 7", Show { number: 7 }, Lang::En),
        ("!stats", Stats { period: Span::ThisMonth }, Lang::Fr),
        ("!stats 2026-11", Stats { period: Span::Month { year: Some(2026), month: 11 } }, Lang::Fr),
        (
            "!statistiques novembre",
            Stats { period: Span::Month { year: None, month: 11 } },
            Lang::Fr,
        ),
        ("!chiffres 2026", Stats { period: Span::Year(2026) }, Lang::Fr),
        ("!stats 30j", Stats { period: Span::LastDays(30) }, Lang::Fr),
        (
            "!stats depuis le 01/09",
            Stats { period: Span::Since { day: 1, month: 9, year: None } },
            Lang::Fr,
        ),
        ("!figures last month", Stats { period: Span::LastMonth }, Lang::En),
        ("!figures 30 days", Stats { period: Span::LastDays(30) }, Lang::En),
        ("!rapport", Report { period: Span::ThisMonth }, Lang::Fr),
        (
            "!rapport novembre 2026",
            Report { period: Span::Month { year: Some(2026), month: 11 } },
            Lang::Fr,
        ),
        ("!bilan 2026", Report { period: Span::Year(2026) }, Lang::Fr),
        ("!rapport mois dernier", Report { period: Span::LastMonth }, Lang::Fr),
        ("!report", Report { period: Span::ThisMonth }, Lang::En),
        (
            "!report 2026-11",
            Report { period: Span::Month { year: Some(2026), month: 11 } },
            Lang::En,
        ),
        ("!Report last month", Report { period: Span::LastMonth }, Lang::En),
        ("!demande 2 baguettes", Request { text: "2 baguettes".to_owned() }, Lang::Fr),
        ("!aide", Help, Lang::Fr),
        ("!Aide prendre", Help, Lang::Fr),
        ("!help", Help, Lang::En),
        ("!HELP", Help, Lang::En),
    ];
    for (body, command, lang) in table {
        let parsed = ok(body);
        assert_eq!(parsed.command, command, "{body}");
        assert_eq!(parsed.lang, lang, "{body}");
    }
}

#[test]
fn accents_and_case_do_not_matter() {
    assert_eq!(ok("!LÂCHER 3"), ok("!lacher 3"));
    assert_eq!(ok("!lÂcHeR 3"), ok("!lacher 3"));
    assert_eq!(ok("!Annuler"), ok("!annuler"));
}

#[test]
fn ordinary_messages_are_not_commands() {
    for body in ["bonjour", "", "   ", "merci beaucoup !", "hello! there", "a !demande"] {
        assert_eq!(parse(body, &[]), None, "{body:?}");
    }
}

#[test]
fn unknown_commands_are_values() {
    assert_eq!(err("!xyz"), ParseError::Unknown { word: "xyz".into() });
    assert_eq!(err("!"), ParseError::Unknown { word: String::new() });
    assert_eq!(err("! demande"), ParseError::Unknown { word: String::new() });
    assert_eq!(err("!!!"), ParseError::Unknown { word: "!!".into() });
    assert_eq!(err("!bonjour à tous"), ParseError::Unknown { word: "bonjour".into() });
}

#[test]
fn malformed_arguments_name_the_command_and_language() {
    let table = [
        ("!demande", CommandKind::Request, Lang::Fr),
        ("!demande    ", CommandKind::Request, Lang::Fr),
        ("!request", CommandKind::Request, Lang::En),
        ("!prendre", CommandKind::Take, Lang::Fr),
        ("!prendre douze", CommandKind::Take, Lang::Fr),
        ("!prendre 0", CommandKind::Take, Lang::Fr),
        ("!prendre -3", CommandKind::Take, Lang::Fr),
        ("!prendre 12 13", CommandKind::Take, Lang::Fr),
        ("!prendre 99999999999999999999999", CommandKind::Take, Lang::Fr),
        ("!take", CommandKind::Take, Lang::En),
        ("!release abc", CommandKind::Release, Lang::En),
        ("!lacher 3 4", CommandKind::Release, Lang::Fr),
        ("!bannir pierre absent", CommandKind::Ban, Lang::Fr),
        ("!fait 0", CommandKind::Done, Lang::Fr),
        ("!done 99999999999999999999999 ok", CommandKind::Done, Lang::En),
        ("!annuler demain", CommandKind::Cancel, Lang::Fr),
        ("!cancel 3 4", CommandKind::Cancel, Lang::En),
        ("!avis", CommandKind::Feedback, Lang::Fr),
        ("!avis 12", CommandKind::Feedback, Lang::Fr),
        ("!feedback 0 good", CommandKind::Feedback, Lang::En),
        ("!oui", CommandKind::Yes, Lang::Fr),
        ("!oui merci", CommandKind::Yes, Lang::Fr),
        ("!oui 3 4", CommandKind::Yes, Lang::Fr),
        ("!yes 0", CommandKind::Yes, Lang::En),
        ("!propose", CommandKind::Offer, Lang::Fr),
        ("!propose 12", CommandKind::Offer, Lang::Fr),
        ("!offer   ", CommandKind::Offer, Lang::En),
        ("!valider", CommandKind::Vet, Lang::Fr),
        ("!valider marie", CommandKind::Vet, Lang::Fr),
        ("!valider @marie", CommandKind::Vet, Lang::Fr),
        ("!valider @marie:example.org @paul:example.org", CommandKind::Vet, Lang::Fr),
        ("!valider @marie:example.org sans charte @paul:example.org", CommandKind::Vet, Lang::Fr),
        ("!quartiers , ;", CommandKind::Areas, Lang::Fr),
        ("!vet bob", CommandKind::Vet, Lang::En),
        ("!bannir", CommandKind::Ban, Lang::Fr),
        ("!ban nobody", CommandKind::Ban, Lang::En),
        ("!retirer", CommandKind::Unvet, Lang::Fr),
        ("!retirer paul", CommandKind::Unvet, Lang::Fr),
        ("!unvet", CommandKind::Unvet, Lang::En),
        ("!debannir", CommandKind::Unban, Lang::Fr),
        ("!débannir @paul:example.org maintenant", CommandKind::Unban, Lang::Fr),
        ("!unban nobody", CommandKind::Unban, Lang::En),
        ("!benevoles tous", CommandKind::Volunteers, Lang::Fr),
        ("!journal paul", CommandKind::Journal, Lang::Fr),
        ("!verifier tout", CommandKind::Check, Lang::Fr),
        ("!pour", CommandKind::For, Lang::Fr),
        ("!for   ", CommandKind::For, Lang::En),
        ("!log @x:y.org @z:y.org", CommandKind::Journal, Lang::En),
        ("!mesdonnees toutes", CommandKind::MyData, Lang::Fr),
        ("!oubliemoi peut-etre", CommandKind::ForgetMe, Lang::Fr),
        ("!oubliemoi non", CommandKind::ForgetMe, Lang::Fr),
        ("!forgetme maybe later", CommandKind::ForgetMe, Lang::En),
        ("!effacer", CommandKind::Erase, Lang::Fr),
        ("!effacer marie", CommandKind::Erase, Lang::Fr),
        ("!effacer @marie:example.org demain", CommandKind::Erase, Lang::Fr),
        ("!erase", CommandKind::Erase, Lang::En),
        ("!arreter", CommandKind::Stop, Lang::Fr),
        ("!arrêter la série", CommandKind::Stop, Lang::Fr),
        ("!arreter 12 13", CommandKind::Stop, Lang::Fr),
        ("!stop 0", CommandKind::Stop, Lang::En),
        ("!stop now", CommandKind::Stop, Lang::En),
        ("!attribuer", CommandKind::Assign, Lang::Fr),
        ("!attribuer 12", CommandKind::Assign, Lang::Fr),
        ("!attribuer @marie:example.org", CommandKind::Assign, Lang::Fr),
        ("!attribuer @marie:example.org 12", CommandKind::Assign, Lang::Fr),
        ("!attribuer douze @marie:example.org", CommandKind::Assign, Lang::Fr),
        ("!attribuer 12 marie", CommandKind::Assign, Lang::Fr),
        ("!attribuer 12 @marie:example.org merci", CommandKind::Assign, Lang::Fr),
        ("!assign 0 @x:y.org", CommandKind::Assign, Lang::En),
        ("!assign 12 @x:y.org @z:y.org", CommandKind::Assign, Lang::En),
        ("!bloquer", CommandKind::Block, Lang::Fr),
        ("!bloquer paul", CommandKind::Block, Lang::Fr),
        ("!block 12", CommandKind::Block, Lang::En),
        ("!debloquer", CommandKind::Unblock, Lang::Fr),
        ("!debloquer @x:y.org maintenant", CommandKind::Unblock, Lang::Fr),
        ("!unblock paul", CommandKind::Unblock, Lang::En),
        ("!stats bientôt", CommandKind::Stats, Lang::Fr),
        ("!stats 2026-13", CommandKind::Stats, Lang::Fr),
        ("!figures 0d", CommandKind::Stats, Lang::En),
        ("!rapport bientôt", CommandKind::Report, Lang::Fr),
        ("!rapport 2026-13", CommandKind::Report, Lang::Fr),
        ("!report next year", CommandKind::Report, Lang::En),
        ("!fiche", CommandKind::Show, Lang::Fr),
        ("!fiche douze", CommandKind::Show, Lang::Fr),
        ("!show 12 13", CommandKind::Show, Lang::En),
        ("!show 0", CommandKind::Show, Lang::En),
    ];
    for (body, kind, lang) in table {
        assert_eq!(err(body), ParseError::Usage { kind, lang }, "{body}");
    }
}

#[test]
fn a_too_long_request_is_refused_with_its_length() {
    let body = format!("!demande {}", "a".repeat(MAX_REQUEST_CHARS + 1));
    assert_eq!(err(&body), ParseError::TooLong { chars: MAX_REQUEST_CHARS + 1, lang: Lang::Fr });
    let body = format!("!demande {}", "é".repeat(MAX_REQUEST_CHARS));
    assert!(matches!(ok(&body).command, Command::Request { .. }));
}

#[test]
fn a_pill_in_the_command_names_the_person() {
    let marie = Pill { user: user("@marie:example.org"), text: "Marie Dupont".into() };
    let pills = std::slice::from_ref(&marie);
    assert_eq!(
        parse("!valider Marie Dupont", pills),
        Some(Ok(Parsed { command: vet("@marie:example.org", None, false), lang: Lang::Fr }))
    );
    assert_eq!(
        parse("!ban Marie Dupont no-show", pills),
        Some(Ok(Parsed {
            command: Command::Ban {
                user: user("@marie:example.org"),
                reason: Some("no-show".into())
            },
            lang: Lang::En
        }))
    );
    // A word that is neither a user id nor the pill gets the usage line, whatever
    // else the message mentions.
    assert!(matches!(parse("!valider pierre", pills), Some(Err(ParseError::Usage { .. }))));
}

#[test]
fn a_reply_never_names_the_person_replied_to() {
    // Element puts the person replied to in the quoted part of the HTML body (and in
    // m.mentions, which the parser never sees).
    let html = r#"<mx-reply><blockquote><a href="https://matrix.to/#/@pierre:x.org">Pierre</a> bonjour</blockquote></mx-reply>!valider pierre"#;
    let pills = crate::pills(html);
    assert!(pills.is_empty());
    assert!(matches!(
        parse("> <@pierre:x.org> bonjour\n\n!valider pierre", &pills),
        Some(Err(ParseError::Usage { kind: CommandKind::Vet, .. }))
    ));
}

#[test]
fn reply_fallbacks_are_skipped() {
    let body = "> <@bob:x.org> Demande n°3\n> courses\n\n!prendre 3";
    assert_eq!(ok(body).command, Command::Take { number: 3 });
    assert_eq!(parse("> only a quote", &[]), None);
    // Where this differs from ruma's `remove_plain_reply_fallback`: a quote without a
    // sender, a quote without a line after it, a quote line that is only `>`.
    assert_eq!(strip_reply_fallback("> courses\n!prendre 3"), "!prendre 3");
    assert_eq!(strip_reply_fallback("> <@bob:x.org> !prendre 3"), "");
    assert_eq!(strip_reply_fallback("> <@bob:x.org> a\n>\n!fait"), "!fait");
    assert_eq!(strip_reply_fallback(">no space\n!fait"), ">no space\n!fait");
}

proptest! {
    #[test]
    fn parsing_never_panics(body in ".{0,300}") {
        let _ = parse(&body, &[]);
        let _ = parse(&format!("!{body}"), &crate::pills(&body));
    }

    #[test]
    fn parsing_any_command_word_with_any_argument_never_panics(
        kind in 0usize..COMMANDS.len(), en in any::<bool>(), args in "\\PC{0,200}"
    ) {
        let lang = if en { Lang::En } else { Lang::Fr };
        let word = COMMANDS[kind].kind.word(lang);
        let parsed = parse(&format!("!{word} {args}"), &[]);
        prop_assert!(parsed.is_some());
    }
}

mod crisis;
