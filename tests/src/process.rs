//! The bot under test as a separate OS process: the `entraide` binary, started on a
//! configuration file the harness writes, killed with SIGKILL and started again on the
//! same data directory, as a crash would.
//!
//! Everything the process prints goes to one log file in its data directory
//! ([`BotProcess::log_file`]), across restarts; the harness writes its own marker lines
//! there (`=== entraide-tests: … ===`) so that a reader sees which start said what and
//! where each kill fell.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::{ExitStatus, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail, ensure};
use entraide::Config;
use entraide_storage::Store;
use tokio::process::{Child, Command};

use crate::wait_until;

/// The configuration file the harness writes in the data directory.
pub const CONFIG_FILE: &str = "entraide.toml";

/// The log file of the process (all its starts), in the data directory.
pub const LOG_FILE: &str = "entraide.log";

/// What the bot logs once its first sync is done and it serves commands.
const RUNNING_LINE: &[&str] = &["entraide is running"];

/// What the bot logs once logged in, before its first sync.
const CONNECTED_LINES: &[&str] = &["restored the saved session", "logged in with a new device"];

/// How many lines of the log an error quotes.
const LOG_TAIL_LINES: usize = 30;

/// The `entraide` binary, run as a child process on a configuration the harness wrote.
/// Killed (SIGKILL) when dropped.
#[derive(Debug)]
pub struct BotProcess {
    binary: PathBuf,
    config: Config,
    config_file: PathBuf,
    log_file: PathBuf,
    /// `None` while stopped.
    child: Option<Child>,
    /// How many times it was started.
    starts: u32,
    /// Where the current start's output begins in the log file.
    log_start: u64,
    /// When the current start was spawned.
    started_at: Instant,
}

impl BotProcess {
    /// Writes `config` as a TOML file in its data directory and starts `binary` on it
    /// (`RUST_LOG=info,matrix_sdk=warn` unless `RUST_LOG` is set).
    pub fn start(binary: &Path, config: Config) -> Result<BotProcess> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating {}", config.data_dir.display()))?;
        let config_file = config.data_dir.join(CONFIG_FILE);
        write_config(&config_file, &config)?;
        // The binary must read back exactly what the harness means.
        let read = Config::load(&config_file)
            .with_context(|| format!("reading back {}", config_file.display()))?;
        ensure!(
            read.user_id == config.user_id && read.data_dir == config.data_dir,
            "{} does not read back as written",
            config_file.display()
        );
        let mut process = BotProcess {
            binary: binary.to_owned(),
            log_file: config.data_dir.join(LOG_FILE),
            config,
            config_file,
            child: None,
            starts: 0,
            log_start: 0,
            started_at: Instant::now(),
        };
        process.restart()?;
        Ok(process)
    }

    /// The configuration the process runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The log file: every start's output, with the harness's marker lines.
    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// How many times the process was started.
    pub fn starts(&self) -> u32 {
        self.starts
    }

    /// Whether a process was started and not killed since (it may have exited by itself:
    /// see [`BotProcess::check_alive`]).
    pub fn is_started(&self) -> bool {
        self.child.is_some()
    }

    /// Starts the process again on the same configuration and data directory. Fails if
    /// it is still running.
    pub fn restart(&mut self) -> Result<()> {
        ensure!(self.child.is_none(), "the bot process is already running");
        self.starts += 1;
        self.note(&format!("start #{}", self.starts))?;
        self.log_start = std::fs::metadata(&self.log_file).map_or(0, |meta| meta.len());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_file)
            .with_context(|| format!("opening {}", self.log_file.display()))?;
        let filter =
            std::env::var("RUST_LOG").unwrap_or_else(|_| "info,matrix_sdk=warn".to_owned());
        let child = Command::new(&self.binary)
            .arg("--config")
            .arg(&self.config_file)
            .env("RUST_LOG", filter)
            // A log file, not a terminal: no colour codes in the way of `grep`.
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("sharing the log file")?)
            .stderr(log)
            // A test that fails (or panics) must not leave a bot behind.
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))?;
        self.child = Some(child);
        self.started_at = Instant::now();
        Ok(())
    }

    /// Fails if the process exited by itself (the bot only exits on a fatal error), with
    /// its exit status and the end of its log.
    pub fn check_alive(&mut self) -> Result<()> {
        let Some(child) = self.child.as_mut() else {
            bail!("the bot process is stopped");
        };
        if let Some(status) = child.try_wait().context("watching the bot process")? {
            self.child = None;
            bail!(
                "the bot process (start #{}) exited by itself with {status}{}",
                self.starts,
                self.log_tail()
            );
        }
        Ok(())
    }

    /// Waits until the current start logs that it is running (its first sync is done);
    /// fails if it exits first or after `timeout`.
    ///
    /// The first sync long-polls: after a stop during which nothing happened, it only
    /// returns when something does, or after the server's timeout.
    pub async fn wait_running(&mut self, timeout: Duration) -> Result<()> {
        self.wait_logged(RUNNING_LINE, timeout).await
    }

    /// Waits until the current start is logged in (a restored or new session), which
    /// comes before its first sync; fails if it exits first or after `timeout`.
    pub async fn wait_connected(&mut self, timeout: Duration) -> Result<()> {
        self.wait_logged(CONNECTED_LINES, timeout).await
    }

    /// Waits until the current start logs a line containing one of `lines`.
    async fn wait_logged(&mut self, lines: &[&str], timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            self.check_alive()?;
            let log = self.log_since_start();
            if lines.iter().any(|line| log.contains(line)) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "timed out after {timeout:?} waiting for the bot process (start #{}) to log \
                     one of {lines:?}{}",
                    self.starts,
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the process with SIGKILL (no chance to flush or finish anything) and waits
    /// until it is gone. Fails if it had already exited by itself.
    pub async fn kill(&mut self) -> Result<()> {
        self.check_alive()?;
        let Some(mut child) = self.child.take() else {
            bail!("the bot process is stopped");
        };
        let alive_for = self.started_at.elapsed();
        // `start_kill` sends SIGKILL on unix.
        child.start_kill().context("killing the bot process")?;
        let status: ExitStatus = child.wait().await.context("waiting for the killed bot")?;
        self.note(&format!(
            "start #{} killed with SIGKILL after {} ms ({status})",
            self.starts,
            alive_for.as_millis()
        ))?;
        Ok(())
    }

    /// The process id of the current start, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// Waits until the current start exits by itself (after a SIGTERM the harness sent,
    /// say); fails after `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus> {
        let Some(mut child) = self.child.take() else {
            bail!("the bot process is stopped");
        };
        let status = tokio::time::timeout(timeout, child.wait())
            .await
            .context("the bot process did not exit")??;
        self.note(&format!("start #{} exited with {status}", self.starts))?;
        Ok(status)
    }

    /// Opens the bot's store, which only works while the process is stopped (sled locks
    /// its directory). Drop it before [`BotProcess::restart`].
    pub async fn open_store(&self) -> Result<Store> {
        ensure!(self.child.is_none(), "the bot process is running: its store is locked");
        // The kernel releases the lock when the process is reaped; a short retry covers
        // the case where the directory is still being let go.
        let config = self.config.clone();
        wait_until("the bot's store to open", Duration::from_secs(10), || {
            let opened = entraide::open_store(&config).ok();
            async move { opened }
        })
        .await
    }

    /// What the current start printed so far.
    pub fn log_since_start(&self) -> String {
        let text = std::fs::read(&self.log_file).unwrap_or_default();
        let start = usize::try_from(self.log_start).unwrap_or(usize::MAX).min(text.len());
        String::from_utf8_lossy(text.get(start..).unwrap_or_default()).into_owned()
    }

    /// The whole log, every start.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }

    /// Writes a marker line into the log (between the process's own lines).
    pub fn note(&self, what: &str) -> Result<()> {
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_file)
            .with_context(|| format!("opening {}", self.log_file.display()))?;
        // The bot's own lines start with the time in UTC: so do ours, to interleave.
        let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ");
        writeln!(log, "=== entraide-tests: {at} {what} ===")
            .with_context(|| format!("writing to {}", self.log_file.display()))
    }

    /// The end of the log, for an error message.
    fn log_tail(&self) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines.get(lines.len().saturating_sub(LOG_TAIL_LINES)..).unwrap_or_default();
        format!("\n--- end of {} ---\n{}", self.log_file.display(), tail.join("\n"))
    }
}

/// `config` as the TOML file `entraide --config` reads (see `config.example.toml`).
/// Writes `config` to the file `path` as TOML ([`config_toml`]), with the store's
/// passphrase, if any, in the file [`PASSPHRASE_FILE`] beside it (readable by its owner
/// only), as an operator would.
pub fn write_config(path: &Path, config: &Config) -> Result<()> {
    if let Some(passphrase) = &config.store_passphrase {
        let folder = path.parent().context("a configuration file in a folder")?;
        let file = folder.join(PASSPHRASE_FILE);
        std::fs::write(&file, passphrase.expose())
            .with_context(|| format!("writing {}", file.display()))?;
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    }
    std::fs::write(path, config_toml(config)?)
        .with_context(|| format!("writing {}", path.display()))
}

/// Where [`write_config`] puts the store's passphrase, beside the configuration file.
pub const PASSPHRASE_FILE: &str = "store-passphrase";

/// `config` as the TOML file the binary reads; its store passphrase, if any, is read from
/// [`PASSPHRASE_FILE`] beside it (see [`write_config`]).
pub fn config_toml(config: &Config) -> Result<String> {
    use toml::{Table, Value};
    let path = |path: &Path| -> Result<Value> {
        let text = path.to_str().with_context(|| format!("{} is not UTF-8", path.display()))?;
        Ok(Value::String(text.to_owned()))
    };
    let text = |text: &str| Value::String(text.to_owned());

    let mut file = Table::new();
    file.insert("homeserver".into(), text(config.homeserver.as_str()));
    file.insert("user_id".into(), text(config.user_id.as_str()));
    file.insert("password".into(), text(config.password.expose()));
    file.insert("device_name".into(), text(&config.device_name));
    file.insert("data_dir".into(), path(&config.data_dir)?);
    if config.store_passphrase.is_some() {
        file.insert("store_passphrase_file".into(), text(PASSPHRASE_FILE));
    }
    file.insert("encrypt_rooms".into(), Value::Boolean(config.encrypt_rooms));
    file.insert("remove_requests".into(), Value::Boolean(config.remove_requests));
    let mut limits = Table::new();
    limits.insert(
        "open_requests".into(),
        Value::Integer(i64::try_from(config.limits.open_requests)?),
    );
    limits.insert(
        "requests_per_day".into(),
        Value::Integer(i64::try_from(config.limits.requests_per_day)?),
    );
    file.insert("limits".into(), Value::Table(limits));
    let mut figures = Table::new();
    figures.insert("profile".into(), Value::Boolean(config.figures.profile));
    file.insert("figures".into(), Value::Table(figures));
    if let Some(listen) = config.http.listen {
        let mut http = Table::new();
        http.insert("listen".into(), text(&listen.to_string()));
        let stale = humantime_duration(config.http.stale_after);
        http.insert("stale_after".into(), text(&stale));
        file.insert("http".into(), Value::Table(http));
    }
    if config.log_format == entraide::config::LogFormat::Json {
        file.insert("log_format".into(), text("json"));
    }
    file.insert(
        "coordinators".into(),
        Value::Array(config.coordinators.iter().map(|c| text(c.as_str())).collect()),
    );

    let mut community = Table::new();
    community.insert("name".into(), text(&config.community));
    community.insert("language".into(), text(config.language.code()));
    community.insert("timezone".into(), text(config.timezone.name()));
    if let Some(messages) = &config.messages {
        community.insert("messages".into(), path(messages)?);
    }
    file.insert("community".into(), Value::Table(community));

    let mut rooms = Table::new();
    if let Some(room) = &config.volunteers_room {
        rooms.insert("volunteers".into(), text(room.as_str()));
    }
    if let Some(room) = &config.coordination_room {
        rooms.insert("coordination".into(), text(room.as_str()));
    }
    file.insert("rooms".into(), Value::Table(rooms));

    let neighbourhoods = config
        .neighbourhoods
        .iter()
        .map(|n| {
            let mut table = Table::new();
            table.insert("room".into(), text(n.room.as_str()));
            table.insert("name".into(), text(&n.name));
            if let Some(commune) = &n.commune {
                table.insert("commune".into(), text(commune));
            }
            Value::Table(table)
        })
        .collect();
    file.insert("neighbourhoods".into(), Value::Array(neighbourhoods));

    toml::to_string(&file).context("writing the bot's configuration as TOML")
}

/// A duration as the configuration writes it ("90s").
fn humantime_duration(duration: Duration) -> String {
    format!("{}s", duration.as_secs().max(1))
}
