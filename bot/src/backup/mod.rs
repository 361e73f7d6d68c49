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
//! The archive is a tar file: `sauvegarde.json` ([`Manifest`]) first, `store/` (a sled
//! database), `matrix/` (the Matrix stores) and `session.json`. A restore takes nothing
//! else from it, only regular files and folders, and moves it into an empty data
//! directory. A running bot writes the archive to disk beside the copies ([`Archive`])
//! and sends it; for a stopped bot the command archives its copies straight into the
//! file. Either way it goes a piece at a time, through the seal, to the command's file,
//! and a restore unpacks it as it reads: no step holds it whole in memory.

pub mod control;
mod restore;
pub mod seal;

use std::{
    fs,
    io::{self, BufReader, BufWriter, ErrorKind, Read, Write},
    os::unix::net::UnixStream,
    path::{Component, Path, PathBuf},
    time::Duration,
};

use anyhow::{Context as _, anyhow, bail, ensure};
use chrono::{DateTime, Utc};
use entraide_storage::Store;
use serde::{Deserialize, Serialize};

pub use self::{
    control::{ASK_WAIT, Control, SOCKET},
    restore::{check_data_dir, restore},
    seal::{Sealer, Unsealer, is_sealed},
};
use crate::config::{Config, Password};

const MANIFEST: &str = "sauvegarde.json";
const SESSION: &str = "session.json";
/// The archive, in the working folder of the copies it is made of.
const ARCHIVE: &str = "sauvegarde.tar";
/// The most an archive's description or session may weigh: they are a few hundred bytes.
const MAX_SMALL: u64 = 1 << 20;
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
    /// Writes the archive of the copies (a tar file) to `out`.
    pub fn write_to(&self, out: impl Write) -> anyhow::Result<()> {
        let mut tar = tar::Builder::new(out);
        append(&mut tar, MANIFEST, &serde_json::to_vec_pretty(&self.manifest)?)?;
        tar.append_dir_all("store", self.work.path().join("store"))
            .context("cannot archive the store")?;
        for (name, copy) in &self.matrix {
            tar.append_path_with_name(copy, format!("matrix/{name}"))
                .with_context(|| format!("cannot archive the Matrix store {name}"))?;
        }
        append(&mut tar, SESSION, &self.session)?;
        let mut out = tar.into_inner().context("cannot finish the archive")?;
        out.flush().context("cannot write the archive")?;
        Ok(())
    }

    /// The archive of the copies, written beside them in a file (for the running bot,
    /// which says its length before sending it); the copies are removed once in it.
    pub fn archive(self) -> anyhow::Result<Archive> {
        let path = self.work.path().join(ARCHIVE);
        let file = fs::File::create(&path).context("cannot write the archive")?;
        self.write_to(BufWriter::new(file))?;
        // The archive holds them now: the disk they take is given back at once.
        fs::remove_dir_all(self.work.path().join("store"))
            .context("cannot remove the store's copy")?;
        for (_, copy) in &self.matrix {
            fs::remove_file(copy).context("cannot remove a Matrix store's copy")?;
        }
        let size = fs::metadata(&path)?.len();
        Ok(Archive { _work: self.work, path, size })
    }
}

/// An archive written in a working folder, removed when dropped.
#[derive(Debug)]
pub struct Archive {
    _work: tempfile::TempDir,
    path: PathBuf,
    size: u64,
}

impl Archive {
    /// The archive, to read.
    pub fn open(&self) -> io::Result<fs::File> {
        fs::File::open(&self.path)
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// Adds `bytes` as the file `name`, readable by its owner only.
fn append(tar: &mut tar::Builder<impl Write>, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
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
    connection.busy_timeout(Duration::from_secs(30))?;
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
            // The Matrix stores are files; anything else there is no part of a backup.
            if !entry.file_type()?.is_file() {
                continue;
            }
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
/// files and folders, the description first, the session and the store among them.
/// Returns the description.
pub fn check(plain: impl Read) -> anyhow::Result<Manifest> {
    Ok(read_archive(plain, |_| Ok(()), |_, _| Ok(()))?.0)
}

const DAMAGED: &str = "the backup is damaged (or not an entraide backup)";

/// Reads the archive `plain` through, as [`check`] does. `accept` sees the description
/// before anything else is read, and may refuse it; `keep` sees every entry after it but
/// the session, which is returned with the description.
fn read_archive<R: Read>(
    plain: R,
    accept: impl FnOnce(&Manifest) -> anyhow::Result<()>,
    mut keep: impl FnMut(&mut tar::Entry<'_, R>, &Path) -> anyhow::Result<()>,
) -> anyhow::Result<(Manifest, Vec<u8>)> {
    let mut archive = tar::Archive::new(plain);
    let (mut manifest, mut session, mut store) = (None, None, false);
    let mut accept = Some(accept);
    for entry in archive.entries().context(DAMAGED)? {
        let mut entry = entry.context(DAMAGED)?;
        let path = entry.path().context(DAMAGED)?.into_owned();
        let kind = entry.header().entry_type();
        ensure!(
            expected(&path) && (kind.is_file() || kind.is_dir()),
            "the backup holds an unexpected entry: {}",
            path.display()
        );
        match (path.to_str(), &manifest) {
            (Some(MANIFEST), None) => {
                let read: Manifest =
                    serde_json::from_slice(&small(&mut entry)?).context(DAMAGED)?;
                if let Some(accept) = accept.take() {
                    accept(&read)?;
                }
                manifest = Some(read);
            }
            (_, None) => bail!("{DAMAGED}: its description does not come first"),
            (Some(MANIFEST), Some(_)) => bail!("{DAMAGED}: two descriptions"),
            (Some(SESSION), Some(_)) => {
                let bytes = small(&mut entry)?;
                who(&bytes)?;
                session = Some(bytes);
            }
            _ => {
                store |= path.starts_with("store") && kind.is_file();
                keep(&mut entry, &path)?;
            }
        }
    }
    // tar stops at the end-of-archive block; what comes after it is read too, so that a
    // sealed archive's last chunk is opened (a file cut short or lengthened says so).
    io::copy(&mut archive.into_inner(), &mut io::sink()).context(DAMAGED)?;
    match (manifest, session) {
        (Some(manifest), Some(session)) if store => Ok((manifest, session)),
        _ => bail!("{DAMAGED}: no session or no store"),
    }
}

/// The bytes of a small file of an archive: its description or session.
fn small(entry: &mut impl Read) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    entry.take(MAX_SMALL + 1).read_to_end(&mut bytes).context(DAMAGED)?;
    ensure!(bytes.len() as u64 <= MAX_SMALL, "{DAMAGED}: a description or session too large");
    Ok(bytes)
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
    pub held: Option<Duration>,
}

/// Writes the archive of the bot configured by `config` to `out`: asked of the bot when
/// it runs, else made from its files. It goes to `out` a piece at a time, sealed on the
/// way with the store's passphrase if there is one, and is read back before it takes
/// `out`'s name: what is written opens, and holds a whole backup.
pub async fn save(config: &Config, out: &Path) -> anyhow::Result<Saved> {
    let (data_dir, out) = (config.data_dir.clone(), out.to_owned());
    let passphrase = config.store_passphrase.clone();
    tokio::task::spawn_blocking(move || save_now(&data_dir, passphrase.as_ref(), &out))
        .await
        .context("the backup stopped")?
}

/// [`save`], on a thread that may wait.
fn save_now(data_dir: &Path, passphrase: Option<&Password>, out: &Path) -> anyhow::Result<Saved> {
    let folder = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".entraide-sauvegarde-")
        .tempfile_in(folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    let written = || format!("cannot write {}", out.display());
    let fill = |to: &mut dyn Write| fill(data_dir, to);
    let held = match passphrase {
        Some(passphrase) => {
            let to = BufWriter::new(file.as_file_mut());
            let mut sealer = Sealer::new(to, passphrase.expose()).with_context(written)?;
            let held = fill(&mut sealer)?;
            sealer.finish().with_context(written)?.flush().with_context(written)?;
            held
        }
        None => {
            let mut plain = BufWriter::new(file.as_file_mut());
            let held = fill(&mut plain)?;
            plain.flush().with_context(written)?;
            held
        }
    };
    file.as_file().sync_all().with_context(written)?;
    let read_back = || format!("cannot read back {}", file.path().display());
    let back = BufReader::new(file.reopen().with_context(read_back)?);
    let manifest = match passphrase {
        Some(passphrase) => check(Unsealer::new(back, passphrase.expose())?),
        None => check(back),
    }
    .context("what was written does not read back whole: nothing was kept")?;
    let size = file.as_file().metadata().with_context(read_back)?.len();
    file.persist(out).with_context(written)?;
    // The new name, too, is on disk before the command says it is done.
    let _ = fs::File::open(folder).and_then(|folder| folder.sync_all());
    Ok(Saved { manifest, size, sealed: passphrase.is_some(), held })
}

/// Writes the plain archive of the bot whose data directory is `data_dir` to `to`: asked
/// of the bot when it runs, else made from its files. Returns how long the running bot
/// held its decisions.
fn fill(data_dir: &Path, to: &mut dyn Write) -> anyhow::Result<Option<Duration>> {
    let socket = data_dir.join(SOCKET);
    match UnixStream::connect(&socket) {
        Ok(stream) => control::ask(stream, to).map(Some),
        Err(error) if error.kind() == ErrorKind::PermissionDenied => bail!(
            "cannot reach the running bot on {}: permission denied (run this as root or as \
             the bot's user)",
            socket.display()
        ),
        Err(_) => {
            copy_stopped(data_dir, Utc::now())?.write_to(to)?;
            Ok(None)
        }
    }
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

    const SESSION_JSON: &[u8] =
        br#"{"user_id":"@entraide:x","device_id":"APPAREIL","access_token":"t","refresh_token":null}"#;

    #[test]
    fn a_stopped_bots_backup_is_restored_elsewhere_sealed_or_not() -> anyhow::Result<()> {
        let data = tempfile::tempdir()?;
        drop(Store::open(&data.path().join("store"))?);
        fs::write(data.path().join(SESSION), SESSION_JSON)?;
        // Larger than a sealed chunk, so that the archive goes in several.
        let matrix: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        fs::create_dir(data.path().join("matrix"))?;
        fs::write(data.path().join("matrix/matrix-sdk-state.sqlite3"), &matrix)?;
        let elsewhere = tempfile::tempdir()?;
        for passphrase in [None, Some(Password::new("une phrase de passe"))] {
            let sealed = passphrase.is_some();
            let out = elsewhere.path().join(format!("{sealed}.sauvegarde"));
            let saved = save_now(data.path(), passphrase.as_ref(), &out)?;
            assert_eq!((saved.sealed, saved.held), (sealed, None));
            assert_eq!(saved.manifest.device_id, "APPAREIL");
            assert_eq!(fs::metadata(&out)?.len(), saved.size);
            let mut start = [0u8; 64];
            fs::File::open(&out)?.read_exact(&mut start)?;
            assert_eq!(is_sealed(&start), sealed);

            let passphrase = passphrase.as_ref().map(Password::expose);
            let other = elsewhere.path().join(format!("autre-{sealed}"));
            let deeper = other.join("entraide");
            let refused =
                restore(&out, passphrase, "@autre:x", &deeper).err().context("refused")?;
            assert!(format!("{refused:#}").contains("is of the bot @entraide:x"), "{refused:#}");
            assert!(!other.exists(), "a refused restore leaves nothing");

            let target = elsewhere.path().join(format!("restauree-{sealed}"));
            let manifest = restore(&out, passphrase, "@entraide:x", &target)?;
            assert_eq!(manifest.device_id, "APPAREIL");
            assert_eq!(fs::read(target.join("matrix/matrix-sdk-state.sqlite3"))?, matrix);
            assert_eq!(fs::read(target.join(SESSION))?, SESSION_JSON);
            drop(Store::open(&target.join("store"))?);
        }
        Ok(())
    }

    /// A whole archive whose tar file is 512 bytes longer than a sealed chunk: its last
    /// chunk holds only the second of the two blocks that end a tar file.
    fn archive_of_a_chunk_and_a_block() -> anyhow::Result<Vec<u8>> {
        let manifest = Manifest {
            format: FORMAT,
            entraide: "0".to_owned(),
            made_at: DateTime::UNIX_EPOCH,
            user_id: "@entraide:x".to_owned(),
            device_id: "APPAREIL".to_owned(),
            requests: 0,
            open_requests: 0,
        };
        let manifest = serde_json::to_vec(&manifest)?;
        let blocks = |len: usize| 512 + len.div_ceil(512) * 512;
        // Entries, then the two 512-byte blocks that end the file.
        let store = seal::CHUNK - 512 - blocks(manifest.len()) - blocks(SESSION_JSON.len()) - 512;
        let mut tar = tar::Builder::new(Vec::new());
        append(&mut tar, MANIFEST, &manifest)?;
        append(&mut tar, SESSION, SESSION_JSON)?;
        append(&mut tar, "store/db", &vec![0u8; store])?;
        let plain = tar.into_inner()?;
        assert_eq!(plain.len(), seal::CHUNK + 512);
        Ok(plain)
    }

    #[test]
    fn a_sealed_archive_is_read_to_its_last_chunk() -> anyhow::Result<()> {
        let plain = archive_of_a_chunk_and_a_block()?;
        let mut sealer = Sealer::new(Vec::new(), "p")?;
        sealer.write_all(&plain)?;
        let sealed = sealer.finish()?;
        check(Unsealer::new(&sealed[..], "p")?)?;
        let last = 5 + 512 + seal::TAG_LEN;
        let cut = &sealed[..sealed.len() - last];
        let error = check(Unsealer::new(cut, "p")?).err().context("cut")?;
        assert!(format!("{error:#}").contains("cut short"), "{error:#}");
        let mut changed = sealed.clone();
        let end = changed.len() - 1;
        changed[end] ^= 1;
        let error = check(Unsealer::new(&changed[..], "p")?).err().context("changed")?;
        assert!(format!("{error:#}").contains("a chunk does not open"), "{error:#}");
        let mut longer = sealed;
        longer.push(0);
        assert!(check(Unsealer::new(&longer[..], "p")?).is_err());
        Ok(())
    }

    #[test]
    fn an_archive_whose_description_does_not_come_first_is_refused() -> anyhow::Result<()> {
        let mut tar = tar::Builder::new(Vec::new());
        append(&mut tar, SESSION, SESSION_JSON)?;
        append(&mut tar, MANIFEST, b"{}")?;
        let error = check(&tar.into_inner()?[..]).err().context("refused")?;
        assert!(format!("{error:#}").contains("does not come first"), "{error:#}");
        Ok(())
    }

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
