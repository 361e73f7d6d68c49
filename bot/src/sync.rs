//! The sync loop. It long-polls again as soon as a sync returns (matrix-sdk's own loop
//! pauses a second after a quick sync) and pauses only after an error.
//!
//! Nothing that reached the bot's rooms is missed, across stops and crashes: the
//! client's store moves its sync position as soon as a sync returns, before the worker
//! has handled what it brought, so the point the bot catches up from is recorded by the
//! worker itself, once it has handled a sync's jobs ([`Job::Synced`]). At start, every
//! room's history is fetched back to that point, and handed to the worker, oldest first,
//! before what the first sync brought. After that, each event goes to the worker as the
//! sync brings it (matrix-sdk's outgoing encryption requests, which end a sync, are not
//! waited for); a room whose timeline the homeserver cut short ("limited") is fetched
//! back to the last sync and its older events follow. Handled event ids keep any overlap
//! from being handled twice.

use std::{collections::HashSet, sync::Arc, time::Duration};

use entraide_storage::Store;
use matrix_sdk::{
    Client,
    config::SyncSettings,
    room::MessagesOptions,
    ruma::{
        OwnedEventId, OwnedUserId, RoomId,
        api::client::filter::FilterDefinition,
        events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent},
        uint,
    },
    sync::SyncResponse,
};
use tracing::{debug, info, warn};

use crate::{
    clock::Clock,
    handlers::{message_job, reaction_job},
    job::{Inbox, Job, Jobs},
    vitals::Vitals,
};

/// Longest wait between two tries after a failed sync.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long the homeserver may hold a sync open when nothing happens.
const LONG_POLL: Duration = Duration::from_secs(30);
/// At most this many pages of history are fetched for one room after a limited sync.
const MAX_PAGES: usize = 50;

/// How many events of a room a sync brings at most: more than the homeserver's default
/// (ten), so that a burst (many residents asking at once) comes in one sync rather than
/// through the history.
const TIMELINE: u32 = 100;

/// The sync's settings, with its filter: no typing notices, read receipts or presence,
/// which the bot never reads and which would wake it each time someone types.
fn settings() -> SyncSettings {
    let mut filter = FilterDefinition::default();
    filter.room.timeline.limit = Some(TIMELINE.into());
    filter.room.ephemeral.types = Some(Vec::new());
    filter.presence.types = Some(Vec::new());
    SyncSettings::default().filter(filter.into())
}

/// Syncs and hands what arrived to the worker.
#[derive(Debug)]
pub struct Syncer {
    client: Client,
    store: Store,
    own: OwnedUserId,
    inbox: Inbox,
    jobs: Jobs,
    /// When the last sync ended (ms since the epoch), from the store at start.
    synced_at: u64,
    /// Where history is never fetched past (ms): the bot's start, for rooms it joined
    /// before join times were recorded.
    started_ms: u64,
    /// The bot's clock (its wall time: sync ends are compared with event times).
    clock: Arc<Clock>,
    /// Told of each sync that ends well (for `/healthz`).
    vitals: Arc<Vitals>,
}

impl Syncer {
    /// A syncer for the handlers' `inbox`, handing jobs to `jobs`.
    pub fn new(
        client: Client,
        store: Store,
        own: OwnedUserId,
        inbox: Inbox,
        jobs: Jobs,
        started_ms: u64,
        clock: Arc<Clock>,
    ) -> Syncer {
        let synced_at = store.synced_at().ok().flatten().unwrap_or(0);
        let vitals = Arc::default();
        Syncer { client, store, own, inbox, jobs, synced_at, started_ms, clock, vitals }
    }

    /// The same, telling `vitals` of each sync that ends well.
    pub fn telling(self, vitals: Arc<Vitals>) -> Syncer {
        Syncer { vitals, ..self }
    }

    /// Syncs once from where the client's store left off, without waiting for news
    /// (retrying with backoff until it works), catches up on every room, hands the jobs
    /// over, and returns the token to go on from.
    pub async fn first(&mut self) -> String {
        self.sync(settings().timeout(Duration::ZERO), true).await
    }

    /// Syncs until the future is dropped.
    pub async fn forever(mut self, mut token: String) {
        loop {
            let settings = settings().token(token).timeout(LONG_POLL);
            token = self.sync(settings, false).await;
        }
    }

    async fn sync(&mut self, settings: SyncSettings, first: bool) -> String {
        let mut backoff = Duration::from_secs(1);
        loop {
            match self.client.sync_once(settings.clone()).await {
                Ok(response) => {
                    let ended = self.clock.wall_ms();
                    self.vitals.synced(ended);
                    let mut jobs = match first {
                        true => {
                            let mut jobs = self.catch_up_all(&response).await;
                            let mut seen: HashSet<OwnedEventId> =
                                jobs.iter().filter_map(Job::event).cloned().collect();
                            let news = self.inbox.pass_on(&self.jobs);
                            jobs.extend(news.into_iter().filter(|job| match job.event() {
                                Some(event) => seen.insert(event.clone()),
                                None => true,
                            }));
                            jobs
                        }
                        // The sync's own events went to the worker as they came; the
                        // history a limited timeline left out follows them (handled ids
                        // keep the overlap from being handled twice).
                        false => self.catch_up(&response).await,
                    };
                    jobs.push(Job::Synced { at: ended });
                    for job in jobs {
                        if self.jobs.send(job).is_err() {
                            debug!("the bot is stopping: event left unhandled");
                        }
                    }
                    self.synced_at = ended;
                    return response.next_batch;
                }
                Err(error) => {
                    warn!(%error, retry_in = ?backoff, "sync failed");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// The jobs of every room's history back to the point the worker had handled
    /// everything before (a crash may have cut it short after the client's store moved
    /// on), oldest first. Nothing the first time the bot runs.
    async fn catch_up_all(&self, response: &SyncResponse) -> Vec<Job> {
        if self.synced_at == 0 {
            return Vec::new();
        }
        let mut jobs = Vec::new();
        for room in self.client.joined_rooms() {
            let room_id = room.room_id();
            let from = response
                .rooms
                .joined
                .get(room_id)
                .and_then(|update| update.timeline.prev_batch.as_deref());
            // From before the sync's own timeline, whose jobs the handlers give.
            jobs.append(&mut self.history(room_id, from, self.since(room_id)).await);
        }
        if !jobs.is_empty() {
            info!(events = jobs.len(), "caught up on what came while the bot was stopped");
        }
        // Oldest first across rooms, as people wrote them.
        jobs.sort_by_key(Job::at);
        jobs
    }

    /// Where a room's history is fetched back to: the last point everything was handled
    /// (less the clock skew), never before the bot joined the room.
    fn since(&self, room_id: &RoomId) -> u64 {
        let joined = self.store.joined_at(room_id.as_str()).ok().flatten();
        self.synced_at
            .saturating_sub(crate::clock::CLOCK_SKEW_MS)
            .max(joined.unwrap_or(self.started_ms))
    }

    /// The jobs of the history a limited sync left out, oldest first.
    async fn catch_up(&self, response: &SyncResponse) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (room_id, update) in &response.rooms.joined {
            if !update.timeline.limited {
                continue;
            }
            let Some(from) = update.timeline.prev_batch.as_deref() else {
                continue;
            };
            let mut room_jobs = self.history(room_id, Some(from), self.since(room_id)).await;
            info!(room = %room_id, events = room_jobs.len(), "caught up on a limited timeline");
            jobs.append(&mut room_jobs);
        }
        jobs
    }

    /// The jobs of a room's events from `from` (else from its newest event) back to
    /// `since` (ms), oldest first.
    async fn history(&self, room_id: &RoomId, from: Option<&str>, since: u64) -> Vec<Job> {
        let Some(room) = self.client.get_room(room_id) else {
            return Vec::new();
        };
        let mut jobs = Vec::new();
        let mut from = from.map(str::to_owned);
        for _ in 0..MAX_PAGES {
            let mut options = MessagesOptions::backward().from(from.as_deref());
            options.limit = uint!(100);
            let page = match room.messages(options).await {
                Ok(page) => page,
                Err(error) => {
                    warn!(room = %room_id, %error, "cannot fetch the history of a limited timeline");
                    break;
                }
            };
            let mut reached = false;
            for event in page.chunk {
                let at = event.timestamp().map_or(0, |at| u64::from(at.0));
                if at < since {
                    reached = true;
                    continue;
                }
                if let Some(job) = self.job(room_id, event.raw().deserialize().ok()) {
                    jobs.push(job);
                }
            }
            match page.end {
                Some(end) if !reached => from = Some(end),
                _ => break,
            }
        }
        // Pages come newest first.
        jobs.reverse();
        jobs
    }

    fn job(&self, room: &RoomId, event: Option<AnySyncTimelineEvent>) -> Option<Job> {
        match event? {
            AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
                SyncMessageLikeEvent::Original(ev),
            )) => message_job(room, ev, &self.own),
            AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::Reaction(
                SyncMessageLikeEvent::Original(ev),
            )) => reaction_job(room, ev, &self.own),
            _ => None,
        }
    }
}
