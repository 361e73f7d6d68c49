//! `!propose <texte>` / `!offer <text>`: a vetted volunteer offers help before anyone
//! asks ("I'm going shopping on Saturday"); the offer is posted in the neighbourhood
//! rooms of their areas (all of them if they chose none), where a resident takes it up
//! with `!oui <n>`.

use entraide_commands::{CommandKind, Key, read_request};
use entraide_storage::{NewRequest, Request, RoomKind};
use tracing::info;

use super::Ctx;
use crate::{effects::plan, failure::Failure, scheme::Scheme};

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
