//! Sending the register as a CSV file for the préfet (R121-8): a notice that says how
//! many are on it, then the file, where register data may go ([`Target::Confidential`]).
//! Each of the two has its own transaction id, derived from the effect's: a retry after a
//! crash posts neither twice.

use entraide_commands::{Key, Lang};
use entraide_storage::Target;
use matrix_sdk::ruma::OwnedTransactionId;
use tracing::info;

use super::{
    report::attach,
    send::{confidential_room, explained, send},
};
use crate::{bot::Bot, matrix, matrix::Shape, sheets};

/// Sends the active entries of the register, read from the store now, `to` where it
/// says, in `lang`.
pub async fn send_register(
    bot: &Bot,
    to: &Target,
    lang: Lang,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let room = match to {
        Target::Confidential { asked_by } => confidential_room(bot, asked_by).await?,
        Target::Id { id } => match matrix::joined(&bot.client, id) {
            Some(room) => room,
            None => return Ok(()),
        },
        other => anyhow::bail!("the register is not sent to {other:?}"),
    };
    let today = bot.today();
    let (csv, count) = sheets::export(&bot.store, lang, today, bot.config.timezone)?;
    let csv = csv.into_bytes();
    let date = today.format("%d/%m/%Y").to_string();
    let count = count.to_string();
    let notice = bot.texts.render(lang, Key::RegistryExport, &[("date", &date), ("count", &count)]);
    let notice = explained(bot, to, &room, &notice);
    let part = |name: &str| txn.as_ref().map(|id| OwnedTransactionId::from(format!("{id}.{name}")));
    send(bot, &room, &notice, Shape::New, &[], part("text").as_deref()).await?;
    let name = format!("registre-{}.csv", today.format("%Y-%m-%d"));
    attach(bot, &room, &name, &mime::TEXT_CSV, csv, false, part("csv")).await?;
    info!("the register sent");
    Ok(())
}
