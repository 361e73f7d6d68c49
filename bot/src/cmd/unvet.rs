//! `!retirer @personne [raison]` / `!unvet @person [reason]`: a coordinator no longer
//! counts someone as a vetted volunteer, without banning them: what they held is given
//! back and relayed again, and they leave the volunteers room.

use entraide_commands::{CommandKind, Key, Message, VolunteerStatus};
use entraide_storage::{AuditAction, Membership};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{
    Ctx,
    journal::announcement,
    status::{Decision, Owed, decide, numbers},
};
use crate::{failure::Failure, scheme::Scheme};

/// Unvets `user` if they are vetted; a banned or unvetted person is left as they are.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    reason: Option<&str>,
) -> Result<(), Failure> {
    let args = [("user", user.as_str())];
    if scheme.store.person(user.as_str())?.status != VolunteerStatus::Vetted {
        ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::NotVetted, &args), None);
        return Ok(());
    }
    let decision = Decision {
        user,
        status: VolunteerStatus::Unvetted,
        reason,
        without_charter: false,
        membership: Membership::Remove,
        kind: CommandKind::Unvet,
    };
    let lang = ctx.lang;
    decide(scheme, ctx, decision, |_, released| {
        let mut parts = vec![scheme.texts.render(lang, Key::Unvetted, &args)];
        if !released.is_empty() {
            let numbers = numbers(released);
            parts.push(scheme.texts.render(lang, Key::BannedReleased, &[("numbers", &numbers)]));
        }
        let told = announcement(scheme, ctx, AuditAction::Unvet, Some(user), reason);
        Owed {
            answer: Message::lines(parts),
            before: told.into_iter().collect(),
            after: Vec::new(),
        }
    })
    .await?;
    info!("volunteer no longer vetted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::Membership;

    use super::apply;
    use crate::cmd::{
        desk::{AGENT, COORDINATION, Desk, Result, user},
        status::moderation_owed as moderation,
    };

    const PAUL: &str = "@paul:x";
    #[tokio::test]
    async fn unvetting_someone_not_vetted_changes_nothing_and_says_so() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx_in(COORDINATION, AGENT, Lang::En)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, None).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.status, VolunteerStatus::Unvetted);
        let owed = desk.owed();
        assert_eq!(moderation(&owed, PAUL), None);
        assert!(Desk::said(&owed)[0].contains("is not a vetted volunteer"), "{owed:?}");
        assert!(desk.scheme.store.audit()?.is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn unvetting_a_volunteer_removes_them_from_the_volunteers_room() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, Some("déménage")).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.status, VolunteerStatus::Unvetted);
        let (change, answer) = moderation(&desk.owed(), PAUL).ok_or("moderation")?;
        assert_eq!(change, Membership::Remove);
        assert!(answer.contains("n'est plus bénévole validé·e"));
        Ok(())
    }
}
