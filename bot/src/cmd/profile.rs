//! `!profil [âge] [genre]` / `!profile [age] [gender]`, in a direct chat: a person
//! declares, shows or erases the optional profile the commune's figures count (when the
//! commune turned it on: `[figures] profile`). Also the one question that invites them
//! to, asked once in their direct chat.

use entraide_commands::{Key, Lang, Profile, ProfileAnswer};
use entraide_storage::{Action, Effect, Lane, Shape, Target};
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
        ProfileAnswer::Set(_) if !scheme.config.figures.profile => Key::ProfileOff,
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
        // Showing too: what is kept is said, also after the commune turned the question
        // off (until it is erased).
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
                None if !scheme.config.figures.profile => Key::ProfileOff,
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
        lane: Lane::Direct(user.to_string()),
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

#[cfg(test)]
mod tests {
    use entraide_commands::{AgeBand, Gender, Lang, Profile, ProfileAnswer};
    use entraide_storage::Lane;
    use entraide_storage::{Action, Shape, Target};

    use super::{apply, ask_once};
    use crate::cmd::desk::{DIRECT, Desk, Result, user};

    const MARIE: &str = "@marie:x";
    const OLDER_WOMAN: Profile =
        Profile { age: Some(AgeBand::From75To84), gender: Some(Gender::Woman) };

    /// A desk whose commune turned the question on.
    async fn profiles_on() -> Result<Desk> {
        Desk::with(|config| config.figures.profile = true).await
    }

    #[tokio::test]
    async fn a_declared_profile_is_kept_and_said_back_then_shown() -> Result<()> {
        let mut desk = profiles_on().await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Set(OLDER_WOMAN)).await?;
        let record = desk.scheme.store.profile(MARIE)?.ok_or("a profile record")?;
        assert_eq!(record.profile, OLDER_WOMAN);
        assert!(record.answered_at.is_some());
        apply(&desk.scheme, &desk.ctx_in(DIRECT, MARIE, Lang::En)?, ProfileAnswer::Show).await?;
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].contains("c'est noté : 75 à 84 ans, femme"), "{said:?}");
        assert!(said[1].contains("What I keep for the figures: 75 to 84, woman"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn with_the_question_off_nothing_is_kept_but_erasing_still_works() -> Result<()> {
        let mut desk = Desk::new().await?;
        assert!(!desk.scheme.config.figures.profile, "off unless the commune turns it on");
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Set(OLDER_WOMAN)).await?;
        assert_eq!(desk.scheme.store.profile(MARIE)?, None, "nothing kept");
        // Kept while the question was on, then turned off: it is still shown as kept,
        // and can be erased.
        desk.scheme.store.set_profile(MARIE, Some(OLDER_WOMAN), desk.scheme.now()).await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Show).await?;
        let shown = Desk::said(&desk.owed()[1..]);
        assert!(!shown[0].contains("ne recueille pas"), "what is kept is said: {shown:?}");
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Clear).await?;
        let record = desk.scheme.store.profile(MARIE)?.ok_or("the record stays")?;
        assert_eq!(record.profile, Profile::default());
        assert_eq!(record.answered_at, None);
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("C'est effacé"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn showing_an_empty_or_erased_profile_says_none_is_kept() -> Result<()> {
        let mut desk = profiles_on().await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Show).await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Set(OLDER_WOMAN)).await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Clear).await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ProfileAnswer::Show).await?;
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 4, "{said:?}");
        for shown in [&said[0], &said[3]] {
            assert!(shown.contains("Je ne garde aucun profil pour vous"), "{said:?}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn the_question_is_asked_once_in_the_direct_chat_and_only_when_on() -> Result<()> {
        let mut desk = Desk::new().await?;
        let marie = user(MARIE)?;
        ask_once(&desk.scheme, &marie, Lang::Fr).await?;
        assert!(desk.owed().is_empty(), "off: not asked");
        assert_eq!(desk.scheme.store.profile(MARIE)?, None, "nor counted as asked");

        desk.scheme.config.figures.profile = true;
        ask_once(&desk.scheme, &marie, Lang::Fr).await?;
        ask_once(&desk.scheme, &marie, Lang::Fr).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "asked once: {owed:?}");
        assert_eq!(owed[0].lane, Lane::Direct(MARIE.to_owned()));
        let Action::Notice { to, shape, .. } = &owed[0].action else {
            return Err(format!("not a notice: {owed:?}").into());
        };
        assert_eq!(to, &Target::Direct { user: MARIE.to_owned() });
        assert_eq!(shape, &Shape::New);
        assert!(Desk::said(&owed)[0].contains("Une question facultative"), "{owed:?}");
        let record = desk.scheme.store.profile(MARIE)?.ok_or("asked")?;
        assert!(record.asked_at.is_some());
        Ok(())
    }
}
