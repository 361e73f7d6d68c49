//! Check-in campaigns over the alert register: who calls whom ([`assign`]), the callers'
//! lists, the alerts to the coordinators, the board and the end report, as messages. All
//! decided from plain values; the commands (`cmd/campaign.rs`, `cmd/call.rs`) and the
//! follow-up (`followup/campaign.rs`) journal them.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entraide_commands::{Catalogue, Key, Lang, Message, Scope};
use entraide_storage::{
    Action, Assigned, Campaign, CheckIn, CheckStatus, Effect, Lane, Registration, Shape, Target,
};

use crate::{plan, scheme::Scheme};

/// Entries a list message holds at most (a Matrix event stays well under its size limit).
const PER_MESSAGE: usize = 40;

/// Who calls whom: each entry given to one of `callers` (sorted, at least one), by
/// neighbourhood and evenly. A neighbourhood stays with one caller while their share
/// allows; the rest go to whoever has the fewest.
pub fn assign(entries: &[Registration], callers: &[String]) -> Vec<Assigned> {
    if callers.is_empty() {
        return Vec::new();
    }
    let mut by_area: BTreeMap<Option<String>, Vec<&Registration>> = BTreeMap::new();
    for entry in entries {
        by_area.entry(entry.particulars.area.clone()).or_default().push(entry);
    }
    // Largest neighbourhoods first, so that the small ones fill the gaps.
    let mut areas: Vec<(Option<String>, Vec<&Registration>)> = by_area.into_iter().collect();
    areas.sort_by_key(|(_, people)| std::cmp::Reverse(people.len()));
    let share = entries.len().div_ceil(callers.len());
    let mut load: Vec<usize> = vec![0; callers.len()];
    let mut assigned = Vec::with_capacity(entries.len());
    for (area, people) in areas {
        let mut current: Option<usize> = None;
        for entry in people {
            let caller = match current {
                Some(at) if load[at] < share => at,
                _ => {
                    let least = (0..callers.len()).min_by_key(|at| (load[*at], *at)).unwrap_or(0);
                    current = Some(least);
                    least
                }
            };
            load[caller] += 1;
            assigned.push(Assigned {
                entry: entry.number,
                caller: callers[caller].clone(),
                area: area.clone(),
            });
        }
    }
    assigned.sort_by_key(|assigned| assigned.entry);
    assigned
}

/// The lists of `checks` (this round's), one or a few messages per caller, each sent in
/// the caller's direct chat. `entries` holds the register's entries by number.
pub fn lists(
    scheme: &Scheme,
    campaign: &Campaign,
    checks: &[CheckIn],
    entries: &HashMap<u64, Registration>,
) -> Vec<Effect> {
    let lang = scheme.config.language;
    let mut by_caller: BTreeMap<&str, Vec<&CheckIn>> = BTreeMap::new();
    for check in checks {
        by_caller.entry(check.caller.as_str()).or_default().push(check);
    }
    let title = scheme.texts.campaign(lang, &campaign.kind);
    let mut owed = Vec::new();
    for (caller, mine) in by_caller {
        let count = mine.len().to_string();
        let round = campaign.round.to_string();
        let args = [("name", title.as_str()), ("round", &round), ("count", &count)];
        let header = scheme.texts.render(lang, Key::CampaignListHeader, &args);
        for (at, chunk) in mine.chunks(PER_MESSAGE).enumerate() {
            let mut lines = if at == 0 { vec![header.clone()] } else { Vec::new() };
            for check in chunk {
                if let Some(entry) = entries.get(&check.entry) {
                    lines.push(list_line(scheme, lang, entry));
                }
            }
            owed.push(plan::direct(caller, Message::lines(lines)));
        }
    }
    owed
}

/// One person on a list: number, name, age, phones, address, emergency contact, notes.
pub fn list_line(scheme: &Scheme, lang: Lang, entry: &Registration) -> Message {
    let texts = &scheme.texts;
    let person = &entry.particulars;
    let age = person
        .born
        .and_then(|born| born.age_on(scheme.today()))
        .map(|age| texts.text(lang, Key::CampaignListAge, &[("age", &age.to_string())]))
        .unwrap_or_default();
    let none = texts.text(lang, Key::ValueNone, &[]);
    let phones = if person.phones.is_empty() { none.clone() } else { person.phones.join(", ") };
    let contact = person
        .contact
        .as_ref()
        .map(|c| {
            let who = [Some(c.name.as_str()), c.phone.as_deref()]
                .into_iter()
                .flatten()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            texts.text(lang, Key::CampaignListContact, &[("contact", &who)])
        })
        .unwrap_or_default();
    let notes = person
        .notes
        .as_deref()
        .map(|notes| texts.text(lang, Key::CampaignListNotes, &[("notes", notes)]))
        .unwrap_or_default();
    let number = entry.number.to_string();
    let address = person.address.clone().unwrap_or(none);
    let args = [
        ("number", number.as_str()),
        ("name", &person.name),
        ("age", &age),
        ("phones", &phones),
        ("address", &address),
        ("contact", &contact),
        ("notes", &notes),
    ];
    texts.render(lang, Key::CampaignListLine, &args)
}

/// What the coordinators are told when a call needs them (an escalation, a need, a
/// visit), with what they need to act (address, emergency contact): register data, so
/// sent where [`Target::Confidential`] says, on behalf of the coordinator who started
/// the campaign.
pub fn alert(
    scheme: &Scheme,
    campaign: &Campaign,
    check: &CheckIn,
    entry: &Registration,
    what: Option<&str>,
) -> Option<Effect> {
    let lang = scheme.config.language;
    let texts = &scheme.texts;
    let person = &entry.particulars;
    let none = texts.text(lang, Key::ValueNone, &[]);
    let contact = person
        .contact
        .as_ref()
        .map(|c| [c.name.clone(), c.phone.clone().unwrap_or_default()].join(" "))
        .unwrap_or_else(|| none.clone());
    let key = match check.status {
        CheckStatus::Escalated => Key::AlertEscalated,
        CheckStatus::NeedsHelp => Key::AlertNeeds,
        CheckStatus::Visit => Key::AlertVisit,
        CheckStatus::Waiting | CheckStatus::Reached | CheckStatus::NoAnswer => return None,
    };
    let args = [
        ("name", scheme.texts.campaign(lang, &campaign.kind)),
        ("number", entry.number.to_string()),
        ("tries", check.unanswered(campaign.round).to_string()),
        ("person", person.name.clone()),
        ("address", person.address.clone().unwrap_or_else(|| none.clone())),
        ("contact", contact),
        ("phones", person.phones.join(", ")),
        ("what", what.unwrap_or_default().to_owned()),
        ("caller", check.attempts.last().map(|a| a.by.clone()).unwrap_or_default()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Some(Effect {
        request: 0,
        lane: Lane::room(&scheme.rooms.coordination),
        urgent: true,
        action: Action::Notice {
            to: Target::Confidential { asked_by: campaign.started_by.clone() },
            message: texts.render(lang, key, &args),
            shape: Shape::New,
            mention: None,
        },
    })
}

/// What the emergency contact is told of a round's outcome, in a direct chat with them:
/// only when the person agreed (`family_told`) and the contact has a Matrix account;
/// only when there is news (reached and well, or not reached and the coordinators
/// alerted).
pub fn family(scheme: &Scheme, check: &CheckIn, entry: &Registration) -> Option<Effect> {
    let person = &entry.particulars;
    let account = person.contact.as_ref()?.matrix.as_deref().filter(|_| person.family_told)?;
    let lang = scheme.config.language;
    let time = check
        .attempts
        .last()
        .map(|attempt| {
            attempt.at.with_timezone(&scheme.config.timezone).format("%H:%M").to_string()
        })
        .unwrap_or_default();
    let contact = scheme
        .config
        .contact
        .clone()
        .unwrap_or_else(|| scheme.texts.text(lang, Key::ContactDefault, &[]));
    let args = [("person", person.name.as_str()), ("time", &time), ("contact", &contact)];
    let key = match check.status {
        CheckStatus::Reached => Key::FamilyReached,
        CheckStatus::Escalated => Key::FamilyNotReached,
        // A need or a visit is the coordinators' to follow: "all well" or "not
        // reached" would be untrue, and what is wrong is theirs to say.
        CheckStatus::NeedsHelp | CheckStatus::Visit => return None,
        CheckStatus::Waiting | CheckStatus::NoAnswer => return None,
    };
    Some(plan::direct(account, scheme.texts.render(lang, key, &args)))
}

/// The part of the register `scope` says, as messages say it ("75 ans et plus, quartier
/// Centre"); `None` for everyone.
pub fn scope(scheme: &Scheme, lang: Lang, scope: &Scope) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(age) = scope.min_age {
        parts.push(scheme.texts.text(lang, Key::CampaignScopeAge, &[("age", &age.to_string())]));
    }
    if let Some(area) = &scope.area {
        parts.push(scheme.texts.text(lang, Key::CampaignScopeArea, &[("area", area)]));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Brings the board of `campaign` up to date in the coordination room (posted and
/// pinned the first time).
pub fn board_effect(scheme: &Scheme, campaign: u64, lang: Lang) -> Effect {
    Effect {
        request: 0,
        lane: Lane::room(&scheme.rooms.coordination),
        urgent: false,
        action: Action::Board { campaign, lang },
    }
}

/// What the board is drawn from besides the campaign: the texts, the community's time
/// zone and the time now.
#[derive(Debug, Clone, Copy)]
pub struct BoardClock<'a> {
    /// What the bot says.
    pub texts: &'a Catalogue,
    /// The community's time zone.
    pub zone: Tz,
    /// Now.
    pub now: DateTime<Utc>,
}

impl<'a> BoardClock<'a> {
    /// The scheme's texts, zone and clock.
    pub fn of(scheme: &'a Scheme) -> BoardClock<'a> {
        BoardClock { texts: &scheme.texts, zone: scheme.config.timezone, now: scheme.now() }
    }

    fn day(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone).format("%d/%m/%Y").to_string()
    }
}

/// The board: counts, by neighbourhood, by caller, and the oldest not reached first. No
/// name: the numbers point to `!registre n°`.
pub fn board(at: BoardClock<'_>, lang: Lang, campaign: &Campaign, checks: &[CheckIn]) -> Message {
    let texts = at.texts;
    let header = [
        ("name", texts.campaign(lang, &campaign.kind)),
        ("number", campaign.number.to_string()),
        ("round", campaign.round.to_string()),
        ("since", at.day(campaign.started_at)),
        ("total", checks.len().to_string()),
    ];
    let mut lines =
        vec![render(texts, lang, Key::BoardHeader, &header), counts(texts, lang, checks)];
    let mut areas: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut callers: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let no_area = texts.text(lang, Key::BoardNoArea, &[]);
    for check in checks {
        let area = areas.entry(check.area.clone().unwrap_or_else(|| no_area.clone())).or_default();
        area.1 += 1;
        area.0 += usize::from(check.status.reached());
        let caller = callers.entry(check.caller.as_str()).or_default();
        caller.1 += 1;
        caller.0 += usize::from(!check.status.open());
    }
    for (area, (reached, total)) in areas {
        let args = [("area", area), ("reached", reached.to_string()), ("total", total.to_string())];
        lines.push(render(texts, lang, Key::BoardArea, &args));
    }
    for (caller, (done, total)) in callers {
        let args = [
            ("caller", caller.to_owned()),
            ("done", done.to_string()),
            ("total", total.to_string()),
        ];
        lines.push(render(texts, lang, Key::BoardCaller, &args));
    }
    // The oldest not reached: by the last call (never called: the round's start).
    let mut waiting: Vec<&CheckIn> = checks.iter().filter(|c| c.status.open()).collect();
    waiting.sort_by_key(|c| (c.last_call().unwrap_or(campaign.round_started), c.entry));
    if !waiting.is_empty() {
        let numbers: Vec<String> =
            waiting.iter().take(20).map(|c| format!("n°{}", c.entry)).collect();
        lines.push(render(texts, lang, Key::BoardOldest, &[("numbers", numbers.join(", "))]));
    }
    lines.push(match campaign.ended_at {
        Some(ended) => render(texts, lang, Key::BoardEnded, &[("day", at.day(ended))]),
        None => {
            let time = at.now.with_timezone(&at.zone).format("%H:%M");
            render(texts, lang, Key::BoardUpdated, &[("time", time.to_string())])
        }
    });
    Message::lines(lines)
}

/// The board's counts line: reached, not yet called, no answer, needs help, visit,
/// escalated.
pub fn counts(texts: &Catalogue, lang: Lang, checks: &[CheckIn]) -> Message {
    let names = ["reached", "waiting", "no_answer", "needs", "visit", "escalated"];
    let counts: Vec<(&str, String)> =
        names.into_iter().zip(tally(checks)).map(|(name, n)| (name, n.to_string())).collect();
    render(texts, lang, Key::BoardCounts, &counts)
}

/// The check-ins by status, in the counts line's order ([`TALLIED`]).
pub fn tally(checks: &[CheckIn]) -> [usize; 6] {
    TALLIED.map(|status| checks.iter().filter(|c| c.status == status).count())
}

/// The statuses the board counts, in its counts line's order: reached, not yet called,
/// no answer, needs help, visit, escalated.
pub const TALLIED: [CheckStatus; 6] = [
    CheckStatus::Reached,
    CheckStatus::Waiting,
    CheckStatus::NoAnswer,
    CheckStatus::NeedsHelp,
    CheckStatus::Visit,
    CheckStatus::Escalated,
];

fn render(texts: &Catalogue, lang: Lang, key: Key, args: &[(&str, String)]) -> Message {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    texts.render(lang, key, &args)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use entraide_commands::register::Particulars;
    use entraide_storage::{Enrolment, Registration, Way};

    use super::assign;

    fn entry(number: u64, area: &str) -> Registration {
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).single().unwrap_or_default();
        Registration {
            number,
            particulars: Particulars {
                name: format!("P{number}"),
                area: Some(area.to_owned()),
                ..Particulars::default()
            },
            status: Enrolment::Active,
            asked_at: at,
            way: Way::Import,
            entered_by: "@agent:x".to_owned(),
            acknowledged: Some(at),
            reminded: false,
            confirmed_at: at,
            review_asked: None,
        }
    }

    #[test]
    fn lists_are_even_and_keep_a_neighbourhood_together_while_they_can() {
        let entries: Vec<Registration> =
            (1..=10).map(|n| entry(n, if n <= 6 { "Centre" } else { "Tilleuls" })).collect();
        let callers = ["@a:x".to_owned(), "@b:x".to_owned()];
        let assigned = assign(&entries, &callers);
        assert_eq!(assigned.len(), 10);
        let of = |caller: &str| assigned.iter().filter(|a| a.caller == caller).count();
        assert_eq!((of("@a:x"), of("@b:x")), (5, 5), "evenly");
        let tilleuls: Vec<&str> =
            assigned.iter().filter(|a| a.entry > 6).map(|a| a.caller.as_str()).collect();
        assert!(tilleuls.iter().all(|c| *c == tilleuls[0]), "Tilleuls with one caller");
        assert!(assign(&entries, &[]).is_empty());
        let alone = assign(&entries, &["@a:x".to_owned()]);
        assert!(alone.iter().all(|a| a.caller == "@a:x"));
    }
}
