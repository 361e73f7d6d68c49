//! Turns a message body into a [`Command`].
//!
//! Commands start with `!`, are case-insensitive, accept words with or without accents
//! (`!lâcher` = `!lacher`) and exist in French and English at all times; the language of
//! the word used is the language of the reply.

use std::sync::LazyLock;

use regex::Regex;

use crate::{Lang, reading::fold};

/// Longest request text relayed to volunteers, in characters.
pub const MAX_REQUEST_CHARS: usize = 1000;

/// A command a person typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Posts a request for help.
    Request {
        /// The free text, trimmed.
        text: String,
    },
    /// Claims an open request.
    Take {
        /// The request number.
        number: u64,
    },
    /// Gives a claimed request back.
    Release {
        /// The request number.
        number: u64,
    },
    /// Closes a claimed request as done.
    Done {
        /// The request number; implied in its private room.
        number: Option<u64>,
        /// A short note on how it went.
        note: Option<String>,
    },
    /// Closes a request as cancelled.
    Cancel {
        /// The request number; implied in its private room.
        number: Option<u64>,
    },
    /// Marks a person as a vetted volunteer.
    Vet {
        /// Their Matrix user id.
        user: String,
    },
    /// Bans a volunteer.
    Ban {
        /// Their Matrix user id.
        user: String,
        /// Why, for the coordinators' record.
        reason: Option<String>,
    },
    /// Lists open and claimed requests.
    Requests,
    /// Lists the commands this person may use here.
    Help,
}

impl Command {
    /// Which command this is, without its arguments.
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Request { .. } => CommandKind::Request,
            Command::Take { .. } => CommandKind::Take,
            Command::Release { .. } => CommandKind::Release,
            Command::Done { .. } => CommandKind::Done,
            Command::Cancel { .. } => CommandKind::Cancel,
            Command::Vet { .. } => CommandKind::Vet,
            Command::Ban { .. } => CommandKind::Ban,
            Command::Requests => CommandKind::Requests,
            Command::Help => CommandKind::Help,
        }
    }
}

/// A command without its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandKind {
    /// `!demande` / `!request`
    Request,
    /// `!prendre` / `!take`
    Take,
    /// `!lacher` / `!release`
    Release,
    /// `!fait` / `!done`
    Done,
    /// `!annuler` / `!cancel`
    Cancel,
    /// `!valider` / `!vet`
    Vet,
    /// `!bannir` / `!ban`
    Ban,
    /// `!demandes` / `!requests`
    Requests,
    /// `!aide` / `!help`
    Help,
}

impl CommandKind {
    /// Every command, in the order `!aide` lists them.
    pub const ALL: [CommandKind; 9] = [
        CommandKind::Request,
        CommandKind::Take,
        CommandKind::Release,
        CommandKind::Done,
        CommandKind::Cancel,
        CommandKind::Vet,
        CommandKind::Ban,
        CommandKind::Requests,
        CommandKind::Help,
    ];

    /// The command word in `lang`, without the `!`.
    pub fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CommandKind::Request, Lang::Fr) => "demande",
            (CommandKind::Request, Lang::En) => "request",
            (CommandKind::Take, Lang::Fr) => "prendre",
            (CommandKind::Take, Lang::En) => "take",
            (CommandKind::Release, Lang::Fr) => "lacher",
            (CommandKind::Release, Lang::En) => "release",
            (CommandKind::Done, Lang::Fr) => "fait",
            (CommandKind::Done, Lang::En) => "done",
            (CommandKind::Cancel, Lang::Fr) => "annuler",
            (CommandKind::Cancel, Lang::En) => "cancel",
            (CommandKind::Vet, Lang::Fr) => "valider",
            (CommandKind::Vet, Lang::En) => "vet",
            (CommandKind::Ban, Lang::Fr) => "bannir",
            (CommandKind::Ban, Lang::En) => "ban",
            (CommandKind::Requests, Lang::Fr) => "demandes",
            (CommandKind::Requests, Lang::En) => "requests",
            (CommandKind::Help, Lang::Fr) => "aide",
            (CommandKind::Help, Lang::En) => "help",
        }
    }

    /// Finds the command for a folded word, with the language it belongs to. A few
    /// common variants are accepted besides the canonical words.
    fn from_word(word: &str) -> Option<(CommandKind, Lang)> {
        for kind in CommandKind::ALL {
            for lang in Lang::ALL {
                if kind.word(lang) == word {
                    return Some((kind, lang));
                }
            }
        }
        let variant = match word {
            "prends" | "je-prends" => (CommandKind::Take, Lang::Fr),
            "claim" => (CommandKind::Take, Lang::En),
            "rendre" | "liberer" => (CommandKind::Release, Lang::Fr),
            "termine" | "fini" => (CommandKind::Done, Lang::Fr),
            "annule" => (CommandKind::Cancel, Lang::Fr),
            "bannis" => (CommandKind::Ban, Lang::Fr),
            "liste" => (CommandKind::Requests, Lang::Fr),
            "list" => (CommandKind::Requests, Lang::En),
            "aidez-moi" => (CommandKind::Help, Lang::Fr),
            _ => return None,
        };
        Some(variant)
    }
}

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
    /// A request text longer than [`MAX_REQUEST_CHARS`].
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

static USER_ID: LazyLock<Regex> = LazyLock::new(|| {
    // Localpart: the historical character set; server name: host or [IPv6], optional port.
    #[allow(clippy::expect_used)]
    Regex::new(r"^@[!-9;-~]{1,200}:(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.\-]+)(:[0-9]{1,5})?$")
        .expect("static regex")
});

/// Parses a message body.
///
/// `mentions` are the user ids the client marked as mentioned (`m.mentions`): Element
/// turns `@Alice` into a pill whose plain body is only the display name, so a command
/// that needs a user falls back on the only mention when its argument is not a user id.
///
/// Returns `None` when the body is not a command at all (does not start with `!`).
pub fn parse(body: &str, mentions: &[String]) -> Option<Result<Parsed, ParseError>> {
    let body = strip_reply_fallback(body).trim_start();
    let rest = body.strip_prefix('!')?;
    let (word, args) = match rest.find(char::is_whitespace) {
        Some(at) => (&rest[..at], rest[at..].trim()),
        None => (rest, ""),
    };
    let folded = fold(word);
    let Some((kind, lang)) = CommandKind::from_word(&folded) else {
        return Some(Err(ParseError::Unknown { word: word.chars().take(40).collect() }));
    };
    let usage = ParseError::Usage { kind, lang };
    let command = match kind {
        CommandKind::Request => {
            if args.is_empty() {
                return Some(Err(usage));
            }
            let chars = args.chars().count();
            if chars > MAX_REQUEST_CHARS {
                return Some(Err(ParseError::TooLong { chars, lang }));
            }
            Command::Request { text: args.to_owned() }
        }
        CommandKind::Take | CommandKind::Release => {
            let mut words = args.split_whitespace();
            let (Some(number), None) = (words.next().and_then(number), words.next()) else {
                return Some(Err(usage));
            };
            if kind == CommandKind::Take {
                Command::Take { number }
            } else {
                Command::Release { number }
            }
        }
        CommandKind::Done => {
            let (first, rest) = split_first(args);
            match first.and_then(number) {
                Some(n) => Command::Done { number: Some(n), note: non_empty(rest) },
                None if first.is_some_and(looks_numeric) => return Some(Err(usage)),
                None => Command::Done { number: None, note: non_empty(args) },
            }
        }
        CommandKind::Cancel => {
            let mut words = args.split_whitespace();
            match (words.next(), words.next()) {
                (None, _) => Command::Cancel { number: None },
                (Some(word), None) => match number(word) {
                    Some(n) => Command::Cancel { number: Some(n) },
                    None => return Some(Err(usage)),
                },
                (Some(_), Some(_)) => return Some(Err(usage)),
            }
        }
        CommandKind::Vet | CommandKind::Ban => {
            let (first, rest) = split_first(args);
            let Some(user) = user_argument(first, mentions) else {
                return Some(Err(usage));
            };
            if kind == CommandKind::Vet {
                // A display-name pill may span several words: only a user id as first
                // word may leave something behind.
                if first.is_some_and(is_user_id) && !rest.is_empty() {
                    return Some(Err(usage));
                }
                Command::Vet { user }
            } else {
                let reason = if first.is_some_and(is_user_id) { non_empty(rest) } else { None };
                Command::Ban { user, reason }
            }
        }
        CommandKind::Requests => {
            if !args.is_empty() {
                return Some(Err(usage));
            }
            Command::Requests
        }
        // `!aide prendre` still deserves the help: whatever follows is ignored.
        CommandKind::Help => Command::Help,
    };
    Some(Ok(Parsed { command, lang }))
}

/// Drops the quoted lines some clients put before a reply's own text.
fn strip_reply_fallback(body: &str) -> &str {
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

fn split_first(args: &str) -> (Option<&str>, &str) {
    match args.find(char::is_whitespace) {
        Some(at) => (Some(&args[..at]), args[at..].trim()),
        None if args.is_empty() => (None, ""),
        None => (Some(args), ""),
    }
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A request number: `12`, `#12`, `n°12`, `no12`, `nº12`. Zero is no number.
fn number(word: &str) -> Option<u64> {
    let lower = word.to_lowercase();
    let digits = lower
        .strip_prefix('#')
        .or_else(|| lower.strip_prefix("n°"))
        .or_else(|| lower.strip_prefix("nº"))
        .or_else(|| lower.strip_prefix("no"))
        .unwrap_or(&lower);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// A word that was meant as a number (`#12`, `0`, `99999999999999999999`), valid or not.
fn looks_numeric(word: &str) -> bool {
    let trimmed = word.trim_start_matches('#');
    !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit())
}

fn is_user_id(word: &str) -> bool {
    USER_ID.is_match(word)
}

fn user_argument(first: Option<&str>, mentions: &[String]) -> Option<String> {
    match first {
        Some(word) if is_user_id(word) => Some(word.to_owned()),
        // A pill: the plain body holds a display name, the mention holds the id.
        Some(_) if mentions.len() == 1 => mentions.first().filter(|m| is_user_id(m)).cloned(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ok(body: &str) -> Parsed {
        match parse(body, &[]) {
            Some(Ok(parsed)) => parsed,
            other => panic!("{body:?} should parse, got {other:?}"),
        }
    }

    fn err(body: &str) -> ParseError {
        match parse(body, &[]) {
            Some(Err(error)) => error,
            other => panic!("{body:?} should fail, got {other:?}"),
        }
    }

    #[test]
    fn real_phrasings_parse_to_the_right_command() {
        use Command::*;
        let table: Vec<(&str, Command, Lang)> = vec![
            (
                "!demande courses pour ma mère demain",
                Request { text: "courses pour ma mère demain".into() },
                Lang::Fr,
            ),
            (
                "  !Demande   besoin d'aide pour la pharmacie ",
                Request { text: "besoin d'aide pour la pharmacie".into() },
                Lang::Fr,
            ),
            (
                "!DEMANDE Quelqu'un pour tondre la pelouse ?",
                Request { text: "Quelqu'un pour tondre la pelouse ?".into() },
                Lang::Fr,
            ),
            (
                "!request groceries for my dad tomorrow",
                Request { text: "groceries for my dad tomorrow".into() },
                Lang::En,
            ),
            (
                "!Request\nlift to the doctor",
                Request { text: "lift to the doctor".into() },
                Lang::En,
            ),
            ("!prendre 12", Take { number: 12 }, Lang::Fr),
            ("!prendre #12", Take { number: 12 }, Lang::Fr),
            ("!Prendre n°7", Take { number: 7 }, Lang::Fr),
            ("!prends 3", Take { number: 3 }, Lang::Fr),
            ("!take 12", Take { number: 12 }, Lang::En),
            ("!TAKE #4", Take { number: 4 }, Lang::En),
            ("!lacher 12", Release { number: 12 }, Lang::Fr),
            ("!lâcher 12", Release { number: 12 }, Lang::Fr),
            ("!LÂCHER 12", Release { number: 12 }, Lang::Fr),
            ("!Lacher #12", Release { number: 12 }, Lang::Fr),
            ("!release 12", Release { number: 12 }, Lang::En),
            ("!fait", Done { number: None, note: None }, Lang::Fr),
            ("!fait 12", Done { number: Some(12), note: None }, Lang::Fr),
            (
                "!fait 12 tout s'est bien passé",
                Done { number: Some(12), note: Some("tout s'est bien passé".into()) },
                Lang::Fr,
            ),
            (
                "!fait très contente, merci",
                Done { number: None, note: Some("très contente, merci".into()) },
                Lang::Fr,
            ),
            ("!terminé 5", Done { number: Some(5), note: None }, Lang::Fr),
            ("!done", Done { number: None, note: None }, Lang::En),
            (
                "!done #3 all good",
                Done { number: Some(3), note: Some("all good".into()) },
                Lang::En,
            ),
            ("!annuler", Cancel { number: None }, Lang::Fr),
            ("!annuler 12", Cancel { number: Some(12) }, Lang::Fr),
            ("!Annuler n°12", Cancel { number: Some(12) }, Lang::Fr),
            ("!cancel 9", Cancel { number: Some(9) }, Lang::En),
            ("!valider @marie:example.org", Vet { user: "@marie:example.org".into() }, Lang::Fr),
            ("!vet @bob:localhost:8008", Vet { user: "@bob:localhost:8008".into() }, Lang::En),
            (
                "!bannir @paul:example.org",
                Ban { user: "@paul:example.org".into(), reason: None },
                Lang::Fr,
            ),
            (
                "!bannir @paul:example.org comportement inapproprié",
                Ban {
                    user: "@paul:example.org".into(),
                    reason: Some("comportement inapproprié".into()),
                },
                Lang::Fr,
            ),
            (
                "!ban @x:y.org rude",
                Ban { user: "@x:y.org".into(), reason: Some("rude".into()) },
                Lang::En,
            ),
            ("!demandes", Requests, Lang::Fr),
            ("!requests", Requests, Lang::En),
            ("!aide", Help, Lang::Fr),
            ("!Aide prendre", Help, Lang::Fr),
            ("!help", Help, Lang::En),
            ("!HELP", Help, Lang::En),
        ];
        for (body, command, lang) in table {
            let parsed = ok(body);
            assert_eq!(parsed.command, command, "{body}");
            assert_eq!(parsed.lang, lang, "{body}");
        }
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        assert_eq!(ok("!LÂCHER 3"), ok("!lacher 3"));
        assert_eq!(ok("!lÂcHeR 3"), ok("!lacher 3"));
        assert_eq!(ok("!Annuler"), ok("!annuler"));
    }

    #[test]
    fn ordinary_messages_are_not_commands() {
        for body in ["bonjour", "", "   ", "merci beaucoup !", "hello! there", "a !demande"] {
            assert_eq!(parse(body, &[]), None, "{body:?}");
        }
    }

    #[test]
    fn unknown_commands_are_values() {
        assert_eq!(err("!xyz"), ParseError::Unknown { word: "xyz".into() });
        assert_eq!(err("!"), ParseError::Unknown { word: String::new() });
        assert_eq!(err("! demande"), ParseError::Unknown { word: String::new() });
        assert_eq!(err("!!!"), ParseError::Unknown { word: "!!".into() });
        assert_eq!(err("!bonjour à tous"), ParseError::Unknown { word: "bonjour".into() });
    }

    #[test]
    fn malformed_arguments_name_the_command_and_language() {
        let table = [
            ("!demande", CommandKind::Request, Lang::Fr),
            ("!demande    ", CommandKind::Request, Lang::Fr),
            ("!request", CommandKind::Request, Lang::En),
            ("!prendre", CommandKind::Take, Lang::Fr),
            ("!prendre douze", CommandKind::Take, Lang::Fr),
            ("!prendre 0", CommandKind::Take, Lang::Fr),
            ("!prendre -3", CommandKind::Take, Lang::Fr),
            ("!prendre 12 13", CommandKind::Take, Lang::Fr),
            ("!prendre 99999999999999999999999", CommandKind::Take, Lang::Fr),
            ("!take", CommandKind::Take, Lang::En),
            ("!lacher", CommandKind::Release, Lang::Fr),
            ("!release abc", CommandKind::Release, Lang::En),
            ("!fait 0", CommandKind::Done, Lang::Fr),
            ("!done 99999999999999999999999 ok", CommandKind::Done, Lang::En),
            ("!annuler demain", CommandKind::Cancel, Lang::Fr),
            ("!cancel 3 4", CommandKind::Cancel, Lang::En),
            ("!valider", CommandKind::Vet, Lang::Fr),
            ("!valider marie", CommandKind::Vet, Lang::Fr),
            ("!valider @marie", CommandKind::Vet, Lang::Fr),
            ("!valider @marie:example.org @paul:example.org", CommandKind::Vet, Lang::Fr),
            ("!vet bob", CommandKind::Vet, Lang::En),
            ("!bannir", CommandKind::Ban, Lang::Fr),
            ("!ban nobody", CommandKind::Ban, Lang::En),
            ("!demandes toutes", CommandKind::Requests, Lang::Fr),
        ];
        for (body, kind, lang) in table {
            assert_eq!(err(body), ParseError::Usage { kind, lang }, "{body}");
        }
    }

    #[test]
    fn a_too_long_request_is_refused_with_its_length() {
        let body = format!("!demande {}", "a".repeat(MAX_REQUEST_CHARS + 1));
        assert_eq!(
            err(&body),
            ParseError::TooLong { chars: MAX_REQUEST_CHARS + 1, lang: Lang::Fr }
        );
        let body = format!("!demande {}", "é".repeat(MAX_REQUEST_CHARS));
        assert!(matches!(ok(&body).command, Command::Request { .. }));
    }

    #[test]
    fn a_pill_falls_back_on_the_mention() {
        let mentions = vec!["@marie:example.org".to_owned()];
        let parsed = parse("!valider Marie Dupont", &mentions);
        assert_eq!(
            parsed,
            Some(Ok(Parsed {
                command: Command::Vet { user: "@marie:example.org".into() },
                lang: Lang::Fr
            }))
        );
        let two = vec!["@a:x.org".to_owned(), "@b:x.org".to_owned()];
        assert!(matches!(parse("!valider Marie", &two), Some(Err(ParseError::Usage { .. }))));
    }

    #[test]
    fn reply_fallbacks_are_skipped() {
        let body = "> <@bob:x.org> Demande n°3\n> courses\n\n!prendre 3";
        assert_eq!(ok(body).command, Command::Take { number: 3 });
        assert_eq!(parse("> only a quote", &[]), None);
    }

    #[test]
    fn every_canonical_word_parses_back_to_its_command() {
        for kind in CommandKind::ALL {
            for lang in Lang::ALL {
                let word = kind.word(lang);
                assert_eq!(CommandKind::from_word(word), Some((kind, lang)));
            }
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(body in ".{0,300}") {
            let _ = parse(&body, &[]);
            let _ = parse(&format!("!{body}"), std::slice::from_ref(&body));
        }

        #[test]
        fn parsing_any_command_word_with_any_argument_never_panics(
            kind in 0usize..9, en in any::<bool>(), args in "\\PC{0,200}"
        ) {
            let lang = if en { Lang::En } else { Lang::Fr };
            let word = CommandKind::ALL[kind].word(lang);
            let parsed = parse(&format!("!{word} {args}"), &[]);
            prop_assert!(parsed.is_some());
        }
    }
}
