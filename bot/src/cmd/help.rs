//! `!aide` / `!help`: the commands this person may use in this room.

use entraide_commands::rules;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Answers with the help lines of what the author may use here.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let message = scheme.texts.help(ctx.lang, &rules::allowed(ctx.roles, ctx.place));
    ctx.answer(scheme, &message, None);
    Ok(())
}
