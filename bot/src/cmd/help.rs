//! `!aide` / `!help`: the commands this person may use in this room.

use entraide_commands::rules;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Answers with the help lines of what the author may use here.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let message = scheme.texts.help(ctx.lang, &rules::allowed(ctx.roles, ctx.place));
    ctx.answer(scheme, &message, None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::Target;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result, TILLEULS, VOLUNTEERS, is_notice_to};

    #[tokio::test]
    async fn a_resident_in_a_neighbourhood_room_is_told_how_to_ask_not_how_to_vet() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(TILLEULS, "@marie:x")?).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1);
        assert!(is_notice_to(&owed[0], &Target::Id { id: TILLEULS.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].starts_with("Commandes possibles ici :"), "{said:?}");
        assert!(said[0].contains("• `!demande <texte>`"), "{said:?}");
        assert!(!said[0].contains("`!valider"), "{said:?}");
        assert!(!said[0].contains("`!prendre"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn what_is_listed_follows_the_roles_and_the_room_in_the_language_asked() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::En)?).await?;
        let said = Desk::said(&desk.owed());
        assert!(said[0].starts_with("Commands you can use here:"), "{said:?}");
        assert!(said[0].contains("• `!vet @person [note]`"), "{said:?}");

        desk.volunteer("@paul:x", VolunteerStatus::Vetted).await?;
        apply(&desk.scheme, &desk.ctx_in(VOLUNTEERS, "@paul:x", Lang::En)?).await?;
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("• `!take <n>`"), "{said:?}");
        assert!(!said[0].contains("`!vet"), "not a coordinator: {said:?}");
        Ok(())
    }
}
