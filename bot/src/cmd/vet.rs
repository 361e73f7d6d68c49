//! `!valider @personne [sans charte] [note]` / `!vet @person [without charter] [note]`: a
//! coordinator vets a volunteer they met, who accepted the charter (or not, as the
//! coordinator decides, on record), with a note; the volunteer is invited into the
//! volunteers room and welcomed there.

use entraide_commands::{CommandKind, Key, Message, VolunteerStatus};
use entraide_storage::{AuditAction, Effect, Membership, Shape};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{
    Ctx,
    journal::announcement,
    status::{Decision, Owed, decide, moderate_only, moderation_lane},
};
use crate::{failure::Failure, plan, scheme::Scheme};

/// Marks `user` vetted, lifts a ban in the volunteers room, and invites them there. Someone
/// who never accepted the charter is vetted only `without_charter`, which the audit keeps.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    note: Option<&str>,
    without_charter: bool,
) -> Result<(), Failure> {
    let (texts, lang) = (&scheme.texts, ctx.lang);
    let person = scheme.store.person(user.as_str())?;
    let args = [("user", user.as_str())];
    if person.status == VolunteerStatus::Vetted {
        // One who left the volunteers room is invited back.
        let answer = texts.render(lang, Key::AlreadyVetted, &args);
        return moderate_only(scheme, ctx, user, Membership::Welcome, &answer).await;
    }
    let signed = person.charter.is_some();
    if !signed && !without_charter {
        ctx.answer(scheme, &texts.render(lang, Key::VetNeedsCharter, &args), None);
        return Ok(());
    }
    let overrode = !signed;
    let decision = Decision {
        user,
        status: VolunteerStatus::Vetted,
        reason: note,
        without_charter: overrode,
        membership: Membership::Welcome,
        kind: CommandKind::Vet,
    };
    decide(scheme, ctx, decision, |_, _| {
        let mut first: Vec<_> =
            announcement(scheme, ctx, AuditAction::Vet, Some(user), note).into_iter().collect();
        if overrode {
            first.extend(announcement(scheme, ctx, AuditAction::Override, Some(user), note));
        }
        // Welcomed once invited: in the lane of the change of memberships, after it.
        let welcome = texts.render(scheme.config.language, Key::VolunteerWelcome, &args);
        let volunteers = &scheme.rooms.volunteers;
        let mention = Some(user.as_str());
        let welcome = Effect {
            lane: moderation_lane(ctx),
            ..plan::notice_in(volunteers, welcome, Shape::New, mention)
        };
        let mut answer = vec![texts.render(lang, Key::Vetted, &args)];
        if overrode {
            answer.push(texts.render(lang, Key::VettedWithoutCharter, &[]));
        }
        if let Some(note) = note {
            answer.push(texts.render(lang, Key::VettedNote, &[("note", note)]));
        }
        Owed { answer: Message::lines(answer), before: first, after: vec![welcome] }
    })
    .await?;
    info!(without_charter = overrode, "volunteer vetted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::VolunteerStatus;
    use entraide_storage::{Action, AuditAction, Membership, Signature, Target};

    use super::apply;
    use crate::cmd::{
        desk::{AGENT, COORDINATION, Desk, Result, VOLUNTEERS, user},
        status::moderation_owed as moderation,
    };

    const PAUL: &str = "@paul:x";
    const JEANNE: &str = "@jeanne:x";

    /// Records that `volunteer` accepted today's charter.
    async fn sign(desk: &Desk, volunteer: &str) -> Result<()> {
        let version = desk.scheme.charter.version.clone();
        let signature = Signature { at: desk.scheme.now(), version };
        let sign = |person: &mut entraide_storage::Person| person.charter = Some(signature.clone());
        desk.scheme.store.update_person(volunteer, sign).await?;
        Ok(())
    }

    /// The actions the audit holds, oldest first.
    fn audited(desk: &Desk) -> Result<Vec<AuditAction>> {
        Ok(desk.scheme.store.audit()?.iter().map(|entry| entry.action).collect())
    }

    #[tokio::test]
    async fn vetting_needs_the_charter_unless_the_coordinator_says_without() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, None, false).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.status, VolunteerStatus::Unvetted);
        let owed = desk.owed();
        assert_eq!(moderation(&owed, PAUL), None);
        assert!(Desk::said(&owed)[0].contains("n'a pas encore accepté la charte"));

        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, Some("rencontré le 12"), true).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.status, VolunteerStatus::Vetted);
        let owed = desk.owed();
        let welcome = Target::Id { id: desk.scheme.rooms.volunteers.to_string() };
        assert!(owed.iter().any(|effect| matches!(
            &effect.action,
            Action::Notice { to, mention: Some(who), .. } if *to == welcome && who == PAUL
        )));
        let (change, answer) = moderation(&owed, PAUL).ok_or("moderation")?;
        assert_eq!(change, Membership::Welcome);
        assert!(answer.contains("validé·e") && answer.contains("rencontré le 12"), "{answer}");
        Ok(())
    }

    #[tokio::test]
    async fn a_vetted_volunteer_vetted_again_is_only_invited_back() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        let audited = desk.scheme.store.audit()?.len();
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, &user(PAUL)?, None, false).await?;
        assert_eq!(desk.scheme.store.audit()?.len(), audited, "nothing new on record");
        let (change, answer) = moderation(&desk.owed(), PAUL).ok_or("moderation")?;
        assert_eq!(change, Membership::Welcome);
        assert!(answer.contains("déjà"), "{answer}");
        Ok(())
    }

    #[tokio::test]
    async fn vetting_without_the_charter_is_on_record_and_welcomed_once_invited() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user(PAUL)?, Some("rencontré le 12"), true).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.status, VolunteerStatus::Vetted);
        assert_eq!(
            audited(&desk)?,
            [AuditAction::Vet, AuditAction::Override],
            "the vetting, then the override"
        );
        let overrode = desk.scheme.store.audit()?.pop().ok_or("the override line")?;
        assert_eq!(
            (overrode.actor.as_str(), overrode.target.as_deref(), overrode.reason.as_deref()),
            (AGENT, Some(PAUL), Some("rencontré le 12")),
            "who decided it, about whom, why"
        );
        let owed = desk.owed();
        let moderated = owed
            .iter()
            .position(|effect| matches!(effect.action, Action::Moderate { .. }))
            .ok_or_else(|| format!("the change of memberships: {owed:?}"))?;
        let volunteers = Target::Id { id: VOLUNTEERS.to_owned() };
        let welcomed = owed
            .iter()
            .position(|effect| {
                matches!(
                    &effect.action,
                    Action::Notice { to, mention: Some(who), .. } if *to == volunteers && who == PAUL
                )
            })
            .ok_or_else(|| format!("the welcome: {owed:?}"))?;
        assert!(moderated < welcomed, "invited before welcomed: {owed:?}");
        assert_eq!(owed[moderated].lane, owed[welcomed].lane, "one lane: the welcome waits");
        let (_, answer) = moderation(&owed, PAUL).ok_or("moderation")?;
        assert!(answer.contains("Sans avoir accepté la charte"), "the answer says so: {answer}");
        Ok(())
    }

    #[tokio::test]
    async fn a_volunteer_who_accepted_the_charter_is_vetted_with_no_override_on_record()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        for (volunteer, without_charter) in [(PAUL, false), (JEANNE, true)] {
            sign(&desk, volunteer).await?;
            let ctx = desk.ctx(COORDINATION, AGENT)?;
            apply(&desk.scheme, &ctx, &user(volunteer)?, None, without_charter).await?;
            assert_eq!(desk.scheme.store.person(volunteer)?.status, VolunteerStatus::Vetted);
            let (_, answer) = moderation(&desk.owed(), volunteer).ok_or("moderation")?;
            assert!(
                !answer.contains("Sans avoir accepté la charte"),
                "{volunteer} accepted it: {answer}"
            );
        }
        assert_eq!(
            audited(&desk)?,
            [AuditAction::Vet, AuditAction::Vet],
            "« without charter » overrides nothing for one who accepted it"
        );
        Ok(())
    }
}
