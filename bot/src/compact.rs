//! `entraide compacter`: rewrites the store into fresh files, so that what an erasure or
//! a purge removed leaves the disk too.
//!
//! sled keeps the old bytes of a value it rewrote or removed in its files until it
//! reuses their segment (see [`Store::compact_into`]). Compacting copies what the store
//! reads now into a new database next to it, swaps the two by renaming, then deletes the
//! old one. A stop at any point leaves a store that [`recover`] puts back at the next
//! opening: the old one until the copy is complete and swapped in, the copy after.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use entraide_storage::Store;
use tracing::{info, warn};

/// The store's three places in the data directory.
struct Places {
    /// The store the bot opens.
    store: PathBuf,
    /// The copy being made.
    fresh: PathBuf,
    /// The old store, between the swap and its deletion.
    old: PathBuf,
}

impl Places {
    fn in_dir(data_dir: &Path) -> Places {
        Places {
            store: data_dir.join("store"),
            fresh: data_dir.join("store.compacting"),
            old: data_dir.join("store.old"),
        }
    }
}

/// Finishes or undoes a compaction a stop interrupted, so that `data_dir/store` is the
/// whole store again.
pub fn recover(data_dir: &Path) -> anyhow::Result<()> {
    let places = Places::in_dir(data_dir);
    if !places.store.exists() && places.old.exists() {
        // Stopped between the two renames: the copy was complete before the first.
        let back = if places.fresh.exists() { &places.fresh } else { &places.old };
        warn!(from = %back.display(), "finishing an interrupted compaction of the store");
        fs::rename(back, &places.store).context("cannot put the store back")?;
    }
    if places.fresh.exists() {
        // A copy never swapped in: the store is whole, the copy may not be.
        fs::remove_dir_all(&places.fresh).context("cannot remove an unfinished copy")?;
    }
    if places.old.exists() {
        fs::remove_dir_all(&places.old).context("cannot remove the old store")?;
    }
    Ok(())
}

/// Compacts the store of `data_dir` (the bot must be stopped: sled's lock refuses a
/// second opening). Returns the sizes on disk before and after, in bytes.
pub fn compact(data_dir: &Path) -> anyhow::Result<(u64, u64)> {
    recover(data_dir)?;
    let places = Places::in_dir(data_dir);
    anyhow::ensure!(places.store.exists(), "no store in {}", data_dir.display());
    let before = size(&places.store)?;
    {
        let store = Store::open(&places.store)
            .context("cannot open the store (is the bot still running? stop it first)")?;
        store.compact_into(&places.fresh).context("cannot copy the store")?;
    }
    fs::rename(&places.store, &places.old).context("cannot move the old store aside")?;
    fs::rename(&places.fresh, &places.store).context("cannot put the copy in place")?;
    fs::remove_dir_all(&places.old).context("cannot remove the old store")?;
    let after = size(&places.store)?;
    info!(before, after, "store compacted");
    Ok((before, after))
}

/// The size of the files under `dir`, in bytes.
fn size(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() { size(&entry.path())? } else { meta.len() };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use entraide_commands::{Category, Lang, Reading, When};
    use entraide_storage::{ErasedBy, NewRequest};

    use super::*;

    /// Whether any file under `dir` holds `needle`.
    fn files_hold(dir: &Path, needle: &[u8]) -> anyhow::Result<bool> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            let found = if path.is_dir() {
                files_hold(&path, needle)?
            } else {
                fs::read(&path)?.windows(needle.len()).any(|w| w == needle)
            };
            if found {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn at(seconds: i64) -> anyhow::Result<DateTime<Utc>> {
        DateTime::from_timestamp(1_790_000_000 + seconds, 0).context("a time")
    }

    #[tokio::test]
    async fn after_a_compaction_no_file_holds_what_was_forgotten() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let secret = "06 98 76 54 32, code 4512B";
        {
            let store = Store::open(&dir.path().join("store"))?;
            let people =
                [("@marie:x", secret, "$first"), ("@paul:x", "bricolage au Bourg", "$second")];
            for (requester, text, event) in people {
                let new = NewRequest {
                    requester: requester.to_owned(),
                    origin_room: "!tilleuls:x".to_owned(),
                    neighbourhood: Some("Les Tilleuls".to_owned()),
                    text: text.to_owned(),
                    reading: Reading {
                        category: Category::Other,
                        when: When::Asap,
                        on_behalf: None,
                    },
                    lang: Lang::Fr,
                    informs: false,
                };
                store.create_request(new, event, at(0)?, |_| Vec::new()).await?;
            }
            store.forget("@marie:x", at(60)?, ErasedBy::Themselves, |_, _| Vec::new()).await?;
            assert!(
                store.trees_holding(secret.as_bytes())?.is_empty(),
                "the store reads it no more"
            );
        }
        // sled keeps the old bytes (the reason to compact); this also shows the scan works.
        assert!(
            files_hold(&dir.path().join("store"), secret.as_bytes())?,
            "sled kept no old bytes"
        );
        compact(dir.path())?;
        let store_dir = dir.path().join("store");
        assert!(!files_hold(&store_dir, secret.as_bytes())?, "the old bytes left the disk");
        assert!(!files_hold(&store_dir, b"@marie:x")?, "the id left the disk");
        assert!(files_hold(&store_dir, b"bricolage au Bourg")?, "what is kept is kept");
        let store = Store::open(&store_dir)?;
        assert_eq!(store.request(2)?.map(|r| r.text), Some("bricolage au Bourg".to_owned()));
        for leftover in ["store.compacting", "store.old"] {
            assert!(!dir.path().join(leftover).exists(), "{leftover} left behind");
        }
        Ok(())
    }

    /// A new request by `requester`, in the store at `path` (opened and closed again).
    async fn ask(path: &Path, requester: &str, seconds: i64) -> anyhow::Result<()> {
        let store = Store::open(path)?;
        let new = NewRequest {
            requester: requester.to_owned(),
            origin_room: "!tilleuls:x".to_owned(),
            neighbourhood: None,
            text: format!("courses pour {requester}"),
            reading: Reading { category: Category::Other, when: When::Asap, on_behalf: None },
            lang: Lang::Fr,
            informs: false,
        };
        let event = format!("$event{seconds}");
        store.create_request(new, &event, at(seconds)?, |_| Vec::new()).await?;
        store.flush().await?;
        Ok(())
    }

    #[tokio::test]
    async fn what_a_copy_records_comes_after_what_it_holds() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = dir.path().join("store");
        // Two openings: sled's id counter jumps at each, the copy's starts from zero.
        ask(&store, "@marie:x", 0).await?;
        ask(&store, "@paul:x", 60).await?;
        let copy = dir.path().join("copy");
        Store::open(&store)?.compact_into(&copy)?;
        ask(&copy, "@jeanne:x", 120).await?;
        let copied = Store::open(&copy)?;
        for (number, requester) in [(1, "@marie:x"), (2, "@paul:x"), (3, "@jeanne:x")] {
            let log = copied.log_of(number)?;
            assert_eq!(log.len(), 1, "request {number}: {log:?}");
            assert_eq!(log[0].actor, requester, "request {number}");
        }
        Ok(())
    }

    #[test]
    fn an_interrupted_swap_is_finished_at_the_next_opening() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let places = Places::in_dir(dir.path());
        // Stopped between the two renames: the old store aside, the copy not in place.
        fs::create_dir(&places.old)?;
        fs::create_dir(&places.fresh)?;
        fs::write(places.fresh.join("copy"), "complete copy")?;
        recover(dir.path())?;
        assert_eq!(fs::read_to_string(places.store.join("copy"))?, "complete copy");
        assert!(!places.old.exists() && !places.fresh.exists());
        // Stopped while copying: the store is whole, the copy goes.
        fs::create_dir(&places.fresh)?;
        recover(dir.path())?;
        assert!(places.store.join("copy").exists() && !places.fresh.exists());
        Ok(())
    }
}
