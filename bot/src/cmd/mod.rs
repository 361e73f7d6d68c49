//! One file per command: each `apply` decides from the [`Scheme`] (the store, the
//! configuration, the texts, the clock; no Matrix client) and the command's [`Ctx`], in
//! one store transition that journals the effects it owes, the answer included; the
//! effects act on Matrix afterwards. Each file's `mod tests` checks its decisions on
//! `desk` (a real store, no homeserver). Parsing and the rules of who may do what,
//! where, live in `entraide_commands`.
//!
//! A command's file is named after its variant in the list of commands
//! (`commands/src/list.rs`: `Take` is `take.rs`); a few files hold two commands that
//! share their decisions (`request.rs`: `!demande` and `!pour`; `charter.rs`: `!benevole`
//! and `!accepte`; `pause.rs`: `!pause` and `!dispo`; `forget.rs`: `!oubliemoi` and
//! `!effacer`).
//!
//! To add a command: its entry in the list, a file here with its `apply` and its tests,
//! its `mod` line and one arm in [`run`], its texts in both locale files (see the README's
//! "Adding a command").

mod acknowledge;
mod alert;
mod amend;
mod areas;
mod assign;
mod ban;
mod block;
mod call;
mod caller;
mod campaign;
mod cancel;
mod charter;
mod check;
mod confirm_entry;
#[cfg(test)]
pub(crate) mod desk;
mod done;
mod enrol;
mod feedback;
mod forget;
mod help;
mod journal;
mod my_data;
mod offer;
mod pause;
mod pledge;
mod privacy;
mod profile;
mod registry;
mod release;
mod report;
mod request;
mod requests;
mod show;
mod stats;
mod status;
mod stop;
mod take;
mod unban;
mod unblock;
mod unenrol;
mod unvet;
mod version;
mod vet;
mod volunteers;
mod yes;

pub use self::charter::tell_new_version;

use entraide_commands::{Command, Key, Lang, Message, Place, Roles, rules};
use entraide_storage::{Action, Effect, Lane, Request, Root, Shape, Target};
use matrix_sdk::ruma::{EventId, OwnedEventId, OwnedRoomId, RoomId, UserId};

use crate::{bot::Bot, failure::Failure, matrix::ReplyTo, plan, scheme::Scheme};

/// How long after a command its answer says that it comes late.
const LATE_MS: u64 = 5 * 60 * 1000;

/// Everything about the message that carried a command, worked out once.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The room it was written in.
    pub room: OwnedRoomId,
    /// The message and its author, whom answers reply to.
    pub reply_to: ReplyTo,
    /// Its first word as written (the command's), for a word both languages share.
    pub word: String,
    /// When it was written, in milliseconds since the epoch.
    pub at: u64,
    /// The thread it was written in, if any.
    pub thread: Option<OwnedEventId>,
    /// It was a reaction to the thread's root: answers mention its author rather than
    /// reply to it.
    pub by_reaction: bool,
    /// The language to answer in.
    pub lang: Lang,
    /// What the room is to the bot.
    pub place: Place,
    /// Who the author is to the bot.
    pub roles: Roles,
    /// The key the store marks handled for what the command decides, when it is not the
    /// message's own id: a call of a campaign that makes a request (`!appel n besoin …`)
    /// is one event, already marked, and the request another decision.
    pub handled_as: Option<String>,
}

impl Ctx {
    /// Who wrote the command.
    pub fn sender(&self) -> &UserId {
        &self.reply_to.sender
    }

    /// The command's event id, as the store keys handled events (see
    /// [`Ctx::handled_as`]).
    pub fn event(&self) -> &str {
        self.handled_as.as_deref().unwrap_or(self.reply_to.event.as_str())
    }

    /// The answer to a command, as an effect: a reply to it, in the thread it was
    /// written in. In the volunteers room the answer always goes in a thread, so that the
    /// relays stay readable: else the relay's of the request it is `about`, else the
    /// command's own. An answer that comes more than a few minutes after the command
    /// says so.
    pub fn reply(&self, scheme: &Scheme, message: &Message, about: Option<&Request>) -> Effect {
        self.reply_in(scheme, message, about, Lane::room(&self.room))
    }

    /// [`Ctx::reply`] in `lane`: after what `lane` holds before it (a claim's answer
    /// waits for the private room, a request's confirmation for its relay).
    pub fn reply_in(
        &self,
        scheme: &Scheme,
        message: &Message,
        about: Option<&Request>,
        lane: Lane,
    ) -> Effect {
        let to = Target::Id { id: self.room.to_string() };
        self.reply_with(scheme, message, about, lane, to)
    }

    /// [`Ctx::reply_in`], sent `to` a room resolved when it is sent (the requester's,
    /// wherever their request is followed then).
    pub fn reply_with(
        &self,
        scheme: &Scheme,
        message: &Message,
        about: Option<&Request>,
        lane: Lane,
        to: Target,
    ) -> Effect {
        let message = self.in_time(scheme, message);
        let shape = self.shape(about);
        let mention = self.by_reaction.then(|| self.sender().to_string());
        Effect {
            request: about.map_or(0, |request| request.number),
            lane,
            urgent: true,
            action: Action::Notice { to, message, shape, mention },
        }
    }

    /// `message`, saying first that it comes late when it comes more than a few minutes
    /// after the command.
    pub fn in_time(&self, scheme: &Scheme, message: &Message) -> Message {
        if scheme.clock.wall_ms().saturating_sub(self.at) > LATE_MS {
            let notice = scheme.texts.render(self.lang, Key::LateAnswer, &[]);
            Message::lines([notice, message.clone()])
        } else {
            message.clone()
        }
    }

    /// How an answer relates to the command (see [`Ctx::reply`]).
    pub fn shape(&self, about: Option<&Request>) -> Shape {
        // A reaction is not replied to: its author is mentioned instead.
        let quoted = (!self.by_reaction).then(|| plan::quote(&self.reply_to));
        match (&self.thread, self.place) {
            (Some(thread), _) => {
                Shape::Thread { root: Root::Event { id: thread.to_string() }, to: quoted }
            }
            (None, Place::Volunteers) => {
                let root = match about {
                    Some(_) => Root::Relay,
                    None => Root::Event { id: self.reply_to.event.to_string() },
                };
                Shape::Thread { root, to: quoted }
            }
            (None, _) => Shape::Reply { to: plan::quote(&self.reply_to) },
        }
    }

    /// Answers a command at once (see [`Ctx::reply`]); a stop before it is sent loses it.
    /// Answers that a transition owes are journalled with it instead.
    pub fn answer(&self, scheme: &Scheme, message: &Message, about: Option<&Request>) {
        scheme.outbox.now(self.reply(scheme, message, about));
    }
}

/// A reaction: ✋ on a relay in the volunteers room claims it; 👍 / 👎 in a private room
/// is the feedback of the person who asked.
pub async fn by_reaction(
    bot: &Bot,
    room: &RoomId,
    event: &EventId,
    sender: &UserId,
    target: &EventId,
    key: &str,
) {
    if room == bot.rooms.volunteers {
        take::by_reaction(bot, room, event, sender, target, key).await;
    } else {
        feedback::by_reaction(bot, room, event, sender, key).await;
    }
}

/// A reaction's emoji without its skin tone or variation selector: clients add them.
fn bare_emoji(key: &str) -> &str {
    key.trim_end_matches([
        '\u{FE0F}',
        '\u{1F3FB}',
        '\u{1F3FC}',
        '\u{1F3FD}',
        '\u{1F3FE}',
        '\u{1F3FF}',
    ])
}

/// Checks that the author may use `command` here, then applies it.
///
/// The dispatch is written out rather than generated from the list: each `apply` takes
/// its arguments in the form its decisions need (a borrowed user id or note, a flag for
/// `!pour`, the sender for `!oubliemoi`, the Matrix client for `!verifier`), which one
/// arm says plainly. The match has no catch-all: a command without its arm does not
/// compile.
pub async fn run(bot: &Bot, ctx: &Ctx, command: Command) -> Result<(), Failure> {
    let kind = command.kind();
    rules::check(kind, ctx.roles, ctx.place).map_err(|refusal| Failure::Refused(refusal, kind))?;
    match command {
        Command::Request { text } => request::apply(bot, ctx, text, false).await,
        Command::For { text } => request::apply(bot, ctx, text, true).await,
        Command::Take { number } => take::apply(bot, ctx, number).await,
        Command::Release { number } => release::apply(bot, ctx, number).await,
        Command::Done { number, note } => done::apply(bot, ctx, number, note).await,
        Command::Cancel { number } => cancel::apply(bot, ctx, number).await,
        Command::Feedback { number, note } => feedback::apply(bot, ctx, number, &note).await,
        Command::Yes { number } => yes::apply(bot, ctx, number).await,
        Command::Charter => charter::send(bot, ctx).await,
        Command::Accept => charter::accept(bot, ctx).await,
        Command::Pause { until } => pause::start(bot, ctx, until.as_deref()).await,
        Command::Back => pause::back(bot, ctx).await,
        Command::Areas { names } => areas::apply(bot, ctx, names.as_deref()).await,
        Command::Offer { text } => offer::apply(bot, ctx, text).await,
        Command::Vet { user, note, without_charter } => {
            vet::apply(bot, ctx, &user, note.as_deref(), without_charter).await
        }
        Command::Ban { user, reason } => ban::apply(bot, ctx, &user, reason.as_deref()).await,
        Command::Unvet { user, reason } => unvet::apply(bot, ctx, &user, reason.as_deref()).await,
        Command::Unban { user } => unban::apply(bot, ctx, &user).await,
        Command::Volunteers => volunteers::apply(bot, ctx).await,
        Command::Journal { user } => journal::apply(bot, ctx, user.as_deref()).await,
        Command::Check => check::apply(bot, ctx).await,
        Command::Version => version::apply(bot, ctx).await,
        Command::Requests { filter, neighbourhood } => {
            requests::apply(bot, ctx, filter, neighbourhood.as_deref()).await
        }
        Command::Privacy => privacy::apply(bot, ctx).await,
        Command::MyData => my_data::apply(bot, ctx).await,
        Command::ForgetMe { confirmed } => {
            let user = ctx.sender().to_owned();
            forget::apply(bot, ctx, &user, confirmed, forget::By::Themselves).await
        }
        Command::Erase { user, confirmed } => {
            forget::apply(bot, ctx, &user, confirmed, forget::By::Coordinator).await
        }
        Command::Assign { number, user } => assign::apply(bot, ctx, number, &user).await,
        Command::Stop { number } => stop::apply(bot, ctx, number).await,
        Command::Block { user, reason } => block::apply(bot, ctx, &user, reason.as_deref()).await,
        Command::Unblock { user } => unblock::apply(bot, ctx, &user).await,
        Command::Show { number } => show::apply(bot, ctx, number).await,
        Command::Stats { period } => stats::apply(bot, ctx, period).await,
        Command::Report { period } => report::apply(bot, ctx, period).await,
        Command::Profile { answer } => profile::apply(bot, ctx, answer).await,
        Command::Enrol { text } => enrol::apply(bot, ctx, &text).await,
        Command::Amend { number, field, value } => {
            amend::apply(bot, ctx, number, &field, &value).await
        }
        Command::Acknowledge { number } => acknowledge::apply(bot, ctx, number).await,
        Command::ConfirmEntry { number } => confirm_entry::apply(bot, ctx, number).await,
        Command::Unenrol { number, reason } => {
            unenrol::apply(bot, ctx, number, reason.as_deref()).await
        }
        Command::Registry { view } => registry::apply(bot, ctx, view).await,
        Command::Alert { ask } => alert::apply(bot, ctx, &ask).await,
        Command::Caller { user, remove } => caller::apply(bot, ctx, user.as_deref(), remove).await,
        Command::Pledge => pledge::apply(bot, ctx).await,
        Command::Campaign { ask } => campaign::apply(bot, ctx, ask).await,
        Command::Call { number, said } => call::apply(bot, ctx, number, said).await,
        Command::Help => help::apply(bot, ctx).await,
    }
}

/// What `!fait` or `!annuler` owes: the answer (`ack`), the private room told unless
/// the command was written there (the answer says it), the relay retired with `relay`.
fn closed(scheme: &Scheme, ctx: &Ctx, request: &Request, ack: Key, relay: Key) -> Vec<Effect> {
    let message = scheme.texts.render(ctx.lang, ack, &[("number", &request.number.to_string())]);
    let in_private_room = ctx.place == (Place::Private { request: request.number });
    let mut owed = vec![ctx.reply(scheme, &message, Some(request))];
    owed.extend(plan::close(scheme, request, relay, (!in_private_room).then_some(&message)));
    owed
}

/// The request a command is about: the number given, the private room's own request, or
/// else the only active request matching `pred`; `None` when that leaves a doubt.
fn which_request(
    scheme: &Scheme,
    ctx: &Ctx,
    given: Option<u64>,
    pred: impl Fn(&Request) -> bool,
) -> Result<Option<u64>, Failure> {
    match rules::request_number(given, ctx.place) {
        Some(number) => Ok(Some(number)),
        None => Ok(scheme.sole(pred)?),
    }
}
