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

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::{Pause, Person, Signature};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    /// The volunteers' list, as it is answered now.
    async fn listed(desk: &mut Desk, lang: Lang) -> Result<String> {
        apply(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, lang)?).await?;
        let mut said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "one answer: {said:?}");
        Ok(said.remove(0))
    }

    #[tokio::test]
    async fn without_anyone_the_list_says_how_to_vet() -> Result<()> {
        let mut desk = Desk::new().await?;
        // A resident blocked is known to the store, but is no volunteer.
        let block = entraide_storage::Block { at: desk.scheme.now(), reason: None };
        let now = desk.scheme.now();
        desk.scheme.store.set_blocked("@bob:x", Some(block), AGENT, now).await?;
        let said = listed(&mut desk, Lang::Fr).await?;
        assert!(!said.contains("@bob:x"), "{said}");
        assert!(said.contains("Aucun·e bénévole pour l'instant"), "{said}");
        Ok(())
    }

    #[tokio::test]
    async fn vetted_come_first_then_banned_then_the_others_each_by_id() -> Result<()> {
        let mut desk = Desk::new().await?;
        for (user, status) in [
            ("@zoe:x", VolunteerStatus::Vetted),
            ("@bruno:x", VolunteerStatus::Unvetted),
            ("@anna:x", VolunteerStatus::Banned),
            ("@alice:x", VolunteerStatus::Vetted),
        ] {
            desk.volunteer(user, status).await?;
        }
        let said = listed(&mut desk, Lang::Fr).await?;
        assert!(said.contains("Bénévoles : 4"), "{said}");
        let order: Vec<&str> =
            said.lines().skip(1).filter_map(|line| line.split(' ').next()).collect();
        assert_eq!(order, ["@alice:x", "@zoe:x", "@anna:x", "@bruno:x"], "{said}");
        assert!(said.contains("@anna:x — banni·e depuis le"), "{said}");
        assert!(said.contains("@bruno:x — non validé·e depuis le"), "{said}");
        Ok(())
    }

    #[tokio::test]
    async fn each_line_says_the_charter_break_areas_and_what_they_did() -> Result<()> {
        let mut desk = Desk::new().await?;
        let now = desk.scheme.now();
        let current = desk.scheme.charter.version.clone();
        for user in ["@alice:x", "@bruno:x", "@chloe:x"] {
            desk.volunteer(user, VolunteerStatus::Vetted).await?;
        }
        desk.request("@marie:x", "courses demain").await?;
        let store = &desk.scheme.store;
        let signed = |version: &str| Some(Signature { at: now, version: version.to_owned() });
        let alice = |person: &mut Person| {
            person.charter = signed(&current);
            person.areas = vec!["Les Tilleuls".to_owned()];
        };
        store.update_person("@alice:x", alice).await?;
        let bruno = |person: &mut Person| {
            person.charter = signed("an older text");
            person.pause = Some(Pause { since: now, until: None });
        };
        store.update_person("@bruno:x", bruno).await?;
        // A break that is over is not said.
        let over = Some(Pause { since: now - TimeDelta::days(3), until: Some(now) });
        store.update_person("@chloe:x", |person: &mut Person| person.pause = over.clone()).await?;
        store.claim(1, "@alice:x", None, now, |_| Vec::new()).await?;
        store.done(1, "@alice:x", None, None, now, |_| Vec::new()).await?;

        let said = listed(&mut desk, Lang::Fr).await?;
        let line = |user: &str| {
            said.lines().find(|line| line.starts_with(user)).map(str::to_owned).unwrap_or_default()
        };
        let (alice, bruno, chloe) = (line("@alice:x"), line("@bruno:x"), line("@chloe:x"));
        assert!(alice.contains("charte acceptée le") && !alice.contains("ancienne"), "{alice}");
        assert!(alice.contains("quartiers : Les Tilleuls"), "{alice}");
        assert!(alice.contains("1 demande(s) menée(s) à bien"), "{alice}");
        assert!(!alice.contains("jamais"), "active today: {alice}");
        assert!(bruno.contains("(ancienne version)"), "{bruno}");
        assert!(bruno.contains("en pause"), "{bruno}");
        assert!(bruno.contains("0 demande(s)") && bruno.contains("dernière activité : jamais"));
        assert!(chloe.contains("charte non acceptée"), "{chloe}");
        assert!(!chloe.contains("en pause"), "{chloe}");

        let said = listed(&mut desk, Lang::En).await?;
        assert!(said.contains("Volunteers: 3"), "{said}");
        Ok(())
    }
}
