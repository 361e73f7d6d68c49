//! `entraide sauvegarder` / `backup` and `entraide restaurer` / `restore`: one archive of
//! everything the bot needs to come back elsewhere with the same device — its store, the
//! Matrix session, and the Matrix stores (its encryption keys, the room keys people
//! shared with it, the sync state) — sealed with the store's passphrase when there is
//! one ([`seal`](mod@seal)).
//!
//! A running bot makes the archive itself, asked on a Unix socket in its data directory
//! ([`control`]). It holds its worker, its effects and its spare rooms' keeper, so that
//! nothing writes to its store meanwhile, copies the store, copies the Matrix stores
//! with SQLite's `VACUUM INTO` (a consistent copy of a database in use), then goes on
//! while the copies are archived. With the bot stopped, the command copies the files
//! without writing in the data directory. Either way the command writes the file, so it
//! can save where the bot may not write.
//!
//! The archive is a tar file: `sauvegarde.json` ([`Manifest`]), `store/` (a sled
//! database), `matrix/` (the Matrix stores) and `session.json`. A restore takes nothing
//! else from it, only regular files and folders, and moves it into an empty data
//! directory.

pub mod control;
mod restore;
pub mod seal;

use std::{
    fs,
    io::{ErrorKind, Read as _},
    path::{Component, Path, PathBuf},
};

use anyhow::{Context as _, anyhow, bail, ensure};
use chrono::{DateTime, Utc};
use entraide_storage::Store;
use serde::{Deserialize, Serialize};
use tokio::net::UnixStream;

pub use self::{
    control::{ASK_WAIT, Control, SOCKET},
    restore::{check_data_dir, restore},
    seal::{is_sealed, seal, unseal},
};
use crate::config::{Config, Password};

const MANIFEST: &str = "sauvegarde.json";
const SESSION: &str = "session.json";
/// The archive's format, in its manifest.
const FORMAT: u32 = 1;
/// The working folder of a restore in the data directory, while it unpacks.
pub const RESTORING: &str = ".entraide-restauration-";
/// The working folder of a running bot's backup in its data directory, while it copies.
pub const COPYING: &str = ".sauvegarde-";

/// What an archive holds, written first in it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The archive's format ([`FORMAT`]).
    pub format: u32,
    /// The version of entraide that made it.
    pub entraide: String,
    /// When.
    pub made_at: DateTime<Utc>,
    /// The bot's account.
    pub user_id: String,
    /// The bot's device, which a restored bot keeps.
    pub device_id: String,
    /// The requests in the store, all states.
    pub requests: usize,
    /// Those still open (waiting for a volunteer).
    pub open_requests: usize,
}

/// The copies a backup archives, in a working folder of the data directory (removed
/// when dropped).
#[derive(Debug)]
pub struct Copies {
    work: tempfile::TempDir,
    manifest: Manifest,
    session: Vec<u8>,
    matrix: Vec<(String, PathBuf)>,
}

/// Copies what a backup of the running bot's `data_dir`, whose store is `store`, holds, as
/// it is `now`: nothing may write to the store meanwhile.
pub fn copy(store: &Store, data_dir: &Path, now: DateTime<Utc>) -> anyhow::Result<Copies> {
    let session = read_session(data_dir)?;
    let work = tempfile::Builder::new()
        .prefix(COPYING)
        .tempdir_in(data_dir)
        .with_context(|| format!("cannot make a working folder in {}", data_dir.display()))?;
    store.compact_into(&work.path().join("store")).context("cannot copy the store")?;
    let mut matrix_copies = Vec::new();
    let matrix = data_dir.join("matrix");
    if matrix.exists() {
        fs::create_dir(work.path().join("matrix"))?;
        for entry in
            fs::read_dir(&matrix).with_context(|| format!("cannot read {}", matrix.display()))?
        {
            let name = entry?.file_name();
            let Some(name) = name.to_str().filter(|name| name.ends_with(".sqlite3")) else {
                continue;
            };
            let copy = work.path().join("matrix").join(name);
            vacuum_into(&matrix.join(name), &copy)?;
            matrix_copies.push((name.to_owned(), copy));
        }
    }
    let manifest = manifest_of(store, &session, now)?;
    Ok(Copies { work, manifest, session, matrix: matrix_copies })
}

impl Copies {
    /// The archive of the copies (a tar file).
    pub fn archive(self) -> anyhow::Result<Vec<u8>> {
        let mut tar = tar::Builder::new(Vec::new());
        append(&mut tar, MANIFEST, &serde_json::to_vec_pretty(&self.manifest)?)?;
        tar.append_dir_all("store", self.work.path().join("store"))
            .context("cannot archive the store")?;
        for (name, copy) in &self.matrix {
            tar.append_path_with_name(copy, format!("matrix/{name}"))
                .with_context(|| format!("cannot archive the Matrix store {name}"))?;
        }
        append(&mut tar, SESSION, &self.session)?;
        tar.into_inner().context("cannot finish the archive")
    }
}

/// Adds `bytes` as the file `name`, readable by its owner only.
fn append(tar: &mut tar::Builder<Vec<u8>>, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(u64::try_from(Utc::now().timestamp()).unwrap_or(0));
    header.set_cksum();
    tar.append_data(&mut header, name, bytes).with_context(|| format!("cannot archive {name}"))
}

/// The saved session of `data_dir`.
fn read_session(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    fs::read(data_dir.join(SESSION)).with_context(|| {
        format!(
            "no {SESSION} in {}: the bot never logged in from there, nothing to back up",
            data_dir.display()
        )
    })
}

/// What the archive of `store` with the saved `session` holds, made `now`.
fn manifest_of(store: &Store, session: &[u8], now: DateTime<Utc>) -> anyhow::Result<Manifest> {
    let (user_id, device_id) = who(session)?;
    let tally = store.tally_requests().context("cannot count the requests")?;
    Ok(Manifest {
        format: FORMAT,
        entraide: env!("CARGO_PKG_VERSION").to_owned(),
        made_at: now,
        user_id,
        device_id,
        requests: tally.values().sum(),
        open_requests: tally
            .iter()
            .filter(|((state, _), _)| *state == "open")
            .map(|(_, count)| count)
            .sum(),
    })
}

/// The user and device of a saved session.
fn who(session: &[u8]) -> anyhow::Result<(String, String)> {
    let saved: matrix_sdk::authentication::matrix::MatrixSession =
        serde_json::from_slice(session).context("the saved session is damaged")?;
    Ok((saved.meta.user_id.to_string(), saved.meta.device_id.to_string()))
}

/// Copies the SQLite database `from` to `to` as one moment's state, even while the bot
/// writes to it.
fn vacuum_into(from: &Path, to: &Path) -> anyhow::Result<()> {
    let connection = rusqlite::Connection::open(from)
        .with_context(|| format!("cannot open {}", from.display()))?;
    connection.busy_timeout(std::time::Duration::from_secs(30))?;
    let target = to.to_str().with_context(|| format!("{} is not UTF-8", to.display()))?;
    connection
        .execute("VACUUM INTO ?1", [target])
        .with_context(|| format!("cannot copy {}", from.display()))?;
    Ok(())
}

/// Copies what a backup of the stopped bot's `data_dir` holds, as it is `now`, without
/// writing there (the command may run as root: it leaves nothing of root's in the bot's
/// directory). Refuses while a bot holds the store.
pub fn copy_stopped(data_dir: &Path, now: DateTime<Utc>) -> anyhow::Result<Copies> {
    let store_dir = data_dir.join("store");
    ensure!(store_dir.exists(), "no store in {}: nothing to back up", data_dir.display());
    let session = read_session(data_dir)?;
    // sled's own lock: taken, a bot runs on the store.
    let lock = fs::File::open(store_dir.join("db"))
        .with_context(|| format!("cannot open the store in {}", data_dir.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => bail!(
            "a bot runs on {} (its store is locked) but did not answer on {}: it answers once \
             connected to its homeserver, try again in a minute (an entraide older than this \
             command has none: stop it, then back up)",
            data_dir.display(),
            data_dir.join(SOCKET).display()
        ),
        Err(fs::TryLockError::Error(error)) => {
            return Err(anyhow!(error).context("cannot lock the store"));
        }
    }
    let work = tempfile::Builder::new()
        .prefix("entraide-sauvegarde-")
        .tempdir()
        .context("cannot make a working folder")?;
    copy_files(&store_dir, &work.path().join("store"))?;
    let mut matrix_copies = Vec::new();
    let matrix = data_dir.join("matrix");
    if matrix.exists() {
        copy_files(&matrix, &work.path().join("matrix"))?;
        for entry in fs::read_dir(work.path().join("matrix"))? {
            let entry = entry?;
            if let Some(name) = entry.file_name().to_str() {
                matrix_copies.push((name.to_owned(), entry.path()));
            }
        }
    }
    drop(lock);
    // The copy is opened, not the bot's store.
    let store = Store::open(&work.path().join("store")).context("the store does not open")?;
    let manifest = manifest_of(&store, &session, now)?;
    drop(store);
    Ok(Copies { work, manifest, session, matrix: matrix_copies })
}

/// Copies the regular files and folders under `from` to `to` (links and anything else are
/// left out).
pub(crate) fn copy_files(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_files(&entry.path(), &to.join(entry.file_name()))?;
        } else if kind.is_file() {
            fs::copy(entry.path(), to.join(entry.file_name()))
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Reads the whole archive `plain` (a tar file): only the files a backup holds, regular
/// files and folders, the description, the session and the store among them. Returns
/// the description.
pub fn check(plain: &[u8]) -> anyhow::Result<Manifest> {
    const DAMAGED: &str = "the backup is damaged (or not an entraide backup)";
    let mut archive = tar::Archive::new(plain);
    let (mut manifest, mut session, mut store) = (None, false, false);
    for entry in archive.entries().context(DAMAGED)? {
        let mut entry = entry.context(DAMAGED)?;
        let path = entry.path().context(DAMAGED)?.into_owned();
        let kind = entry.header().entry_type();
        ensure!(
            expected(&path) && (kind.is_file() || kind.is_dir()),
            "the backup holds an unexpected entry: {}",
            path.display()
        );
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).context(DAMAGED)?;
        match path.to_str() {
            Some(MANIFEST) => {
                manifest = Some(serde_json::from_slice::<Manifest>(&bytes).context(DAMAGED)?);
            }
            Some(SESSION) => session = who(&bytes).is_ok(),
            _ => store |= path.starts_with("store") && kind.is_file(),
        }
    }
    ensure!(session && store, "{DAMAGED}: no session or no store");
    manifest.context(DAMAGED)
}

/// What `entraide sauvegarder` wrote.
#[derive(Debug)]
pub struct Saved {
    /// What the archive holds.
    pub manifest: Manifest,
    /// The file's size in bytes.
    pub size: u64,
    /// Whether it is sealed with the store's passphrase.
    pub sealed: bool,
    /// How long the running bot held its decisions to copy its store; `None` when the
    /// archive was made from a stopped bot's files.
    pub held: Option<std::time::Duration>,
}

/// Writes the archive of the bot configured by `config` to `out`: asked of the bot when
/// it runs, else made from its files.
pub async fn save(config: &Config, out: &Path) -> anyhow::Result<Saved> {
    let data_dir = config.data_dir.clone();
    let socket = data_dir.join(SOCKET);
    let (plain, held) = match UnixStream::connect(&socket).await {
        Ok(stream) => {
            let asked = tokio::time::timeout(ASK_WAIT, control::ask(stream)).await;
            let (plain, held) = asked.map_err(|_| {
                anyhow!(
                    "the bot did not answer within {} minutes: it answers once it has synced \
                     with its homeserver (is the homeserver reachable?)",
                    ASK_WAIT.as_secs() / 60
                )
            })??;
            (plain, Some(held))
        }
        Err(error) if error.kind() == ErrorKind::PermissionDenied => bail!(
            "cannot reach the running bot on {}: permission denied (run this as root or as \
             the bot's user)",
            socket.display()
        ),
        Err(_) => {
            let copied =
                tokio::task::spawn_blocking(move || copy_stopped(&data_dir, Utc::now())?.archive())
                    .await;
            (copied.context("the backup stopped")??, None)
        }
    };
    let manifest = check(&plain)?;
    let passphrase = config.store_passphrase.as_ref().map(Password::expose);
    let bytes = match passphrase {
        Some(passphrase) => seal(&plain, passphrase)?,
        None => plain,
    };
    write_private(out, &bytes)?;
    Ok(Saved { manifest, size: bytes.len() as u64, sealed: passphrase.is_some(), held })
}

/// Writes `bytes` to `path`, readable by its owner only, whole or not at all.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".entraide-sauvegarde-")
        .tempfile_in(folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.as_file().sync_all()?;
    file.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Whether an archive may hold `path`: the files [`Copies::archive`] writes, nowhere else.
fn expected(path: &Path) -> bool {
    let parts: Vec<_> = path.components().collect();
    if !parts.iter().all(|part| matches!(part, Component::Normal(_))) {
        return false;
    }
    match parts.first().and_then(|part| part.as_os_str().to_str()) {
        Some(MANIFEST | SESSION) => parts.len() == 1,
        Some("store") => true,
        Some("matrix") => parts.len() <= 2,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_files_of_a_backup_are_restored() {
        for good in ["sauvegarde.json", "session.json", "store/db", "store/blobs/1", "matrix/a"] {
            assert!(expected(Path::new(good)), "{good}");
        }
        let bad =
            ["../x", "/etc/passwd", "matrix/../../x", "other", "matrix/a/b", "session.json/x"];
        for bad in bad {
            assert!(!expected(Path::new(bad)), "{bad}");
        }
    }
}
