//! A test bench for what commands decide, without a homeserver: a [`Scheme`] on a real
//! sled store in a temporary directory, the built-in texts and charter, a clock, and the
//! outbox's receiving end, where the effects a command owes arrive.

use std::{path::Path, sync::Arc};

use entraide_commands::{Catalogue, Lang, Place, Roles, VolunteerStatus};
use entraide_storage::{Action, Effect, NewRequest, Request, RoomKind, Store, Target};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, UserId};
use tempfile::TempDir;
use tokio::sync::mpsc::UnboundedReceiver;

use super::Ctx;
use crate::{
    charter::Charter,
    clock::Clock,
    config::Config,
    matrix::{BotRooms, ReplyTo},
    outbox::{Item, Outbox},
    scheme::Scheme,
};

/// The configuration of the bench: the defaults, one coordinator.
const CONFIG: &str = r#"
    homeserver = "http://127.0.0.1:8008"
    user_id = "@entraide:x"
    password = "unused"
    data_dir = "data"
    coordinators = ["@agent:x"]
    [community]
    name = "Saint-Martin"
"#;

/// The coordinator the configuration names.
pub const AGENT: &str = "@agent:x";
/// A neighbourhood room, « Les Tilleuls ».
pub const TILLEULS: &str = "!tilleuls:x";
/// A resident's direct chat with the bot.
pub const DIRECT: &str = "!direct:x";
/// The volunteers room.
pub const VOLUNTEERS: &str = "!volunteers:x";
/// The coordination room.
pub const COORDINATION: &str = "!coordination:x";

/// A scheme to decide with, and what its decisions owe.
#[derive(Debug)]
pub struct Desk {
    /// What commands decide from.
    pub scheme: Scheme,
    /// The effects owed, as the dispatcher would receive them.
    effects: UnboundedReceiver<Item>,
    /// Where the store lives, removed at the end.
    dir: TempDir,
}

/// The result of a bench helper.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

impl Desk {
    /// A desk with the default configuration, its rooms known to the store.
    pub async fn new() -> Result<Desk> {
        Desk::with(|_| {}).await
    }

    /// A desk whose configuration `change` adjusts.
    pub async fn with(change: impl FnOnce(&mut Config)) -> Result<Desk> {
        let dir = tempfile::tempdir()?;
        let mut config = Config::parse(CONFIG, &dir.path().join("entraide.toml"))?;
        change(&mut config);
        let store = Store::open(&dir.path().join("store"))?;
        let neighbourhood = RoomKind::Neighbourhood { name: "Les Tilleuls".to_owned() };
        store.set_room_kind(TILLEULS, &neighbourhood).await?;
        store.set_room_kind(DIRECT, &RoomKind::Direct { user: "@marie:x".to_owned() }).await?;
        let (outbox, effects) = Outbox::new();
        let scheme = Scheme {
            config,
            texts: Catalogue::builtin()?,
            charter: Charter::load(None)?,
            store,
            rooms: BotRooms {
                volunteers: OwnedRoomId::try_from(VOLUNTEERS)?,
                coordination: OwnedRoomId::try_from(COORDINATION)?,
            },
            started_ms: 0,
            outbox,
            clock: Arc::new(Clock::system()),
        };
        Ok(Desk { scheme, effects, dir })
    }

    /// Where the store lives.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The context of a command `sender` wrote in `room`, in French: the place and the
    /// roles as the worker works them out.
    pub fn ctx(&self, room: &str, sender: &str) -> Result<Ctx> {
        self.ctx_in(room, sender, Lang::Fr)
    }

    /// [`Desk::ctx`] in `lang`.
    pub fn ctx_in(&self, room: &str, sender: &str, lang: Lang) -> Result<Ctx> {
        let room = OwnedRoomId::try_from(room)?;
        let sender = OwnedUserId::try_from(sender)?;
        let place = self.scheme.place(&room)?;
        let roles: Roles = self.scheme.roles(&sender)?;
        // Event ids differ from one command to the next, as the homeserver's do.
        let event = OwnedEventId::try_from(format!("$cmd{}:x", fresh_number()))?;
        Ok(Ctx {
            room,
            reply_to: ReplyTo { event, sender },
            word: "!commande".to_owned(),
            at: self.scheme.clock.wall_ms(),
            thread: None,
            by_reaction: false,
            lang,
            place,
            roles,
            handled_as: None,
        })
    }

    /// Enters on the register, as the agent, the person `text` describes (as `!inscrire`
    /// reads it).
    pub async fn enrol(&self, text: &str) -> Result<()> {
        let particulars = entraide_commands::register::read_entry(text, self.scheme.today())?;
        let entered_by = AGENT.to_owned();
        let new = entraide_storage::NewEntry {
            particulars,
            way: entraide_storage::Way::Coordinator,
            entered_by,
        };
        self.scheme.store.enrol(new, None, self.scheme.now(), |_| Vec::new()).await?;
        Ok(())
    }

    /// The effects owed since the last call, in the order they were handed over.
    pub fn owed(&mut self) -> Vec<Effect> {
        let mut owed = Vec::new();
        while let Ok(item) = self.effects.try_recv() {
            owed.push(item.effect);
        }
        owed
    }

    /// The plain text of every notice among `effects`, one string each.
    pub fn said(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|effect| match &effect.action {
                Action::Notice { message, .. } => Some(message.plain.clone()),
                _ => None,
            })
            .collect()
    }

    /// Records `user` with `status` (vetted, banned, …) as a coordinator would.
    pub async fn volunteer(&self, user: &str, status: VolunteerStatus) -> Result<()> {
        let now = self.scheme.now();
        self.scheme.store.set_volunteer_status(user, status, AGENT, None, true, now).await?;
        Ok(())
    }

    /// An open request of `requester`, asked in « Les Tilleuls », with the effects it owes
    /// taken out of the outbox.
    pub async fn request(&mut self, requester: &str, text: &str) -> Result<Request> {
        let scheme = &self.scheme;
        let now = scheme.now();
        let reading =
            entraide_commands::read_request(text, now.with_timezone(&scheme.config.timezone));
        let new = NewRequest {
            requester: requester.to_owned(),
            origin_room: TILLEULS.to_owned(),
            neighbourhood: Some("Les Tilleuls".to_owned()),
            text: text.to_owned(),
            reading,
            lang: Lang::Fr,
            informs: false,
        };
        let event = format!("$ask{}:x", fresh_number());
        let (request, _) = scheme.store.create_request(new, &event, now, |_| Vec::new()).await?;
        Ok(request)
    }
}

/// Whether `effect` is a notice to `target`.
pub fn is_notice_to(effect: &Effect, target: &Target) -> bool {
    matches!(&effect.action, Action::Notice { to, .. } if to == target)
}

/// A user id, for the tests' asserts.
pub fn user(id: &str) -> Result<OwnedUserId> {
    Ok(UserId::parse(id)?)
}

/// A number never given before in this test run.
fn fresh_number() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The place of each bench room, as [`Scheme::place`] sees it.
#[tokio::test]
async fn the_desk_knows_its_rooms() -> Result<()> {
    let desk = Desk::new().await?;
    for (room, place) in [
        (TILLEULS, Place::Neighbourhood),
        (DIRECT, Place::Direct),
        (VOLUNTEERS, Place::Volunteers),
        (COORDINATION, Place::Coordination),
    ] {
        assert_eq!(desk.scheme.place(&OwnedRoomId::try_from(room)?)?, place, "{room}");
    }
    assert!(desk.ctx(COORDINATION, AGENT)?.roles.coordinator);
    Ok(())
}

impl Desk {
    /// Request `number` claimed by `volunteer`, with its private room `room` made (and
    /// known to the store as such) when given; what either owes is not owed.
    pub async fn claimed(
        &self,
        number: u64,
        volunteer: &str,
        room: Option<&str>,
    ) -> Result<Request> {
        let (store, now) = (&self.scheme.store, self.scheme.now());
        let (mut request, _) = store.claim(number, volunteer, None, now, |_| Vec::new()).await?;
        if let Some(room) = room {
            request = store.set_private_room(number, room, now, 0).await?;
        }
        Ok(request)
    }
}

/// The store lives in the desk's own directory, which goes with the desk.
#[tokio::test]
async fn the_desk_s_store_goes_with_it() -> Result<()> {
    let desk = Desk::new().await?;
    let dir = desk.dir().to_owned();
    assert!(dir.join("store").exists());
    drop(desk);
    assert!(!dir.exists());
    Ok(())
}
