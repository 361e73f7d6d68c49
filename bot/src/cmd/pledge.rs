//! `!engagement` / `!pledge`: a named caller accepts the confidentiality clause (R121-7);
//! the acceptance is in the audit, and the coordinators are told.

use entraide_commands::{CommandKind, Key};
use entraide_storage::{Person, Shape, TransitionError};
use tracing::info;

use super::{Ctx, caller};
use crate::{failure::Failure, plan, scheme::Scheme};

/// Records the sender's acceptance of the clause as it reads now.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let user = ctx.sender().as_str();
    let version = caller::clause(scheme).version;
    let plan = |_: &Person| {
        let told = scheme.texts.render(ctx.lang, Key::CallerSworn, &[]);
        let lang = scheme.config.language;
        let coordinators =
            scheme.texts.render(lang, Key::CallerSwornCoordination, &[("user", user)]);
        let coordination = &scheme.rooms.coordination;
        vec![
            ctx.reply(scheme, &told, None),
            plan::notice_in(coordination, coordinators, Shape::New, None),
        ]
    };
    match scheme.store.accept_caller_clause(user, &version, scheme.now(), plan).await {
        Ok((_, queued)) => {
            scheme.outbox.journalled(queued);
            info!("a caller pledged");
            Ok(())
        }
        Err(TransitionError::NotCaller) => {
            ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::PledgeNotCaller, &[]), None);
            Ok(())
        }
        Err(TransitionError::AlreadyHandled) => {
            ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::PledgeAlready, &[]), None);
            Ok(())
        }
        Err(error) => Err(Failure::Transition(error, CommandKind::Pledge)),
    }
}

#[cfg(test)]
mod tests {
    use matrix_sdk::ruma::owned_user_id;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, DIRECT, Desk, Result};

    #[tokio::test]
    async fn only_a_named_caller_pledges_once_and_the_coordinators_hear_of_it() -> Result<()> {
        let mut desk = Desk::new().await?;
        // The bench's direct chat is Marie's.
        apply(&desk.scheme, &desk.ctx(DIRECT, "@marie:x")?).await?;
        assert!(Desk::said(&desk.owed())[0].contains("rien à accepter"));
        let marie = owned_user_id!("@marie:x");
        crate::cmd::caller::apply(
            &desk.scheme,
            &desk.ctx(COORDINATION, AGENT)?,
            Some(&marie),
            false,
        )
        .await?;
        desk.owed();
        apply(&desk.scheme, &desk.ctx(DIRECT, "@marie:x")?).await?;
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[1].contains("@marie:x a accepté"), "{said:?}");
        assert!(desk.scheme.store.person("@marie:x")?.is_sworn_caller());
        apply(&desk.scheme, &desk.ctx(DIRECT, "@marie:x")?).await?;
        assert!(Desk::said(&desk.owed())[0].contains("déjà noté"));
        Ok(())
    }
}
