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
