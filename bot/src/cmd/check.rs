//! `!verifier` / `!check`: where the bot lacks the powers it needs, and which power
//! level to give it there; who is in the coordination room without being a coordinator.
//!
//! The power levels of the rooms the bot manages are read from Matrix first
//! ([`powers::read_levels`]); what it lacks and what it answers are decided from them
//! and the [`Scheme`] alone ([`answer`]).

use entraide_commands::Message;
use matrix_sdk::ruma::OwnedUserId;

use super::Ctx;
use crate::{
    bot::Bot,
    coordination,
    failure::Failure,
    powers::{self, RoomLevels},
    scheme::Scheme,
};

/// Answers with the rooms where the bot lacks powers, or that all is well, and who is
/// in the coordination room without being a coordinator.
pub async fn apply(bot: &Bot, ctx: &Ctx) -> Result<(), Failure> {
    let rooms = powers::read_levels(bot).await;
    let members = coordination::members(bot).await;
    answer(bot, ctx, &rooms, &members);
    Ok(())
}

/// Answers from the power levels read in `rooms` and the coordination room's `members`.
fn answer(scheme: &Scheme, ctx: &Ctx, rooms: &[RoomLevels], members: &[OwnedUserId]) {
    let lacking = powers::lacking(scheme, rooms);
    let report = powers::report(scheme, ctx.lang, &lacking);
    let strangers = coordination::strangers(scheme, members);
    let message = match strangers.is_empty() {
        true => report,
        false => Message::lines([report, coordination::warning(scheme, ctx.lang, &strangers)]),
    };
    ctx.answer(scheme, &message, None);
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::Target;
    use matrix_sdk::ruma::{
        OwnedRoomId, OwnedUserId,
        events::room::power_levels::{
            RoomPowerLevels, RoomPowerLevelsEventContent, RoomPowerLevelsSource,
        },
        int,
        room_version_rules::AuthorizationRules,
    };

    use super::answer;
    use crate::{
        cmd::desk::{AGENT, COORDINATION, Desk, Result, TILLEULS, VOLUNTEERS, is_notice_to},
        powers::RoomLevels,
    };

    /// The bot's id in the desk's configuration.
    const BOT: &str = "@entraide:x";

    /// A room's power levels as a new room has them (invite 0; kick, ban, redact 50),
    /// with the bot at `level`.
    fn room(id: &str, name: &str, level: i64) -> Result<RoomLevels> {
        let rules = AuthorizationRules::V1;
        let mut content = RoomPowerLevelsEventContent::new(&rules);
        content.users.insert(OwnedUserId::try_from(BOT)?, level.try_into()?);
        let levels = RoomPowerLevels::new(
            RoomPowerLevelsSource::Original(content),
            &rules,
            Vec::<OwnedUserId>::new(),
        );
        Ok(RoomLevels { room: OwnedRoomId::try_from(id)?, name: name.to_owned(), levels })
    }

    #[tokio::test]
    async fn with_every_power_it_needs_all_is_well() -> Result<()> {
        let mut desk = Desk::new().await?;
        let rooms = [room(VOLUNTEERS, "Bénévoles", 50)?, room(TILLEULS, "Les Tilleuls", 100)?];
        for (lang, said) in [
            (
                Lang::Fr,
                "Tout va bien : j'ai les pouvoirs qu'il me faut dans chaque salon que je gère.",
            ),
            (Lang::En, "All is well: I have the powers I need in every room I manage."),
        ] {
            answer(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, lang)?, &rooms, &[]);
            let owed = desk.owed();
            assert!(is_notice_to(&owed[0], &Target::Id { id: COORDINATION.to_owned() }));
            assert_eq!(Desk::said(&owed), [said]);
        }
        Ok(())
    }

    #[tokio::test]
    async fn someone_in_the_coordination_room_who_is_no_coordinator_is_named() -> Result<()> {
        let mut desk = Desk::new().await?;
        let rooms = [room(VOLUNTEERS, "Bénévoles", 50)?, room(TILLEULS, "Les Tilleuls", 100)?];
        let members: [OwnedUserId; 3] =
            [AGENT.try_into()?, BOT.try_into()?, "@voisin:x".try_into()?];
        answer(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::Fr)?, &rooms, &members);
        let owed = desk.owed();
        let said = Desk::said(&owed);
        let [said] = said.as_slice() else { panic!("one answer: {said:?}") };
        let mut lines = said.lines();
        assert_eq!(
            lines.next(),
            Some("Tout va bien : j'ai les pouvoirs qu'il me faut dans chaque salon que je gère.")
        );
        let warning = lines.next().unwrap_or_default();
        assert!(warning.contains("pas réservé aux coordinateurs"), "{warning}");
        assert!(warning.contains("@voisin:x") && !warning.contains(AGENT), "{warning}");
        Ok(())
    }

    #[tokio::test]
    async fn a_room_where_it_lacks_powers_is_named_with_the_level_to_give() -> Result<()> {
        let mut desk = Desk::new().await?;
        // A plain member of the neighbourhood room: it cannot ban nor take a request out.
        let mut tilleuls = room(TILLEULS, "Les Tilleuls", 0)?;
        tilleuls.levels.redact = int!(60);
        let rooms = [room(VOLUNTEERS, "Bénévoles", 50)?, tilleuls];
        answer(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::Fr)?, &rooms, &[]);
        let said = Desk::said(&desk.owed());
        let lines: Vec<&str> = said[0].lines().collect();
        assert_eq!(lines.len(), 2, "{said:?}");
        assert!(lines[0].contains("Il me manque des pouvoirs"), "{said:?}");
        assert_eq!(
            lines[1],
            "« Les Tilleuls » : bannir, supprimer les messages des autres (pour retirer une \
             demande du salon) — donnez-moi le niveau 60 dans ce salon (Paramètres → Rôles et \
             permissions)."
        );
        answer(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::En)?, &rooms, &[]);
        let said = Desk::said(&desk.owed());
        assert!(said[0].contains("I lack powers in these rooms"), "{said:?}");
        assert!(
            said[0].ends_with(
                "“Les Tilleuls”: ban, remove other people's messages (to take a request out of \
                 the room) — give me power level 60 in this room (Settings → Roles & \
                 permissions)."
            ),
            "{said:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn what_it_needs_follows_the_room_and_the_configuration() -> Result<()> {
        // Not asked to take requests out of neighbourhood rooms: banning is enough there.
        let mut desk = Desk::with(|config| config.remove_requests = false).await?;
        let mut tilleuls = room(TILLEULS, "Les Tilleuls", 50)?;
        tilleuls.levels.redact = int!(100);
        // A room it does not manage (a direct chat, say) needs nothing.
        let rooms = [tilleuls, room("!elsewhere:x", "Ailleurs", 0)?];
        answer(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::En)?, &rooms, &[]);
        assert_eq!(
            Desk::said(&desk.owed()),
            ["All is well: I have the powers I need in every room I manage."]
        );
        // In the volunteers room it must invite, remove and ban: a level of 0 lacks the
        // last two (inviting needs 0).
        let rooms = [room(VOLUNTEERS, "Bénévoles", 0)?];
        answer(&desk.scheme, &desk.ctx_in(COORDINATION, AGENT, Lang::En)?, &rooms, &[]);
        let said = Desk::said(&desk.owed());
        assert!(
            said[0].ends_with(
                "“Bénévoles”: remove someone from the room, ban — give me power level 50 in \
                 this room (Settings → Roles & permissions)."
            ),
            "{said:?}"
        );
        Ok(())
    }
}
