//! `!demande <n>` or `!fiche <n>` / `!request <n>` or `!show <n>`: a coordinator looks at
//! one request: what it is for (the text masked, as the volunteers see it), who made it
//! and when, where it stands, and its whole log.

use entraide_commands::{CommandKind, Key, Lang, Message};
use entraide_storage::{LogEntry, Outcome, State, TransitionError};

use super::Ctx;
use crate::{
    failure::{Failure, state_key},
    scheme::Scheme,
};

/// Answers with request `number`'s details and log.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    let lang = ctx.lang;
    let Some(request) = scheme.store.request(number)? else {
        return Err(Failure::Transition(TransitionError::NoSuchRequest(number), CommandKind::Show));
    };
    let holder = match &request.state {
        State::Claimed { volunteer, .. } | State::Done { volunteer, .. } => {
            scheme.texts.text(lang, Key::RequestHolder, &[("volunteer", volunteer)])
        }
        _ => String::new(),
    };
    let extra = [
        ("requester", request.requester.clone()),
        ("created", date(scheme, request.created_at)),
        ("state", scheme.texts.text(lang, state_key(&request.state), &[])),
        ("holder", holder),
    ];
    let mut lines = vec![scheme.about(&request, lang, Key::RequestDetails, &extra)];
    lines.push(scheme.texts.render(lang, Key::RequestLogHeader, &[]));
    lines.extend(scheme.store.log_of(number)?.iter().map(|entry| log_line(scheme, lang, entry)));
    ctx.answer(scheme, &Message::lines(lines), None);
    Ok(())
}

/// A time as the commune reads it.
fn date(scheme: &Scheme, at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&scheme.config.timezone).format("%d/%m/%Y %H:%M").to_string()
}

/// One step of the log: when, what, who, and the volunteer's word when it was closed.
fn log_line(scheme: &Scheme, lang: Lang, entry: &LogEntry) -> Message {
    let outcome = scheme.texts.text(lang, outcome_key(entry.outcome), &[]);
    let note = entry.note.as_deref().map_or_else(String::new, |note| {
        scheme.texts.text(lang, Key::RequestLogNote, &[("note", note)])
    });
    let at = date(scheme, entry.at);
    let args =
        [("at", at.as_str()), ("outcome", &outcome), ("actor", &entry.actor), ("note", &note)];
    scheme.texts.render(lang, Key::RequestLogLine, &args)
}

/// The catalogue's name of a step.
fn outcome_key(outcome: Outcome) -> Key {
    match outcome {
        Outcome::Created => Key::OutcomeCreated,
        Outcome::Relayed => Key::OutcomeRelayed,
        Outcome::Claimed => Key::OutcomeClaimed,
        Outcome::PrivateRoomCreated => Key::OutcomePrivateRoomCreated,
        Outcome::Released => Key::OutcomeReleased,
        Outcome::Done => Key::OutcomeDone,
        Outcome::Cancelled => Key::OutcomeCancelled,
        Outcome::Expired => Key::OutcomeExpired,
        Outcome::Reminded => Key::OutcomeReminded,
        Outcome::Escalated => Key::OutcomeEscalated,
        Outcome::Nudged => Key::OutcomeNudged,
        Outcome::EscalatedClaim => Key::OutcomeEscalatedClaim,
        Outcome::Erased => Key::OutcomeErased,
        Outcome::Feedback => Key::OutcomeFeedback,
        Outcome::Offered => Key::OutcomeOffered,
        Outcome::OfferTaken => Key::OutcomeOfferTaken,
    }
}
