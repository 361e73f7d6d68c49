//! `!bloquer @personne [raison]` / `!block @person [reason]`: a coordinator stops someone's
//! requests (spam, abuse). Their volunteer status does not change, and their requests
//! already under way go on; new ones get a polite answer and are neither recorded nor
//! relayed.

use entraide_commands::Key;
use entraide_storage::{AuditAction, Block};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{Ctx, journal::announce};
use crate::{failure::Failure, scheme::Scheme};

/// Blocks `user`'s requests, with `reason` in the audit.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    reason: Option<&str>,
) -> Result<(), Failure> {
    let args = [("user", user.as_str())];
    let block = Block { at: scheme.now(), reason: reason.map(str::to_owned) };
    let changed = scheme
        .store
        .set_blocked(user.as_str(), Some(block), ctx.sender().as_str(), scheme.now())
        .await?;
    if !changed {
        ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::AlreadyBlocked, &args), None);
        return Ok(());
    }
    info!("requests blocked");
    announce(scheme, ctx, AuditAction::Block, Some(user), reason);
    ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::Blocked, &args), None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::{AuditAction, RoomKind, Target};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result, is_notice_to, user};

    const BOB: &str = "@bob:x";

    #[tokio::test]
    async fn a_coordinator_blocks_someone_with_a_reason_in_the_audit_and_is_answered() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, &user(BOB)?, Some("spam")).await?;
        let block = desk.scheme.store.person(BOB)?.blocked.ok_or("blocked")?;
        assert_eq!(block.reason.as_deref(), Some("spam"));
        let audit = desk.scheme.store.audit()?;
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, AuditAction::Block);
        assert_eq!((audit[0].actor.as_str(), audit[0].target.as_deref()), (AGENT, Some(BOB)));
        assert_eq!(audit[0].reason.as_deref(), Some("spam"));
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "written in the coordination room: not announced there");
        assert!(is_notice_to(&owed[0], &Target::Id { id: COORDINATION.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("@bob:x est bloqué·e"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn from_a_direct_chat_the_block_is_announced_then_answered_in_english() -> Result<()> {
        let mut desk = Desk::new().await?;
        let agent_chat = "!agent-direct:x";
        let direct = RoomKind::Direct { user: AGENT.to_owned() };
        desk.scheme.store.set_room_kind(agent_chat, &direct).await?;
        apply(&desk.scheme, &desk.ctx_in(agent_chat, AGENT, Lang::En)?, &user(BOB)?, None).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2);
        assert!(is_notice_to(&owed[0], &Target::Id { id: COORDINATION.to_owned() }));
        assert!(is_notice_to(&owed[1], &Target::Id { id: agent_chat.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("a bloqué les demandes de @bob:x"), "{said:?}");
        assert!(said[1].contains("@bob:x is blocked"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn someone_already_blocked_stays_as_they_were_and_the_answer_says_so() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, &user(BOB)?, Some("spam")).await?;
        let first = desk.scheme.store.person(BOB)?.blocked;
        desk.owed();
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, &user(BOB)?, Some("autre")).await?;
        assert_eq!(desk.scheme.store.person(BOB)?.blocked, first, "the first block stands");
        assert_eq!(desk.scheme.store.audit()?.len(), 1);
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1);
        assert!(said[0].contains("@bob:x est déjà bloqué·e"), "{said:?}");
        Ok(())
    }
}
