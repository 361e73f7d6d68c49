//! `!prendre <n>` / `!take <n>`, or ✋ on a relay: the first valid claim wins the request
//! and a private room with the person who asked.

use entraide_commands::{CommandKind, Key, Lang, Place, rules};
use matrix_sdk::ruma::{EventId, RoomId, UserId};
use tracing::{error, info};

use entraide_storage::{Lane, Request, Root, Shape};

use super::Ctx;
use crate::{
    failure::{self, Failure},
    plan,
    scheme::Scheme,
    vitals,
};

/// Claims request `number` for the command's author.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    claim(scheme, number, ctx.sender(), ctx.lang, &ctx.reply_to.event, Some(ctx)).await
}

/// A reaction in the volunteers room: ✋ (any skin tone) on a relay claims its request.
/// Answers go to the relay's thread, mentioning the volunteer.
pub(super) async fn by_reaction(
    scheme: &Scheme,
    room: &RoomId,
    event: &EventId,
    sender: &UserId,
    target: &EventId,
    key: &str,
) {
    if room != scheme.rooms.volunteers || !is_claim(key) {
        return;
    }
    let number = match scheme.store.request_by_relay(target.as_str()) {
        Ok(Some(number)) => number,
        Ok(None) => return,
        Err(error) => {
            error!(%error, "cannot look up a relay");
            return;
        }
    };
    // Marked handled with the claim, or below when refused.
    if scheme.store.is_handled(event.as_str()).unwrap_or(true) {
        return;
    }
    let lang = scheme.config.language;
    let result = match scheme.roles(sender) {
        Ok(roles) => rules::check(CommandKind::Take, roles, Place::Volunteers)
            .map_err(|refusal| Failure::Refused(refusal, CommandKind::Take)),
        Err(error) => Err(error.into()),
    };
    let result = match result {
        Ok(()) => claim(scheme, number, sender, lang, event, None).await,
        Err(failure) => Err(failure),
    };
    if let Err(failure) = result {
        if !scheme.mark_handled(event).await {
            return;
        }
        failure.log();
        // In the thread of the relay reacted to, which may be an older one.
        if let Some(message) = failure::message(&scheme.texts, &failure, lang) {
            let shape = Shape::Thread { root: Root::Event { id: target.to_string() }, to: None };
            scheme.outbox.now(plan::notice_in(room, message, shape, Some(sender.as_str())));
        }
    }
}

/// The claim itself: one compare-and-swap in the store, journalled with what it owes: the
/// private room, then the winner told (as a reply to their command, or in the relay's
/// thread) and what else follows the room.
async fn claim(
    scheme: &Scheme,
    number: u64,
    volunteer: &UserId,
    lang: Lang,
    event: &EventId,
    command: Option<&Ctx>,
) -> Result<(), Failure> {
    if scheme.charter_outdated(volunteer)? {
        return Err(Failure::CharterOutdated);
    }
    let won = scheme.texts.render(lang, Key::ClaimWon, &[("number", &number.to_string())]);
    let owed = |request: &Request| {
        // Told once the private room is there, in its lane: the invitations, which both
        // people wait for, do not share the homeserver with it; and if the room cannot
        // be made, the volunteer hears that the request was given back, not that it won.
        let told = match command {
            Some(ctx) => ctx.reply_in(scheme, &won, Some(request), Lane::Private),
            None => plan::to_relay_thread(request, &won, volunteer.as_str(), true, Lane::Private),
        };
        let mut owed = plan::private_room(scheme, request, volunteer.as_str());
        owed.insert(1.min(owed.len()), told);
        owed
    };
    let now = scheme.now();
    let (claimed, queued) = scheme
        .store
        .claim(number, volunteer.as_str(), Some(event.as_str()), now, owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Take))?;
    info!(request = number, "claimed");
    vitals::COUNTERS.claims.inc();
    vitals::COUNTERS.claim_seconds.observe(vitals::seconds(now - claimed.created_at));
    scheme.outbox.journalled(queued);
    Ok(())
}

/// ✋, with or without a skin tone or variation selector.
fn is_claim(key: &str) -> bool {
    super::bare_emoji(key) == "✋"
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::Lane;
    use entraide_storage::{
        Action, Effect, Root, Shape, Signature, State, Target, TransitionError,
    };
    use matrix_sdk::ruma::{EventId, RoomId};

    use super::{apply, by_reaction, is_claim};
    use crate::{
        cmd::desk::{Desk, Result, VOLUNTEERS, user},
        failure::Failure,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";
    const JEANNE: &str = "@jeanne:x";
    const RELAY: &str = "$relay1:x";

    /// A desk with Marie's open request n°1, and Paul and Jeanne vetted, having accepted
    /// today's charter.
    async fn desk() -> Result<Desk> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain matin : pain et lait").await?;
        for volunteer in [PAUL, JEANNE] {
            desk.volunteer(volunteer, VolunteerStatus::Vetted).await?;
            sign(&desk, volunteer, &desk.scheme.charter.version.clone()).await?;
        }
        Ok(desk)
    }

    /// Records that `volunteer` accepted the charter of `version`.
    async fn sign(desk: &Desk, volunteer: &str, version: &str) -> Result<()> {
        let signature = Signature { at: desk.scheme.now(), version: version.to_owned() };
        let sign = |person: &mut entraide_storage::Person| person.charter = Some(signature.clone());
        desk.scheme.store.update_person(volunteer, sign).await?;
        Ok(())
    }

    /// The kinds of what is owed, in order.
    fn kinds(owed: &[Effect]) -> Vec<String> {
        owed.iter()
            .map(|effect| match &effect.action {
                Action::PrivateRoom { volunteer } => format!("private room for {volunteer}"),
                Action::Intro { volunteer } => format!("intro of {volunteer}"),
                Action::Notice { to: Target::Requester { .. }, .. } => "requester told".to_owned(),
                Action::Notice { to, .. } => format!("notice to {to:?}"),
                Action::RetireRelay { key, .. } => format!("relay retired {key:?}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_claim_wins_the_request_and_owes_the_room_then_the_answer_then_the_rest() -> Result<()>
    {
        let mut desk = desk().await?;
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        apply(&desk.scheme, &ctx, 1).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(matches!(&request.state, State::Claimed { volunteer, .. } if volunteer == PAUL));
        assert!(desk.scheme.store.is_handled(ctx.event())?, "marked handled with the claim");
        let owed = desk.owed();
        let volunteers = Target::Id { id: VOLUNTEERS.to_owned() };
        assert_eq!(
            kinds(&owed),
            [
                format!("private room for {PAUL}"),
                format!("notice to {volunteers:?}"),
                format!("intro of {PAUL}"),
                "requester told".to_owned(),
                "relay retired RelayTaken".to_owned(),
            ]
        );
        assert!(owed.iter().all(|effect| effect.lane == Lane::Private && effect.request == 1));
        // The answer goes in the relay's thread, as a reply to the command.
        let Action::Notice { shape, .. } = &owed[1].action else {
            return Err("the answer".into());
        };
        assert!(matches!(shape, Shape::Thread { root: Root::Relay, to: Some(_) }), "{shape:?}");
        let said = Desk::said(&owed);
        assert!(said[0].contains("La demande n°1 est pour vous"), "{said:?}");
        assert!(said[1].contains("un·e bénévole a répondu à votre demande n°1"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn the_volunteer_is_answered_in_their_language_the_requester_in_the_request_s()
    -> Result<()> {
        let mut desk = desk().await?;
        apply(&desk.scheme, &desk.ctx_in(VOLUNTEERS, PAUL, Lang::En)?, 1).await?;
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("Request #1 is yours"), "{said:?}");
        assert!(said[1].contains("Bonne nouvelle"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_second_claim_loses_the_race_and_changes_nothing() -> Result<()> {
        let mut desk = desk().await?;
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, 1).await?;
        desk.owed();
        let ctx = desk.ctx(VOLUNTEERS, JEANNE)?;
        let lost = apply(&desk.scheme, &ctx, 1).await;
        assert!(
            matches!(
                &lost,
                Err(Failure::Transition(TransitionError::NotOpen { number: 1, state: State::Claimed { volunteer, .. } }, _))
                    if volunteer == PAUL
            ),
            "{lost:?}"
        );
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(matches!(&request.state, State::Claimed { volunteer, .. } if volunteer == PAUL));
        assert!(desk.owed().is_empty());
        assert!(!desk.scheme.store.is_handled(ctx.event())?, "a refused claim marks nothing");
        Ok(())
    }

    #[tokio::test]
    async fn the_same_claim_twice_is_one_claim() -> Result<()> {
        let mut desk = desk().await?;
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        apply(&desk.scheme, &ctx, 1).await?;
        desk.owed();
        let again = apply(&desk.scheme, &ctx, 1).await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::AlreadyHandled, _))),
            "{again:?}"
        );
        assert!(desk.owed().is_empty());
        assert_eq!(desk.scheme.store.log_of(1)?.len(), 2, "created, claimed once");
        Ok(())
    }

    #[tokio::test]
    async fn an_outdated_charter_or_a_missing_request_is_refused_and_owes_nothing() -> Result<()> {
        let mut desk = desk().await?;
        sign(&desk, PAUL, "an older text").await?;
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        let refused = apply(&desk.scheme, &ctx, 1).await;
        assert!(matches!(refused, Err(Failure::CharterOutdated)), "{refused:?}");
        assert_eq!(desk.scheme.store.request(1)?.ok_or("request 1")?.state, State::Open);
        assert!(!desk.scheme.store.is_handled(ctx.event())?);

        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, JEANNE)?, 9).await;
        assert!(
            matches!(refused, Err(Failure::Transition(TransitionError::NoSuchRequest(9), _))),
            "{refused:?}"
        );
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_raised_hand_on_a_relay_claims_and_answers_in_its_thread() -> Result<()> {
        let mut desk = desk().await?;
        desk.scheme.store.set_relay(1, RELAY, desk.scheme.now(), 0).await?;
        let room = RoomId::parse(VOLUNTEERS)?;
        let (event, target) = (EventId::parse("$hand1:x")?, EventId::parse(RELAY)?);
        by_reaction(&desk.scheme, &room, &event, &user(PAUL)?, &target, "✋🏽").await;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(matches!(&request.state, State::Claimed { volunteer, .. } if volunteer == PAUL));
        let owed = desk.owed();
        assert_eq!(kinds(&owed)[1], format!("notice to {:?}", Target::Volunteers));
        let Action::Notice { shape, mention, .. } = &owed[1].action else {
            return Err("the answer".into());
        };
        assert_eq!(shape, &Shape::Thread { root: Root::Relay, to: None });
        assert_eq!(mention.as_deref(), Some(PAUL), "a reaction is answered by a mention");

        // Any other emoji, or a reaction to something that is no relay, does nothing.
        let other = EventId::parse("$hand2:x")?;
        by_reaction(&desk.scheme, &room, &other, &user(JEANNE)?, &target, "👍").await;
        let elsewhere = EventId::parse("$elsewhere:x")?;
        by_reaction(&desk.scheme, &room, &other, &user(JEANNE)?, &elsewhere, "✋").await;
        assert!(desk.owed().is_empty());
        assert!(!desk.scheme.store.is_handled(other.as_str())?);
        Ok(())
    }

    #[tokio::test]
    async fn a_raised_hand_of_someone_not_vetted_is_refused_once_in_the_relay_s_thread()
    -> Result<()> {
        let mut desk = desk().await?;
        desk.scheme.store.set_relay(1, RELAY, desk.scheme.now(), 0).await?;
        let room = RoomId::parse(VOLUNTEERS)?;
        let (event, target) = (EventId::parse("$hand3:x")?, EventId::parse(RELAY)?);
        let stranger = user("@inconnu:x")?;
        by_reaction(&desk.scheme, &room, &event, &stranger, &target, "✋").await;
        by_reaction(&desk.scheme, &room, &event, &stranger, &target, "✋").await;
        assert_eq!(desk.scheme.store.request(1)?.ok_or("request 1")?.state, State::Open);
        assert!(desk.scheme.store.is_handled(event.as_str())?, "a refusal is handled too");
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "refused once: {owed:?}");
        let Action::Notice { to, shape, mention, .. } = &owed[0].action else {
            return Err("the refusal".into());
        };
        assert_eq!(to, &Target::Id { id: VOLUNTEERS.to_owned() });
        assert_eq!(shape, &Shape::Thread { root: Root::Event { id: RELAY.to_owned() }, to: None });
        assert_eq!(mention.as_deref(), Some("@inconnu:x"));
        assert!(Desk::said(&owed)[0].contains("validé·es par la coordination"), "{owed:?}");
        Ok(())
    }

    #[test]
    fn a_raised_hand_in_any_skin_tone_claims() {
        for key in ["✋", "✋\u{FE0F}", "✋🏽", "✋🏿"] {
            assert!(is_claim(key), "{key}");
        }
        for key in ["👍", "🙋", "✋✋", "", "hand"] {
            assert!(!is_claim(key), "{key}");
        }
    }
}
