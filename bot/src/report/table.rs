//! The figures as one CSV table, a row per figure (indicator, detail, value), so that a
//! spreadsheet can filter and pivot it. French spreadsheets read `;`-separated files,
//! English ones `,`.

use entraide_commands::{AgeBand, Category, Gender, Key, Lang};
use entraide_storage::SMALL;

use super::{Report, WAIT_KEYS, age_key, gender_key, share, shown};

/// The table, header first, lines ended by CRLF (RFC 4180).
pub(super) fn csv(report: &Report<'_>) -> String {
    let separator = match report.lang {
        Lang::Fr => ';',
        Lang::En => ',',
    };
    let mut rows: Vec<[String; 3]> = Vec::new();
    let mut row = |indicator: Key, detail: String, value: String| {
        rows.push([report.text(indicator, &[]), detail, value]);
    };
    let figures = &report.figures;
    let (from, to) = report.bounds();
    row(Key::CsvPeriod, from, to);
    row(Key::CsvRequests, String::new(), shown(figures.requests));
    row(Key::CsvRequestsBefore, String::new(), shown(figures.requests_before));
    let state = figures.by_state;
    for (key, count) in [
        (Key::StateOpen, state.open),
        (Key::StateClaimed, state.claimed),
        (Key::StateDone, state.done),
        (Key::StateCancelled, state.cancelled),
        (Key::StateExpired, state.expired),
    ] {
        row(Key::CsvByState, report.text(key, &[]), shown(count));
    }
    for category in Category::ALL {
        let count = figures.by_category.get(&category).copied().unwrap_or(0);
        row(Key::CsvByCategory, report.texts.category(report.lang, category), shown(count));
    }
    let nowhere = report.text(Key::StatsNoNeighbourhood, &[]);
    for (commune, counts) in &figures.by_commune {
        row(Key::CsvByCommune, commune.clone(), shown(counts.requests));
        for (name, count) in &counts.neighbourhoods {
            let name = name.as_deref().unwrap_or(&nowhere);
            row(Key::CsvByNeighbourhood, format!("{commune} / {name}"), shown(*count));
        }
    }
    row(Key::CsvBeneficiaries, String::new(), shown(figures.beneficiaries));
    row(Key::CsvBeneficiariesBefore, String::new(), shown(figures.beneficiaries_before));
    row(Key::CsvOnBehalf, String::new(), share(figures.on_behalf, figures.requests));
    row(Key::CsvByPhone, String::new(), share(figures.by_phone, figures.requests));
    let volunteers = figures.volunteers;
    for (key, count) in [
        (Key::CsvSigned, volunteers.signed),
        (Key::CsvVetted, volunteers.vetted),
        (Key::CsvPaused, volunteers.paused),
        (Key::CsvActive, volunteers.active),
    ] {
        row(Key::CsvVolunteers, report.text(key, &[]), shown(count));
    }
    let minutes = report.text(Key::CsvMinutes, &[]);
    let wait = |value: Option<i64>| value.map_or_else(|| "—".to_owned(), |m| m.to_string());
    row(Key::CsvClaimMedian, minutes.clone(), wait(figures.claim_median()));
    row(Key::CsvClaimP90, minutes, wait(figures.claim_p90()));
    row(Key::CsvCompletion, String::new(), share(state.done, figures.requests));
    row(Key::CsvDoneBefore, String::new(), shown(figures.done_before));
    let load = figures.load;
    for (key, count) in
        [(Key::CsvOnce, load.once), (Key::CsvFew, load.few), (Key::CsvMany, load.many)]
    {
        row(Key::CsvLoad, report.text(key, &[]), shown(count));
    }
    for week in report.weeks() {
        let monday = report.day(week.monday);
        for (category, count) in Category::ALL.iter().zip(week.counts) {
            let detail = format!("{monday} / {}", report.texts.category(report.lang, *category));
            row(Key::CsvWeek, detail, shown(count));
        }
    }
    for (key, count) in WAIT_KEYS.iter().zip(report.waits()) {
        row(Key::CsvClaimWait, report.text(*key, &[]), shown(count));
    }
    for (indicator, group) in [
        (Key::CsvProfileBeneficiaries, &figures.declared_beneficiaries),
        (Key::CsvProfileVolunteers, &figures.declared_volunteers),
    ] {
        if group.answered == 0 {
            continue;
        }
        row(indicator, String::new(), shown(group.answered));
        // The detail only for a group of five or more: else it would be the people.
        if group.answered < SMALL {
            continue;
        }
        for gender in Gender::ALL {
            let count = group.by_gender.get(&gender).copied().unwrap_or(0);
            row(indicator, report.text(gender_key(gender), &[]), shown(count));
        }
        for age in AgeBand::ALL {
            let count = group.by_age.get(&age).copied().unwrap_or(0);
            row(indicator, report.text(age_key(age), &[]), shown(count));
        }
    }

    let header =
        [Key::CsvIndicator, Key::CsvDetail, Key::CsvValue].map(|key| report.text(key, &[]));
    let mut out = String::new();
    for fields in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = fields.iter().map(|field| cell(field, separator)).collect();
        out.push_str(&cells.join(&separator.to_string()));
        out.push_str("\r\n");
    }
    out
}

/// A field, quoted when it holds the separator, a quote or a line break.
fn cell(field: &str, separator: char) -> String {
    if field.contains([separator, '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}
