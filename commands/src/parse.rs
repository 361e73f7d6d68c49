//! Turns a message body into a [`Command`].
//!
//! Commands start with `!`, are case-insensitive, accept words with or without accents
//! (`!lâcher` = `!lacher`) and exist in French and English at all times; the language of
//! the word used is the language of the reply. Which words name which command, and how
//! each reads its arguments, comes from the [command table](crate::table).

use crate::{
    Lang,
    args::ArgError,
    command::{Command, CommandKind},
    fold::fold,
    pills::Pill,
    table,
};

/// A command with the language of the word that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// What to do.
    pub command: Command,
    /// The language to answer in.
    pub lang: Lang,
}

/// Why a message that starts with `!` is not a valid command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The word after `!` names no command.
    #[error("unknown command `{word}`")]
    Unknown {
        /// The word as typed (shortened).
        word: String,
    },
    /// The command is known but its arguments are missing or malformed.
    #[error("bad arguments for {kind:?}")]
    Usage {
        /// The command tried.
        kind: CommandKind,
        /// The language of the word used.
        lang: Lang,
    },
    /// A request text longer than [`crate::args::MAX_REQUEST_CHARS`].
    #[error("request text too long ({chars} characters)")]
    TooLong {
        /// Its length in characters.
        chars: usize,
        /// The language of the word used.
        lang: Lang,
    },
}

impl ParseError {
    /// The language to answer in, when the command word told it.
    pub fn lang(&self) -> Option<Lang> {
        match self {
            ParseError::Unknown { .. } => None,
            ParseError::Usage { lang, .. } | ParseError::TooLong { lang, .. } => Some(*lang),
        }
    }
}

/// Parses a message body.
///
/// `pills` are the people linked in the message's HTML body ([`crate::pills`](mod@crate::pills)):
/// clients turn `@Marie` into a pill whose plain body is only the display name, so a
/// command that needs a person finds them there when the body holds no user id.
///
/// Returns `None` when the body is not a command at all (does not start with `!`).
pub fn parse(body: &str, pills: &[Pill]) -> Option<Result<Parsed, ParseError>> {
    let body = strip_reply_fallback(body).trim_start();
    let rest = body.strip_prefix('!')?;
    let (word, args) = match rest.find(char::is_whitespace) {
        Some(at) => (&rest[..at], rest[at..].trim()),
        None => (rest, ""),
    };
    let Some((spec, lang)) = table::lookup(&fold(word)) else {
        return Some(Err(ParseError::Unknown { word: word.chars().take(40).collect() }));
    };
    Some(match (spec.args)(args, pills) {
        Ok(command) => Ok(Parsed { command, lang }),
        Err(ArgError::Usage) => Err(ParseError::Usage { kind: spec.kind, lang }),
        Err(ArgError::TooLong(chars)) => Err(ParseError::TooLong { chars, lang }),
    })
}

/// Drops the quoted lines some clients put before a reply's own text.
///
/// Not ruma's `remove_plain_reply_fallback` (ruma-events, in the lock for the bot only):
/// it drops a quote only when it starts with `> <@sender>`, the spec's form, whereas people
/// also quote by hand (`> courses\n!prendre 3`) and a body that is all quote must read as
/// nothing. Taking it would also make this pure crate depend on all of ruma-events.
pub fn strip_reply_fallback(body: &str) -> &str {
    if !body.starts_with("> ") {
        return body;
    }
    let mut rest = body;
    while let Some(line_end) = rest.find('\n') {
        if !rest.starts_with('>') {
            break;
        }
        rest = &rest[line_end + 1..];
    }
    if rest.starts_with('>') { "" } else { rest }
}

#[cfg(test)]
mod tests;
