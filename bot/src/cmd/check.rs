//! `!verifier` / `!check`: where the bot lacks the powers it needs, and which power
//! level to give it there.

use super::Ctx;
use crate::{bot::Bot, failure::Failure, powers};

/// Answers with the rooms where the bot lacks powers, or that all is well.
pub async fn apply(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    let lacking = powers::lacking(bot).await;
    ctx.answer(bot, &powers::report(bot, ctx.lang, &lacking), None);
    Ok(())
}
