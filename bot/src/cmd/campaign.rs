//! `!campagne canicule|grand froid|appels|<nom>` / `!campaign heatwave|cold|routine|<name>`:
//! a coordinator starts a check-in campaign over the register: every active entry gets
//! a check-in, spread among the sworn callers by neighbourhood and evenly (with none, the
//! coordinator holds every list), each caller's list sent in their direct chat; or over
//! a part of it (`!campagne appels 75 ans et plus, quartier Centre`).
//! The board is one message pinned in the coordination room, posted at the start and
//! edited as calls are recorded; `!campagne` brings it up to date (and shows it whole
//! anywhere else); `!campagne fin` ends it and posts its report (a notice, a chart and
//! a CSV, no names), which `!campagne bilan [n°]` shows again.

use std::collections::HashMap;

use entraide_commands::{CampaignAsk, CampaignKind, CommandKind, Key, Message, Scope};
use entraide_storage::{Action, Campaign, Effect, Enrolment, Lane, Registration, TransitionError};
use tracing::info;

use super::Ctx;
use crate::{campaign, failure::Failure, report::campaign::campaign_report, scheme::Scheme};

/// Does what `ask` says.
pub async fn apply(scheme: &Scheme, ctx: &Ctx, ask: CampaignAsk) -> Result<(), Failure> {
    match ask {
        CampaignAsk::Board => board(scheme, ctx),
        CampaignAsk::Start(kind, scope) => start(scheme, ctx, kind, &scope).await,
        CampaignAsk::End => end(scheme, ctx).await,
        CampaignAsk::Report(number) => report(scheme, ctx, number),
    }
}

fn board(scheme: &Scheme, ctx: &Ctx) -> Result<(), Failure> {
    let Some(running) = scheme.store.running_campaign()? else {
        ctx.answer(scheme, &scheme.texts.render(ctx.lang, Key::CampaignNone, &[]), None);
        return Ok(());
    };
    let checks = scheme.store.checkins(running.number)?;
    if ctx.room != scheme.rooms.coordination {
        ctx.answer(
            scheme,
            &campaign::board(campaign::BoardClock::of(scheme), ctx.lang, &running, &checks),
            None,
        );
        return Ok(());
    }
    // In the coordination room the board is one pinned message, brought up to date;
    // the answer points to it with the counts.
    let pinned = scheme.texts.render(ctx.lang, Key::BoardPinned, &[]);
    let said = Message::lines([pinned, campaign::counts(&scheme.texts, ctx.lang, &checks)]);
    ctx.answer(scheme, &said, None);
    scheme.outbox.now(campaign::board_effect(scheme, running.number, scheme.config.language));
    Ok(())
}

async fn start(
    scheme: &Scheme,
    ctx: &Ctx,
    kind: CampaignKind,
    scope: &Scope,
) -> Result<(), Failure> {
    let failed = |error| Failure::Transition(error, CommandKind::Campaign);
    let today = scheme.today();
    let active = scheme.store.entries_where(|entry| {
        entry.status == Enrolment::Active && scope.takes(&entry.particulars, today)
    })?;
    let scoped = campaign::scope(scheme, ctx.lang, scope);
    if active.is_empty() {
        let said = match &scoped {
            None => scheme.texts.render(ctx.lang, Key::CampaignEmpty, &[]),
            Some(scope) => {
                scheme.texts.render(ctx.lang, Key::CampaignScopeEmpty, &[("scope", scope)])
            }
        };
        ctx.answer(scheme, &said, None);
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
        let name = scheme.texts.campaign(ctx.lang, &running.kind);
        let args = [
            ("name", name),
            ("number", running.number.to_string()),
            ("count", checks.len().to_string()),
            ("callers", callers.len().to_string()),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut said = vec![scheme.texts.render(ctx.lang, Key::CampaignStarted, &args)];
        if let Some(scope) = &scoped {
            said.push(scheme.texts.render(ctx.lang, Key::CampaignScope, &[("scope", scope)]));
        }
        if alone {
            said.push(scheme.texts.render(ctx.lang, Key::CampaignNoCaller, &[]));
        }
        let mut owed = vec![ctx.reply(scheme, &Message::lines(said), None)];
        owed.push(campaign::board_effect(scheme, running.number, scheme.config.language));
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
    let plan = |over: &Campaign| {
        let report =
            campaign_report(&scheme.texts, &scheme.config, ctx.lang, over, &checks, scheme.now());
        vec![
            campaign::board_effect(scheme, over.number, scheme.config.language),
            ctx.reply(scheme, &report.notice, None),
            files(ctx, over.number),
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

/// The report of campaign `number`, else of the running one so far, else of the last.
fn report(scheme: &Scheme, ctx: &Ctx, number: Option<u64>) -> Result<(), Failure> {
    let shown = match number {
        Some(number) => scheme.store.campaign(number)?,
        None => scheme.store.campaigns()?.pop(),
    };
    let Some(shown) = shown else {
        let said = match number {
            Some(number) => scheme.texts.render(
                ctx.lang,
                Key::CampaignReportNone,
                &[("number", &number.to_string())],
            ),
            None => scheme.texts.render(ctx.lang, Key::CampaignReportNever, &[]),
        };
        ctx.answer(scheme, &said, None);
        return Ok(());
    };
    let checks = scheme.store.checkins(shown.number)?;
    let report =
        campaign_report(&scheme.texts, &scheme.config, ctx.lang, &shown, &checks, scheme.now());
    ctx.answer(scheme, &report.notice, None);
    scheme.outbox.now(files(ctx, shown.number));
    Ok(())
}

/// The report's chart and table, posted where the command was written.
fn files(ctx: &Ctx, campaign: u64) -> Effect {
    Effect {
        request: 0,
        lane: Lane::room(&ctx.room),
        urgent: false,
        action: Action::CampaignReport { room: ctx.room.to_string(), campaign, lang: ctx.lang },
    }
}

#[cfg(test)]
mod tests {
    use entraide_commands::{CampaignAsk, CampaignKind, Lang, Scope, register::read_entry};
    use entraide_storage::{Action, Lane, NewEntry, Target, Way};
    use matrix_sdk::ruma::owned_user_id;

    use super::apply;
    use crate::cmd::desk::{AGENT, COORDINATION, DIRECT, Desk, Result, is_notice_to};
    use crate::report::campaign::campaign_report;

    #[tokio::test]
    async fn with_no_sworn_caller_the_coordinator_holds_every_list() -> Result<()> {
        let mut desk = Desk::new().await?;
        let start = || CampaignAsk::Start(CampaignKind::Heatwave, Scope::default());
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
            CampaignAsk::Start(CampaignKind::Cold, Scope::default()),
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
        assert!(
            owed.iter().any(|e| matches!(e.action, Action::CampaignReport { campaign: 1, .. }))
        );
        let over = desk.scheme.store.campaign(1)?.ok_or("the campaign")?;
        let checks = desk.scheme.store.checkins(1)?;
        let scheme = &desk.scheme;
        let report =
            campaign_report(&scheme.texts, &scheme.config, Lang::Fr, &over, &checks, scheme.now());
        assert_eq!(report.csv().lines().nth(1), Some("1;3;0;"));
        let png = report.png()?;
        let decoded = png::Decoder::new(std::io::Cursor::new(png)).read_info()?;
        assert_eq!((decoded.info().width, decoded.info().height), crate::report::SIZE);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, CampaignAsk::Report(None)).await?;
        assert!(Desk::said(&desk.owed())[0].contains("Bilan de la campagne canicule"));
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, CampaignAsk::Report(Some(9))).await?;
        assert!(Desk::said(&desk.owed())[0].contains("Pas de campagne n°9"));
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, CampaignAsk::Board).await?;
        assert!(Desk::said(&desk.owed())[0].contains("Aucune campagne"));
        Ok(())
    }

    #[tokio::test]
    async fn a_routine_round_calls_only_the_part_of_the_register_asked_for() -> Result<()> {
        let mut desk = Desk::new().await?;
        for (text, area) in [
            ("Mme Une, 85 ans, 1 rue Haute, 05 56 00 00 01", "Centre"),
            ("M. Deux, 70 ans, 2 rue Haute, 05 56 00 00 02", "Centre"),
            ("Mme Trois, 3 rue Basse, 05 56 00 00 03", "Centre"),
            ("M. Quatre, 90 ans, 4 rue Basse, 05 56 00 00 04", "Les Tilleuls"),
        ] {
            let mut particulars = read_entry(text, desk.scheme.today())?;
            particulars.area = Some(area.to_owned());
            let new = NewEntry { particulars, way: Way::Coordinator, entered_by: AGENT.to_owned() };
            desk.scheme.store.enrol(new, None, desk.scheme.now(), |_| Vec::new()).await?;
        }
        let scope = Scope { min_age: Some(80), area: Some("centre".to_owned()) };
        let ask = CampaignAsk::Start(CampaignKind::Routine, scope);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, ask).await?;
        let said = Desk::said(&desk.owed());
        assert!(
            said[0].contains("80 ans et plus") && said[0].contains("quartier centre"),
            "{said:?}"
        );
        // The one of 85, and the one whose age is not known; not the one of 70, nor the
        // one of another neighbourhood.
        let called: Vec<u64> = desk.scheme.store.checkins(1)?.iter().map(|c| c.entry).collect();
        assert_eq!(called, [1, 3]);
        let nobody = Scope { min_age: None, area: Some("La Gare".to_owned()) };
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, CampaignAsk::End).await?;
        desk.owed();
        let ask = CampaignAsk::Start(CampaignKind::Routine, nobody);
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, ask).await?;
        assert!(Desk::said(&desk.owed())[0].contains("Aucune inscription active ne correspond"));
        Ok(())
    }

    #[tokio::test]
    async fn the_lists_go_to_the_sworn_callers_not_to_the_coordinator() -> Result<()> {
        let mut desk = Desk::new().await?;
        for caller in [owned_user_id!("@luc:x"), owned_user_id!("@zoe:x")] {
            let ctx = desk.ctx(COORDINATION, AGENT)?;
            crate::cmd::caller::apply(&desk.scheme, &ctx, Some(&caller), false).await?;
            crate::cmd::pledge::apply(&desk.scheme, &desk.ctx(DIRECT, caller.as_str())?).await?;
        }
        for n in 1..=3 {
            let text = format!("Personne {n}, 80 ans, {n} rue Haute, 05 56 00 00 0{n}");
            let particulars = read_entry(&text, desk.scheme.today())?;
            let new = NewEntry { particulars, way: Way::Coordinator, entered_by: AGENT.to_owned() };
            desk.scheme.store.enrol(new, None, desk.scheme.now(), |_| Vec::new()).await?;
        }
        desk.owed();
        let start = CampaignAsk::Start(CampaignKind::Heatwave, Scope::default());
        apply(&desk.scheme, &desk.ctx(COORDINATION, AGENT)?, start).await?;
        let owed = desk.owed();
        let said = Desk::said(&owed);
        assert!(
            said[0].contains("3 personne(s)") && said[0].contains("entre 2 appelant·e(s)"),
            "{said:?}"
        );
        assert!(!said[0].contains("vous gardez toutes les listes"), "callers there are: {said:?}");
        for caller in ["@luc:x", "@zoe:x"] {
            let to = Target::Direct { user: caller.to_owned() };
            let lists: Vec<_> = owed.iter().filter(|effect| is_notice_to(effect, &to)).collect();
            assert_eq!(lists.len(), 1, "one list for {caller}: {owed:?}");
            assert!(
                lists.iter().all(|list| list.lane == Lane::Direct(caller.to_owned())),
                "in {caller}'s direct chat: {lists:?}"
            );
        }
        let agent = Target::Direct { user: AGENT.to_owned() };
        assert!(
            !owed.iter().any(|effect| is_notice_to(effect, &agent)),
            "no list for the coordinator: {owed:?}"
        );
        let checks = desk.scheme.store.checkins(1)?;
        let of = |caller: &str| checks.iter().filter(|check| check.caller == caller).count();
        let mut split = [of("@luc:x"), of("@zoe:x")];
        split.sort_unstable();
        assert_eq!(split, [1, 2], "three calls split between the two: {checks:?}");
        Ok(())
    }
}
