//! `entraide sauvegarder` / `backup` and `entraide restaurer` / `restore`: one archive of
//! everything the bot needs to come back elsewhere with the same device — its store, the
//! Matrix session, and the Matrix stores (its encryption keys, the room keys people
//! shared with it, the sync state) — sealed with the store's passphrase when there is
//! one.
//!
//! A running bot makes the archive itself, asked on a Unix socket in its data directory
//! ([`Control`]). It holds its worker, so that no command decides meanwhile, and copies
//! its store with the journal of effects first: an effect finished during the copy is
//! still owed in the copy, and carried out again (idempotently) by a bot restored from
//! it. It copies the Matrix stores with SQLite's `VACUUM INTO`, a consistent copy of a
//! database in use, then lets the worker go on. With the bot stopped, the command makes
//! the archive from the files. Either way the command writes the file, so it can save
//! where the bot may not write.
//!
//! The archive is a tar file: `sauvegarde.json` ([`Manifest`]), `store/` (a sled
//! database), `matrix/*.sqlite3` and `session.json`. Sealed, it is [`MAGIC`], a salt, the
//! key derivation's rounds and a nonce, then the tar file in chunks of XChaCha20-Poly1305
//! in the STREAM construction (a chunk changed, moved or cut off does not open), under a
//! key derived from the passphrase by PBKDF2-HMAC-SHA256.

use std::{
    borrow::Cow,
    fs,
    io::Read as _,
    os::unix::fs::PermissionsExt as _,
    path::{Component, Path, PathBuf},
    sync::Arc,
};

use anyhow::{Context as _, anyhow, bail, ensure};
use chacha20poly1305::{
    KeyInit as _, XChaCha20Poly1305,
    aead::stream::{DecryptorBE32, EncryptorBE32},
};
use chrono::{DateTime, Utc};
use entraide_storage::Store;
use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader},
    net::{UnixListener, UnixStream},
    sync::oneshot,
};
use tracing::{info, warn};

use crate::{
    clock::Clock,
    config::{Config, Password},
    job::{Job, Jobs},
};

/// The running bot's socket, in its data directory.
pub const SOCKET: &str = "entraide.sock";
/// What the command asks the bot on the socket.
const ASK: &str = "sauvegarde";
/// How a sealed archive starts.
pub const MAGIC: &[u8] = b"entraide sauvegarde chiffree 1\n";
/// PBKDF2's rounds: as matrix-sdk's own store key.
const ROUNDS: u32 = 200_000;
/// More rounds than this in a file is damage (or a file made to keep us busy).
const MAX_ROUNDS: u32 = 10_000_000;
const SALT_LEN: usize = 16;
/// XChaCha20's 24-byte nonce less the STREAM construction's counter (4) and flag (1).
const NONCE_LEN: usize = 19;
/// The plain bytes in one sealed chunk.
const CHUNK: usize = 64 * 1024;
/// Poly1305's tag, after each sealed chunk.
const TAG_LEN: usize = 16;
const MANIFEST: &str = "sauvegarde.json";
const SESSION: &str = "session.json";
/// The archive's format, in its manifest.
const FORMAT: u32 = 1;

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

/// Copies what a backup of `data_dir`, whose store is `store`, holds, as it is `now`:
/// nothing may decide meanwhile (the bot's worker held, or the bot stopped).
pub fn copy(store: &Store, data_dir: &Path, now: DateTime<Utc>) -> anyhow::Result<Copies> {
    let session = fs::read(data_dir.join(SESSION)).with_context(|| {
        format!(
            "no {SESSION} in {}: the bot never logged in from there, nothing to back up",
            data_dir.display()
        )
    })?;
    let (user_id, device_id) = who(&session)?;
    let work = tempfile::Builder::new()
        .prefix(".sauvegarde-")
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
    let tally = store.tally_requests().context("cannot count the requests")?;
    let manifest = Manifest {
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
    };

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

/// The key `passphrase` gives with `salt`.
fn key(passphrase: &str, salt: &[u8], rounds: u32) -> chacha20poly1305::Key {
    let mut key = chacha20poly1305::Key::default();
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), salt, rounds, &mut key);
    key
}

/// `plain` sealed with `passphrase` (see the module's doc).
pub fn seal(plain: &[u8], passphrase: &str) -> anyhow::Result<Vec<u8>> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut salt).map_err(|error| anyhow!("no randomness for the salt: {error}"))?;
    getrandom::fill(&mut nonce).map_err(|error| anyhow!("no randomness for the nonce: {error}"))?;
    let cipher = XChaCha20Poly1305::new(&key(passphrase, &salt, ROUNDS));
    let mut encryptor = EncryptorBE32::from_aead(cipher, (&nonce).into());
    let chunks = plain.len() / CHUNK + 1;
    let mut out = Vec::with_capacity(MAGIC.len() + 64 + plain.len() + chunks * (5 + TAG_LEN));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&salt);
    out.extend_from_slice(&ROUNDS.to_be_bytes());
    out.extend_from_slice(&nonce);
    let mut rest = plain;
    loop {
        // The last chunk is flagged (and sealed as the last): a file cut at a chunk's
        // end does not open.
        if rest.len() <= CHUNK {
            let sealed = encryptor.encrypt_last(rest).map_err(|_| anyhow!("cannot seal"))?;
            push_chunk(&mut out, 1, &sealed);
            return Ok(out);
        }
        let (chunk, after) = rest.split_at(CHUNK);
        let sealed = encryptor.encrypt_next(chunk).map_err(|_| anyhow!("cannot seal"))?;
        push_chunk(&mut out, 0, &sealed);
        rest = after;
    }
}

fn push_chunk(out: &mut Vec<u8>, last: u8, sealed: &[u8]) {
    out.push(last);
    // A chunk is at most CHUNK + TAG_LEN bytes: it fits.
    out.extend_from_slice(&u32::try_from(sealed.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(sealed);
}

/// Whether `bytes` is a sealed archive.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The archive sealed in `bytes`, opened with `passphrase`.
pub fn unseal(bytes: &[u8], passphrase: &str) -> anyhow::Result<Vec<u8>> {
    const CUT: &str = "the backup file is cut short";
    let rest = bytes.strip_prefix(MAGIC).context("not a sealed entraide backup")?;
    let (salt, rest) = rest.split_at_checked(SALT_LEN).context(CUT)?;
    let (rounds, rest) = rest.split_at_checked(4).context(CUT)?;
    let (nonce, mut rest) = rest.split_at_checked(NONCE_LEN).context(CUT)?;
    let rounds = u32::from_be_bytes(rounds.try_into()?);
    ensure!((1..=MAX_ROUNDS).contains(&rounds), "the backup file is damaged (its key rounds)");
    let cipher = XChaCha20Poly1305::new(&key(passphrase, salt, rounds));
    let nonce: &[u8; NONCE_LEN] = nonce.try_into()?;
    let mut decryptor = DecryptorBE32::from_aead(cipher, nonce.into());
    let wrong = || {
        anyhow!(
            "this backup does not open with the configured store passphrase (is it the \
             passphrase of the bot it comes from?), or the file is damaged"
        )
    };
    let mut plain = Vec::with_capacity(rest.len());
    loop {
        let (&last, after) = rest.split_first().context(CUT)?;
        let (length, after) = after.split_at_checked(4).context(CUT)?;
        let length = usize::try_from(u32::from_be_bytes(length.try_into()?))?;
        ensure!(length <= CHUNK + TAG_LEN, "the backup file is damaged (a chunk's length)");
        let (chunk, after) = after.split_at_checked(length).context(CUT)?;
        match last {
            0 => plain.extend(decryptor.decrypt_next(chunk).map_err(|_| wrong())?),
            1 => {
                plain.extend(decryptor.decrypt_last(chunk).map_err(|_| wrong())?);
                ensure!(after.is_empty(), "the backup file is damaged (bytes after its end)");
                return Ok(plain);
            }
            _ => bail!("the backup file is damaged (a chunk's flag)"),
        }
        rest = after;
    }
}

/// The manifest of the archive `plain` (a tar file).
pub fn manifest(plain: &[u8]) -> anyhow::Result<Manifest> {
    let mut archive = tar::Archive::new(plain);
    for entry in archive.entries().context("not an entraide backup")? {
        let mut entry = entry.context("the backup is damaged")?;
        if entry.path()?.as_os_str() == MANIFEST {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            return serde_json::from_slice(&bytes).context("the backup's description is damaged");
        }
    }
    bail!("not an entraide backup (no {MANIFEST})")
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
    /// Whether the running bot made it (else it was made from the files).
    pub live: bool,
}

/// Writes the archive of the bot configured by `config` to `out`: asked of the bot when
/// it runs, else made from its files.
pub async fn save(config: &Config, out: &Path) -> anyhow::Result<Saved> {
    let data_dir = config.data_dir.clone();
    let socket = data_dir.join(SOCKET);
    let (plain, live) = match UnixStream::connect(&socket).await {
        Ok(stream) => (ask(stream).await?, true),
        Err(_) => {
            let path = data_dir.join("store");
            ensure!(path.exists(), "no store in {}: nothing to back up", data_dir.display());
            let store = Store::open(&path).map_err(|error| {
                if format!("{error:?}").contains("acquire lock") {
                    anyhow!(
                        "the bot runs on {} (its store is locked) but does not answer on {}: \
                         is it an entraide older than this command? Stop it to back up",
                        data_dir.display(),
                        socket.display()
                    )
                } else {
                    anyhow::Error::new(error).context("cannot open the store")
                }
            })?;
            let plain =
                tokio::task::spawn_blocking(move || copy(&store, &data_dir, Utc::now())?.archive())
                    .await
                    .context("the backup stopped")??;
            (plain, false)
        }
    };
    let manifest = manifest(&plain)?;
    let passphrase = config.store_passphrase.as_ref().map(Password::expose);
    let bytes = match passphrase {
        Some(passphrase) => seal(&plain, passphrase)?,
        None => plain,
    };
    write_private(out, &bytes)?;
    Ok(Saved { manifest, size: bytes.len() as u64, sealed: passphrase.is_some(), live })
}

/// Asks the running bot for its archive on `stream`.
async fn ask(stream: UnixStream) -> anyhow::Result<Vec<u8>> {
    let (read, mut write) = stream.into_split();
    write.write_all(format!("{ASK}\n").as_bytes()).await.context("cannot ask the bot")?;
    let mut read = BufReader::new(read);
    let mut answer = String::new();
    read.read_line(&mut answer).await.context("the bot did not answer")?;
    match answer.trim_end().strip_prefix("erreur: ") {
        Some(error) => bail!("the bot could not make the backup: {error}"),
        None if answer.trim_end() == "ok" => {}
        None => bail!("the bot's answer makes no sense: {answer:?}"),
    }
    let mut plain = Vec::new();
    read.read_to_end(&mut plain).await.context("the bot stopped sending the backup")?;
    Ok(plain)
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

/// Restores the archive `bytes` into `data_dir`, which must be empty or absent, and
/// returns its manifest. A sealed archive needs the passphrase it was sealed with.
pub fn restore(
    bytes: &[u8],
    passphrase: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<Manifest> {
    if let Ok(mut entries) = fs::read_dir(data_dir)
        && entries.next().is_some()
    {
        bail!(
            "the data directory {} is not empty: a restore never replaces a store (a live \
             one?). Restore into an empty or new data directory",
            data_dir.display()
        );
    }
    let plain = if is_sealed(bytes) {
        let passphrase = passphrase.context(
            "this backup is sealed: the configuration needs the store passphrase of the bot \
             it comes from (store_passphrase_file or store_passphrase_env)",
        )?;
        Cow::Owned(unseal(bytes, passphrase)?)
    } else {
        Cow::Borrowed(bytes)
    };
    let manifest = manifest(&plain)?;
    ensure!(
        manifest.format <= FORMAT,
        "this backup comes from a newer entraide ({}): restore it with that version",
        manifest.entraide
    );
    let parent = match data_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent).with_context(|| format!("cannot make {}", parent.display()))?;
    // Unpacked beside, then moved in whole: a restore cut short leaves no half store.
    let work = tempfile::Builder::new()
        .prefix(".entraide-restauration-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    let mut archive = tar::Archive::new(&plain[..]);
    for entry in archive.entries().context("the backup is damaged")? {
        let mut entry = entry.context("the backup is damaged")?;
        let path = entry.path()?.into_owned();
        ensure!(expected(&path), "the backup holds an unexpected file: {}", path.display());
        entry
            .unpack_in(work.path())
            .with_context(|| format!("cannot restore {}", path.display()))?;
    }
    for needed in [SESSION, "store"] {
        ensure!(work.path().join(needed).exists(), "the backup has no {needed}: it is damaged");
    }
    // The store opens (migrated if it comes from an older entraide).
    drop(Store::open(&work.path().join("store")).context("the backup's store does not open")?);
    private(work.path())?;
    if data_dir.exists() {
        fs::remove_dir(data_dir)
            .with_context(|| format!("cannot replace the empty {}", data_dir.display()))?;
    }
    fs::rename(work.keep(), data_dir)
        .with_context(|| format!("cannot move the restored files to {}", data_dir.display()))?;
    Ok(manifest)
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

/// Makes `dir` and everything under it readable by the bot's user only.
fn private(dir: &Path) -> anyhow::Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            private(&path)?;
        } else {
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

/// The running bot's socket: `entraide sauvegarder` asks it for the archive.
#[derive(Debug)]
pub struct Control {
    listener: UnixListener,
    path: PathBuf,
}

impl Control {
    /// Listens on the socket in `data_dir`.
    pub fn bind(data_dir: &Path) -> anyhow::Result<Control> {
        let path = data_dir.join(SOCKET);
        // Only one bot opens a data directory (the store's lock): a socket found there
        // was left by a bot that stopped without removing it.
        let _ = fs::remove_file(&path);
        let listener = UnixListener::bind(&path)
            .with_context(|| format!("cannot listen on {}", path.display()))?;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
        Ok(Control { listener, path })
    }

    /// Answers each asking command, until dropped.
    pub async fn serve(self, store: Store, data_dir: PathBuf, jobs: Jobs, clock: Arc<Clock>) {
        loop {
            match self.listener.accept().await {
                Ok((stream, _)) => {
                    let (store, data_dir, jobs) = (store.clone(), data_dir.clone(), jobs.clone());
                    tokio::spawn(answer(stream, store, data_dir, jobs, clock.now()));
                }
                Err(error) => {
                    warn!(%error, "the backup socket failed");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    }
}

impl Drop for Control {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Answers one command on `stream`: `ok` and the archive, or `erreur: ` and why not.
async fn answer(
    stream: UnixStream,
    store: Store,
    data_dir: PathBuf,
    jobs: Jobs,
    now: DateTime<Utc>,
) {
    let (read, mut write) = stream.into_split();
    let mut asked = String::new();
    // A line of a few bytes; more is not a command of ours.
    let read = BufReader::new(read.take(64)).read_line(&mut asked).await;
    let made = match read {
        Ok(_) if asked.trim_end() == ASK => held_archive(store, data_dir, &jobs, now).await,
        Ok(_) => Err(anyhow!("unknown request")),
        Err(error) => Err(error.into()),
    };
    let sent = match made {
        Ok(plain) => {
            info!(bytes = plain.len(), "backup made");
            match write.write_all(b"ok\n").await {
                Ok(()) => write.write_all(&plain).await,
                Err(error) => Err(error),
            }
        }
        Err(error) => {
            warn!(error = %format!("{error:#}"), "backup refused");
            write.write_all(format!("erreur: {error:#}\n").as_bytes()).await
        }
    };
    if let Err(error) = sent {
        warn!(%error, "cannot send the backup");
    }
}

/// The archive, of copies made while the worker is held.
async fn held_archive(
    store: Store,
    data_dir: PathBuf,
    jobs: &Jobs,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<u8>> {
    let (held, holding) = oneshot::channel();
    let (release, released) = oneshot::channel();
    jobs.send(Job::Hold { held, release: released }).map_err(|_| anyhow!("the bot is stopping"))?;
    holding.await.map_err(|_| anyhow!("the bot is stopping"))?;
    let started = std::time::Instant::now();
    let copied = tokio::task::spawn_blocking(move || copy(&store, &data_dir, now)).await;
    // The worker goes on (it would too if this were dropped) while the copies are
    // archived.
    let _ = release.send(());
    info!(held_ms = started.elapsed().as_millis(), "the store copied for a backup");
    let copies = copied.context("the backup stopped")??;
    tokio::task::spawn_blocking(move || copies.archive()).await.context("the backup stopped")?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_opens_with_its_passphrase_only() -> anyhow::Result<()> {
        for size in [0, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let plain: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&plain, "une phrase de passe")?;
            assert!(is_sealed(&sealed));
            assert_eq!(unseal(&sealed, "une phrase de passe")?, plain, "size {size}");
        }
        assert!(unseal(&seal(b"x", "une phrase de passe")?, "une autre").is_err());
        Ok(())
    }

    #[test]
    fn a_changed_or_cut_file_does_not_open() -> anyhow::Result<()> {
        let plain = vec![7u8; 2 * CHUNK + 5];
        let sealed = seal(&plain, "p")?;
        let mut changed = sealed.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 1;
        assert!(unseal(&changed, "p").is_err());
        // Cut after the first chunk: its end is not flagged as the last.
        let first_end = MAGIC.len() + SALT_LEN + 4 + NONCE_LEN + 5 + CHUNK + TAG_LEN;
        assert!(unseal(&sealed[..first_end], "p").is_err());
        assert!(unseal(&sealed[..sealed.len() - 1], "p").is_err());
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(unseal(&longer, "p").is_err());
        Ok(())
    }

    #[test]
    fn only_the_files_of_a_backup_are_restored() {
        for good in ["sauvegarde.json", "session.json", "store/db", "store/blobs/1", "matrix/a"] {
            assert!(expected(Path::new(good)), "{good}");
        }
        for bad in
            ["../x", "/etc/passwd", "matrix/../../x", "other", "matrix/a/b", "session.json/x"]
        {
            assert!(!expected(Path::new(bad)), "{bad}");
        }
    }

    #[test]
    fn a_restore_refuses_a_data_directory_in_use() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        fs::write(dir.path().join("something"), b"x")?;
        let error = restore(b"", None, dir.path()).err().context("refused")?;
        assert!(format!("{error}").contains("not empty"), "{error}");
        Ok(())
    }
}
