//! The volunteers' charter: its text (the commune's file, else the one shipped, in French
//! and English) and its version, a hash of the text, so that a new text asks the vetted
//! volunteers to accept it again.

use std::path::Path;

use anyhow::Context;
use entraide_commands::{Message, render_markup};
use sha2::{Digest, Sha256};

/// The charter shipped with the bot, for a commune that names none.
const DEFAULT: &str = include_str!("../texts/charter.md");

/// How many hexadecimal digits of the hash name a version: enough to tell texts apart,
/// short enough to read out on the phone.
const VERSION_DIGITS: usize = 12;

/// The charter volunteers accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charter {
    /// The text as sent.
    pub message: Message,
    /// A hash of the text.
    pub version: String,
}

impl Charter {
    /// The charter of `text`.
    pub fn of(text: &str) -> Charter {
        let text = text.trim();
        let digest = Sha256::digest(text.as_bytes());
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        Charter { message: render_markup(text), version: hex[..VERSION_DIGITS].to_owned() }
    }

    /// The commune's charter from `file`, else the one shipped.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Charter> {
        let Some(file) = file else {
            return Ok(Charter::of(DEFAULT));
        };
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the volunteers' charter {}", file.display()))?;
        if text.trim().is_empty() {
            anyhow::bail!("the volunteers' charter {} is empty", file.display());
        }
        Ok(Charter::of(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_the_text_not_its_surrounding_space() {
        let one = Charter::of("Bienveillance.\n");
        assert_eq!(one.version.len(), VERSION_DIGITS);
        assert_eq!(one, Charter::of("  Bienveillance."));
        assert_ne!(one.version, Charter::of("Bienveillance !").version);
    }

    #[test]
    fn the_shipped_charter_says_it_in_french_then_english() {
        let charter = Charter::load(None).expect("the shipped charter");
        let french = charter.message.plain.find("Discrétion").expect("French");
        let english = charter.message.plain.find("Discretion").expect("English");
        assert!(french < english);
        for point in ["15", "112", "ticket de caisse", "receipt", "médical", "medical"] {
            assert!(charter.message.plain.contains(point), "{point}");
        }
        assert!(charter.message.html.contains("<b>"));
    }
}
