//! The sealing of an archive with the store's passphrase: [`MAGIC`], a salt, the key
//! derivation's rounds and a nonce, then the archive in chunks of XChaCha20-Poly1305 in
//! the STREAM construction (a chunk changed, moved or cut off does not open), under a
//! key derived from the passphrase by PBKDF2-HMAC-SHA256. Both ways go a chunk at a time
//! ([`Sealer`], [`Unsealer`]), so an archive of any size takes a few chunks of memory.

use std::{
    fmt,
    io::{self, Read, Write},
};

use anyhow::{Context as _, anyhow, ensure};
use chacha20poly1305::{
    KeyInit as _, XChaCha20Poly1305,
    aead::stream::{DecryptorBE32, EncryptorBE32},
};

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
pub(super) const CHUNK: usize = 64 * 1024;
/// Poly1305's tag, after each sealed chunk.
pub(super) const TAG_LEN: usize = 16;

/// The key `passphrase` gives with `salt`.
fn key(passphrase: &str, salt: &[u8], rounds: u32) -> chacha20poly1305::Key {
    let mut key = chacha20poly1305::Key::default();
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), salt, rounds, &mut key);
    key
}

/// Seals what is written to it into `out`, a chunk at a time; [`Sealer::finish`] seals
/// the last one.
pub struct Sealer<W: Write> {
    out: W,
    encryptor: EncryptorBE32<XChaCha20Poly1305>,
    /// The plain bytes of the chunk being filled.
    chunk: Vec<u8>,
}

impl<W: Write> Sealer<W> {
    /// Starts a sealed archive in `out`, under a key derived from `passphrase`.
    pub fn new(mut out: W, passphrase: &str) -> anyhow::Result<Self> {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut salt)
            .map_err(|error| anyhow!("no randomness for the salt: {error}"))?;
        getrandom::fill(&mut nonce)
            .map_err(|error| anyhow!("no randomness for the nonce: {error}"))?;
        let cipher = XChaCha20Poly1305::new(&key(passphrase, &salt, ROUNDS));
        out.write_all(MAGIC)?;
        out.write_all(&salt)?;
        out.write_all(&ROUNDS.to_be_bytes())?;
        out.write_all(&nonce)?;
        let encryptor = EncryptorBE32::from_aead(cipher, (&nonce).into());
        Ok(Sealer { out, encryptor, chunk: Vec::with_capacity(CHUNK) })
    }

    /// Seals the last chunk (flagged as the last: a file cut at a chunk's end does not
    /// open) and gives `out` back.
    pub fn finish(mut self) -> anyhow::Result<W> {
        let sealed =
            self.encryptor.encrypt_last(&self.chunk[..]).map_err(|_| anyhow!("cannot seal"))?;
        write_chunk(&mut self.out, 1, &sealed)?;
        Ok(self.out)
    }
}

impl<W: Write> fmt::Debug for Sealer<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer").field("buffered", &self.chunk.len()).finish_non_exhaustive()
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.is_empty() {
            return Ok(0);
        }
        // A full chunk is sealed once more comes: the last one, full or not, is sealed
        // by `finish`.
        if self.chunk.len() == CHUNK {
            let sealed = self
                .encryptor
                .encrypt_next(&self.chunk[..])
                .map_err(|_| io::Error::other("cannot seal"))?;
            write_chunk(&mut self.out, 0, &sealed)?;
            self.chunk.clear();
        }
        let taken = bytes.len().min(CHUNK - self.chunk.len());
        self.chunk.extend_from_slice(&bytes[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes a sealed chunk: its flag (1 for the last), its length, its bytes.
fn write_chunk(out: &mut impl Write, last: u8, sealed: &[u8]) -> io::Result<()> {
    out.write_all(&[last])?;
    // A chunk is at most CHUNK + TAG_LEN bytes: it fits.
    out.write_all(&u32::try_from(sealed.len()).unwrap_or(u32::MAX).to_be_bytes())?;
    out.write_all(sealed)
}

/// Whether `start`, a file's first bytes, is that of a sealed archive.
pub fn is_sealed(start: &[u8]) -> bool {
    start.starts_with(MAGIC)
}

/// Reads the archive sealed in what it reads, a chunk at a time. A wrong passphrase is
/// found by [`Unsealer::new`]; damage further on, by the read that comes to it.
pub struct Unsealer<R: Read> {
    input: R,
    /// `None` once the last chunk is opened, or a chunk did not open.
    decryptor: Option<DecryptorBE32<XChaCha20Poly1305>>,
    /// Whether a chunk opened: the passphrase is right.
    opened: bool,
    /// Whether the last chunk is opened: what follows `plain` is the end.
    finished: bool,
    /// The plain bytes of the last chunk opened, and how many of them were read.
    plain: Vec<u8>,
    read: usize,
}

/// Where a sealed file ends too soon.
const CUT: &str = "the backup file is cut short";

impl<R: Read> Unsealer<R> {
    /// Opens the sealed archive `input` with `passphrase`, and its first chunk.
    pub fn new(mut input: R, passphrase: &str) -> anyhow::Result<Self> {
        let mut magic = [0u8; MAGIC.len()];
        let mut salt = [0u8; SALT_LEN];
        let mut rounds = [0u8; 4];
        let mut nonce = [0u8; NONCE_LEN];
        input.read_exact(&mut magic).context("not a sealed entraide backup")?;
        ensure!(magic == MAGIC, "not a sealed entraide backup");
        input.read_exact(&mut salt).context(CUT)?;
        input.read_exact(&mut rounds).context(CUT)?;
        input.read_exact(&mut nonce).context(CUT)?;
        let rounds = u32::from_be_bytes(rounds);
        ensure!((1..=MAX_ROUNDS).contains(&rounds), "the backup file is damaged (its key rounds)");
        let cipher = XChaCha20Poly1305::new(&key(passphrase, &salt, rounds));
        let decryptor = DecryptorBE32::from_aead(cipher, (&nonce).into());
        let mut unsealer = Unsealer {
            input,
            decryptor: Some(decryptor),
            opened: false,
            finished: false,
            plain: Vec::new(),
            read: 0,
        };
        // The first chunk tells a wrong passphrase apart, before anything is read.
        unsealer.next_chunk().map_err(|error| anyhow!(error))?;
        Ok(unsealer)
    }

    /// Opens the next chunk into `plain`.
    fn next_chunk(&mut self) -> io::Result<()> {
        let damaged = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        // Taken while the chunk is opened: a chunk that does not open leaves none, and
        // every read after it fails too.
        let Some(mut decryptor) = self.decryptor.take() else {
            return Err(damaged("the backup file is damaged"));
        };
        // Once the first chunk opened, the passphrase is right: a chunk that does not open
        // is damage.
        let first = !self.opened;
        let wrong = || {
            damaged(if first {
                "this backup does not open with the configured store passphrase (is it the \
                 passphrase of the bot it comes from?), or the file is damaged"
            } else {
                "the backup file is damaged (a chunk does not open)"
            })
        };
        let cut = |error: io::Error| match error.kind() {
            io::ErrorKind::UnexpectedEof => damaged(CUT),
            _ => error,
        };
        let mut head = [0u8; 5];
        self.input.read_exact(&mut head).map_err(cut)?;
        let [last, length @ ..] = head;
        let length = usize::try_from(u32::from_be_bytes(length)).unwrap_or(usize::MAX);
        if length > CHUNK + TAG_LEN {
            return Err(damaged("the backup file is damaged (a chunk's length)"));
        }
        let mut sealed = vec![0u8; length];
        self.input.read_exact(&mut sealed).map_err(cut)?;
        self.plain = match last {
            0 => {
                let plain = decryptor.decrypt_next(&sealed[..]).map_err(|_| wrong())?;
                self.decryptor = Some(decryptor);
                plain
            }
            1 => {
                let plain = decryptor.decrypt_last(&sealed[..]).map_err(|_| wrong())?;
                let mut after = [0u8; 1];
                if self.input.read(&mut after)? != 0 {
                    return Err(damaged("the backup file is damaged (bytes after its end)"));
                }
                self.finished = true;
                plain
            }
            _ => return Err(damaged("the backup file is damaged (a chunk's flag)")),
        };
        self.read = 0;
        self.opened = true;
        Ok(())
    }
}

impl<R: Read> fmt::Debug for Unsealer<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unsealer").field("finished", &self.finished).finish_non_exhaustive()
    }
}

impl<R: Read> Read for Unsealer<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.read == self.plain.len() {
            if self.finished {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let taken = out.len().min(self.plain.len() - self.read);
        out[..taken].copy_from_slice(&self.plain[self.read..self.read + taken]);
        self.read += taken;
        Ok(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain` sealed, written in pieces of `piece` bytes.
    fn seal(plain: &[u8], passphrase: &str, piece: usize) -> anyhow::Result<Vec<u8>> {
        let mut sealer = Sealer::new(Vec::new(), passphrase)?;
        for piece in plain.chunks(piece) {
            sealer.write_all(piece)?;
        }
        sealer.finish()
    }

    fn unseal(sealed: &[u8], passphrase: &str) -> anyhow::Result<Vec<u8>> {
        let mut plain = Vec::new();
        Unsealer::new(sealed, passphrase)?.read_to_end(&mut plain)?;
        Ok(plain)
    }

    #[test]
    fn sealed_opens_with_its_passphrase_only() -> anyhow::Result<()> {
        for size in [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let plain: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            for piece in [1000, CHUNK, 3 * CHUNK] {
                let sealed = seal(&plain, "une phrase de passe", piece)?;
                assert!(is_sealed(&sealed));
                let chunks = size / CHUNK + usize::from(size % CHUNK != 0 || size == 0);
                let header = MAGIC.len() + SALT_LEN + 4 + NONCE_LEN;
                assert_eq!(sealed.len(), header + size + chunks * (5 + TAG_LEN), "size {size}");
                assert_eq!(unseal(&sealed, "une phrase de passe")?, plain, "size {size}");
            }
        }
        let error = unseal(&seal(b"x", "une phrase de passe", 1)?, "une autre").err();
        let error = format!("{:#}", error.context("refused")?);
        assert!(error.contains("does not open with the configured store passphrase"), "{error}");
        Ok(())
    }

    #[test]
    fn a_changed_or_cut_file_does_not_open() -> anyhow::Result<()> {
        let plain = vec![7u8; 2 * CHUNK + 5];
        let sealed = seal(&plain, "p", CHUNK)?;
        let mut changed = sealed.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 1;
        assert!(unseal(&changed, "p").is_err());
        // Cut after the first chunk: its end is not flagged as the last.
        let first_end = MAGIC.len() + SALT_LEN + 4 + NONCE_LEN + 5 + CHUNK + TAG_LEN;
        let error = format!("{:#}", unseal(&sealed[..first_end], "p").err().context("cut")?);
        assert!(error.contains("cut short"), "{error}");
        assert!(unseal(&sealed[..sealed.len() - 1], "p").is_err());
        assert!(unseal(&sealed[..10], "p").is_err());
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(unseal(&longer, "p").is_err());
        assert!(unseal(b"not sealed at all, a tar file perhaps", "p").is_err());
        Ok(())
    }

    #[test]
    fn a_read_after_damage_fails_again() -> anyhow::Result<()> {
        let sealed = seal(&vec![1u8; 2 * CHUNK], "p", CHUNK)?;
        let mut changed = sealed.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        let mut unsealer = Unsealer::new(&changed[..], "p")?;
        let mut plain = Vec::new();
        assert!(unsealer.read_to_end(&mut plain).is_err());
        assert!(unsealer.read(&mut [0u8; 16]).is_err(), "no end of file after damage");
        Ok(())
    }
}
