//! The optional profile a person may declare for the commune's figures (`!profil`): an
//! age band and a gender, each optional, read from what people write ("78 ans, femme",
//! "75-84 woman", "homme", "plus de 85"). No I/O.

use serde::{Deserialize, Serialize};

use crate::fold::fold;

/// An age band, as the figures group people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// Under 30.
    Under30,
    /// 30 to 59.
    From30To59,
    /// 60 to 74.
    From60To74,
    /// 75 to 84.
    From75To84,
    /// 85 and over.
    From85,
}

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; 5] = [
        AgeBand::Under30,
        AgeBand::From30To59,
        AgeBand::From60To74,
        AgeBand::From75To84,
        AgeBand::From85,
    ];

    /// The band of an age in years.
    pub fn of(years: u32) -> AgeBand {
        match years {
            0..30 => AgeBand::Under30,
            30..60 => AgeBand::From30To59,
            60..75 => AgeBand::From60To74,
            75..85 => AgeBand::From75To84,
            _ => AgeBand::From85,
        }
    }

    /// Its first and last years (`None`: no upper bound).
    fn bounds(self) -> (u32, Option<u32>) {
        match self {
            AgeBand::Under30 => (0, Some(29)),
            AgeBand::From30To59 => (30, Some(59)),
            AgeBand::From60To74 => (60, Some(74)),
            AgeBand::From75To84 => (75, Some(84)),
            AgeBand::From85 => (85, None),
        }
    }
}

/// A gender, as the person declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// A woman.
    Woman,
    /// A man.
    Man,
    /// Another answer.
    Other,
}

impl Gender {
    /// Every answer, in the order the figures list them.
    pub const ALL: [Gender; 3] = [Gender::Woman, Gender::Man, Gender::Other];
}

/// What a person declared: either part may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profile {
    /// Their age band.
    pub age: Option<AgeBand>,
    /// Their gender.
    pub gender: Option<Gender>,
}

/// What `!profil` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileAnswer {
    /// Show what is kept.
    Show,
    /// Keep this (it replaces what was kept).
    Set(Profile),
    /// Keep nothing.
    Clear,
}

/// Reads `!profil`'s arguments; `None` when they are not understood (the person gets the
/// usage line and nothing changes).
pub fn read_profile(args: &str) -> Option<ProfileAnswer> {
    let text = fold(args);
    let text = text.trim().trim_end_matches(['.', '!']);
    if text.is_empty() {
        return Some(ProfileAnswer::Show);
    }
    if matches!(
        text,
        "aucun"
            | "rien"
            | "effacer"
            | "efface"
            | "supprimer"
            | "none"
            | "nothing"
            | "delete"
            | "clear"
            | "erase"
    ) {
        return Some(ProfileAnswer::Clear);
    }
    let mut profile = Profile::default();
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/'))
        .filter(|word| !word.is_empty())
        .collect();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let next = words.get(i + 1).copied();
        i += 1;
        if let Some(gender) = gender(word) {
            if profile.gender.replace(gender).is_some_and(|before| before != gender) {
                return None;
            }
            continue;
        }
        if FILLERS.contains(word) {
            continue;
        }
        // "plus de 85", "over 85", "moins de 30", "under 30".
        let bound = match *word {
            "plus" | "over" | "above" => Some(true),
            "moins" | "under" | "below" => Some(false),
            _ => None,
        };
        if let Some(above) = bound {
            let number = match next {
                Some("de" | "d") => {
                    i += 1;
                    words.get(i).copied()
                }
                other => other,
            };
            i += 1;
            let years = years(number?)?;
            let band = if above { AgeBand::of(years) } else { AgeBand::of(years.checked_sub(1)?) };
            set_age(&mut profile, band)?;
            continue;
        }
        set_age(&mut profile, age(word)?)?;
    }
    (profile != Profile::default()).then_some(ProfileAnswer::Set(profile))
}

/// Words that say nothing of the answer ("j'ai 78 ans", "I am a woman").
const FILLERS: [&str; 16] = [
    "j'ai", "jai", "ai", "ans", "an", "je", "suis", "une", "un", "et", "i", "am", "a", "and",
    "years", "old",
];

fn set_age(profile: &mut Profile, band: AgeBand) -> Option<()> {
    match profile.age.replace(band) {
        Some(before) if before != band => None,
        _ => Some(()),
    }
}

fn gender(word: &str) -> Option<Gender> {
    match word {
        "femme" | "f" | "feminin" | "woman" | "female" | "w" => Some(Gender::Woman),
        "homme" | "h" | "masculin" | "man" | "male" | "m" => Some(Gender::Man),
        "autre" | "non-binaire" | "nonbinaire" | "other" | "non-binary" | "nonbinary" => {
            Some(Gender::Other)
        }
        _ => None,
    }
}

/// An age in years ("78", "78ans"), within what a person may be.
fn years(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches("ans").trim_end_matches("an").trim_end_matches('+');
    let years: u32 = digits.parse().ok()?;
    (years <= 120).then_some(years)
}

/// An age or a band: "78", "85+", "75-84" (a range must be one band's bounds or within
/// one band).
fn age(word: &str) -> Option<AgeBand> {
    if let Some((low, high)) = word.split_once(['-', '–', '_']) {
        let (low, high) = (years(low)?, years(high)?);
        let band = AgeBand::of(low);
        let (_, last) = band.bounds();
        return (low <= high && last.is_none_or(|last| high <= last)).then_some(band);
    }
    years(word).map(AgeBand::of)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn set(age: Option<AgeBand>, gender: Option<Gender>) -> Option<ProfileAnswer> {
        Some(ProfileAnswer::Set(Profile { age, gender }))
    }

    #[test]
    fn what_people_write_is_read() {
        use AgeBand::*;
        use Gender::*;
        let table = [
            ("", Some(ProfileAnswer::Show)),
            ("aucun", Some(ProfileAnswer::Clear)),
            ("Effacer.", Some(ProfileAnswer::Clear)),
            ("delete", Some(ProfileAnswer::Clear)),
            ("78 ans, femme", set(Some(From75To84), Some(Woman))),
            ("j'ai 78 ans et je suis une femme", set(Some(From75To84), Some(Woman))),
            ("femme 78", set(Some(From75To84), Some(Woman))),
            ("Homme", set(None, Some(Man))),
            ("H 45", set(Some(From30To59), Some(Man))),
            ("75-84", set(Some(From75To84), None)),
            ("75–84 femme", set(Some(From75To84), Some(Woman))),
            ("60-74 autre", set(Some(From60To74), Some(Other))),
            ("plus de 85", set(Some(From85), None)),
            ("85+", set(Some(From85), None)),
            ("moins de 30 ans", set(Some(Under30), None)),
            ("non-binaire", set(None, Some(Other))),
            ("woman, 81", set(Some(From75To84), Some(Woman))),
            ("I am a man and 67 years old", set(Some(From60To74), Some(Man))),
            ("over 85", set(Some(From85), None)),
            ("under 30 female", set(Some(Under30), Some(Woman))),
            ("90", set(Some(From85), None)),
            ("29", set(Some(Under30), None)),
            ("30", set(Some(From30To59), None)),
            // Not understood: nothing changes.
            ("femme homme", None),
            ("78 45", None),
            ("60-90", None),
            ("200", None),
            ("vieux", None),
            ("bientôt 80", None),
            ("ans", None),
            ("plus de", None),
        ];
        for (text, expected) in table {
            assert_eq!(read_profile(text), expected, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,80}") {
            let _ = read_profile(&text);
        }

        #[test]
        fn any_age_lands_in_its_band(years in 0u32..=120) {
            let band = AgeBand::of(years);
            let (first, last) = band.bounds();
            prop_assert!(first <= years && last.is_none_or(|last| years <= last));
            prop_assert_eq!(read_profile(&format!("{years} ans")), set(Some(band), None));
        }
    }
}
