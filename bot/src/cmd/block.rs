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
