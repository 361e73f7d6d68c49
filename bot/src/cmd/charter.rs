//! `!benevole` / `!volunteer` sends the volunteers' charter in a direct chat, and
//! `!accepte` / `!accept` records that the person accepts it as it is today; the
//! coordination room is told of a newcomer to meet.

use entraide_commands::{Key, Message, Place, VolunteerStatus};
use entraide_storage::{Action, Effect, Shape, Signature, Target};
use tracing::{error, info};

use super::Ctx;
use crate::{effects::plan, failure::Failure, scheme::Scheme};

/// Sends the charter and how to accept it: as the answer in a direct chat, else in the
/// person's direct chat (opened if need be), the answer saying where it went.
pub async fn send(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let how = scheme.texts.render(ctx.lang, Key::CharterHowToAccept, &[]);
    let charter = Message::lines([scheme.charter.message.clone(), how]);
    if ctx.place == Place::Direct {
        ctx.answer(scheme, &charter, None);
        return Ok(());
    }
    let user = ctx.sender().to_string();
    scheme.outbox.now(Effect {
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
    ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::CharterSent, &[]), None);
    Ok(())
}

/// Records the acceptance of today's charter (when, which version); the coordination
/// room hears of someone not yet vetted, who is to be met.
pub async fn accept(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let version = scheme.charter.version.clone();
    let signature = Signature { at: scheme.now(), version: version.clone() };
    let (had, status) = scheme
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
        ctx.answer(
            scheme,
            &scheme.texts.render(ctx.lang, Key::CharterAlreadyAccepted, &args),
            None,
        );
        return Ok(());
    }
    info!(version, "charter accepted");
    ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::CharterAccepted, &args), None);
    if status != VolunteerStatus::Vetted {
        let notice = scheme.texts.render(scheme.config.language, Key::CharterSigned, &args);
        scheme.outbox.now(plan::notice_in(&scheme.rooms.coordination, notice, Shape::New, None));
    }
    super::profile::ask_once(scheme, ctx.sender(), ctx.lang).await?;
    Ok(())
}

/// At start, once per new text: when vetted volunteers accepted an older charter, the
/// volunteers room is told that it changed and how to accept it again (their claims are
/// refused until they do).
pub async fn tell_new_version(scheme: &Scheme) {
    let version = &scheme.charter.version;
    match scheme.store.charter_version() {
        Ok(Some(told)) if told == *version => return,
        Ok(_) => {}
        Err(error) => {
            error!(%error, "cannot read which charter the volunteers were told of");
            return;
        }
    }
    let outdated = scheme.store.people_where(|person| {
        person.status == VolunteerStatus::Vetted
            && person.charter.as_ref().is_some_and(|signed| signed.version != *version)
    });
    match outdated {
        Ok(outdated) if !outdated.is_empty() => {
            info!(volunteers = outdated.len(), version, "a new charter to accept again");
            let notice = scheme.texts.render(scheme.config.language, Key::CharterNewVersion, &[]);
            scheme.outbox.now(plan::notice_in(&scheme.rooms.volunteers, notice, Shape::New, None));
        }
        Ok(_) => {}
        Err(error) => error!(%error, "cannot read who accepted an older charter"),
    }
    if let Err(error) = scheme.store.set_charter_version(version).await {
        error!(%error, "cannot record which charter the volunteers were told of");
    }
}
