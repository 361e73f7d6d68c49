//! `!appel <n°> ok|absent|besoin …|visite` / `!call <no.> ok|noanswer|needs …|visit`: a
//! caller records a call of their list (a coordinator may record any). No answer: the
//! caller is reminded to try again after `campaign.retry_after`, and after
//! `campaign.attempts` tries in the round the coordinators are alerted with the
//! emergency contact and the address. A need becomes a request of the scheme at once,
//! and the coordinators are told; a visit alerts them. With the person's consent, their
//! emergency contact is told the news in a direct chat (reached; not reached, the
//! coordination is going round).

use entraide_commands::{CallSaid, CommandKind, Key, Message};
use entraide_storage::{CallOutcome, CallRule, CheckIn, CheckStatus, TransitionError};
use tracing::info;

use super::Ctx;
use crate::{campaign, failure::Failure, scheme::Scheme};

/// Records how the call of entry `number` went.
pub async fn apply(bot: &Scheme, ctx: &Ctx, number: u64, said: CallSaid) -> Result<(), Failure> {
    let lang = ctx.lang;
    let texts = &bot.texts;
    let with_number = |key: Key| texts.render(lang, key, &[("number", &number.to_string())]);
    let Some(running) = bot.store.running_campaign()? else {
        ctx.answer(bot, &texts.render(lang, Key::CallNoCampaign, &[]), None);
        return Ok(());
    };
    // Read first: who may record it, and what the alerts need.
    let check = bot.store.checkin(running.number, number)?;
    let sender = ctx.sender().as_str();
    if !check.is_some_and(|check| check.caller == sender || ctx.roles.coordinator) {
        ctx.answer(bot, &with_number(Key::CallNotYours), None);
        return Ok(());
    }
    let Some(entry) = bot.store.entry(number)? else {
        ctx.answer(bot, &with_number(Key::CallNotYours), None);
        return Ok(());
    };
    let config = bot.config.campaign;
    let rule = CallRule {
        retry_after: chrono::TimeDelta::from_std(config.retry_after)
            .unwrap_or(chrono::TimeDelta::MAX),
        attempts: config.attempts,
    };
    let outcome = match &said {
        CallSaid::Reached => CallOutcome::Reached,
        CallSaid::NoAnswer => CallOutcome::NoAnswer,
        CallSaid::NeedsHelp(_) => CallOutcome::NeedsHelp,
        CallSaid::Visit => CallOutcome::Visit,
    };
    let what = match &said {
        CallSaid::NeedsHelp(what) => Some(what.as_str()),
        _ => None,
    };
    let now = bot.now();
    let plan = |check: &CheckIn| {
        let tries = check.unanswered(running.round).to_string();
        let answer = match check.status {
            CheckStatus::Reached => with_number(Key::CallReached),
            CheckStatus::NoAnswer => {
                let time = check
                    .retry_at
                    .map(|at| at.with_timezone(&bot.config.timezone).format("%H:%M").to_string())
                    .unwrap_or_default();
                let args = [("number", number.to_string()), ("tries", tries), ("time", time)];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                texts.render(lang, Key::CallNoAnswer, &args)
            }
            CheckStatus::Escalated => {
                let args = [("number", number.to_string()), ("tries", tries)];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                texts.render(lang, Key::CallEscalated, &args)
            }
            CheckStatus::NeedsHelp => {
                let args =
                    [("number", number.to_string()), ("what", what.unwrap_or_default().to_owned())];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                texts.render(lang, Key::CallNeeds, &args)
            }
            CheckStatus::Visit => with_number(Key::CallVisit),
            CheckStatus::Waiting => Message::default(),
        };
        let mut owed = vec![ctx.reply(bot, &answer, None)];
        owed.extend(campaign::alert(bot, &running, check, &entry, what));
        owed.extend(campaign::family(bot, check, &entry));
        owed
    };
    let recorded = bot
        .store
        .record_call(running.number, number, sender, outcome, rule, now, plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Call));
    let (check, queued) = match recorded {
        Ok(done) => done,
        Err(Failure::Transition(TransitionError::NotOnList(_), _)) => {
            ctx.answer(bot, &with_number(Key::CallNotYours), None);
            return Ok(());
        }
        Err(failure) => return Err(failure),
    };
    bot.outbox.journalled(queued);
    info!(campaign = running.number, status = ?check.status, "a call recorded");
    // A need becomes a request of the scheme at once, posted as for someone who phoned:
    // the caller stands in for the person.
    if let Some(what) = what {
        let area =
            entry.particulars.area.as_deref().map(|area| format!(" ({area})")).unwrap_or_default();
        // The call is one event, marked handled; the request another decision. The caller
        // acts for the coordination here: a person's needs are not held to the limits
        // of what one resident may ask.
        let mut need = ctx.clone();
        need.handled_as = Some(format!("{}#need", ctx.event()));
        need.roles.coordinator = true;
        super::request::apply(bot, &need, format!("{what}{area}"), true).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use entraide_commands::{
        CallSaid, CampaignAsk, CampaignKind,
        register::{Contact, Particulars, read_entry},
    };
    use entraide_storage::{Action, CheckStatus, Effect, Lane, NewEntry, Target, Way};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, DIRECT, Desk, Result, is_notice_to};

    /// Mme Lefèvre's daughter, on Matrix, whom Mme Lefèvre agreed be told.
    const CLAIRE: &str = "@claire:x";
    /// M. Roux's son, on Matrix, whom M. Roux did not agree be told.
    const PIERRE: &str = "@pierre:x";

    /// A desk with two entries on the register and a heat-wave campaign the agent calls.
    async fn running() -> Result<Desk> {
        let desk = Desk::new().await?;
        for text in [
            "Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56, contact sa fille 06 11 22 33 44",
            "M. Roux, 90 ans, 3 place du Marché, 05 56 00 00 00",
        ] {
            enrol(&desk, read_entry(text, desk.scheme.today())?).await?;
        }
        campaign(desk).await
    }

    /// A desk with two entries whose emergency contacts are on Matrix: n°1, Mme Lefèvre,
    /// agreed that her daughter Claire be told; n°2, M. Roux, did not agree for his son
    /// Pierre. A heat-wave campaign the agent calls is running.
    async fn families() -> Result<Desk> {
        let desk = Desk::new().await?;
        for (text, contact, consent) in [
            ("Mme Lefèvre, 87 ans, 12 rue des Lilas, 05 56 12 34 56", ("sa fille", CLAIRE), true),
            ("M. Roux, 90 ans, 3 place du Marché, 05 56 00 00 00", ("son fils", PIERRE), false),
        ] {
            let mut particulars = read_entry(text, desk.scheme.today())?;
            let (name, account) = contact;
            particulars.contact = Some(Contact {
                name: name.to_owned(),
                phone: Some("06 11 22 33 44".to_owned()),
                matrix: Some(account.to_owned()),
            });
            particulars.family_told = consent;
            enrol(&desk, particulars).await?;
        }
        campaign(desk).await
    }

    /// Enters `particulars` on the register, as the agent.
    async fn enrol(desk: &Desk, particulars: Particulars) -> Result<()> {
        let new = NewEntry { particulars, way: Way::Coordinator, entered_by: AGENT.to_owned() };
        desk.scheme.store.enrol(new, None, desk.scheme.now(), |_| Vec::new()).await?;
        Ok(())
    }

    /// `desk` with a heat-wave campaign started by the agent, its lists sent.
    async fn campaign(mut desk: Desk) -> Result<Desk> {
        let ctx = desk.ctx(COORDINATION, AGENT)?;
        crate::cmd::campaign::apply(
            &desk.scheme,
            &ctx,
            CampaignAsk::Start(CampaignKind::Heatwave, entraide_commands::Scope::default()),
        )
        .await?;
        desk.owed();
        Ok(desk)
    }

    /// Whether `effect` goes to `user`'s direct chat, by its target or its lane.
    fn to_direct_chat_of(effect: &Effect, user: &str) -> bool {
        is_notice_to(effect, &Target::Direct { user: user.to_owned() })
            || effect.lane == Lane::Direct(user.to_owned())
    }

    #[tokio::test]
    async fn a_call_is_recorded_by_its_caller_only_and_nothing_without_a_campaign() -> Result<()> {
        let mut desk = Desk::new().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, CallSaid::Reached).await?;
        assert!(Desk::said(&desk.owed())[0].contains("Aucune campagne"));
        let mut desk = running().await?;
        // The bench's direct chat is Marie's: she calls nobody.
        apply(&desk.scheme, &desk.ctx(DIRECT, "@marie:x")?, 1, CallSaid::Reached).await?;
        assert!(Desk::said(&desk.owed())[0].contains("pas sur votre liste"));
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 7, CallSaid::Reached).await?;
        assert!(Desk::said(&desk.owed())[0].contains("pas sur votre liste"));
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, CallSaid::Reached).await?;
        assert!(Desk::said(&desk.owed())[0].contains("joint·e, tout va bien"));
        assert_eq!(
            desk.scheme.store.checkin(1, 1)?.ok_or("check-in")?.status,
            CheckStatus::Reached
        );
        Ok(())
    }

    #[tokio::test]
    async fn three_unanswered_calls_alert_the_coordinators_with_the_contact() -> Result<()> {
        let mut desk = running().await?;
        for _ in 0..2 {
            apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, CallSaid::NoAnswer).await?;
            let said = Desk::said(&desk.owed());
            assert_eq!(said.len(), 1, "to the caller only: {said:?}");
        }
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, CallSaid::NoAnswer).await?;
        let owed = desk.owed();
        let alert = owed.iter().find_map(|effect| match &effect.action {
            Action::Notice { to: Target::Confidential { asked_by }, message, .. } => {
                Some((asked_by, message))
            }
            _ => None,
        });
        let (asked_by, message) = alert.ok_or("the alert")?;
        assert_eq!(asked_by, AGENT);
        assert!(
            message.plain.contains("06 11 22 33 44") && message.plain.contains("12 rue des Lilas"),
            "{}",
            message.plain
        );
        assert_eq!(
            desk.scheme.store.checkin(1, 1)?.ok_or("check-in")?.status,
            CheckStatus::Escalated
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_need_becomes_a_request_and_an_alert() -> Result<()> {
        let mut desk = running().await?;
        let said = CallSaid::NeedsHelp("courses pour demain".to_owned());
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 2, said).await?;
        let owed = desk.owed();
        assert!(owed.iter().any(|e| matches!(e.action, Action::Relay)), "relayed: {owed:?}");
        let alerted = Desk::said(&owed);
        assert!(
            alerted.iter().any(|s| s.contains("a besoin de") && s.contains("place du Marché")),
            "{alerted:?}"
        );
        let request = desk.scheme.store.request(1)?.ok_or("request 1")?;
        assert!(request.text.contains("courses pour demain"), "{}", request.text);
        Ok(())
    }

    #[tokio::test]
    async fn the_family_is_told_the_person_was_reached_only_with_their_consent() -> Result<()> {
        let mut desk = families().await?;
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, CallSaid::Reached).await?;
        let owed = desk.owed();
        let told: Vec<&Effect> =
            owed.iter().filter(|effect| to_direct_chat_of(effect, CLAIRE)).collect();
        let [told] = told.as_slice() else {
            return Err(format!("one notice to Claire's direct chat: {owed:?}").into());
        };
        assert!(
            is_notice_to(told, &Target::Direct { user: CLAIRE.to_owned() }),
            "a notice to Claire: {told:?}"
        );
        assert_eq!(told.lane, Lane::Direct(CLAIRE.to_owned()), "in her direct chat's lane");
        let said = Desk::said(std::slice::from_ref(*told));
        assert!(
            said[0].contains("Nouvelles de Mme Lefèvre") && said[0].contains("tout va bien"),
            "the news names the person: {said:?}"
        );
        assert!(
            owed.iter().all(|effect| !to_direct_chat_of(effect, PIERRE)),
            "nothing to the other family: {owed:?}"
        );

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 2, CallSaid::Reached).await?;
        let owed = desk.owed();
        assert!(
            Desk::said(&owed)[0].contains("joint·e, tout va bien"),
            "the caller is answered: {owed:?}"
        );
        let direct = owed.iter().filter(|effect| {
            matches!(
                (&effect.action, &effect.lane),
                (Action::Notice { to: Target::Direct { .. }, .. }, _) | (_, Lane::Direct(_))
            )
        });
        assert_eq!(direct.count(), 0, "M. Roux did not agree: no direct chat is told: {owed:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_need_is_the_coordinators_to_follow_not_news_for_the_family() -> Result<()> {
        let mut desk = families().await?;
        let said = CallSaid::NeedsHelp("médicaments à la pharmacie".to_owned());
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, said).await?;
        let owed = desk.owed();
        assert!(
            owed.iter().all(|effect| !to_direct_chat_of(effect, CLAIRE)),
            "neither « all well » nor « not reached » would be true: {owed:?}"
        );
        let alerted = owed.iter().any(|effect| {
            matches!(&effect.action, Action::Notice { to: Target::Confidential { .. }, .. })
        });
        assert!(alerted, "the coordinators are alerted: {owed:?}");
        assert_eq!(
            desk.scheme.store.checkin(1, 1)?.ok_or("check-in")?.status,
            CheckStatus::NeedsHelp,
            "the need is recorded"
        );
        Ok(())
    }

    #[tokio::test]
    async fn the_family_hears_only_once_the_last_try_failed() -> Result<()> {
        let mut desk = families().await?;
        for _ in 0..2 {
            apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, CallSaid::NoAnswer).await?;
            let owed = desk.owed();
            assert!(
                owed.iter().all(|effect| !to_direct_chat_of(effect, CLAIRE)),
                "one call unanswered is no news yet: {owed:?}"
            );
        }
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, 1, CallSaid::NoAnswer).await?;
        let owed = desk.owed();
        let told: Vec<Effect> =
            owed.iter().filter(|effect| to_direct_chat_of(effect, CLAIRE)).cloned().collect();
        let said = Desk::said(&told);
        assert_eq!(said.len(), 1, "one notice to Claire: {owed:?}");
        assert!(
            said[0].contains("Nouvelles de Mme Lefèvre") && said[0].contains("pas de réponse"),
            "{said:?}"
        );
        Ok(())
    }
}
