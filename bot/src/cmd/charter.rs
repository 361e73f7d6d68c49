//! `!benevole` / `!volunteer` sends the volunteers' charter in a direct chat, and
//! `!accepte` / `!accept` records that the person accepts it as it is today; the
//! coordination room is told of a newcomer to meet.

use entraide_commands::{Key, Message, Place, VolunteerStatus};
use entraide_storage::{Action, Effect, Shape, Signature, Target};
use tracing::info;

use super::Ctx;
use crate::{bot::Bot, effects::plan, failure::Failure};

/// Sends the charter and how to accept it: as the answer in a direct chat, else in the
/// person's direct chat (opened if need be), the answer saying where it went.
pub async fn send(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    let how = bot.texts.render(ctx.lang, Key::CharterHowToAccept, &[]);
    let charter = Message::lines([bot.charter.message.clone(), how]);
    if ctx.place == Place::Direct {
        ctx.answer(bot, &charter, None);
        return Ok(());
    }
    let user = ctx.sender().to_string();
    bot.outbox.now(Effect {
        request: 0,
        lane: format!("direct:{user}"),
        urgent: true,
        action: Action::Notice {
            to: Target::Direct { user },
            message: charter,
            shape: Shape::New,
            mention: None,
        },
    });
    ctx.answer(bot, &bot.texts.render(ctx.lang, Key::CharterSent, &[]), None);
    Ok(())
}

/// Records the acceptance of today's charter (when, which version); the coordination
/// room hears of someone not yet vetted, who is to be met.
pub async fn accept(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    let version = bot.charter.version.clone();
    let signature = Signature { at: bot.now(), version: version.clone() };
    let (had, status) = bot
        .store
        .update_person(ctx.sender().as_str(), |person| {
            let had = person.charter.as_ref().map(|signed| signed.version.clone());
            if had.as_deref() != Some(version.as_str()) {
                person.charter = Some(signature.clone());
            }
            (had, person.status)
        })
        .await?;
    let args = [("version", version.as_str()), ("user", ctx.sender().as_str())];
    if had.as_deref() == Some(version.as_str()) {
        ctx.answer(bot, &bot.texts.render(ctx.lang, Key::CharterAlreadyAccepted, &args), None);
        return Ok(());
    }
    info!(version, "charter accepted");
    ctx.answer(bot, &bot.texts.render(ctx.lang, Key::CharterAccepted, &args), None);
    if status != VolunteerStatus::Vetted {
        let notice = bot.texts.render(bot.config.language, Key::CharterSigned, &args);
        bot.outbox.now(plan::notice_in(&bot.rooms.coordination, notice, Shape::New, None));
    }
    super::profile::ask_once(bot, ctx.sender(), ctx.lang).await?;
    Ok(())
}
