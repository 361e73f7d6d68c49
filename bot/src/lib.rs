//! entraide: a Matrix bot that runs a commune's neighbourhood mutual-aid scheme.
//!
//! # Layout
//!
//! - [`config`]: the TOML configuration, checked at start.
//! - `matrix`: logging in (and keeping the same device across restarts), the bot's own
//!   rooms, sending notices, creating private rooms.
//! - `handlers`: Matrix event handlers; they drop what the bot must ignore and queue the
//!   rest as [`Job`]s.
//! - `flow`: one job at a time: parse ([`entraide_commands`]), check the rules, run one
//!   store transition ([`entraide_storage`]), then the effects on Matrix.
//! - [`run`]: starts everything and stops cleanly when `shutdown` resolves.

pub mod config;
mod flow;
mod handlers;
mod matrix;

use std::{future::Future, sync::Arc};

use anyhow::Context as _;
use entraide_storage::Store;
use tokio::sync::mpsc;
use tracing::{info, warn};

pub use crate::config::Config;
use crate::{flow::Bot, handlers::Job};

/// Runs the bot until `shutdown` resolves, then stops syncing, finishes the jobs already
/// queued and flushes the store.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    let store = open_store(&config)?;
    run_with_store(config, store, shutdown).await
}

/// Opens the store in the configured data directory.
pub fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!("cannot create the data directory {}", config.data_dir.display())
    })?;
    Store::open(&config.data_dir.join("store")).context("cannot open the store")
}

/// [`run`] on a store opened by the caller (tests read it while the bot runs).
pub async fn run_with_store(
    config: Config,
    store: Store,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    tokio::pin!(shutdown);
    // Events older than this are backlog: the bot answers nothing from before it started.
    let started = chrono::Utc::now();

    let connected = tokio::select! {
        client = matrix::connect(&config) => Some(client?),
        () = &mut shutdown => None,
    };
    let Some(client) = connected else {
        info!("stopped before connecting");
        return Ok(());
    };
    let rooms = matrix::setup_rooms(&client, &config, &store).await?;

    let (jobs, queue) = mpsc::channel::<Job>(1024);
    let bot = Arc::new(Bot::new(client.clone(), config, store.clone(), rooms, started)?);
    // Handlers are in place before the first sync, so that what people wrote while the
    // bot was starting is answered.
    let handles = handlers::register(&client, bot.clone(), jobs.clone());
    let worker = tokio::spawn(flow::work(bot.clone(), queue));
    let synced = tokio::select! {
        token = matrix::first_sync(&client) => Some(token),
        () = &mut shutdown => None,
    };
    if let Some(token) = synced {
        bot.recover().await;
        handlers::queue_pending_invites(&client, &jobs).await;
        info!(user = %bot.user_id, "entraide is running");
        tokio::select! {
            () = matrix::sync_forever(&client, token) => warn!("sync ended"),
            () = &mut shutdown => info!("shutting down"),
        }
    }
    // Handlers hold the queue's sender: removing them closes the queue once the events
    // already queued are handled.
    for handle in handles {
        client.remove_event_handler(handle);
    }
    drop(jobs);
    drop(bot);
    if let Err(error) = worker.await {
        warn!(%error, "the worker ended abnormally");
    }
    store.flush().await.context("cannot flush the store")?;
    info!("stopped");
    Ok(())
}
