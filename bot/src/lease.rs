//! One bot per account: a lease in the account's own data on the homeserver (which only
//! the account reads), renewed while the bot runs. A second bot that logs in with the
//! same account from elsewhere — a restored copy of the data directory on another
//! machine, started while the original still runs — finds a fresh lease that is not its
//! own and refuses to start: two bots on one device would answer everything twice and
//! fight over its encryption keys. A bot restarted where it ran (after a crash) holds the
//! lease already; one stopped cleanly gives it back, so that a planned move starts at once.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context as _, bail};
use matrix_sdk::{
    Client,
    ruma::{events::GlobalAccountDataEventType, serde::Raw},
};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tracing::{info, warn};

use crate::retry::persist;

/// The account data event type of the lease.
const LEASE: &str = "org.entraide.lease";
/// How often a running bot renews its lease.
const RENEW_EVERY: Duration = Duration::from_secs(30);
/// A lease not renewed for this long belongs to a bot that is gone.
const STALE_AFTER: Duration = Duration::from_secs(90);
/// How long a starting bot waits, after taking the lease, before it reads it back (two
/// bots starting at the same moment: the later write wins, the other one stands down).
const SETTLE: Duration = Duration::from_secs(1);
/// How long a renewal, or the lease given back at a stop, may take: a homeserver that
/// does not answer must not hold a stop.
const CALL_WAIT: Duration = Duration::from_secs(5);

/// Who holds the lease: a process, on a data directory, on a machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The machine's name.
    pub host: String,
    /// The data directory, as the bot sees it.
    pub data_dir: String,
    /// The process that holds it (a new one at each start).
    #[serde(default)]
    pub token: String,
    /// When the holder last renewed it (ms since the epoch, real time); 0: given back.
    pub renewed_ms: u64,
}

impl Holder {
    fn same_place(&self, other: &Holder) -> bool {
        self.host == other.host && self.data_dir == other.data_dir
    }

    /// Renewed lately (a time far ahead of `now_ms`, from a clock set wrong, is not).
    fn fresh(&self, now_ms: u64) -> bool {
        let window = u64::try_from(STALE_AFTER.as_millis()).unwrap_or(u64::MAX);
        self.renewed_ms != 0
            && now_ms.saturating_sub(self.renewed_ms) < window
            && self.renewed_ms.saturating_sub(now_ms) < window
    }
}

/// Whether `found` keeps `here` from starting at `now_ms`: held elsewhere, and renewed
/// lately. A bot restarted where it ran (after a crash) is not kept out.
pub fn blocks(found: &Holder, here: &Holder, now_ms: u64) -> bool {
    found.fresh(now_ms) && !found.same_place(here)
}

/// Why the lease keeper ended.
#[derive(Debug)]
pub enum Ended {
    /// The bot stops: the lease may be given back.
    Stopped,
    /// Another bot took the lease: this one must stop, and not give it back.
    Taken(Holder),
}

/// This process's lease on its account.
#[derive(Debug, Clone)]
pub struct Lease {
    client: Client,
    data_dir: PathBuf,
    token: String,
}

impl Lease {
    /// This process's lease for the bot on `data_dir`, logged in as `client`.
    pub fn new(client: Client, data_dir: &Path) -> Lease {
        let data_dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_owned());
        let token = format!("{}-{}", std::process::id(), now_ms());
        Lease { client, data_dir, token }
    }

    fn here(&self, renewed_ms: u64) -> Holder {
        Holder {
            host: host_name(),
            data_dir: self.data_dir.display().to_string(),
            token: self.token.clone(),
            renewed_ms,
        }
    }

    /// Takes the lease, or says who holds it.
    pub async fn take(&self) -> anyhow::Result<()> {
        let here = self.here(now_ms());
        if let Some(found) = read(&self.client).await?
            && blocks(&found, &here, now_ms())
        {
            let ago = now_ms().saturating_sub(found.renewed_ms) / 1000;
            bail!(
                "another entraide runs with this account (on {}, data directory {}, alive {ago} \
                 s ago): stop it before starting this one — two bots would answer everything \
                 twice. If it is gone for good, start this one again in {} s.",
                found.host,
                found.data_dir,
                STALE_AFTER.as_secs().saturating_sub(ago)
            );
        }
        write(&self.client, &here).await?;
        tokio::time::sleep(SETTLE).await;
        match read(&self.client).await? {
            Some(found) if found.token != self.token => bail!(
                "another entraide started with this account at the same moment (on {}, data \
                 directory {}): only one may run",
                found.host,
                found.data_dir
            ),
            _ => {
                info!("holding this account's lease: no other entraide runs with it");
                Ok(())
            }
        }
    }

    /// Renews the lease every [`RENEW_EVERY`] until `stop` fires, or until another bot
    /// took it (renewed it with a token not this one's): then this one must stop rather
    /// than take it back, or both would run. No renewal is under way when it returns.
    pub async fn keep(self, mut stop: oneshot::Receiver<()>) -> Ended {
        loop {
            tokio::select! {
                () = tokio::time::sleep(RENEW_EVERY) => {}
                _ = &mut stop => return Ended::Stopped,
            }
            let found = tokio::time::timeout(CALL_WAIT, read(&self.client)).await;
            if let Ok(Ok(Some(found))) = found
                && found.token != self.token
                && found.fresh(now_ms())
            {
                return Ended::Taken(found);
            }
            match tokio::time::timeout(CALL_WAIT, write(&self.client, &self.here(now_ms()))).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    warn!(error = %format!("{error:#}"), "cannot renew this account's lease")
                }
                Err(_) => {
                    warn!("the homeserver does not answer: this account's lease is not renewed")
                }
            }
        }
    }

    /// Gives the lease back, at a clean stop (after [`Lease::keep`] ended).
    pub async fn give_back(&self) {
        match tokio::time::timeout(CALL_WAIT, write(&self.client, &self.here(0))).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                warn!(error = %format!("{error:#}"), "cannot give this account's lease back")
            }
            Err(_) => {
                warn!("the homeserver does not answer: this account's lease goes stale by itself")
            }
        }
    }
}

/// Aborts a task when dropped (a task that has ended is left as it is).
#[derive(Debug)]
pub struct AbortOnDrop(pub tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Real time, in ms since the epoch: the lease is compared across machines, never with
/// the bot's own clock (which tests move).
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

/// The lease as the homeserver has it (tried again while it cannot be reached).
async fn read(client: &Client) -> anyhow::Result<Option<Holder>> {
    let raw = persist("reading this account's lease", || async {
        Ok(client.account().fetch_account_data(GlobalAccountDataEventType::from(LEASE)).await?)
    })
    .await
    .context("cannot read this account's lease")?;
    Ok(raw.and_then(|raw| raw.deserialize_as_unchecked::<Holder>().ok()))
}

async fn write(client: &Client, holder: &Holder) -> anyhow::Result<()> {
    let content: Raw<_> = Raw::new(holder).context("the lease")?.cast_unchecked();
    persist("writing this account's lease", || {
        let content = content.clone();
        async move {
            client
                .account()
                .set_account_data_raw(GlobalAccountDataEventType::from(LEASE), content)
                .await?;
            Ok(())
        }
    })
    .await
    .context("cannot write this account's lease")
}

/// The machine's name, as the kernel has it (`uname`: it needs no file, so it is there
/// under systemd's `ProcSubset=pid` too), else `HOSTNAME`, else "?".
fn host_name() -> String {
    Some(rustix::system::uname().nodename().to_string_lossy().trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "?".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(host: &str, dir: &str, renewed_ms: u64) -> Holder {
        Holder {
            host: host.to_owned(),
            data_dir: dir.to_owned(),
            token: "t".to_owned(),
            renewed_ms,
        }
    }

    #[test]
    fn the_machine_s_name_is_the_kernel_s() {
        // What /proc shows where it may be read (a unit with ProcSubset=pid may not).
        if let Ok(name) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
            assert_eq!(host_name(), name.trim());
        }
        assert_ne!(host_name(), "?");
    }

    #[test]
    fn only_a_fresh_lease_held_elsewhere_blocks_a_start() {
        let here = holder("mairie", "/var/lib/entraide", 1_000_000);
        let now = 1_000_000;
        // Held elsewhere, renewed 10 s ago: refused.
        assert!(blocks(&holder("neuf", "/var/lib/entraide", now - 10_000), &here, now));
        assert!(blocks(&holder("mairie", "/srv/copie", now - 10_000), &here, now));
        // The same place (a restart after a crash): taken.
        assert!(!blocks(&holder("mairie", "/var/lib/entraide", now - 10_000), &here, now));
        // Elsewhere but gone (not renewed for longer than STALE_AFTER), or given back.
        assert!(!blocks(&holder("neuf", "/x", now - 91_000), &here, now));
        assert!(!blocks(&holder("neuf", "/x", 0), &here, now));
        // Renewed "in the future" by a clock set far ahead: not a live bot's.
        assert!(!blocks(&holder("neuf", "/x", now + 10_000_000), &here, now));
        assert!(blocks(&holder("neuf", "/x", now + 1_000), &here, now));
    }
}
