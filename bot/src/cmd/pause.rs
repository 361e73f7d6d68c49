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

#[cfg(test)]
mod tests {
    use chrono::{Days, NaiveTime, TimeDelta, TimeZone};
    use entraide_commands::Lang;
    use entraide_storage::{Pause, Target};

    use super::{back, start};
    use crate::cmd::desk::{Desk, Result, VOLUNTEERS, is_notice_to};

    const PAUL: &str = "@paul:x";

    #[tokio::test]
    async fn a_break_without_a_date_lasts_until_they_say_they_are_back() -> Result<()> {
        let mut desk = Desk::new().await?;
        start(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None).await?;
        let pause = desk.scheme.store.person(PAUL)?.pause.ok_or("on a break")?;
        assert_eq!(pause.until, None);
        assert!(desk.scheme.store.person(PAUL)?.is_paused(desk.scheme.now()));
        let owed = desk.owed();
        assert!(is_notice_to(&owed[0], &Target::Id { id: VOLUNTEERS.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("vous êtes en pause. Je ne vous mentionnerai plus"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_break_until_a_day_ends_the_next_morning_in_the_commune_s_time_zone() -> Result<()> {
        let mut desk = Desk::new().await?;
        let day = desk.scheme.today().checked_add_days(Days::new(3)).ok_or("a day")?;
        let until = format!("jusqu'au {}", day.format("%d/%m/%Y"));
        start(&desk.scheme, &desk.ctx_in(VOLUNTEERS, PAUL, Lang::En)?, Some(&until)).await?;
        let next = day.checked_add_days(Days::new(1)).ok_or("the day after")?;
        let tz = desk.scheme.config.timezone;
        let morning = tz.from_local_datetime(&next.and_time(NaiveTime::MIN)).earliest();
        let pause = desk.scheme.store.person(PAUL)?.pause.ok_or("on a break")?;
        assert_eq!(pause.until, morning.map(|morning| morning.to_utc()));
        let said = Desk::said(&desk.owed());
        let date = day.format("%d/%m/%Y").to_string();
        assert!(said[0].contains(&format!("on a break until {date} included")), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_date_unread_or_past_changes_nothing_and_says_how_to_write_it() -> Result<()> {
        let mut desk = Desk::new().await?;
        for until in ["quand je pourrai", "jusqu'au 01/01/2020"] {
            start(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, Some(until)).await?;
            assert_eq!(desk.scheme.store.person(PAUL)?.pause, None, "{until}");
            let said = Desk::said(&desk.owed());
            assert_eq!(said.len(), 1);
            assert!(said[0].contains(&format!("la date de retour « {until} »")), "{said:?}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn back_ends_a_break_once_then_says_they_were_not_on_one() -> Result<()> {
        let mut desk = Desk::new().await?;
        start(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None).await?;
        desk.owed();
        back(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.pause, None);
        assert_eq!(Desk::said(&desk.owed()), ["Bon retour ! Vous êtes de nouveau disponible."]);
        back(&desk.scheme, &desk.ctx_in(VOLUNTEERS, PAUL, Lang::En)?).await?;
        assert_eq!(Desk::said(&desk.owed()), ["You were not on a break: you are available."]);
        Ok(())
    }

    #[tokio::test]
    async fn a_break_whose_date_passed_is_over_already() -> Result<()> {
        let mut desk = Desk::new().await?;
        let now = desk.scheme.now();
        let over =
            Pause { since: now - TimeDelta::days(3), until: Some(now - TimeDelta::hours(1)) };
        desk.scheme.store.update_person(PAUL, |person| person.pause = Some(over.clone())).await?;
        back(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.pause, None, "cleared all the same");
        let said = Desk::said(&desk.owed());
        assert!(said[0].starts_with("Vous n'étiez pas en pause"), "{said:?}");
        Ok(())
    }
}
