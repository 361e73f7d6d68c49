//! One bot per account: a lease in the account's own data on the homeserver (which only
//! the account reads), renewed while the bot runs. A second bot that logs in with the
//! same account from elsewhere — a restored copy of the data directory on another
//! machine, started while the original still runs — finds a fresh lease that is not its
//! own and refuses to start: two bots on one device would answer everything twice and
//! fight over its encryption keys. A bot restarted where it ran (after a crash) holds the
//! lease already; one stopped cleanly gives it back, so that a planned move starts at once.

use std::{path::Path, time::Duration};

use anyhow::{Context as _, bail};
use matrix_sdk::{
    Client,
    ruma::{events::GlobalAccountDataEventType, serde::Raw},
};
use serde::{Deserialize, Serialize};
use tracing::{error, info, warn};

use crate::{clock::Clock, effects::retry::persist};

/// The account data event type of the lease.
const LEASE: &str = "org.entraide.lease";
/// How often a running bot renews its lease.
pub const RENEW_EVERY: Duration = Duration::from_secs(30);
/// A lease not renewed for this long belongs to a bot that is gone.
const STALE_AFTER: Duration = Duration::from_secs(90);
/// How long a starting bot waits, after taking the lease, before it reads it back (two
/// bots starting at the same moment: the later write wins, the other one stands down).
const SETTLE: Duration = Duration::from_secs(1);

/// Who holds the lease: a data directory on a machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The machine's name.
    pub host: String,
    /// The data directory, as the bot sees it.
    pub data_dir: String,
    /// When the holder last renewed it (ms since the epoch); 0: given back.
    pub renewed_ms: u64,
}

impl Holder {
    /// This bot, on `data_dir`, now.
    fn here(data_dir: &Path, now_ms: u64) -> Holder {
        let data_dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_owned());
        Holder { host: host_name(), data_dir: data_dir.display().to_string(), renewed_ms: now_ms }
    }

    fn same_place(&self, other: &Holder) -> bool {
        self.host == other.host && self.data_dir == other.data_dir
    }
}

/// Whether `found` keeps `here` from starting at `now_ms`: held elsewhere, and renewed
/// lately.
pub fn blocks(found: &Holder, here: &Holder, now_ms: u64) -> bool {
    let fresh = now_ms.saturating_sub(found.renewed_ms) < STALE_AFTER.as_millis() as u64;
    found.renewed_ms != 0 && fresh && !found.same_place(here)
}

/// Takes the lease for the bot on `data_dir`, or says who holds it.
pub async fn take(client: &Client, data_dir: &Path, clock: &Clock) -> anyhow::Result<()> {
    let here = Holder::here(data_dir, clock.wall_ms());
    if let Some(found) = read(client).await?
        && blocks(&found, &here, clock.wall_ms())
    {
        let ago = clock.wall_ms().saturating_sub(found.renewed_ms) / 1000;
        bail!(
            "another entraide runs with this account (on {}, data directory {}, alive {ago} s \
             ago): stop it before starting this one — two bots would answer everything twice. \
             If it is gone for good, start this one again in {} s.",
            found.host,
            found.data_dir,
            STALE_AFTER.as_secs().saturating_sub(ago)
        );
    }
    write(client, &here).await?;
    tokio::time::sleep(SETTLE).await;
    match read(client).await? {
        Some(found) if !found.same_place(&here) => bail!(
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

/// Renews the lease every [`RENEW_EVERY`] until the future is dropped; says so loudly if
/// another bot took it meanwhile.
pub async fn keep(client: Client, data_dir: std::path::PathBuf, clock: std::sync::Arc<Clock>) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let here = Holder::here(&data_dir, clock.wall_ms());
        if let Ok(Some(found)) = read(&client).await
            && blocks(&found, &here, clock.wall_ms())
        {
            error!(
                host = %found.host,
                "another entraide took this account's lease: two bots run with one account"
            );
        }
        if let Err(error) = write(&client, &here).await {
            warn!(%error, "cannot renew this account's lease");
        }
    }
}

/// Gives the lease back, at a clean stop; a homeserver that does not answer within a few
/// seconds does not hold the stop (the lease then goes stale by itself).
pub async fn give_back(client: &Client, data_dir: &Path) {
    let given = Holder { renewed_ms: 0, ..Holder::here(data_dir, 0) };
    match tokio::time::timeout(GIVE_BACK_WAIT, write(client, &given)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => warn!(%error, "cannot give this account's lease back"),
        Err(_) => {
            warn!("the homeserver does not answer: this account's lease goes stale by itself")
        }
    }
}

/// How long a stop waits to give the lease back.
const GIVE_BACK_WAIT: Duration = Duration::from_secs(5);

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

/// The machine's name: `/etc/hostname`, else `HOSTNAME`, else "?".
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "?".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(host: &str, dir: &str, renewed_ms: u64) -> Holder {
        Holder { host: host.to_owned(), data_dir: dir.to_owned(), renewed_ms }
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
    }
}
