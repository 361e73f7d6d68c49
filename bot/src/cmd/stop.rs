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
