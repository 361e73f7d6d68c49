//! `!oui <n>` / `!yes <n>`: a resident takes up a volunteer's offer. The first one gets
//! it: it becomes their request, claimed by the volunteer, with a private room for the
//! two of them, as for a request a volunteer took.

use entraide_commands::{CommandKind, Key};
use entraide_storage::{Request, RoomKind, State};
use tracing::info;

use super::{Ctx, request::within_limits};
use crate::{effects::plan, failure::Failure, scheme::Scheme};

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
        let mut owed =
            plan::private_room_telling(request, volunteer, ctx.reply(scheme, &told, Some(request)));
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
    scheme.outbox.journalled(queued);
    Ok(())
}
