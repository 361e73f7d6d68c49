//! `!version` / `!about`: which version of the bot runs, since when, and what it serves
//! (neighbourhood rooms, direct chats, private rooms, requests under way), for a
//! coordinator checking that it is alive and up to date.

use entraide_commands::Key;
use entraide_storage::RoomKind;

use super::Ctx;
use crate::{failure::Failure, scheme::Scheme};

/// The version the bot was built from.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Answers with the version, the time since the start and the rooms served.
pub async fn apply(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let names = scheme.neighbourhood_names()?;
    let direct = scheme.store.rooms_where(|kind| matches!(kind, RoomKind::Direct { .. }))?;
    let active = scheme.store.active_requests()?;
    let private = active.iter().filter(|request| request.private_room.is_some()).count();
    let minutes = scheme.clock.wall_ms().saturating_sub(scheme.started_ms) / 60_000;
    let uptime = scheme.texts.age(ctx.lang, i64::try_from(minutes).unwrap_or(i64::MAX));
    let listed = match names.is_empty() {
        true => String::new(),
        false => format!(" ({})", names.join(", ")),
    };
    let args = [
        ("version", VERSION.to_owned()),
        ("uptime", uptime),
        ("neighbourhoods", names.len().to_string()),
        ("names", listed),
        ("direct", direct.len().to_string()),
        ("private", private.to_string()),
        ("open", active.len().to_string()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::VersionInfo, &args), None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::Target;

    use super::{VERSION, apply};
    use crate::cmd::desk::{AGENT, COORDINATION, DIRECT, Desk, Result, is_notice_to};

    #[tokio::test]
    async fn it_says_the_version_the_uptime_and_what_it_serves() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request("@marie:x", "courses demain").await?;
        desk.request("@jean:x", "jardinage samedi").await?;
        desk.claimed(1, "@paul:x", Some("!private-1:x")).await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?).await?;
        let owed = desk.owed();
        assert!(is_notice_to(&owed[0], &Target::Id { id: COORDINATION.to_owned() }));
        let said = &Desk::said(&owed)[0];
        assert!(said.starts_with(&format!("entraide {VERSION}, en marche depuis")), "{said}");
        assert!(said.contains("1 salon(s) de quartier (Les Tilleuls)"), "{said}");
        assert!(said.contains("1 discussion(s) directe(s)"), "{said}");
        assert!(said.contains("1 salon(s) privé(s)"), "{said}");
        assert!(said.contains("2 demande(s) en cours"), "{said}");
        Ok(())
    }

    #[tokio::test]
    async fn in_english_in_a_direct_chat() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx_in(DIRECT, AGENT, Lang::En)?).await?;
        let said = &Desk::said(&desk.owed())[0];
        assert!(said.contains(&format!("entraide {VERSION}, running for")), "{said}");
        assert!(said.contains("0 request(s) under way"), "{said}");
        Ok(())
    }
}
