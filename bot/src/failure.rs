//! Why a command did not go through, and the one function that turns that into what the
//! person sees: a usage line, a polite refusal, or a short apology whose cause is logged.

use entraide_commands::{
    Catalogue, CommandKind, Key, Lang, MAX_REQUEST_CHARS, Message, ParseError, Refusal,
};
use entraide_storage::{State, StoreError, TransitionError};
use tracing::error;

/// Why a command did not go through.
#[derive(Debug)]
pub enum Failure {
    /// The message was not a valid command.
    Parse(ParseError),
    /// The person may not do this here.
    Refused(Refusal, CommandKind),
    /// The command lacks something the context could not supply (which request?).
    Usage(CommandKind),
    /// The request is not in a state that allows it.
    Transition(TransitionError, CommandKind),
    /// The person asked more than the configured limits allow.
    TooMany(Limit),
    /// A coordinator blocked the person's requests.
    Blocked,
    /// The volunteer accepted an older version of the charter.
    CharterOutdated,
    /// A volunteer tried to take up their own offer.
    OwnOffer(u64),
    /// An offer has nowhere to go: the bot serves no neighbourhood room.
    NoNeighbourhoodRoom,
    /// Something broke on the bot's side.
    Internal(anyhow::Error),
}

/// A limit on how much one person may ask, with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Requests open or under way at once.
    Open(usize),
    /// Requests in 24 hours.
    Daily(usize),
}

/// For logs and tests: an internal failure shows its cause, the others what they are.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Internal(error) => write!(f, "{error:#}"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl std::error::Error for Failure {}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Internal(error.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Internal(error)
    }
}

impl Failure {
    /// The request the failure is about, when it names one.
    pub fn request_number(&self) -> Option<u64> {
        let Failure::Transition(error, _) = self else {
            return None;
        };
        match error {
            TransitionError::NoSuchRequest(number)
            | TransitionError::NotHolder(number)
            | TransitionError::NotRequester(number)
            | TransitionError::NotOpen { number, .. }
            | TransitionError::NotClaimed { number, .. }
            | TransitionError::NotRepeating(number)
            | TransitionError::StepNotDue { number, .. } => Some(*number),
            TransitionError::AlreadyHandled
            | TransitionError::NoSuchEntry(_)
            | TransitionError::EntryUnchanged(_)
            | TransitionError::NotCaller
            | TransitionError::CampaignRunning(_)
            | TransitionError::CampaignOver(_)
            | TransitionError::NoSuchCampaign(_)
            | TransitionError::NotOnList(_)
            | TransitionError::Store(_) => None,
        }
    }

    /// Logs what the person is not shown: the cause of an internal failure.
    pub fn log(&self) {
        match self {
            Failure::Internal(error) => {
                error!(error = %format!("{error:#}"), "internal failure");
            }
            Failure::Transition(TransitionError::Store(error), _) => {
                error!(%error, "store failure");
            }
            _ => {}
        }
    }
}

/// What the person sees for `failure`, in `lang`; `None` when nothing is to be said (the
/// event was already handled).
pub fn message(texts: &Catalogue, failure: &Failure, lang: Lang) -> Option<Message> {
    let render = |key, args: &[(&str, &str)]| texts.render(lang, key, args);
    let with_number = |key, number: u64| render(key, &[("number", &number.to_string())]);
    let with_state = |key, number: u64, state: &State| {
        let state = texts.text(lang, state_key(state), &[]);
        render(key, &[("number", &number.to_string()), ("state", &state)])
    };
    Some(match failure {
        Failure::Parse(ParseError::Unknown { word }) => {
            render(Key::UnknownCommand, &[("word", word)])
        }
        Failure::Parse(ParseError::Usage { kind, .. }) | Failure::Usage(kind) => {
            texts.usage(lang, *kind)
        }
        Failure::Parse(ParseError::TooLong { chars, .. }) => render(
            Key::TooLong,
            &[("chars", &chars.to_string()), ("max", &MAX_REQUEST_CHARS.to_string())],
        ),
        Failure::Refused(refusal, kind) => match refusal {
            Refusal::NotVetted => render(Key::RefusedNotVetted, &[]),
            Refusal::Banned => render(Key::RefusedBanned, &[]),
            Refusal::NotCoordinator => render(Key::RefusedNotCoordinator, &[]),
            Refusal::WrongPlace(_) => render(Key::RefusedWrongPlace, &[("word", kind.word(lang))]),
        },
        Failure::Transition(error, kind) => match error {
            // Only the bot takes follow-up steps: nobody is to be told.
            TransitionError::AlreadyHandled | TransitionError::StepNotDue { .. } => return None,
            TransitionError::NoSuchRequest(number) | TransitionError::NotOpen { number, .. }
                if *kind == CommandKind::Yes =>
            {
                with_number(Key::OfferGone, *number)
            }
            TransitionError::NoSuchRequest(number) => with_number(Key::NoSuchRequest, *number),
            TransitionError::NotOpen { number, state: State::Claimed { .. } }
                if *kind == CommandKind::Take =>
            {
                with_number(Key::AlreadyTaken, *number)
            }
            TransitionError::NotOpen { number, state } => with_state(Key::NotOpen, *number, state),
            TransitionError::NotClaimed { number, state } => {
                with_state(Key::NotClaimed, *number, state)
            }
            TransitionError::NotHolder(number) => with_number(Key::NotHolder, *number),
            TransitionError::NotRequester(number) => with_number(Key::NotRequester, *number),
            TransitionError::NotRepeating(number) => with_number(Key::NotRepeating, *number),
            TransitionError::NoSuchEntry(number) => with_number(Key::NoSuchEntry, *number),
            TransitionError::EntryUnchanged(number) => with_number(Key::EntryUnchanged, *number),
            TransitionError::NotCaller => render(Key::PledgeNotCaller, &[]),
            TransitionError::CampaignRunning(number) => with_number(Key::CampaignRunning, *number),
            TransitionError::CampaignOver(_) | TransitionError::NoSuchCampaign(_) => {
                render(Key::CallNoCampaign, &[])
            }
            TransitionError::NotOnList(number) => with_number(Key::CallNotYours, *number),
            TransitionError::Store(_) => render(Key::InternalError, &[]),
        },
        Failure::Blocked => render(Key::RequestBlocked, &[]),
        Failure::CharterOutdated => render(Key::CharterOutdated, &[]),
        Failure::OwnOffer(number) => with_number(Key::OfferOwn, *number),
        Failure::NoNeighbourhoodRoom => render(Key::OfferNoRooms, &[]),
        Failure::TooMany(Limit::Open(max)) => {
            render(Key::TooManyOpen, &[("max", &max.to_string())])
        }
        Failure::TooMany(Limit::Daily(max)) => {
            render(Key::TooManyToday, &[("max", &max.to_string())])
        }
        Failure::Internal(_) => render(Key::InternalError, &[]),
    })
}

/// The catalogue's name of a request's state.
pub fn state_key(state: &State) -> Key {
    match state {
        State::Open => Key::StateOpen,
        State::Claimed { .. } => Key::StateClaimed,
        State::Done { .. } => Key::StateDone,
        State::Cancelled { .. } => Key::StateCancelled,
        State::Expired => Key::StateExpired,
        State::Offered => Key::StateOffered,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn texts() -> Catalogue {
        Catalogue::builtin().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The message for `failure`, and the one it should be, rendered from the catalogue.
    fn says(failure: Failure, lang: Lang, key: Key, args: &[(&str, &str)]) {
        let texts = texts();
        assert_eq!(
            message(&texts, &failure, lang),
            Some(texts.render(lang, key, args)),
            "{failure:?}"
        );
    }

    #[test]
    fn parse_errors_quote_the_usage_or_the_word() {
        for lang in Lang::ALL {
            let unknown = Failure::Parse(ParseError::Unknown { word: "xyz".into() });
            says(unknown, lang, Key::UnknownCommand, &[("word", "xyz")]);
            let usage = Failure::Parse(ParseError::Usage { kind: CommandKind::Take, lang });
            says(usage, lang, Key::UsageTake, &[]);
            says(Failure::Usage(CommandKind::Done), lang, Key::UsageDone, &[]);
            let long = Failure::Parse(ParseError::TooLong { chars: 1200, lang });
            says(long, lang, Key::TooLong, &[("chars", "1200"), ("max", "1000")]);
        }
    }

    #[test]
    fn limits_say_how_many() {
        for lang in Lang::ALL {
            says(Failure::TooMany(Limit::Open(3)), lang, Key::TooManyOpen, &[("max", "3")]);
            says(Failure::TooMany(Limit::Daily(10)), lang, Key::TooManyToday, &[("max", "10")]);
            says(Failure::Blocked, lang, Key::RequestBlocked, &[]);
        }
    }

    #[test]
    fn refusals_are_polite_and_name_the_command_when_the_room_is_wrong() {
        let take = CommandKind::Take;
        says(Failure::Refused(Refusal::NotVetted, take), Lang::Fr, Key::RefusedNotVetted, &[]);
        says(Failure::Refused(Refusal::Banned, take), Lang::Fr, Key::RefusedBanned, &[]);
        let vet = CommandKind::Vet;
        says(
            Failure::Refused(Refusal::NotCoordinator, vet),
            Lang::En,
            Key::RefusedNotCoordinator,
            &[],
        );
        says(
            Failure::Refused(Refusal::WrongPlace(take), take),
            Lang::Fr,
            Key::RefusedWrongPlace,
            &[("word", "prendre")],
        );
        says(
            Failure::Refused(Refusal::WrongPlace(take), take),
            Lang::En,
            Key::RefusedWrongPlace,
            &[("word", "take")],
        );
    }

    #[test]
    fn transitions_say_where_the_request_stands() {
        let claimed = State::Claimed { volunteer: "@v:x".into(), at: Utc::now() };
        let open = |state: State| TransitionError::NotOpen { number: 4, state };
        says(
            Failure::Transition(open(claimed.clone()), CommandKind::Take),
            Lang::Fr,
            Key::AlreadyTaken,
            &[("number", "4")],
        );
        says(
            Failure::Transition(open(claimed.clone()), CommandKind::Cancel),
            Lang::Fr,
            Key::NotOpen,
            &[("number", "4"), ("state", "prise en charge")],
        );
        says(
            Failure::Transition(open(State::Expired), CommandKind::Take),
            Lang::En,
            Key::NotOpen,
            &[("number", "4"), ("state", "expired")],
        );
        says(
            Failure::Transition(
                TransitionError::NotClaimed { number: 4, state: State::Open },
                CommandKind::Done,
            ),
            Lang::Fr,
            Key::NotClaimed,
            &[("number", "4"), ("state", "ouverte")],
        );
        for (error, key) in [
            (TransitionError::NoSuchRequest(4), Key::NoSuchRequest),
            (TransitionError::NotRepeating(4), Key::NotRepeating),
            (TransitionError::NotHolder(4), Key::NotHolder),
            (TransitionError::NotRequester(4), Key::NotRequester),
        ] {
            says(
                Failure::Transition(error, CommandKind::Release),
                Lang::Fr,
                key,
                &[("number", "4")],
            );
        }
    }

    #[test]
    fn internal_failures_get_an_apology_and_handled_events_silence() {
        says(Failure::Internal(anyhow::anyhow!("disk full")), Lang::Fr, Key::InternalError, &[]);
        let texts = texts();
        let handled = Failure::Transition(TransitionError::AlreadyHandled, CommandKind::Request);
        assert_eq!(message(&texts, &handled, Lang::Fr), None);
    }
}
