//! `!benevoles` / `!volunteers`: a coordinator's list of the volunteers, with where each
//! stands and since when, their charter, break and neighbourhoods, how many requests
//! they saw through and when they were last active.

use chrono::{DateTime, Utc};
use entraide_commands::{Key, Message, VolunteerStatus};
use entraide_storage::VolunteerSummary;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Lists everyone with a volunteer record: vetted first, then banned, then the others,
/// each group by id.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let (texts, lang) = (&scheme.texts, ctx.lang);
    let mut people = scheme.store.volunteers()?;
    let message = if people.is_empty() {
        texts.render(lang, Key::VolunteersEmpty, &[])
    } else {
        let rank = |status: VolunteerStatus| match status {
            VolunteerStatus::Vetted => 0,
            VolunteerStatus::Banned => 1,
            VolunteerStatus::Unvetted => 2,
        };
        people.sort_by(|a, b| {
            (rank(a.person.status), &a.user).cmp(&(rank(b.person.status), &b.user))
        });
        let count = people.len().to_string();
        let mut lines = vec![texts.render(lang, Key::VolunteersHeader, &[("count", &count)])];
        lines.extend(people.iter().map(|summary| line(scheme, ctx, summary)));
        Message::lines(lines)
    };
    ctx.answer(scheme, &message, None);
    Ok(())
}

/// One volunteer's line.
fn line(scheme: &Scheme, ctx: &Ctx, summary: &VolunteerSummary) -> Message {
    let (texts, lang) = (&scheme.texts, ctx.lang);
    let date = |at: DateTime<Utc>| {
        at.with_timezone(&scheme.config.timezone).format("%d/%m/%Y").to_string()
    };
    let person = &summary.person;
    let status = texts.text(
        lang,
        match person.status {
            VolunteerStatus::Vetted => Key::StatusVetted,
            VolunteerStatus::Banned => Key::StatusBanned,
            VolunteerStatus::Unvetted => Key::StatusUnvetted,
        },
        &[],
    );
    let mut details = vec![match &person.charter {
        Some(signed) if signed.version == scheme.charter.version => {
            texts.text(lang, Key::StatusCharter, &[("date", &date(signed.at))])
        }
        Some(signed) => texts.text(lang, Key::StatusCharterOld, &[("date", &date(signed.at))]),
        None => texts.text(lang, Key::StatusNoCharter, &[]),
    }];
    if let Some(pause) = person.pause.as_ref().filter(|_| person.is_paused(scheme.now())) {
        details.push(match pause.until {
            // The last day of the break, as the volunteer said it.
            Some(until) => {
                let last = until - chrono::TimeDelta::days(1);
                texts.text(lang, Key::StatusPausedUntil, &[("date", &date(last))])
            }
            None => texts.text(lang, Key::StatusPaused, &[]),
        });
    }
    if !person.areas.is_empty() {
        details.push(texts.text(lang, Key::StatusAreas, &[("areas", &person.areas.join(", "))]));
    }
    let since = person.changed_at.map_or_else(String::new, date);
    let last = summary.last_active.map_or_else(|| texts.text(lang, Key::LastNever, &[]), date);
    let helped = summary.helped.to_string();
    let details = details.join(", ");
    let args = [
        ("user", summary.user.as_str()),
        ("status", &status),
        ("since", &since),
        ("details", &details),
        ("helped", &helped),
        ("last", &last),
    ];
    texts.render(lang, Key::VolunteersLine, &args)
}
