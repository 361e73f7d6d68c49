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
    use entraide_storage::{Action, AuditAction, Membership, State};

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

    #[tokio::test]
    async fn what_an_unvetted_volunteer_held_is_given_back_and_the_unvetting_is_on_record()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request("@marie:x", "courses demain").await?;
        desk.claimed(1, PAUL, Some("!private-1:x")).await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, Some("déménage")).await?;
        let owed = desk.owed();
        let store = &desk.scheme.store;
        let request = store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.state, State::Open, "request 1 is open again");
        assert_eq!(request.private_room, None, "its private room is no longer its");
        let relayed = owed
            .iter()
            .position(|effect| effect.action == Action::Relay && effect.request == 1)
            .ok_or_else(|| format!("request 1 relayed again: {owed:?}"))?;
        let moderated = owed
            .iter()
            .position(|effect| matches!(effect.action, Action::Moderate { .. }))
            .ok_or("the change of memberships")?;
        assert!(relayed < moderated, "given back first, then out of the rooms: {owed:?}");
        let (change, answer) = moderation(&owed, PAUL).ok_or("moderation")?;
        assert_eq!(change, Membership::Remove, "out of the volunteers room");
        assert!(
            answer.contains("n'est plus bénévole validé·e")
                && answer.contains("de nouveau proposées : 1"),
            "the answer says what was given back: {answer}"
        );
        let last = store.audit()?.pop().ok_or("audit")?;
        assert_eq!(
            (last.action, last.actor.as_str(), last.target.as_deref(), last.reason.as_deref()),
            (AuditAction::Unvet, AGENT, Some(PAUL), Some("déménage")),
            "the unvetting, by the coordinator, of Paul, on record"
        );
        Ok(())
    }
}
