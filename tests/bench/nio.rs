//! The simplest peer: `scripts/bench/nio_relay.py`, a minimal matrix-nio relay bot, run as
//! a child process on the benchmark's Synapse so that the clients that time entraide's
//! relay time its relay too.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use anyhow::{Context as _, Result, bail};
use entraide_tests::{bot::PASSWORD, world::World};
use matrix_sdk::ruma::{OwnedUserId, RoomId};
use tempfile::TempDir;
use tokio::{
    io::{AsyncBufReadExt as _, BufReader, Lines},
    process::{Child, ChildStdout, Command},
};

/// How long the peer may take to log in, sync and upload its keys.
const READY_WAIT: Duration = Duration::from_secs(60);

/// How long the peer may take to stop once its stdin closes.
const STOP_WAIT: Duration = Duration::from_secs(10);

/// The peer's account, registered before its rooms are made (they invite it).
#[derive(Debug)]
pub struct NioAccount {
    pub user_id: OwnedUserId,
}

impl NioAccount {
    pub async fn register(world: &World) -> Result<NioAccount> {
        let localpart = format!("nio_relay_{}", entraide_tests::unique_suffix());
        world.synapse.register(&localpart, PASSWORD).await?;
        Ok(NioAccount { user_id: world.synapse.user_id(&localpart).try_into()? })
    }
}

/// The running peer. Killed when dropped.
#[derive(Debug)]
pub struct NioBot {
    /// The matrix-nio version it runs, for the table.
    pub version: String,
    child: Child,
    /// Kept open: the peer writes nothing more after `ready`, but a closed pipe would
    /// kill it if it did.
    _stdout: Lines<BufReader<ChildStdout>>,
    /// Its Olm store and sync token.
    _store: TempDir,
}

impl NioBot {
    /// Starts the peer as `account`, relaying to `volunteers` (it joins the rooms it is
    /// invited to), and waits until it says it is ready: synced once, keys uploaded.
    pub async fn start(
        python: &Path,
        world: &World,
        account: &NioAccount,
        volunteers: &RoomId,
    ) -> Result<NioBot> {
        let store = tempfile::Builder::new().prefix("entraide-bench-nio-").tempdir()?;
        let mut child = Command::new(python)
            .arg(root().join("scripts").join("bench").join("nio_relay.py"))
            .arg(world.synapse.url())
            .arg(account.user_id.as_str())
            .arg(PASSWORD)
            .arg(volunteers.as_str())
            .arg(store.path())
            // Its stdin is its lifeline; its stdout says when it is ready; its warnings,
            // if any, go to the benchmark's stderr, away from the table.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting the nio peer with {}", python.display()))?;
        let stdout = child.stdout.take().context("the nio peer has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(READY_WAIT, lines.next_line())
            .await
            .context("the nio peer was not ready in time")?
            .context("reading the nio peer's stdout")?;
        let Some(version) = ready.as_deref().and_then(|line| line.strip_prefix("ready ")) else {
            let status = child.try_wait().ok().flatten();
            bail!("the nio peer said {ready:?} instead of `ready` (exit status {status:?})");
        };
        Ok(NioBot { version: version.to_owned(), child, _stdout: lines, _store: store })
    }

    /// Asks the peer to stop (its stdin closes) and waits a while; kills it if it does
    /// not stop.
    pub async fn stop(mut self) {
        drop(self.child.stdin.take());
        if tokio::time::timeout(STOP_WAIT, self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
    }
}

/// The peer's Python: `python` if given, else the venv `scripts/bench/install-nio.sh`
/// makes (at once when it is there).
pub async fn python(python: Option<&Path>) -> Result<PathBuf> {
    if let Some(python) = python {
        return Ok(python.to_owned());
    }
    let script = root().join("scripts").join("bench").join("install-nio.sh");
    let output = Command::new("bash")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .await
        .with_context(|| format!("running {}", script.display()))?;
    if !output.status.success() {
        bail!("{} failed ({})", script.display(), output.status);
    }
    let printed = String::from_utf8(output.stdout)?;
    let python = printed.lines().last().context("the install script printed no path")?;
    Ok(PathBuf::from(python))
}

/// The workspace's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
