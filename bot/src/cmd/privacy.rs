//! `!confidentialite` / `!privacy`: the notice on personal data, at any time.

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Answers with the notice, and records that the person has had it.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    ctx.answer(scheme, &scheme.privacy_notice(ctx.lang), None);
    scheme.store.first_contact(ctx.sender().as_str(), scheme.clock.wall_ms()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::{Action, Shape, Target};

    use super::apply;
    use crate::cmd::desk::{DIRECT, Desk, Result, TILLEULS};

    const MARIE: &str = "@marie:x";

    #[tokio::test]
    async fn the_notice_is_a_reply_where_it_was_asked_and_the_person_counts_as_informed()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        assert!(!desk.scheme.store.is_informed(MARIE)?);
        let ctx = desk.ctx(TILLEULS, MARIE)?;
        apply(&desk.scheme, &ctx).await?;
        assert!(desk.scheme.store.is_informed(MARIE)?);
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "{owed:?}");
        let Action::Notice { to, shape, .. } = &owed[0].action else {
            return Err(format!("not a notice: {owed:?}").into());
        };
        assert_eq!(to, &Target::Id { id: TILLEULS.to_owned() });
        assert!(matches!(shape, Shape::Reply { to } if to.event == ctx.event()), "{shape:?}");
        assert_eq!(owed[0].request, 0, "about no request");
        let said = Desk::said(&owed);
        assert!(said[0].contains("Vos données personnelles"), "{said:?}");
        assert!(said[0].contains("la commune de Saint-Martin"), "the default controller: {said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn the_notice_is_given_again_each_time_it_is_asked_in_the_person_s_language() -> Result<()>
    {
        let mut desk = Desk::with(|config| config.contact = Some("mairie@x".to_owned())).await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?).await?;
        apply(&desk.scheme, &desk.ctx_in(DIRECT, MARIE, Lang::En)?).await?;
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].contains("Vos données personnelles"), "{said:?}");
        assert!(said[1].contains("Your personal data"), "{said:?}");
        assert!(said[1].contains("mairie@x"), "the configured contact: {said:?}");
        assert!(desk.scheme.store.is_informed(MARIE)?);
        Ok(())
    }
}
