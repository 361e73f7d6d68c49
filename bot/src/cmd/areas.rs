//! `!quartiers Centre, Les Tilleuls` / `!areas …`: the neighbourhoods a volunteer
//! prefers, whose relays mention them; alone, what they are; `aucun` / `none`: none.

use entraide_commands::{Key, fold};

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// Shows, clears or sets the volunteer's areas. Names are matched without case or
/// accents against the neighbourhoods the bot serves; one it does not know changes
/// nothing and gets the known names.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, names: Option<&[String]>) -> Result<(), Failure> {
    let (texts, lang) = (&scheme.texts, ctx.lang);
    let known = scheme.neighbourhood_names()?;
    let known_list = if known.is_empty() {
        texts.text(lang, Key::NoNeighbourhood, &[])
    } else {
        known.join(", ")
    };
    let example = match known.as_slice() {
        [] => "Centre".to_owned(),
        [one] => one.clone(),
        [one, two, ..] => format!("{one}, {two}"),
    };
    let user = ctx.sender().as_str();
    let Some(names) = names else {
        let areas = scheme.store.person(user)?.areas;
        let message = if areas.is_empty() {
            texts.render(lang, Key::AreasEmpty, &[("known", &known_list), ("example", &example)])
        } else {
            let args = [("areas", areas.join(", ")), ("known", known_list), ("example", example)];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            texts.render(lang, Key::AreasShow, &args)
        };
        ctx.answer(scheme, &message, None);
        return Ok(());
    };
    let mut chosen: Vec<String> = Vec::new();
    for name in names {
        let Some(found) = known.iter().find(|known| fold(known) == fold(name)) else {
            let args = [("name", name.as_str()), ("known", known_list.as_str())];
            ctx.answer(scheme, &texts.render(lang, Key::AreasUnknown, &args), None);
            return Ok(());
        };
        if !chosen.contains(found) {
            chosen.push(found.clone());
        }
    }
    let areas = chosen.join(", ");
    scheme.store.update_person(user, |person| person.areas.clone_from(&chosen)).await?;
    let message = if chosen.is_empty() {
        texts.render(lang, Key::AreasNone, &[])
    } else {
        texts.render(lang, Key::AreasSet, &[("areas", &areas)])
    };
    ctx.answer(scheme, &message, None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{Lang, VolunteerStatus};
    use entraide_storage::{RoomKind, Target};

    use super::apply;
    use crate::cmd::desk::{Desk, Result, VOLUNTEERS, is_notice_to};

    const PAUL: &str = "@paul:x";

    /// A desk with a second neighbourhood, « Écluses », and Paul a vetted volunteer.
    async fn desk() -> Result<Desk> {
        let desk = Desk::new().await?;
        let ecluses = RoomKind::Neighbourhood { name: "Écluses".to_owned() };
        desk.scheme.store.set_room_kind("!ecluses:x", &ecluses).await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        Ok(desk)
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[tokio::test]
    async fn alone_it_says_there_are_none_yet_and_lists_the_known_neighbourhoods() -> Result<()> {
        let mut desk = desk().await?;
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1);
        assert!(is_notice_to(&owed[0], &Target::Id { id: VOLUNTEERS.to_owned() }));
        let said = Desk::said(&owed);
        assert!(said[0].contains("pas de quartier préféré"), "{said:?}");
        assert!(said[0].contains("Les Tilleuls, Écluses"), "known, sorted: {said:?}");
        assert!(desk.scheme.store.person(PAUL)?.areas.is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn names_are_matched_without_case_or_accents_recorded_once_and_shown() -> Result<()> {
        let mut desk = desk().await?;
        let chosen = names(&["ecluses", "LES TILLEULS", "Écluses"]);
        apply(&desk.scheme, &desk.ctx_in(VOLUNTEERS, PAUL, Lang::En)?, Some(&chosen)).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.areas, ["Écluses", "Les Tilleuls"]);
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("your neighbourhoods are Écluses, Les Tilleuls"), "{said:?}");

        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, None).await?;
        let said = Desk::said(&desk.owed());
        assert!(said[0].starts_with("Vos quartiers : Écluses, Les Tilleuls."), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn an_unknown_name_changes_nothing_and_gets_the_known_names() -> Result<()> {
        let mut desk = desk().await?;
        let first = names(&["Les Tilleuls"]);
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, Some(&first)).await?;
        desk.owed();
        let second = names(&["Écluses", "Centre"]);
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, Some(&second)).await?;
        assert_eq!(desk.scheme.store.person(PAUL)?.areas, ["Les Tilleuls"], "unchanged");
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1);
        assert!(said[0].contains("Je ne connais pas le quartier « Centre »"), "{said:?}");
        assert!(said[0].contains("Les Tilleuls, Écluses"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn none_clears_the_areas() -> Result<()> {
        let mut desk = desk().await?;
        let first = names(&["Les Tilleuls"]);
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, Some(&first)).await?;
        desk.owed();
        apply(&desk.scheme, &desk.ctx(VOLUNTEERS, PAUL)?, Some(&[])).await?;
        assert!(desk.scheme.store.person(PAUL)?.areas.is_empty());
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("pas de quartier préféré. Vous voyez toujours"), "{said:?}");
        Ok(())
    }
}
