//! The Matrix session: logging in, and keeping the same device across restarts, with
//! retries while the homeserver cannot be reached.

use std::time::Duration;

use anyhow::Context as _;
use matrix_sdk::{Client, authentication::matrix::MatrixSession, store::RoomLoadSettings};
use tracing::{info, warn};

use crate::config::Config;

/// Longest wait between two tries to reach the homeserver.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Builds the client on its on-disk store and logs in, or restores the saved session so
/// that the bot keeps the same device (and its encryption keys) across restarts.
pub async fn connect(config: &Config) -> anyhow::Result<Client> {
    let session_file = config.data_dir.join("session.json");
    let mut backoff = Duration::from_secs(1);
    loop {
        let client = Client::builder()
            .homeserver_url(&config.homeserver)
            .sqlite_store(config.data_dir.join("matrix"), None)
            .build()
            .await
            .context("cannot open the Matrix store")?;
        let attempt = if session_file.exists() {
            restore(&client, &session_file).await
        } else {
            login(&client, config, &session_file).await
        };
        match attempt {
            Ok(()) => return Ok(client),
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

async fn login(
    client: &Client,
    config: &Config,
    session_file: &std::path::Path,
) -> Result<(), Attempt> {
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
    std::fs::write(session_file, json)
        .with_context(|| format!("cannot save the session to {}", session_file.display()))
        .map_err(Attempt::Fatal)?;
    info!(device = %session.meta.device_id, "logged in with a new device");
    Ok(())
}

async fn restore(client: &Client, session_file: &std::path::Path) -> Result<(), Attempt> {
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
