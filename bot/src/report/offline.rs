//! `entraide rapport`: the report of a period written to a folder from the store alone,
//! without Matrix — the chart (PNG and SVG), the table (CSV) and a one-page summary
//! (Markdown); `entraide bilan-campagne`: a campaign's (the notice, chart and table). It reads a copy of the store, so it works while the bot runs (sled lets
//! one process open a store) and never changes the store or a backup it is given.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use entraide_commands::{Catalogue, Lang, Period};
use entraide_storage::{RoomKind, Store};

use super::Report;
use crate::config::Config;

/// What to write, and where.
#[derive(Debug)]
pub struct Order<'a> {
    /// The period.
    pub period: Period,
    /// The language of every text.
    pub lang: Lang,
    /// The folder the files go to (made if need be).
    pub folder: &'a Path,
    /// The store to read: the bot's, or a backup copy.
    pub store: &'a Path,
}

/// Writes the report's files and returns their paths: chart (PNG, SVG), table, summary.
pub fn write(
    config: &Config,
    texts: &Catalogue,
    order: &Order<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<PathBuf>> {
    let (_copy, store) = open_copy(order.store)?;
    // Phone-ins are the requests followed in the coordination room.
    let coordination = store
        .rooms_where(|kind| *kind == RoomKind::Coordination)?
        .into_iter()
        .next()
        .unwrap_or_default();
    let figures = super::figures(&store, config, &coordination, order.period, now)?
        .context("the period's first day does not exist in the commune's time zone")?;
    drop(store);
    let report = Report {
        texts,
        lang: order.lang,
        community: &config.community,
        period: order.period,
        tz: config.timezone,
        figures,
    };
    std::fs::create_dir_all(order.folder)
        .with_context(|| format!("cannot make the folder {}", order.folder.display()))?;
    let stem = report.file_stem();
    let path = |extension: &str| order.folder.join(format!("{stem}.{extension}"));
    let files = [
        (path("png"), report.png()?),
        (path("svg"), report.svg()?.into_bytes()),
        (path("csv"), report.csv().into_bytes()),
        (path("md"), report.markdown(&format!("{stem}.png"), &format!("{stem}.csv")).into_bytes()),
    ];
    let mut written = Vec::new();
    for (path, bytes) in files {
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Writes the report of campaign `number` (else of the last one) from the store in
/// `from` to `folder`, and returns the files' paths: the notice (text), the chart (PNG),
/// the table (CSV) and the board as it stands (PNG, `…-tableau.png`).
pub fn write_campaign(
    config: &Config,
    texts: &Catalogue,
    number: Option<u64>,
    lang: Lang,
    folder: &Path,
    from: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<PathBuf>> {
    let (_copy, store) = open_copy(from)?;
    let campaign = match number {
        Some(number) => store.campaign(number)?.with_context(|| format!("no campaign {number}"))?,
        None => store.campaigns()?.pop().context("no campaign has run yet")?,
    };
    let checks = store.checkins(campaign.number)?;
    drop(store);
    let report = super::campaign::campaign_report(texts, config, lang, &campaign, &checks, now);
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot make the folder {}", folder.display()))?;
    let stem = report.file_stem();
    let path = |extension: &str| folder.join(format!("{stem}.{extension}"));
    let at = crate::campaign::BoardClock { texts, zone: config.timezone, now };
    let board = super::campaign::board_png(at, lang, &campaign, &checks)?;
    let files = [
        (path("txt"), format!("{}\n", report.notice.plain).into_bytes()),
        (path("png"), report.png()?),
        (path("csv"), report.csv().into_bytes()),
        (folder.join(format!("{stem}-tableau.png")), board),
    ];
    let mut written = Vec::new();
    for (path, bytes) in files {
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A copy of the store in `from`, opened: it can be read while the bot runs (sled locks
/// the original), and from a backup copy. The copy goes with the folder returned.
pub fn open_copy(from: &Path) -> anyhow::Result<(tempfile::TempDir, Store)> {
    if !from.join("db").exists() {
        anyhow::bail!("no store in {}", from.display());
    }
    let copy = tempfile::tempdir().context("cannot make a folder for the store's copy")?;
    crate::backup::copy_files(from, &copy.path().join("store"))
        .with_context(|| format!("cannot copy the store {}", from.display()))?;
    let store = Store::open(&copy.path().join("store")).context("cannot open the store's copy")?;
    Ok((copy, store))
}
