//! The commands' arguments: the readers that the list of commands (`list.rs`) names,
//! each returning a command's fields (a tuple of them, in their order) and shared by the
//! commands whose arguments are alike, and the pieces they share (request numbers, user
//! ids written in the command or linked as [pills](mod@crate::pills)). A new command reuses
//! a reader unless its arguments are unlike any other's.

use lazy_regex::{Lazy, Regex, lazy_regex};
use ruma_common::{OwnedUserId, UserId};

use crate::{
    command::{
        AlertAsk, CallSaid, CampaignAsk, CampaignKind, Command, RegistryView, RequestFilter, Scope,
    },
    fold::fold,
    period::{Span, read_period},
    pills::Pill,
    profile::{ProfileAnswer, read_profile},
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
/// request `n` (`!fiche <n>`): the one reader that returns the whole command.
pub fn request(args: &str, pills: &[Pill]) -> Result<Command, ArgError> {
    match lone_number(args) {
        Some(number) => Ok(Command::Show { number }),
        None => text(args, pills).map(|text| Command::Request { text }),
    }
}

/// A request's text (`!pour <texte>`, `!propose <texte>`): not empty, not a number alone,
/// at most [`MAX_REQUEST_CHARS`].
pub fn text(args: &str, _: &[Pill]) -> Result<String, ArgError> {
    if args.is_empty() || lone_number(args).is_some() {
        return Err(ArgError::Usage);
    }
    let chars = args.chars().count();
    if chars > MAX_REQUEST_CHARS {
        return Err(ArgError::TooLong(chars));
    }
    Ok(args.to_owned())
}

/// A number and nothing else (`!prendre <n>`, `!oui <n>`, `!arreter <n>`, `!fiche <n>`).
pub fn number(args: &str, _: &[Pill]) -> Result<u64, ArgError> {
    lone_number(args).ok_or(ArgError::Usage)
}

/// A number or nothing (`!lacher [n]`, `!annuler [n]`): the number is implied in the
/// request's private room, or found by the bot.
pub fn optional_number(args: &str, _: &[Pill]) -> Result<Option<u64>, ArgError> {
    let mut words = args.split_whitespace();
    match (words.next(), words.next()) {
        (None, _) => Ok(None),
        (Some(word), None) => parse_number(word).map(Some).ok_or(ArgError::Usage),
        (Some(_), Some(_)) => Err(ArgError::Usage),
    }
}

/// `!fait [n] [mot]`
pub fn number_and_note(args: &str, _: &[Pill]) -> Result<(Option<u64>, Option<String>), ArgError> {
    let (first, rest) = split_first(args);
    match first.and_then(parse_number) {
        Some(n) => Ok((Some(n), non_empty(rest))),
        None if first.is_some_and(looks_numeric) => Err(ArgError::Usage),
        None => Ok((None, non_empty(args))),
    }
}

/// `!valider @personne [sans charte] [note]`: the person, the note and whether it goes
/// without the charter. "sans charte" (or "without charter") vets someone who has not
/// accepted the charter, as the coordinator decides; the note ("rencontrée en mairie le
/// 12") is kept with the vetting. A second person is a mistake, not a note.
pub fn vet(args: &str, pills: &[Pill]) -> Result<(OwnedUserId, Option<String>, bool), ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    let (without_charter, note) = match strip_words(rest, WITHOUT_CHARTER) {
        Some(note) => (true, note),
        None => (false, rest),
    };
    let note = note.trim_start_matches([':', ',', '-', '—']).trim();
    if user_argument(note, pills).is_some() {
        return Err(ArgError::Usage);
    }
    Ok((user, non_empty(note), without_charter))
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

/// Whatever follows is ignored: "!accepte la charte", "!dispo à nouveau" or "!aide
/// prendre" say the same as the word alone (`!benevole`, `!accepte`, `!dispo`,
/// `!confidentialite`, `!aide`).
pub fn ignored(_: &str, _: &[Pill]) -> Result<(), ArgError> {
    Ok(())
}

/// Nothing after the word (`!benevoles`, `!verifier`, `!version`, `!mesdonnees`).
pub fn nothing(args: &str, _: &[Pill]) -> Result<(), ArgError> {
    if args.is_empty() { Ok(()) } else { Err(ArgError::Usage) }
}

/// Any text, or nothing (`!pause [jusqu'au …]`: the date is read by the bot, which knows
/// today's date).
pub fn optional_text(args: &str, _: &[Pill]) -> Result<Option<String>, ArgError> {
    Ok(non_empty(args))
}

/// `!quartiers Centre, Les Tilleuls`; alone, the areas as they are (`None`); `aucun` /
/// `none`: no preference (empty).
pub fn areas(args: &str, _: &[Pill]) -> Result<Option<Vec<String>>, ArgError> {
    if args.is_empty() {
        return Ok(None);
    }
    if matches!(fold(args).trim_end_matches('.'), "aucun" | "aucune" | "none" | "tous" | "all") {
        return Ok(Some(Vec::new()));
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
    Ok(Some(names))
}

/// A person and, if any, why (`!bannir`, `!retirer`, `!bloquer @personne [raison]`).
pub fn user_and_reason(
    args: &str,
    pills: &[Pill],
) -> Result<(OwnedUserId, Option<String>), ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    Ok((user, non_empty(rest)))
}

/// A person and nothing else (`!debannir @personne`, `!debloquer @personne`).
pub fn user(args: &str, pills: &[Pill]) -> Result<OwnedUserId, ArgError> {
    match user_argument(args, pills) {
        Some((user, "")) => Ok(user),
        _ => Err(ArgError::Usage),
    }
}

/// A person or nothing (`!journal [@personne]`).
pub fn optional_user(args: &str, pills: &[Pill]) -> Result<Option<OwnedUserId>, ArgError> {
    if args.is_empty() { Ok(None) } else { user(args, pills).map(Some) }
}

/// `!attribuer <n> @personne`
pub fn number_and_user(args: &str, pills: &[Pill]) -> Result<(u64, OwnedUserId), ArgError> {
    let (first, rest) = split_first(args);
    let number = first.and_then(parse_number).ok_or(ArgError::Usage)?;
    Ok((number, user(rest, pills)?))
}

/// `!corriger <n> <champ> [valeur]`: the entry, the field's name as written, the new
/// value (empty: cleared).
pub fn amend(args: &str, _: &[Pill]) -> Result<(u64, String, String), ArgError> {
    let (first, rest) = split_first(args);
    let number = first.and_then(parse_number).ok_or(ArgError::Usage)?;
    let (field, value) = split_first(rest);
    let field = field.ok_or(ArgError::Usage)?;
    // "adresse : 14 rue …", "adresse = …": the separator is no part of the value.
    let value = value.trim_start_matches([':', '=']).trim();
    Ok((number, field.trim_end_matches([':', '=']).to_owned(), value.to_owned()))
}

/// A number and, if any, why (`!desinscrire <n> [raison]`).
pub fn number_and_reason(args: &str, _: &[Pill]) -> Result<(u64, Option<String>), ArgError> {
    let (first, rest) = split_first(args);
    let number = first.and_then(parse_number).ok_or(ArgError::Usage)?;
    Ok((number, non_empty(rest)))
}

/// `!registre`, `!registre <n>`, `!registre export`.
pub fn registry(args: &str, _: &[Pill]) -> Result<RegistryView, ArgError> {
    if args.is_empty() {
        return Ok(RegistryView::Summary);
    }
    if let Some(number) = lone_number(args) {
        return Ok(RegistryView::Entry(number));
    }
    match fold(args).as_str() {
        "export" | "exporter" | "exporte" | "csv" | "prefet" | "prefecture" | "pour le prefet" => {
            Ok(RegistryView::Export)
        }
        _ => Err(ArgError::Usage),
    }
}

/// Words that take someone off the callers, folded.
const REMOVE: &[&str] = &["retirer", "retire", "enlever", "supprimer", "remove", "off", "-"];

/// `!appelant` (the list), `!appelant @personne`, `!appelant retirer @personne` (or the
/// word after the person).
pub fn caller(args: &str, pills: &[Pill]) -> Result<(Option<OwnedUserId>, bool), ArgError> {
    if args.is_empty() {
        return Ok((None, false));
    }
    let (first, rest) = split_first(args);
    if first.is_some_and(|word| REMOVE.contains(&fold(word).as_str())) {
        return Ok((Some(user(rest, pills)?), true));
    }
    let (person, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    match rest {
        "" => Ok((Some(person), false)),
        word if REMOVE.contains(&fold(word).as_str()) => Ok((Some(person), true)),
        _ => Err(ArgError::Usage),
    }
}

/// "75 ans et plus", "plus de 75 ans", "75+", "over 75", "75 and over": an age and over.
static AGE_AND_OVER: Lazy<Regex> = lazy_regex!(
    r"(?i)(?:^|[\s,;])(?:(\d{2,3}) ?ans? et plus|plus de (\d{2,3}) ans|(\d{2,3}) ?\+|over (\d{2,3})|(\d{2,3}) and over|aged (\d{2,3}) and over)(?:$|[\s,;])"
);

/// "quartier Les Tilleuls", "area Centre": one neighbourhood, to a comma, a semicolon or
/// the end of the text.
static AREA: Lazy<Regex> = lazy_regex!(
    r"(?i)(?:^|[\s,;])(?:quartier|secteur|area|neighbourhood|neighborhood)\s*:?\s+([^,;]+)"
);

/// Takes the scope out of a campaign's arguments: the arguments left, and the scope.
fn scope(args: &str) -> (String, Scope) {
    let mut rest = args.to_owned();
    let mut scope = Scope::default();
    if let Some(found) = AREA.captures(&rest) {
        let area = found.get(1).map(|m| m.as_str().trim().trim_end_matches('.').to_owned());
        scope.area = area.filter(|area| !area.is_empty());
        if let Some(range) = found.get(0).map(|m| m.range()) {
            rest.replace_range(range, " ");
        }
    }
    if let Some(found) = AGE_AND_OVER.captures(&rest) {
        scope.min_age = found.iter().skip(1).flatten().find_map(|m| m.as_str().parse().ok());
        let range = found.get(0).map(|m| m.range());
        if let Some(range) = range {
            rest.replace_range(range, " ");
        }
    }
    let rest = rest.trim().trim_end_matches([',', ';']).trim().to_owned();
    (rest, scope)
}

/// Words that ask for a campaign's report, folded.
const REPORT: &[&str] = &["bilan", "rapport", "compte rendu", "report", "summary"];

/// `!campagne` (the board), `!campagne canicule` / `grand froid` / `appels` / a free
/// name (start), `!campagne fin` (end), `!campagne bilan [n°]` (a report).
pub fn campaign(args: &str, _: &[Pill]) -> Result<CampaignAsk, ArgError> {
    let (args, scope) = scope(args);
    let args = args.as_str();
    let folded = fold(args);
    let folded = folded.trim();
    let report = REPORT.iter().find_map(|word| {
        folded.strip_prefix(word).filter(|rest| rest.is_empty() || rest.starts_with(' '))
    });
    if let Some(rest) = report {
        if !scope.is_everyone() {
            return Err(ArgError::Usage);
        }
        if rest.trim().is_empty() {
            return Ok(CampaignAsk::Report(None));
        }
        // The number as written ("n°3" folds to something else).
        let number = match rest.split_whitespace().count() {
            1 => args.split_whitespace().last().and_then(lone_number),
            _ => None,
        };
        return number.map(|n| CampaignAsk::Report(Some(n))).ok_or(ArgError::Usage);
    }
    Ok(match folded {
        // A part of the register is said only to start a campaign.
        "" | "tableau" | "etat" | "point" | "board" | "status" | "fin" | "terminer" | "termine"
        | "arret" | "arreter" | "stop" | "end" | "over"
            if !scope.is_everyone() =>
        {
            return Err(ArgError::Usage);
        }
        "" | "tableau" | "etat" | "point" | "board" | "status" => CampaignAsk::Board,
        "fin" | "terminer" | "termine" | "arret" | "arreter" | "stop" | "end" | "over" => {
            CampaignAsk::End
        }
        "canicule" | "chaleur" | "vague de chaleur" | "heatwave" | "heat wave" | "heat" => {
            CampaignAsk::Start(CampaignKind::Heatwave, scope)
        }
        "grand froid" | "froid" | "vague de froid" | "cold" | "cold spell" | "cold wave" => {
            CampaignAsk::Start(CampaignKind::Cold, scope)
        }
        "appels" | "appels mensuelle" | "appels mensuels" | "mensuelle" | "tournee" | "routine"
        | "calls" | "monthly" | "round" => CampaignAsk::Start(CampaignKind::Routine, scope),
        _ if args.chars().count() > 60 => return Err(ArgError::Usage),
        _ => CampaignAsk::Start(CampaignKind::Named(args.trim().to_owned()), scope),
    })
}

/// Words that say a call reached the person, all well (folded, whole argument).
const REACHED: &[&str] = &[
    "ok",
    "joint",
    "jointe",
    "joints",
    "bien",
    "va bien",
    "tout va bien",
    "repond",
    "a repondu",
    "reached",
    "fine",
    "all well",
    "answered",
    "well",
];
/// Words that say nobody answered.
const NO_ANSWER: &[&str] = &[
    "absent",
    "absente",
    "pas de reponse",
    "sans reponse",
    "repond pas",
    "ne repond pas",
    "injoignable",
    "repondeur",
    "messagerie",
    "noanswer",
    "no answer",
    "no reply",
    "voicemail",
];
/// Words that say someone must go to the door.
const VISIT: &[&str] = &["visite", "passer", "aller voir", "visit", "go round", "door"];
/// Words that open what the person needs.
const NEEDS: &[&str] = &["besoin", "besoin de", "a besoin", "a besoin de", "needs", "need"];

/// `!appel <n> ok|absent|besoin <ce qu'il faut>|visite`.
pub fn call(args: &str, _: &[Pill]) -> Result<(u64, CallSaid), ArgError> {
    let (first, rest) = split_first(args);
    let number = first.and_then(parse_number).ok_or(ArgError::Usage)?;
    let rest = rest.trim_start_matches([':', ',', '-', '—']).trim();
    let folded = fold(rest);
    let folded = folded.trim_end_matches(['.', '!']).trim();
    if REACHED.contains(&folded) {
        return Ok((number, CallSaid::Reached));
    }
    if NO_ANSWER.contains(&folded) {
        return Ok((number, CallSaid::NoAnswer));
    }
    if VISIT.contains(&folded) {
        return Ok((number, CallSaid::Visit));
    }
    // The longest opening first: "a besoin de courses" keeps "courses".
    let mut openings: Vec<&&str> = NEEDS.iter().collect();
    openings.sort_by_key(|words| std::cmp::Reverse(words.len()));
    for opening in openings {
        if let Some(after) = strip_words(rest, &[&opening.split(' ').collect::<Vec<_>>()]) {
            let what = after.trim_start_matches([':', ',']).trim();
            if !what.is_empty() {
                return Ok((number, CallSaid::NeedsHelp(what.to_owned())));
            }
        }
    }
    Err(ArgError::Usage)
}

/// Words that open a sign-up to the register, folded.
const SIGN_UP: &[&str] =
    &["inscription", "inscrire", "inscris", "inscrivez", "signup", "sign-up", "register", "enrol"];
/// Words that ask to stay on it, folded.
const STAY: &[&str] = &["rester", "reste", "maintien", "maintenir", "oui", "stay", "keep", "yes"];
/// Words that ask to come off it, folded.
const LEAVE: &[&str] = &[
    "retrait",
    "retirer",
    "desinscription",
    "desinscrire",
    "desinscris",
    "remove",
    "leave",
    "unenrol",
    "unregister",
];

/// `!alerte inscription <ce que la personne écrit>`, `!alerte retrait`.
pub fn alert(args: &str, _: &[Pill]) -> Result<AlertAsk, ArgError> {
    let (first, rest) = split_first(args);
    let first = fold(first.unwrap_or_default());
    let first = first.trim_end_matches([':', ',']);
    if LEAVE.contains(&first) && rest.is_empty() {
        return Ok(AlertAsk::Leave);
    }
    if STAY.contains(&first) && rest.is_empty() {
        return Ok(AlertAsk::Stay);
    }
    if SIGN_UP.contains(&first) {
        let rest = rest.trim_start_matches([':', ',']).trim();
        if rest.is_empty() {
            return Err(ArgError::Usage);
        }
        if rest.chars().count() > MAX_REQUEST_CHARS {
            return Err(ArgError::TooLong(rest.chars().count()));
        }
        return Ok(AlertAsk::SignUp(rest.to_owned()));
    }
    Err(ArgError::Usage)
}

/// A period (`!stats [période]`, `!rapport [période]`; nothing: this month).
pub fn period(args: &str, _: &[Pill]) -> Result<Span, ArgError> {
    read_period(args).ok_or(ArgError::Usage)
}

/// `!profil [âge] [genre]`
pub fn profile(args: &str, _: &[Pill]) -> Result<ProfileAnswer, ArgError> {
    read_profile(args).ok_or(ArgError::Usage)
}

/// `!demandes [ouvertes|prises|toutes|en cours] [quartier]`
pub fn requests(args: &str, _: &[Pill]) -> Result<(RequestFilter, Option<String>), ArgError> {
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
    Ok((filter.unwrap_or_default(), non_empty(neighbourhood)))
}

/// `!avis [n] <mot>`: how it went, in a word (or 👍 / 👎); the number is implied in the
/// request's private room.
pub fn feedback(args: &str, _: &[Pill]) -> Result<(Option<u64>, String), ArgError> {
    let (first, rest) = split_first(args);
    let (number, note) = match first.and_then(parse_number) {
        Some(n) => (Some(n), rest),
        None if first.is_some_and(looks_numeric) => return Err(ArgError::Usage),
        None => (None, args),
    };
    let note = non_empty(note).ok_or(ArgError::Usage)?;
    let chars = note.chars().count();
    if chars > MAX_REQUEST_CHARS {
        return Err(ArgError::TooLong(chars));
    }
    Ok((number, note))
}

/// `!oubliemoi [confirmer]`: whether it is confirmed (nothing: not yet); anything else is
/// not understood, so that "non" never erases.
pub fn confirmation(args: &str, _: &[Pill]) -> Result<bool, ArgError> {
    let folded = fold(args);
    let mut words = folded.split_whitespace().filter(|word| !matches!(*word, "je" | "i"));
    match (words.next(), words.next()) {
        (None, _) if args.is_empty() => Ok(false),
        (Some(word), None) if CONFIRMING.contains(&word.trim_matches(['!', '.'])) => Ok(true),
        _ => Err(ArgError::Usage),
    }
}

/// `!effacer @personne [confirmer]`
pub fn user_and_confirmation(args: &str, pills: &[Pill]) -> Result<(OwnedUserId, bool), ArgError> {
    let (user, rest) = user_argument(args, pills).ok_or(ArgError::Usage)?;
    Ok((user, confirmation(rest, pills)?))
}

/// Words that confirm an erasure, folded: people write "confirmer", "je confirme",
/// "oui", "confirm", "yes"…
const CONFIRMING: &[&str] = &["confirmer", "confirme", "oui", "confirm", "confirmed", "yes"];

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
    match (words.next().and_then(parse_number), words.next()) {
        (Some(number), None) => Some(number),
        _ => None,
    }
}

/// A request number: `12`, `#12`, `n°12`, `no12`, `nº12`. Zero is no number.
fn parse_number(word: &str) -> Option<u64> {
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
