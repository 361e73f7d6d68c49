//! `!stats [période]` / `!figures [period]`: a coordinator asks for the figures of a
//! period (this month by default), per commune and neighbourhood, against the period
//! before. Counts only: no id, no text; any group of fewer than five is "< 5".

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entraide_commands::{Category, CommandKind, Key, Lang, Message, Period, Span, fold};
use entraide_storage::{FigureQuery, Figures, SMALL};

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
    let tz = bot.config.timezone;
    let usage = || bot.texts.usage(lang, CommandKind::Stats);
    let Some(period) = span.resolve(bot.today()) else {
        ctx.answer(bot, &usage(), None);
        return Ok(());
    };
    let communes: HashMap<String, String> = bot
        .config
        .neighbourhoods
        .iter()
        .filter_map(|n| Some((n.name.clone(), n.commune.clone()?)))
        .collect();
    let (Some(from), Some(to), Some(before)) = (
        start_of(period.start, tz),
        start_of(period.end, tz),
        start_of(period.previous().start, tz),
    ) else {
        ctx.answer(bot, &usage(), None);
        return Ok(());
    };
    let query = FigureQuery {
        from,
        to,
        before,
        communes: &communes,
        default_commune: &bot.config.community,
        phone_room: bot.rooms.coordination.as_str(),
        now: bot.now(),
    };
    let figures = bot.store.figures(&query)?;
    ctx.answer(bot, &notice(bot, lang, period, &figures), None);
    Ok(())
}

/// The first instant of `day` in the commune's time zone (just after a skipped hour).
fn start_of(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// A count of people or requests as it may be shown: "< 5" for 1 to 4.
pub fn shown(count: usize) -> String {
    match count {
        1..SMALL => format!("< {SMALL}"),
        _ => count.to_string(),
    }
}

/// The change from `before` to `now`, hidden when either side is a small group.
fn change(now: usize, before: usize) -> String {
    if (1..SMALL).contains(&now) || (1..SMALL).contains(&before) {
        return "—".to_owned();
    }
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("+{}", now - before),
        std::cmp::Ordering::Less => format!("−{}", before - now),
        std::cmp::Ordering::Equal => "=".to_owned(),
    }
}

/// `part` of `whole` as a percentage, hidden when either is a small group.
fn share(part: usize, whole: usize) -> String {
    if whole < SMALL || (1..SMALL).contains(&part) {
        return format!("< {SMALL}");
    }
    let percent = (part * 100 + whole / 2) / whole;
    format!("{percent} %")
}

/// A day as the language writes it.
fn day(lang: Lang, date: NaiveDate) -> String {
    match lang {
        Lang::Fr => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%Y-%m-%d").to_string(),
    }
}

/// The notice of `figures`.
fn notice(bot: &Bot, lang: Lang, period: Period, figures: &Figures) -> Message {
    let texts = &bot.texts;
    let line = |key: Key, args: &[(&str, String)]| {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        texts.render(lang, key, &args)
    };
    let last = period.end.pred_opt().unwrap_or(period.end);
    let mut lines = vec![line(
        Key::StatsHeader,
        &[
            ("community", bot.config.community.clone()),
            ("from", day(lang, period.start)),
            ("to", day(lang, last)),
        ],
    )];
    let state = figures.by_state;
    lines.push(line(
        Key::StatsRequests,
        &[
            ("total", shown(figures.requests)),
            ("change", change(figures.requests, figures.requests_before)),
            ("open", shown(state.open)),
            ("claimed", shown(state.claimed)),
            ("done", shown(state.done)),
            ("cancelled", shown(state.cancelled)),
            ("expired", shown(state.expired)),
        ],
    ));
    if figures.requests == 0 {
        lines.push(line(Key::StatsNothing, &[]));
    } else {
        let categories: Vec<String> = Category::ALL
            .iter()
            .filter_map(|category| {
                let count = *figures.by_category.get(category)?;
                Some(format!("{} {}", texts.category(lang, *category), shown(count)))
            })
            .collect();
        lines.push(line(Key::StatsCategories, &[("list", categories.join(", "))]));
        for (commune, counts) in &figures.by_commune {
            let places: Vec<String> = counts
                .neighbourhoods
                .iter()
                .map(|(name, count)| {
                    let name = name
                        .clone()
                        .unwrap_or_else(|| texts.text(lang, Key::StatsNoNeighbourhood, &[]));
                    format!("{name} {}", shown(*count))
                })
                .collect();
            lines.push(line(
                Key::StatsCommune,
                &[
                    ("commune", commune.clone()),
                    ("total", shown(counts.requests)),
                    ("list", places.join(", ")),
                ],
            ));
        }
    }
    lines.push(line(
        Key::StatsPeople,
        &[
            ("beneficiaries", shown(figures.beneficiaries)),
            ("change", change(figures.beneficiaries, figures.beneficiaries_before)),
            ("behalf", share(figures.on_behalf, figures.requests)),
            ("phone", share(figures.by_phone, figures.requests)),
        ],
    ));
    let volunteers = figures.volunteers;
    lines.push(line(
        Key::StatsVolunteers,
        &[
            ("signed", shown(volunteers.signed)),
            ("vetted", shown(volunteers.vetted)),
            ("paused", shown(volunteers.paused)),
            ("active", shown(volunteers.active)),
        ],
    ));
    match (figures.claim_median(), figures.claim_p90()) {
        (Some(median), Some(p90)) => lines.push(line(
            Key::StatsClaim,
            &[("median", texts.age(lang, median)), ("p90", texts.age(lang, p90))],
        )),
        _ => lines.push(line(Key::StatsClaimFew, &[])),
    }
    lines.push(line(
        Key::StatsCompletion,
        &[
            ("rate", share(state.done, figures.requests)),
            ("done_change", change(state.done, figures.done_before)),
        ],
    ));
    let load = figures.load;
    lines.push(line(
        Key::StatsLoad,
        &[("once", shown(load.once)), ("few", shown(load.few)), ("many", shown(load.many))],
    ));
    lines.push(line(Key::StatsSmall, &[]));
    Message::lines(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_groups_are_never_shown() {
        assert_eq!(shown(0), "0");
        for n in 1..SMALL {
            assert_eq!(shown(n), "< 5");
            assert_eq!(change(n, 10), "—");
            assert_eq!(change(10, n), "—");
            assert_eq!(share(n, 100), "< 5");
            assert_eq!(share(0, n), "< 5");
        }
        assert_eq!(shown(5), "5");
        assert_eq!(change(12, 7), "+5");
        assert_eq!(change(7, 12), "−5");
        assert_eq!(change(0, 0), "=");
        assert_eq!(share(5, 20), "25 %");
        assert_eq!(share(0, 20), "0 %");
        assert_eq!(share(2, 3), "< 5");
    }
}
