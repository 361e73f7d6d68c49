//! `!oui <n>` / `!yes <n>`: a resident takes up a volunteer's offer. The first one gets
//! it: it becomes their request, claimed by the volunteer, with a private room for the
//! two of them, as for a request a volunteer took.

use entraide_commands::{CommandKind, Key};
use entraide_storage::{Lane, Request, RoomKind, State};
use tracing::info;

use super::{Ctx, request::within_limits};
use crate::{failure::Failure, plan, scheme::Scheme, vitals};

/// Takes up offer `number` for the command's author.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, number: u64) -> Result<(), Failure> {
    let resident = ctx.sender().as_str();
    let now = scheme.now();
    // What stops a person's requests stops this one too.
    if !ctx.roles.coordinator {
        if scheme.store.person(resident)?.blocked.is_some() {
            return Err(Failure::Blocked);
        }
        within_limits(scheme, resident, now)?;
    }
    let own = |offer: Request| offer.state == State::Offered && offer.requester == resident;
    if scheme.store.request(number)?.is_some_and(own) {
        return Err(Failure::OwnOffer(number));
    }
    let neighbourhood = match scheme.store.room_kind(ctx.room.as_str())? {
        Some(RoomKind::Neighbourhood { name }) => Some(name),
        _ => None,
    };
    let told = scheme.texts.render(ctx.lang, Key::OfferTaken, &[("number", &number.to_string())]);
    let owed = |request: &Request, volunteer: &str| {
        let mut owed = plan::private_room_telling(
            request,
            volunteer,
            ctx.reply_in(scheme, &told, Some(request), Lane::Private),
        );
        owed.extend(plan::retire_posts(request, Key::OfferPostTaken));
        owed
    };
    let room = ctx.room.as_str();
    let (_, queued) = scheme
        .store
        .take_offer(
            number,
            resident,
            room,
            neighbourhood.as_deref(),
            ctx.lang,
            ctx.event(),
            now,
            owed,
        )
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Yes))?;
    info!(request = number, "offer taken up");
    vitals::COUNTERS.claims.inc();
    scheme.outbox.journalled(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Key, Lang, VolunteerStatus, read_request};
    use entraide_storage::Lane;
    use entraide_storage::{Action, Block, Effect, NewRequest, Outcome, State, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{AGENT, Desk, Result, TILLEULS},
        failure::{Failure, Limit},
    };

    const MARIE: &str = "@marie:x";
    const LUC: &str = "@luc:x";
    const PAUL: &str = "@paul:x";
    const POST: &str = "$post1:x";

    /// A desk with Paul's offer n°1, posted in « Les Tilleuls ».
    async fn offered() -> Result<Desk> {
        let desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        let (scheme, now) = (&desk.scheme, desk.scheme.now());
        let text = "je vais au marché samedi matin, besoin de quelque chose ?";
        let new = NewRequest {
            requester: PAUL.to_owned(),
            origin_room: crate::cmd::desk::VOLUNTEERS.to_owned(),
            neighbourhood: None,
            text: text.to_owned(),
            reading: read_request(text, now.with_timezone(&scheme.config.timezone)),
            lang: Lang::Fr,
            informs: false,
        };
        let rooms = [TILLEULS.to_owned()];
        scheme.store.create_offer(new, &rooms, "$offer1:x", now, |_| Vec::new()).await?;
        scheme.store.set_offer_post(1, TILLEULS, POST, 0).await?;
        Ok(desk)
    }

    /// The kinds of what is owed, in order.
    fn kinds(owed: &[Effect]) -> Vec<String> {
        owed.iter()
            .map(|effect| match &effect.action {
                Action::PrivateRoom { volunteer } => format!("private room for {volunteer}"),
                Action::Intro { volunteer } => format!("intro of {volunteer}"),
                Action::Notice { .. } => "answer".to_owned(),
                Action::RetireRelay { .. } => "relay retired".to_owned(),
                Action::RetirePost { room, event, key } => {
                    format!("post {event} in {room} {key:?}")
                }
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn taking_up_an_offer_makes_it_the_resident_s_request_claimed_by_the_volunteer()
    -> Result<()> {
        let mut desk = offered().await?;
        let ctx = desk.ctx(TILLEULS, MARIE)?;
        apply(&desk.scheme, &ctx, 1).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.requester, MARIE);
        assert!(matches!(&request.state, State::Claimed { volunteer, .. } if volunteer == PAUL));
        assert_eq!(request.origin_room, TILLEULS);
        assert_eq!(request.neighbourhood.as_deref(), Some("Les Tilleuls"));
        let outcomes: Vec<Outcome> =
            desk.scheme.store.log_of(1)?.iter().map(|entry| entry.outcome).collect();
        assert_eq!(outcomes, [Outcome::Offered, Outcome::OfferTaken, Outcome::Claimed]);
        let owed = desk.owed();
        assert_eq!(
            kinds(&owed),
            [
                format!("private room for {PAUL}"),
                format!("intro of {PAUL}"),
                "answer".to_owned(),
                "relay retired".to_owned(),
                format!("post {POST} in {TILLEULS} {:?}", Key::OfferPostTaken),
            ]
        );
        assert!(owed[..4].iter().all(|effect| effect.lane == Lane::Private));
        let said = Desk::said(&owed);
        assert!(said[0].contains("l'offre n°1 est pour vous"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_second_taker_or_the_same_event_again_gets_nothing() -> Result<()> {
        let mut desk = offered().await?;
        let ctx = desk.ctx(TILLEULS, MARIE)?;
        apply(&desk.scheme, &ctx, 1).await?;
        desk.owed();
        let again = apply(&desk.scheme, &ctx, 1).await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::AlreadyHandled, _))),
            "{again:?}"
        );
        let late = apply(&desk.scheme, &desk.ctx(TILLEULS, LUC)?, 1).await;
        assert!(
            matches!(late, Err(Failure::Transition(TransitionError::NotOpen { number: 1, .. }, _))),
            "{late:?}"
        );
        assert_eq!(desk.scheme.store.request(1)?.ok_or("request 1")?.requester, MARIE);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn the_volunteer_cannot_take_up_their_own_offer() -> Result<()> {
        let mut desk = offered().await?;
        let refused = apply(&desk.scheme, &desk.ctx(TILLEULS, PAUL)?, 1).await;
        assert!(matches!(refused, Err(Failure::OwnOffer(1))), "{refused:?}");
        assert_eq!(desk.scheme.store.request(1)?.ok_or("offer 1")?.state, State::Offered);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_blocked_resident_or_one_over_the_limits_is_refused_and_the_offer_stays() -> Result<()>
    {
        let mut desk = offered().await?;
        let block = Block { at: desk.scheme.now(), reason: None };
        desk.scheme.store.set_blocked(LUC, Some(block), AGENT, desk.scheme.now()).await?;
        let refused = apply(&desk.scheme, &desk.ctx(TILLEULS, LUC)?, 1).await;
        assert!(matches!(refused, Err(Failure::Blocked)), "{refused:?}");

        for text in ["un", "deux", "trois"] {
            desk.request(MARIE, text).await?;
        }
        let refused = apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, 1).await;
        assert!(matches!(refused, Err(Failure::TooMany(Limit::Open(3)))), "{refused:?}");

        assert_eq!(desk.scheme.store.request(1)?.ok_or("offer 1")?.state, State::Offered);
        assert!(desk.owed().is_empty());
        Ok(())
    }
}
