//! What the coordinators' decisions about a volunteer share (`!valider`, `!retirer`,
//! `!bannir`, `!debannir`): one transition ([`Store::change_volunteer`]) sets the status,
//! gives back what they held and journals what it owes, answer included; the answer goes
//! once their memberships were changed room by room ([`Action::Moderate`]), so that it
//! says truthfully what was done where.
//!
//! [`Store::change_volunteer`]: entraide_storage::Store::change_volunteer

use entraide_commands::{CommandKind, Message, VolunteerStatus};
use entraide_storage::{
    Action, Effect, Lane, Membership, Queued, Request, StatusChange, Target, TransitionError,
};
use matrix_sdk::ruma::UserId;

use super::Ctx;
use crate::{failure::Failure, plan, scheme::Scheme};

/// A coordinator's decision: the status `user` gets, and why.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    /// The volunteer.
    pub user: &'a UserId,
    /// Their status from now on.
    pub status: VolunteerStatus,
    /// The coordinator's reason or note.
    pub reason: Option<&'a str>,
    /// Vetted without the charter, by the coordinator's decision.
    pub without_charter: bool,
    /// What it changes on Matrix.
    pub membership: Membership,
    /// The command, for a refusal.
    pub kind: CommandKind,
}

/// What a decision owes besides giving back and the memberships, from the status before
/// and the requests given back.
#[derive(Debug)]
pub struct Owed {
    /// The answer's first lines (what was done where follows them).
    pub answer: Message,
    /// Effects that go before the change of memberships (announcements).
    pub before: Vec<Effect>,
    /// Effects that wait for it, in its lane (a welcome, once they are invited).
    pub after: Vec<Effect>,
}

/// Applies `decision` in one transition and hands what it owes to the outbox: first
/// what giving back each request they held owes, then what `owed` adds, then the change
/// of memberships with the answer. Returns the status before.
pub async fn decide(
    scheme: &Scheme,
    ctx: &Ctx,
    decision: Decision<'_>,
    owed: impl Fn(VolunteerStatus, &[u64]) -> Owed,
) -> Result<VolunteerStatus, Failure> {
    let user = decision.user.as_str();
    let held = held_by(scheme, user)?;
    let change = StatusChange {
        user_id: user,
        status: decision.status,
        by: ctx.sender().as_str(),
        reason: decision.reason,
        without_charter: decision.without_charter,
        now: scheme.now(),
    };
    let plan = |before, released: &[(Request, Option<String>)]| {
        let mut all = Vec::new();
        for (request, old_room) in released {
            all.extend(plan::release(scheme, request, old_room.as_deref(), user, None));
        }
        let numbers: Vec<u64> = released.iter().map(|(request, _)| request.number).collect();
        let Owed { answer, before, after } = owed(before, &numbers);
        all.extend(before);
        all.push(moderation(scheme, ctx, user, decision.membership, &answer));
        all.extend(after);
        all
    };
    let (before, _, queued) = scheme
        .store
        .change_volunteer(change, &held, plan)
        .await
        .map_err(|error| Failure::Transition(error, decision.kind))?;
    scheme.outbox.journalled(queued);
    Ok(before)
}

/// The change of `user`'s memberships with the answer `message` to the command, when no
/// status changes (a vetted volunteer invited again): journalled, so that it survives a
/// stop.
pub async fn moderate_only(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &UserId,
    membership: Membership,
    message: &Message,
) -> Result<(), Failure> {
    let effect = moderation(scheme, ctx, user.as_str(), membership, message);
    let queued: Vec<Queued> = scheme
        .store
        .owe(vec![effect])
        .await
        .map_err(|error: TransitionError| Failure::Transition(error, CommandKind::Vet))?;
    scheme.outbox.journalled(queued);
    Ok(())
}

/// The requests `user` holds, each with what its claim still owes in the private room's
/// lane (dropped when it is given back), read before the transition.
fn held_by(scheme: &Scheme, user: &str) -> Result<Vec<(u64, Vec<u64>)>, Failure> {
    let mut held = Vec::new();
    for request in scheme.store.active_requests()? {
        if request.state.holder() == Some(user) {
            held.push((request.number, scheme.store.owed_in(request.number, &Lane::Private)?));
        }
    }
    Ok(held)
}

/// The lane of the change of memberships and the answer: the command's room's.
pub fn moderation_lane(ctx: &Ctx) -> Lane {
    Lane::room(&ctx.room)
}

/// The change of memberships and the answer, in the command's lane.
fn moderation(
    scheme: &Scheme,
    ctx: &Ctx,
    user: &str,
    change: Membership,
    message: &Message,
) -> Effect {
    Effect {
        request: 0,
        lane: moderation_lane(ctx),
        urgent: false,
        action: Action::Moderate {
            user: user.to_owned(),
            change,
            lang: ctx.lang,
            to: Target::Id { id: ctx.room.to_string() },
            message: ctx.in_time(scheme, message),
            shape: ctx.shape(None),
        },
    }
}

/// The numbers of the requests given back, as the answer lists them.
pub fn numbers(released: &[u64]) -> String {
    released.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// The change of memberships owed to `user`, with its answer's first lines, checking
/// that it answers in the coordination room, in its lane (for the commands' tests).
#[cfg(test)]
pub fn moderation_owed(owed: &[Effect], user: &str) -> Option<(Membership, String)> {
    let coordination = crate::cmd::desk::COORDINATION;
    owed.iter().find_map(|effect| match &effect.action {
        Action::Moderate { change, message, user: who, to, .. } => {
            assert_eq!(who, user);
            assert_eq!(to, &Target::Id { id: coordination.to_owned() });
            assert_eq!(effect.lane, Lane::room(coordination));
            Some((*change, message.plain.clone()))
        }
        _ => None,
    })
}
