//! `!campagne canicule|grand froid|appels|<nom>` / `!campaign heatwave|cold|routine|<name>`:
//! a coordinator starts a check-in campaign over the register: every active entry gets
//! a check-in, spread among the sworn callers by neighbourhood and evenly (with none, the
//! coordinator holds every list), each caller's list sent in their direct chat.
//! `!campagne` shows the board; `!campagne fin` ends it and posts its report (a notice
//! and a CSV, no names).

use std::collections::HashMap;

use entraide_commands::{CampaignAsk, CampaignKind, CommandKind, Key, Message};
use entraide_storage::{Action, Campaign, Effect, Enrolment, Lane, Registration, TransitionError};
use tracing::info;

use super::Ctx;
use crate::{campaign, failure::Failure, scheme::Scheme};

/// Does what `ask` says.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, ask: CampaignAsk) -> Result<(), Failure> {
    match ask {
        CampaignAsk::Board => board(scheme, ctx),
        CampaignAsk::Start(kind) => start(scheme, ctx, kind).await,
        CampaignAsk::End => end(scheme, ctx).await,
    }
}

fn board(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let said = match scheme.store.running_campaign()? {
        Some(running) => {
            let checks = scheme.store.checkins(running.number)?;
            campaign::board(scheme, ctx.lang, &running, &checks)
        }
        None => scheme.texts.render(ctx.lang, Key::CampaignNone, &[]),
    };
    ctx.answer(scheme, &said, None);
    Ok(())
}

async fn start(scheme: &Scheme, ctx: &Ctx, kind: CampaignKind) -> Result<(), Failure> {
    let failed = |error| Failure::Transition(error, CommandKind::Campaign);
    let active = scheme.store.entries_where(|entry| entry.status == Enrolment::Active)?;
    if active.is_empty() {
        ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::CampaignEmpty, &[]), None);
        return Ok(());
    }
    let mut callers: Vec<String> = scheme
        .store
        .people_where(|person| person.is_sworn_caller())?
        .into_iter()
        .map(|(user, _)| user)
        .collect();
    // A small commune's agent calls everyone herself.
    let alone = callers.is_empty();
    if alone {
        callers.push(ctx.sender().to_string());
    }
    let lists = campaign::assign(&active, &callers);
    let entries: HashMap<u64, Registration> =
        active.into_iter().map(|entry| (entry.number, entry)).collect();
    let plan = |running: &Campaign, checks: &[entraide_storage::CheckIn]| {
        let name = campaign::name(scheme, ctx.lang, &running.kind);
        let args = [
            ("name", name),
            ("number", running.number.to_string()),
            ("count", checks.len().to_string()),
            ("callers", callers.len().to_string()),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut said = vec![scheme.texts.render(ctx.lang, Key::CampaignStarted, &args)];
        if alone {
            said.push(scheme.texts.render(ctx.lang, Key::CampaignNoCaller, &[]));
        }
        let mut owed = vec![ctx.reply(scheme, &Message::lines(said), None)];
        owed.extend(campaign::lists(scheme, running, checks, &entries));
        owed
    };
    let started =
        scheme.store.start_campaign(kind, ctx.sender().as_str(), &lists, scheme.now(), plan).await;
    match started {
        Ok((running, queued)) => {
            scheme.outbox.journalled(queued);
            info!(
                campaign = running.number,
                people = lists.len(),
                callers = callers.len(),
                "campaign started"
            );
            Ok(())
        }
        Err(TransitionError::CampaignRunning(number)) => {
            let said = scheme.texts.render(
                ctx.lang,
                Key::CampaignRunning,
                &[("number", &number.to_string())],
            );
            ctx.answer(scheme, &said, None);
            Ok(())
        }
        Err(error) => Err(failed(error)),
    }
}

async fn end(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let Some(running) = scheme.store.running_campaign()? else {
        ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::CampaignNone, &[]), None);
        return Ok(());
    };
    let checks = scheme.store.checkins(running.number)?;
    let every = chrono::TimeDelta::from_std(scheme.config.campaign.round_every)
        .unwrap_or(chrono::TimeDelta::MAX);
    let plan = |over: &Campaign| {
        let (notice, csv) = report(scheme, ctx, over, &checks, every);
        vec![
            ctx.reply(scheme, &notice, None),
            Effect {
                request: 0,
                lane: Lane::room(&ctx.room),
                urgent: false,
                action: Action::SendFile {
                    room: ctx.room.to_string(),
                    name: format!("campagne-{}.csv", over.number),
                    text: csv,
                },
            },
        ]
    };
    let (over, queued) = scheme
        .store
        .end_campaign(running.number, ctx.sender().as_str(), scheme.now(), plan)
        .await
        .map_err(|error| Failure::Transition(error, CommandKind::Campaign))?;
    scheme.outbox.journalled(queued);
    info!(campaign = over.number, "campaign ended");
    Ok(())
}

/// The end report: a notice (people, rounds, calls, reached, visits, alerts, and each
/// round's time until everyone was reached) and its table as CSV. No names.
fn report(
    scheme: &Scheme,
    ctx: &Ctx,
    over: &Campaign,
    checks: &[entraide_storage::CheckIn],
    every: chrono::TimeDelta,
) -> (Message, String) {
    use entraide_storage::CallOutcome;
    let lang = ctx.lang;
    let rounds = campaign::rounds(over, checks, every);
    let calls: usize = checks.iter().map(|c| c.attempts.len()).sum();
    let outcome = |kind: CallOutcome| {
        checks.iter().flat_map(|c| &c.attempts).filter(|a| a.outcome == kind).count()
    };
    let reached = checks
        .iter()
        .filter(|c| {
            c.attempts
                .iter()
                .any(|a| matches!(a.outcome, CallOutcome::Reached | CallOutcome::NeedsHelp))
        })
        .count();
    let escalations = checks
        .iter()
        .map(|c| {
            (1..=over.round)
                .filter(|round| c.unanswered(*round) >= scheme.config.campaign.attempts as usize)
                .count()
        })
        .sum::<usize>();
    let args = [
        ("name", campaign::name(scheme, lang, &over.kind)),
        ("number", over.number.to_string()),
        ("from", scheme.day(over.started_at)),
        ("to", scheme.day(over.ended_at.unwrap_or(over.started_at))),
        ("people", checks.len().to_string()),
        ("rounds", over.round.to_string()),
        ("calls", calls.to_string()),
        ("reached", reached.to_string()),
        ("visits", outcome(CallOutcome::Visit).to_string()),
        ("escalations", escalations.to_string()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut lines = vec![scheme.texts.render(lang, Key::CampaignReport, &args)];
    for round in &rounds {
        let all = round
            .all_within
            .map(|within| {
                let time = scheme.texts.age(lang, within.num_minutes());
                scheme.texts.text(lang, Key::CampaignReportAll, &[("time", &time)])
            })
            .unwrap_or_default();
        let args = [
            ("round", round.round.to_string()),
            ("reached", round.reached.to_string()),
            ("people", round.people.to_string()),
            ("all", all),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lines.push(scheme.texts.render(lang, Key::CampaignReportRound, &args));
    }
    lines.push(scheme.texts.render(lang, Key::CampaignReportFollows, &[]));
    (Message::lines(lines), campaign::report_csv(lang, &rounds))
}

#[cfg(test)]
mod tests {
    use entraide_commands::{CampaignAsk, CampaignKind, register::read_entry};
    use entraide_storage::{Action, NewEntry, Target, Way};

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, Desk, Result};

    #[tokio::test]
    async fn with_no_sworn_caller_the_coordinator_holds_every_list() -> Result<()> {
        let mut desk = Desk::new().await?;
        let start = || CampaignAsk::Start(CampaignKind::Heatwave);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, start()).await?;
        assert!(Desk::said(&desk.owed())[0].contains("aucune inscription active"));
        for n in 1..=3 {
            let text = format!("Personne {n}, 80 ans, {n} rue Haute, 05 56 00 00 0{n}");
            let particulars = read_entry(&text, desk.scheme.today())?;
            let new = NewEntry { particulars, way: Way::Coordinator, entered_by: AGENT.to_owned() };
            desk.scheme.store.enrol(new, None, desk.scheme.now(), |_| Vec::new()).await?;
        }
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, start()).await?;
        let owed = desk.owed();
        let said = Desk::said(&owed);
        assert!(
            said[0].contains("3 personne(s)") && said[0].contains("vous gardez toutes les listes"),
            "{said:?}"
        );
        let agent = Target::Direct { user: AGENT.to_owned() };
        let list = owed.iter().find_map(|e| match &e.action {
            Action::Notice { to, message, .. } if *to == agent => Some(message.plain.clone()),
            _ => None,
        });
        let list = list.ok_or("the list")?;
        assert!(
            list.contains("Personne 1")
                && list.contains("Personne 3")
                && list.contains("05 56 00 00 02"),
            "{list}"
        );
        apply(
            &desk.scheme,
            &desk.ctx(COORDINATION, AGENT)?,
            CampaignAsk::Start(CampaignKind::Cold),
        )
        .await?;
        assert!(Desk::said(&desk.owed())[0].contains("est en cours"));

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, CampaignAsk::Board).await?;
        let board = Desk::said(&desk.owed()).remove(0);
        assert!(
            board.contains("pas encore appelées : 3") && !board.contains("Personne"),
            "{board}"
        );

        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, CampaignAsk::End).await?;
        let owed = desk.owed();
        assert!(Desk::said(&owed)[0].contains("Bilan de la campagne canicule"));
        let table = owed.iter().find_map(|e| match &e.action {
            Action::SendFile { text, .. } => Some(text.clone()),
            _ => None,
        });
        assert_eq!(table.ok_or("the table")?.lines().nth(1), Some("1;3;0;"));
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, CampaignAsk::Board).await?;
        assert!(Desk::said(&desk.owed())[0].contains("Aucune campagne"));
        Ok(())
    }
}
