//! `!journal [@personne]` / `!log [@person]`: the audit of what coordinators did (vet,
//! unvet, ban, unban, erase, assign, block, unblock, vetting without the charter), for everyone or about one person; and the line that
//! announces each such action in the coordination room.

use entraide_commands::{Key, Lang, Message, Place};
use entraide_storage::{AuditAction, AuditEntry, Shape};
use matrix_sdk::ruma::UserId;

use super::Ctx;
use crate::{effects::plan, failure::Failure, scheme::Scheme};

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
        },
        &[("number", &entry.request.map(|n| n.to_string()).unwrap_or_default())],
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
    let entry = AuditEntry {
        at: scheme.now(),
        actor: ctx.sender().to_string(),
        action,
        target: target.map(ToString::to_string),
        reason: reason.map(str::to_owned),
        request: None,
    };
    announce_entry(scheme, ctx, &entry);
}

/// Announces `entry` in the coordination room, unless the command was written there.
pub fn announce_entry(scheme: &Scheme, ctx: &Ctx, entry: &AuditEntry) {
    if ctx.place == Place::Coordination {
        return;
    }
    let message = line(scheme, scheme.config.language, entry);
    scheme.outbox.now(plan::notice_in(&scheme.rooms.coordination, message, Shape::New, None));
}
