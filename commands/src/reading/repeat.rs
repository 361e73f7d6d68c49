//! Whether a request repeats, and how often ([`Repeat`]).

use chrono::{Days, Months, NaiveDate};
use lazy_regex::{Lazy, Regex, lazy_regex};

use crate::fold::prepare;

/// How often a request repeats ("chaque mardi", "every week"): each occurrence is a
/// request of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Repeat {
    /// Every day.
    Daily,
    /// Every week, on the same day.
    Weekly,
    /// Every other week.
    Fortnightly,
    /// Every month, on the same day of the month (the last day when it is shorter).
    Monthly,
}

impl Repeat {
    /// Every rhythm, in display order.
    pub const ALL: [Repeat; 4] =
        [Repeat::Daily, Repeat::Weekly, Repeat::Fortnightly, Repeat::Monthly];

    /// The occurrence after the one on `date`.
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Repeat::Daily => date.checked_add_days(Days::new(1)),
            Repeat::Weekly => date.checked_add_days(Days::new(7)),
            Repeat::Fortnightly => date.checked_add_days(Days::new(14)),
            Repeat::Monthly => date.checked_add_months(Months::new(1)),
        }
    }
}

/// "un mardi sur deux", "toutes les deux semaines", "every other Tuesday", "fortnightly".
static FORTNIGHTLY: Lazy<Regex> = lazy_regex!(
    r"\b(?:un (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s? sur deux|(?:toutes les|chaque) (?:deux|2) semaines|tous les (?:quinze|15) jours|every (?:other|second) (?:week|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?)|every (?:two|2) weeks|fortnightly|bi-?weekly)\b"
);

/// "chaque mardi", "tous les mardis", "toutes les semaines", "every Tuesday", "on
/// Tuesdays", "weekly".
static WEEKLY: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?:chaque|tous les|toutes les) (?:semaines?|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?)|hebdomadaire(?:s|ment)?|(?:every|each) (?:week|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?)|on (?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)|weekly)\b"
);

/// "tous les jours", "chaque jour", "every day", "daily".
static DAILY: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?:chaque|tous les) (?:jours?|matins?|soirs?)|quotidien(?:ne)?(?:s|ment)?|(?:every|each) ?(?:day|morning|evening|night)|daily|nightly)\b"
);

/// "tous les mois", "chaque mois", "every month", "monthly".
static MONTHLY: Lazy<Regex> = lazy_regex!(
    r"\b(?:(?:chaque|tous les) mois|mensuel(?:le)?(?:s|ment)?|(?:every|each) month|monthly)\b"
);

/// Whether a request's free text asks for it to repeat, and how often.
pub fn read_repeat(text: &str) -> Option<Repeat> {
    let text = prepare(text);
    [
        (&*FORTNIGHTLY, Repeat::Fortnightly),
        (&*WEEKLY, Repeat::Weekly),
        (&*DAILY, Repeat::Daily),
        (&*MONTHLY, Repeat::Monthly),
    ]
    .into_iter()
    .find_map(|(pattern, repeat)| pattern.is_match(&text).then_some(repeat))
}
