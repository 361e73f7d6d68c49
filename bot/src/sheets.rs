//! Spreadsheets in and out of the alert register.
//!
//! In: a commune's spreadsheet, from the command line (`entraide importer-registre
//! FICHIER`) or posted as a file in the coordination room: each row read ([`read_csv`]),
//! the same person met twice in the file or already on the register merged into one
//! entry, the rest entered, all in one store transaction; then a report of the rows
//! taken, merged and refused, and why.
//!
//! Out: the préfet's export (R121-8, [`export`]), the active entries as a CSV file,
//! posted by `!registre export` or written by `entraide exporter-registre`.

use std::{collections::HashMap, path::Path, sync::Arc};

use anyhow::Context as _;

use chrono::{DateTime, NaiveDate, Utc};
use entraide_commands::{
    Catalogue, Key, Lang, Message, Place,
    register::{
        EntryError, ExportRow, Particulars, Refusal, Sheet, SheetError, name_key, read_csv,
        write_csv,
    },
};
use entraide_storage::{
    Enrolment, NewEntry, Quote, Registration, Shape, Store, StoreError, TransitionError, Way,
};
use matrix_sdk::ruma::{
    OwnedEventId, RoomId, UserId, events::room::message::FileMessageEventContent,
};
use tracing::{info, warn};

use crate::{bot::Bot, plan};

/// How many refused rows a report names one by one.
const REFUSALS_SHOWN: usize = 20;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// New entries.
    pub taken: usize,
    /// Rows merged into an earlier row of the file, or into an entry already on the
    /// register.
    pub merged: usize,
    /// The rows refused, and why.
    pub refused: Vec<Refusal>,
    /// Columns the register has no use for.
    pub ignored: Vec<String>,
}

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole could not be read.
    #[error("{0}")]
    Sheet(#[from] SheetError),
    /// The store refused it.
    #[error(transparent)]
    Store(#[from] TransitionError),
    /// The store could not be read.
    #[error(transparent)]
    Read(#[from] StoreError),
    /// The file posted could not be downloaded.
    #[error("the file could not be downloaded")]
    Download,
    /// The file posted is larger than any register.
    #[error("the file is too large")]
    TooBig,
}

/// What importing `sheet` changes: the new entries, by `actor`, and the entries of the
/// `register` a row merges into, with their particulars merged.
pub fn plan(
    sheet: Sheet,
    register: &[Registration],
    actor: &str,
) -> (Vec<NewEntry>, Vec<(u64, Particulars)>) {
    // By name, so that a file of 50,000 rows against a register of 10,000 stays linear.
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (at, entry) in register.iter().enumerate() {
        by_name.entry(name_key(&entry.particulars.name)).or_default().push(at);
    }
    let mut merged: HashMap<u64, Particulars> = HashMap::new();
    let mut new = Vec::new();
    for row in sheet.rows {
        let known = by_name.get(&name_key(&row.particulars.name)).and_then(|candidates| {
            candidates
                .iter()
                .map(|at| &register[*at])
                .find(|entry| entry.particulars.same_person(&row.particulars))
        });
        match known {
            Some(entry) => merged
                .entry(entry.number)
                .or_insert_with(|| entry.particulars.clone())
                .merge(row.particulars),
            None => new.push(NewEntry {
                particulars: row.particulars,
                way: Way::Import,
                entered_by: actor.to_owned(),
            }),
        }
    }
    let mut merged: Vec<(u64, Particulars)> = merged.into_iter().collect();
    merged.sort_by_key(|(number, _)| *number);
    (new, merged)
}

/// Reads `bytes` and imports them into `store` as `actor`, all at once.
pub async fn import(
    store: &Store,
    bytes: &[u8],
    actor: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Imported, ImportError> {
    let sheet = read_csv(bytes, today)?;
    let refused = sheet.refused.clone();
    let ignored = sheet.ignored_columns.clone();
    let in_file = sheet.merged.len();
    let register = store.register()?;
    let rows = sheet.rows.len();
    let (new, merged) = plan(sheet, &register, actor);
    store.import(&new, &merged, actor, now).await?;
    Ok(Imported { taken: new.len(), merged: in_file + (rows - new.len()), refused, ignored })
}

/// The report of an import, or of why nothing was imported, in `lang`.
pub fn report(texts: &Catalogue, lang: Lang, result: &Result<Imported, ImportError>) -> Message {
    let imported = match result {
        Ok(imported) => imported,
        Err(ImportError::Sheet(error)) => {
            let why = match error {
                SheetError::Empty => texts.text(lang, Key::SheetEmpty, &[]),
                SheetError::Workbook => texts.text(lang, Key::SheetWorkbook, &[]),
                SheetError::NotText => texts.text(lang, Key::SheetNotText, &[]),
                SheetError::NoRows => texts.text(lang, Key::SheetNoRows, &[]),
                SheetError::NoHeader { found } => {
                    texts.text(lang, Key::SheetNoHeader, &[("found", &found.join(", "))])
                }
            };
            return texts.render(lang, Key::ImportFailed, &[("why", &why)]);
        }
        Err(ImportError::TooBig) => {
            let why = texts.text(lang, Key::SheetTooBig, &[]);
            return texts.render(lang, Key::ImportFailed, &[("why", &why)]);
        }
        Err(_) => return texts.render(lang, Key::InternalError, &[]),
    };
    let counts = [
        ("taken", imported.taken.to_string()),
        ("merged", imported.merged.to_string()),
        ("refused", imported.refused.len().to_string()),
    ];
    let counts: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut lines = vec![texts.render(lang, Key::ImportDone, &counts)];
    for refusal in imported.refused.iter().take(REFUSALS_SHOWN) {
        let why = texts.text(lang, reason(&refusal.why), &[]);
        let line = refusal.line.to_string();
        lines.push(texts.render(lang, Key::ImportRefusedLine, &[("line", &line), ("why", &why)]));
    }
    if let Some(more) = imported.refused.len().checked_sub(REFUSALS_SHOWN).filter(|n| *n > 0) {
        lines.push(texts.render(lang, Key::ImportMoreRefused, &[("count", &more.to_string())]));
    }
    if !imported.ignored.is_empty() {
        let columns = imported.ignored.join(", ");
        lines.push(texts.render(lang, Key::ImportIgnored, &[("columns", &columns)]));
    }
    Message::lines(lines)
}

/// Why a row was refused, in a few words.
fn reason(problem: &EntryError) -> Key {
    match problem {
        EntryError::NoName => Key::ReasonNoName,
        EntryError::Unreachable => Key::ReasonUnreachable,
        EntryError::BornInFuture | EntryError::TooOld | EntryError::NoSuchDate => {
            Key::ReasonBadBirth
        }
        EntryError::Unreadable(_) => Key::ReasonUnreadable,
    }
}

/// The largest file taken: a register of 50,000 people is a few megabytes.
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// A file posted in `room`: a coordinator's spreadsheet, in the coordination room or
/// their direct chat with the bot, is imported, and the report answers it (line numbers
/// and reasons: no personal data). Anything else is left alone: files are not commands.
///
/// The download and the import run on a task of their own, so that the worker never
/// waits for the homeserver; the import is one store transaction, whatever else is
/// decided meanwhile.
pub async fn from_room(
    bot: &Arc<Bot>,
    room: &RoomId,
    event: OwnedEventId,
    sender: &UserId,
    file: FileMessageEventContent,
) {
    let place = bot.place(room).unwrap_or(Place::Other);
    if !bot.is_coordinator(sender)
        || !matches!(place, Place::Coordination | Place::Direct)
        || !is_spreadsheet(&file)
        || !bot.mark_handled(&event).await
    {
        return;
    }
    let (bot, room, sender) = (bot.clone(), room.to_owned(), sender.to_owned());
    tokio::spawn(async move {
        let too_big = file.info.as_ref().and_then(|info| info.size);
        let result = if too_big.is_some_and(|size| u64::from(size) > MAX_BYTES) {
            Err(ImportError::TooBig)
        } else {
            match bot.client.media().get_file(&file, false).await {
                Ok(Some(bytes)) => {
                    // Beside the worker: a backup copies the store before or after.
                    let _writes = bot.writes.read().await;
                    import(&bot.store, &bytes, sender.as_str(), bot.now(), bot.today()).await
                }
                Ok(None) | Err(_) => Err(ImportError::Download),
            }
        };
        match &result {
            Ok(imported) => info!(
                taken = imported.taken,
                merged = imported.merged,
                refused = imported.refused.len(),
                "a spreadsheet imported into the register"
            ),
            Err(error) => warn!(%error, "a spreadsheet not imported"),
        }
        let message = report(&bot.texts, bot.config.language, &result);
        let answered = Quote { event: event.to_string(), sender: sender.to_string() };
        bot.outbox.now(plan::notice_in(&room, message, Shape::Reply { to: answered }, None));
    });
}

/// Whether a file looks like a spreadsheet (a CSV export, or a workbook to be told to
/// save as CSV).
fn is_spreadsheet(file: &FileMessageEventContent) -> bool {
    let name = file.filename.as_deref().unwrap_or(&file.body).to_lowercase();
    let named =
        [".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods"].iter().any(|end| name.ends_with(end));
    let typed = file
        .info
        .as_ref()
        .and_then(|info| info.mimetype.as_deref())
        .is_some_and(|kind| kind == "text/csv" || kind == "text/tab-separated-values");
    named || typed
}

/// The préfet's export of `store` on `today`, in `lang`: the active entries as a CSV
/// file, and how many they are.
pub fn export(
    store: &Store,
    lang: Lang,
    today: NaiveDate,
    zone: chrono_tz::Tz,
) -> Result<(String, usize), StoreError> {
    let active = store.entries_where(|entry| entry.status == Enrolment::Active)?;
    let rows: Vec<ExportRow<'_>> = active
        .iter()
        .map(|entry| ExportRow {
            number: entry.number,
            particulars: &entry.particulars,
            registered_on: entry.asked_at.with_timezone(&zone).date_naive(),
            state: "",
        })
        .collect();
    Ok((write_csv(&rows, lang, today), active.len()))
}

/// Who the audit names for what the command line did.
const COMMAND_LINE: &str = "ligne-de-commande";

/// `entraide importer-registre FICHIER`: imports `file` into the store in `data_dir`
/// (the bot stopped: sled lets one process at a time open it) and returns the report.
pub async fn import_file(
    data_dir: &Path,
    file: &Path,
    texts: &Catalogue,
    lang: Lang,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> anyhow::Result<Message> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = Store::open(&data_dir.join("store")).context(
        "cannot open the store: is the bot running? Stop it first, or post the file in the \
         coordination room",
    )?;
    let result = import(&store, &bytes, COMMAND_LINE, now, today).await;
    if let Err(error @ (ImportError::Store(_) | ImportError::Read(_))) = &result {
        anyhow::bail!("{error}");
    }
    Ok(report(texts, lang, &result))
}

/// `entraide exporter-registre`: writes the préfet's export of the store `store` (a
/// copy of it is read: it works while the bot runs, and on a backup) to `out`, and
/// returns how many entries it holds.
pub fn export_file(
    store: &Path,
    out: &Path,
    lang: Lang,
    today: NaiveDate,
    zone: chrono_tz::Tz,
) -> anyhow::Result<usize> {
    let (_copy, store) = crate::report::offline::open_copy(store)?;
    let (csv, count) = export(&store, lang, today, zone)?;
    std::fs::write(out, csv).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(count)
}
