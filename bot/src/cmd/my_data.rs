//! `!mesdonnees` / `!mydata`: the person gets, in a direct chat, a file with everything
//! the bot keeps about them (GDPR Art. 15).

use entraide_commands::{CommandKind, Key, Place};
use entraide_storage::{Action, Effect};
use tracing::info;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Owes the file (read from the store when it is sent, in a direct chat opened if need
/// be); elsewhere than that direct chat, says where it went.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let user = ctx.sender().as_str();
    let in_direct_chat = ctx.place == Place::Direct;
    // In the direct chat, the file follows what was said there; elsewhere, one lane per
    // person, so that two requests never open two direct chats.
    let lane = if in_direct_chat { ctx.room.to_string() } else { format!("direct:{user}") };
    let send = Effect {
        request: 0,
        lane,
        urgent: false,
        action: Action::SendData { user: user.to_owned(), lang: ctx.lang },
    };
    let mut owed = vec![send];
    if !in_direct_chat {
        owed.push(ctx.reply(scheme, &scheme.texts.render(ctx.lang, Key::MyDataSent, &[]), None));
    }
    let queued = scheme
        .store
        .owe(owed)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::MyData))?;
    info!("a person's data owed to them");
    scheme.outbox.journalled(queued);
    Ok(())
}
