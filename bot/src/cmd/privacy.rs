//! `!confidentialite` / `!privacy`: the notice on personal data, at any time.

use super::Ctx;
use crate::{bot::Bot, failure::Failure, job::now_ms};

/// Answers with the notice, and records that the person has had it.
pub async fn apply(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    ctx.answer(bot, &bot.privacy_notice(ctx.lang), None);
    bot.store.first_contact(ctx.sender().as_str(), now_ms()).await?;
    Ok(())
}
