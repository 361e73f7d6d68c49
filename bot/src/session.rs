//! The Matrix session: logging in, and keeping the same device across restarts, with
//! retries while the homeserver cannot be reached; the data directory and the session
//! file readable by the bot's user only, the Matrix store encrypted with the configured
//! passphrase, and the bot's device cross-signed by its own identity.

use std::{path::Path, time::Duration};

use anyhow::Context as _;
use matrix_sdk::{
    Client,
    authentication::matrix::MatrixSession,
    ruma::api::client::uiaa::{self, AuthData, MatrixUserIdentifier, UserIdentifier},
    store::RoomLoadSettings,
};
use tracing::{info, warn};

use crate::config::{Config, Password};

/// Longest wait between two tries to reach the homeserver.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Builds the client on its on-disk store and logs in, or restores the saved session so
/// that the bot keeps the same device (and its encryption keys) across restarts.
pub async fn connect(config: &Config) -> anyhow::Result<Client> {
    let session_file = config.data_dir.join("session.json");
    private_dir(&config.data_dir)?;
    let passphrase = config.store_passphrase.as_ref().map(Password::expose);
    if passphrase.is_none() {
        warn!(
            "no store_passphrase: the Matrix store (session and encryption keys) is not encrypted at rest"
        );
    }
    let mut backoff = Duration::from_secs(1);
    loop {
        let client = Client::builder()
            .homeserver_url(&config.homeserver)
            .sqlite_store(config.data_dir.join("matrix"), passphrase)
            .build()
            .await
            .context(
                "cannot open the Matrix store (a store made without a passphrase cannot be \
                 opened with one, nor the other way round)",
            )?;
        let attempt = if session_file.exists() {
            restore(&client, &session_file).await
        } else {
            login(&client, config, &session_file).await
        };
        match attempt {
            Ok(()) => {
                cross_sign(&client, config).await?;
                return Ok(client);
            }
            Err(Attempt::Fatal(error)) => return Err(error),
            Err(Attempt::Retry(error)) => {
                warn!(homeserver = %config.homeserver, error = %error, retry_in = ?backoff, "cannot reach the homeserver");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

enum Attempt {
    Fatal(anyhow::Error),
    Retry(anyhow::Error),
}

/// The server answered: retrying the same thing will not help. No answer: it may.
fn classify(error: matrix_sdk::Error, what: &str) -> Attempt {
    if error.client_api_error_kind().is_some() {
        Attempt::Fatal(anyhow::Error::new(error).context(what.to_owned()))
    } else {
        Attempt::Retry(anyhow::Error::new(error))
    }
}

async fn login(client: &Client, config: &Config, session_file: &Path) -> Result<(), Attempt> {
    client
        .matrix_auth()
        .login_username(&config.user_id, config.password.expose())
        .initial_device_display_name(&config.device_name)
        .await
        .map_err(|error| {
            classify(
                error,
                &format!("cannot log in as {} (wrong user id or password?)", config.user_id),
            )
        })?;
    let session = client
        .matrix_auth()
        .session()
        .ok_or_else(|| Attempt::Fatal(anyhow::anyhow!("logged in but no session to save")))?;
    let json = serde_json::to_vec(&session).map_err(|e| Attempt::Fatal(e.into()))?;
    write_private(session_file, &json)
        .with_context(|| format!("cannot save the session to {}", session_file.display()))
        .map_err(Attempt::Fatal)?;
    info!(device = %session.meta.device_id, "logged in with a new device");
    Ok(())
}

async fn restore(client: &Client, session_file: &Path) -> Result<(), Attempt> {
    // Saved by an older entraide with default permissions: readable by the bot only now.
    set_mode(session_file, 0o600).map_err(Attempt::Fatal)?;
    let json = std::fs::read(session_file)
        .with_context(|| format!("cannot read {}", session_file.display()))
        .map_err(Attempt::Fatal)?;
    let session: MatrixSession = serde_json::from_slice(&json)
        .with_context(|| format!("{} is not a saved session", session_file.display()))
        .map_err(Attempt::Fatal)?;
    let device = session.meta.device_id.clone();
    client
        .matrix_auth()
        .restore_session(session, RoomLoadSettings::default())
        .await
        .map_err(|error| classify(error, "cannot restore the saved session"))?;
    // The token may have been revoked: ask the server who we are before going on.
    client.whoami().await.map_err(|error| {
        if error.client_api_error_kind().is_some() {
            Attempt::Fatal(anyhow::anyhow!(
                "the saved session in {} is no longer valid ({error}); remove that file to log in again",
                session_file.display()
            ))
        } else {
            Attempt::Retry(anyhow::Error::new(error))
        }
    })?;
    info!(%device, "restored the saved session");
    Ok(())
}

/// Sets up cross-signing for the bot's device unless its identity's keys are already
/// here: Element then shows no warning on its messages, and people who exclude insecure
/// devices can still read it. The bot is the only user of its account, so an identity
/// whose private keys are elsewhere (a lost data directory) is replaced. The homeserver
/// asks for the password (user-interactive authentication).
async fn cross_sign(client: &Client, config: &Config) -> anyhow::Result<()> {
    let encryption = client.encryption();
    if encryption.cross_signing_status().await.is_some_and(|status| status.is_complete()) {
        return Ok(());
    }
    let Err(error) = encryption.bootstrap_cross_signing(None).await else {
        info!("cross-signing set up");
        return Ok(());
    };
    let Some(response) = error.as_uiaa_response() else {
        return Err(error).context("cannot set up cross-signing");
    };
    let user = UserIdentifier::Matrix(MatrixUserIdentifier::new(config.user_id.to_string()));
    let mut password = uiaa::Password::new(user, config.password.expose().to_owned());
    password.session = response.session.clone();
    encryption
        .bootstrap_cross_signing(Some(AuthData::Password(password)))
        .await
        .context("cannot set up cross-signing (the homeserver refused the password?)")?;
    info!("cross-signing set up: the bot's device is signed by its own identity");
    Ok(())
}

/// Creates `dir` if needed, readable by the bot's user only: it holds the store, the
/// session and the encryption keys.
fn private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    set_mode(dir, 0o700)
}

/// Writes `bytes` to a new file readable by the bot's user only.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.sync_all()?;
    set_mode(path, 0o600)
}

/// Sets a file's or directory's permission bits (Unix only; elsewhere, nothing).
fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot restrict the permissions of {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}
