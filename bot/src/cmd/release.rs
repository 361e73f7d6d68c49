//! `!lacher [n]` / `!release [n]`: the volunteer gives a request back; it is relayed again.

use entraide_commands::{CommandKind, Key, Place};
use tracing::info;

use super::{Ctx, which_request};
use entraide_storage::{Lane, Request};

use crate::{failure::Failure, plan, scheme::Scheme};

/// Gives back request `number`, or the private room's request, or the only one the
/// author holds.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(scheme, ctx, number, |r| r.state.holder() == Some(sender))?
        .ok_or(Failure::Usage(CommandKind::Release))?;
    // In the private room, the notice of the release (a reply there) is the answer.
    let in_private_room = ctx.place == (Place::Private { request: number });
    let command = in_private_room.then_some(&ctx.reply_to);
    let owed = |request: &Request, old_room: Option<&str>| {
        let mut owed = Vec::new();
        if !in_private_room {
            let message =
                scheme.texts.render(ctx.lang, Key::Released, &[("number", &number.to_string())]);
            owed.push(ctx.reply(scheme, &message, Some(request)));
        }
        owed.extend(plan::release(scheme, request, old_room, sender, command));
        owed
    };
    // What the claim still owed (the intro, telling the requester) is owed no more.
    let dropped = scheme.store.owed_in(number, &Lane::Private)?;
    let (_, _, queued) = scheme
        .store
        .release(number, sender, sender, false, Some(ctx.event()), scheme.now(), &dropped, owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Release))?;
    info!(request = number, "given back");
    scheme.outbox.journalled(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{CommandKind, Key, VolunteerStatus};
    use entraide_storage::{Action, Effect, Lane, Shape, State, Target, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{Desk, Result, VOLUNTEERS},
        failure::Failure,
        plan,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";
    const JEANNE: &str = "@jeanne:x";
    const PRIVATE: &str = "!private1:x";

    /// A desk where Paul holds Marie's request n°1, with its private room made and what
    /// the claim owes in the private room's lane still in the journal.
    async fn held() -> Result<Desk> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain matin").await?;
        for volunteer in [PAUL, JEANNE] {
            desk.volunteer(volunteer, VolunteerStatus::Vetted).await?;
        }
        let scheme = &desk.scheme;
        let owed = |request: &entraide_storage::Request| plan::private_room(scheme, request, PAUL);
        scheme.store.claim(1, PAUL, None, scheme.now(), owed).await?;
        scheme.store.set_private_room(1, PRIVATE, scheme.now(), 0).await?;
        desk.owed();
        Ok(desk)
    }

    /// The kinds of what is owed, in order.
    fn kinds(owed: &[Effect]) -> Vec<String> {
        owed.iter()
            .map(|effect| match &effect.action {
                Action::Notice { to: Target::Id { id }, shape: Shape::New, .. } => {
                    format!("new notice in {id}")
                }
                Action::Notice { to: Target::Id { id }, shape: Shape::Reply { .. }, .. } => {
                    format!("reply in {id}")
                }
                Action::Notice { to: Target::Id { id }, shape: Shape::Thread { .. }, .. } => {
                    format!("thread in {id}")
                }
                Action::Remove { room, user } => format!("remove {user} from {room}"),
                Action::Relay => "relay".to_owned(),
                Action::RetireRelay { key, .. } => format!("relay retired {key:?}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_release_reopens_the_request_tells_the_room_removes_the_volunteer_and_relays_again()
    -> Result<()> {
        let mut desk = held().await?;
        assert!(!desk.scheme.store.owed_in(1, &Lane::Private)?.is_empty());
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        apply(&desk.scheme, &ctx, Some(1)).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.state, State::Open);
        assert_eq!(request.private_room, None);
        assert!(desk.scheme.store.is_handled(ctx.event())?);
        assert!(
            desk.scheme.store.owed_in(1, &Lane::Private)?.is_empty(),
            "what the claim still owed is dropped"
        );
        let owed = desk.owed();
        assert_eq!(
            kinds(&owed),
            [
                format!("thread in {VOLUNTEERS}"),
                format!("new notice in {PRIVATE}"),
                format!("remove {PAUL} from {PRIVATE}"),
                "relay".to_owned(),
                format!("relay retired {:?}", Key::RelayReleased),
            ]
        );
        let said = Desk::said(&owed);
        assert!(said[0].contains("Vous avez rendu la demande n°1"), "{said:?}");
        assert!(said[1].contains("Le/la bénévole a rendu la demande n°1"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn in_the_private_room_the_request_is_implied_and_the_notice_there_is_the_answer()
    -> Result<()> {
        let mut desk = held().await?;
        let ctx = desk.ctx(PRIVATE, PAUL)?;
        apply(&desk.scheme, &ctx, None).await?;
        assert_eq!(desk.scheme.store.request(1)?.ok_or("request 1")?.state, State::Open);
        let owed = desk.owed();
        assert_eq!(
            kinds(&owed),
            [
                format!("reply in {PRIVATE}"),
                format!("remove {PAUL} from {PRIVATE}"),
                "relay".to_owned(),
                format!("relay retired {:?}", Key::RelayReleased),
            ]
        );
        let Action::Notice { shape: Shape::Reply { to }, .. } = &owed[0].action else {
            return Err("a reply".into());
        };
        assert_eq!(to.event, ctx.event(), "a reply to the volunteer's command");
        Ok(())
    }

    #[tokio::test]
    async fn without_a_number_the_only_request_held_is_given_back_else_the_usage_line() -> Result<()>
    {
        let mut desk = held().await?;
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None).await?;
        assert_eq!(desk.scheme.store.request(1)?.ok_or("request 1")?.state, State::Open);
        desk.owed();

        // Paul holds two: which one is not for the bot to guess.
        desk.request(MARIE, "jardinage samedi").await?;
        let now = desk.scheme.now();
        for number in [1, 2] {
            desk.scheme.store.claim(number, PAUL, None, now, |_| Vec::new()).await?;
        }
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None).await;
        assert!(matches!(refused, Err(Failure::Usage(CommandKind::Release))), "{refused:?}");
        for number in [1, 2] {
            let request = desk.scheme.store.request(number)?.ok_or("request")?;
            assert!(matches!(request.state, State::Claimed { .. }), "{number} still held");
        }
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn someone_else_s_request_is_not_given_back() -> Result<()> {
        let mut desk = held().await?;
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, JEANNE)?, Some(1)).await;
        assert!(
            matches!(refused, Err(Failure::Transition(TransitionError::NotHolder(1), _))),
            "{refused:?}"
        );
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(matches!(&request.state, State::Claimed { volunteer, .. } if volunteer == PAUL));
        assert_eq!(request.private_room.as_deref(), Some(PRIVATE));
        assert!(!desk.scheme.store.owed_in(1, &Lane::Private)?.is_empty(), "nothing dropped");
        assert!(desk.owed().is_empty());
        Ok(())
    }
}
