//! `!attribuer <n> @personne` / `!assign <n> @person`: a coordinator gives an open request
//! to a vetted volunteer of their choice (someone who knows the person, who lives next
//! door). It is a claim in the volunteer's name, with the private room and what follows
//! it, and the coordinator's action in the audit.

use entraide_commands::{CommandKind, Key, VolunteerStatus};
use entraide_storage::{AuditAction, AuditEntry, Lane, Request};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{Ctx, journal::announce_entry};
use crate::{failure::Failure, plan, scheme::Scheme, vitals};

/// Gives request `number` to `user`, who must be a vetted volunteer.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64, user: &UserId) -> Result<(), Failure> {
    let number_text = number.to_string();
    let args = [("user", user.as_str()), ("number", number_text.as_str())];
    if scheme.store.person(user.as_str())?.status != VolunteerStatus::Vetted {
        // No transition marks it handled: marked here, so that it is answered once.
        if scheme.mark_handled(&ctx.reply_to.event).await {
            ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::AssignNotVetted, &args), None);
        }
        return Ok(());
    }
    let assigned = scheme.texts.render(ctx.lang, Key::Assigned, &args);
    let told = scheme.texts.render(scheme.config.language, Key::ClaimAssigned, &args);
    let owed = |request: &Request| {
        let mut owed = plan::private_room(scheme, request, user.as_str());
        // Once the room is there, in its lane, as for a claim: the volunteer told in the
        // relay's thread (mentioned, so that they are notified), the coordinator answered.
        let to_volunteer =
            plan::to_relay_thread(request, &told, user.as_str(), true, Lane::Private);
        let answer = ctx.reply_in(scheme, &assigned, Some(request), Lane::Private);
        let after_room = 1.min(owed.len());
        owed.splice(after_room..after_room, [to_volunteer, answer]);
        owed
    };
    let coordinator = ctx.sender().as_str();
    let now = scheme.now();
    let (assigned, queued) = scheme
        .store
        .assign(number, user.as_str(), coordinator, Some(ctx.event()), now, owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Assign))?;
    info!(request = number, "assigned");
    vitals::COUNTERS.claims.inc();
    vitals::COUNTERS.claim_seconds.observe(vitals::seconds(now - assigned.created_at));
    scheme.outbox.journalled(queued);
    let entry = AuditEntry {
        at: scheme.now(),
        actor: coordinator.to_owned(),
        action: AuditAction::Assign,
        target: Some(user.to_string()),
        reason: None,
        request: Some(number),
        entry: None,
    };
    announce_entry(scheme, ctx, &entry);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{CommandKind, Lang, VolunteerStatus};
    use entraide_storage::Lane;
    use entraide_storage::{Action, AuditAction, Effect, RoomKind, State, Target, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{AGENT, COORDINATION, Desk, Result, is_notice_to, user},
        failure::Failure,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";

    /// What each effect is, in short: its action's name or the notice's target.
    fn kinds(owed: &[Effect]) -> Vec<String> {
        owed.iter()
            .map(|effect| match &effect.action {
                Action::Notice { to, .. } => format!("notice {to:?}"),
                Action::PrivateRoom { volunteer } => format!("private room {volunteer}"),
                Action::Intro { volunteer } => format!("intro {volunteer}"),
                Action::RetireRelay { key, .. } => format!("retire relay {key:?}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_vetted_volunteer_is_given_it_the_room_made_then_they_and_the_coordinator_told()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request(MARIE, "courses demain").await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, 1, &user(PAUL)?).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.state.holder(), Some(PAUL));
        assert!(desk.scheme.store.is_handled(ctx.event())?);
        let audit = desk.scheme.store.audit()?;
        let assigned: Vec<_> = audit.iter().filter(|e| e.action == AuditAction::Assign).collect();
        assert_eq!(assigned.len(), 1, "{audit:?}");
        assert_eq!(
            (assigned[0].actor.as_str(), assigned[0].target.as_deref()),
            (AGENT, Some(PAUL))
        );
        assert_eq!(assigned[0].request, Some(1));

        let owed = desk.owed();
        let requester = Target::Requester { asked_in: crate::cmd::desk::TILLEULS.to_owned() };
        assert_eq!(
            kinds(&owed),
            [
                format!("private room {PAUL}"),
                format!("notice {:?}", Target::Volunteers),
                format!("notice {:?}", Target::Id { id: COORDINATION.to_owned() }),
                format!("intro {PAUL}"),
                format!("notice {requester:?}"),
                "retire relay RelayTaken".to_owned(),
            ],
            "the room first, in its lane; written in the coordination room: not announced"
        );
        assert!(owed.iter().all(|effect| effect.lane == Lane::Private && effect.request == 1));
        assert!(
            matches!(&owed[1].action, Action::Notice { mention: Some(m), .. } if m == PAUL),
            "the volunteer is mentioned"
        );
        let said = Desk::said(&owed);
        assert!(said[0].contains("La coordination vous a confié la demande n°1"), "{said:?}");
        assert!(said[1].contains("Demande n°1 confiée à @paul:x"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn from_a_direct_chat_the_assignment_is_announced_in_the_coordination_room() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        let agent_chat = "!agent-direct:x";
        let direct = RoomKind::Direct { user: AGENT.to_owned() };
        desk.scheme.store.set_room_kind(agent_chat, &direct).await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request(MARIE, "courses demain").await?;
        desk.owed();
        apply(&desk.scheme, &desk.ctx_in(agent_chat, AGENT, Lang::En)?, 1, &user(PAUL)?).await?;
        let owed = desk.owed();
        let last = owed.last().ok_or("an announcement")?;
        assert!(is_notice_to(last, &Target::Id { id: COORDINATION.to_owned() }), "{owed:?}");
        let said = Desk::said(&owed);
        assert!(said.iter().any(|s| s.contains("Request #1 given to @paul:x")), "{said:?}");
        let announced = said.last().ok_or("an announcement")?;
        assert!(announced.contains("a confié la demande n°1 à @paul:x"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn someone_not_vetted_is_refused_once_and_the_request_stays_open() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, 1, &user(PAUL)?).await?;
        assert_eq!(desk.scheme.store.request(1)?.ok_or("request 1")?.state, State::Open);
        assert!(desk.scheme.store.audit()?.is_empty());
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1);
        assert!(said[0].contains("@paul:x n'est pas bénévole validé·e"), "{said:?}");

        apply(&desk.scheme, &ctx, 1, &user(PAUL)?).await?;
        assert!(desk.owed().is_empty(), "the same command again is answered once");
        Ok(())
    }

    #[tokio::test]
    async fn a_request_already_taken_is_refused_and_nothing_is_owed() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request(MARIE, "courses demain").await?;
        desk.claimed(1, "@lea:x", None).await?;
        let refused = apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, &user(PAUL)?).await;
        assert!(
            matches!(
                refused,
                Err(Failure::Transition(
                    TransitionError::NotOpen { number: 1, .. },
                    CommandKind::Assign
                ))
            ),
            "{refused:?}"
        );
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.state.holder(), Some("@lea:x"));
        let audit = desk.scheme.store.audit()?;
        assert!(audit.iter().all(|e| e.action != AuditAction::Assign), "{audit:?}");
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn the_same_command_twice_assigns_once() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request(MARIE, "courses demain").await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, 1, &user(PAUL)?).await?;
        desk.owed();
        let again = apply(&desk.scheme, &ctx, 1, &user(PAUL)?).await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::AlreadyHandled, _))),
            "{again:?}"
        );
        assert!(desk.owed().is_empty());
        let audit = desk.scheme.store.audit()?;
        assert_eq!(audit.iter().filter(|e| e.action == AuditAction::Assign).count(), 1);
        Ok(())
    }
}
