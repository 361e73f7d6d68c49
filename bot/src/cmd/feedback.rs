//! `!avis [n] <mot>` / `!feedback [n] <word>`, or 👍 / 👎 in a request's private room once
//! it is done: the person who asked says how it went, logged with the request; and the
//! question the bot asks them when the volunteer closes it.

use entraide_commands::{CommandKind, Key, Place, rules};
use entraide_storage::{Action, Effect, Lane, Request, Shape, State, Target, TransitionError};
use matrix_sdk::ruma::{EventId, RoomId, UserId};
use tracing::{error, info};

use super::Ctx;
use crate::{
    failure::{self, Failure},
    plan,
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
        lane: Lane::room(room),
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
    use entraide_commands::{CommandKind, Lang};
    use entraide_storage::Lane;
    use entraide_storage::{Action, Outcome, Shape, Target, TransitionError};
    use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId};

    use super::{apply, ask, by_reaction, thumb};
    use crate::{
        cmd::desk::{DIRECT, Desk, Result, TILLEULS, is_notice_to, user},
        failure::Failure,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";
    const PRIVATE: &str = "!private-1:x";

    /// Request 1 of Marie's, done by Paul in the private room [`PRIVATE`].
    async fn done(desk: &mut Desk) -> Result<()> {
        desk.request(MARIE, "courses demain").await?;
        desk.claimed(1, PAUL, Some(PRIVATE)).await?;
        let now = desk.scheme.now();
        desk.scheme.store.done(1, PAUL, None, None, now, |_| Vec::new()).await?;
        Ok(())
    }

    /// The feedback logged on request 1.
    fn notes(desk: &Desk) -> Result<Vec<String>> {
        let log = desk.scheme.store.log_of(1)?;
        Ok(log
            .into_iter()
            .filter(|entry| entry.outcome == Outcome::Feedback)
            .filter_map(|entry| entry.note)
            .collect())
    }

    #[tokio::test]
    async fn the_person_who_asked_gives_feedback_on_their_latest_done_request_and_is_thanked()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        done(&mut desk).await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, None, "parfait").await?;
        assert_eq!(notes(&desk)?, ["parfait"]);
        let owed = desk.owed();
        assert_eq!(owed.len(), 1);
        assert!(is_notice_to(&owed[0], &Target::Id { id: DIRECT.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("Merci pour votre avis sur la demande n°1"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn feedback_on_a_request_not_done_is_answered_once_and_logged_nowhere() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        let ctx = desk.ctx_in(TILLEULS, MARIE, Lang::En)?;
        apply(&desk.scheme, &ctx, Some(1), "great").await?;
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1);
        assert!(said[0].contains("Request 1 is not done yet"), "{said:?}");
        let again = apply(&desk.scheme, &ctx, Some(1), "great").await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::AlreadyHandled, _))),
            "the same command again is said nothing: {again:?}"
        );
        assert!(desk.owed().is_empty());
        assert!(notes(&desk)?.is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn without_a_done_request_it_asks_which_and_another_s_request_is_refused() -> Result<()> {
        let mut desk = Desk::new().await?;
        let refused = apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, None, "bien").await;
        assert!(matches!(refused, Err(Failure::Usage(CommandKind::Feedback))), "{refused:?}");
        done(&mut desk).await?;
        let refused = apply(&desk.scheme, &desk.ctx(TILLEULS, "@bob:x")?, Some(1), "bof").await;
        assert!(
            matches!(refused, Err(Failure::Transition(TransitionError::NotRequester(1), _))),
            "{refused:?}"
        );
        assert!(notes(&desk)?.is_empty());
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_thumb_of_the_requester_in_the_private_room_is_their_feedback_once() -> Result<()> {
        let mut desk = Desk::new().await?;
        done(&mut desk).await?;
        let room = OwnedRoomId::try_from(PRIVATE)?;
        let event = OwnedEventId::try_from("$thumb:x")?;
        by_reaction(&desk.scheme, &room, &event, &user(PAUL)?, "👍").await;
        by_reaction(&desk.scheme, &room, &event, &user(MARIE)?, "❤️").await;
        assert!(notes(&desk)?.is_empty(), "the volunteer's thumb, another emoji: no feedback");
        assert!(desk.owed().is_empty());

        by_reaction(&desk.scheme, &room, &event, &user(MARIE)?, "👍🏽").await;
        by_reaction(&desk.scheme, &room, &event, &user(MARIE)?, "👍🏽").await;
        assert_eq!(notes(&desk)?, ["👍"], "the same reaction twice is logged once");
        let owed = desk.owed();
        assert_eq!(owed.len(), 1);
        assert!(is_notice_to(&owed[0], &Target::Id { id: PRIVATE.to_owned() }));
        assert!(matches!(&owed[0].action, Action::Notice { mention: Some(m), .. } if m == MARIE));
        assert!(Desk::said(&owed)[0].contains("Merci pour votre avis sur la demande n°1"));
        Ok(())
    }

    #[tokio::test]
    async fn the_question_goes_to_the_private_room_mentioning_the_requester_if_there_is_one()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        let request = desk.request(MARIE, "courses demain").await?;
        assert_eq!(ask(&desk.scheme, &request), None, "no private room, no question");
        let request = desk.claimed(1, PAUL, Some(PRIVATE)).await?;
        let asked = ask(&desk.scheme, &request).ok_or("a question")?;
        assert_eq!((asked.request, &asked.lane), (1, &Lane::room(PRIVATE)));
        let Action::Notice { to, message, shape, mention } = &asked.action else {
            return Err("a notice".into());
        };
        assert_eq!((to, shape, mention.as_deref()), (&Target::Private, &Shape::New, Some(MARIE)));
        assert!(message.plain.starts_with("@marie:x, comment cela s'est-il passé ?"));
        Ok(())
    }

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
