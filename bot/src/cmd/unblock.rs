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
