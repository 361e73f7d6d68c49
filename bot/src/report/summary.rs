//! The lines of the figures' notice, each a catalogue key and its arguments: rendered for
//! chat by [`Report::notice`], as Markdown for the council's minutes by [`markdown`].

use entraide_commands::{AgeBand, Category, Gender, Key};
use entraide_storage::{Declared, SMALL};

use super::{Report, age_key, change, gender_key, share, shown};

/// One line of the notice.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// Its text.
    pub key: Key,
    /// Its placeholders' values.
    pub values: Vec<(&'static str, String)>,
}

impl Line {
    fn new(key: Key, values: Vec<(&'static str, String)>) -> Line {
        Line { key, values }
    }

    /// The values as the catalogue takes them.
    pub fn args(&self) -> Vec<(&str, &str)> {
        self.values.iter().map(|(name, value)| (*name, value.as_str())).collect()
    }
}

impl Report<'_> {
    /// The notice's lines, header first.
    pub(super) fn summary(&self) -> Vec<Line> {
        let figures = &self.figures;
        let (from, to) = self.bounds();
        let mut lines = vec![Line::new(
            Key::StatsHeader,
            vec![("community", self.community.to_owned()), ("from", from), ("to", to)],
        )];
        let state = figures.by_state;
        lines.push(Line::new(
            Key::StatsRequests,
            vec![
                ("total", shown(figures.requests)),
                ("change", change(figures.requests, figures.requests_before)),
                ("open", shown(state.open)),
                ("claimed", shown(state.claimed)),
                ("done", shown(state.done)),
                ("cancelled", shown(state.cancelled)),
                ("expired", shown(state.expired)),
            ],
        ));
        if figures.requests == 0 {
            lines.push(Line::new(Key::StatsNothing, vec![]));
        } else {
            let categories: Vec<String> = Category::ALL
                .iter()
                .filter_map(|category| {
                    let count = *figures.by_category.get(category)?;
                    Some(format!("{} {}", self.texts.category(self.lang, *category), shown(count)))
                })
                .collect();
            lines.push(Line::new(Key::StatsCategories, vec![("list", categories.join(", "))]));
            for (commune, counts) in &figures.by_commune {
                let places: Vec<String> = counts
                    .neighbourhoods
                    .iter()
                    .map(|(name, count)| {
                        let name = name
                            .clone()
                            .unwrap_or_else(|| self.text(Key::StatsNoNeighbourhood, &[]));
                        format!("{name} {}", shown(*count))
                    })
                    .collect();
                lines.push(Line::new(
                    Key::StatsCommune,
                    vec![
                        ("commune", commune.clone()),
                        ("total", shown(counts.requests)),
                        ("list", places.join(", ")),
                    ],
                ));
            }
        }
        lines.push(Line::new(
            Key::StatsPeople,
            vec![
                ("beneficiaries", shown(figures.beneficiaries)),
                ("change", change(figures.beneficiaries, figures.beneficiaries_before)),
                ("behalf", share(figures.on_behalf, figures.requests)),
                ("phone", share(figures.by_phone, figures.requests)),
            ],
        ));
        let volunteers = figures.volunteers;
        lines.push(Line::new(
            Key::StatsVolunteers,
            vec![
                ("signed", shown(volunteers.signed)),
                ("vetted", shown(volunteers.vetted)),
                ("paused", shown(volunteers.paused)),
                ("active", shown(volunteers.active)),
            ],
        ));
        match (figures.claim_median(), figures.claim_p90()) {
            (Some(median), Some(p90)) => lines.push(Line::new(
                Key::StatsClaim,
                vec![
                    ("median", self.texts.age(self.lang, median)),
                    ("p90", self.texts.age(self.lang, p90)),
                ],
            )),
            _ => lines.push(Line::new(Key::StatsClaimFew, vec![])),
        }
        lines.push(Line::new(
            Key::StatsCompletion,
            vec![
                ("rate", share(state.done, figures.requests)),
                ("done_change", change(state.done, figures.done_before)),
            ],
        ));
        let load = figures.load;
        lines.push(Line::new(
            Key::StatsLoad,
            vec![("once", shown(load.once)), ("few", shown(load.few)), ("many", shown(load.many))],
        ));
        let (helped, volunteers) = (&figures.declared_beneficiaries, &figures.declared_volunteers);
        if helped.answered + volunteers.answered > 0 {
            lines.push(Line::new(
                Key::StatsProfile,
                vec![
                    ("beneficiaries", self.declared(helped)),
                    ("volunteers", self.declared(volunteers)),
                ],
            ));
        }
        lines.push(Line::new(Key::StatsSmall, vec![]));
        lines
    }
}

impl Report<'_> {
    /// What a group declared, as a fragment: how many answered, then by gender and by
    /// age band; a group of fewer than five is "< 5", without the detail.
    fn declared(&self, group: &Declared) -> String {
        if group.answered < SMALL {
            return shown(group.answered);
        }
        let genders: Vec<String> = Gender::ALL
            .iter()
            .map(|gender| {
                let count = group.by_gender.get(gender).copied().unwrap_or(0);
                format!("{} {}", self.text(gender_key(*gender), &[]), shown(count))
            })
            .collect();
        let ages: Vec<String> = AgeBand::ALL
            .iter()
            .map(|age| {
                let count = group.by_age.get(age).copied().unwrap_or(0);
                format!("{} {}", self.text(age_key(*age), &[]), shown(count))
            })
            .collect();
        format!("{} — {} · {}", group.answered, genders.join(", "), ages.join(", "))
    }
}

/// The summary as Markdown: a title, the notice's lines as a list, the chart, and where
/// the table is.
pub(super) fn markdown(report: &Report<'_>, chart_file: &str, table_file: &str) -> String {
    let texts = report.texts;
    let lang = report.lang;
    let (from, to) = report.bounds();
    let mut out = texts.markdown(
        lang,
        Key::ReportMdTitle,
        &[("community", report.community), ("from", &from), ("to", &to)],
    );
    out.push_str("\n\n");
    let lines = report.summary();
    let (note, body) = lines.split_last().map_or((None, &lines[..]), |(l, b)| (Some(l), b));
    // The header is the title already.
    for line in body.iter().skip(1) {
        out.push_str("- ");
        out.push_str(&texts.markdown(lang, line.key, &line.args()));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&format!("![]({chart_file})\n\n"));
    out.push_str(&texts.markdown(lang, Key::ReportMdChart, &[("file", chart_file)]));
    out.push_str("  \n");
    out.push_str(&texts.markdown(lang, Key::ReportMdTable, &[("file", table_file)]));
    out.push_str("\n\n");
    if let Some(note) = note {
        out.push_str(&texts.markdown(lang, note.key, &note.args()));
        out.push('\n');
    }
    out
}
