//! `!pause [jusqu'au …]` / `!break [until …]` and `!dispo` / `!available`: a volunteer
//! takes a break, not mentioned in relays while it lasts, and comes back (by themselves
//! at the date given).

use chrono::{Days, NaiveTime, TimeZone};
use entraide_commands::{Key, When, read_request};
use entraide_storage::Pause;
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Starts a break, until the end of the day `until` names if given. A date the bot
/// cannot read, or one already past, changes nothing and says how to write it.
pub async fn start(scheme: &Scheme, ctx: &Ctx, until: Option<&str>) -> Result<(), Failure> {
    let tz = scheme.config.timezone;
    let now = scheme.now();
    let end = match until {
        None => None,
        Some(text) => {
            let day = match read_request(text, now.with_timezone(&tz)).when {
                When::On { date, .. } if date >= scheme.today() => Some(date),
                _ => None,
            };
            // Back the morning after the day named: "jusqu'au 15" includes the 15th.
            let back = day
                .and_then(|day| day.checked_add_days(Days::new(1)))
                .and_then(|next| tz.from_local_datetime(&next.and_time(NaiveTime::MIN)).earliest());
            let (Some(day), Some(back)) = (day, back) else {
                let message =
                    scheme.texts.render(ctx.lang, Key::PauseDateUnknown, &[("text", text)]);
                ctx.answer(scheme, &message, None);
                return Ok(());
            };
            Some((day, back.to_utc()))
        }
    };
    let pause = Pause { since: now, until: end.map(|(_, back)| back) };
    scheme
        .store
        .update_person(ctx.sender().as_str(), |person| person.pause = Some(pause.clone()))
        .await?;
    info!(until = ?pause.until, "volunteer on a break");
    let message = match end {
        Some((day, _)) => {
            let date = day.format("%d/%m/%Y").to_string();
            scheme.texts.render(ctx.lang, Key::PausedUntil, &[("date", &date)])
        }
        None => scheme.texts.render(ctx.lang, Key::Paused, &[]),
    };
    ctx.answer(scheme, &message, None);
    Ok(())
}

/// Ends a break (one whose date passed is over already: the answer says they were not
/// on a break).
pub async fn back(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let now = scheme.now();
    let was_paused = scheme
        .store
        .update_person(ctx.sender().as_str(), |person| {
            let paused = person.is_paused(now);
            person.pause = None;
            paused
        })
        .await?;
    let key = if was_paused { Key::PauseOver } else { Key::NotPaused };
    if was_paused {
        info!("volunteer back from a break");
    }
    ctx.answer(scheme, &scheme.texts.render(ctx.lang, key, &[]), None);
    Ok(())
}
