//! `!stats [période]` / `!figures [period]`: a coordinator asks for the figures of a
//! period (this month by default), per commune and neighbourhood, against the period
//! before. Counts only: no id, no text; any group of fewer than five is "< 5".

use entraide_commands::{CommandKind, Span, fold};

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Answers with the figures of `span`.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, span: Span) -> Result<(), Failure> {
    // "!stats" is the word in both languages (the table lists it as French): it is
    // answered in the community's language.
    let said = ctx.reply_to.quote.split_whitespace().next().map(fold);
    let lang = match said.as_deref() {
        Some("!stats") => scheme.config.language,
        _ => ctx.lang,
    };
    let report = match span.resolve(scheme.today()) {
        Some(period) => scheme.report(lang, period)?,
        None => None,
    };
    match report {
        Some(report) => ctx.answer(scheme, &report.notice(), None),
        None => ctx.answer(scheme, &scheme.texts.usage(lang, CommandKind::Stats), None),
    }
    Ok(())
}
