//! entraide: a Matrix bot that runs a commune's neighbourhood mutual-aid scheme.
//!
//! # Layout
//!
//! - [`config`]: the TOML configuration, typed and checked at start.
//! - `session`: logging in (and keeping the same device across restarts).
//! - `sync`: the sync loop, with no pause after a quick sync, and the catch-up on a
//!   limited timeline after a stop.
//! - `matrix`: the bot's own rooms, private rooms, and sending notices (replies, threads,
//!   edits).
//! - `handlers`: Matrix event handlers; they drop the bot's own events, notices and edits,
//!   and queue the rest as jobs (`job`) for the worker.
//! - `worker`: one job at a time: parse ([`entraide_commands`]), build the command's
//!   context, run it; a failure becomes a reply (`failure`, a pure function). Decisions
//!   are serialised here; nothing here waits for the homeserver.
//! - `cmd`: one file per command, each with its `apply`, which decides from the
//!   `scheme` alone: one store transition ([`entraide_storage`]), journalled with the
//!   effects it owes (the answer included); unit-tested without a homeserver.
//! - `effects`: what transitions owe on Matrix (relay, edits, private room, telling the
//!   requester), planned, dispatched by request and room, carried out idempotently with
//!   retries, resumed at start.
//! - `followup`: reminders, escalations, expiry and nudges for requests that wait, by the
//!   bot's [`Clock`].
//! - `invite`: accepting or declining invitations.
//! - `scheme`: what commands decide from (configuration, texts, charter, store, room ids,
//!   the one [`Clock`], the outbox), and the helpers every command uses.
//! - `bot`: the `Scheme` and the live Matrix client, for effects.
//! - `charter`: the volunteers' charter and its version.
//! - `campaign`: check-in campaigns over the alert register as decisions (who calls
//!   whom, the lists, the alerts, the board, the report).
//! - [`sheets`]: spreadsheets in and out of the alert register (import, the préfet's
//!   export).
//! - [`report`]: the commune's figures as a notice, a chart, a table and a summary.
//! - `http`, [`vitals`]: the operators' listener, `/healthz` and `/metrics`.
//! - `lease`: one bot per account (a lease in the account's data on the homeserver).
//! - [`check`]: `entraide verifier`, the configuration checked before a start.
//! - [`backup`]: `entraide sauvegarder` and `restaurer`, one archive of the data
//!   directory, made by the running bot on a socket in it.
//! - [`run()`]: starts everything and stops cleanly when `shutdown` resolves.

pub mod backup;
mod bot;
mod campaign;
mod charter;
pub mod check;
mod clock;
mod cmd;
pub mod compact;
pub mod config;
mod coordination;
mod echo;
mod effects;
mod failure;
mod family;
mod followup;
mod handlers;
mod http;
mod invite;
mod job;
mod lease;
mod matrix;
mod outbox;
mod pace;
mod plan;
mod powers;
pub mod register;
pub mod report;
mod retry;
mod scheme;
mod session;
pub mod sheets;
mod spares;
mod sync;
pub mod vitals;
mod worker;

use std::{future::Future, sync::Arc};

use anyhow::Context as _;
use entraide_commands::Catalogue;
use entraide_storage::Store;
use tokio::sync::{mpsc, oneshot};
use tracing::{error, info, warn};

use crate::{
    bot::Bot,
    effects::run,
    job::{Inbox, Job},
    outbox::Outbox,
    scheme::Scheme,
    sync::Syncer,
};
pub use crate::{clock::Clock, config::Config};

/// Runs the bot until `shutdown` resolves, then stops syncing, finishes the jobs already
/// queued and flushes the store.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    // A bad override stops the bot before it touches anything.
    let texts = load_texts(&config)?;
    let store = open_store(&config)?;
    serve(config, texts, store, Arc::new(Clock::system()), shutdown).await
}

/// Opens the store in the configured data directory.
pub fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!("cannot create the data directory {}", config.data_dir.display())
    })?;
    compact::recover(&config.data_dir)?;
    let path = config.data_dir.join("store");
    let store = Store::open(&path).map_err(|error| {
        // sled locks the store: a second bot on the same data directory stops here.
        if format!("{error:?}").contains("acquire lock") {
            anyhow::anyhow!(
                "another entraide already runs on the data directory {} (its store is \
                 locked): stop it first, or give this one a data directory of its own",
                config.data_dir.display()
            )
        } else {
            anyhow::Error::new(error).context("cannot open the store")
        }
    })?;
    // Once the store is ours: a backup under way is another bot's, never ours to clean.
    backup::check_data_dir(&config.data_dir)?;
    Ok(store)
}

/// The bot's texts: the built-in ones with the commune's overrides (`messages`), checked.
pub fn load_texts(config: &Config) -> anyhow::Result<Catalogue> {
    let texts = Catalogue::builtin().context("the built-in texts are broken")?;
    let Some(path) = &config.messages else {
        return Ok(texts);
    };
    let overrides = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the commune's texts {}", path.display()))?;
    texts
        .with_overrides(&overrides)
        .with_context(|| format!("the commune's texts in {}", path.display()))
}

/// [`run()`] on a store opened by the caller (tests read it while the bot runs).
pub async fn run_with_store(
    config: Config,
    store: Store,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    run_with(config, store, Arc::new(Clock::system()), shutdown).await
}

/// [`run_with_store`] by a clock of the caller's (tests move it to reach deadlines).
pub async fn run_with(
    config: Config,
    store: Store,
    clock: Arc<Clock>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let texts = load_texts(&config)?;
    serve(config, texts, store, clock, shutdown).await
}

async fn serve(
    config: Config,
    texts: Catalogue,
    store: Store,
    clock: Arc<Clock>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    tokio::pin!(shutdown);
    matrix::quiet_rotation_panics();
    let started_ms = clock.wall_ms();
    // A charter that cannot be read stops the bot before it connects.
    let charter = charter::Charter::load(config.charter.as_deref())?;
    // The operators' listener answers from now on (503 until the first sync); a task set
    // stops it whatever way this function returns.
    let vitals = Arc::new(vitals::Vitals::default());
    let mut background = tokio::task::JoinSet::new();
    if let Some(address) = config.http.listen {
        let listener = http::Listener::bind(address).await?;
        let stale_after = config.http.stale_after;
        background.spawn(listener.serve(vitals.clone(), store.clone(), clock.clone(), stale_after));
    }

    let connected = tokio::select! {
        client = session::connect(&config) => Some(client?),
        () = &mut shutdown => None,
    };
    let Some(client) = connected else {
        info!("stopped before connecting");
        return Ok(());
    };
    let user_id = client.user_id().context("logged in without a user id")?.to_owned();
    // One bot per account: a copy of this data directory running elsewhere stops us here.
    let lease = lease::Lease::new(client.clone(), &config.data_dir);
    tokio::select! {
        taken = lease.take() => taken?,
        () = &mut shutdown => {
            info!("stopped before taking this account's lease");
            return Ok(());
        }
    }
    let (stop_lease, lease_stops) = oneshot::channel();
    let mut keeper = tokio::spawn(lease.clone().keep(lease_stops));
    // An early return below (a room that cannot be set up) must not leave it renewing.
    let _keeper_stops = lease::AbortOnDrop(keeper.abort_handle());
    let mut lease_ended = None;
    let rooms = matrix::setup_rooms(&client, &config, &texts, &store).await?;
    // Rooms served before join times were recorded (by an older entraide): from now on.
    for room in store.rooms_where(|_| true)? {
        store.record_joined(&room, started_ms.saturating_sub(clock::CLOCK_SKEW_MS)).await?;
    }

    let (jobs, queue) = mpsc::unbounded_channel::<Job>();
    let (stop_worker, worker_stops) = oneshot::channel();
    let (outbox, owed) = Outbox::new();
    let (stop_effects, effects_stop) = oneshot::channel();
    let (stop_watch, watch_stops) = oneshot::channel();
    let (stop_spares, spares_stop) = oneshot::channel();
    let (resumed, worker_starts) = oneshot::channel();
    let scheme =
        Scheme { config, texts, charter, store: store.clone(), rooms, started_ms, outbox, clock };
    let bot = Arc::new(Bot {
        scheme,
        client: client.clone(),
        sending: Default::default(),
        spare_taken: Default::default(),
        urgency: Default::default(),
        echoes: Default::default(),
        pace: Default::default(),
        register_looked: Default::default(),
        writes: Default::default(),
    });
    // Handlers are in place before the first sync, which brings what people wrote while
    // the bot was stopped.
    let inbox = Inbox::default();
    let mut handles = handlers::register(
        &client,
        user_id.clone(),
        inbox.clone(),
        bot.echoes.clone(),
        bot.pace.clone(),
    );
    handles.push(coordination::watch(&client, bot.clone()));
    let worker = tokio::spawn(worker::work(bot.clone(), queue, worker_stops, worker_starts));
    // `entraide sauvegarder` asks the bot for its archive on a socket in its data directory.
    match backup::Control::bind(&bot.config.data_dir) {
        Ok(control) => {
            background.spawn(control.serve(bot.clone(), jobs.clone()));
        }
        Err(error) => {
            warn!(error = %format!("{error:#}"), "no backup socket: back up with the bot stopped")
        }
    }
    let mut syncer = Syncer::new(
        client.clone(),
        store.clone(),
        user_id.clone(),
        inbox,
        jobs.clone(),
        started_ms,
        bot.clock.clone(),
    )
    .telling(vitals.clone());
    let synced = tokio::select! {
        token = syncer.first() => Some(token),
        () = &mut shutdown => None,
    };
    // After the first sync, which brings the rooms made before a stop: effects resume.
    let effects = synced
        .is_some()
        .then(|| tokio::spawn(run::dispatch(bot.clone(), owed, effects_stop, resumed)));
    // Deadlines that passed while the bot was stopped fire now.
    let watcher = synced
        .is_some()
        .then(|| tokio::spawn(followup::watch(bot.clone(), jobs.clone(), watch_stops)));
    let spares = synced.is_some().then(|| tokio::spawn(spares::keep(bot.clone(), spares_stop)));
    if let Some(token) = synced {
        handlers::queue_pending_invites(&client, &jobs).await;
        powers::tell_at_start(&bot).await;
        coordination::tell_at_start(&bot).await;
        cmd::tell_new_version(&bot).await;
        info!(user = %user_id, "entraide is running");
        vitals.serving();
        tokio::select! {
            () = syncer.forever(token) => warn!("sync ended"),
            () = &mut shutdown => info!("shutting down"),
            ended = &mut keeper => {
                error!("another entraide took over this account: stopping this one");
                lease_ended = Some(ended);
            }
        }
    }
    for handle in handles {
        client.remove_event_handler(handle);
    }
    let _ = stop_watch.send(());
    let _ = stop_spares.send(());
    if let Some(spares) = spares
        && let Err(error) = spares.await
    {
        warn!(%error, "the spare rooms' keeper ended abnormally");
    }
    if let Some(watcher) = watcher
        && let Err(error) = watcher.await
    {
        warn!(%error, "the follow-up watcher ended abnormally");
    }
    // The worker finishes the jobs already queued, then ends.
    let _ = stop_worker.send(());
    drop(jobs);
    if let Err(error) = worker.await {
        warn!(%error, "the worker ended abnormally");
    }
    // Effects under way get a moment; the others wait in the journal.
    let _ = stop_effects.send(());
    if let Some(effects) = effects
        && let Err(error) = effects.await
    {
        warn!(%error, "the effects ended abnormally");
    }
    store.flush().await.context("cannot flush the store")?;
    background.abort_all();
    // The keeper ends between two renewals: nothing it sent lands after the lease is given
    // back.
    let ended = match lease_ended {
        Some(ended) => ended,
        None => {
            let _ = stop_lease.send(());
            keeper.await
        }
    };
    match ended {
        Ok(lease::Ended::Stopped) => lease.give_back().await,
        Ok(lease::Ended::Taken(holder)) => {
            info!("stopped");
            anyhow::bail!(
                "another entraide took over this account (on {}, data directory {}): two \
                 bots must never run with one account",
                holder.host,
                holder.data_dir
            );
        }
        Err(error) => warn!(%error, "the lease keeper ended abnormally"),
    }
    info!("stopped");
    Ok(())
}
