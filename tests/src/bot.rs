//! The bot under test, run in this process on a real Synapse.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::{Context as _, Result};
use entraide::{Clock, Config, config::Password};
use entraide_commands::Lang;
use entraide_storage::Store;
use matrix_sdk::ruma::UserId;
use tokio::{sync::oneshot, task::JoinHandle};

use crate::{Synapse, unique_suffix};

/// The password of every account the harness registers.
pub const PASSWORD: &str = "entraide-test-password";

/// A running bot; [`RunningBot::stop`] shuts it down as SIGTERM would.
#[derive(Debug)]
pub struct RunningBot {
    /// The bot's store, shared with the running bot.
    pub store: Store,
    /// The configuration it runs with.
    pub config: Config,
    /// The bot's clock: tests move it forward to reach deadlines.
    pub clock: Arc<Clock>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<()>>,
}

/// A configuration for a new bot account on `synapse`, with its data in `data_dir`.
pub async fn register_bot(
    synapse: &Synapse,
    data_dir: &Path,
    coordinators: &[&str],
) -> Result<Config> {
    let localpart = format!("entraide_{}", unique_suffix());
    synapse.register(&localpart, PASSWORD).await?;
    config_for(synapse, &localpart, PASSWORD, data_dir, coordinators)
}

/// A configuration for the bot account `localpart` on `synapse`.
pub fn config_for(
    synapse: &Synapse,
    localpart: &str,
    password: &str,
    data_dir: &Path,
    coordinators: &[&str],
) -> Result<Config> {
    let mut config = config_for_homeserver(synapse.url(), &synapse.user_id(localpart), data_dir)?;
    config.password = Password::new(password);
    config.store_passphrase = Some(Password::new(format!("{password}-store")));
    config.coordinators =
        coordinators.iter().map(|c| UserId::parse(*c)).collect::<Result<_, _>>()?;
    Ok(config)
}

/// A configuration for the bot `user_id` on the homeserver at `url`, with one coordinator
/// (`@coord:localhost`) and the harness's password: for a bot that needs no Synapse of
/// the harness (one that cannot reach its homeserver).
pub fn config_for_homeserver(url: &str, user_id: &str, data_dir: &Path) -> Result<Config> {
    let password = "entraide-harness";
    Ok(Config {
        homeserver: url.parse()?,
        user_id: user_id.try_into()?,
        password: Password::new(password),
        store_passphrase: Some(Password::new(format!("{password}-store"))),
        device_name: "entraide".to_owned(),
        data_dir: PathBuf::from(data_dir),
        encrypt_rooms: true,
        spare_rooms: 2,
        remove_requests: true,
        community: "Saint-Martin".to_owned(),
        language: Lang::Fr,
        timezone: entraide::config::Tz::Europe__Paris,
        messages: None,
        charter: None,
        coordinators: vec![UserId::parse("@coord:localhost")?],
        volunteers_room: None,
        coordination_room: None,
        neighbourhoods: Vec::new(),
        contact: None,
        follow_up: entraide::config::FollowUp::default(),
        campaign: entraide::config::CampaignConfig::default(),
        controller: None,
        retention: entraide::config::Retention::default(),
        // Scenarios where one person posts many requests (a downtime backlog, the crash
        // loop, the benchmark's burst) test other things; `tests/tests/desk.rs` runs the
        // real defaults.
        limits: entraide::config::Limits { open_requests: 1_000, requests_per_day: 1_000 },
        figures: entraide::config::FiguresConfig::default(),
        http: entraide::config::HttpConfig::default(),
        log_format: entraide::config::LogFormat::Text,
    })
}

impl RunningBot {
    /// Starts the bot on `store` (open it once with [`entraide::open_store`] and pass
    /// clones across restarts: sled allows one opening per process).
    pub fn start(config: Config, store: Store) -> RunningBot {
        RunningBot::start_by(config, store, Arc::new(Clock::system()))
    }

    /// [`RunningBot::start`] by `clock` (pass the previous run's to keep its time).
    pub fn start_by(config: Config, store: Store, clock: Arc<Clock>) -> RunningBot {
        let (stop, stopped) = oneshot::channel::<()>();
        let run = entraide::run_with(config.clone(), store.clone(), clock.clone(), async move {
            let _ = stopped.await;
        });
        RunningBot { store, config, clock, stop: Some(stop), task: tokio::spawn(run) }
    }

    /// Asks the bot to stop and waits until it has; fails if it had failed.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.context("the bot task panicked")?
    }

    /// Whether the bot task ended (it only ends on stop or on a fatal error).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for RunningBot {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
