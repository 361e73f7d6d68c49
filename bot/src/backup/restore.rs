//! Restoring an archive into an empty data directory, and the check a bot makes of its
//! data directory before it starts (not beside a restore cut short).

use std::{
    fs,
    io::{BufReader, Read, Seek as _},
    os::unix::fs::{MetadataExt as _, PermissionsExt as _},
    path::Path,
};

use anyhow::{Context as _, bail, ensure};
use entraide_storage::Store;

use super::{
    COPYING, FORMAT, Manifest, RESTORING, SESSION, Unsealer, is_sealed, read_archive, seal::MAGIC,
};

/// Restores the archive in the file `archive`, of the account `user_id`, into
/// `data_dir`, which must be empty or absent, and returns its description. A sealed
/// archive needs the passphrase it was sealed with; with a passphrase, only a sealed
/// archive is taken. The files belong to the data directory's owner. The archive is
/// read a piece at a time.
pub fn restore(
    archive: &Path,
    passphrase: Option<&str>,
    user_id: &str,
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
    let cannot_read = || format!("cannot read {}", archive.display());
    let mut file = fs::File::open(archive).with_context(cannot_read)?;
    let mut start = Vec::new();
    (&mut file).take(MAGIC.len() as u64).read_to_end(&mut start).with_context(cannot_read)?;
    file.rewind().with_context(cannot_read)?;
    let file = BufReader::new(file);
    let plain: Box<dyn Read> = match (is_sealed(&start), passphrase) {
        (true, Some(passphrase)) => Box::new(Unsealer::new(file, passphrase)?),
        (true, None) => bail!(
            "this backup is sealed: the configuration needs the store passphrase of the bot \
             it comes from (store_passphrase_file or store_passphrase_env)"
        ),
        (false, Some(_)) => bail!(
            "this backup is not sealed, yet the configuration has a store passphrase, which \
             seals every backup of this bot: is it the file that was saved?"
        ),
        (false, None) => Box::new(file),
    };
    // The folders made for it, the deepest first.
    let made: Vec<&Path> = data_dir
        .ancestors()
        .take_while(|folder| !folder.as_os_str().is_empty() && !folder.exists())
        .collect();
    fs::create_dir_all(data_dir).with_context(|| format!("cannot make {}", data_dir.display()))?;
    let restored = unpack(plain, user_id, data_dir);
    // A refused restore leaves nothing behind, not even the folders it made.
    if restored.is_err() {
        for folder in made {
            let _ = fs::remove_dir(folder);
        }
    }
    restored
}

/// Unpacks the archive `plain` of `user_id` into the empty `data_dir`.
fn unpack(plain: impl Read, user_id: &str, data_dir: &Path) -> anyhow::Result<Manifest> {
    // Unpacked in the data directory itself (it may be a volume's mount point), then moved
    // into place, the session last: a restore cut short leaves its working folder, beside
    // which the bot does not start.
    let work = tempfile::Builder::new()
        .prefix(RESTORING)
        .tempdir_in(data_dir)
        .with_context(|| format!("cannot write in {}", data_dir.display()))?;
    // The description comes first: a backup of another bot, or from a newer entraide, is
    // refused before anything is unpacked.
    let accept = |manifest: &Manifest| {
        ensure!(
            manifest.format <= FORMAT,
            "this backup comes from a newer entraide ({}): restore it with that version",
            manifest.entraide
        );
        ensure!(
            manifest.user_id == user_id,
            "this backup is of the bot {}, the configuration's is {user_id}",
            manifest.user_id
        );
        Ok(())
    };
    let (manifest, session) = read_archive(plain, accept, |entry, path| {
        entry
            .unpack_in(work.path())
            .with_context(|| format!("cannot restore {}", path.display()))?;
        Ok(())
    })?;
    fs::write(work.path().join(SESSION), session).context("cannot restore the session")?;
    drop(Store::open(&work.path().join("store")).context("the backup's store does not open")?);
    private(work.path())?;
    // Kept until everything is in place: a move that fails leaves it, and the bot does
    // not start beside it.
    let work = work.keep();
    for name in ["matrix", "store", SESSION] {
        let from = work.join(name);
        if from.exists() {
            fs::rename(&from, data_dir.join(name))
                .with_context(|| format!("cannot move {name} into {}", data_dir.display()))?;
        }
    }
    fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700))?;
    let owner = fs::metadata(data_dir)?;
    own(data_dir, owner.uid(), owner.gid())?;
    Ok(manifest)
}

/// Whether a bot may start on `data_dir`: not beside a restore cut short. A running
/// bot's backup cut short leaves a copy of the store there, removed now.
pub fn check_data_dir(data_dir: &Path) -> anyhow::Result<()> {
    let Ok(entries) = fs::read_dir(data_dir) else { return Ok(()) };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(RESTORING) {
            bail!(
                "a restore into {} was cut short: empty the data directory and restore again",
                data_dir.display()
            );
        }
        if name.starts_with(COPYING) {
            fs::remove_dir_all(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Makes `dir` and everything under it readable by its owner only (links not followed).
fn private(dir: &Path) -> anyhow::Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            private(&entry.path())?;
        } else if kind.is_file() {
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

/// Gives everything under `dir` to `uid` and `gid` (a restore run by root into the bot's
/// directory); a no-op for a restore by the owner.
fn own(dir: &Path, uid: u32, gid: u32) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.uid() != uid || meta.gid() != gid {
            std::os::unix::fs::lchown(entry.path(), Some(uid), Some(gid))
                .with_context(|| format!("cannot give {} to the bot", entry.path().display()))?;
        }
        if entry.file_type()?.is_dir() {
            own(&entry.path(), uid, gid)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::check;

    #[test]
    fn a_restore_refuses_a_data_directory_in_use() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        fs::write(dir.path().join("something"), b"x")?;
        let archive = dir.path().join("something");
        let error = restore(&archive, None, "@entraide:x", dir.path()).err().context("refused")?;
        assert!(format!("{error}").contains("not empty"), "{error}");
        Ok(())
    }

    #[test]
    fn a_link_in_an_archive_is_refused() -> anyhow::Result<()> {
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        header.set_cksum();
        tar.append_link(&mut header, "store/db", "/etc/shadow")?;
        let plain = tar.into_inner()?;
        let error = check(&plain[..]).err().context("refused")?;
        assert!(format!("{error}").contains("unexpected entry"), "{error}");
        let dir = tempfile::tempdir()?;
        let archive = dir.path().join("entraide.sauvegarde");
        fs::write(&archive, &plain)?;
        let target = dir.path().join("restauree");
        assert!(restore(&archive, None, "@entraide:x", &target).is_err());
        assert!(!target.join("store").exists(), "nothing restored");
        Ok(())
    }
}
