//! `!aide` / `!help`: the commands this person may use in this room.

use entraide_commands::rules;

use super::Ctx;
use crate::{bot::Bot, failure::Failure};

/// Answers with the help lines of what the author may use here.
pub async fn apply(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    let message = bot.texts.help(ctx.lang, &rules::allowed(ctx.roles, ctx.place));
    ctx.answer(bot, &message, None);
    Ok(())
}
