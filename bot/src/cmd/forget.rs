//! `!oubliemoi` / `!forgetme`, and a coordinator's `!effacer @personne` / `!erase
//! @person`: someone is forgotten (GDPR Art. 17), after a confirmation step.
//!
//! One transition ([`Store::forget`]) forgets them, records the erasure without saying
//! whose and journals what that owes on Matrix, so that a crash loses none of it: their
//! requests under way cancelled in their private rooms, the requests they held given back
//! and relayed again, the bot's messages about them taken down (relays, private rooms,
//! direct chats), their direct chats left, the coordinators told, the answer.
//!
//! [`Store::forget`]: entraide_storage::Store::forget

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entraide_commands::{Key, Message, Place, VolunteerStatus};
use entraide_storage::{
    Action, AuditAction, Effect, ErasedBy, Forgotten, Lane, PersonData, Request, RoomKind, Shape,
    Target,
};
use matrix_sdk::ruma::UserId;
use tracing::info;

use super::{Ctx, journal::announcement};
use crate::{failure::Failure, plan, scheme::Scheme};

/// Who asked for the erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The person themselves (`!oubliemoi`).
    Themselves,
    /// A coordinator, for someone who asked by phone or letter (`!effacer`).
    Coordinator,
}

/// What the plan of the erasure needs from the store, read before its transaction (a
/// plan runs inside it and reads nothing else).
#[derive(Debug)]
struct Before {
    /// The private rooms of the claims they hold, which the store forgets with the claims.
    held: HashMap<u64, String>,
    /// The neighbourhood rooms, where the bot's messages may name them.
    neighbourhoods: Vec<String>,
    /// Whether they were a vetted volunteer (then in the volunteers room).
    was_vetted: bool,
}

/// Says what would be erased and how to confirm; confirmed, forgets `user`.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    confirmed: bool,
    by: By,
) -> Result<(), Failure> {
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
        return nothing_known(scheme, ctx, by, now).await;
    }
    let before = Before {
        held: scheme
            .store
            .active_requests()?
            .into_iter()
            .filter(|request| request.state.holder() == Some(user.as_str()))
            .filter_map(|request| Some((request.number, request.private_room?)))
            .collect(),
        neighbourhoods: scheme
            .store
            .rooms_where(|kind| matches!(kind, RoomKind::Neighbourhood { .. }))?,
        was_vetted: data.person.is_some_and(|p| p.status == VolunteerStatus::Vetted),
    };
    let erased_by = match by {
        By::Themselves => ErasedBy::Themselves,
        By::Coordinator => ErasedBy::Coordinator(ctx.sender().as_str()),
    };
    let plan = |forgotten: &Forgotten, changed: &[Request]| {
        owed(scheme, ctx, user, by, &before, forgotten, changed)
    };
    let (forgotten, queued) = scheme.store.forget(user.as_str(), now, erased_by, plan).await?;
    // The plan owes at least the answer: nothing journalled is nothing found after all.
    if queued.is_empty() {
        return nothing_known(scheme, ctx, by, now).await;
    }
    info!(requests = forgotten.requests.len(), ?by, "a person forgotten");
    scheme.outbox.journalled(queued);
    Ok(())
}

/// Someone the store knows nothing of: said so; a coordinator's erasure is on record all
/// the same (they were asked for it), with what it owes.
async fn nothing_known(
    scheme: &Scheme,
    ctx: &Ctx,
    by: By,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let key = match by {
        By::Themselves => Key::ForgetMeNothing,
        By::Coordinator => Key::EraseNothing,
    };
    let answer = scheme.texts.render(ctx.lang, key, &[]);
    match by {
        By::Themselves => ctx.answer(scheme, &answer, None),
        By::Coordinator => {
            let owed = announcement(scheme, ctx, AuditAction::Erase, None, None)
                .into_iter()
                .chain([ctx.reply(scheme, &answer, None)])
                .collect();
            let queued = scheme.store.record_erasure(ctx.sender().as_str(), now, owed).await?;
            scheme.outbox.journalled(queued);
        }
    }
    Ok(())
}

/// What forgetting `user` owes on Matrix, from what was forgotten and the requests it
/// changed (as they now stand): the coordinators told of a coordinator's erasure, what
/// it owes in the rooms, then the answer and their direct chats left.
fn owed(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    by: By,
    before: &Before,
    forgotten: &Forgotten,
    changed: &[Request],
) -> Vec<Effect> {
    let mut owed = Vec::new();
    if by == By::Coordinator {
        owed.extend(announcement(scheme, ctx, AuditAction::Erase, None, None));
    }
    owed.extend(owed_in_rooms(scheme, user, before, forgotten, changed));
    let done = match by {
        By::Themselves => scheme.texts.render(ctx.lang, Key::ForgetMeDone, &[]),
        By::Coordinator => {
            let requests = forgotten.requests.len().to_string();
            scheme.texts.render(ctx.lang, Key::EraseDone, &[("requests", &requests)])
        }
    };
    answer_then_leave(scheme, ctx, &done, forgotten, &mut owed);
    owed
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

/// What forgetting `user` owes in the rooms, but for the answer and their direct chats.
fn owed_in_rooms(
    scheme: &Scheme,
    user: &UserId,
    before: &Before,
    forgotten: &Forgotten,
    changed: &[Request],
) -> Vec<Effect> {
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
    let request = |number: u64| changed.iter().find(|request| request.number == number);
    for &number in &forgotten.requests {
        let Some(request) = request(number) else { continue };
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
        let Some(request) = request(number) else { continue };
        let old_room = before.held.get(&number).map(String::as_str);
        owed.extend(plan::release(scheme, request, old_room, user.as_str(), None));
    }
    // The relays of their requests.
    for (room, event) in &forgotten.redact {
        let (room, event, reason) = (room.clone(), event.clone(), Key::RedactedForgotten);
        owed.push(in_room(0, &room, Action::Redact { room: room.clone(), event, reason }));
    }
    // The bot's messages that name them in the rooms it shares with others: answers and
    // notices in neighbourhood rooms, threads in the volunteers room, the coordinators'.
    let own = [scheme.rooms.volunteers.to_string(), scheme.rooms.coordination.to_string()];
    for room in before.neighbourhoods.iter().chain(&own) {
        let about = Some(user.to_string());
        owed.push(in_room(0, room, Action::Scrub { room: room.clone(), about }));
    }
    // No longer a vetted volunteer: out of the volunteers room.
    if before.was_vetted {
        let room = scheme.rooms.volunteers.to_string();
        owed.push(in_room(0, &room, Action::Remove { room: room.clone(), user: user.to_string() }));
    }
    owed
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
    use entraide_storage::{Action, AuditAction, Effect, Lane, Outcome, State, Target};

    use super::{By, apply};
    use crate::cmd::desk::{
        AGENT, COORDINATION, DIRECT, Desk, Result, TILLEULS, is_notice_to, user,
    };

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
        // Everything owed is journalled with the forgetting: a stop resumes it.
        let journalled: Vec<Effect> =
            store.pending_effects()?.into_iter().map(|queued| queued.effect).collect();
        assert_eq!(journalled, owed);
        // The erasure on record, by the pseudonym that now stands for them.
        let record = store.audit()?.pop().ok_or("the record")?;
        assert_eq!(
            (record.action, record.actor, record.target),
            (AuditAction::Erase, request.requester, None)
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_coordinator_erasing_outside_the_coordination_room_journals_it_all_at_once()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        desk.request(MARIE, "courses demain").await?;
        apply(&desk.scheme, &desk.ctx(TILLEULS, AGENT)?, &user(MARIE)?, true, By::Coordinator)
            .await?;
        let owed = desk.owed();
        let store = &desk.scheme.store;
        // The coordinators told, first; the answer in the neighbourhood room, last.
        let coordination = Target::Id { id: COORDINATION.to_owned() };
        assert!(owed.first().is_some_and(|effect| is_notice_to(effect, &coordination)), "{owed:?}");
        let here = Target::Id { id: TILLEULS.to_owned() };
        assert!(owed.last().is_some_and(|effect| is_notice_to(effect, &here)), "{owed:?}");
        assert_eq!(
            Desk::said(&owed[owed.len() - 1..]),
            [
                "C'est fait : les données de cette personne sont effacées (1 demande(s)). L'effacement est consigné au journal, sans son identifiant."
            ]
        );
        // All of it journalled in the forgetting's transaction, with the record.
        let journalled: Vec<Effect> =
            store.pending_effects()?.into_iter().map(|queued| queued.effect).collect();
        assert_eq!(journalled, owed);
        let record = store.audit()?.pop().ok_or("the record")?;
        assert_eq!(
            (record.action, record.actor.as_str(), record.target),
            (AuditAction::Erase, AGENT, None)
        );
        let logged = store.log()?.pop().ok_or("the log")?;
        assert_eq!(
            (logged.number, logged.outcome, logged.actor.as_str()),
            (0, Outcome::Erased, AGENT)
        );
        Ok(())
    }

    #[tokio::test]
    async fn someone_unknown_erased_by_a_coordinator_is_on_record_and_answered() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, &user("@inconnu:x")?, true, By::Coordinator).await?;
        let owed = desk.owed();
        assert_eq!(owed.len(), 1, "only the answer, written where the coordinators are: {owed:?}");
        let journalled: Vec<Effect> =
            desk.scheme.store.pending_effects()?.into_iter().map(|queued| queued.effect).collect();
        assert_eq!(journalled, owed, "with the record");
        let record = desk.scheme.store.audit()?.pop().ok_or("the record")?;
        assert_eq!((record.action, record.actor.as_str()), (AuditAction::Erase, AGENT));
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
