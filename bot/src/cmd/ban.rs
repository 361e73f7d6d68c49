//! `!bannir @personne [raison]` / `!ban @person [reason]`: a coordinator bans a volunteer;
//! what they held is given back and relayed again, and they are banned from the rooms the
//! bot manages.

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

/// Bans `user`: no longer vetted, their requests given back, banned from the rooms the
/// bot manages (once that is done, the answer says where).
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    reason: Option<&str>,
) -> Result<(), Failure> {
    let decision = Decision {
        user,
        status: VolunteerStatus::Banned,
        reason,
        without_charter: false,
        membership: Membership::Ban,
        kind: CommandKind::Ban,
    };
    let lang = ctx.lang;
    decide(scheme, ctx, decision, |before, released| {
        let banned_before = before == VolunteerStatus::Banned;
        let key = if banned_before { Key::AlreadyBanned } else { Key::Banned };
        let mut parts = vec![scheme.texts.render(lang, key, &[("user", user.as_str())])];
        if !released.is_empty() {
            let numbers = numbers(released);
            parts.push(scheme.texts.render(lang, Key::BannedReleased, &[("numbers", &numbers)]));
        }
        let told = (!banned_before)
            .then(|| announcement(scheme, ctx, AuditAction::Ban, Some(user), reason))
            .flatten();
        Owed {
            answer: Message::lines(parts),
            before: told.into_iter().collect(),
            after: Vec::new(),
        }
    })
    .await?;
    info!("volunteer banned");
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::VolunteerStatus;
    use entraide_storage::{Action, Lane, Membership, Outcome, State};

    use super::apply;
    use crate::cmd::{
        desk::{AGENT, COORDINATION, Desk, Result, TILLEULS, user},
        status::moderation_owed as moderation,
    };

    const PAUL: &str = "@paul:x";
    #[tokio::test]
    async fn a_ban_gives_back_what_they_held_and_owes_the_bans_with_the_answer_in_one_go()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request("@marie:x", "courses demain").await?;
        desk.claimed(1, PAUL, Some("!private-1:x")).await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, Some("absent")).await?;
        let owed = desk.owed();
        let store = &desk.scheme.store;
        assert_eq!(store.person(PAUL)?.status, VolunteerStatus::Banned);
        let request = store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.state, State::Open, "given back");
        assert_eq!(request.private_room, None);
        assert!(store.log_of(1)?.iter().any(|entry| entry.outcome == Outcome::Released));
        // Given back: the private room told, the volunteer out of it, relayed anew.
        assert!(owed.iter().any(|effect| matches!(effect.action, Action::Remove { .. })));
        assert!(owed.iter().any(|effect| effect.action == Action::Relay));
        let (change, answer) = moderation(&owed, PAUL).ok_or("the bans and the answer")?;
        assert_eq!(change, Membership::Ban);
        assert!(
            answer.contains("est banni·e") && answer.contains("rendues") && answer.contains('1')
        );
        assert!(matches!(owed.last().map(|e| &e.action), Some(Action::Moderate { .. })), "last");
        // Everything is in the journal: a stop resumes it.
        assert_eq!(store.pending_effects()?.len(), owed.len());
        Ok(())
    }

    #[tokio::test]
    async fn a_second_ban_says_so_and_is_announced_once() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Banned).await?;
        let ctx = desk.ctx(TILLEULS, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, None).await?;
        let owed = desk.owed();
        let announced = owed.iter().filter(|effect| effect.lane == Lane::room(COORDINATION));
        assert_eq!(announced.count(), 0, "banned already: nothing new to announce");
        let answer = owed.iter().find_map(|effect| match &effect.action {
            Action::Moderate { message, .. } => Some(message.plain.clone()),
            _ => None,
        });
        assert!(answer.ok_or("answer")?.contains("déjà banni·e"));
        Ok(())
    }
}
