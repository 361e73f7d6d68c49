//! Every user-visible message, in French and in English.
//!
//! The texts live in `locales/fr.toml` and `locales/en.toml`, compiled in; a commune may
//! override any of them with a file of its own ([`Catalogue::with_overrides`]). Templates
//! use `{name}` placeholders, `**bold**` and `` `code` `` markup, and line breaks.
//! [`Catalogue::render`] turns a template into a [`Message`] with a plain-text body and an
//! HTML body; arguments are escaped in the HTML body, so personal text can never inject
//! markup.

mod key;

use std::{collections::HashMap, str::FromStr};

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use strum::IntoEnumIterator;

pub use self::key::Key;
use crate::{
    Lang,
    reading::{Category, DayPart, Relation, Repeat, When},
};

/// A message ready to send: a plain-text body and its HTML form.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The plain-text body.
    pub plain: String,
    /// The HTML body.
    pub html: String,
}

impl Message {
    /// Joins messages line after line.
    pub fn lines(parts: impl IntoIterator<Item = Message>) -> Message {
        let mut out = Message::default();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                out.plain.push('\n');
                out.html.push_str("<br>");
            }
            out.plain.push_str(&part.plain);
            out.html.push_str(&part.html);
        }
        out
    }

    /// Joins messages paragraph after paragraph (a blank line between them).
    pub fn paragraphs(parts: impl IntoIterator<Item = Message>) -> Message {
        let mut out = Message::default();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                out.plain.push_str("\n\n");
                out.html.push_str("<br><br>");
            }
            out.plain.push_str(&part.plain);
            out.html.push_str(&part.html);
        }
        out
    }
}

const BUILTIN: [(Lang, &str); 2] = [
    (Lang::Fr, include_str!("../locales/fr.toml")),
    (Lang::En, include_str!("../locales/en.toml")),
];

/// Why a set of texts cannot be used. Each names the language and the key at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The file is not valid TOML.
    #[error("not a valid TOML file: {0}")]
    Syntax(String),
    /// A top-level table other than `[fr]` or `[en]` in a commune's file.
    #[error("unknown language [{0}]: expected [fr] or [en]")]
    UnknownLanguage(String),
    /// A name that is no message of the bot.
    #[error("[{lang}] unknown key `{key}`: the keys are those of the bot's locale files")]
    UnknownKey {
        /// The language's code.
        lang: &'static str,
        /// The key as written.
        key: String,
    },
    /// A value that is not a string.
    #[error("[{lang}] `{key}` must be a string")]
    NotText {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
    },
    /// A built-in locale file lacks a key.
    #[error("[{lang}] `{key}` is missing")]
    Missing {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
    },
    /// A text does not use the placeholders its message is given.
    #[error("[{lang}] `{key}` must use the placeholders {expected:?}, found {found:?}")]
    Placeholders {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
        /// The placeholders the bot fills in.
        expected: Vec<String>,
        /// The placeholders the text uses.
        found: Vec<String>,
    },
    /// Unbalanced `**` or `` ` `` markup.
    #[error("[{lang}] `{key}` has unbalanced ** or ` markup")]
    Markup {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
    },
}

/// Every text the bot says, in both languages: the built-in texts, with a commune's
/// overrides applied.
#[derive(Debug, Clone)]
pub struct Catalogue {
    templates: HashMap<(Lang, Key), String>,
}

impl Catalogue {
    /// The texts compiled in from `locales/*.toml`, checked: every key in both languages,
    /// the same placeholders in both, balanced markup.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        let mut templates = HashMap::new();
        for (lang, source) in BUILTIN {
            let table: toml::Table = source
                .parse()
                .map_err(|e: toml::de::Error| CatalogueError::Syntax(e.to_string()))?;
            for (name, value) in &table {
                let (key, template) = entry(lang, name, value)?;
                templates.insert((lang, key), template);
            }
            if let Some(key) = Key::iter().find(|key| !templates.contains_key(&(lang, *key))) {
                return Err(CatalogueError::Missing { lang: lang.code(), key: key.name() });
            }
        }
        let catalogue = Catalogue { templates };
        for key in Key::iter() {
            catalogue.check_placeholders(Lang::En, key, catalogue.template(Lang::En, key))?;
        }
        Ok(catalogue)
    }

    /// These texts with a commune's overrides: a TOML file with a `[fr]` and / or an
    /// `[en]` table, each overriding any subset of keys with the same placeholders.
    pub fn with_overrides(mut self, text: &str) -> Result<Catalogue, CatalogueError> {
        let file: toml::Table =
            text.parse().map_err(|e: toml::de::Error| CatalogueError::Syntax(e.to_string()))?;
        for (section, table) in &file {
            let lang = Lang::ALL
                .into_iter()
                .find(|lang| lang.code() == section)
                .ok_or_else(|| CatalogueError::UnknownLanguage(section.clone()))?;
            let toml::Value::Table(table) = table else {
                return Err(CatalogueError::UnknownLanguage(section.clone()));
            };
            for (name, value) in table {
                let (key, template) = entry(lang, name, value)?;
                self.check_placeholders(lang, key, &template)?;
                self.templates.insert((lang, key), template);
            }
        }
        Ok(self)
    }

    /// Fails unless `template` uses exactly the placeholders of `key` in French, the
    /// reference: the bot fills in those and no others.
    fn check_placeholders(
        &self,
        lang: Lang,
        key: Key,
        template: &str,
    ) -> Result<(), CatalogueError> {
        let expected = placeholders(self.template(Lang::Fr, key));
        let found = placeholders(template);
        if expected == found {
            return Ok(());
        }
        let owned = |names: Vec<&str>| names.into_iter().map(str::to_owned).collect();
        Err(CatalogueError::Placeholders {
            lang: lang.code(),
            key: key.name(),
            expected: owned(expected),
            found: owned(found),
        })
    }

    /// The raw template of `key` in `lang`.
    pub fn template(&self, lang: Lang, key: Key) -> &str {
        // Every key is there in both languages: `builtin` checked it.
        self.templates.get(&(lang, key)).map_or("?", String::as_str)
    }

    /// Renders `key` in `lang` with its `{name}` placeholders replaced by `args`.
    pub fn render(&self, lang: Lang, key: Key, args: &[(&str, &str)]) -> Message {
        render_template(self.template(lang, key), args)
    }

    /// The plain text of `key` in `lang`, for names and short fragments.
    pub fn text(&self, lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
        self.render(lang, key, args).plain
    }

    /// `key` in `lang` as Markdown (the catalogue's own markup), its `{name}`
    /// placeholders replaced by `args`: for documents a person pastes elsewhere.
    pub fn markdown(&self, lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
        let mut out = self.template(lang, key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// How often a request repeats, as a sentence fragment ("chaque semaine").
    pub fn repeat(&self, lang: Lang, repeat: Repeat) -> String {
        let key = match repeat {
            Repeat::Daily => Key::RepeatDaily,
            Repeat::Weekly => Key::RepeatWeekly,
            Repeat::Fortnightly => Key::RepeatFortnightly,
            Repeat::Monthly => Key::RepeatMonthly,
        };
        self.text(lang, key, &[])
    }

    /// A campaign's name as messages say it ("canicule"; a free name as written).
    pub fn campaign(&self, lang: Lang, kind: &crate::CampaignKind) -> String {
        let key = match kind {
            crate::CampaignKind::Heatwave => Key::CampaignHeatwave,
            crate::CampaignKind::Cold => Key::CampaignCold,
            crate::CampaignKind::Routine => Key::CampaignRoutine,
            crate::CampaignKind::Named(name) => return name.clone(),
        };
        self.text(lang, key, &[])
    }

    /// A category's name in `lang`.
    pub fn category(&self, lang: Lang, category: Category) -> String {
        let key = match category {
            Category::Groceries => Key::CatGroceries,
            Category::Pharmacy => Key::CatPharmacy,
            Category::Lift => Key::CatLift,
            Category::Visit => Key::CatVisit,
            Category::Repairs => Key::CatRepairs,
            Category::Paperwork => Key::CatPaperwork,
            Category::Digital => Key::CatDigital,
            Category::Other => Key::CatOther,
        };
        self.text(lang, key, &[])
    }

    /// Who the help is for, as a fragment to append (empty when the person asks for
    /// themself).
    pub fn behalf(&self, lang: Lang, relation: Option<Relation>) -> String {
        let Some(relation) = relation else {
            return String::new();
        };
        let key = match relation {
            Relation::Mother => Key::RelMother,
            Relation::Father => Key::RelFather,
            Relation::Parents => Key::RelParents,
            Relation::Grandmother => Key::RelGrandmother,
            Relation::Grandfather => Key::RelGrandfather,
            Relation::Grandparents => Key::RelGrandparents,
            Relation::Neighbour => Key::RelNeighbour,
            Relation::Family => Key::RelFamily,
            Relation::Someone => Key::RelSomeone,
        };
        self.text(lang, Key::Behalf, &[("relation", &self.text(lang, key, &[]))])
    }

    /// When the help is wanted, relative to `today` (both in the community's time zone).
    pub fn when(&self, lang: Lang, when: When, today: NaiveDate) -> String {
        let When::On { date, time, part } = when else {
            return self.text(lang, Key::WhenAsap, &[]);
        };
        // "ce soir", not "aujourd'hui soir".
        let this_part = match part {
            Some(DayPart::Morning) => Key::WhenThisMorning,
            Some(DayPart::Afternoon) => Key::WhenThisAfternoon,
            Some(DayPart::Evening) => Key::WhenThisEvening,
            None => Key::WhenToday,
        };
        let part = part.filter(|_| date != today);
        let mut out = if date == today {
            self.text(lang, this_part, &[])
        } else if today.succ_opt() == Some(date) {
            self.text(lang, Key::WhenTomorrow, &[])
        } else {
            let date_text = format!("{:02}/{:02}", date.day(), date.month());
            self.text(
                lang,
                Key::WhenDate,
                &[("weekday", &self.weekday(lang, date.weekday())), ("date", &date_text)],
            )
        };
        if let Some(part) = part {
            let key = match part {
                DayPart::Morning => Key::PartMorning,
                DayPart::Afternoon => Key::PartAfternoon,
                DayPart::Evening => Key::PartEvening,
            };
            out.push(' ');
            out.push_str(&self.text(lang, key, &[]));
        }
        if let Some(time) = time {
            out.push(' ');
            out.push_str(&self.text(lang, Key::WhenTime, &[("time", &clock(lang, time))]));
        }
        out
    }

    fn weekday(&self, lang: Lang, day: Weekday) -> String {
        let key = match day {
            Weekday::Mon => Key::DayMon,
            Weekday::Tue => Key::DayTue,
            Weekday::Wed => Key::DayWed,
            Weekday::Thu => Key::DayThu,
            Weekday::Fri => Key::DayFri,
            Weekday::Sat => Key::DaySat,
            Weekday::Sun => Key::DaySun,
        };
        self.text(lang, key, &[])
    }

    /// A duration in minutes, hours or days, whichever reads best.
    pub fn age(&self, lang: Lang, minutes: i64) -> String {
        let minutes = minutes.max(0);
        let (key, n) = if minutes < 60 {
            (Key::AgeMinutes, minutes)
        } else if minutes < 48 * 60 {
            (Key::AgeHours, minutes / 60)
        } else {
            (Key::AgeDays, minutes / (24 * 60))
        };
        self.text(lang, key, &[("n", &n.to_string())])
    }
}

/// One `key = "text"` line of a locale file, checked.
fn entry(lang: Lang, name: &str, value: &toml::Value) -> Result<(Key, String), CatalogueError> {
    let key = Key::from_str(name)
        .map_err(|_| CatalogueError::UnknownKey { lang: lang.code(), key: name.to_owned() })?;
    let toml::Value::String(template) = value else {
        return Err(CatalogueError::NotText { lang: lang.code(), key: key.name() });
    };
    if template.matches("**").count() % 2 != 0 || template.matches('`').count() % 2 != 0 {
        return Err(CatalogueError::Markup { lang: lang.code(), key: key.name() });
    }
    Ok((key, template.clone()))
}

/// Renders a text written with the catalogue's markup (`**bold**`, `` `code` ``, line
/// breaks) that is no template of the catalogue: a commune's file, for instance.
pub fn render_markup(text: &str) -> Message {
    render_template(text, &[])
}

/// Renders a template: `{name}` placeholders replaced by `args` (left visible when no
/// argument has that name), markup turned into HTML in the HTML body.
fn render_template(template: &str, args: &[(&str, &str)]) -> Message {
    let mut plain = String::with_capacity(template.len());
    let mut html = String::with_capacity(template.len());
    let mut bold = false;
    let mut code = false;
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**") {
            html.push_str(if bold { "</b>" } else { "<b>" });
            bold = !bold;
            rest = after;
            continue;
        }
        if c == '`' {
            // Plain bodies keep the backticks: readers of plain text know them as code.
            plain.push(c);
            html.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
        } else if c == '\n' {
            plain.push('\n');
            html.push_str("<br>");
        } else if c == '{' {
            if let Some(end) = rest.find('}') {
                let name = &rest[1..end];
                if let Some((_, value)) = args.iter().find(|(n, _)| *n == name) {
                    plain.push_str(value);
                    html.push_str(&escape(value));
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            plain.push(c);
            html.push(c);
        } else {
            plain.push(c);
            push_escaped(&mut html, c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Message { plain, html }
}

/// Escapes text for an HTML body.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\n' => out.push_str("<br>"),
        c => out.push(c),
    }
}

/// The placeholders a template uses, for tests and checks.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        names.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    names.sort_unstable();
    names.dedup();
    names
}

fn clock(lang: Lang, time: NaiveTime) -> String {
    match (lang, time.minute()) {
        (Lang::Fr, 0) => format!("{}h", time.hour()),
        (Lang::Fr, m) => format!("{}h{m:02}", time.hour()),
        (Lang::En, m) => format!("{}:{m:02}", time.hour()),
    }
}

#[cfg(test)]
mod tests;
