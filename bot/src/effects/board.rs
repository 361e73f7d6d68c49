//! A campaign's board in the coordination room: one message, pinned, edited as calls
//! are recorded, rather than a new one each time. Rendered from the store when it is
//! carried out, so that an edit made late still shows the latest counts. The post and
//! each edit carry the effect's transaction id: a retry after a crash does neither twice.

use entraide_commands::Lang;
use matrix_sdk::ruma::{EventId, OwnedTransactionId};
use tracing::{info, warn};

use super::send::send;
use crate::{bot::Bot, campaign, matrix, matrix::Shape};

/// Brings the board of `number` up to date (see [`entraide_storage::Action::Board`]).
pub async fn show(
    bot: &Bot,
    number: u64,
    lang: Lang,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let Some(shown) = bot.store.campaign(number)? else { return Ok(()) };
    let Some(room) = matrix::joined(&bot.client, bot.rooms.coordination.as_str()) else {
        return Ok(());
    };
    let checks = bot.store.checkins(number)?;
    let message = campaign::board(campaign::BoardClock::of(bot), lang, &shown, &checks);
    let posted = shown.board.as_deref().and_then(|event| EventId::parse(event).ok());
    match (posted, shown.ended_at) {
        (Some(event), ended) => {
            send(bot, &room, &message, Shape::Edit(&event), &[], txn.as_deref()).await?;
            // Pinned again if a stop came between the post and its pin (nothing is sent
            // when it is pinned already); unpinned once the campaign is over.
            let pinned = match ended {
                None => room.pin_event(&event).await.map(|_| ()),
                Some(_) => room.unpin_event(&event).await.map(|_| ()),
            };
            if let Err(error) = pinned {
                warn!(campaign = number, %error, "cannot pin or unpin the board of a campaign");
            }
        }
        // Over before its board was ever posted: the report says it all.
        (None, Some(_)) => {}
        (None, None) => {
            let event = send(bot, &room, &message, Shape::New, &[], txn.as_deref()).await?;
            bot.store.set_board(number, event.as_str()).await?;
            // Without the power to pin, the board is still there, edited in place.
            if let Err(error) = room.pin_event(&event).await {
                warn!(campaign = number, %error, "cannot pin the board of a campaign");
            }
            info!(campaign = number, "board posted");
        }
    }
    Ok(())
}
