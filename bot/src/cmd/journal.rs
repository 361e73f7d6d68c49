//! `!journal [@personne]` / `!log [@person]`: the audit of what coordinators did (vet,
//! unvet, ban, unban, erase, assign, block, unblock, vetting without the charter), for everyone or about one person; and the line that
//! announces each such action in the coordination room.

use entraide_commands::{Key, Lang, Message, Place};
use entraide_storage::{AuditAction, AuditEntry, Effect, Shape};
use matrix_sdk::ruma::UserId;

use super::Ctx;
use crate::{failure::Failure, plan, scheme::Scheme};

/// How many of the latest entries the journal shows.
const SHOWN: usize = 50;

/// Lists the latest entries, oldest first, about `user` (as actor or target) if given.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, user: Option<&UserId>) -> Result<(), Failure> {
    let mut entries = scheme.store.audit()?;
    if let Some(user) = user {
        let user = user.as_str();
        entries.retain(|e| e.actor == user || e.target.as_deref() == Some(user));
    }
    let message = if entries.is_empty() {
        scheme.texts.render(ctx.lang, Key::JournalEmpty, &[])
    } else {
        let count = entries.len().to_string();
        let mut lines =
            vec![scheme.texts.render(ctx.lang, Key::JournalHeader, &[("count", &count)])];
        let shown = entries.len().saturating_sub(SHOWN);
        lines.extend(entries[shown..].iter().map(|entry| line(scheme, ctx.lang, entry)));
        Message::lines(lines)
    };
    ctx.answer(scheme, &message, None);
    Ok(())
}

/// One entry as a line: when, who, what, to whom, why.
pub fn line(scheme: &Scheme, lang: Lang, entry: &AuditEntry) -> Message {
    let at = entry.at.with_timezone(&scheme.config.timezone).format("%d/%m/%Y %H:%M").to_string();
    let action = scheme.texts.text(
        lang,
        match entry.action {
            AuditAction::Vet => Key::AuditVet,
            AuditAction::Unvet => Key::AuditUnvet,
            AuditAction::Ban => Key::AuditBan,
            AuditAction::Unban => Key::AuditUnban,
            AuditAction::Erase => Key::AuditErase,
            AuditAction::Assign => Key::AuditAssign,
            AuditAction::Block => Key::AuditBlock,
            AuditAction::Unblock => Key::AuditUnblock,
            AuditAction::Override => Key::AuditOverride,
            AuditAction::Enrol => Key::AuditEnrol,
            AuditAction::Amend => Key::AuditAmend,
            AuditAction::Acknowledge => Key::AuditAcknowledge,
            AuditAction::ConfirmEntry => Key::AuditConfirmEntry,
            AuditAction::Unenrol => Key::AuditUnenrol,
            AuditAction::Import => Key::AuditImport,
            AuditAction::Export => Key::AuditExport,
            AuditAction::NameCaller => Key::AuditNameCaller,
            AuditAction::UnnameCaller => Key::AuditUnnameCaller,
            AuditAction::CallerAccepted => Key::AuditCallerAccepted,
            AuditAction::StartCampaign => Key::AuditStartCampaign,
            AuditAction::EndCampaign => Key::AuditEndCampaign,
        },
        &[("number", &entry.request.or(entry.entry).map(|n| n.to_string()).unwrap_or_default())],
    );
    let reason = entry.reason.as_deref().map_or_else(String::new, |reason| {
        scheme.texts.text(lang, Key::JournalReason, &[("reason", reason)])
    });
    let target = entry.target.as_deref().unwrap_or_default();
    let args = [
        ("at", at.as_str()),
        ("actor", &entry.actor),
        ("action", &action),
        ("target", target),
        ("reason", &reason),
    ];
    scheme.texts.render(lang, Key::JournalLine, &args)
}

/// Announces a coordinator's action in the coordination room, unless the command was
/// written there (its answer says it).
pub fn announce(
    scheme: &Scheme,
    ctx: &Ctx,
    action: AuditAction,
    target: Option<&UserId>,
    reason: Option<&str>,
) {
    if let Some(effect) = announcement(scheme, ctx, action, target, reason) {
        scheme.outbox.now(effect);
    }
}

/// What [`announce`] sends, to journal with a transition: nothing when the command was
/// written in the coordination room.
pub fn announcement(
    scheme: &Scheme,
    ctx: &Ctx,
    action: AuditAction,
    target: Option<&UserId>,
    reason: Option<&str>,
) -> Option<Effect> {
    let entry = AuditEntry {
        at: scheme.now(),
        actor: ctx.sender().to_string(),
        action,
        target: target.map(ToString::to_string),
        reason: reason.map(str::to_owned),
        request: None,
        entry: None,
    };
    announcement_of(scheme, ctx, &entry)
}

/// Announces `entry` in the coordination room, unless the command was written there.
pub fn announce_entry(scheme: &Scheme, ctx: &Ctx, entry: &AuditEntry) {
    if let Some(effect) = announcement_of(scheme, ctx, entry) {
        scheme.outbox.now(effect);
    }
}

/// The notice that announces `entry`, unless the command was written in the
/// coordination room.
fn announcement_of(scheme: &Scheme, ctx: &Ctx, entry: &AuditEntry) -> Option<Effect> {
    if ctx.place == Place::Coordination {
        return None;
    }
    let message = line(scheme, scheme.config.language, entry);
    Some(plan::notice_in(&scheme.rooms.coordination, message, Shape::New, None))
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::{AuditAction, Block, Target};

    use super::{SHOWN, announce, apply};
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result, VOLUNTEERS, is_notice_to, user};

    #[tokio::test]
    async fn an_empty_journal_says_so() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, None).await?;
        let owed = desk.owed();
        assert!(is_notice_to(&owed[0], &Target::Id { id: COORDINATION.to_owned() }));
        assert_eq!(Desk::said(&owed), ["Le journal de la coordination est vide."]);
        Ok(())
    }

    #[tokio::test]
    async fn entries_are_listed_oldest_first_with_who_what_whom_and_why() -> Result<()> {
        let mut desk = Desk::new().await?;
        let (store, now) = (&desk.scheme.store, desk.scheme.now());
        store
            .set_volunteer_status("@paul:x", VolunteerStatus::Vetted, "@lea:x", None, false, now)
            .await?;
        let block = Block { at: now, reason: Some("spam".to_owned()) };
        store.set_blocked("@bob:x", Some(block), AGENT, now).await?;
        apply(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::En)?, None).await?;
        let said = Desk::said(&desk.owed());
        let lines: Vec<&str> = said[0].lines().collect();
        assert_eq!(lines.len(), 3, "{said:?}");
        assert!(lines[0].contains("Coordinators' log: 2 action(s)"), "{said:?}");
        assert!(lines[1].ends_with(" — @lea:x vetted @paul:x"), "{said:?}");
        assert!(lines[2].ends_with(" — @agent:x blocked the requests of @bob:x — reason: spam"));
        let at = now.with_timezone(&desk.scheme.config.timezone).format("%d/%m/%Y").to_string();
        assert!(lines[1].starts_with(&at), "when, in the commune's time zone: {said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn about_one_person_it_keeps_what_they_did_or_underwent() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer("@paul:x", VolunteerStatus::Vetted).await?;
        let now = desk.scheme.now();
        desk.scheme.store.set_blocked("@bob:x", Some(block(&desk)), "@lea:x", now).await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, Some(&user("@bob:x")?)).await?;
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("1 action(s)"), "{said:?}");
        assert!(said[0].contains("@lea:x a bloqué les demandes de @bob:x"), "{said:?}");
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&user("@lea:x")?)).await?;
        assert!(Desk::said(&desk.owed())[0].contains("1 action(s)"), "as the actor");
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&user("@nobody:x")?)).await?;
        assert_eq!(Desk::said(&desk.owed()), ["Le journal de la coordination est vide."]);
        Ok(())
    }

    #[tokio::test]
    async fn only_the_latest_entries_are_shown_but_all_are_counted() -> Result<()> {
        let mut desk = Desk::new().await?;
        let count = SHOWN + 5;
        for n in 0..count {
            let target = format!("@person{n:03}:x");
            desk.scheme
                .store
                .set_blocked(&target, Some(block(&desk)), AGENT, desk.scheme.now())
                .await?;
        }
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, None).await?;
        let said = Desk::said(&desk.owed());
        let lines: Vec<&str> = said[0].lines().collect();
        assert!(lines[0].contains(&format!("{count} action(s)")), "{lines:?}");
        assert_eq!(lines.len(), SHOWN + 1);
        assert!(lines[1].ends_with("@person005:x"), "the oldest five left out: {lines:?}");
        assert!(lines[SHOWN].ends_with(&format!("@person{:03}:x", count - 1)), "{lines:?}");
        Ok(())
    }

    #[tokio::test]
    async fn an_action_is_announced_in_the_coordination_room_unless_written_there() -> Result<()> {
        let mut desk = Desk::new().await?;
        let bob = user("@bob:x")?;
        let ctx = desk.ctx_in(VOLUNTEERS, AGENT, Lang::En)?;
        announce(&desk.scheme, &ctx, AuditAction::Ban, Some(&bob), Some("insultes"));
        let owed = desk.owed();
        assert_eq!(owed.len(), 1);
        assert!(is_notice_to(&owed[0], &Target::Id { id: COORDINATION.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].ends_with("@agent:x a banni @bob:x — motif : insultes"), "{said:?}");

        let ctx = desk.ctx(COORDINATION, AGENT)?;
        announce(&desk.scheme, &ctx, AuditAction::Ban, Some(&bob), None);
        assert!(desk.owed().is_empty(), "its answer says it there");
        Ok(())
    }

    fn block(desk: &Desk) -> Block {
        Block { at: desk.scheme.now(), reason: None }
    }
}
