//! A throwaway Synapse homeserver on loopback.
//!
//! Synapse comes from the pinned install in `.synapse-venv` (or
//! `$ENTRAIDE_SYNAPSE_VENV`), which `scripts/install-synapse.sh` creates on
//! first use. Each [`Synapse`] has its own directory, port and SQLite
//! database; open registration and, by default, very high rate limits let a
//! test create people and rooms as fast as it likes. [`Limits::Defaults`]
//! keeps Synapse's own rate limits instead, and [`Synapse::stop`],
//! [`Synapse::start_again`] and [`Synapse::restart`] take the server down and
//! bring it back on the same port, directory and database.

use std::{
    collections::{BTreeSet, HashMap},
    fmt::Write as _,
    net::{Ipv4Addr, TcpListener},
    path::{Path, PathBuf},
    process::{ExitStatus, Stdio},
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, anyhow, bail};
use matrix_sdk::{
    Client,
    config::RequestConfig,
    reqwest,
    ruma::api::client::{account::register, uiaa},
};
use regex::Regex;
use serde_json::json;
use tempfile::TempDir;
use tokio::{process::Child, sync::OnceCell};
use tracing::{info, warn};

use crate::person::wait_until;

/// The server name of a harness Synapse on its own. Only the client API is served,
/// so it never has to resolve. Federating ones are named `localhost:<port>`.
const SERVER_NAME: &str = "localhost";

/// Its TLS certificate and key, for a federating Synapse.
const TLS_CERTIFICATE: &str = "tls.crt";
const TLS_KEY: &str = "tls.key";

/// Writes a self-signed certificate for a federating Synapse: `argv[1]` the
/// certificate's path, `argv[2]` the key's, `argv[3]` the server name, which is
/// its subject (two servers' certificates must not share one: OpenSSL finds an
/// issuer by its name).
const MAKE_CERTIFICATE: &str = r#"
import datetime, ipaddress, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

cert_path, key_path, server_name = sys.argv[1:4]
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"entraide-tests {server_name}")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (
    x509.CertificateBuilder()
    .subject_name(name)
    .issuer_name(name)
    .public_key(key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(now - datetime.timedelta(minutes=5))
    .not_valid_after(now + datetime.timedelta(days=30))
    .add_extension(
        x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        ),
        critical=False,
    )
    .sign(key, hashes.SHA256())
)
with open(key_path, "wb") as f:
    f.write(key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ))
with open(cert_path, "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
"#;

/// How long Synapse may take to answer after being launched.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// How many ports to try before giving up when each one turns out to be taken.
const PORT_ATTEMPTS: usize = 5;

/// How many lines of each log an error quotes.
const LOG_TAIL_LINES: usize = 40;

/// The configuration `--generate-config` writes; it holds the signing key
/// path and the secrets, which we keep.
const GENERATED_CONFIG: &str = "homeserver.yaml";
/// Our settings, passed after the generated file so that they win.
const OVERRIDES_CONFIG: &str = "entraide-overrides.yaml";
const LOG_CONFIG: &str = "entraide-log-config.yaml";
/// Synapse's own log.
const LOG_FILE: &str = "homeserver.log";
/// Synapse's stdout and stderr: tracebacks from before logging is set up.
const OUTPUT_FILE: &str = "synapse-output.log";

/// Runs `synapse.app.homeserver` like `python -m` does, plus a watchdog
/// thread: the harness holds the write end of Synapse's stdin, so end-of-file
/// there means the test process is gone (even killed without unwinding) and
/// Synapse must not outlive it.
const LAUNCHER: &str = r#"
import os, runpy, sys, threading

def exit_when_harness_is_gone():
    sys.stdin.buffer.read()
    os._exit(1)

threading.Thread(target=exit_when_harness_is_gone, daemon=True).start()
sys.argv = ["synapse.app.homeserver", *sys.argv[1:]]
runpy.run_module("synapse.app.homeserver", run_name="__main__", alter_sys=True)
"#;

/// Which rate limits a harness Synapse applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Limits {
    /// Every client `rc_*` limit Synapse has raised out of reach (100,000 actions a
    /// second, bursts of a million): tests fire many requests at once, and
    /// none of them should ever be refused.
    #[default]
    Relaxed,
    /// Synapse's default rate limits for everything a logged-in client does:
    /// sending events (`rc_message`: 10 at once, then one every 5 seconds,
    /// per user; invitations count too), creating rooms (`rc_room_creation`),
    /// joining (`rc_joins`, `rc_joins_per_room`), inviting (`rc_invites`),
    /// to-device key requests (`rc_key_requests`), media, profile, presence,
    /// reports, the user directory… none of them is overridden, so that the
    /// tests that relax them do not hide what happens with the defaults: a
    /// commune's homeserver runs with these unless its operator changes them.
    ///
    /// Only `rc_registration`, `rc_registration_token_validity` and
    /// `rc_login` (`address`, `account`, `failed_attempts`) stay relaxed, as
    /// in [`Limits::Relaxed`]: the harness registers and logs in every person
    /// of a scenario from 127.0.0.1, and the defaults (3 registrations, then
    /// one every 6 seconds; 5 logins per address, then one every 5½ minutes)
    /// would refuse test setup after a handful of people. That is not what
    /// these tests measure, and a bot logs in once.
    Defaults,
}

/// A request Synapse refused with 429 Too Many Requests, as its log tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimited {
    /// Who sent it: a user id, or the text `None` for an unauthenticated
    /// request.
    pub user: String,
    /// The limiter that refused it, as Synapse names it (`rc_messages`,
    /// `rc_invites.per_issuer`, `rc_joins.local`…).
    pub limiter: String,
    /// The HTTP method.
    pub method: String,
    /// The path, with the query string.
    pub uri: String,
}

impl RateLimited {
    /// The endpoint, with room, user and event ids and transaction ids
    /// replaced by `…`: `PUT /_matrix/client/v3/rooms/…/send/m.room.message/…`.
    pub fn endpoint(&self) -> String {
        let path = self.uri.split('?').next().unwrap_or_default();
        let mut segments: Vec<&str> = path.split('/').collect();
        for i in 0..segments.len() {
            let is_id = segments[i].starts_with(['!', '@', '#', '$', '%']);
            // The segment after `send/<event type>` is the transaction id.
            let is_txn = i >= 2 && segments[i - 2] == "send";
            if is_id || is_txn {
                segments[i] = "…";
            }
        }
        format!("{} {}", self.method, segments.join("/"))
    }
}

/// How a federating Synapse reaches its peers.
#[derive(Debug, Clone)]
struct Federation {
    /// The port of its TLS federation listener, which its server name carries.
    port: u16,
    /// The servers it federates with, itself included; no other.
    whitelist: Vec<String>,
}

/// A real Synapse on loopback, in its own directory, killed on drop.
#[derive(Debug)]
pub struct Synapse {
    /// Synapse itself, started in its own process group with
    /// `kill_on_drop`; its stdin is the watchdog's lifeline. `None` while
    /// stopped by [`Synapse::stop`].
    child: Option<Child>,
    /// The venv's Python, to start it again.
    python: PathBuf,
    /// The rate limits it was started with, kept across restarts.
    limits: Limits,
    /// Where the configuration, database and logs live.
    dir: PathBuf,
    /// Deletes `dir` on drop, for servers started by [`Synapse::start`].
    _temp_dir: Option<TempDir>,
    port: u16,
    url: String,
    /// `localhost`, or `localhost:<federation port>` when federating.
    server_name: String,
    /// `None` for a Synapse on its own.
    federation: Option<Federation>,
}

impl Synapse {
    /// Starts a throwaway Synapse in a temporary directory on a free
    /// 127.0.0.1 port and waits until it answers `/_matrix/client/versions`.
    ///
    /// Installs Synapse first if needed. A failure to install or start is an
    /// error quoting the end of Synapse's logs. Rate limits are relaxed
    /// ([`Limits::Relaxed`]).
    pub async fn start() -> Result<Synapse> {
        Self::start_with(Limits::Relaxed).await
    }

    /// [`Synapse::start`] with the rate limits `limits`.
    pub async fn start_with(limits: Limits) -> Result<Synapse> {
        let temp_dir = tempfile::Builder::new()
            .prefix("entraide-synapse-")
            .tempdir()
            .context("creating a directory for Synapse")?;
        let dir = temp_dir.path().to_owned();
        Self::launch(dir, Some(temp_dir), limits, None).await
    }

    /// Two throwaway Synapses federating with each other on loopback, and with no
    /// other server: each is named `localhost:<port>` after its federation listener
    /// (TLS, a self-signed certificate; certificates are not verified between them),
    /// serves the client API in plain HTTP on another port ([`Synapse::url`]), and
    /// may reach 127.0.0.1, which Synapse refuses for federation by default. Rate
    /// limits are relaxed ([`Limits::Relaxed`]).
    pub async fn start_federating_pair() -> Result<(Synapse, Synapse)> {
        let ports = [free_port()?, free_port()?];
        let whitelist: Vec<String> = ports.iter().map(|port| format!("localhost:{port}")).collect();
        let start = |port: u16| {
            let whitelist = whitelist.clone();
            async move {
                let temp_dir = tempfile::Builder::new()
                    .prefix("entraide-synapse-federating-")
                    .tempdir()
                    .context("creating a directory for Synapse")?;
                let dir = temp_dir.path().to_owned();
                let federation = Federation { port, whitelist };
                Self::launch(dir, Some(temp_dir), Limits::Relaxed, Some(federation)).await
            }
        };
        tokio::try_join!(start(ports[0]), start(ports[1]))
    }

    /// Same as [`Synapse::start`], but in `dir`, which is created if missing
    /// and kept after drop: a second start in the same directory finds the
    /// accounts and rooms of the first (on a new port). Rate limits are
    /// relaxed ([`Limits::Relaxed`]).
    pub async fn start_in(dir: &Path) -> Result<Synapse> {
        tokio::fs::create_dir_all(dir)
            .await
            .with_context(|| format!("creating {}", dir.display()))?;
        // Synapse's configuration needs absolute paths.
        let dir =
            std::path::absolute(dir).with_context(|| format!("resolving {}", dir.display()))?;
        Self::launch(dir, None, Limits::Relaxed, None).await
    }

    /// Kills Synapse (SIGKILL, as a crash or a pulled plug would) and waits
    /// until it is gone; clients get connection errors until
    /// [`Synapse::start_again`]. Does nothing if it is already stopped.
    ///
    /// Everything Synapse acknowledged is in its SQLite database, which
    /// survives a kill.
    pub async fn stop(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        child.start_kill().context("killing Synapse")?;
        let status = child.wait().await.context("waiting for Synapse to exit")?;
        info!(port = self.port, %status, "Synapse stopped");
        Ok(())
    }

    /// Starts Synapse again after [`Synapse::stop`], on the same port, in
    /// the same directory, on the same database and with the same rate
    /// limits, and waits until it answers: a client configured with
    /// [`Synapse::url`] finds its account, rooms and messages there.
    ///
    /// Fails if it is running, or if another process took the port meanwhile
    /// (the URL cannot change under the clients' feet).
    pub async fn start_again(&mut self) -> Result<()> {
        if self.child.is_some() {
            bail!("Synapse is already running on port {}", self.port);
        }
        let started = Instant::now();
        for attempt in 1..=PORT_ATTEMPTS {
            match run(&self.python, &self.dir, self.port, self.limits, self.federation.as_ref())
                .await?
            {
                Launch::Up(child) => {
                    info!(
                        port = self.port,
                        elapsed_ms = started.elapsed().as_millis(),
                        "Synapse is up again"
                    );
                    self.child = Some(child);
                    return Ok(());
                }
                Launch::PortTaken => {
                    // Twisted binds with SO_REUSEADDR, so the old server's
                    // connections do not hold the port; someone else does,
                    // and may let go of it.
                    warn!(port = self.port, attempt, "port taken, Synapse cannot start again yet");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        Err(anyhow!(
            "port {} stayed taken: Synapse cannot start again on it{}",
            self.port,
            log_tails(&self.dir)
        ))
    }

    /// [`Synapse::stop`] then [`Synapse::start_again`]: a homeserver restart
    /// on the same port, directory and database.
    pub async fn restart(&mut self) -> Result<()> {
        self.stop().await?;
        self.start_again().await
    }

    /// Whether Synapse is running (not stopped by [`Synapse::stop`]).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// The rate limits this server applies.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Every request Synapse refused with 429 so far (across restarts),
    /// oldest first, read from its log.
    pub fn rate_limited(&self) -> Result<Vec<RateLimited>> {
        let log = self.dir.join(LOG_FILE);
        let text =
            std::fs::read_to_string(&log).with_context(|| format!("reading {}", log.display()))?;
        parse_rate_limited(&text)
    }

    /// The base URL of the client API, e.g. `http://127.0.0.1:38211`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The TCP port Synapse listens on (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server name in user and room ids: `localhost`, or `localhost:<port>` for
    /// a federating Synapse.
    pub fn server_name(&self) -> &str {
        &self.server_name
    }

    /// The directory holding the configuration, database and logs
    /// (`homeserver.log`, `synapse-output.log`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The full user id of `localpart` on this server: `@{localpart}:localhost` (or
    /// `@{localpart}:localhost:<port>` for a federating Synapse).
    pub fn user_id(&self, localpart: &str) -> String {
        format!("@{localpart}:{}", self.server_name)
    }

    /// Registers the account `localpart` with `password` (open registration,
    /// `m.login.dummy`), without logging in. An existing name is an error.
    pub async fn register(&self, localpart: &str, password: &str) -> Result<()> {
        let client = Client::builder()
            .homeserver_url(&self.url)
            .request_config(RequestConfig::short_retry())
            .build()
            .await
            .context("building a client to register with")?;

        let mut request = register::v3::Request::new();
        request.username = Some(localpart.to_owned());
        request.password = Some(password.to_owned());
        // Synapse accepts the dummy stage without a prior round trip for the
        // session id: it opens the session and completes it at once.
        request.auth = Some(uiaa::AuthData::Dummy(uiaa::Dummy::new()));
        request.inhibit_login = true;

        client
            .matrix_auth()
            .register(request)
            .await
            .with_context(|| format!("registering {localpart} on {}", self.url))?;
        Ok(())
    }

    async fn launch(
        dir: PathBuf,
        temp_dir: Option<TempDir>,
        limits: Limits,
        federation: Option<Federation>,
    ) -> Result<Synapse> {
        let started = Instant::now();
        let python = synapse_python().await?;
        let server_name = match &federation {
            Some(federation) => format!("localhost:{}", federation.port),
            None => SERVER_NAME.to_owned(),
        };
        generate_config(&python, &dir, &server_name).await?;
        if federation.is_some() {
            make_certificate(&python, &dir, &server_name).await?;
        }

        for attempt in 1..=PORT_ATTEMPTS {
            let port = free_port()?;
            match run(&python, &dir, port, limits, federation.as_ref()).await? {
                Launch::Up(child) => {
                    info!(
                        port,
                        dir = %dir.display(),
                        ?limits,
                        elapsed_ms = started.elapsed().as_millis(),
                        "Synapse is up"
                    );
                    return Ok(Synapse {
                        child: Some(child),
                        python,
                        limits,
                        dir,
                        _temp_dir: temp_dir,
                        port,
                        url: format!("http://127.0.0.1:{port}"),
                        server_name,
                        federation,
                    });
                }
                Launch::PortTaken => {
                    warn!(port, attempt, "port taken before Synapse could bind it");
                }
            }
        }
        Err(anyhow!(
            "Synapse found {PORT_ATTEMPTS} ports in a row already taken{}",
            log_tails(&dir)
        ))
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        // SIGKILL: a throwaway server needs no clean shutdown, and this runs
        // while a failed test unwinds too. Synapse is a single process (no
        // workers), so killing it leaves nothing behind.
        if let Some(child) = &mut self.child
            && let Err(error) = child.start_kill()
        {
            warn!(%error, port = self.port, "could not kill Synapse");
        }
    }
}

/// How one launch on one port ended.
enum Launch {
    Up(Child),
    /// Someone bound the port between [`free_port`] and Synapse: try another.
    PortTaken,
}

/// Returns the venv's Python, running `scripts/install-synapse.sh` first,
/// once per process. Synapse's own dependencies (`prometheus_client`) come with it.
pub async fn synapse_python() -> Result<PathBuf> {
    // The outcome is kept as a string because errors are not `Clone` and every
    // concurrent caller needs it.
    static INSTALLED: OnceCell<Result<PathBuf, String>> = OnceCell::const_new();
    INSTALLED
        .get_or_init(|| async { install().await.map_err(|error| format!("{error:#}")) })
        .await
        .clone()
        .map_err(anyhow::Error::msg)
}

async fn install() -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = std::env::var_os("ENTRAIDE_SYNAPSE_VENV")
        .map_or_else(|| root.join(".synapse-venv"), PathBuf::from);
    let script = root.join("scripts").join("install-synapse.sh");

    // The script checks the venv's version marker itself and returns at once
    // when it is there; calling it keeps the pinned version in one place.
    let output = tokio::process::Command::new("bash")
        .arg(&script)
        .env("ENTRAIDE_SYNAPSE_VENV", &venv)
        .output()
        .await
        .with_context(|| format!("running {}", script.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed ({}):\n{}",
            script.display(),
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), LOG_TAIL_LINES)
        );
    }
    Ok(venv.join("bin").join("python"))
}

/// Writes `homeserver.yaml`, the signing key and the secrets into `dir`,
/// unless an earlier start already did.
async fn generate_config(python: &Path, dir: &Path, server_name: &str) -> Result<()> {
    let config = dir.join(GENERATED_CONFIG);
    if config.exists() {
        return Ok(());
    }
    let output = tokio::process::Command::new(python)
        .args(["-m", "synapse.app.homeserver", "--server-name", server_name])
        .arg("--config-path")
        .arg(&config)
        .arg("--data-directory")
        .arg(dir)
        .args(["--generate-config", "--report-stats=no"])
        .current_dir(dir)
        .output()
        .await
        .context("running Synapse to generate its configuration")?;
    if !output.status.success() {
        bail!(
            "Synapse could not generate its configuration in {} ({}):\n{}\n{}",
            dir.display(),
            output.status,
            tail(&String::from_utf8_lossy(&output.stdout), LOG_TAIL_LINES),
            tail(&String::from_utf8_lossy(&output.stderr), LOG_TAIL_LINES),
        );
    }
    Ok(())
}

/// Writes the TLS certificate and key of the federating Synapse `server_name` into
/// `dir`, with the `cryptography` package Synapse installs.
async fn make_certificate(python: &Path, dir: &Path, server_name: &str) -> Result<()> {
    let output = tokio::process::Command::new(python)
        .arg("-c")
        .arg(MAKE_CERTIFICATE)
        .arg(dir.join(TLS_CERTIFICATE))
        .arg(dir.join(TLS_KEY))
        .arg(server_name)
        .output()
        .await
        .context("running Python to make Synapse's certificate")?;
    if !output.status.success() {
        bail!(
            "cannot make the certificate of {server_name} ({}):\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), LOG_TAIL_LINES),
        );
    }
    Ok(())
}

/// Launches Synapse on `port` and waits until it answers there (and on its
/// federation port, when federating).
async fn run(
    python: &Path,
    dir: &Path,
    port: u16,
    limits: Limits,
    federation: Option<&Federation>,
) -> Result<Launch> {
    write_overrides(dir, port, limits, federation)?;

    let log = dir.join(LOG_FILE);
    // In a kept directory the log grows across starts; only this start's part
    // tells whether this start is listening.
    let log_start = std::fs::metadata(&log).map_or(0, |meta| meta.len());
    let output = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(OUTPUT_FILE))
        .context("opening Synapse's output file")?;

    let mut child = tokio::process::Command::new(python)
        .arg("-c")
        .arg(LAUNCHER)
        .arg("--config-path")
        .arg(dir.join(GENERATED_CONFIG))
        .arg("--config-path")
        .arg(dir.join(OVERRIDES_CONFIG))
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(output.try_clone().context("sharing Synapse's output file")?)
        .stderr(output)
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .context("launching Synapse")?;

    let url = format!("http://127.0.0.1:{port}/_matrix/client/versions");
    let listening = format!("Synapse now listening on TCP port {port}");
    let federating = federation
        .map(|federation| format!("Synapse now listening on TCP port {} (TLS)", federation.port));
    let probe = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .context("building the HTTP client that probes Synapse")?;

    enum Outcome {
        Up,
        Exited(ExitStatus),
        Unknown(std::io::Error),
    }
    let outcome = wait_until(&format!("Synapse to answer {url}"), START_TIMEOUT, || {
        let exited = child.try_wait();
        let (probe, url, log, listening, federating) =
            (&probe, &url, &log, &listening, &federating);
        async move {
            match exited {
                Ok(Some(status)) => return Some(Outcome::Exited(status)),
                Err(error) => return Some(Outcome::Unknown(error)),
                Ok(None) => {}
            }
            // Another server that grabbed the port could answer too; the log
            // line proves the answer comes from this one.
            let said = log_since(log, log_start);
            let federates = federating.as_ref().is_none_or(|line| said.contains(line.as_str()));
            (answers_versions(probe, url).await && said.contains(listening) && federates)
                .then_some(Outcome::Up)
        }
    })
    .await;

    match outcome {
        Ok(Outcome::Up) => Ok(Launch::Up(child)),
        Ok(Outcome::Exited(status)) => {
            let log_text = log_since(&log, log_start);
            let output_text = std::fs::read_to_string(dir.join(OUTPUT_FILE)).unwrap_or_default();
            if [log_text, output_text].iter().any(|text| {
                text.contains(&format!("Failed to listen on TCP port ({port})"))
                    || text.contains("Address already in use")
            }) {
                return Ok(Launch::PortTaken);
            }
            bail!("Synapse exited with {status} before answering on port {port}{}", log_tails(dir))
        }
        Ok(Outcome::Unknown(error)) => {
            Err(anyhow!(error).context(format!("watching Synapse{}", log_tails(dir))))
        }
        Err(error) => Err(error.context(format!("Synapse did not start{}", log_tails(dir)))),
    }
}

/// Whether `url` answers 200 with a `versions` list.
async fn answers_versions(probe: &reqwest::Client, url: &str) -> bool {
    let Ok(response) = probe.get(url).send().await else {
        return false;
    };
    if !response.status().is_success() {
        return false;
    }
    let Ok(body) = response.bytes().await else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&body)
        .is_ok_and(|body| body.get("versions").is_some_and(serde_json::Value::is_array))
}

/// Writes our configuration on top of the generated one (Synapse merges
/// several `--config-path` files shallowly, later ones winning per top-level
/// key), and the logging configuration it points to. JSON is valid YAML.
/// Which rate limits are relaxed depends on `limits` (see [`Limits`]).
///
/// A federating Synapse also listens on its federation port in TLS, accepts
/// its peer's self-signed certificate, may reach loopback (Synapse refuses
/// private addresses for federation by default) and federates with its
/// whitelist only.
fn write_overrides(
    dir: &Path,
    port: u16,
    limits: Limits,
    federation: Option<&Federation>,
) -> Result<()> {
    let path = |name: &str| -> Result<String> {
        let path = dir.join(name);
        path.to_str().map(str::to_owned).with_context(|| format!("{} is not UTF-8", path.display()))
    };

    // Tests fire many requests at once; none of them should ever be refused.
    let unlimited = json!({ "per_second": 100_000, "burst_count": 1_000_000 });
    let mut overrides = json!({
        "listeners": [{
            "port": port,
            "bind_addresses": ["127.0.0.1"],
            "type": "http",
            "tls": false,
            "x_forwarded": false,
            "resources": [{ "names": ["client"], "compress": false }],
        }],
        "database": { "name": "sqlite3", "args": { "database": path("homeserver.db")? } },
        "media_store_path": path("media_store")?,
        "pid_file": path("homeserver.pid")?,
        "log_config": path(LOG_CONFIG)?,
        "enable_registration": true,
        "enable_registration_without_verification": true,
        "report_stats": false,
        "trusted_key_servers": [],
        "suppress_key_server_warning": true,
        "presence": { "enabled": false },
        // Relaxed whatever the limits: test setup, not what is measured (see
        // `Limits::Defaults`).
        "rc_registration": unlimited,
        "rc_registration_token_validity": unlimited,
        "rc_login": { "address": unlimited, "account": unlimited, "failed_attempts": unlimited },
    });
    if let Some(federation) = federation {
        let listener = json!({
            "port": federation.port,
            "bind_addresses": ["127.0.0.1"],
            "type": "http",
            "tls": true,
            "x_forwarded": false,
            "resources": [{ "names": ["federation"], "compress": false }],
        });
        if let Some(listeners) = overrides["listeners"].as_array_mut() {
            listeners.push(listener);
        }
        overrides["tls_certificate_path"] = json!(path(TLS_CERTIFICATE)?);
        overrides["tls_private_key_path"] = json!(path(TLS_KEY)?);
        overrides["federation_verify_certificates"] = json!(false);
        overrides["ip_range_whitelist"] = json!(["127.0.0.0/8", "::1/128"]);
        overrides["federation_domain_whitelist"] = json!(federation.whitelist);
        // Requests between the two are test setup and scenario, never to be slowed.
        overrides["rc_federation"] = json!({
            "window_size": 1000,
            "sleep_limit": 100_000,
            "sleep_delay": 0,
            "reject_limit": 100_000,
            "concurrent": 100_000,
        });
    }
    if limits == Limits::Relaxed {
        let joins = json!({ "local": unlimited, "remote": unlimited });
        let invites =
            json!({ "per_room": unlimited, "per_user": unlimited, "per_issuer": unlimited });
        let presence = json!({ "per_user": unlimited });
        let relaxed = [
            ("rc_message", &unlimited),
            ("rc_joins", &joins),
            ("rc_joins_per_room", &unlimited),
            ("rc_invites", &invites),
            ("rc_third_party_invite", &unlimited),
            ("rc_3pid_validation", &unlimited),
            ("rc_admin_redaction", &unlimited),
            ("rc_key_requests", &unlimited),
            ("rc_media_create", &unlimited),
            ("rc_presence", &presence),
            ("rc_delayed_event_mgmt", &unlimited),
            ("rc_room_creation", &unlimited),
            ("rc_reports", &unlimited),
            ("rc_user_directory", &unlimited),
            ("rc_profile", &unlimited),
        ];
        for (key, value) in relaxed {
            overrides[key] = value.clone();
        }
    }
    // Unbuffered, so that the "now listening" line and the last words of a
    // crash are on disk when we read them.
    let log_config = json!({
        "version": 1,
        "formatters": {
            "precise": {
                "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s",
            },
        },
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "formatter": "precise",
                "filename": path(LOG_FILE)?,
                "encoding": "utf8",
            },
        },
        "root": { "level": "INFO", "handlers": ["file"] },
        "disable_existing_loggers": false,
    });

    for (name, value) in [(OVERRIDES_CONFIG, overrides), (LOG_CONFIG, log_config)] {
        let text = serde_json::to_string_pretty(&value)?;
        std::fs::write(dir.join(name), text)
            .with_context(|| format!("writing {}", dir.join(name).display()))?;
    }
    Ok(())
}

/// A port that was free a moment ago and that this process has not handed
/// out before (concurrent tests must not pick the same one).
fn free_port() -> Result<u16> {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    for _ in 0..100 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .context("binding 127.0.0.1:0 to find a free port")?;
        let port = listener.local_addr()?.port();
        if HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner).insert(port) {
            return Ok(port);
        }
    }
    bail!("the system keeps handing out ports this process already used")
}

/// The 429s in Synapse's log. Each one is two lines sharing the request's
/// tag (`PUT-500`): the error, naming the limiter, then the access line,
/// naming the user. Tags restart with Synapse, hence the pairing of each error
/// with the next access line of its tag.
fn parse_rate_limited(log: &str) -> Result<Vec<RateLimited>> {
    // A tag is the method and a counter; anchoring on it keeps the logger's
    // name (`synapse.access.http.38395`) from passing for one.
    let error = Regex::new(
        r"- (?<tag>[A-Z]+-\d+) - <SynapseRequest at \S+ method='(?<method>[^']*)' uri='(?<uri>[^']*)'.*> SynapseError: 429 - .*\((?<limiter>[^()]+)\)$",
    )?;
    let access = Regex::new(
        r"- (?<tag>[A-Z]+-\d+) - .* - \{(?<user>[^}]*)\} Processed request: .* 429 \x22",
    )?;

    let mut pending: HashMap<String, RateLimited> = HashMap::new();
    let mut found = Vec::new();
    for line in log.lines() {
        if let Some(captures) = error.captures(line) {
            pending.insert(
                captures["tag"].to_owned(),
                RateLimited {
                    user: String::new(),
                    limiter: captures["limiter"].to_owned(),
                    method: captures["method"].to_owned(),
                    uri: captures["uri"].to_owned(),
                },
            );
        } else if let Some(captures) = access.captures(line)
            && let Some(mut refused) = pending.remove(&captures["tag"])
        {
            refused.user = captures["user"].to_owned();
            found.push(refused);
        }
    }
    Ok(found)
}

/// The part of the log written after byte `start`.
fn log_since(log: &Path, start: u64) -> String {
    let text = std::fs::read(log).unwrap_or_default();
    let start = usize::try_from(start).unwrap_or(usize::MAX).min(text.len());
    String::from_utf8_lossy(&text[start..]).into_owned()
}

/// The ends of Synapse's log and output, for error messages.
fn log_tails(dir: &Path) -> String {
    let mut tails = String::new();
    for name in [LOG_FILE, OUTPUT_FILE] {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let _ = write!(
            tails,
            "\n--- last lines of {} ---\n{}",
            path.display(),
            tail(&text, LOG_TAIL_LINES)
        );
    }
    tails
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as Synapse 1.163 writes them with the harness's log format.
    const LOG: &str = "\
2026-11-23 21:42:28,569 - synapse.http.server - 128 - INFO - POST-368 - <SynapseRequest at 0x7f0d method='POST' uri='/_matrix/client/v3/rooms/!abc/invite' clientproto='HTTP/1.1' site='38395'> SynapseError: 429 - Too Many Requests (rc_messages)
2026-11-23 21:42:28,571 - synapse.access.http.38395 - 643 - INFO - POST-368 - 127.0.0.1 - 38395 - {@coord:localhost} Processed request: 0.517sec/0.001sec ru=(0.005sec, 0.000sec) db=(0.004sec/0.005sec/16) 80B 429 \"POST /_matrix/client/v3/rooms/!abc/invite HTTP/1.1\" \"matrix-rust-sdk\" [0 dbevts]
2026-11-23 21:42:29,000 - synapse.access.http.38395 - 643 - INFO - PUT-369 - 127.0.0.1 - 38395 - {@bot:localhost} Processed request: 0.010sec/0.001sec ru=(0.005sec, 0.000sec) db=(0.004sec/0.005sec/16) 80B 200 \"PUT /_matrix/client/v3/rooms/!abc/send/m.room.message/t1 HTTP/1.1\" \"matrix-rust-sdk\" [0 dbevts]
2026-11-23 21:42:35,704 - synapse.http.server - 128 - INFO - PUT-500 - <SynapseRequest at 0x7f0e method='PUT' uri='/_matrix/client/v3/rooms/!abc/send/m.room.encrypted/b32b?x=1' clientproto='HTTP/1.1' site='38395'> SynapseError: 429 - Too Many Requests (rc_messages)
2026-11-23 21:42:35,705 - synapse.access.http.38395 - 643 - INFO - PUT-500 - 127.0.0.1 - 38395 - {@bot:localhost} Processed request: 0.667sec/0.000sec ru=(0.007sec, 0.001sec) db=(0.092sec/0.023sec/11) 80B 429 \"PUT /_matrix/client/v3/rooms/!abc/send/m.room.encrypted/b32b?x=1 HTTP/1.1\" \"matrix-rust-sdk\" [0 dbevts]
";

    #[test]
    fn test_rate_limited_requests_are_read_from_the_log() -> Result<()> {
        let found = parse_rate_limited(LOG)?;
        let summary: Vec<(&str, &str, String)> =
            found.iter().map(|r| (r.user.as_str(), r.limiter.as_str(), r.endpoint())).collect();
        assert_eq!(
            summary,
            [
                (
                    "@coord:localhost",
                    "rc_messages",
                    "POST /_matrix/client/v3/rooms/…/invite".to_owned()
                ),
                (
                    "@bot:localhost",
                    "rc_messages",
                    "PUT /_matrix/client/v3/rooms/…/send/m.room.encrypted/…".to_owned()
                ),
            ]
        );
        Ok(())
    }
}
