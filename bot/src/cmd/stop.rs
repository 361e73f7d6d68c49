//! `!arreter <n>` / `!stop <n>`: a coordinator stops a repeating request. No occurrence
//! is made after the latest, which stays open (`!annuler` cancels it too).

use entraide_commands::{CommandKind, Key};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Stops the series request `number` belongs to (any of its occurrences).
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    let latest = scheme
        .store
        .stop_series(number, scheme.now())
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Stop))?;
    info!(request = latest.number, "series stopped");
    let every = latest.repeat.as_ref().map(|series| scheme.texts.repeat(ctx.lang, series.every));
    let extra = [("every", every.unwrap_or_default())];
    ctx.answer(scheme, &scheme.about(&latest, ctx.lang, Key::SeriesStopped, &extra), None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, read_repeat, read_request};
    use entraide_storage::{NewRequest, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{AGENT, COORDINATION, Desk, Result},
        failure::Failure,
    };

    const CALL: &str = "appeler Mme Martin chaque mardi à 10h";

    /// A desk with a coordinator's series, whose first occurrence is request n°1.
    async fn series() -> Result<Desk> {
        let mut desk = Desk::new().await?;
        let (scheme, now) = (&desk.scheme, desk.scheme.now());
        let every = read_repeat(CALL).ok_or("a weekly call")?;
        scheme.store.create_series(new(&desk), every, "$series:x", now, |_| Vec::new()).await?;
        desk.owed();
        Ok(desk)
    }

    /// The coordinator's call, as a new request.
    fn new(desk: &Desk) -> NewRequest {
        let now = desk.scheme.now().with_timezone(&desk.scheme.config.timezone);
        NewRequest {
            requester: AGENT.to_owned(),
            origin_room: COORDINATION.to_owned(),
            neighbourhood: None,
            text: CALL.to_owned(),
            reading: read_request(CALL, now),
            lang: Lang::Fr,
            informs: false,
        }
    }

    #[tokio::test]
    async fn stopping_a_series_stops_it_at_its_latest_occurrence_which_stays_open() -> Result<()> {
        let mut desk = series().await?;
        let now = desk.scheme.now();
        desk.scheme.store.next_occurrence(1, new(&desk), now, |_| Vec::new()).await?;
        // Named by its first occurrence: the latest, n°2, is the one stopped.
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await?;
        let latest = desk.scheme.store.request(2)?.ok_or("request 2")?;
        assert!(latest.repeat.as_ref().is_some_and(|series| series.stopped.is_some()));
        assert!(latest.state.is_active(), "the latest stays open");
        assert!(desk.scheme.store.repeating()?.is_empty());
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("Série arrêtée : la demande n°2"), "{said:?}");
        assert!(said[0].contains("!annuler 2"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn the_answer_says_how_often_it_repeated_in_the_command_s_language() -> Result<()> {
        let mut desk = series().await?;
        apply(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::En)?, 1).await?;
        let said = Desk::said(&desk.owed());
        let every = desk.scheme.texts.repeat(Lang::En, read_repeat(CALL).ok_or("weekly")?);
        assert!(said[0].contains("Series stopped: request #1"), "{said:?}");
        assert!(said[0].contains(&format!("({every})")), "{every}: {said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_series_stopped_already_or_a_one_off_request_is_refused_and_owes_nothing()
    -> Result<()> {
        let mut desk = series().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await?;
        desk.owed();
        let stopped = desk.scheme.store.request(1)?.ok_or("request 1")?;
        let again = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1).await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::NotRepeating(1), _))),
            "{again:?}"
        );
        assert_eq!(desk.scheme.store.request(1)?, Some(stopped), "stopped once, unchanged");

        desk.request("@marie:x", "courses demain").await?;
        let one_off = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 2).await;
        assert!(
            matches!(one_off, Err(Failure::Transition(TransitionError::NotRepeating(2), _))),
            "{one_off:?}"
        );
        let missing = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 9).await;
        assert!(
            matches!(missing, Err(Failure::Transition(TransitionError::NoSuchRequest(9), _))),
            "{missing:?}"
        );
        assert!(desk.owed().is_empty());
        Ok(())
    }
}
