//! One file per command: each `apply` receives the bot and the command's [`Ctx`], runs the
//! command's store transition, then its effects, and answers. Parsing and the rules of who
//! may do what, where, live in `entraide_commands`.
//!
//! To add a command: a row in `entraide_commands::table` (and its `Command` variant and
//! argument reader), a file here with its `apply`, one arm in [`run`], its texts in both
//! locale files, and its tests.

mod ban;
mod cancel;
mod done;
mod help;
mod release;
mod request;
mod requests;
mod take;
mod vet;

use entraide_commands::{Command, Lang, Message, Place, Roles, rules};
use entraide_storage::Request;
use matrix_sdk::{
    Room,
    ruma::{EventId, OwnedEventId, UserId},
};

pub use self::take::by_reaction;
use crate::{
    bot::Bot,
    failure::Failure,
    matrix::{ReplyTo, Shape},
};

/// Everything about the message that carried a command, worked out once.
#[derive(Debug)]
pub struct Ctx {
    /// The room it was written in.
    pub room: Room,
    /// The message, its author, and what a reply quotes of it.
    pub reply_to: ReplyTo,
    /// The thread it was written in, if any.
    pub thread: Option<OwnedEventId>,
    /// The language to answer in.
    pub lang: Lang,
    /// What the room is to the bot.
    pub place: Place,
    /// Who the author is to the bot.
    pub roles: Roles,
}

impl Ctx {
    /// Who wrote the command.
    pub fn sender(&self) -> &UserId {
        &self.reply_to.sender
    }

    /// The command's event id, as the store keys handled events.
    pub fn event(&self) -> &str {
        self.reply_to.event.as_str()
    }

    /// Answers a command as a reply to it. In the volunteers room the answer goes in a
    /// thread, so that the relays stay readable: the thread the command was written in,
    /// else the relay's of the request it is `about`, else the command's own.
    pub async fn answer(&self, bot: &Bot, message: &Message, about: Option<&Request>) {
        if self.place != Place::Volunteers {
            bot.send(&self.room, message, Shape::Reply(&self.reply_to), None).await;
            return;
        }
        let relay =
            about.and_then(|r| r.relay_event.as_deref()).and_then(|id| EventId::parse(id).ok());
        let root = self.thread.clone().or(relay).unwrap_or_else(|| self.reply_to.event.clone());
        bot.send(&self.room, message, Shape::Thread(&root, Some(&self.reply_to)), None).await;
    }
}

/// Checks that the author may use `command` here, then applies it.
pub async fn run(bot: &Bot, ctx: &Ctx, command: Command) -> Result<(), Failure> {
    let kind = command.kind();
    rules::check(kind, ctx.roles, ctx.place).map_err(|refusal| Failure::Refused(refusal, kind))?;
    match command {
        Command::Request { text } => request::apply(bot, ctx, text).await,
        Command::Take { number } => take::apply(bot, ctx, number).await,
        Command::Release { number } => release::apply(bot, ctx, number).await,
        Command::Done { number, note } => done::apply(bot, ctx, number, note).await,
        Command::Cancel { number } => cancel::apply(bot, ctx, number).await,
        Command::Vet { user } => vet::apply(bot, ctx, &user).await,
        Command::Ban { user, reason } => ban::apply(bot, ctx, &user, reason.as_deref()).await,
        Command::Requests => requests::apply(bot, ctx).await,
        Command::Help => help::apply(bot, ctx).await,
    }
}

/// The request a command is about: the number given, the private room's own request, or
/// else the only active request matching `pred`; `None` when that leaves a doubt.
fn which_request(
    bot: &Bot,
    ctx: &Ctx,
    given: Option<u64>,
    pred: impl Fn(&Request) -> bool,
) -> Result<Option<u64>, Failure> {
    match rules::request_number(given, ctx.place) {
        Some(number) => Ok(Some(number)),
        None => Ok(bot.sole(pred)?),
    }
}
