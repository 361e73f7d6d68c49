//! `!confidentialite` / `!privacy`: the notice on personal data, at any time.

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Answers with the notice, and records that the person has had it.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    ctx.answer(scheme, &scheme.privacy_notice(ctx.lang), None);
    scheme.store.first_contact(ctx.sender().as_str(), scheme.clock.wall_ms()).await?;
    Ok(())
}
