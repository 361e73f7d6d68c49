//! `!debannir @personne` / `!unban @person`: a coordinator lifts a ban. The person is
//! not vetted again by it: `!valider` does that, after meeting them.

use entraide_commands::{CommandKind, Key, VolunteerStatus};
use entraide_storage::{AuditAction, Membership};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{
    Ctx,
    journal::announcement,
    status::{Decision, Owed, decide},
};
use crate::{failure::Failure, scheme::Scheme};

/// Lifts `user`'s ban in the store and in the rooms the bot manages.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, user: &UserId) -> Result<(), Failure> {
    let args = [("user", user.as_str())];
    if scheme.store.person(user.as_str())?.status != VolunteerStatus::Banned {
        ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::NotBanned, &args), None);
        return Ok(());
    }
    let decision = Decision {
        user,
        status: VolunteerStatus::Unvetted,
        reason: None,
        without_charter: false,
        membership: Membership::Unban,
        kind: CommandKind::Unban,
    };
    decide(scheme, ctx, decision, |_, _| {
        let told = announcement(scheme, ctx, AuditAction::Unban, Some(user), None);
        Owed {
            answer: scheme.texts.render(ctx.lang, Key::Unbanned, &args),
            before: told.into_iter().collect(),
            after: Vec::new(),
        }
    })
    .await?;
    info!("ban lifted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::VolunteerStatus;
    use entraide_storage::Membership;

    use super::apply;
    use crate::cmd::{
        desk::{AGENT, COORDINATION, Desk, Result, user},
        status::moderation_owed as moderation,
    };

    const PAUL: &str = "@paul:x";

    #[tokio::test]
    async fn lifting_a_ban_is_only_for_the_banned() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?).await?;
        assert!(Desk::said(&desk.owed())[0].contains("n'est pas banni·e"));

        desk.volunteer(PAUL, VolunteerStatus::Banned).await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, &user(PAUL)?).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.status, VolunteerStatus::Unvetted);
        let (change, answer) = moderation(&desk.owed(), PAUL).ok_or("moderation")?;
        assert_eq!(change, Membership::Unban);
        assert!(answer.contains("n'est plus banni·e"));
        Ok(())
    }
}
