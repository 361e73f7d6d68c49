//! The sealing of an archive with the store's passphrase: [`MAGIC`], a salt, the key
//! derivation's rounds and a nonce, then the archive in chunks of XChaCha20-Poly1305 in
//! the STREAM construction (a chunk changed, moved or cut off does not open), under a
//! key derived from the passphrase by PBKDF2-HMAC-SHA256.

use anyhow::{Context as _, anyhow, bail, ensure};
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
const CHUNK: usize = 64 * 1024;
/// Poly1305's tag, after each sealed chunk.
const TAG_LEN: usize = 16;

/// The key `passphrase` gives with `salt`.
fn key(passphrase: &str, salt: &[u8], rounds: u32) -> chacha20poly1305::Key {
    let mut key = chacha20poly1305::Key::default();
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), salt, rounds, &mut key);
    key
}

/// `plain` sealed with `passphrase`.
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
}
