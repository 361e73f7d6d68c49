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

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::TransitionError;

    use super::apply;
    use crate::{
        cmd::desk::{AGENT, COORDINATION, Desk, Result},
        failure::Failure,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";
    const PHONE: &str = "06 12 34 56 78";

    #[tokio::test]
    async fn a_request_is_shown_masked_with_who_made_it_who_holds_it_and_its_log() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, &format!("courses demain matin, appelez-moi au {PHONE}")).await?;
        let now = desk.scheme.now();
        desk.scheme.store.claim(1, PAUL, None, now, |_| Vec::new()).await?;
        let note = Some("tout s'est bien passé");
        desk.scheme.store.done(1, PAUL, note, None, now, |_| Vec::new()).await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "{owed:?}");
        let said = &Desk::said(&owed)[0];
        assert!(said.contains("Demande n°1"), "{said}");
        assert!(!said.contains(PHONE), "the text masked, as the volunteers see it: {said}");
        assert!(said.contains(&format!("Faite par {MARIE}")), "{said}");
        assert!(said.contains(&format!("État : réalisée, par {PAUL}")), "{said}");
        assert!(said.contains("Journal de la demande"), "{said}");
        let log: Vec<&str> = said.lines().skip_while(|line| !line.contains("Journal")).collect();
        assert_eq!(log.len(), 4, "the header and three steps: {log:?}");
        assert!(log[1].contains(&format!("faite — {MARIE}")), "{log:?}");
        assert!(log[2].contains(&format!("prise — {PAUL}")), "{log:?}");
        assert!(
            log[3].contains(&format!("réalisée — {PAUL} — « tout s'est bien passé »")),
            "{log:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_open_request_is_shown_in_english_without_a_holder() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain matin").await?;
        apply(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::En)?, 1).await?;
        let said = &Desk::said(&desk.owed())[0];
        assert!(said.contains("Request #1"), "{said}");
        assert!(said.contains("The request's log:"), "{said}");
        assert!(!said.contains(", by "), "nobody holds it: {said}");
        Ok(())
    }

    #[tokio::test]
    async fn a_request_that_does_not_exist_is_refused_and_nothing_is_said() -> Result<()> {
        let mut desk = Desk::new().await?;
        let refused = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 7).await;
        assert!(
            matches!(refused, Err(Failure::Transition(TransitionError::NoSuchRequest(7), _))),
            "{refused:?}"
        );
        assert!(desk.owed().is_empty());
        Ok(())
    }
}
