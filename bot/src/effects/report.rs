//! Posting a period's report (a coordinator's `!rapport`): the figures' notice, then the
//! chart as an image and the table as a CSV file; and a campaign's chart and table. Each of the three has its own
//! transaction id, derived from the effect's: a retry after a crash posts none twice.

use entraide_commands::{Key, Lang, Message, Period};
use matrix_sdk::{
    Room,
    attachment::{AttachmentConfig, AttachmentInfo, BaseImageInfo},
    ruma::{OwnedTransactionId, UInt, events::Mentions},
};
use tracing::info;

use super::send::send;
use crate::{
    bot::Bot,
    matrix::{self, Shape},
    retry::persist,
};

/// Posts the report of `period` in `room`, read from the store now.
pub async fn send_report(
    bot: &Bot,
    room: &str,
    period: Period,
    lang: Lang,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let Some(room) = matrix::joined(&bot.client, room) else { return Ok(()) };
    // Reading every request and drawing take a moment: off the runtime's turn.
    let drawn = tokio::task::block_in_place(|| -> anyhow::Result<_> {
        let Some(report) = crate::report::Report::of(bot, lang, period)? else { return Ok(None) };
        let png = report.png()?;
        let follows = bot.texts.render(lang, Key::ReportFollows, &[]);
        Ok(Some((
            Message::lines([report.notice(), follows]),
            png,
            report.csv(),
            report.file_stem(),
        )))
    })?;
    let Some((notice, png, csv, stem)) = drawn else { return Ok(()) };
    let part = |name: &str| txn.as_ref().map(|id| OwnedTransactionId::from(format!("{id}.{name}")));
    send(bot, &room, &notice, Shape::New, &[], part("text").as_deref()).await?;
    attach(bot, &room, &format!("{stem}.png"), &mime::IMAGE_PNG, png, true, part("png")).await?;
    let csv = csv.into_bytes();
    attach(bot, &room, &format!("{stem}.csv"), &mime::TEXT_CSV, csv, false, part("csv")).await?;
    info!(room = %room.room_id(), "a report posted");
    Ok(())
}

/// Posts the chart and the table of campaign `number`'s report in `room`, read from the
/// store now.
pub async fn send_campaign_report(
    bot: &Bot,
    room: &str,
    number: u64,
    lang: Lang,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let Some(room) = matrix::joined(&bot.client, room) else { return Ok(()) };
    let drawn = tokio::task::block_in_place(|| -> anyhow::Result<_> {
        let Some(over) = bot.store.campaign(number)? else { return Ok(None) };
        let checks = bot.store.checkins(number)?;
        let report = crate::report::campaign::campaign_report(
            &bot.texts,
            &bot.config,
            lang,
            &over,
            &checks,
            bot.now(),
        );
        Ok(Some((report.png()?, report.csv(), report.file_stem())))
    })?;
    let Some((png, csv, stem)) = drawn else { return Ok(()) };
    let part = |name: &str| txn.as_ref().map(|id| OwnedTransactionId::from(format!("{id}.{name}")));
    attach(bot, &room, &format!("{stem}.png"), &mime::IMAGE_PNG, png, true, part("png")).await?;
    let csv = csv.into_bytes();
    attach(bot, &room, &format!("{stem}.csv"), &mime::TEXT_CSV, csv, false, part("csv")).await?;
    info!(campaign = number, "a campaign's report posted");
    Ok(())
}

/// Uploads and posts one file when it is the bot's turn in `room`: the chart as an image,
/// else as a file.
pub(super) async fn attach(
    bot: &Bot,
    room: &Room,
    name: &str,
    kind: &mime::Mime,
    data: Vec<u8>,
    chart: bool,
    txn: Option<OwnedTransactionId>,
) -> anyhow::Result<()> {
    let _turn = bot.sending.take(room).await;
    persist("a report's file", || async {
        let mut config = AttachmentConfig::new().mentions(Some(Mentions::new()));
        if chart {
            // Clients size the image before they download it.
            let (width, height) = crate::report::SIZE;
            config = config.info(AttachmentInfo::Image(BaseImageInfo {
                width: Some(UInt::from(width)),
                height: Some(UInt::from(height)),
                ..BaseImageInfo::default()
            }));
        }
        if let Some(txn) = &txn {
            config = config.txn_id(txn.clone());
        }
        Ok(room.send_attachment(name, kind, data.clone(), config).await?)
    })
    .await?;
    Ok(())
}
