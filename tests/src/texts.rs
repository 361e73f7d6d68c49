//! What tests expect the bot to say, built from its catalogue rather than written out:
//! a change of wording in the locale files breaks no test.

use std::collections::HashMap;

use anyhow::{Context as _, Result};
use entraide_commands::{Catalogue, Key, Lang};
use regex::Regex;

use crate::Seen;

/// The bot's texts, as the bot under test has them (with a commune's overrides, if any).
#[derive(Debug, Clone)]
pub struct Texts {
    catalogue: Catalogue,
}

impl Texts {
    /// The built-in texts.
    pub fn builtin() -> Result<Texts> {
        Ok(Texts { catalogue: Catalogue::builtin()? })
    }

    /// The built-in texts with a commune's overrides (the content of its file).
    pub fn with_overrides(overrides: &str) -> Result<Texts> {
        Ok(Texts { catalogue: Catalogue::builtin()?.with_overrides(overrides)? })
    }

    /// The catalogue itself.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The plain text of `key` in `lang` with `args`.
    pub fn text(&self, lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
        self.catalogue.text(lang, key, args)
    }

    /// The values of the placeholders if `text` is `key` in `lang`, `None` if it is not.
    /// Placeholders match any text; the rest must be exactly the catalogue's.
    pub fn args(&self, lang: Lang, key: Key, text: &str) -> Option<HashMap<String, String>> {
        let pattern = pattern(&self.catalogue.text(lang, key, &[]));
        let captures = pattern.regex.captures(text)?;
        Some(
            pattern
                .names
                .iter()
                .filter_map(|name| Some((name.clone(), captures.name(name)?.as_str().to_owned())))
                .collect(),
        )
    }

    /// [`Texts::args`] of `text`, or of some of its paragraphs in a row: the bot says
    /// several things in one message where a message of their own would cost a turn
    /// under rate limits (a first request's confirmation carries the notice on personal
    /// data).
    pub fn args_within(&self, lang: Lang, key: Key, text: &str) -> Option<HashMap<String, String>> {
        // The fewest paragraphs first: a placeholder must not reach over into the next.
        let paragraphs: Vec<&str> = text.split("\n\n").collect();
        (1..=paragraphs.len()).find_map(|size| {
            paragraphs.windows(size).find_map(|these| self.args(lang, key, &these.join("\n\n")))
        })
    }

    /// Whether `text` is `key` in `lang` (with any arguments), exactly.
    pub fn is(&self, lang: Lang, key: Key, text: &str) -> bool {
        self.args(lang, key, text).is_some()
    }

    /// Whether `text` is, or has paragraphs that are, `key` in `lang` with `name` set to
    /// `value`.
    pub fn is_with(&self, lang: Lang, key: Key, text: &str, name: &str, value: &str) -> bool {
        self.args_within(lang, key, text)
            .is_some_and(|args| args.get(name).is_some_and(|v| v == value))
    }

    /// Whether `text` is `key` in `lang` about request `number`.
    pub fn is_about(&self, lang: Lang, key: Key, text: &str, number: u64) -> bool {
        self.is_with(lang, key, text, "number", &number.to_string())
    }

    /// Whether a message the bot sent is, or has paragraphs that are, `key` in `lang`.
    pub fn says(&self, seen: &Seen, lang: Lang, key: Key) -> bool {
        self.args_within(lang, key, seen.text()).is_some()
    }

    /// The request number in `text`, when it is (or has paragraphs that are) `key` in
    /// `lang`.
    pub fn number(&self, lang: Lang, key: Key, text: &str) -> Result<u64> {
        let args = self
            .args_within(lang, key, text)
            .with_context(|| format!("{text:?} is not {key:?}"))?;
        let number = args.get("number").with_context(|| format!("{key:?} has no number"))?;
        Ok(number.parse()?)
    }
}

struct Pattern {
    regex: Regex,
    names: Vec<String>,
}

/// A template's plain text (placeholders left as `{name}`) as an anchored regex.
fn pattern(template: &str) -> Pattern {
    let mut regex = String::from("(?s)^");
    let mut names: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        regex.push_str(&regex::escape(&rest[..start]));
        let name = &rest[start + 1..start + len];
        if names.iter().any(|n| n == name) || !name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            regex.push_str(".*?");
        } else {
            regex.push_str(&format!("(?P<{name}>.*?)"));
            names.push(name.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    regex.push_str(&regex::escape(rest));
    regex.push('$');
    // The pattern is built from escaped text and checked names: it always compiles.
    let regex =
        Regex::new(&regex).unwrap_or_else(|_| Regex::new("^$").unwrap_or_else(|e| panic!("{e}")));
    Pattern { regex, names }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_text_gives_back_its_arguments() -> Result<()> {
        let texts = Texts::builtin()?;
        let rendered = texts.text(Lang::Fr, Key::CancelledAck, &[("number", "12")]);
        assert_eq!(texts.number(Lang::Fr, Key::CancelledAck, &rendered)?, 12);
        assert!(!texts.is(Lang::Fr, Key::DoneAck, &rendered));
        assert!(!texts.is(Lang::En, Key::CancelledAck, &rendered));
        assert!(!texts.is(Lang::Fr, Key::CancelledAck, &format!("x {rendered}")));
        Ok(())
    }

    #[test]
    fn a_text_said_in_some_paragraphs_of_a_message_is_found_there_only() -> Result<()> {
        let texts = Texts::builtin()?;
        let confirmed = texts.text(Lang::Fr, Key::CancelledAck, &[("number", "12")]);
        let done = texts.text(Lang::Fr, Key::DoneAck, &[("number", "7")]);
        let both = format!("{confirmed}\n\n{done}");
        assert_eq!(texts.number(Lang::Fr, Key::CancelledAck, &both)?, 12);
        assert_eq!(texts.number(Lang::Fr, Key::DoneAck, &both)?, 7);
        assert!(!texts.is(Lang::Fr, Key::CancelledAck, &both), "`is` is the whole message");
        Ok(())
    }
}
