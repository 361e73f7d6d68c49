//! The report on a real store filled by its own transitions, with known answers: weeks
//! and periods across a year's end in the commune's time zone, the "< 5" rule in every
//! output, and files that decode.

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use entraide_commands::{Catalogue, Category, Key, Lang, Period, Reading, When};
use entraide_storage::{Effect, NewRequest, Request, Store};

use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CONFIG: &str = r##"
    homeserver = "http://127.0.0.1:8008"
    user_id = "@entraide:example.org"
    password = "s3cret-Kq9"
    data_dir = "data"
    coordinators = ["@agent:example.org"]
    [community]
    name = "Val-de-Loire"
    [[neighbourhoods]]
    room = "#tilleuls:example.org"
    name = "Les Tilleuls"
    commune = "Saint-Martin"
    [[neighbourhoods]]
    room = "#bourg:example.org"
    name = "Le Bourg"
    commune = "Bléré"
"##;

fn none(_: &Request) -> Vec<Effect> {
    Vec::new()
}

fn day(year: i32, month: u32, day: u32) -> Result<NaiveDate, &'static str> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or("no such day")
}

fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0).single().unwrap_or_default()
}

fn ask(requester: &str, neighbourhood: &str, category: Category) -> NewRequest {
    NewRequest {
        requester: requester.to_owned(),
        origin_room: "!quartier:x".to_owned(),
        neighbourhood: Some(neighbourhood.to_owned()),
        text: "des courses pour Mme Dupont, 06 12 34 56 78".to_owned(),
        reading: Reading { category, when: When::Asap, on_behalf: None },
        lang: Lang::Fr,
        informs: false,
    }
}

/// A store around the new year 2027, in Paris:
/// - 31/12/2026 at 23:30 UTC is already 1 January in Paris: seven requests for groceries
///   in Les Tilleuls, each taken after 30 minutes, six done;
/// - 31/12/2026 at 22:30 UTC is still December in Paris: two requests in Le Bourg;
/// - 11/01/2027: three lifts in Le Bourg, one taken after two days.
async fn filled(path: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let store = Store::open(path)?;
    let mut number = 0;
    let mut event = || {
        number += 1;
        format!("$e{number}")
    };
    for i in 0..7 {
        let at = utc(2026, 12, 31, 23, 30) + TimeDelta::minutes(i);
        let requester = format!("@resident{i}:x");
        let new = ask(&requester, "Les Tilleuls", Category::Groceries);
        let (request, _) = store.create_request(new, &event(), at, none).await?;
        let taken = at + TimeDelta::minutes(30);
        store.claim(request.number, "@v1:x", None, taken, none).await?;
        if i < 6 {
            store.done(request.number, "@v1:x", None, None, taken, none).await?;
        }
    }
    for i in 0..2 {
        let new = ask(&format!("@december{i}:x"), "Le Bourg", Category::Pharmacy);
        store.create_request(new, &event(), utc(2026, 12, 31, 22, 30), none).await?;
    }
    for i in 0..3 {
        let at = utc(2027, 1, 11, 9, 0);
        let new = ask(&format!("@lift{i}:x"), "Le Bourg", Category::Lift);
        let (request, _) = store.create_request(new, &event(), at, none).await?;
        if i == 0 {
            store.claim(request.number, "@v2:x", None, at + TimeDelta::days(2), none).await?;
        }
    }
    Ok(store)
}

/// A filled store and what a report of it needs.
struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    config: Config,
    texts: Catalogue,
}

async fn fixture() -> Result<Fixture, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = filled(dir.path()).await?;
    let config = Config::parse(CONFIG, Path::new("/etc/entraide/config.toml"))?;
    Ok(Fixture { _dir: dir, store, config, texts: Catalogue::builtin()? })
}

fn january() -> Result<Period, &'static str> {
    Ok(Period { start: day(2027, 1, 1)?, end: day(2027, 2, 1)? })
}

fn report_of(
    fixture: &Fixture,
    lang: Lang,
    period: Period,
) -> Result<Report<'_>, Box<dyn std::error::Error>> {
    let now = utc(2027, 2, 1, 12, 0);
    let Fixture { store, config, texts, .. } = fixture;
    let figures = figures(store, config, "!coordination:x", period, now)?.ok_or("no figures")?;
    Ok(Report { texts, lang, community: &config.community, period, tz: config.timezone, figures })
}

#[tokio::test]
async fn january_starts_at_midnight_in_paris_and_weeks_on_its_mondays() -> TestResult {
    let fixture = fixture().await?;
    let report = report_of(&fixture, Lang::Fr, january()?)?;
    let figures = &report.figures;
    assert_eq!(figures.requests, 10, "the 23:30 UTC requests are January's, not the 22:30");
    assert_eq!(figures.requests_before, 2);
    assert_eq!(figures.by_commune["Saint-Martin"].requests, 7);
    assert_eq!(figures.by_commune["Bléré"].requests, 3);
    assert_eq!(figures.claim_minutes, [30, 30, 30, 30, 30, 30, 30, 2880]);

    // Weeks start on Monday 28/12/2026, the week of 1 January in Paris.
    let weeks = report.weeks();
    let mondays: Vec<NaiveDate> = weeks.iter().map(|week| week.monday).collect();
    assert_eq!(
        mondays,
        [
            day(2026, 12, 28)?,
            day(2027, 1, 4)?,
            day(2027, 1, 11)?,
            day(2027, 1, 18)?,
            day(2027, 1, 25)?
        ]
    );
    let slot = |category| Category::ALL.iter().position(|c| *c == category).unwrap_or(0);
    assert_eq!(weeks[0].counts[slot(Category::Groceries)], 7);
    assert_eq!(weeks[1].counts.iter().sum::<usize>(), 0);
    assert_eq!(weeks[2].counts[slot(Category::Lift)], 3);
    // Seven taken in under an hour, one after two days.
    assert_eq!(report.waits(), [7, 0, 0, 1, 0]);
    assert_eq!(report.period_label(), "2027-01");
    assert_eq!(report.file_stem(), "chiffres-entraide-2027-01");

    // December ends at midnight in Paris: its last two requests only.
    let december = Period { start: day(2026, 12, 1)?, end: day(2027, 1, 1)? };
    let report = report_of(&fixture, Lang::Fr, december)?;
    assert_eq!(report.figures.requests, 2);
    assert_eq!(report.period_label(), "2026-12");
    let year = Period { start: day(2027, 1, 1)?, end: day(2028, 1, 1)? };
    let report = report_of(&fixture, Lang::En, year)?;
    assert_eq!(report.figures.requests, 10);
    assert_eq!(report.period_label(), "2027");
    assert_eq!(report.file_stem(), "entraide-figures-2027");
    Ok(())
}

#[tokio::test]
async fn no_output_shows_a_group_under_five_nor_a_text_or_an_id() -> TestResult {
    let fixture = fixture().await?;
    let texts = &fixture.texts;
    let report = report_of(&fixture, Lang::Fr, january()?)?;

    let csv = report.csv();
    let rows: Vec<Vec<&str>> =
        csv.split("\r\n").filter(|l| !l.is_empty()).map(|l| l.split(';').collect()).collect();
    assert_eq!(rows[0], ["indicateur", "détail", "valeur"]);
    assert!(rows.iter().all(|row| row.len() == 3), "{csv}");
    let value = |indicator: Key, detail: &str| {
        let indicator = texts.text(Lang::Fr, indicator, &[]);
        rows.iter().find(|row| row[0] == indicator && row[1] == detail).map(|row| row[2])
    };
    assert_eq!(value(Key::CsvRequests, ""), Some("10"));
    // Two requests in December, three lifts, one taken after days: small groups.
    assert_eq!(value(Key::CsvRequestsBefore, ""), Some("< 5"));
    assert_eq!(value(Key::CsvByCategory, "accompagnement, rendez-vous"), Some("< 5"));
    assert_eq!(value(Key::CsvByCategory, "courses"), Some("7"));
    assert_eq!(value(Key::CsvByCategory, "pharmacie"), Some("0"));
    assert_eq!(value(Key::CsvByCommune, "Saint-Martin"), Some("7"));
    assert_eq!(value(Key::CsvByNeighbourhood, "Bléré / Le Bourg"), Some("< 5"));
    assert_eq!(value(Key::CsvByState, "réalisée"), Some("6"));
    assert_eq!(value(Key::CsvClaimMedian, "minutes"), Some("30"));
    assert_eq!(value(Key::CsvCompletion, ""), Some("60 %"));
    assert_eq!(value(Key::CsvClaimWait, "moins d'1 h"), Some("7"));
    assert_eq!(value(Key::CsvClaimWait, "1 à 3 jours"), Some("< 5"));
    assert_eq!(value(Key::CsvWeek, "28/12/2026 / courses"), Some("7"));
    assert_eq!(value(Key::CsvWeek, "11/01/2027 / accompagnement, rendez-vous"), Some("< 5"));
    for (row, cells) in rows.iter().enumerate().skip(1) {
        let shown = cells[2];
        let small = shown.parse::<usize>().is_ok_and(|n| (1..5).contains(&n));
        assert!(
            !small || cells[0] == texts.text(Lang::Fr, Key::CsvClaimMedian, &[]),
            "row {row}: {cells:?}"
        );
    }

    let markdown = report.markdown("a.png", "a.csv");
    let notice = report.notice().plain;
    for text in [&csv, &markdown, &notice] {
        assert!(!text.contains("resident"), "{text}");
        assert!(!text.contains("Dupont") && !text.contains("06 12"), "{text}");
    }
    assert!(
        markdown.starts_with("# Entraide — Val-de-Loire : rapport du 01/01/2027 au 31/01/2027")
    );
    assert!(markdown.contains("![](a.png)"), "{markdown}");
    assert!(markdown.contains("- **Demandes :** 10"), "{markdown}");
    assert!(notice.contains("Saint-Martin : 7 (Les Tilleuls 7)"), "{notice}");
    Ok(())
}

#[tokio::test]
async fn the_chart_is_a_png_and_an_svg_with_french_text() -> TestResult {
    let fixture = fixture().await?;
    let report = report_of(&fixture, Lang::Fr, january()?)?;
    let png = report.png()?;
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let reader = decoder.read_info()?;
    assert_eq!((reader.info().width, reader.info().height), SIZE);
    let svg = report.svg()?;
    assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
    assert!(
        svg.contains("Délai avant qu&apos;un·e bénévole")
            || svg.contains("Délai avant qu'un·e bénévole")
    );
    assert!(svg.contains("Semaine du"));
    assert!(svg.contains("&lt; 5"), "the lifts' week is marked, not drawn to its height");
    // An empty period still draws.
    let empty = Period { start: day(2027, 3, 1)?, end: day(2027, 4, 1)? };
    let report = report_of(&fixture, Lang::En, empty)?;
    assert!(!report.png()?.is_empty());
    Ok(())
}
