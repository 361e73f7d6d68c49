//! `!rapport [période]` / `!report [period]`: a coordinator asks for the report of a
//! period (this month by default): the figures' notice, a chart (PNG) and the figures as a
//! CSV table, posted where they asked. Counts only, as `!stats`.

use entraide_commands::{CommandKind, Span};
use entraide_storage::{Action, Effect, Lane};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Owes the report of `span` in the room the command came from; it is computed and
/// drawn when it is sent, by the effect workers, so that no decision waits for it.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, span: Span) -> Result<(), Failure> {
    let Some(period) = span.resolve(scheme.today()) else {
        ctx.answer(scheme, &scheme.texts.usage(ctx.lang, CommandKind::Report), None);
        return Ok(());
    };
    let room = ctx.room.to_string();
    let send = Effect {
        request: 0,
        lane: Lane::room(&room),
        urgent: false,
        action: Action::SendReport { room, from: period.start, to: period.end, lang: ctx.lang },
    };
    let queued = scheme
        .store
        .owe(vec![send])
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Report))?;
    info!("a report owed");
    scheme.outbox.journalled(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, Span};
    use entraide_storage::Action;
    use entraide_storage::Lane;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn a_report_is_owed_once_journalled_in_the_room_it_was_asked_in() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx_in(COORDINATION, AGENT, Lang::En)?;
        apply(&desk.scheme, &ctx, Span::LastMonth).await?;
        let period = Span::LastMonth.resolve(desk.scheme.today()).ok_or("last month")?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "{owed:?}");
        assert_eq!(owed[0].lane, Lane::room(COORDINATION));
        assert_eq!(owed[0].request, 0);
        let expected = Action::SendReport {
            room: COORDINATION.to_owned(),
            from: period.start,
            to: period.end,
            lang: Lang::En,
        };
        assert_eq!(owed[0].action, expected);
        let pending = desk.scheme.store.pending_effects()?;
        assert_eq!(pending.len(), 1, "journalled, to survive a restart");
        assert_eq!(pending[0].effect.action, expected);
        Ok(())
    }

    #[tokio::test]
    async fn a_period_that_has_not_begun_gets_the_usage_line_and_owes_no_report() -> Result<()> {
        let mut desk = Desk::new().await?;
        let next_year = Span::Year(desk.scheme.now().format("%Y").to_string().parse::<i32>()? + 1);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, next_year).await?;
        let owed = desk.owed();
        assert!(owed.iter().all(|effect| !matches!(effect.action, Action::SendReport { .. })));
        let said = Desk::said(&owed);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("Utilisation") && said[0].contains("!rapport"), "{said:?}");
        assert!(desk.scheme.store.pending_effects()?.is_empty());
        Ok(())
    }
}
