//! `!annuler [n]` / `!cancel [n]`: the person who asked, or a coordinator, cancels.

use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::{Ctx, closed, which_request};
use crate::{failure::Failure, scheme::Scheme};

/// Cancels request `number` (or the private room's, or the author's only active one).
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let sender = ctx.sender().as_str();
    let number =
        which_request(scheme, ctx, number, |r| r.requester == sender && r.state.is_active())?
            .ok_or(Failure::Usage(CommandKind::Cancel))?;
    let owed = |request: &_| closed(scheme, ctx, request, Key::CancelledAck, Key::RelayCancelled);
    let (_, queued) = scheme
        .store
        .cancel(number, sender, ctx.roles.coordinator, Some(ctx.event()), scheme.now(), owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Cancel))?;
    info!(request = number, "cancelled");
    scheme.outbox.journalled(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{CommandKind, Key, Lang, VolunteerStatus};
    use entraide_storage::{Action, State, Target, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{
            AGENT, COORDINATION, DIRECT, Desk, Result, TILLEULS, VOLUNTEERS, is_notice_to,
        },
        failure::Failure,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";
    const PRIVATE: &str = "!private-1:x";

    #[tokio::test]
    async fn the_person_who_asked_cancels_their_only_request_and_its_relay_is_retired() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, None).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(matches!(&request.state, State::Cancelled { by, .. } if by == MARIE));
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "{owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: DIRECT.to_owned() }));
        assert!(matches!(owed[1].action, Action::RetireRelay { key: Key::RelayCancelled, .. }));
        assert_eq!(Desk::said(&owed), ["Demande n°1 annulée."]);
        Ok(())
    }

    #[tokio::test]
    async fn a_claimed_request_s_private_room_is_told_unless_it_was_cancelled_there() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        desk.claimed(1, PAUL, Some(PRIVATE)).await?;
        apply(&desk.scheme, &desk.ctx_in(DIRECT, MARIE, Lang::En)?, Some(1)).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 3, "{owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: DIRECT.to_owned() }));
        assert!(is_notice_to(&owed[1], &Target::Id { id: PRIVATE.to_owned() }));
        assert!(matches!(owed[2].action, Action::RetireRelay { key: Key::RelayCancelled, .. }));
        assert_eq!(Desk::said(&owed), ["Request #1 cancelled.", "Request #1 cancelled."]);

        desk.request(MARIE, "jardinage samedi").await?;
        desk.claimed(2, PAUL, Some("!private-2:x")).await?;
        apply(&desk.scheme, &desk.ctx("!private-2:x", MARIE)?, None).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "answered in the private room, not told twice: {owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: "!private-2:x".to_owned() }));
        assert!(matches!(owed[1].action, Action::RetireRelay { .. }));
        Ok(())
    }

    #[tokio::test]
    async fn someone_else_s_request_is_refused_but_a_coordinator_may_cancel_it() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request(MARIE, "courses demain").await?;
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, Some(1)).await;
        assert!(
            matches!(
                refused,
                Err(Failure::Transition(TransitionError::NotRequester(1), CommandKind::Cancel))
            ),
            "{refused:?}"
        );
        assert_eq!(desk.scheme.store.request(1)?.ok_or("request 1")?.state, State::Open);
        assert!(desk.owed().is_empty());

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(1)).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(matches!(&request.state, State::Cancelled { by, .. } if by == AGENT));
        Ok(())
    }

    #[tokio::test]
    async fn without_a_number_and_two_requests_under_way_it_asks_which() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        desk.request(MARIE, "jardinage samedi").await?;
        let refused = apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, None).await;
        assert!(matches!(refused, Err(Failure::Usage(CommandKind::Cancel))), "{refused:?}");
        assert!(desk.scheme.store.active_requests()?.len() == 2);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_request_already_closed_is_refused_and_the_same_command_twice_cancels_once()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        let ctx = desk.ctx(DIRECT, MARIE)?;
        apply(&desk.scheme, &ctx, Some(1)).await?;
        desk.owed();
        let again = apply(&desk.scheme, &ctx, Some(1)).await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::AlreadyHandled, _))),
            "{again:?}"
        );
        let refused = apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, Some(1)).await;
        assert!(
            matches!(
                refused,
                Err(Failure::Transition(
                    TransitionError::NotOpen { number: 1, state: State::Cancelled { .. } },
                    CommandKind::Cancel
                ))
            ),
            "{refused:?}"
        );
        assert!(desk.owed().is_empty());
        assert_eq!(desk.scheme.store.log_of(1)?.len(), 2, "created, cancelled once");
        Ok(())
    }
}
