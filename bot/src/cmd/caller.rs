//! `!appelant [@personne]` / `!caller [@person]`: a coordinator names who calls the
//! people on the alert register (R121-7), takes them off (`retirer`), or lists them. A
//! named caller is sent the confidentiality clause in a direct chat; until they accept it
//! (`!engagement`, see `pledge.rs`) they are given no register data.

use entraide_commands::{CommandKind, Key, Message};
use entraide_storage::{Action, Effect, Lane, Person, Shape, Target};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::Ctx;
use crate::{charter::Charter, failure::Failure, scheme::Scheme};

/// Lists the callers, names `user` one, or takes them off (`remove`).
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    user: Option<&UserId>,
    remove: bool,
) -> Result<(), Failure> {
    let Some(user) = user else {
        ctx.answer(scheme, &list(scheme, ctx)?, None);
        return Ok(());
    };
    let who = [("user", user.as_str())];
    let plan = |_: &Person, changed: bool| {
        let key = match (remove, changed) {
            (false, true) => Key::CallerNamed,
            (false, false) => Key::CallerAlready,
            (true, true) => Key::CallerRemoved,
            (true, false) => Key::NotACaller,
        };
        let mut owed = vec![ctx.reply(scheme, &scheme.texts.render(ctx.lang, key, &who), None)];
        if changed && !remove {
            owed.push(clause_to(scheme, user));
        }
        owed
    };
    let (_, changed, queued) = scheme
        .store
        .name_caller(user.as_str(), ctx.sender().as_str(), !remove, scheme.now(), plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Caller))?;
    scheme.outbox.journalled(queued);
    info!(changed, named = !remove, "a caller of the register");
    Ok(())
}

/// The callers' confidentiality clause, as the commune's texts say it.
pub fn clause(scheme: &Scheme) -> Charter {
    let community = [("community", scheme.config.community.as_str())];
    Charter::of(&scheme.texts.text(scheme.config.language, Key::CallerClause, &community))
}

/// The clause, sent to `user` in a direct chat.
fn clause_to(scheme: &Scheme, user: &UserId) -> Effect {
    let to = Target::Direct { user: user.to_string() };
    Effect {
        request: 0,
        lane: Lane::room(&scheme.rooms.coordination),
        urgent: false,
        action: Action::Notice {
            to,
            message: clause(scheme).message,
            shape: Shape::New,
            mention: None,
        },
    }
}

/// The callers, sworn or waiting, with since when.
fn list(scheme: &Scheme, ctx: &Ctx) -> Result<Message, Failure> {
    let callers = scheme.store.callers()?;
    if callers.is_empty() {
        return Ok(scheme.texts.render(ctx.lang, Key::CallersNone, &[]));
    }
    let count = callers.len().to_string();
    let mut lines = vec![scheme.texts.render(ctx.lang, Key::CallersHeader, &[("count", &count)])];
    for (user, caller) in &callers {
        let (key, at) = match &caller.accepted {
            Some(signed) => (Key::CallerLineSworn, signed.at),
            None => (Key::CallerLineWaiting, caller.since),
        };
        let date = scheme.day(at);
        lines.push(scheme.texts.render(ctx.lang, key, &[("user", user), ("date", &date)]));
    }
    Ok(Message::lines(lines))
}

#[cfg(test)]
mod tests {
    use entraide_storage::{Action, AuditAction, Target};
    use matrix_sdk::ruma::owned_user_id;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn a_caller_is_named_sent_the_clause_listed_and_taken_off() -> Result<()> {
        let mut desk = Desk::new().await?;
        let zoe = owned_user_id!("@zoe:x");
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&zoe), false).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "{owed:?}");
        assert!(Desk::said(&owed)[0].contains("@zoe:x est désigné·e appelant·e"));
        let clause = Target::Direct { user: "@zoe:x".to_owned() };
        assert!(matches!(&owed[1].action, Action::Notice { to, message, .. }
            if *to == clause && message.plain.contains("!engagement")));

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&zoe), false).await?;
        assert_eq!(desk.owed().len(), 1, "named twice: no second clause");
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, None, false).await?;
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("pas encore acceptée"), "{said:?}");

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&zoe), true).await?;
        assert!(Desk::said(&desk.owed())[0].contains("n'est plus appelant"));
        assert!(desk.scheme.store.callers()?.is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn taking_off_someone_who_is_no_caller_says_so_and_changes_nothing() -> Result<()> {
        let mut desk = Desk::new().await?;
        let zoe = owned_user_id!("@zoe:x");
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&zoe), false).await?;
        desk.owed();
        let callers = desk.scheme.store.callers()?;
        let audited = desk.scheme.store.audit()?.len();
        let paul = owned_user_id!("@paul:x");
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&paul), true).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "the answer only: {owed:?}");
        assert_eq!(
            Desk::said(&owed),
            ["@paul:x n'est pas appelant·e."],
            "the answer says he is no caller"
        );
        assert_eq!(desk.scheme.store.callers()?, callers, "the callers are as they were");
        assert_eq!(desk.scheme.store.audit()?.len(), audited, "nothing new on record");
        Ok(())
    }

    #[tokio::test]
    async fn naming_a_caller_twice_is_on_record_once() -> Result<()> {
        let mut desk = Desk::new().await?;
        let zoe = owned_user_id!("@zoe:x");
        for _ in 0..2 {
            apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, Some(&zoe), false).await?;
        }
        assert!(
            Desk::said(&desk.owed()).iter().any(|said| said.contains("déjà appelant·e")),
            "the second time says so"
        );
        let audit = desk.scheme.store.audit()?;
        let lines: Vec<(AuditAction, &str, Option<&str>)> = audit
            .iter()
            .map(|entry| (entry.action, entry.actor.as_str(), entry.target.as_deref()))
            .collect();
        assert_eq!(
            lines,
            [(AuditAction::NameCaller, AGENT, Some("@zoe:x"))],
            "one line: the agent named Zoé"
        );
        Ok(())
    }
}
