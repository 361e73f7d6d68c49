//! People in a scenario: logged-in clients that sync in the background and
//! record what they see, and the polling helper every wait goes through.

use std::{
    fmt::Write as _,
    sync::{
        Arc, Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, Result, bail};
use matrix_sdk::{
    Client, Room,
    config::{RequestConfig, SyncSettings},
    deserialized_responses::EncryptionInfo,
    media::MediaEventContent,
    ruma::{
        EventId, OwnedEventId, OwnedRoomId, OwnedUserId, RoomId, UserId,
        api::client::{
            filter::FilterDefinition,
            room::create_room::v3::{Request as CreateRoomRequest, RoomPreset},
        },
        events::{
            AnySyncStateEvent, AnySyncTimelineEvent, InitialStateEvent, SyncStateEvent,
            reaction::{OriginalSyncReactionEvent, ReactionEventContent},
            relation::Annotation,
            room::{
                encrypted::OriginalSyncRoomEncryptedEvent,
                encryption::RoomEncryptionEventContent,
                member::MembershipState,
                message::{
                    FileMessageEventContent, FormattedBody, ImageMessageEventContent,
                    MessageFormat, MessageType, OriginalSyncRoomMessageEvent, Relation,
                    RoomMessageEventContent,
                },
                redaction::OriginalSyncRoomRedactionEvent,
            },
        },
        uint,
    },
    sync::SyncResponse,
};
use tempfile::TempDir;
use tokio::{task::AbortHandle, time::Instant};
use tracing::{Instrument, info_span, warn};

use crate::synapse::Synapse;

/// How often [`wait_until`] polls.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// How long [`Person::join`] waits for its own sync to show the join.
const JOIN_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the background sync waits before retrying a failed sync, so that
/// a server that is gone is not hammered.
const SYNC_RETRY_DELAY: Duration = Duration::from_millis(500);

/// A person in a scenario: an end-to-end-encrypting client, logged in and
/// syncing in the background, that records every message and reaction it
/// sees (decrypted when they were encrypted).
#[derive(Debug)]
pub struct Person {
    /// The logged-in client, for anything the helpers do not cover.
    pub client: Client,
    /// `@{localpart}:localhost`.
    pub user_id: OwnedUserId,
    /// The registered name, `<prefix>_<unique suffix>`.
    pub localpart: String,
    seen: Arc<SeenLog>,
    sync: AbortHandle,
    /// Holds the SQLite state and crypto stores.
    _store: TempDir,
}

/// A message a [`Person`] saw (decrypted if it was encrypted).
#[derive(Debug, Clone)]
pub struct Seen {
    /// The room it was sent in.
    pub room_id: OwnedRoomId,
    /// The id of this event (the edit's own id, for an edit).
    pub event_id: OwnedEventId,
    /// Who sent it.
    pub sender: OwnedUserId,
    /// The plain-text body; for an edit, the new body (`m.new_content`).
    pub body: String,
    /// The HTML body, if the message had one.
    pub html: Option<String>,
    /// Whether it is an `m.notice` (what bots send).
    pub is_notice: bool,
    /// Whether it arrived encrypted (and was decrypted).
    pub was_encrypted: bool,
    /// `Some(original)` when this is an edit (`m.replace`) of `original`.
    pub replaces: Option<OwnedEventId>,
    /// `Some(root)` when this is in the thread of `root`.
    pub thread_root: Option<OwnedEventId>,
    /// `Some(replied_to)` for a rich reply (in a thread or not; a thread's
    /// fallback reply does not count).
    pub in_reply_to: Option<OwnedEventId>,
    /// The people it mentions (`m.mentions`), `None` without `m.mentions`.
    pub mentions: Option<Vec<OwnedUserId>>,
    /// The file, for an `m.file` message (see [`Person::download`]).
    pub file: Option<FileMessageEventContent>,
    /// The image, for an `m.image` message (see [`Person::download`]).
    pub image: Option<ImageMessageEventContent>,
    /// When this client's event handler received it: what the benchmark measures to,
    /// rather than when a poll noticed it.
    pub arrived: std::time::Instant,
}

impl Seen {
    /// The message's own text: the plain body without the quote a reply from an older
    /// client starts with (the `> <@sender> …` fallback lines and the blank line after
    /// them; the bot sends none, Matrix 1.13 having removed them).
    pub fn text(&self) -> &str {
        if self.in_reply_to.is_none() {
            return &self.body;
        }
        let text = entraide_commands::strip_reply_fallback(&self.body);
        text.strip_prefix('\n').unwrap_or(text)
    }
}

/// A reaction (`m.reaction` annotation) a [`Person`] saw.
#[derive(Debug, Clone)]
pub struct SeenReaction {
    /// The room it was sent in.
    pub room_id: OwnedRoomId,
    /// The id of the reaction event.
    pub event_id: OwnedEventId,
    /// Who reacted.
    pub sender: OwnedUserId,
    /// The event reacted to.
    pub relates_to: OwnedEventId,
    /// The reaction itself, e.g. "👍".
    pub key: String,
}

/// What the event handlers record, shared with them.
#[derive(Debug, Default)]
struct SeenLog {
    messages: Mutex<Vec<Seen>>,
    reactions: Mutex<Vec<SeenReaction>>,
    /// Events that stayed encrypted: listed when a wait fails, since a missing
    /// room key looks like a missing message otherwise.
    undecryptable: Mutex<Vec<(OwnedRoomId, OwnedEventId, OwnedUserId)>>,
    /// Events someone redacted, as the redactions came.
    redacted: Mutex<Vec<OwnedEventId>>,
    /// Membership changes seen in rooms' timelines, oldest first: (room, member, new
    /// membership).
    ///
    /// The member list the client keeps can go back: when the room's history forks (a
    /// member joins while someone else sends, each event after the same last one),
    /// Synapse's next sync can carry the member's older invitation in its `state` block,
    /// and the client stores it over the join it had, until an event that follows both
    /// branches comes. The timeline, which is what a person reads, showed the join. Waits
    /// on a membership look at both.
    memberships: Mutex<Vec<(OwnedRoomId, OwnedUserId, MembershipState)>>,
    /// When the background sync last returned, for the error of a failed wait: a sync
    /// that stopped looks like a missed event otherwise.
    last_sync: Mutex<Option<Instant>>,
}

impl Person {
    /// Registers `<prefix>_<unique suffix>` (lowercase) on `synapse`, logs in
    /// with a fresh device, syncs once (which uploads the device keys), then
    /// keeps syncing in the background and records every message and reaction
    /// it sees, also in encrypted rooms.
    pub async fn new(synapse: &Synapse, prefix: &str) -> Result<Person> {
        let localpart = format!("{}_{}", prefix.to_lowercase(), unique_suffix());
        let password = format!("{localpart}-password");
        synapse.register(&localpart, &password).await?;
        Person::login(synapse, &localpart, &password).await
    }

    /// Logs in to an existing account (as [`Person::new`] does after registering).
    pub async fn login(synapse: &Synapse, localpart: &str, password: &str) -> Result<Person> {
        let localpart = localpart.to_owned();
        let store = tempfile::Builder::new()
            .prefix("entraide-person-")
            .tempdir()
            .context("creating a store directory")?;
        let client = Client::builder()
            .homeserver_url(synapse.url())
            .sqlite_store(store.path(), None)
            .request_config(RequestConfig::short_retry())
            .build()
            .await
            .with_context(|| format!("building the client of {localpart}"))?;
        client
            .matrix_auth()
            .login_username(&localpart, password)
            .initial_device_display_name(&localpart)
            .await
            .with_context(|| format!("logging in as {localpart}"))?;
        let user_id = client.user_id().context("logged in but no user id")?.to_owned();

        let seen = Arc::new(SeenLog::default());
        record_into(&client, &seen);

        let first = client
            .sync_once(SyncSettings::default())
            .await
            .with_context(|| format!("first sync of {localpart}"))?;
        record_memberships(&seen, &first);
        let sync = tokio::spawn(
            keep_syncing(client.clone(), first.next_batch, Arc::clone(&seen))
                .instrument(info_span!("sync", user = %user_id)),
        )
        .abort_handle();

        Ok(Person { client, user_id, localpart, seen, sync, _store: store })
    }

    /// All messages seen so far, oldest first.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.seen.messages).clone()
    }

    /// How many messages were seen so far: with [`Person::seen_after`], a wait can look
    /// only at what comes next instead of copying everything seen at each look.
    pub fn seen_count(&self) -> usize {
        lock(&self.seen.messages).len()
    }

    /// The messages seen after the first `skip`, oldest first.
    pub fn seen_after(&self, skip: usize) -> Vec<Seen> {
        lock(&self.seen.messages).get(skip..).map(<[Seen]>::to_vec).unwrap_or_default()
    }

    /// The content of a file or an image someone sent (decrypted if it was encrypted).
    pub async fn download(&self, file: &impl MediaEventContent) -> Result<Vec<u8>> {
        self.client
            .media()
            .get_file(file, false)
            .await
            .with_context(|| format!("{} downloading a file", self.localpart))?
            .context("a file without a source")
    }

    /// The events seen redacted so far, oldest redaction first.
    pub fn redacted(&self) -> Vec<OwnedEventId> {
        lock(&self.seen.redacted).clone()
    }

    /// All reactions seen so far, oldest first.
    pub fn reactions(&self) -> Vec<SeenReaction> {
        lock(&self.seen.reactions).clone()
    }

    /// Waits until a seen message matches `pred` and returns it; after
    /// `timeout`, fails with an error naming `what` and listing everything
    /// seen (room, sender, start of body).
    pub async fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Seen) -> bool,
    ) -> Result<Seen> {
        let found = wait_until(what, timeout, || {
            let found = lock(&self.seen.messages).iter().find(|seen| pred(seen)).cloned();
            async move { found }
        })
        .await;
        found.with_context(|| self.describe_seen())
    }

    /// Waits until a seen reaction matches `pred` and returns it; after
    /// `timeout`, fails with an error naming `what` and listing what was seen.
    pub async fn wait_for_reaction(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&SeenReaction) -> bool,
    ) -> Result<SeenReaction> {
        let found = wait_until(what, timeout, || {
            let found = lock(&self.seen.reactions).iter().find(|seen| pred(seen)).cloned();
            async move { found }
        })
        .await;
        found.with_context(|| self.describe_seen())
    }

    /// Creates a private (invite-only) room named `name`, inviting `invite`;
    /// `encrypted` turns on Megolm encryption from the start. Returns its id.
    pub async fn create_room(
        &self,
        name: &str,
        encrypted: bool,
        invite: &[&UserId],
    ) -> Result<OwnedRoomId> {
        let mut request = CreateRoomRequest::new();
        request.name = Some(name.to_owned());
        request.preset = Some(RoomPreset::PrivateChat);
        request.invite = invite.iter().map(|&user| user.to_owned()).collect();
        if encrypted {
            request.initial_state.push(encryption_state());
        }
        let room = self
            .client
            .create_room(request)
            .await
            .with_context(|| format!("{} creating room {name:?}", self.localpart))?;
        Ok(room.room_id().to_owned())
    }

    /// Creates a direct chat with `other` (`is_direct`, trusted private chat
    /// preset, `other` invited and recorded in `m.direct`), encrypted or not.
    pub async fn create_dm(&self, other: &UserId, encrypted: bool) -> Result<OwnedRoomId> {
        let mut request = CreateRoomRequest::new();
        request.is_direct = true;
        request.preset = Some(RoomPreset::TrustedPrivateChat);
        request.invite = vec![other.to_owned()];
        if encrypted {
            request.initial_state.push(encryption_state());
        }
        let room =
            self.client.create_room(request).await.with_context(|| {
                format!("{} creating a direct chat with {other}", self.localpart)
            })?;
        Ok(room.room_id().to_owned())
    }

    /// Waits until this person is invited to a room for which `pred` holds,
    /// then joins it (see [`Person::join`]) and returns its id.
    pub async fn accept_invite(
        &self,
        timeout: Duration,
        pred: impl Fn(&Room) -> bool,
    ) -> Result<OwnedRoomId> {
        let what = format!("{} to be invited to a matching room", self.localpart);
        let room_id = wait_until(&what, timeout, || {
            let found = self
                .client
                .invited_rooms()
                .into_iter()
                .find(|room| pred(room))
                .map(|room| room.room_id().to_owned());
            async move { found }
        })
        .await?;
        self.join(&room_id).await?;
        Ok(room_id)
    }

    /// Joins `room_id`, then waits until this person's own sync shows them
    /// joined, so that the room's state and members are known locally and an
    /// encrypted send right after reaches everyone.
    pub async fn join(&self, room_id: &RoomId) -> Result<()> {
        self.client
            .join_room_by_id(room_id)
            .await
            .with_context(|| format!("{} joining {room_id}", self.localpart))?;
        self.wait_member_joined(room_id, &self.user_id, JOIN_TIMEOUT).await
    }

    /// The room `room_id` as this person's client knows it.
    pub fn room(&self, room_id: &RoomId) -> Result<Room> {
        self.client
            .get_room(room_id)
            .with_context(|| format!("{} does not know room {room_id}", self.localpart))
    }

    /// Sends a plain-text `m.text` message and returns its event id.
    ///
    /// In an encrypted room the room key goes to the devices of everyone this
    /// person sees as joined or invited: wait for a newcomer with
    /// [`Person::wait_member_joined`] before sending them anything.
    pub async fn send_text(&self, room_id: &RoomId, body: &str) -> Result<OwnedEventId> {
        self.send(room_id, RoomMessageEventContent::text_plain(body)).await
    }

    /// Posts `data` as the file `name` of type `kind` (encrypted in an encrypted room, as
    /// clients do) and returns its event id.
    pub async fn send_file(
        &self,
        room_id: &RoomId,
        name: &str,
        kind: &mime::Mime,
        data: Vec<u8>,
    ) -> Result<OwnedEventId> {
        let config = matrix_sdk::attachment::AttachmentConfig::new();
        let response = self
            .room(room_id)?
            .send_attachment(name, kind, data, config)
            .await
            .with_context(|| format!("{} posting a file in {room_id}", self.localpart))?;
        Ok(response.event_id)
    }

    /// Sends any message content (a reply, a thread message, an edit…) and
    /// returns its event id.
    pub async fn send(
        &self,
        room_id: &RoomId,
        content: RoomMessageEventContent,
    ) -> Result<OwnedEventId> {
        let response = self
            .room(room_id)?
            .send(content)
            .await
            .with_context(|| format!("{} sending a message to {room_id}", self.localpart))?;
        Ok(response.response.event_id)
    }

    /// Reacts to `event_id` with `key` (an `m.reaction` annotation) and
    /// returns the reaction's event id.
    pub async fn react(
        &self,
        room_id: &RoomId,
        event_id: &EventId,
        key: &str,
    ) -> Result<OwnedEventId> {
        let content =
            ReactionEventContent::new(Annotation::new(event_id.to_owned(), key.to_owned()));
        let response = self
            .room(room_id)?
            .send(content)
            .await
            .with_context(|| format!("{} reacting in {room_id}", self.localpart))?;
        Ok(response.response.event_id)
    }

    /// Waits until, in this person's view (the room's member list as synced),
    /// `user` is joined in `room_id`.
    pub async fn wait_member_joined(
        &self,
        room_id: &RoomId,
        user: &UserId,
        timeout: Duration,
    ) -> Result<()> {
        let what = format!("{} to see {user} joined in {room_id}", self.localpart);
        self.wait_membership(&what, room_id, user, timeout, |m| *m == MembershipState::Join).await
    }

    /// Waits until this person's client sees `user` in `room_id` as `state` (invited,
    /// banned…).
    pub async fn wait_member_state(
        &self,
        room_id: &RoomId,
        user: &UserId,
        state: MembershipState,
        timeout: Duration,
    ) -> Result<()> {
        let what = format!("{} to see {user} as {state} in {room_id}", self.localpart);
        self.wait_membership(&what, room_id, user, timeout, |m| *m == state).await
    }

    /// Waits until this person's client sees `user` out of `room_id` (left, removed or
    /// banned).
    pub async fn wait_member_gone(
        &self,
        room_id: &RoomId,
        user: &UserId,
        timeout: Duration,
    ) -> Result<()> {
        let what = format!("{} to see {user} out of {room_id}", self.localpart);
        let gone = |m: &MembershipState| matches!(m, MembershipState::Leave | MembershipState::Ban);
        self.wait_membership(&what, room_id, user, timeout, gone).await
    }

    /// Waits until this person's client sees `user`'s membership of `room_id` pass
    /// `accept`: in the room's member list as synced, or in the latest change of it that
    /// the room's timeline showed (see [`SeenLog::memberships`]).
    async fn wait_membership(
        &self,
        what: &str,
        room_id: &RoomId,
        user: &UserId,
        timeout: Duration,
        accept: impl Fn(&MembershipState) -> bool,
    ) -> Result<()> {
        let accept = &accept;
        let waited = wait_until(what, timeout, || async move {
            if self.timeline_membership(room_id, user).is_some_and(|m| accept(&m)) {
                return Some(());
            }
            let member = self.client.get_room(room_id)?.get_member_no_sync(user).await.ok()??;
            accept(member.membership()).then_some(())
        })
        .await;
        match waited {
            Ok(()) => Ok(()),
            Err(error) => Err(error.context(self.describe_membership(room_id, user).await)),
        }
    }

    /// The membership `user` last got in `room_id`'s timeline, as this person saw it.
    pub fn timeline_membership(&self, room_id: &RoomId, user: &UserId) -> Option<MembershipState> {
        lock(&self.seen.memberships)
            .iter()
            .rev()
            .find(|(room, member, _)| room == room_id && member == user)
            .map(|(_, _, membership)| membership.clone())
    }

    /// What this person's client knows of `user` in `room_id`, for the error of a failed
    /// wait: the member list's entry, the timeline's changes, and how long ago the
    /// background sync last returned.
    async fn describe_membership(&self, room_id: &RoomId, user: &UserId) -> String {
        let listed = match self.client.get_room(room_id) {
            None => "room unknown".to_owned(),
            Some(room) => match room.get_member_no_sync(user).await {
                Ok(Some(member)) => format!("{:?}", member.membership()),
                Ok(None) => "absent".to_owned(),
                Err(error) => format!("unreadable ({error})"),
            },
        };
        let changes: Vec<String> = lock(&self.seen.memberships)
            .iter()
            .filter(|(room, member, _)| room == room_id && member == user)
            .map(|(_, _, membership)| membership.to_string())
            .collect();
        let last_sync = match *lock(&self.seen.last_sync) {
            Some(at) => format!("{:.1?} ago", at.elapsed()),
            None => "never".to_owned(),
        };
        format!(
            "{} knows {user} in {room_id} as: member list {listed}, timeline {changes:?}; \
             its last sync returned {last_sync}",
            self.localpart
        )
    }

    /// Stops the background sync; nothing new is seen afterwards. Dropping
    /// the person does it too.
    pub fn stop(&self) {
        self.sync.abort();
    }

    /// Everything seen, for the error of a failed wait.
    fn describe_seen(&self) -> String {
        let messages = lock(&self.seen.messages);
        let reactions = lock(&self.seen.reactions);
        let undecryptable = lock(&self.seen.undecryptable);
        let mut text = format!("{} saw {} message(s)", self.user_id, messages.len());
        for seen in messages.iter() {
            let body: String = seen.body.chars().take(80).collect();
            let _ = write!(text, "\n  {} {}: {body:?}", seen.room_id, seen.sender);
        }
        let _ = write!(text, "\nand {} reaction(s)", reactions.len());
        for seen in reactions.iter() {
            let _ = write!(
                text,
                "\n  {} {}: {:?} to {}",
                seen.room_id, seen.sender, seen.key, seen.relates_to
            );
        }
        if !undecryptable.is_empty() {
            let _ = write!(text, "\nand {} event(s) it could not decrypt", undecryptable.len());
            for (room_id, event_id, sender) in undecryptable.iter() {
                let _ = write!(text, "\n  {room_id} {sender}: {event_id}");
            }
        }
        text
    }
}

impl Drop for Person {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

/// Polls `check` every 100 ms until it yields `Some`, and returns that; fails
/// after `timeout` with an error naming `what`. The one place the harness
/// waits.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        // A check that hangs must not stretch the wait past its timeout.
        if let Ok(Some(value)) = tokio::time::timeout(remaining, check()).await {
            return Ok(value);
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(POLL_INTERVAL.min(remaining)).await;
    }
}

/// A lowercase suffix that makes user names unique across tests and runs:
/// the time, the process id and a per-process counter.
pub fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros() % 1_000_000_000_000);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{micros:x}{:x}{count}", std::process::id())
}

/// The initial state event that turns Megolm encryption on.
fn encryption_state() -> matrix_sdk::ruma::serde::Raw<matrix_sdk::ruma::events::AnyInitialStateEvent>
{
    InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults())
        .to_raw_any()
}

/// Syncs until aborted, with a fresh long poll as soon as one returns.
///
/// `Client::sync` would do, but it pauses a second after any sync that came
/// back within a second, which slows every exchange of a scenario.
async fn keep_syncing(client: Client, mut token: String, log: Arc<SeenLog>) {
    // A burst from the bot (fourteen relays in a few milliseconds) must not be cut to
    // the homeserver's default timeline of ten events: a person sees every message.
    let mut filter = FilterDefinition::default();
    filter.room.timeline.limit = Some(uint!(1000));
    loop {
        let settings = SyncSettings::default().token(token.clone()).filter(filter.clone().into());
        match client.sync_once(settings).await {
            Ok(response) => {
                record_memberships(&log, &response);
                token = response.next_batch;
                *lock(&log.last_sync) = Some(Instant::now());
            }
            Err(error) => {
                warn!(%error, "sync failed, retrying");
                tokio::time::sleep(SYNC_RETRY_DELAY).await;
            }
        }
    }
}

/// Notes in `log` the membership changes in the timelines of `response`'s rooms.
///
/// Read from the response, not through an event handler: handlers also get the sync's
/// `state` block, where Synapse can put an older membership after a fork in the room's
/// history (a member's invitation after their join), which is the very case this record
/// is for.
fn record_memberships(log: &SeenLog, response: &SyncResponse) {
    let joined = response.rooms.joined.iter().map(|(room, update)| (room, &update.timeline));
    let left = response.rooms.left.iter().map(|(room, update)| (room, &update.timeline));
    let mut memberships = lock(&log.memberships);
    for (room_id, timeline) in joined.chain(left) {
        for event in &timeline.events {
            if let Ok(AnySyncTimelineEvent::State(AnySyncStateEvent::RoomMember(
                SyncStateEvent::Original(member),
            ))) = event.raw().deserialize()
            {
                memberships.push((room_id.clone(), member.state_key, member.content.membership));
            }
        }
    }
}

/// Registers the event handlers that fill `log`. Encrypted events reach the
/// message and reaction handlers already decrypted.
fn record_into(client: &Client, log: &Arc<SeenLog>) {
    let messages = Arc::clone(log);
    client.add_event_handler(
        move |event: OriginalSyncRoomMessageEvent,
              room: Room,
              encryption: Option<EncryptionInfo>| {
            lock(&messages.messages).push(Seen::new(room.room_id(), event, encryption.is_some()));
            async {}
        },
    );

    let reactions = Arc::clone(log);
    client.add_event_handler(move |event: OriginalSyncReactionEvent, room: Room| {
        lock(&reactions.reactions).push(SeenReaction {
            room_id: room.room_id().to_owned(),
            event_id: event.event_id,
            sender: event.sender,
            relates_to: event.content.relates_to.event_id,
            key: event.content.relates_to.key,
        });
        async {}
    });

    let redacted = Arc::clone(log);
    client.add_event_handler(move |event: OriginalSyncRoomRedactionEvent| {
        if let Some(target) = event.content.redacts.or(event.redacts) {
            lock(&redacted.redacted).push(target);
        }
        async {}
    });

    let undecryptable = Arc::clone(log);
    client.add_event_handler(move |event: OriginalSyncRoomEncryptedEvent, room: Room| {
        lock(&undecryptable.undecryptable).push((
            room.room_id().to_owned(),
            event.event_id,
            event.sender,
        ));
        async {}
    });
}

impl Seen {
    fn new(room_id: &RoomId, event: OriginalSyncRoomMessageEvent, was_encrypted: bool) -> Seen {
        let mentions =
            event.content.mentions.as_ref().map(|m| m.user_ids.iter().cloned().collect());
        let mut msgtype = event.content.msgtype;
        let (mut replaces, mut thread_root, mut in_reply_to) = (None, None, None);
        match event.content.relates_to {
            Some(Relation::Replacement(replacement)) => {
                replaces = Some(replacement.event_id);
                msgtype = replacement.new_content.msgtype;
            }
            Some(Relation::Thread(thread)) => {
                thread_root = Some(thread.event_id);
                if !thread.is_falling_back {
                    in_reply_to = thread.in_reply_to.map(|reply| reply.event_id);
                }
            }
            Some(Relation::Reply(reply)) => in_reply_to = Some(reply.in_reply_to.event_id),
            _ => {}
        }
        let (html, is_notice) = match &msgtype {
            MessageType::Text(text) => (html(text.formatted.as_ref()), false),
            MessageType::Notice(notice) => (html(notice.formatted.as_ref()), true),
            MessageType::Emote(emote) => (html(emote.formatted.as_ref()), false),
            _ => (None, false),
        };
        let file = match &msgtype {
            MessageType::File(file) => Some(file.clone()),
            _ => None,
        };
        let image = match &msgtype {
            MessageType::Image(image) => Some(image.clone()),
            _ => None,
        };
        Seen {
            room_id: room_id.to_owned(),
            event_id: event.event_id,
            sender: event.sender,
            body: msgtype.body().to_owned(),
            html,
            is_notice,
            was_encrypted,
            replaces,
            thread_root,
            in_reply_to,
            mentions,
            file,
            image,
            arrived: std::time::Instant::now(),
        }
    }
}

fn html(formatted: Option<&FormattedBody>) -> Option<String> {
    formatted
        .filter(|formatted| formatted.format == MessageFormat::Html)
        .map(|formatted| formatted.body.clone())
}

/// Locks a record; a panicking handler cannot leave it half-written, so a
/// poisoned lock is still good to read.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
