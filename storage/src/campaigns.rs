//! Check-in campaigns over the alert register: one open at a time, each registered
//! person's check-in keyed by campaign and entry, every call recorded with its time.
//! Steps due with time (a retry reminder, a new round, a quiet caller's list handed
//! over) are transitions of their own, so that they survive restarts and happen once.

use chrono::{DateTime, TimeDelta, Utc};
use sled::{Transactional, transaction::TransactionalTree};

use crate::{
    Store,
    codec::{decode, get, put},
    error::{StoreError, TransitionError, TxResult, abort, abort_store, transition_error},
    journal::{Queued, journal},
    meta::META_NEXT_CAMPAIGN,
    model::{
        Attempt, AuditAction, AuditEntry, CAMPAIGNS, CHECKINS, CallOutcome, Campaign, CampaignKind,
        CheckIn, CheckStatus, Effect, META,
    },
    transition::append_audit,
};

/// A check-in to make: the entry, its caller, its neighbourhood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    /// The register entry.
    pub entry: u64,
    /// Who calls them.
    pub caller: String,
    /// Their neighbourhood.
    pub area: Option<String>,
}

/// How calls without an answer are followed: again after `retry_after`, the
/// coordinators alerted after `attempts` in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallRule {
    /// Delay before the next try.
    pub retry_after: TimeDelta,
    /// Unanswered calls in a round before the alert.
    pub attempts: u32,
}

/// The key of a check-in: the campaign, then the entry, both big-endian.
fn key(campaign: u64, entry: u64) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&campaign.to_be_bytes());
    key[8..].copy_from_slice(&entry.to_be_bytes());
    key
}

impl Store {
    /// Starts a campaign of `kind` by coordinator `by`, with a check-in for each of
    /// `lists`, audited, with the effects `plan` gives (the lists sent to the callers).
    /// Refused while another runs ([`TransitionError::CampaignRunning`]).
    pub async fn start_campaign(
        &self,
        kind: CampaignKind,
        by: &str,
        lists: &[Assigned],
        now: DateTime<Utc>,
        plan: impl Fn(&Campaign, &[CheckIn]) -> Vec<Effect>,
    ) -> Result<(Campaign, Vec<Queued>), TransitionError> {
        if let Some(running) = self.running_campaign()? {
            return Err(TransitionError::CampaignRunning(running.number));
        }
        let trees = (&self.campaigns, &self.checkins, &self.meta, &self.audit, &self.effects);
        let done = trees
            .transaction(|(campaigns, checkins, meta, audit, effects)| {
                let number = match meta.get(META_NEXT_CAMPAIGN)? {
                    Some(bytes) => crate::codec::u64_from(&bytes, META, META_NEXT_CAMPAIGN)
                        .map_err(abort_store)?,
                    None => 1,
                };
                meta.insert(META_NEXT_CAMPAIGN, &(number + 1).to_be_bytes())?;
                let campaign = Campaign {
                    number,
                    kind: kind.clone(),
                    started_at: now,
                    started_by: by.to_owned(),
                    round: 1,
                    round_started: now,
                    ended_at: None,
                    board: None,
                    board_shown: None,
                };
                put(campaigns, CAMPAIGNS, &number.to_be_bytes(), &campaign)?;
                let mut made = Vec::with_capacity(lists.len());
                for assigned in lists {
                    let check = CheckIn {
                        campaign: number,
                        entry: assigned.entry,
                        caller: assigned.caller.clone(),
                        area: assigned.area.clone(),
                        status: CheckStatus::Waiting,
                        attempts: Vec::new(),
                        retry_at: None,
                    };
                    put(checkins, CHECKINS, &key(number, assigned.entry), &check)?;
                    made.push(check);
                }
                append_audit(audit, &audited(now, by, AuditAction::StartCampaign, number))?;
                let queued = journal(effects, plan(&campaign, &made), &[])?;
                Ok((campaign, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Records a call of `entry` in `campaign` by `by`: an unanswered call is to be tried
    /// again after the rule's delay, and after its number of tries in the round the
    /// check-in is escalated. `plan` is told the check-in as it is now.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_call(
        &self,
        campaign: u64,
        entry: u64,
        by: &str,
        outcome: CallOutcome,
        rule: CallRule,
        now: DateTime<Utc>,
        plan: impl Fn(&CheckIn) -> Vec<Effect>,
    ) -> Result<(CheckIn, Vec<Queued>), TransitionError> {
        let done = (&self.campaigns, &self.checkins, &self.effects)
            .transaction(|(campaigns, checkins, effects)| {
                let running = get_campaign(campaigns, campaign)?;
                if running.ended_at.is_some() {
                    return abort(TransitionError::CampaignOver(campaign));
                }
                let mut check = get_check(checkins, campaign, entry)?;
                let round = running.round;
                check.attempts.push(Attempt { at: now, round, by: by.to_owned(), outcome });
                check.retry_at = None;
                check.status = match outcome {
                    CallOutcome::Reached => CheckStatus::Reached,
                    CallOutcome::NeedsHelp => CheckStatus::NeedsHelp,
                    CallOutcome::Visit => CheckStatus::Visit,
                    CallOutcome::NoAnswer
                        if check.unanswered(round)
                            >= usize::try_from(rule.attempts).unwrap_or(usize::MAX) =>
                    {
                        CheckStatus::Escalated
                    }
                    CallOutcome::NoAnswer => {
                        check.retry_at = Some(now + rule.retry_after);
                        CheckStatus::NoAnswer
                    }
                };
                put(checkins, CHECKINS, &key(campaign, entry), &check)?;
                let queued = journal(effects, plan(&check), &[])?;
                Ok((check, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// The reminder to call `entry` again is due: taken once (its time cleared), with the
    /// effects `plan` gives; [`TransitionError::EntryUnchanged`] if it is not (any more).
    pub async fn retry_due(
        &self,
        campaign: u64,
        entry: u64,
        now: DateTime<Utc>,
        plan: impl Fn(&CheckIn) -> Vec<Effect>,
    ) -> Result<(CheckIn, Vec<Queued>), TransitionError> {
        self.change_check(campaign, entry, plan, |check| {
            let due =
                check.status == CheckStatus::NoAnswer && check.retry_at.is_some_and(|at| at <= now);
            if !due {
                return Err(TransitionError::EntryUnchanged(entry));
            }
            check.retry_at = None;
            Ok(())
        })
        .await
    }

    /// Starts the next round of `campaign` if the current one started `every` ago or
    /// more: every check-in waits again; `plan` is told them all (the lists sent again).
    pub async fn next_round(
        &self,
        campaign: u64,
        every: TimeDelta,
        now: DateTime<Utc>,
        plan: impl Fn(&Campaign, &[CheckIn]) -> Vec<Effect>,
    ) -> Result<(Campaign, Vec<Queued>), TransitionError> {
        // Read first: a transaction has no scan. Check-ins are only made at the start.
        let keys = self.checkin_keys(campaign)?;
        let done = (&self.campaigns, &self.checkins, &self.effects)
            .transaction(|(campaigns, checkins, effects)| {
                let mut running = get_campaign(campaigns, campaign)?;
                if running.ended_at.is_some() || now < running.round_started + every {
                    return abort(TransitionError::EntryUnchanged(campaign));
                }
                running.round += 1;
                running.round_started = now;
                put(campaigns, CAMPAIGNS, &campaign.to_be_bytes(), &running)?;
                let mut all = Vec::new();
                for key in &keys {
                    let Some(mut check) = get_key(checkins, key)? else { continue };
                    check.status = CheckStatus::Waiting;
                    check.retry_at = None;
                    put(checkins, CHECKINS, key, &check)?;
                    all.push(check);
                }
                let queued = journal(effects, plan(&running, &all), &[])?;
                Ok((running, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Hands the open check-ins of caller `from` in `campaign` to `to`; `plan` is told
    /// those moved. [`TransitionError::EntryUnchanged`] when there is none.
    pub async fn hand_over(
        &self,
        campaign: u64,
        from: &str,
        to: &str,
        plan: impl Fn(&[CheckIn]) -> Vec<Effect>,
    ) -> Result<(Vec<CheckIn>, Vec<Queued>), TransitionError> {
        let keys = self.checkin_keys(campaign)?;
        let done = (&self.checkins, &self.effects)
            .transaction(|(checkins, effects)| {
                let mut moved = Vec::new();
                for key in &keys {
                    let Some(mut check) = get_key(checkins, key)? else { continue };
                    if check.caller == from && check.status.open() {
                        to.clone_into(&mut check.caller);
                        put(checkins, CHECKINS, key, &check)?;
                        moved.push(check);
                    }
                }
                if moved.is_empty() {
                    return abort(TransitionError::EntryUnchanged(campaign));
                }
                let queued = journal(effects, plan(&moved), &[])?;
                Ok((moved, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Ends `campaign` by `by`, audited, with the effects `plan` gives (the report).
    pub async fn end_campaign(
        &self,
        campaign: u64,
        by: &str,
        now: DateTime<Utc>,
        plan: impl Fn(&Campaign) -> Vec<Effect>,
    ) -> Result<(Campaign, Vec<Queued>), TransitionError> {
        let done = (&self.campaigns, &self.audit, &self.effects)
            .transaction(|(campaigns, audit, effects)| {
                let mut running = get_campaign(campaigns, campaign)?;
                if running.ended_at.is_some() {
                    return abort(TransitionError::CampaignOver(campaign));
                }
                running.ended_at = Some(now);
                put(campaigns, CAMPAIGNS, &campaign.to_be_bytes(), &running)?;
                append_audit(audit, &audited(now, by, AuditAction::EndCampaign, campaign))?;
                let queued = journal(effects, plan(&running), &[])?;
                Ok((running, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// Records the board's message of `campaign` (an event id in the coordination room).
    pub async fn set_board(&self, campaign: u64, event: &str) -> Result<Campaign, TransitionError> {
        let done = self
            .campaigns
            .transaction(|campaigns| {
                let mut kept = get_campaign(campaigns, campaign)?;
                kept.board = Some(event.to_owned());
                put(campaigns, CAMPAIGNS, &campaign.to_be_bytes(), &kept)?;
                Ok(kept)
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// The board of `campaign` is to be brought up to date (a call was recorded since it
    /// was last, `every` ago or more): taken once, with the effects `plan` gives (the
    /// edit); [`TransitionError::EntryUnchanged`] if it is not due.
    pub async fn show_board(
        &self,
        campaign: u64,
        changed: DateTime<Utc>,
        every: TimeDelta,
        now: DateTime<Utc>,
        plan: impl Fn(&Campaign) -> Vec<Effect>,
    ) -> Result<(Campaign, Vec<Queued>), TransitionError> {
        let done = (&self.campaigns, &self.effects)
            .transaction(|(campaigns, effects)| {
                let mut running = get_campaign(campaigns, campaign)?;
                let shown = running.board_shown.unwrap_or(running.started_at);
                let due = running.ended_at.is_none()
                    && running.board.is_some()
                    && changed > shown
                    && now >= shown + every;
                if !due {
                    return abort(TransitionError::EntryUnchanged(campaign));
                }
                running.board_shown = Some(now);
                put(campaigns, CAMPAIGNS, &campaign.to_be_bytes(), &running)?;
                let queued = journal(effects, plan(&running), &[])?;
                Ok((running, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }

    /// The campaign that runs, if one does.
    pub fn running_campaign(&self) -> Result<Option<Campaign>, StoreError> {
        Ok(self.campaigns()?.into_iter().rev().find(|campaign| campaign.ended_at.is_none()))
    }

    /// One campaign.
    pub fn campaign(&self, number: u64) -> Result<Option<Campaign>, StoreError> {
        get(&self.campaigns, CAMPAIGNS, &number.to_be_bytes())
    }

    /// Every campaign, oldest first.
    pub fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        let mut all = Vec::new();
        for item in self.campaigns.iter() {
            let (key, bytes) = item?;
            all.push(decode(&bytes, CAMPAIGNS, &key)?);
        }
        Ok(all)
    }

    /// The check-ins of `campaign`, by entry.
    pub fn checkins(&self, campaign: u64) -> Result<Vec<CheckIn>, StoreError> {
        let mut all = Vec::new();
        for item in self.checkins.scan_prefix(campaign.to_be_bytes()) {
            let (key, bytes) = item?;
            all.push(decode(&bytes, CHECKINS, &key)?);
        }
        Ok(all)
    }

    /// The keys of the check-ins of `campaign`.
    fn checkin_keys(&self, campaign: u64) -> Result<Vec<sled::IVec>, StoreError> {
        self.checkins.scan_prefix(campaign.to_be_bytes()).keys().map(|key| Ok(key?)).collect()
    }

    /// One check-in.
    pub fn checkin(&self, campaign: u64, entry: u64) -> Result<Option<CheckIn>, StoreError> {
        get(&self.checkins, CHECKINS, &key(campaign, entry))
    }

    /// Changes one check-in as `change` says (it may refuse), with the effects `plan`
    /// gives.
    async fn change_check(
        &self,
        campaign: u64,
        entry: u64,
        plan: impl Fn(&CheckIn) -> Vec<Effect>,
        change: impl Fn(&mut CheckIn) -> Result<(), TransitionError>,
    ) -> Result<(CheckIn, Vec<Queued>), TransitionError> {
        let done = (&self.checkins, &self.effects)
            .transaction(|(checkins, effects)| {
                let mut check = get_check(checkins, campaign, entry)?;
                if let Err(error) = change(&mut check) {
                    return abort(error);
                }
                put(checkins, CHECKINS, &key(campaign, entry), &check)?;
                let queued = journal(effects, plan(&check), &[])?;
                Ok((check, queued))
            })
            .map_err(transition_error)?;
        self.flush().await?;
        Ok(done)
    }
}

fn get_campaign(campaigns: &TransactionalTree, number: u64) -> TxResult<Campaign> {
    let key = number.to_be_bytes();
    match campaigns.get(key)? {
        Some(bytes) => decode(&bytes, CAMPAIGNS, &key).map_err(abort_store),
        None => abort(TransitionError::NoSuchCampaign(number)),
    }
}

fn get_key(checkins: &TransactionalTree, key: &[u8]) -> TxResult<Option<CheckIn>> {
    match checkins.get(key)? {
        Some(bytes) => decode(&bytes, CHECKINS, key).map(Some).map_err(abort_store),
        None => Ok(None),
    }
}

fn get_check(checkins: &TransactionalTree, campaign: u64, entry: u64) -> TxResult<CheckIn> {
    let key = key(campaign, entry);
    match checkins.get(key)? {
        Some(bytes) => decode(&bytes, CHECKINS, &key).map_err(abort_store),
        None => abort(TransitionError::NotOnList(entry)),
    }
}

/// An audit line about campaign `number` (named in the `entry` field).
fn audited(at: DateTime<Utc>, actor: &str, action: AuditAction, number: u64) -> AuditEntry {
    AuditEntry {
        at,
        actor: actor.to_owned(),
        action,
        target: None,
        reason: None,
        request: None,
        entry: Some(number),
    }
}
