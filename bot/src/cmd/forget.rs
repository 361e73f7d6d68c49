//! `!oubliemoi` / `!forgetme`, and a coordinator's `!effacer @personne` / `!erase
//! @person`: someone is forgotten (GDPR Art. 17), after a confirmation step.
//!
//! The store forgets them in its own transactions ([`Store::forget`]); what that owes
//! on Matrix is journalled right after: their requests under way cancelled in their
//! private rooms, the requests they held given back and relayed again, the bot's
//! messages about them taken down (relays, private rooms, direct chats), their direct
//! chats left. The erasure is logged without saying whose.
//!
//! [`Store::forget`]: entraide_storage::Store::forget

use std::collections::HashMap;

use entraide_commands::{CommandKind, Key, Message, Place, VolunteerStatus};
use entraide_storage::{
    Action, AuditAction, Effect, Forgotten, Lane, PersonData, RoomKind, Shape, Target,
};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{Ctx, journal::announce};
use crate::{effects::plan, failure::Failure, scheme::Scheme};

/// Who asked for the erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The person themselves (`!oubliemoi`).
    Themselves,
    /// A coordinator, for someone who asked by phone or letter (`!effacer`).
    Coordinator,
}

/// Says what would be erased and how to confirm; confirmed, forgets `user`.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    confirmed: bool,
    by: By,
) -> Result<(), Failure> {
    let kind = match by {
        By::Themselves => CommandKind::ForgetMe,
        By::Coordinator => CommandKind::Erase,
    };
    let say = |key: Key, args: &[(&str, &str)]| scheme.texts.render(ctx.lang, key, args);
    if !confirmed {
        let ask = match by {
            By::Themselves => say(Key::ForgetMeAsk, &[]),
            By::Coordinator => say(Key::EraseAsk, &[("user", user.as_str())]),
        };
        ctx.answer(scheme, &ask, None);
        return Ok(());
    }
    let now = scheme.now();
    let data = scheme.store.person_data(user.as_str(), now)?;
    if knows_nothing(&data) {
        if by == By::Coordinator {
            scheme.store.record_erasure(ctx.sender().as_str(), now).await?;
            announce(scheme, ctx, AuditAction::Erase, None, None);
        }
        let key = match by {
            By::Themselves => Key::ForgetMeNothing,
            By::Coordinator => Key::EraseNothing,
        };
        ctx.answer(scheme, &say(key, &[]), None);
        return Ok(());
    }
    // The private rooms of the claims they hold, which the store forgets with the claims.
    let held: HashMap<u64, String> = scheme
        .store
        .active_requests()?
        .into_iter()
        .filter(|request| request.state.holder() == Some(user.as_str()))
        .filter_map(|request| Some((request.number, request.private_room?)))
        .collect();
    let forgotten = scheme.store.forget(user.as_str(), now).await?;
    let actor = match by {
        By::Themselves => forgotten.pseudonym.as_str(),
        By::Coordinator => ctx.sender().as_str(),
    };
    scheme.store.record_erasure(actor, now).await?;
    if by == By::Coordinator {
        announce(scheme, ctx, AuditAction::Erase, None, None);
    }
    info!(requests = forgotten.requests.len(), ?by, "a person forgotten");

    let done = match by {
        By::Themselves => say(Key::ForgetMeDone, &[]),
        By::Coordinator => {
            say(Key::EraseDone, &[("requests", &forgotten.requests.len().to_string())])
        }
    };
    let mut owed = owed_on_matrix(
        scheme,
        user,
        &forgotten,
        &held,
        data.person.is_some_and(|p| p.status == VolunteerStatus::Vetted),
    )?;
    answer_then_leave(scheme, ctx, &done, &forgotten, &mut owed);
    let queued = scheme.store.owe(owed).await.map_err(|error| Failure::Transition(error, kind))?;
    scheme.outbox.journalled(queued);
    Ok(())
}

/// Whether the store holds nothing about the person.
fn knows_nothing(data: &PersonData) -> bool {
    data.person.is_none()
        && data.informed_at.is_none()
        && data.direct_rooms.is_empty()
        && data.requests.is_empty()
        && data.helped.is_empty()
        && data.log.is_empty()
}

/// What forgetting `user` owes on Matrix, but for their direct chats.
fn owed_on_matrix(
    scheme: &Scheme,
    user: &UserId,
    forgotten: &Forgotten,
    held: &HashMap<u64, String>,
    was_vetted: bool,
) -> Result<Vec<Effect>, Failure> {
    let mut owed = Vec::new();
    // Under rate limits, what other people wait for (a relay, a confirmation) goes
    // before taking messages down; a notice to the volunteer stays urgent.
    let in_room = |number: u64, room: &str, action: Action| Effect {
        request: number,
        lane: Lane::room(room),
        urgent: matches!(action, Action::Notice { .. }),
        action,
    };
    // Their requests: the bot's messages in their private rooms taken down (the intro
    // quotes the whole text); a claim under way is told that it ends.
    for &number in &forgotten.requests {
        let Some(request) = scheme.store.request(number)? else { continue };
        let Some(room) = request.private_room.as_deref() else { continue };
        owed.push(in_room(number, room, Action::Scrub { room: room.to_owned(), about: None }));
        if forgotten.cancelled.contains(&number) {
            let n = number.to_string();
            let message =
                scheme.texts.render(request.lang, Key::CancelledForgotten, &[("number", &n)]);
            owed.push(in_room(
                number,
                room,
                Action::Notice {
                    to: Target::Id { id: room.to_owned() },
                    message,
                    shape: Shape::New,
                    mention: None,
                },
            ));
        }
    }
    // The requests they held: given back, as a release owes.
    for &number in &forgotten.released {
        let Some(request) = scheme.store.request(number)? else { continue };
        let old_room = held.get(&number).map(String::as_str);
        owed.extend(plan::release(scheme, &request, old_room, user.as_str(), None));
    }
    // The relays of their requests.
    for (room, event) in &forgotten.redact {
        let (room, event, reason) = (room.clone(), event.clone(), Key::RedactedForgotten);
        owed.push(in_room(0, &room, Action::Redact { room: room.clone(), event, reason }));
    }
    // The bot's messages that name them in the rooms it shares with others: answers and
    // notices in neighbourhood rooms, threads in the volunteers room, the coordinators'.
    let shared = scheme.store.rooms_where(|kind| matches!(kind, RoomKind::Neighbourhood { .. }))?;
    let own = [scheme.rooms.volunteers.to_string(), scheme.rooms.coordination.to_string()];
    for room in shared.iter().chain(&own) {
        let about = Some(user.to_string());
        owed.push(in_room(0, room, Action::Scrub { room: room.clone(), about }));
    }
    // No longer a vetted volunteer: out of the volunteers room.
    if was_vetted {
        let room = scheme.rooms.volunteers.to_string();
        owed.push(in_room(0, &room, Action::Remove { room: room.clone(), user: user.to_string() }));
    }
    Ok(owed)
}

/// The answer to the command, and each direct chat of the person's taken down and left:
/// when the command was written in one, the answer comes after the bot's older
/// messages there are taken down, and before it leaves.
fn answer_then_leave(
    scheme: &Scheme,
    ctx: &Ctx,
    done: &Message,
    forgotten: &Forgotten,
    owed: &mut Vec<Effect>,
) {
    let here = ctx.room.as_str();
    let mut answered = false;
    for room in &forgotten.direct_rooms {
        let in_room = |action| Effect { request: 0, lane: Lane::room(room), urgent: false, action };
        owed.push(in_room(Action::Scrub { room: room.clone(), about: None }));
        if room == here && ctx.place == Place::Direct {
            owed.push(ctx.reply(scheme, done, None));
            answered = true;
        }
        owed.push(in_room(Action::Leave { room: room.clone() }));
    }
    if !answered {
        owed.push(ctx.reply(scheme, done, None));
    }
}

#[cfg(test)]
mod tests {
    use entraide_commands::VolunteerStatus;
    use entraide_storage::{Action, Lane, State, Target};

    use super::{By, apply};
    use crate::cmd::desk::{AGENT, COORDINATION, DIRECT, Desk, Result, TILLEULS, user};

    const MARIE: &str = "@marie:x";
    const PAUL: &str = "@paul:x";

    #[tokio::test]
    async fn unconfirmed_it_only_asks_and_forgets_nothing() -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, &user(MARIE)?, false, By::Themselves)
            .await?;
        let said = Desk::said(&desk.owed());
        assert_eq!(said.len(), 1, "{said:?}");
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.requester, MARIE, "nothing forgotten yet");
        Ok(())
    }

    #[tokio::test]
    async fn confirmed_in_their_direct_chat_they_are_forgotten_answered_there_then_left()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, &user(MARIE)?, true, By::Themselves).await?;
        let owed = desk.owed();
        let store = &desk.scheme.store;
        let request = store.request(1)?.ok_or("request 1")?;
        assert_ne!(request.requester, MARIE, "a pseudonym in their place");
        assert!(matches!(request.state, State::Cancelled { .. }), "{:?}", request.state);
        // No tree names them but the journal of what is owed on Matrix (their direct
        // chat, to leave), until it is carried out.
        assert_eq!(store.trees_holding(MARIE.as_bytes())?, ["effects"]);
        let in_direct: Vec<_> =
            owed.iter().filter(|effect| effect.lane == Lane::room(DIRECT)).collect();
        // Their direct chat: the bot's messages taken down, the answer, then it leaves.
        assert!(matches!(in_direct.first().map(|e| &e.action), Some(Action::Scrub { .. })));
        assert!(matches!(in_direct.last().map(|e| &e.action), Some(Action::Leave { .. })));
        let answered = owed.iter().any(|effect| {
            matches!(&effect.action, Action::Notice { to, .. }
                if *to == Target::Id { id: DIRECT.to_owned() })
        });
        assert!(answered, "{owed:?}");
        // Everything owed is journalled: a stop resumes it.
        assert_eq!(store.pending_effects()?.len(), owed.len());
        Ok(())
    }

    #[tokio::test]
    async fn a_coordinator_erases_a_volunteer_whose_claim_goes_back_and_who_leaves_the_room()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.volunteer(PAUL, VolunteerStatus::Vetted).await?;
        desk.request(MARIE, "courses demain").await?;
        desk.claimed(1, PAUL, Some("!private-1:x")).await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, &user(PAUL)?, true, By::Coordinator)
            .await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.state, State::Open, "given back");
        assert_eq!(request.requester, MARIE, "the requester is not the one forgotten");
        let owed = desk.owed();
        assert!(owed.iter().any(|effect| effect.action == Action::Relay), "relayed again");
        let volunteers = desk.scheme.rooms.volunteers.to_string();
        assert!(owed.iter().any(|effect| matches!(&effect.action,
            Action::Remove { room, user } if *room == volunteers && user == PAUL)));
        // Only what is owed on Matrix names them (removing them from the room).
        assert_eq!(desk.scheme.store.trees_holding(PAUL.as_bytes())?, ["effects"]);
        // On record without saying whose.
        let erased = desk.scheme.store.audit()?;
        assert!(erased.iter().all(|entry| entry.target.as_deref() != Some(PAUL)));
        Ok(())
    }

    #[tokio::test]
    async fn someone_the_store_does_not_know_is_said_so() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(TILLEULS, "@inconnu:x")?;
        apply(&desk.scheme, &ctx, &user("@inconnu:x")?, true, By::Themselves).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "only the answer: {owed:?}");
        assert!(desk.scheme.store.pending_effects()?.is_empty());
        Ok(())
    }
}
