//! `!benevole` / `!volunteer` sends the volunteers' charter in a direct chat, and
//! `!accepte` / `!accept` records that the person accepts it as it is today; the
//! coordination room is told of a newcomer to meet.

use entraide_commands::{Key, Message, Place, VolunteerStatus};
use entraide_storage::{Action, Effect, Lane, Shape, Signature, Target};
use tracing::{error, info};

use super::Ctx;
use crate::{failure::Failure, plan, scheme::Scheme};

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
        lane: Lane::Direct(user.to_string()),
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

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::Lane;
    use entraide_storage::{Action, Signature, Target};

    use super::{accept, send, tell_new_version};
    use crate::cmd::desk::{
        COORDINATION, DIRECT, Desk, Result, TILLEULS, VOLUNTEERS, is_notice_to,
    };

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";

    #[tokio::test]
    async fn in_a_direct_chat_the_charter_and_how_to_accept_it_are_the_answer() -> Result<()> {
        let mut desk = Desk::new().await?;
        send(&desk.scheme, &desk.ctx(DIRECT, MARIE)?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1);
        assert!(is_notice_to(&owed[0], &Target::Id { id: DIRECT.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].starts_with(&desk.scheme.charter.message.plain), "{said:?}");
        assert!(said[0].contains("répondez `!accepte`"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn elsewhere_the_charter_goes_to_a_direct_chat_and_the_answer_says_so() -> Result<()> {
        let mut desk = Desk::new().await?;
        send(&desk.scheme, &desk.ctx_in(TILLEULS, PAUL, Lang::En)?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2);
        assert!(is_notice_to(&owed[0], &Target::Direct { user: PAUL.to_owned() }));
        assert_eq!(owed[0].lane, Lane::Direct(PAUL.to_owned()));
        assert!(is_notice_to(&owed[1], &Target::Id { id: TILLEULS.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("`!accept`"), "{said:?}");
        assert!(said[1].contains("I have sent you the volunteers' charter"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_newcomer_s_acceptance_is_recorded_and_the_coordination_is_told_to_meet_them()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        accept(&desk.scheme, &desk.ctx(DIRECT, PAUL)?).await?;
        let version = desk.scheme.charter.version.clone();
        let signed = desk.scheme.store.person(PAUL)?.charter.ok_or("signed")?;
        assert_eq!(signed.version, version);
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "{owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: DIRECT.to_owned() }));
        assert!(is_notice_to(&owed[1], &Target::Id { id: COORDINATION.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains(&format!("la charte (version {version}) est enregistrée")));
        assert!(said[1].contains("@paul:x a accepté la charte"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn where_the_commune_asks_for_profiles_the_first_acceptance_asks_once() -> Result<()> {
        let mut desk = Desk::with(|config| config.figures.profile = true).await?;
        accept(&desk.scheme, &desk.ctx(TILLEULS, PAUL)?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 3, "{owed:?}");
        assert!(is_notice_to(&owed[2], &Target::Direct { user: PAUL.to_owned() }));
        let old = Signature { at: desk.scheme.now(), version: "0000".to_owned() };
        desk.scheme.store.update_person(PAUL, |person| person.charter = Some(old.clone())).await?;
        accept(&desk.scheme, &desk.ctx(TILLEULS, PAUL)?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 2, "a new version accepted, not asked again: {owed:?}");
        assert!(
            !owed
                .iter()
                .any(|effect| is_notice_to(effect, &Target::Direct { user: PAUL.to_owned() }))
        );
        Ok(())
    }

    #[tokio::test]
    async fn accepting_the_same_version_again_changes_nothing_and_says_so() -> Result<()> {
        let mut desk = Desk::new().await?;
        accept(&desk.scheme, &desk.ctx(DIRECT, PAUL)?).await?;
        let first = desk.scheme.store.person(PAUL)?.charter;
        desk.owed();
        accept(&desk.scheme, &desk.ctx_in(DIRECT, PAUL, Lang::En)?).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.charter, first, "signed when first accepted");
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "the coordination is not told again");
        assert!(said[0].contains("You have already accepted this version"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_vetted_volunteer_accepting_a_new_version_is_not_announced() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        let old = Signature { at: desk.scheme.now(), version: "0000".to_owned() };
        desk.scheme.store.update_person(PAUL, |person| person.charter = Some(old.clone())).await?;
        accept(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?).await?;
        let signed = desk.scheme.store.person(PAUL)?.charter.ok_or("signed")?;
        assert_eq!(signed.version, desk.scheme.charter.version);
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "{owed:?}");
        assert!(is_notice_to(&owed[0], &Target::Id { id: VOLUNTEERS.to_owned() }));
        Ok(())
    }

    #[tokio::test]
    async fn a_new_charter_is_told_once_in_the_volunteers_room_when_someone_signed_an_older_one()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        tell_new_version(&desk.scheme).await;
        assert!(desk.owed().is_empty(), "nobody signed an older one");
        let version = desk.scheme.charter.version.clone();
        assert_eq!(desk.scheme.store.charter_version()?, Some(version.clone()));

        desk.scheme.store.set_charter_version("0000").await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        let old = Signature { at: desk.scheme.now(), version: "0000".to_owned() };
        desk.scheme.store.update_person(PAUL, |person| person.charter = Some(old.clone())).await?;
        tell_new_version(&desk.scheme).await;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1);
        assert!(is_notice_to(&owed[0], &Target::Id { id: VOLUNTEERS.to_owned() }));
        assert!(matches!(&owed[0].action, Action::Notice { mention: None, .. }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("La charte des bénévoles a changé"), "{said:?}");
        assert_eq!(desk.scheme.store.charter_version()?, Some(version));

        tell_new_version(&desk.scheme).await;
        assert!(desk.owed().is_empty(), "told once per version");
        Ok(())
    }
}
