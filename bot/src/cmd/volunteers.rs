//! `!benevoles` / `!volunteers`: a coordinator's list of the volunteers, with where each
//! stands, since when, and how many requests they saw through.

use entraide_commands::{Key, Message, VolunteerStatus};

use super::Ctx;
use crate::{bot::Bot, failure::Failure};

/// Lists everyone with a volunteer record: vetted first, then banned, then the others,
/// each group by id.
pub async fn apply(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    let (texts, lang) = (&bot.texts, ctx.lang);
    let mut people = bot.store.volunteers()?;
    let message = if people.is_empty() {
        texts.render(lang, Key::VolunteersEmpty, &[])
    } else {
        let rank = |status: VolunteerStatus| match status {
            VolunteerStatus::Vetted => 0,
            VolunteerStatus::Banned => 1,
            VolunteerStatus::Unvetted => 2,
        };
        people.sort_by(|a, b| (rank(a.1.status), &a.0).cmp(&(rank(b.1.status), &b.0)));
        let count = people.len().to_string();
        let mut lines = vec![texts.render(lang, Key::VolunteersHeader, &[("count", &count)])];
        for (user, person, helped) in &people {
            let status = texts.text(
                lang,
                match person.status {
                    VolunteerStatus::Vetted => Key::StatusVetted,
                    VolunteerStatus::Banned => Key::StatusBanned,
                    VolunteerStatus::Unvetted => Key::StatusUnvetted,
                },
                &[],
            );
            let since = person.changed_at.map_or_else(String::new, |at| {
                at.with_timezone(&bot.config.timezone).format("%d/%m/%Y").to_string()
            });
            let helped = helped.to_string();
            let args = [
                ("user", user.as_str()),
                ("status", &status),
                ("since", &since),
                ("helped", &helped),
            ];
            lines.push(texts.render(lang, Key::VolunteersLine, &args));
        }
        Message::lines(lines)
    };
    ctx.answer(bot, &message, None);
    Ok(())
}
