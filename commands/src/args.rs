//! Each command's arguments: one reader per command, named in the command table, and the
//! pieces they share (request numbers, user ids written in the command or linked as
//! [pills](crate::pills)).

use lazy_regex::{Lazy, Regex, lazy_regex};
use ruma_common::{OwnedUserId, UserId};

use crate::{
    command::{Command, RequestFilter},
    fold::fold,
    period::read_period,
    pills::Pill,
    profile::read_profile,
};

/// Longest request text relayed to volunteers, in characters.
pub const MAX_REQUEST_CHARS: usize = 1000;

/// Why a command's arguments were not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgError {
    /// Missing or malformed: the person gets the usage line.
    Usage,
    /// A request text longer than [`MAX_REQUEST_CHARS`], with its length.
    TooLong(usize),
}

/// `!demande <texte>`; `!demande <n>`, a number alone, is a coordinator's look at
/// request `n` ([`show`]).
pub fn request(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    if args.is_empty() {
        return Err(ArgError::Usage);
    }
    if let Some(number) = lone_number(args) {
        return Ok(Command::Show { number });
    }
    let chars = args.chars().count();
    if chars > MAX_REQUEST_CHARS {
        return Err(ArgError::TooLong(chars));
    }
    Ok(Command::Request { text: args.to_owned() })
}

/// `!pour <texte>`: read as a request's text.
pub fn for_someone(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    match request(args, pills)? {
        Command::Request { text } => Ok(Command::For { text }),
        _ => Err(ArgError::Usage),
    }
}

/// `!prendre <n>`
pub fn take(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    lone_number(args).map(|number| Command::Take { number }).ok_or(ArgError::Usage)
}

/// `!oui <n>`: the number of the offer taken up.
pub fn yes(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    lone_number(args).map(|number| Command::Yes { number }).ok_or(ArgError::Usage)
}

/// `!propose <texte>`: read as a request's text (a number alone is no offer).
pub fn offer(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    match request(args, pills)? {
        Command::Request { text } => Ok(Command::Offer { text }),
        _ => Err(ArgError::Usage),
    }
}

/// `!lacher [n]`: the number is implied in the request's private room.
pub fn release(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    optional_number(args).map(|number| Command::Release { number })
}

/// `!annuler [n]`
pub fn cancel(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    optional_number(args).map(|number| Command::Cancel { number })
}

/// `!fait [n] [mot]`
pub fn done(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    let (first, rest) = split_first(args);
    match first.and_then(number) {
        Some(n) => Ok(Command::Done { number: Some(n), note: non_empty(rest) }),
        None if first.is_some_and(looks_numeric) => Err(ArgError::Usage),
        None => Ok(Command::Done { number: None, note: non_empty(args) }),
    }
}

/// `!valider @personne [sans charte] [note]`: "sans charte" (or "without charter")
/// vets someone who has not accepted the charter, as the coordinator decides; the note
/// ("rencontrée en mairie le 12") is kept with the vetting. A second person is a mistake,
/// not a note.
pub fn vet(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    let (without_charter, note) = match strip_words(rest, WITHOUT_CHARTER) {
        Some(note) => (true, note),
        None => (false, rest),
    };
    let note = note.trim_start_matches([':', ',', '-', '—']).trim();
    if user_argument(note, pills).is_some() {
        return Err(ArgError::Usage);
    }
    let note = non_empty(note);
    Ok(Command::Vet { user, note, without_charter })
}

/// How a coordinator says that a vetting goes without the charter, folded, word by word.
const WITHOUT_CHARTER: &[&[&str]] = &[
    &["sans", "charte"],
    &["sans", "la", "charte"],
    &["sans", "signature"],
    &["without", "charter"],
    &["without", "the", "charter"],
    &["without", "a", "charter"],
    &["no", "charter"],
];

/// What follows `text` once one of `phrases` (folded words) is taken off its start,
/// if it starts with one.
fn strip_words<'a>(text: &'a str, phrases: &[&[&str]]) -> Option<&'a str> {
    phrases.iter().find_map(|phrase| {
        let mut rest = text;
        for word in *phrase {
            let (first, after) = split_first(rest);
            if first.map(|first| fold(first.trim_end_matches([',', ':', '.'])))
                != Some((*word).to_owned())
            {
                return None;
            }
            rest = after;
        }
        Some(rest)
    })
}

/// `!benevole`: whatever follows is ignored, the charter is for anyone who asks.
pub fn charter(_: &str, _: &[Pill]) -> Result<Command, ArgError> {
    Ok(Command::Charter)
}

/// `!accepte`: "!accepte la charte" says the same.
pub fn accept(_: &str, _: &[Pill]) -> Result<Command, ArgError> {
    Ok(Command::Accept)
}

/// `!pause [jusqu'au …]`: the date is read by the bot, which knows today's date.
pub fn pause(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    Ok(Command::Pause { until: non_empty(args) })
}

/// `!dispo`: "!dispo à nouveau" says the same.
pub fn back(_: &str, _: &[Pill]) -> Result<Command, ArgError> {
    Ok(Command::Back)
}

/// `!quartiers Centre, Les Tilleuls`; alone, the areas as they are; `aucun` / `none`:
/// no preference.
pub fn areas(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    if args.is_empty() {
        return Ok(Command::Areas { names: None });
    }
    if matches!(fold(args).trim_end_matches('.'), "aucun" | "aucune" | "none" | "tous" | "all") {
        return Ok(Command::Areas { names: Some(Vec::new()) });
    }
    static SEPARATOR: Lazy<Regex> = lazy_regex!(r"(?i)\s*(?:[,;/+]|\bet\b|\band\b|&)\s*");
    let names: Vec<String> = SEPARATOR
        .split(args)
        .map(|name| name.trim().trim_end_matches('.').trim())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Err(ArgError::Usage);
    }
    Ok(Command::Areas { names: Some(names) })
}

/// `!bannir @personne [raison]`
pub fn ban(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    Ok(Command::Ban { user, reason: non_empty(rest) })
}

/// `!retirer @personne [raison]`
pub fn unvet(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    Ok(Command::Unvet { user, reason: non_empty(rest) })
}

/// `!attribuer <n> @personne`
pub fn assign(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    let (first, rest) = split_first(args);
    let number = first.and_then(number).ok_or(ArgError::Usage)?;
    match user_argument(rest, pills) {
        Some((user, "")) => Ok(Command::Assign { number, user }),
        _ => Err(ArgError::Usage),
    }
}

/// `!arreter <n>`
pub fn stop(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    lone_number(args).map(|number| Command::Stop { number }).ok_or(ArgError::Usage)
}

/// `!bloquer @personne [raison]`
pub fn block(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    Ok(Command::Block { user, reason: non_empty(rest) })
}

/// `!debloquer @personne`
pub fn unblock(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    match user_argument(args, pills) {
        Some((user, "")) => Ok(Command::Unblock { user }),
        _ => Err(ArgError::Usage),
    }
}

/// `!stats [période]`
pub fn stats(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    read_period(args).map(|period| Command::Stats { period }).ok_or(ArgError::Usage)
}

/// `!profil [âge] [genre]`
pub fn profile(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    read_profile(args).map(|answer| Command::Profile { answer }).ok_or(ArgError::Usage)
}

/// `!rapport [période]`
pub fn report(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    read_period(args).map(|period| Command::Report { period }).ok_or(ArgError::Usage)
}

/// `!fiche <n>`
pub fn show(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    lone_number(args).map(|number| Command::Show { number }).ok_or(ArgError::Usage)
}

/// `!debannir @personne`
pub fn unban(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    match user_argument(args, pills) {
        Some((user, "")) => Ok(Command::Unban { user }),
        _ => Err(ArgError::Usage),
    }
}

/// `!benevoles`, with nothing after.
pub fn volunteers(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    if args.is_empty() { Ok(Command::Volunteers) } else { Err(ArgError::Usage) }
}

/// `!journal [@personne]`
pub fn journal(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    if args.is_empty() {
        return Ok(Command::Journal { user: None });
    }
    match user_argument(args, pills) {
        Some((user, "")) => Ok(Command::Journal { user: Some(user) }),
        _ => Err(ArgError::Usage),
    }
}

/// `!verifier`, with nothing after.
pub fn check(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    if args.is_empty() { Ok(Command::Check) } else { Err(ArgError::Usage) }
}

/// `!version`: nothing after.
pub fn version(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    if args.is_empty() { Ok(Command::Version) } else { Err(ArgError::Usage) }
}

/// `!demandes [ouvertes|prises|toutes|en cours] [quartier]`
pub fn requests(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    let (first, rest) = split_first(args);
    let filter = first.and_then(|word| match fold(word).as_str() {
        "ouvertes" | "ouverte" | "ouverts" | "open" => Some(RequestFilter::Open),
        "prises" | "prise" | "claimed" | "taken" => Some(RequestFilter::Claimed),
        "toutes" | "tout" | "tous" | "all" => Some(RequestFilter::All),
        "active" | "actives" => Some(RequestFilter::Active),
        // "en cours": what is under way, as without a word.
        "en" if fold(rest).split_whitespace().next() == Some("cours") => {
            Some(RequestFilter::Active)
        }
        _ => None,
    });
    let neighbourhood = match (filter, first) {
        (Some(_), Some(word)) if fold(word) == "en" => split_first(rest).1,
        (Some(_), _) => rest,
        (None, _) => args,
    };
    Ok(Command::Requests {
        filter: filter.unwrap_or_default(),
        neighbourhood: non_empty(neighbourhood),
    })
}

/// `!confidentialite`: whatever follows is ignored, the notice is for everyone.
pub fn privacy(_: &str, _: &[Pill]) -> Result<Command, ArgError> {
    Ok(Command::Privacy)
}

/// `!mesdonnees`, with nothing after.
pub fn my_data(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    if args.is_empty() { Ok(Command::MyData) } else { Err(ArgError::Usage) }
}

/// `!avis [n] <mot>`: how it went, in a word (or 👍 / 👎); the number is implied in the
/// request's private room.
pub fn feedback(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    let (first, rest) = split_first(args);
    let (number, note) = match first.and_then(number) {
        Some(n) => (Some(n), rest),
        None if first.is_some_and(looks_numeric) => return Err(ArgError::Usage),
        None => (None, args),
    };
    let note = non_empty(note).ok_or(ArgError::Usage)?;
    let chars = note.chars().count();
    if chars > MAX_REQUEST_CHARS {
        return Err(ArgError::TooLong(chars));
    }
    Ok(Command::Feedback { number, note })
}

/// `!oubliemoi [confirmer]`
pub fn forget_me(args: &str, _: &[Pill]) -> Result<Command, ArgError> {
    confirmation(args).map(|confirmed| Command::ForgetMe { confirmed })
}

/// `!effacer @personne [confirmer]`
pub fn erase(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    confirmation(rest).map(|confirmed| Command::Erase { user, confirmed })
}

/// Words that confirm an erasure, folded: people write "confirmer", "je confirme",
/// "oui", "confirm", "yes"…
const CONFIRMING: &[&str] = &["confirmer", "confirme", "oui", "confirm", "confirmed", "yes"];

/// Whether `args` confirms (nothing: not yet); anything else is not understood, so
/// that "non" never erases.
fn confirmation(args: &str) -> Result<bool, ArgError> {
    let folded = fold(args);
    let mut words = folded.split_whitespace().filter(|word| !matches!(*word, "je" | "i"));
    match (words.next(), words.next()) {
        (None, _) if args.is_empty() => Ok(false),
        (Some(word), None) if CONFIRMING.contains(&word.trim_matches(['!', '.'])) => Ok(true),
        _ => Err(ArgError::Usage),
    }
}

/// `!aide`: `!aide prendre` still deserves the help, so whatever follows is ignored.
pub fn help(_: &str, _: &[Pill]) -> Result<Command, ArgError> {
    Ok(Command::Help)
}

fn optional_number(args: &str) -> Result<Option<u64>, ArgError> {
    let mut words = args.split_whitespace();
    match (words.next(), words.next()) {
        (None, _) => Ok(None),
        (Some(word), None) => number(word).map(Some).ok_or(ArgError::Usage),
        (Some(_), Some(_)) => Err(ArgError::Usage),
    }
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

/// A request number and nothing else.
fn lone_number(args: &str) -> Option<u64> {
    let mut words = args.split_whitespace();
    match (words.next().and_then(number), words.next()) {
        (Some(number), None) => Some(number),
        _ => None,
    }
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

/// The person a command is about, and what follows: a user id written as the first word,
/// or a pill at the start of the arguments. Mentions that are not written in the command
/// (the person replied to, for instance) never count.
fn user_argument<'a>(args: &'a str, pills: &[Pill]) -> Option<(OwnedUserId, &'a str)> {
    let (first, rest) = split_first(args);
    if let Some(user) = first.and_then(|word| UserId::parse(word).ok()) {
        return Some((user, rest));
    }
    // Clients differ on the `@` before a name, in the body or in the link's text.
    let args_name = args.strip_prefix('@').unwrap_or(args);
    pills.iter().find_map(|pill| {
        let text = pill.text.trim();
        let text = text.strip_prefix('@').unwrap_or(text);
        let after = args_name.strip_prefix(text).filter(|_| !text.is_empty())?;
        // The pill must be a whole word: "Marie" does not start "Mariette".
        let ends_word = after.chars().next().is_none_or(char::is_whitespace);
        ends_word.then(|| (pill.user.clone(), after.trim()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> OwnedUserId {
        UserId::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    #[test]
    fn a_user_is_a_written_id_or_a_pill_at_the_start() {
        let marie = Pill { user: user("@marie:x.org"), text: "Marie Dupont".into() };
        let pills = std::slice::from_ref(&marie);
        assert_eq!(
            user_argument("@paul:x.org absent", pills),
            Some((user("@paul:x.org"), "absent"))
        );
        assert_eq!(
            user_argument("Marie Dupont absente deux fois", pills),
            Some((user("@marie:x.org"), "absente deux fois"))
        );
        assert_eq!(user_argument("@Marie Dupont", pills), Some((user("@marie:x.org"), "")));
        let at = Pill { user: user("@marie:x.org"), text: "@Marie".into() };
        assert_eq!(
            user_argument("Marie a signé", std::slice::from_ref(&at)),
            Some((user("@marie:x.org"), "a signé"))
        );
        assert_eq!(user_argument("Marie Dupontel", pills), None);
        assert_eq!(user_argument("pierre", pills), None);
        assert_eq!(user_argument("", pills), None);
    }
}
