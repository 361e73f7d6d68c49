//! `!avis [n] <mot>` / `!feedback [n] <word>`, or 👍 / 👎 in a request's private room once
//! it is done: the person who asked says how it went, logged with the request; and the
//! question the bot asks them when the volunteer closes it.

use entraide_commands::{CommandKind, Key, Place, rules};
use entraide_storage::{Action, Effect, Request, Shape, State, Target, TransitionError};
use matrix_sdk::ruma::{EventId, RoomId, UserId};
use tracing::{error, info};

use super::Ctx;
use crate::{
    effects::plan,
    failure::{self, Failure},
    scheme::Scheme,
};

/// Logs `note` as the feedback on request `number` (the private room's, else the
/// author's latest request that was done).
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    number: Option<u64>,
    note: &str,
) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = match rules::request_number(number, ctx.place) {
        Some(number) => number,
        None => scheme
            .store
            .requests_of(sender)?
            .into_iter()
            .filter(|request| matches!(request.state, State::Done { .. }))
            .map(|request| request.number)
            .max()
            .ok_or(Failure::Usage(CommandKind::Feedback))?,
    };
    match scheme.store.feedback(number, sender, note, Some(ctx.event()), scheme.now()).await {
        Ok(request) => {
            info!(request = number, "feedback");
            ctx.answer(scheme, &thanks(scheme, ctx, &request), Some(&request));
            Ok(())
        }
        Err(TransitionError::NotClaimed { number, state }) => {
            // Refused: recorded nowhere, answered once.
            if scheme.mark_handled(&ctx.reply_to.event).await {
                let state = scheme.texts.text(ctx.lang, failure::state_key(&state), &[]);
                let args = [("number", number.to_string()), ("state", state)];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                ctx.answer(
                    scheme,
                    &scheme.texts.render(ctx.lang, Key::FeedbackNotDone, &args),
                    None,
                );
            }
            Ok(())
        }
        Err(error) => Err(Failure::Transition(error, CommandKind::Feedback)),
    }
}

fn thanks(scheme: &Scheme, ctx: &Ctx, request: &Request) -> entraide_commands::Message {
    scheme.texts.render(ctx.lang, Key::FeedbackThanks, &[("number", &request.number.to_string())])
}

/// 👍 or 👎 (any skin tone) by the person who asked, in the private room of their
/// request once it is done, is their feedback; any other reaction there is no answer.
pub async fn by_reaction(
    scheme: &Scheme,
    room: &RoomId,
    event: &EventId,
    sender: &UserId,
    key: &str,
) {
    let Some(note) = thumb(key) else { return };
    let Ok(Place::Private { request: number }) = scheme.place(room) else { return };
    let request = match scheme.store.request(number) {
        Ok(Some(request)) => request,
        Ok(None) => return,
        Err(error) => {
            error!(request = number, %error, "cannot read the request of a reaction");
            return;
        }
    };
    if request.requester != sender.as_str() || !matches!(request.state, State::Done { .. }) {
        return;
    }
    match scheme
        .store
        .feedback(number, sender.as_str(), note, Some(event.as_str()), scheme.now())
        .await
    {
        Ok(request) => {
            info!(request = number, "feedback by reaction");
            let message = scheme.texts.render(
                request.lang,
                Key::FeedbackThanks,
                &[("number", &number.to_string())],
            );
            scheme.outbox.now(plan::notice_in(room, message, Shape::New, Some(sender.as_str())));
        }
        Err(TransitionError::AlreadyHandled) => {}
        Err(error) => error!(request = number, %error, "cannot record a feedback"),
    }
}

/// What `!fait` owes the person who asked besides the news: the question of how it went,
/// in the private room, mentioning them.
pub fn ask(scheme: &Scheme, request: &Request) -> Option<Effect> {
    let room = request.private_room.as_ref()?;
    let message = scheme.texts.render(
        request.lang,
        Key::FeedbackAsk,
        &[("requester", request.requester.as_str())],
    );
    Some(Effect {
        request: request.number,
        lane: room.clone(),
        urgent: false,
        action: Action::Notice {
            to: Target::Private,
            message,
            shape: Shape::New,
            mention: Some(request.requester.clone()),
        },
    })
}

/// 👍 or 👎, with or without a skin tone or variation selector, as the note logged.
fn thumb(key: &str) -> Option<&'static str> {
    match super::bare_emoji(key) {
        "👍" => Some("👍"),
        "👎" => Some("👎"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::thumb;

    #[test]
    fn thumbs_up_or_down_in_any_skin_tone_are_feedback() {
        for (key, note) in [("👍", "👍"), ("👍🏽", "👍"), ("👍\u{FE0F}", "👍"), ("👎🏿", "👎")]
        {
            assert_eq!(thumb(key), Some(note), "{key}");
        }
        for key in ["✋", "❤️", "👍👍", "", "ok"] {
            assert_eq!(thumb(key), None, "{key}");
        }
    }
}
