use std::collections::HashSet;

use chrono::NaiveDate;

use super::*;
use crate::CommandKind;

fn catalogue() -> Catalogue {
    Catalogue::builtin().unwrap_or_else(|e| panic!("the built-in texts: {e}"))
}

fn raw_keys(lang: Lang) -> Vec<String> {
    let source = BUILTIN.iter().find(|(l, _)| *l == lang).map_or("", |(_, s)| s);
    let table: toml::Table = source.parse().unwrap_or_default();
    table.keys().cloned().collect()
}

#[test]
fn both_languages_have_every_key_with_the_same_placeholders_and_balanced_markup() {
    // `builtin` checks all of this; these asserts say which rule broke.
    let catalogue = catalogue();
    for lang in Lang::ALL {
        let names: HashSet<String> = raw_keys(lang).into_iter().collect();
        let expected: HashSet<String> = Key::iter().map(|k| k.name().to_owned()).collect();
        assert_eq!(names, expected, "{lang:?}: keys differ from the Key enum");
        for key in Key::iter() {
            let template = catalogue.template(lang, key);
            assert!(!template.trim().is_empty(), "{lang:?} {key:?} is empty");
            assert_eq!(template.matches("**").count() % 2, 0, "{lang:?} {key:?}");
            assert_eq!(template.matches('`').count() % 2, 0, "{lang:?} {key:?}");
        }
    }
    for key in Key::iter() {
        assert_eq!(
            placeholders(catalogue.template(Lang::Fr, key)),
            placeholders(catalogue.template(Lang::En, key)),
            "{key:?}: French and English use different placeholders"
        );
    }
}

#[test]
fn key_names_round_trip() {
    for key in Key::iter() {
        assert_eq!(Key::from_str(key.name()), Ok(key));
    }
    assert_eq!(Key::RequestConfirmed.name(), "request_confirmed");
}

#[test]
fn a_commune_overrides_any_subset_of_keys() -> Result<(), CatalogueError> {
    let file = r#"
        [fr]
        refused_not_vetted = "Pour devenir bénévole, appelez le CCAS au 01 23 45 67 89."
        request_confirmed = "Bien reçu : demande **{number}** ({category}, {when}{behalf}). `!annuler {number}`"
    "#;
    let catalogue = catalogue().with_overrides(file)?;
    assert_eq!(
        catalogue.text(Lang::Fr, Key::RefusedNotVetted, &[]),
        "Pour devenir bénévole, appelez le CCAS au 01 23 45 67 89."
    );
    // Other keys and the other language keep the built-in texts.
    assert_eq!(catalogue.template(Lang::En, Key::RefusedNotVetted), {
        let builtin = Catalogue::builtin()?;
        builtin.template(Lang::En, Key::RefusedNotVetted).to_owned()
    });
    assert!(catalogue.text(Lang::Fr, Key::DoneAck, &[]).starts_with("Demande n°"));
    Ok(())
}

#[test]
fn a_bad_override_names_the_key() {
    let cases = [
        ("[fr]\nrefused_not_vetteed = \"x\"", "refused_not_vetteed"),
        ("[fr]\ndone_ack = \"Merci !\"", "done_ack"),
        ("[en]\ndone_ack = \"Request #{number} {volunteer}\"", "done_ack"),
        ("[en]\ndone_ack = \"**#{number}\"", "done_ack"),
        ("[en]\ndone_ack = 3", "done_ack"),
        ("[de]\ndone_ack = \"x\"", "[de]"),
        ("done_ack = \"x\"", "done_ack"),
        ("[fr\n", "TOML"),
    ];
    for (file, named) in cases {
        match catalogue().with_overrides(file) {
            Err(error) => assert!(error.to_string().contains(named), "{file}: {error}"),
            Ok(_) => panic!("{file}: accepted"),
        }
    }
    let error = catalogue().with_overrides("[fr]\ndone_ack = \"Merci !\"").err();
    assert_eq!(
        error,
        Some(CatalogueError::Placeholders {
            lang: "fr",
            key: "done_ack",
            expected: vec!["number".to_owned()],
            found: vec![],
        })
    );
}

#[test]
fn arguments_are_escaped_in_html_but_not_in_plain_text() {
    let message = catalogue().render(Lang::Fr, Key::Vetted, &[("user", "<script>@x:y</script>")]);
    assert!(message.plain.starts_with("<script>@x:y</script> est"));
    assert!(message.html.starts_with("&lt;script&gt;@x:y&lt;/script&gt; est"));
}

#[test]
fn markup_becomes_html() {
    let message = catalogue().render(Lang::Fr, Key::UsageTake, &[]);
    assert_eq!(message.plain, "Utilisation : `!prendre <numéro>`, par exemple `!prendre 12`.");
    assert_eq!(
        message.html,
        "Utilisation : <code>!prendre &lt;numéro&gt;</code>, par exemple <code>!prendre 12</code>."
    );
    let relay = catalogue().render(
        Lang::En,
        Key::RelayTaken,
        &[("number", "3"), ("category", "x"), ("neighbourhood", "y")],
    );
    assert!(relay.html.contains("<b>Request #3</b>"));
    assert!(!relay.plain.contains("**"));
}

#[test]
fn the_help_text_is_pinned() {
    let fr =
        catalogue().help(Lang::Fr, &[CommandKind::Request, CommandKind::Cancel, CommandKind::Help]);
    assert_eq!(
        fr.plain,
        "**Commandes possibles ici :**\n\
         • `!demande <texte>` — demander un coup de main (courses, pharmacie, rendez-vous, visite…)\n\
         • `!annuler [n]` — annuler une demande, ou retirer une offre\n\
         • `!aide` — cette aide"
            .replace("**", "")
    );
    let en = catalogue().help(Lang::En, &[CommandKind::Take]);
    assert_eq!(
        en.plain,
        "Commands you can use here:\n• `!take <n>` (or ✋ on the request, or “I'll take it” in reply) — take a request"
    );
}

#[test]
fn times_read_naturally() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let tomorrow = today.succ_opt().unwrap_or_default();
    let friday = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0);
    assert_eq!(catalogue().when(Lang::Fr, When::Asap, today), "dès que possible");
    assert_eq!(
        catalogue().when(
            Lang::Fr,
            When::On { date: tomorrow, time: None, part: Some(DayPart::Morning) },
            today
        ),
        "demain matin"
    );
    assert_eq!(
        catalogue().when(Lang::Fr, When::On { date: friday, time: at(14, 30), part: None }, today),
        "vendredi 27/11 à 14h30"
    );
    assert_eq!(
        catalogue().when(Lang::En, When::On { date: today, time: at(9, 0), part: None }, today),
        "today at 9:00"
    );
    let tonight = When::On { date: today, time: None, part: Some(DayPart::Evening) };
    assert_eq!(catalogue().when(Lang::Fr, tonight, today), "ce soir");
    assert_eq!(catalogue().when(Lang::En, tonight, today), "this evening");
    let this_afternoon = When::On { date: today, time: at(15, 0), part: Some(DayPart::Afternoon) };
    assert_eq!(catalogue().when(Lang::Fr, this_afternoon, today), "cet après-midi à 15h");
}

#[test]
fn ages_pick_a_readable_unit() {
    assert_eq!(catalogue().age(Lang::Fr, 5), "5 min");
    assert_eq!(catalogue().age(Lang::Fr, 150), "2 h");
    assert_eq!(catalogue().age(Lang::Fr, 3 * 24 * 60), "3 j");
    assert_eq!(catalogue().age(Lang::En, 3 * 24 * 60), "3 d");
    assert_eq!(catalogue().age(Lang::En, -4), "0 min");
}

#[test]
fn every_category_and_relation_has_a_name() {
    for lang in Lang::ALL {
        for c in Category::ALL {
            assert!(!catalogue().category(lang, c).is_empty());
        }
        for r in Relation::ALL {
            assert!(catalogue().behalf(lang, Some(r)).len() > 5);
        }
        assert_eq!(catalogue().behalf(lang, None), "");
    }
}

#[test]
fn a_missing_argument_leaves_the_placeholder_visible() {
    assert_eq!(catalogue().text(Lang::En, Key::CancelledAck, &[]), "Request #{number} cancelled.");
}
