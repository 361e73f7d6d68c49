//! `!profil [âge] [genre]` / `!profile [age] [gender]`, in a direct chat: a person
//! declares, shows or erases the optional profile the commune's figures count (when the
//! commune turned it on: `[figures] profile`). Also the one question that invites them
//! to, asked once in their direct chat.

use entraide_commands::{Key, Lang, Profile, ProfileAnswer};
use entraide_storage::{Action, Effect, Shape, Target};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::Ctx;
use crate::{
    failure::Failure,
    report::{age_key, gender_key},
    scheme::Scheme,
};

/// Keeps, shows or erases the sender's profile.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, answer: ProfileAnswer) -> Result<(), Failure> {
    let user = ctx.sender().as_str();
    let lang = ctx.lang;
    let key = match answer {
        // Erasing is always possible, also after the commune turned the question off.
        ProfileAnswer::Clear => {
            scheme.store.set_profile(user, None, scheme.now()).await?;
            info!("a profile erased");
            Key::ProfileCleared
        }
        _ if !scheme.config.figures.profile => Key::ProfileOff,
        ProfileAnswer::Set(profile) => {
            scheme.store.set_profile(user, Some(profile), scheme.now()).await?;
            info!("a profile declared");
            let said = describe(scheme, lang, profile);
            ctx.answer(
                scheme,
                &scheme.texts.render(lang, Key::ProfileSaved, &[("profile", &said)]),
                None,
            );
            return Ok(());
        }
        ProfileAnswer::Show => {
            let kept = scheme.store.profile(user)?.map(|record| record.profile);
            match kept.filter(|profile| *profile != Profile::default()) {
                Some(profile) => {
                    let said = describe(scheme, lang, profile);
                    let message =
                        scheme.texts.render(lang, Key::ProfileShow, &[("profile", &said)]);
                    ctx.answer(scheme, &message, None);
                    return Ok(());
                }
                None => Key::ProfileNone,
            }
        }
    };
    ctx.answer(scheme, &scheme.texts.render(lang, key, &[]), None);
    Ok(())
}

/// Asks `user`, in their direct chat, for their optional profile: once in their life
/// with the scheme, and only where the commune turned the question on.
pub async fn ask_once(scheme: &Scheme, user: &UserId, lang: Lang) -> Result<(), Failure> {
    if !scheme.config.figures.profile
        || !scheme.store.ask_profile_once(user.as_str(), scheme.now()).await?
    {
        return Ok(());
    }
    scheme.outbox.now(Effect {
        request: 0,
        lane: format!("direct:{user}"),
        urgent: false,
        action: Action::Notice {
            to: Target::Direct { user: user.to_string() },
            message: scheme.texts.render(lang, Key::ProfileAsk, &[]),
            shape: Shape::New,
            mention: None,
        },
    });
    Ok(())
}

/// A profile as a sentence fragment ("75 à 84 ans, femme").
fn describe(scheme: &Scheme, lang: Lang, profile: Profile) -> String {
    let mut parts = Vec::new();
    if let Some(age) = profile.age {
        parts.push(scheme.texts.text(lang, age_key(age), &[]));
    }
    if let Some(gender) = profile.gender {
        parts.push(scheme.texts.text(lang, gender_key(gender), &[]));
    }
    parts.join(", ")
}
