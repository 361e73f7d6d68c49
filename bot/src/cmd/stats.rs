//! `!stats [période]` / `!figures [period]`: a coordinator asks for the figures of a
//! period (this month by default), per commune and neighbourhood, against the period
//! before. Counts only: no id, no text; any group of fewer than five is "< 5".

use entraide_commands::{CommandKind, Span, fold};

use super::Ctx;
use crate::{bot::Bot, failure::Failure};

/// Answers with the figures of `span`.
pub async fn apply(bot: &Bot, ctx: &Ctx, span: Span) -> Result<(), Failure> {
    // "!stats" is the word in both languages (the table lists it as French): it is
    // answered in the community's language.
    let said = ctx.reply_to.quote.split_whitespace().next().map(fold);
    let lang = match said.as_deref() {
        Some("!stats") => bot.config.language,
        _ => ctx.lang,
    };
    let report = match span.resolve(bot.today()) {
        Some(period) => bot.report(lang, period)?,
        None => None,
    };
    match report {
        Some(report) => ctx.answer(bot, &report.notice(), None),
        None => ctx.answer(bot, &bot.texts.usage(lang, CommandKind::Stats), None),
    }
    Ok(())
}
