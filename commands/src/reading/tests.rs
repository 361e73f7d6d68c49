use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::{Europe::Paris, Tz};
use proptest::prelude::*;

use super::{DayPart::*, *};

/// Monday 23 November 2026, 10:00 in Paris.
fn now() -> DateTime<Tz> {
    at(10, 0)
}

/// That Monday at another hour.
fn at(hour: u32, minute: u32) -> DateTime<Tz> {
    Paris.with_ymd_and_hms(2026, 11, 23, hour, minute, 0).single().expect("valid test date")
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).expect("valid test date")
}

fn date_y(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}

fn hm(hour: u32, minute: u32) -> Option<NaiveTime> {
    Some(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid test time"))
}

fn on(date: NaiveDate, time: Option<NaiveTime>, part: Option<DayPart>) -> When {
    When::On { date, time, part }
}

fn day(date: NaiveDate) -> When {
    on(date, None, None)
}

#[test]
fn test_category_french() {
    let cases = [
        ("courses pour ma mère demain matin", Category::Groceries),
        ("Faire les courses au supermarché", Category::Groceries),
        ("aller chercher du pain à la boulangerie", Category::Groceries),
        ("acheter 2 baguettes et du lait", Category::Groceries),
        ("Quelqu'un pour aller au marché samedi ?", Category::Groceries),
        ("COURSES à l'épicerie du village", Category::Groceries),
        ("Pharmacie : récupérer les médicaments de mon père", Category::Pharmacy),
        ("chercher son ordonnance à la pharmacie", Category::Pharmacy),
        ("aller à la pharmacie chercher ses médicaments", Category::Pharmacy),
        ("emmener ma mère chez le médecin", Category::Lift),
        ("RDV chez le dentiste jeudi, besoin d'une voiture", Category::Lift),
        ("m'accompagner à l'hôpital pour une prise de sang", Category::Lift),
        ("me conduire a la gare", Category::Lift),
        ("rendez-vous chez le kiné mardi", Category::Lift),
        ("rendre visite à ma grand-mère qui est seule", Category::Visit),
        ("tenir compagnie à mon père un après-midi", Category::Visit),
        ("une promenade avec mamie", Category::Visit),
        ("discuter un peu, je me sens seule", Category::Visit),
        ("changer une ampoule au plafond", Category::Repairs),
        ("tondre la pelouse", Category::Repairs),
        ("petite fuite sous l'évier", Category::Repairs),
        ("monter un meuble", Category::Repairs),
        ("tailler la haie du jardin", Category::Repairs),
        ("aide pour remplir un formulaire de la CAF", Category::Paperwork),
        ("déclaration d'impôts", Category::Paperwork),
        ("trier les papiers administratifs", Category::Paperwork),
        ("écrire une lettre à la mutuelle", Category::Paperwork),
        ("mon téléphone ne marche plus", Category::Digital),
        ("installer WhatsApp sur la tablette de maman", Category::Digital),
        ("ma mère ne sait pas faire une visio", Category::Digital),
        ("problème d'imprimante", Category::Digital),
        ("réparer mon ordinateur", Category::Digital),
        ("nourrir mon chat pendant mon absence", Category::Other),
        ("j'ai du mal à marcher", Category::Other),
        ("bonjour", Category::Other),
    ];
    for (text, expected) in cases {
        assert_eq!(read_request(text, now()).category, expected, "{text}");
    }
}

#[test]
fn test_category_english() {
    let cases = [
        ("groceries for my mum", Category::Groceries),
        ("Could someone pick up some bread and milk", Category::Groceries),
        ("a bit of shopping at the supermarket", Category::Groceries),
        ("collect my prescription from the chemist", Category::Pharmacy),
        ("pick up medication at the PHARMACY", Category::Pharmacy),
        ("lift to the doctor's on Tuesday", Category::Lift),
        ("a ride to the hospital appointment", Category::Lift),
        ("drive my dad to the dentist", Category::Lift),
        ("someone to visit my nan, she is lonely", Category::Visit),
        ("a chat and a cup of tea", Category::Visit),
        ("fix a leaking tap", Category::Repairs),
        ("mow the lawn", Category::Repairs),
        ("change a light bulb", Category::Repairs),
        ("help with paperwork", Category::Paperwork),
        ("fill in a tax return form", Category::Paperwork),
        ("set up a video call on her tablet", Category::Digital),
        ("my printer doesn't work", Category::Digital),
        ("fix my laptop", Category::Digital),
        ("walk the dog", Category::Visit),
        ("anything really", Category::Other),
    ];
    for (text, expected) in cases {
        assert_eq!(read_request(text, now()).category, expected, "{text}");
    }
}

#[test]
fn test_category_ties_follow_display_order() {
    // One strong word each: Pharmacy comes before Lift.
    assert_eq!(read_request("ordonnance du médecin", now()).category, Category::Pharmacy);
    // "painting" is not bread.
    assert_eq!(read_request("painting", now()).category, Category::Other);
}

#[test]
fn test_when_french() {
    let cases = [
        ("courses demain matin", on(date(11, 24), None, Some(Morning))),
        ("DEMAIN", day(date(11, 24))),
        ("aujourd'hui si possible", day(date(11, 23))),
        ("aujourd’hui", day(date(11, 23))),
        ("aujourdhui", day(date(11, 23))),
        ("ce soir", on(date(11, 23), None, Some(Evening))),
        ("cet après-midi", on(date(11, 23), None, Some(Afternoon))),
        ("cet aprem", on(date(11, 23), None, Some(Afternoon))),
        ("ce matin", on(date(11, 23), None, Some(Morning))),
        ("après-demain", day(date(11, 25))),
        ("apres demain matin", on(date(11, 25), None, Some(Morning))),
        ("mercredi", day(date(11, 25))),
        ("Vendredi après-midi", on(date(11, 27), None, Some(Afternoon))),
        ("lundi", day(date(11, 30))),
        ("le 25/11", day(date(11, 25))),
        ("25-11", day(date(11, 25))),
        ("25/11/2026 à 14h30", on(date(11, 25), hm(14, 30), None)),
        ("le 3 décembre", day(date(12, 3))),
        ("1er mars", day(date_y(2027, 3, 1))),
        ("le 15 janvier", day(date_y(2027, 1, 15))),
        ("le 20/11", day(date_y(2027, 11, 20))),
        ("à 14h", on(date(11, 23), hm(14, 0), None)),
        ("vers 10h30", on(date(11, 23), hm(10, 30), None)),
        ("à 9h", on(date(11, 24), hm(9, 0), None)),
        ("demain à 14 h 30", on(date(11, 24), hm(14, 30), None)),
        ("demain midi", on(date(11, 24), hm(12, 0), None)),
        ("à midi", on(date(11, 23), hm(12, 0), None)),
        ("le matin", on(date(11, 23), None, Some(Morning))),
        ("l'après-midi", on(date(11, 23), None, Some(Afternoon))),
        ("le soir", on(date(11, 23), None, Some(Evening))),
        ("demain soir vers 19h", on(date(11, 24), hm(19, 0), Some(Evening))),
        ("ce soir à 8h", on(date(11, 23), hm(20, 0), Some(Evening))),
        ("samedi matin à 9h", on(date(11, 28), hm(9, 0), Some(Morning))),
        ("le 25 à 15h", on(date(11, 25), hm(15, 0), None)),
        ("du 1er au 5 décembre", day(date(12, 1))),
        ("1-5 décembre", day(date(12, 1))),
        ("jeudi à 14:30", on(date(11, 26), hm(14, 30), None)),
        ("ce week-end", day(date(11, 28))),
        ("dès que possible", When::Asap),
        ("URGENT !", When::Asap),
        ("2 baguettes et du lait", When::Asap),
    ];
    for (text, expected) in cases {
        assert_eq!(read_request(text, now()).when, expected, "{text}");
    }
}

#[test]
fn test_when_english() {
    let cases = [
        ("tomorrow morning", on(date(11, 24), None, Some(Morning))),
        ("Today please", day(date(11, 23))),
        ("this afternoon", on(date(11, 23), None, Some(Afternoon))),
        ("tonight", on(date(11, 23), None, Some(Evening))),
        ("this evening", on(date(11, 23), None, Some(Evening))),
        ("the day after tomorrow", day(date(11, 25))),
        ("on Friday", day(date(11, 27))),
        ("Monday", day(date(11, 30))),
        ("November 25", day(date(11, 25))),
        ("25 November", day(date(11, 25))),
        ("Nov 25th", day(date(11, 25))),
        ("the 3rd of December", day(date(12, 3))),
        ("December 3rd at 3pm", on(date(12, 3), hm(15, 0), None)),
        ("March 1st", day(date_y(2027, 3, 1))),
        ("at 3 pm", on(date(11, 23), hm(15, 0), None)),
        ("10:30am", on(date(11, 23), hm(10, 30), None)),
        ("at 9 a.m.", on(date(11, 24), hm(9, 0), None)),
        ("at noon", on(date(11, 23), hm(12, 0), None)),
        ("in the morning", on(date(11, 23), None, Some(Morning))),
        ("in the afternoon", on(date(11, 23), None, Some(Afternoon))),
        ("in the evening", on(date(11, 23), None, Some(Evening))),
        ("Saturday at 2pm", on(date(11, 28), hm(14, 0), None)),
        ("tomorrow at 10:30", on(date(11, 24), hm(10, 30), None)),
        ("on the 28th", day(date(11, 28))),
        ("ASAP please", When::Asap),
        ("I need 3 apples", When::Asap),
    ];
    for (text, expected) in cases {
        assert_eq!(read_request(text, now()).when, expected, "{text}");
    }
}

#[test]
fn test_when_edge_cases() {
    // A date already past this year is next year's.
    assert_eq!(read_request("le 2 janvier", now()).when, day(date_y(2027, 1, 2)));
    assert_eq!(read_request("le 23/11", now()).when, day(date(11, 23)));
    assert_eq!(read_request("22/11", now()).when, day(date_y(2027, 11, 22)));
    // A 29 February waits for a leap year; a 31 November does not exist.
    assert_eq!(read_request("29/02", now()).when, day(date_y(2028, 2, 29)));
    assert_eq!(read_request("31/11", now()).when, When::Asap);
    // An hour already past today is tomorrow's.
    assert_eq!(read_request("a 9h", now()).when, on(date(11, 24), hm(9, 0), None));
    // On a Monday, "lundi" is next Monday.
    assert_eq!(read_request("lundi", now()).when, day(date(11, 30)));
    assert_eq!(read_request("aujourd'hui", now()).when, day(date(11, 23)));
    // Invalid hours are ignored.
    assert_eq!(read_request("à 25h", now()).when, When::Asap);
    assert_eq!(read_request("demain à 25h", now()).when, day(date(11, 24)));
    assert_eq!(read_request("demain à 14h75", now()).when, day(date(11, 24)));
    assert_eq!(read_request("at 13pm", now()).when, When::Asap);
    // An explicit date wins over a weekday.
    assert_eq!(read_request("mardi 26/11", now()).when, day(date(11, 26)));
    // Numbers that are not hours or dates.
    assert_eq!(read_request("3 pommes", now()).when, When::Asap);
    assert_eq!(read_request("pendant 2h", now()).when, When::Asap);
    assert_eq!(read_request("appelez le 06-12-34-56-78", now()).when, When::Asap);
    assert_eq!(read_request("j'habite au 12 rue des Lilas", now()).when, When::Asap);
    assert_eq!(read_request("le 12 rue des Lilas", now()).when, When::Asap);
    // "après-midi" is not noon.
    assert_eq!(read_request("après-midi", now()).when, on(date(11, 23), None, Some(Afternoon)));
    // Non-breaking spaces and hyphens, as phones type them.
    assert_eq!(
        read_request("demain\u{a0}14\u{a0}h", now()).when,
        on(date(11, 24), hm(14, 0), None)
    );
    assert_eq!(
        read_request("cet après\u{2011}midi", now()).when,
        on(date(11, 23), None, Some(Afternoon))
    );
}

#[test]
fn test_part_of_day_alone_depends_on_the_hour() {
    assert_eq!(read_request("le matin", at(15, 0)).when, on(date(11, 24), None, Some(Morning)));
    assert_eq!(
        read_request("l'après-midi", at(15, 0)).when,
        on(date(11, 23), None, Some(Afternoon))
    );
    assert_eq!(
        read_request("l'après-midi", at(19, 0)).when,
        on(date(11, 24), None, Some(Afternoon))
    );
    assert_eq!(read_request("le soir", at(23, 0)).when, on(date(11, 23), None, Some(Evening)));
    assert_eq!(read_request("à 14h", at(15, 0)).when, on(date(11, 24), hm(14, 0), None));
}

#[test]
fn test_on_behalf_french() {
    let cases = [
        ("courses pour ma mère", Some(Relation::Mother)),
        ("ma maman a besoin de pain", Some(Relation::Mother)),
        ("Pour Ma MERE", Some(Relation::Mother)),
        ("ma vieille maman", Some(Relation::Mother)),
        ("maman a besoin d'aide", Some(Relation::Mother)),
        ("pour mon père", Some(Relation::Father)),
        ("mon papa ne conduit plus", Some(Relation::Father)),
        ("mes parents sont âgés", Some(Relation::Parents)),
        ("ma mère et mon père", Some(Relation::Parents)),
        ("ma grand-mère", Some(Relation::Grandmother)),
        ("ma grand mere", Some(Relation::Grandmother)),
        ("visite à mamie", Some(Relation::Grandmother)),
        ("ma mémé", Some(Relation::Grandmother)),
        ("mon grand-père", Some(Relation::Grandfather)),
        ("papi a besoin", Some(Relation::Grandfather)),
        ("pour papy", Some(Relation::Grandfather)),
        ("mes grands-parents", Some(Relation::Grandparents)),
        ("ma voisine", Some(Relation::Neighbour)),
        ("mon voisin du dessus", Some(Relation::Neighbour)),
        ("pour la voisine", Some(Relation::Neighbour)),
        ("ma tante", Some(Relation::Family)),
        ("mon oncle", Some(Relation::Family)),
        ("ma sœur", Some(Relation::Family)),
        ("mon frère", Some(Relation::Family)),
        ("mon fils", Some(Relation::Family)),
        ("ma fille", Some(Relation::Family)),
        ("mon mari", Some(Relation::Family)),
        ("ma femme", Some(Relation::Family)),
        ("ma belle-mère", Some(Relation::Family)),
        ("pour une amie", Some(Relation::Someone)),
        ("pour un ami", Some(Relation::Someone)),
        ("pour un proche", Some(Relation::Someone)),
        ("pour quelqu'un de mon immeuble", Some(Relation::Someone)),
        ("pour une dame âgée", Some(Relation::Someone)),
        ("j'ai besoin de courses", None),
        ("moi", None),
        ("je cherche quelqu'un pour m'aider", None),
        ("mes courses", None),
        ("pour la même raison", None),
        ("ma voiture est en panne", None),
    ];
    for (text, expected) in cases {
        assert_eq!(read_request(text, now()).on_behalf, expected, "{text}");
    }
}

#[test]
fn test_on_behalf_english() {
    let cases = [
        ("for my mum", Some(Relation::Mother)),
        ("my mom needs", Some(Relation::Mother)),
        ("my elderly mother", Some(Relation::Mother)),
        ("my dad", Some(Relation::Father)),
        ("my Father", Some(Relation::Father)),
        ("my parents", Some(Relation::Parents)),
        ("my gran", Some(Relation::Grandmother)),
        ("my grandma", Some(Relation::Grandmother)),
        ("my nan", Some(Relation::Grandmother)),
        ("my grandmother", Some(Relation::Grandmother)),
        ("my grandad", Some(Relation::Grandfather)),
        ("my grandpa", Some(Relation::Grandfather)),
        ("my grandparents", Some(Relation::Grandparents)),
        ("my neighbour", Some(Relation::Neighbour)),
        ("my neighbor", Some(Relation::Neighbour)),
        ("my aunt", Some(Relation::Family)),
        ("my sister", Some(Relation::Family)),
        ("my husband", Some(Relation::Family)),
        ("my mother-in-law", Some(Relation::Family)),
        ("for a friend", Some(Relation::Someone)),
        ("for someone", Some(Relation::Someone)),
        ("I need help", None),
        ("I need someone to fix my tap", None),
    ];
    for (text, expected) in cases {
        assert_eq!(read_request(text, now()).on_behalf, expected, "{text}");
    }
}

#[test]
fn test_whole_request() {
    let reading = read_request("!demande courses pour ma mère demain matin", now());
    assert_eq!(
        reading,
        Reading {
            category: Category::Groceries,
            when: on(date(11, 24), None, Some(Morning)),
            on_behalf: Some(Relation::Mother),
        }
    );
}

#[test]
fn test_far_future_now_does_not_panic() {
    let far =
        NaiveDate::MAX.pred_opt().and_then(|d| d.and_hms_opt(12, 0, 0)).expect("valid test date");
    if let Some(now) = Paris.from_local_datetime(&far).single() {
        for text in ["demain", "après-demain", "lundi", "le 25", "à 9h", "le soir", "1er mars"] {
            let _ = read_request(text, now);
        }
    }
}

#[test]
fn test_read_repeat_reads_real_phrasings() {
    use Repeat::*;
    let cases: &[(&str, Option<Repeat>)] = &[
        ("appeler Mme Martin chaque mardi à 10h", Some(Weekly)),
        ("visite tous les jeudis après-midi", Some(Weekly)),
        ("courses toutes les semaines", Some(Weekly)),
        ("un appel hebdomadaire pour prendre des nouvelles", Some(Weekly)),
        ("Chaque Semaine, le lundi : sortir les poubelles", Some(Weekly)),
        ("a phone call every Tuesday at 10am", Some(Weekly)),
        ("shopping for my dad every week", Some(Weekly)),
        ("a visit on Thursdays", Some(Weekly)),
        ("weekly shopping", Some(Weekly)),
        ("promenade un mercredi sur deux", Some(Fortnightly)),
        ("ménage toutes les deux semaines", Some(Fortnightly)),
        ("tous les 15 jours, courses au marché", Some(Fortnightly)),
        ("every other Friday, a lift to the market", Some(Fortnightly)),
        ("fortnightly visit", Some(Fortnightly)),
        ("passer tous les jours à 18h", Some(Daily)),
        ("un appel chaque matin", Some(Daily)),
        ("check on her every day", Some(Daily)),
        ("daily call", Some(Daily)),
        ("accompagner à la banque tous les mois", Some(Monthly)),
        ("a monthly lift to the pharmacy", Some(Monthly)),
        ("des courses mardi", None),
        ("des courses pour ma mère demain matin", None),
        ("a lift on Tuesday", None),
        ("help with the garden this week", None),
        ("", None),
    ];
    for (text, expected) in cases {
        assert_eq!(read_repeat(text), *expected, "{text}");
    }
}

#[test]
fn test_repeat_after_steps_to_the_next_occurrence() {
    assert_eq!(Repeat::Daily.after(date(11, 30)), Some(date(12, 1)));
    assert_eq!(Repeat::Weekly.after(date(12, 29)), Some(date_y(2027, 1, 5)));
    assert_eq!(Repeat::Fortnightly.after(date(11, 24)), Some(date(12, 8)));
    assert_eq!(Repeat::Monthly.after(date_y(2027, 1, 31)), Some(date_y(2027, 2, 28)));
    assert_eq!(Repeat::Monthly.after(date(12, 15)), Some(date_y(2027, 1, 15)));
}

proptest! {
    #[test]
    fn test_read_request_never_panics(text in any::<String>()) {
        let _ = read_request(&text, now());
    }

    #[test]
    fn test_read_request_never_panics_on_long_text(
        chars in proptest::collection::vec(any::<char>(), 0..5_000)
    ) {
        let text: String = chars.into_iter().collect();
        let _ = read_request(&text, now());
    }

    #[test]
    fn test_read_request_never_panics_on_likely_words(
        words in proptest::collection::vec(
            prop::sample::select(vec![
                "demain", "le", "25", "/", "11", "-", "h", "14h", "30", ":", "pm", "am",
                "midi", "apres-midi", "soir", "matin", "lundi", "mars", "1er", "the",
                "29", "02", "99", "ma", "mere", "pour", "une", "amie", "9999", "0", "à",
                "3rd", "of", "december", "rue", "pendant", "ce", "week-end", "’",
            ]),
            0..30,
        ),
        hour in 0u32..24,
    ) {
        let _ = read_request(&words.join(" "), at(hour, 0));
        let _ = read_request(&words.concat(), at(hour, 0));
    }

    #[test]
    fn test_read_repeat_never_panics(text in any::<String>()) {
        let _ = read_repeat(&text);
    }
}
