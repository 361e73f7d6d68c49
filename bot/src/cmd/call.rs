//! `!appel <n°> ok|absent|besoin …|visite` / `!call <no.> ok|noanswer|needs …|visit`: a
//! caller records a call of their list (a coordinator may record any). No answer: the
//! caller is reminded to try again after `campaign.retry_after`, and after
//! `campaign.attempts` tries in the round the coordinators are alerted with the
//! emergency contact and the address. A need becomes a request of the scheme at once,
//! and the coordinators are told; a visit alerts them.

use entraide_commands::{CallSaid, CommandKind, Key, Message};
use entraide_storage::{CallOutcome, CallRule, CheckIn, CheckStatus, TransitionError};
use tracing::info;

use super::Ctx;
use crate::{bot::Bot, campaign, failure::Failure};

/// Records how the call of entry `number` went.
pub async fn apply(bot: &Bot, ctx: &Ctx, number: u64, said: CallSaid) -> Result<(), Failure> {
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
        need.handled_as = Some(format!("{}#need", ctx.reply_to.event));
        need.roles.coordinator = true;
        super::request::apply(bot, &need, format!("{what}{area}"), true).await?;
    }
    Ok(())
}
