//! `!demande <texte>` / `!request <text>`: records a request, confirms, relays it.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_commands::{CommandKind, Key, Message, Place, read_repeat, read_request};
use entraide_storage::{
    Action, Effect, NewRequest, Request, RoomKind, State, Target, TransitionError,
};
use tracing::info;

use super::Ctx;
use crate::{
    config::Limits,
    failure::{Failure, Limit},
    plan,
    scheme::Scheme,
};

/// Records the request (marking its event handled, and the requester informed when
/// they are told of their data, in the same transaction) with what it
/// owes: the relay first, then, in the relay's lane, the request taken out of its
/// neighbourhood room where that applies ([`moves_out`]), the confirmation, a series'
/// notice and, the first time a person asks, the notice on their data. Nothing here
/// calls the homeserver: the direct chat a request moves to is opened after the relay.
///
/// `phone_in`: a coordinator's `!pour`, for someone who phoned. The coordinator stands in
/// for the requester (in the private room too), and everything said to the requester
/// goes to the coordination room, where every coordinator can follow it and call back.
pub async fn apply(
    scheme: &Scheme,
    ctx: &Ctx,
    text: String,
    phone_in: bool,
) -> Result<(), Failure> {
    let now = scheme.now();
    if !ctx.roles.coordinator {
        if scheme.store.person(ctx.sender().as_str())?.blocked.is_some() {
            return Err(Failure::Blocked);
        }
        within_limits(scheme, ctx.sender().as_str(), now)?;
    }
    let neighbourhood = match scheme.store.room_kind(ctx.room.as_str())? {
        Some(RoomKind::Neighbourhood { name }) => Some(name),
        _ => None,
    };
    let reading = read_request(&text, now.with_timezone(&scheme.config.timezone));
    // Only the coordinators set up requests that repeat (regular calls and visits they
    // arrange); anyone else's "chaque mardi" is one request, for the next one.
    let every = if ctx.roles.coordinator { read_repeat(&text) } else { None };
    let requester = ctx.sender().as_str();
    // The first time a person asks, they are told what becomes of their data (GDPR
    // Art. 13), in the confirmation; the transaction records it. The person who
    // phoned is told by the coordinator, not the coordinator by the bot.
    let inform = !phone_in && !scheme.store.is_informed(requester)?;
    let move_out = !phone_in && moves_out(scheme, ctx);
    let new = NewRequest {
        requester: requester.to_owned(),
        origin_room: match phone_in {
            true => scheme.rooms.coordination.to_string(),
            false => ctx.room.to_string(),
        },
        neighbourhood,
        text,
        reading,
        lang: ctx.lang,
        informs: inform,
    };
    let owed = |request: &Request| owed(scheme, ctx, request, move_out, inform);
    let created = match every {
        Some(every) => scheme.store.create_series(new, every, ctx.event(), now, owed).await,
        None => scheme.store.create_request(new, ctx.event(), now, owed).await,
    };
    let (request, queued) = match created {
        Ok(created) => created,
        Err(TransitionError::AlreadyHandled) => return Ok(()),
        Err(error) => return Err(Failure::Transition(error, CommandKind::Request)),
    };
    info!(request = request.number, category = ?request.reading.category, "request posted");
    scheme.outbox.journalled(queued);
    // A coordinator posting for someone who phoned is not the one helped.
    if !phone_in {
        super::profile::ask_once(scheme, ctx.sender(), ctx.lang).await?;
    }
    Ok(())
}

/// What a new request owes, in one lane (the relay's), in this order: the relay, which
/// someone waits for at the other end; the request taken out of its room (`move_out`);
/// the confirmation, which says it was passed on, with a series' notice and the notice
/// on personal data (`inform`) in the same message: under rate limits every message
/// counts, and a message of their own would hold the next person's relay back.
fn owed(
    scheme: &Scheme,
    ctx: &Ctx,
    request: &Request,
    move_out: bool,
    inform: bool,
) -> Vec<Effect> {
    let relay = plan::relay(scheme, request);
    let lane = relay.lane.clone();
    // Said where the requester is followed when it is sent: a reply to the command in
    // its room, a new message in the direct chat once the request moved there.
    let answer = |message: Message| {
        let to = Target::Requester { asked_in: ctx.room.to_string() };
        ctx.reply_with(scheme, &message, Some(request), lane.clone(), to)
    };
    let mut owed = vec![relay];
    if move_out {
        owed.push(Effect {
            request: request.number,
            lane: lane.clone(),
            urgent: true,
            action: Action::MoveOut {
                room: ctx.room.to_string(),
                event: ctx.reply_to.event.to_string(),
                user: ctx.sender().to_string(),
                lang: ctx.lang,
            },
        });
    }
    let mut said = vec![scheme.about(request, ctx.lang, Key::RequestConfirmed, &[])];
    if let Some(series) = &request.repeat {
        let ahead = scheme.config.follow_up.repeat_ahead.as_secs() / 60;
        let extra = [
            ("every", scheme.texts.repeat(ctx.lang, series.every)),
            ("ahead", scheme.texts.age(ctx.lang, i64::try_from(ahead).unwrap_or(i64::MAX))),
        ];
        said.push(scheme.about(request, ctx.lang, Key::SeriesStarted, &extra));
    }
    if inform {
        said.push(scheme.privacy_notice(ctx.lang));
    }
    owed.push(answer(Message::paragraphs(said)));
    owed
}

/// Whether the request is to be taken out of the room it was written in: a
/// neighbourhood room, with `remove_requests` on. Whether the bot may remove others'
/// messages there is known to its client: the effect checks it ([`Action::MoveOut`]).
fn moves_out(scheme: &Scheme, ctx: &Ctx) -> bool {
    ctx.place == Place::Neighbourhood && scheme.config.remove_requests
}

/// Refuses a request past the configured limits: too many under way, or too many today
/// (a volunteer's own offers do not count).
pub(super) fn within_limits(
    scheme: &Scheme,
    requester: &str,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let Limits { open_requests, requests_per_day } = scheme.config.limits;
    let mut theirs = scheme.store.requests_of(requester)?;
    theirs.retain(|request| request.state != State::Offered);
    if theirs.iter().filter(|request| request.state.is_active()).count() >= open_requests {
        return Err(Failure::TooMany(Limit::Open(open_requests)));
    }
    let today = theirs.iter().filter(|r| now - r.created_at < TimeDelta::days(1)).count();
    if today >= requests_per_day {
        return Err(Failure::TooMany(Limit::Daily(requests_per_day)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::Lang;
    use entraide_storage::Lane;
    use entraide_storage::{Action, Block, State, Target};

    use super::apply;
    use crate::{
        cmd::desk::{AGENT, COORDINATION, DIRECT, Desk, Result, TILLEULS, VOLUNTEERS},
        config::Limits,
        failure::{Failure, Limit},
    };

    const MARIE: &str = "@marie:x";
    const ASK: &str = "courses pour ma mère demain matin : pain et lait";

    /// The kinds of what is owed, in order: `relay`, `move_out`, or the notice's target.
    fn kinds(owed: &[entraide_storage::Effect]) -> Vec<String> {
        owed.iter()
            .map(|effect| match &effect.action {
                Action::Relay => "relay".to_owned(),
                Action::MoveOut { .. } => "move_out".to_owned(),
                Action::Notice { to: Target::Requester { asked_in }, .. } => {
                    format!("to requester asked in {asked_in}")
                }
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_first_request_in_a_neighbourhood_room_is_relayed_first_then_moved_confirmed_and_explained()
    -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(TILLEULS, MARIE)?;
        apply(&desk.scheme, &ctx, ASK.to_owned(), false).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.state, State::Open);
        assert_eq!(request.requester, MARIE);
        assert_eq!(request.origin_room, TILLEULS, "moved only once a direct chat is open");
        assert_eq!(request.neighbourhood.as_deref(), Some("Les Tilleuls"));
        assert!(desk.scheme.store.is_handled(ctx.event())?, "one transaction marks it handled");
        assert!(desk.scheme.store.is_informed(MARIE)?);
        let owed = desk.owed();
        let asked = format!("to requester asked in {TILLEULS}");
        assert_eq!(kinds(&owed), ["relay", "move_out", &asked], "one message to the requester");
        assert!(
            owed.iter().all(|effect| effect.lane == Lane::room(VOLUNTEERS) && effect.request == 1)
        );
        let said = Desk::said(&owed);
        let [said] = said.as_slice() else { panic!("one answer: {said:?}") };
        let (confirmed, notice) = said.split_once("\n\n").ok_or("two paragraphs")?;
        assert!(confirmed.contains("Demande n°1"), "{said:?}");
        assert!(notice.contains("données"), "the notice on personal data in the same: {said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_second_request_is_not_explained_again() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, ASK.to_owned(), false).await?;
        desk.owed();
        apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, "jardinage samedi".to_owned(), false)
            .await?;
        let asked = format!("to requester asked in {TILLEULS}");
        assert_eq!(kinds(&desk.owed()), ["relay", "move_out", &asked]);
        Ok(())
    }

    #[tokio::test]
    async fn in_a_direct_chat_or_with_remove_requests_off_nothing_moves() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(DIRECT, MARIE)?, ASK.to_owned(), false).await?;
        let asked = format!("to requester asked in {DIRECT}");
        assert_eq!(kinds(&desk.owed()), ["relay", &asked], "confirmed and told of their data");

        let mut desk = Desk::with(|config| config.remove_requests = false).await?;
        apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, ASK.to_owned(), false).await?;
        assert!(!kinds(&desk.owed()).contains(&"move_out".to_owned()));
        Ok(())
    }

    #[tokio::test]
    async fn a_phone_in_is_followed_in_the_coordination_room_and_may_repeat() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx_in(COORDINATION, AGENT, Lang::En)?;
        let text = "call Mrs Martin every tuesday at 10am".to_owned();
        apply(&desk.scheme, &ctx, text, true).await?;
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert_eq!(request.origin_room, COORDINATION);
        assert!(request.repeat.is_some(), "a coordinator's request may repeat");
        assert!(!desk.scheme.store.is_informed(AGENT)?, "the coordinator is not the one helped");
        let asked = format!("to requester asked in {COORDINATION}");
        let owed = desk.owed();
        assert_eq!(kinds(&owed), ["relay", &asked], "confirmed, series explained");
        let said = Desk::said(&owed);
        let (confirmed, series) = said[0].split_once("\n\n").ok_or("two paragraphs")?;
        assert!(confirmed.contains("Request #1"), "{said:?}");
        assert!(series.contains("`!stop 1`"), "{said:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_resident_s_every_tuesday_is_one_request() -> Result<()> {
        let desk = Desk::new().await?;
        let ctx = desk.ctx(TILLEULS, MARIE)?;
        apply(&desk.scheme, &ctx, "ménage chaque mardi".to_owned(), false).await?;
        assert!(desk.scheme.store.request(1)?.ok_or("request 1")?.repeat.is_none());
        Ok(())
    }

    #[tokio::test]
    async fn a_blocked_person_or_one_over_the_limits_is_refused_and_nothing_changes() -> Result<()>
    {
        let mut desk = Desk::new().await?;
        for text in ["un", "deux", "trois"] {
            apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, text.to_owned(), false).await?;
        }
        desk.owed();
        let refused = apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, ASK.to_owned(), false).await;
        assert!(matches!(refused, Err(Failure::TooMany(Limit::Open(3)))), "{refused:?}");
        assert_eq!(desk.scheme.store.request(4)?, None);
        assert!(desk.owed().is_empty());

        let block = Block { at: desk.scheme.now(), reason: None };
        desk.scheme.store.set_blocked("@bob:x", Some(block), AGENT, desk.scheme.now()).await?;
        let refused =
            apply(&desk.scheme, &desk.ctx(TILLEULS, "@bob:x")?, ASK.to_owned(), false).await;
        assert!(matches!(refused, Err(Failure::Blocked)), "{refused:?}");
        assert_eq!(desk.scheme.store.request(4)?, None);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn the_same_event_twice_is_one_request() -> Result<()> {
        let mut desk = Desk::new().await?;
        let ctx = desk.ctx(TILLEULS, MARIE)?;
        apply(&desk.scheme, &ctx, ASK.to_owned(), false).await?;
        desk.owed();
        apply(&desk.scheme, &ctx, ASK.to_owned(), false).await?;
        assert_eq!(desk.scheme.store.request(2)?, None);
        assert!(desk.owed().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_day_s_requests_count_against_the_daily_limit_even_once_cancelled() -> Result<()> {
        let limits = Limits { open_requests: 10, requests_per_day: 2 };
        let mut desk = Desk::with(|config| config.limits = limits).await?;
        apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, ASK.to_owned(), false).await?;
        crate::cmd::cancel::apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, Some(1)).await?;
        apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, "jardinage samedi".to_owned(), false)
            .await?;
        desk.owed();
        let refused =
            apply(&desk.scheme, &desk.ctx(TILLEULS, MARIE)?, "bricolage".to_owned(), false).await;
        assert!(matches!(refused, Err(Failure::TooMany(Limit::Daily(2)))), "{refused:?}");
        assert_eq!(desk.scheme.store.request(3)?, None, "nothing recorded");
        assert!(desk.owed().is_empty(), "nothing owed");

        // The coordination, posting for someone who phoned, is held to no limit.
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        apply(&desk.scheme, &ctx, "courses pour M. Roux".to_owned(), true).await?;
        assert!(desk.scheme.store.request(3)?.is_some(), "the coordination's request is taken");
        Ok(())
    }
}
