//! `!fait [n] [mot]` / `!done [n] [note]`: the volunteer closes a request as done; the
//! person who asked is asked how it went.

use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::{Ctx, closed, feedback, which_request};
use crate::{failure::Failure, scheme::Scheme};

/// Closes request `number` (or the private room's, or the only one the author holds)
/// as done, with the author's note in the outcome log.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    number: Option<u64>,
    note: Option<String>,
) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number = which_request(scheme, ctx, number, |r| r.state.holder() == Some(sender))?
        .ok_or(Failure::Usage(CommandKind::Done))?;
    let owed = |request: &_| {
        let mut owed = closed(scheme, ctx, request, Key::DoneAck, Key::RelayDone);
        owed.extend(feedback::ask(scheme, request));
        owed
    };
    let (_, queued) = scheme
        .store
        .done(number, sender, note.as_deref(), Some(ctx.event()), scheme.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Done))?;
    info!(request = number, "done");
    scheme.outbox.journalled(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{CommandKind, Key, Lang};
    use entraide_storage::{Action, Outcome, Root, Shape, State, Target, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{Desk, Result, VOLUNTEERS, is_notice_to},
        failure::Failure,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";
    const PRIVATE: &str = "!private-1:x";

    #[tokio::test]
    async fn the_volunteer_who_holds_it_closes_it_the_private_room_is_told_and_the_requester_asked()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        desk.claimed(1, PAUL, Some(PRIVATE)).await?;
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        apply(&desk.scheme, &ctx, Some(1), Some("tout va bien".to_owned())).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(matches!(&request.state, State::Done { volunteer, .. } if volunteer == PAUL));
        let log = desk.scheme.store.log_of(1)?;
        let last = log.last().ok_or("a log entry")?;
        assert_eq!(last.outcome, Outcome::Done);
        assert_eq!(last.note.as_deref(), Some("tout va bien"));

        let owed = desk.owed();
        assert_eq!(owed.len(), 4, "{owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: VOLUNTEERS.to_owned() }));
        assert!(
            matches!(
                &owed[0].action,
                Action::Notice { shape: Shape::Thread { root: Root::Relay, .. }, .. }
            ),
            "answered in the relay's thread"
        );
        assert!(is_notice_to(&owed[1], &Target::Id { id: PRIVATE.to_owned() }));
        assert!(matches!(owed[2].action, Action::RetireRelay { key: Key::RelayDone, .. }));
        assert!(is_notice_to(&owed[3], &Target::Private));
        assert!(matches!(&owed[3].action, Action::Notice { mention: Some(m), .. } if m == MARIE));
        let said = Desk::said(&owed);
        assert!(said[0].contains("Demande n°1 close"), "{said:?}");
        assert_eq!(said[0], said[1]);
        assert!(said[2].contains("@marie:x, comment cela s'est-il passé ?"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn in_the_private_room_without_a_number_it_is_that_room_s_request_said_once() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        desk.claimed(1, PAUL, Some(PRIVATE)).await?;
        apply(&desk.scheme, &desk.ctx_in(PRIVATE, PAUL, Lang::En)?, None, None).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 3, "{owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: PRIVATE.to_owned() }));
        assert!(matches!(owed[1].action, Action::RetireRelay { key: Key::RelayDone, .. }));
        assert!(is_notice_to(&owed[2], &Target::Private));
        let said = Desk::said(&owed);
        assert!(said[0].contains("Request #1 closed"), "{said:?}");
        assert!(said[1].contains("comment cela s'est-il passé"), "asked in the request's language");
        Ok(())
    }

    #[tokio::test]
    async fn someone_who_does_not_hold_it_is_refused_and_nothing_changes() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        desk.request(MARIE, "jardinage samedi").await?;
        desk.claimed(1, PAUL, None).await?;
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, "@lea:x")?, Some(1), None).await;
        assert!(
            matches!(
                refused,
                Err(Failure::Transition(TransitionError::NotHolder(1), CommandKind::Done))
            ),
            "{refused:?}"
        );
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, Some(2), None).await;
        assert!(
            matches!(
                refused,
                Err(Failure::Transition(TransitionError::NotClaimed { number: 2, .. }, _))
            ),
            "an open request: {refused:?}"
        );
        assert_eq!(desk.scheme.store.request(1)?.ok_or("1")?.state.holder(), Some(PAUL));
        assert_eq!(desk.scheme.store.request(2)?.ok_or("2")?.state, State::Open);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn without_a_number_it_closes_the_only_one_held_else_asks_which() -> Result<()> {
        let mut desk = Desk::new().await?;
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None, None).await;
        assert!(matches!(refused, Err(Failure::Usage(CommandKind::Done))), "{refused:?}");
        desk.request(MARIE, "courses demain").await?;
        desk.request(MARIE, "jardinage samedi").await?;
        desk.claimed(2, PAUL, None).await?;
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None, None).await?;
        assert!(matches!(desk.scheme.store.request(2)?.ok_or("2")?.state, State::Done { .. }));
        assert_eq!(desk.scheme.store.request(1)?.ok_or("1")?.state, State::Open);
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "no private room: answered, relay retired: {owed:?}");
        Ok(())
    }

    #[tokio::test]
    async fn the_same_command_twice_closes_once() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        desk.claimed(1, PAUL, Some(PRIVATE)).await?;
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        apply(&desk.scheme, &ctx, Some(1), None).await?;
        desk.owed();
        let again = apply(&desk.scheme, &ctx, Some(1), None).await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::AlreadyHandled, _))),
            "{again:?}"
        );
        assert!(desk.owed().is_empty());
        let done = desk.scheme.store.log_of(1)?;
        assert_eq!(done.iter().filter(|e| e.outcome == Outcome::Done).count(), 1);
        Ok(())
    }
}
