//! `!debloquer @personne` / `!unblock @person`: a coordinator lets someone's requests
//! through again.

use entraide_commands::Key;
use entraide_storage::AuditAction;
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{Ctx, journal::announce};
use crate::{failure::Failure, scheme::Scheme};

/// Lifts the block on `user`'s requests.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, user: &UserId) -> Result<(), Failure> {
    let args = [("user", user.as_str())];
    let changed =
        scheme.store.set_blocked(user.as_str(), None, ctx.sender().as_str(), scheme.now()).await?;
    if !changed {
        ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::NotBlocked, &args), None);
        return Ok(());
    }
    info!("requests unblocked");
    announce(scheme, ctx, AuditAction::Unblock, Some(user), None);
    ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::Unblocked, &args), None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_storage::{AuditAction, Block, Target};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result, VOLUNTEERS, is_notice_to, user};

    const BOB: &str = "@bob:x";

    /// A desk where a coordinator blocked Bob's requests.
    async fn blocked() -> Result<Desk> {
        let desk = Desk::new().await?;
        let block = Block { at: desk.scheme.now(), reason: Some("spam".to_owned()) };
        desk.scheme.store.set_blocked(BOB, Some(block), AGENT, desk.scheme.now()).await?;
        Ok(desk)
    }

    #[tokio::test]
    async fn unblocking_lets_the_requests_through_and_is_audited() -> Result<()> {
        let mut desk = blocked().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, &user(BOB)?).await?;
        assert_eq!(desk.scheme.store.person(BOB)?.blocked, None);
        let audit = desk.scheme.store.audit()?;
        let last = audit.last().ok_or("an audit entry")?;
        assert_eq!(last.action, AuditAction::Unblock);
        assert_eq!((last.actor.as_str(), last.target.as_deref()), (AGENT, Some(BOB)));
        // Written in the coordination room: the answer is the announcement.
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "{owed:?}");
        assert!(Desk::said(&owed)[0].contains("@bob:x n'est plus bloqué·e"), "{owed:?}");
        Ok(())
    }

    #[tokio::test]
    async fn elsewhere_the_coordination_room_is_told_before_the_answer() -> Result<()> {
        let mut desk = blocked().await?;
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, AGENT)?, &user(BOB)?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "{owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: COORDINATION.to_owned() }), "{owed:?}");
        assert!(is_notice_to(&owed[1], &Target::Id { id: VOLUNTEERS.to_owned() }), "{owed:?}");
        let said = Desk::said(&owed);
        assert!(
            said[0].contains("a débloqué les demandes de") && said[0].contains(BOB),
            "{said:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn someone_not_blocked_is_said_so_and_nothing_is_audited() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, AGENT)?, &user(BOB)?).await?;
        assert!(desk.scheme.store.audit()?.is_empty());
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "no announcement: {said:?}");
        assert!(said[0].contains("@bob:x n'est pas bloqué·e"), "{said:?}");
        Ok(())
    }
}
