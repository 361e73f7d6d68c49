//! The running bot's socket, on which `entraide sauvegarder` asks for the archive: the
//! bot answers `ok <length> <milliseconds it held its decisions>` and the archive, or
//! `erreur: ` and why not.

use std::{
    fs,
    io::{self, BufRead as _, Read as _, Write},
    os::unix::fs::PermissionsExt as _,
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use tokio::{
    io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader},
    net::{UnixListener, UnixStream},
    sync::oneshot,
};
use tracing::{info, warn};

use super::Archive;
use crate::{
    bot::Bot,
    job::{Job, Jobs},
};

/// The running bot's socket, in its data directory.
pub const SOCKET: &str = "entraide.sock";
/// What the command asks the bot on the socket.
const ASK: &str = "sauvegarde";
/// How long the command waits for the bot: it answers once it has synced, and copies
/// its store in seconds. The archive's every piece comes within it too.
pub const ASK_WAIT: Duration = Duration::from_secs(600);
/// How long a backup waits for the effects under way to finish.
const GATE_WAIT: Duration = Duration::from_secs(60);
/// The longest answer line the command reads: `ok`, two numbers, or an error.
const MAX_ANSWER: u64 = 4096;

/// The running bot's socket: `entraide sauvegarder` asks it for the archive.
#[derive(Debug)]
pub struct Control {
    listener: UnixListener,
    path: PathBuf,
}

impl Control {
    /// Listens on the socket in `data_dir` (readable by the bot's user only, as the
    /// data directory is).
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

    /// Answers each asking command, one at a time, until dropped.
    pub async fn serve(self, bot: Arc<Bot>, jobs: Jobs) {
        loop {
            match self.listener.accept().await {
                // One at a time: each backup holds the worker while it copies.
                Ok((stream, _)) => answer(stream, &bot, &jobs).await,
                Err(error) => {
                    warn!(%error, "the backup socket failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
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

/// Answers one command on `stream`.
async fn answer(stream: UnixStream, bot: &Arc<Bot>, jobs: &Jobs) {
    let (read, mut write) = stream.into_split();
    let mut asked = String::new();
    // A line of a few bytes; more is not a command of ours.
    let read = BufReader::new(read.take(64)).read_line(&mut asked).await;
    let made = match read {
        Ok(_) if asked.trim_end() == ASK => held_archive(bot, jobs, bot.now()).await,
        Ok(_) => Err(anyhow!("unknown request")),
        Err(error) => Err(error.into()),
    };
    let sent = match made {
        Ok((archive, held)) => match archive.open() {
            Ok(file) => {
                info!(bytes = archive.size(), "backup made");
                let line = format!("ok {} {}\n", archive.size(), held.as_millis());
                match write.write_all(line.as_bytes()).await {
                    Ok(()) => tokio::io::copy(&mut tokio::fs::File::from_std(file), &mut write)
                        .await
                        .map(drop),
                    Err(error) => Err(error),
                }
            }
            Err(error) => {
                warn!(%error, "cannot read the backup made");
                let line = format!("erreur: cannot read the backup made: {error}\n");
                write.write_all(line.as_bytes()).await
            }
        },
        Err(error) => {
            warn!(error = %format!("{error:#}"), "backup refused");
            write.write_all(format!("erreur: {error:#}\n").as_bytes()).await
        }
    };
    if let Err(error) = sent {
        warn!(%error, "cannot send the backup");
    }
}

/// The archive, of copies made while the worker, the effects and the spare rooms'
/// keeper are held (no write to the store meanwhile), and how long they were.
async fn held_archive(
    bot: &Arc<Bot>,
    jobs: &Jobs,
    now: DateTime<Utc>,
) -> anyhow::Result<(Archive, Duration)> {
    let started = Instant::now();
    let (held, holding) = oneshot::channel();
    let (release, released) = oneshot::channel();
    jobs.send(Job::Hold { held, release: released }).map_err(|_| anyhow!("the bot is stopping"))?;
    holding.await.map_err(|_| anyhow!("the bot is stopping"))?;
    // Effects under way finish first; the next ones wait. One that the homeserver keeps
    // waiting would keep the bot held: a backup gives up first.
    info!("holding the bot's decisions for a backup");
    let Ok(writes) = tokio::time::timeout(GATE_WAIT, bot.writes.write()).await else {
        let _ = release.send(());
        bail!(
            "what the bot was carrying out did not finish within {} s (does the homeserver \
             answer?): try again later",
            GATE_WAIT.as_secs()
        );
    };
    let (store, data_dir) = (bot.store.clone(), bot.config.data_dir.clone());
    let copied = tokio::task::spawn_blocking(move || super::copy(&store, &data_dir, now)).await;
    drop(writes);
    // The worker goes on (it would too if this were dropped) while the copies are
    // archived.
    let _ = release.send(());
    let held = started.elapsed();
    info!(held_ms = held.as_millis(), "the store copied for a backup");
    let copies = copied.context("the backup stopped")??;
    let archive = tokio::task::spawn_blocking(move || copies.archive())
        .await
        .context("the backup stopped")??;
    Ok((archive, held))
}

/// Asks the running bot for its archive on `stream` and writes it to `to`, a piece at a
/// time. Returns how long the bot held its decisions to copy its store.
pub fn ask(stream: std::os::unix::net::UnixStream, to: &mut dyn Write) -> anyhow::Result<Duration> {
    stream.set_read_timeout(Some(ASK_WAIT))?;
    (&stream).write_all(format!("{ASK}\n").as_bytes()).context("cannot ask the bot")?;
    let mut read = io::BufReader::new(stream);
    let mut answer = String::new();
    let waited = |error: io::Error| match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => anyhow!(
            "the bot did not answer within {} minutes: it answers once it has synced with its \
             homeserver (is the homeserver reachable?)",
            ASK_WAIT.as_secs() / 60
        ),
        _ => anyhow!(error).context("the bot did not answer"),
    };
    (&mut read).take(MAX_ANSWER).read_line(&mut answer).map_err(waited)?;
    let answer = answer.trim_end();
    if let Some(error) = answer.strip_prefix("erreur: ") {
        bail!("the bot could not make the backup: {error}");
    }
    let said = || format!("the bot's answer makes no sense: {answer:?}");
    let mut words = answer.strip_prefix("ok ").with_context(said)?.split(' ');
    let mut number = || words.next().and_then(|word| word.parse::<u64>().ok()).with_context(said);
    let length = number()?;
    let held = Duration::from_millis(number()?);
    let copied = io::copy(&mut read.take(length), to).map_err(|error| match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => anyhow!(
            "the bot sent nothing more for {} minutes: nothing was written",
            ASK_WAIT.as_secs() / 60
        ),
        _ => anyhow!(error).context(
            "the backup stopped on its way (the bot stopped sending, or the file could not be \
             written): nothing was written",
        ),
    })?;
    if copied != length {
        bail!(
            "the bot stopped sending the backup ({copied} of {length} bytes): nothing was written"
        );
    }
    Ok(held)
}
