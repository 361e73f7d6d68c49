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
    let lang = match fold(&ctx.word).as_str() {
        "!stats" => scheme.config.language,
        _ => ctx.lang,
    };
    let report = match span.resolve(scheme.today()) {
        Some(period) => crate::report::Report::of(scheme, lang, period)?,
        None => None,
    };
    match report {
        Some(report) => ctx.answer(scheme, &report.notice(), None),
        None => ctx.answer(scheme, &scheme.texts.usage(lang, CommandKind::Stats), None),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, Span};
    use entraide_storage::Lane;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn stats_is_answered_in_the_community_s_language_figures_in_the_command_s() -> Result<()>
    {
        let mut desk = Desk::with(|config| config.language = Lang::Fr).await?;
        desk.request("@marie:x", "courses demain matin").await?;
        let mut ctx = desk.ctx_in(COORDINATION, AGENT, Lang::En)?;
        ctx.word = "!STATS".to_owned();
        apply(&desk.scheme, &ctx, Span::ThisMonth).await?;
        let mut ctx = desk.ctx_in(COORDINATION, AGENT, Lang::En)?;
        ctx.word = "!figures".to_owned();
        apply(&desk.scheme, &ctx, Span::ThisMonth).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "{owed:?}");
        assert!(owed.iter().all(|effect| effect.lane == Lane::room(COORDINATION)));
        let said = Desk::said(&owed);
        assert!(said[0].contains("Chiffres d'entraide — Saint-Martin"), "{said:?}");
        assert!(said[0].contains("Les Tilleuls < 5"), "counted, fewer than five: {said:?}");
        assert!(said[1].contains("entraide figures — Saint-Martin"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_period_that_has_not_begun_gets_the_usage_line() -> Result<()> {
        let mut desk = Desk::new().await?;
        let next_year = Span::Year(desk.scheme.now().format("%Y").to_string().parse::<i32>()? + 1);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, next_year).await?;
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("Utilisation") && said[0].contains("!stats 2026-11"), "{said:?}");
        Ok(())
    }
}
