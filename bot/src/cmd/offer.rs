//! `!propose <texte>` / `!offer <text>`: a vetted volunteer offers help before anyone
//! asks ("I'm going shopping on Saturday"); the offer is posted in the neighbourhood
//! rooms of their areas (all of them if they chose none), where a resident takes it up
//! with `!oui <n>`.

use entraide_commands::{CommandKind, Key, read_request};
use entraide_storage::{NewRequest, Request, RoomKind};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, plan, scheme::Scheme};

/// Records the offer with its posts to make, and tells the volunteer where it goes.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, text: String) -> Result<(), Failure> {
    let volunteer = ctx.sender();
    if scheme.charter_outdated(volunteer)? {
        return Err(Failure::CharterOutdated);
    }
    let areas = scheme.store.person(volunteer.as_str())?.areas;
    let mut rooms = Vec::new();
    let mut names = Vec::new();
    for room in scheme.store.rooms_where(|kind| matches!(kind, RoomKind::Neighbourhood { .. }))? {
        let Some(RoomKind::Neighbourhood { name }) = scheme.store.room_kind(&room)? else {
            continue;
        };
        if areas.is_empty() || areas.contains(&name) {
            rooms.push(room);
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if rooms.is_empty() {
        return Err(Failure::NoNeighbourhoodRoom);
    }
    let now = scheme.now();
    let new = NewRequest {
        requester: volunteer.to_string(),
        origin_room: ctx.room.to_string(),
        neighbourhood: None,
        reading: read_request(&text, now.with_timezone(&scheme.config.timezone)),
        text,
        lang: ctx.lang,
        informs: false,
    };
    let names = names.join(", ");
    let owed = |request: &Request| {
        let number = request.number.to_string();
        let args = [("number", number.as_str()), ("rooms", names.as_str())];
        let posted = scheme.texts.render(ctx.lang, Key::OfferPosted, &args);
        let mut owed: Vec<_> = rooms.iter().map(|room| plan::post_offer(request, room)).collect();
        owed.push(ctx.reply(scheme, &posted, None));
        owed
    };
    let (request, queued) = scheme
        .store
        .create_offer(new, &rooms, ctx.event(), now, owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Offer))?;
    info!(request = request.number, rooms = rooms.len(), "offer posted");
    scheme.outbox.journalled(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::{Action, RoomKind, Signature, State, Target, TransitionError};

    use super::apply;
    use crate::{
        cmd::desk::{Desk, Result, TILLEULS, VOLUNTEERS, is_notice_to},
        failure::Failure,
    };

    const PAUL: &str = "@paul:x";
    const ECLUSES: &str = "!ecluses:x";
    const OFFER: &str = "je vais faire les courses samedi";

    /// A desk with a second neighbourhood room, « Écluses », and Paul a vetted volunteer.
    async fn desk() -> Result<Desk> {
        let desk = Desk::new().await?;
        let ecluses = RoomKind::Neighbourhood { name: "Écluses".to_owned() };
        desk.scheme.store.set_room_kind(ECLUSES, &ecluses).await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        Ok(desk)
    }

    /// The rooms of the posts owed, in order.
    fn posted(owed: &[entraide_storage::Effect]) -> Vec<String> {
        owed.iter()
            .filter_map(|effect| match &effect.action {
                Action::PostOffer { room } => Some(room.clone()),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn without_areas_the_offer_is_posted_in_every_neighbourhood_room_then_answered()
    -> Result<()> {
        let mut desk = desk().await?;
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        apply(&desk.scheme, &ctx, OFFER.to_owned()).await?;
        let offer = desk.scheme.store.request(1)?.ok_or("offer 1")?;
        assert_eq!(offer.state, State::Offered);
        assert_eq!((offer.requester.as_str(), offer.origin_room.as_str()), (PAUL, VOLUNTEERS));
        let mut rooms: Vec<&str> = offer.posts.iter().map(|post| post.room.as_str()).collect();
        rooms.sort_unstable();
        assert_eq!(rooms, [ECLUSES, TILLEULS]);
        assert!(desk.scheme.store.is_handled(ctx.event())?);

        let owed = desk.owed();
        assert_eq!(owed.len(), 3, "{owed:?}");
        let mut posted = posted(&owed[..2]);
        posted.sort_unstable();
        assert_eq!(posted, [ECLUSES, TILLEULS], "the posts first");
        assert!(is_notice_to(&owed[2], &Target::Id { id: VOLUNTEERS.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("Votre offre n°1 est publiée dans :"), "{said:?}");
        assert!(said[0].contains("Les Tilleuls") && said[0].contains("Écluses"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn with_areas_the_offer_goes_only_to_their_rooms() -> Result<()> {
        let mut desk = desk().await?;
        let areas = vec!["Écluses".to_owned()];
        desk.scheme.store.update_person(PAUL, |person| person.areas.clone_from(&areas)).await?;
        apply(&desk.scheme, &desk.ctx_in(VOLUNTEERS, PAUL, Lang::En)?, OFFER.to_owned()).await?;
        let owed = desk.owed();
        assert_eq!(posted(&owed), [ECLUSES]);
        let said = Desk::said(&owed);
        assert!(said[0].contains("Your offer #1 is posted in: Écluses."), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_volunteer_who_accepted_an_older_charter_is_refused_and_nothing_recorded()
    -> Result<()> {
        let mut desk = desk().await?;
        let old = Signature { at: desk.scheme.now(), version: "0000".to_owned() };
        desk.scheme.store.update_person(PAUL, |person| person.charter = Some(old.clone())).await?;
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, OFFER.to_owned()).await;
        assert!(matches!(refused, Err(Failure::CharterOutdated)), "{refused:?}");
        assert_eq!(desk.scheme.store.request(1)?, None);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn areas_whose_rooms_the_bot_does_not_serve_leave_the_offer_nowhere_to_go() -> Result<()>
    {
        let mut desk = desk().await?;
        // Not all rooms then, as with no areas: the answer says no neighbourhood room is
        // served at all (see the report of these tests).
        let areas = vec!["Centre".to_owned()];
        desk.scheme.store.update_person(PAUL, |person| person.areas.clone_from(&areas)).await?;
        let refused = apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, OFFER.to_owned()).await;
        assert!(matches!(refused, Err(Failure::NoNeighbourhoodRoom)), "{refused:?}");
        assert_eq!(desk.scheme.store.request(1)?, None);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn the_same_command_twice_is_one_offer() -> Result<()> {
        let mut desk = desk().await?;
        let ctx = desk.ctx(VOLUNTEERS, PAUL)?;
        apply(&desk.scheme, &ctx, OFFER.to_owned()).await?;
        desk.owed();
        let again = apply(&desk.scheme, &ctx, OFFER.to_owned()).await;
        assert!(
            matches!(again, Err(Failure::Transition(TransitionError::AlreadyHandled, _))),
            "{again:?}"
        );
        assert_eq!(desk.scheme.store.request(2)?, None);
        assert!(desk.owed().is_empty());
        Ok(())
    }
}
