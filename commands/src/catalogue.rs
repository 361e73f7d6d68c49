//! Every user-visible message, in French and in English.
//!
//! The texts live in `locales/fr.toml` and `locales/en.toml`, compiled in; a commune may
//! override any of them with a file of its own ([`Catalogue::with_overrides`]). Templates
//! use `{name}` placeholders, `**bold**` and `` `code` `` markup, and line breaks.
//! [`Catalogue::render`] turns a template into a [`Message`] with a plain-text body and an
//! HTML body; arguments are escaped in the HTML body, so personal text can never inject
//! markup.

use std::{collections::HashMap, str::FromStr};

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use strum::IntoEnumIterator;

use crate::{
    Lang,
    reading::{Category, DayPart, Relation, Repeat, When},
    table::CommandKind,
};

/// A message ready to send: a plain-text body and its HTML form.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The plain-text body.
    pub plain: String,
    /// The HTML body.
    pub html: String,
}

impl Message {
    /// Joins messages line after line.
    pub fn lines(parts: impl IntoIterator<Item = Message>) -> Message {
        let mut out = Message::default();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                out.plain.push('\n');
                out.html.push_str("<br>");
            }
            out.plain.push_str(&part.plain);
            out.html.push_str(&part.html);
        }
        out
    }
}

/// The name of a message in the catalogue; in the locale files, the same name in
/// snake case (`Key::RequestConfirmed` is `request_confirmed`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumIter,
    strum::EnumString,
    strum::IntoStaticStr,
    serde::Serialize,
    serde::Deserialize,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Key {
    CatGroceries,
    CatPharmacy,
    CatLift,
    CatVisit,
    CatRepairs,
    CatPaperwork,
    CatDigital,
    CatOther,
    RelMother,
    RelFather,
    RelParents,
    RelGrandmother,
    RelGrandfather,
    RelGrandparents,
    RelNeighbour,
    RelFamily,
    RelSomeone,
    PartMorning,
    PartAfternoon,
    PartEvening,
    DayMon,
    DayTue,
    DayWed,
    DayThu,
    DayFri,
    DaySat,
    DaySun,
    WhenAsap,
    WhenToday,
    WhenThisMorning,
    WhenThisAfternoon,
    WhenThisEvening,
    WhenTomorrow,
    WhenDate,
    WhenTime,
    Behalf,
    StateOpen,
    StateClaimed,
    StateDone,
    StateCancelled,
    StateExpired,
    StateOffered,
    AgeMinutes,
    AgeHours,
    AgeDays,
    NoNeighbourhood,
    RequestConfirmed,
    RequestMoved,
    PhoneIn,
    Repeats,
    RequestMovedReason,
    Relay,
    RelayTaken,
    RelayDone,
    RelayCancelled,
    RelayExpired,
    RelayReleased,
    Reminder,
    EscalatedOpen,
    ExpiredRequester,
    ExpiredCoordination,
    ContactDefault,
    ControllerDefault,
    Nudge,
    EscalatedClaim,
    AlreadyTaken,
    ClaimWon,
    PrivateIntro,
    RequesterTold,
    Released,
    ReleasedPrivate,
    DoneAck,
    CancelledAck,
    Vetted,
    VettedWithoutCharter,
    VettedNote,
    VetNeedsCharter,
    AlreadyVetted,
    VolunteerWelcome,
    CharterSent,
    CharterHowToAccept,
    CharterAccepted,
    CharterAlreadyAccepted,
    CharterSigned,
    CharterOutdated,
    CharterNewVersion,
    Paused,
    PausedUntil,
    PauseDateUnknown,
    PauseOver,
    NotPaused,
    AreasSet,
    AreasNone,
    AreasShow,
    AreasUnknown,
    AreasEmpty,
    StatusCharterOld,
    StatusNoCharter,
    LastNever,
    Banned,
    BannedReleased,
    AlreadyBanned,
    Unvetted,
    NotVetted,
    Unbanned,
    NotBanned,
    Assigned,
    AssignNotVetted,
    StatsHeader,
    StatsRequests,
    StatsCategories,
    StatsCommune,
    StatsPeople,
    StatsVolunteers,
    StatsClaim,
    StatsClaimFew,
    StatsCompletion,
    StatsLoad,
    StatsNoNeighbourhood,
    StatsSmall,
    StatsNothing,
    ReportFollows,
    ReportFile,
    ReportMdTitle,
    ReportMdChart,
    ReportMdTable,
    ChartPeriod,
    ChartWeeksTitle,
    ChartWeek,
    ChartRequests,
    ChartOthers,
    ChartClaimTitle,
    ChartClaimSummary,
    ChartClaimFew,
    ChartTaken,
    WaitUnder1h,
    Wait1To4h,
    Wait4To24h,
    Wait1To3d,
    WaitOver3d,
    CsvIndicator,
    CsvDetail,
    CsvValue,
    CsvPeriod,
    CsvRequests,
    CsvRequestsBefore,
    CsvByState,
    CsvByCategory,
    CsvByCommune,
    CsvByNeighbourhood,
    CsvBeneficiaries,
    CsvBeneficiariesBefore,
    CsvOnBehalf,
    CsvByPhone,
    CsvVolunteers,
    CsvSigned,
    CsvVetted,
    CsvPaused,
    CsvActive,
    CsvClaimMedian,
    CsvClaimP90,
    CsvMinutes,
    CsvCompletion,
    CsvDoneBefore,
    CsvLoad,
    CsvOnce,
    CsvFew,
    CsvMany,
    CsvWeek,
    CsvClaimWait,
    CsvProfileBeneficiaries,
    CsvProfileVolunteers,
    StatsProfile,
    ProfileAsk,
    NudgePaused,
    RoomsBanned,
    RoomsRemoved,
    RoomsInvited,
    RoomsUnbanned,
    RoomsNoPower,
    RoomsFailed,
    RoomsNotThere,
    RegisterProfile,
    ProfileSaved,
    ProfileShow,
    ProfileNone,
    ProfileCleared,
    ProfileOff,
    ProfileUnsaid,
    AgeUnder30,
    Age30To59,
    Age60To74,
    Age75To84,
    Age85,
    GenderWoman,
    GenderMan,
    GenderOther,
    SeriesStarted,
    SeriesNext,
    SeriesStopped,
    NotRepeating,
    RepeatDaily,
    RepeatWeekly,
    RepeatFortnightly,
    RepeatMonthly,
    ClaimAssigned,
    Blocked,
    AlreadyBlocked,
    Unblocked,
    NotBlocked,
    RequestBlocked,
    VolunteersHeader,
    VolunteersLine,
    VolunteersEmpty,
    JournalHeader,
    JournalLine,
    JournalReason,
    JournalEmpty,
    PowersOk,
    PowersHeader,
    PowersLacking,
    PowerInvite,
    PowerKick,
    PowerBan,
    PowerRedact,
    AuditVet,
    AuditUnvet,
    AuditBan,
    AuditUnban,
    AuditErase,
    AuditAssign,
    AuditBlock,
    AuditUnblock,
    AuditOverride,
    StatusCharter,
    StatusPaused,
    StatusPausedUntil,
    StatusAreas,
    StatusVetted,
    StatusBanned,
    StatusUnvetted,
    RequestsHeader,
    RequestsLineOpen,
    RequestsLineClaimed,
    RequestsEmpty,
    RequestsHeaderFiltered,
    RequestsLineClosed,
    RequestsLineOffered,
    RequestsNone,
    RequestsMore,
    FilterActive,
    FilterOpen,
    FilterClaimed,
    FilterAll,
    FilterIn,
    UnknownNeighbourhood,
    RequestDetails,
    RequestHolder,
    RequestLogHeader,
    RequestLogLine,
    RequestLogNote,
    OutcomeCreated,
    OutcomeRelayed,
    OutcomeClaimed,
    OutcomePrivateRoomCreated,
    OutcomeReleased,
    OutcomeDone,
    OutcomeCancelled,
    OutcomeExpired,
    OutcomeReminded,
    OutcomeEscalated,
    OutcomeNudged,
    OutcomeEscalatedClaim,
    OutcomeErased,
    OutcomeFeedback,
    FeedbackAsk,
    FeedbackThanks,
    FeedbackNotDone,
    OfferPosted,
    OfferPost,
    OfferPostTaken,
    OfferPostClosed,
    OfferExpired,
    OfferTaken,
    OfferGone,
    OfferOwn,
    OfferNoRooms,
    PrivateIntroOffer,
    OutcomeOffered,
    OutcomeOfferTaken,
    HelpHeader,
    HelpRequest,
    HelpFor,
    HelpTake,
    HelpRelease,
    HelpDone,
    HelpCancel,
    HelpFeedback,
    HelpYes,
    HelpCharter,
    HelpAccept,
    HelpPause,
    HelpBack,
    HelpAreas,
    HelpOffer,
    HelpVet,
    HelpBan,
    HelpUnvet,
    HelpUnban,
    HelpVolunteers,
    HelpJournal,
    HelpCheck,
    HelpRequests,
    HelpPrivacy,
    HelpMyData,
    HelpForgetMe,
    HelpErase,
    HelpAssign,
    HelpStop,
    HelpBlock,
    HelpUnblock,
    HelpShow,
    HelpStats,
    HelpReport,
    HelpProfile,
    HelpHelp,
    UsageRequest,
    UsageFor,
    UsageTake,
    UsageRelease,
    UsageDone,
    UsageCancel,
    UsageFeedback,
    UsageYes,
    UsageCharter,
    UsageAccept,
    UsagePause,
    UsageBack,
    UsageAreas,
    UsageOffer,
    UsageVet,
    UsageBan,
    UsageUnvet,
    UsageUnban,
    UsageVolunteers,
    UsageJournal,
    UsageCheck,
    UsageRequests,
    UsagePrivacy,
    UsageMyData,
    UsageForgetMe,
    UsageErase,
    UsageAssign,
    UsageStop,
    UsageBlock,
    UsageUnblock,
    UsageShow,
    UsageStats,
    UsageReport,
    UsageProfile,
    UsageHelp,
    PrivacyNotice,
    MyDataHere,
    MyDataSent,
    MyDataFile,
    ForgetMeAsk,
    ForgetMeDone,
    ForgetMeNothing,
    EraseAsk,
    EraseDone,
    EraseNothing,
    CancelledForgotten,
    RedactedForgotten,
    Register,
    RegisterEncrypted,
    RegisterNotEncrypted,
    RegisterStoreEncrypted,
    RegisterStoreNotEncrypted,
    LateAnswer,
    UnknownCommand,
    TooLong,
    TooManyOpen,
    TooManyToday,
    RefusedNotVetted,
    RefusedBanned,
    RefusedNotCoordinator,
    RefusedWrongPlace,
    NoSuchRequest,
    NotOpen,
    NotClaimed,
    NotHolder,
    NotRequester,
    InternalError,
    VolunteersRoomName,
    VolunteersRoomTopic,
    CoordinationRoomName,
    CoordinationRoomTopic,
    PrivateRoomName,
    PrivateRoomTopic,
    NeighbourhoodWelcome,
    DirectWelcome,
}

impl Key {
    /// The key's name in the locale files.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

const BUILTIN: [(Lang, &str); 2] = [
    (Lang::Fr, include_str!("../locales/fr.toml")),
    (Lang::En, include_str!("../locales/en.toml")),
];

/// Why a set of texts cannot be used. Each names the language and the key at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The file is not valid TOML.
    #[error("not a valid TOML file: {0}")]
    Syntax(String),
    /// A top-level table other than `[fr]` or `[en]` in a commune's file.
    #[error("unknown language [{0}]: expected [fr] or [en]")]
    UnknownLanguage(String),
    /// A name that is no message of the bot.
    #[error("[{lang}] unknown key `{key}`: the keys are those of the bot's locale files")]
    UnknownKey {
        /// The language's code.
        lang: &'static str,
        /// The key as written.
        key: String,
    },
    /// A value that is not a string.
    #[error("[{lang}] `{key}` must be a string")]
    NotText {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
    },
    /// A built-in locale file lacks a key.
    #[error("[{lang}] `{key}` is missing")]
    Missing {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
    },
    /// A text does not use the placeholders its message is given.
    #[error("[{lang}] `{key}` must use the placeholders {expected:?}, found {found:?}")]
    Placeholders {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
        /// The placeholders the bot fills in.
        expected: Vec<String>,
        /// The placeholders the text uses.
        found: Vec<String>,
    },
    /// Unbalanced `**` or `` ` `` markup.
    #[error("[{lang}] `{key}` has unbalanced ** or ` markup")]
    Markup {
        /// The language's code.
        lang: &'static str,
        /// The key.
        key: &'static str,
    },
}

/// Every text the bot says, in both languages: the built-in texts, with a commune's
/// overrides applied.
#[derive(Debug, Clone)]
pub struct Catalogue {
    templates: HashMap<(Lang, Key), String>,
}

impl Catalogue {
    /// The texts compiled in from `locales/*.toml`, checked: every key in both languages,
    /// the same placeholders in both, balanced markup.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        let mut templates = HashMap::new();
        for (lang, source) in BUILTIN {
            let table: toml::Table = source
                .parse()
                .map_err(|e: toml::de::Error| CatalogueError::Syntax(e.to_string()))?;
            for (name, value) in &table {
                let (key, template) = entry(lang, name, value)?;
                templates.insert((lang, key), template);
            }
            if let Some(key) = Key::iter().find(|key| !templates.contains_key(&(lang, *key))) {
                return Err(CatalogueError::Missing { lang: lang.code(), key: key.name() });
            }
        }
        let catalogue = Catalogue { templates };
        for key in Key::iter() {
            catalogue.check_placeholders(Lang::En, key, catalogue.template(Lang::En, key))?;
        }
        Ok(catalogue)
    }

    /// These texts with a commune's overrides: a TOML file with a `[fr]` and / or an
    /// `[en]` table, each overriding any subset of keys with the same placeholders.
    pub fn with_overrides(mut self, text: &str) -> Result<Catalogue, CatalogueError> {
        let file: toml::Table =
            text.parse().map_err(|e: toml::de::Error| CatalogueError::Syntax(e.to_string()))?;
        for (section, table) in &file {
            let lang = Lang::ALL
                .into_iter()
                .find(|lang| lang.code() == section)
                .ok_or_else(|| CatalogueError::UnknownLanguage(section.clone()))?;
            let toml::Value::Table(table) = table else {
                return Err(CatalogueError::UnknownLanguage(section.clone()));
            };
            for (name, value) in table {
                let (key, template) = entry(lang, name, value)?;
                self.check_placeholders(lang, key, &template)?;
                self.templates.insert((lang, key), template);
            }
        }
        Ok(self)
    }

    /// Fails unless `template` uses exactly the placeholders of `key` in French, the
    /// reference: the bot fills in those and no others.
    fn check_placeholders(
        &self,
        lang: Lang,
        key: Key,
        template: &str,
    ) -> Result<(), CatalogueError> {
        let expected = placeholders(self.template(Lang::Fr, key));
        let found = placeholders(template);
        if expected == found {
            return Ok(());
        }
        let owned = |names: Vec<&str>| names.into_iter().map(str::to_owned).collect();
        Err(CatalogueError::Placeholders {
            lang: lang.code(),
            key: key.name(),
            expected: owned(expected),
            found: owned(found),
        })
    }

    /// The raw template of `key` in `lang`.
    pub fn template(&self, lang: Lang, key: Key) -> &str {
        // Every key is there in both languages: `builtin` checked it.
        self.templates.get(&(lang, key)).map_or("?", String::as_str)
    }

    /// Renders `key` in `lang` with its `{name}` placeholders replaced by `args`.
    pub fn render(&self, lang: Lang, key: Key, args: &[(&str, &str)]) -> Message {
        render_template(self.template(lang, key), args)
    }

    /// The plain text of `key` in `lang`, for names and short fragments.
    pub fn text(&self, lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
        self.render(lang, key, args).plain
    }

    /// `key` in `lang` as Markdown (the catalogue's own markup), its `{name}`
    /// placeholders replaced by `args`: for documents a person pastes elsewhere.
    pub fn markdown(&self, lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
        let mut out = self.template(lang, key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// How often a request repeats, as a sentence fragment ("chaque semaine").
    pub fn repeat(&self, lang: Lang, repeat: Repeat) -> String {
        let key = match repeat {
            Repeat::Daily => Key::RepeatDaily,
            Repeat::Weekly => Key::RepeatWeekly,
            Repeat::Fortnightly => Key::RepeatFortnightly,
            Repeat::Monthly => Key::RepeatMonthly,
        };
        self.text(lang, key, &[])
    }

    /// A category's name in `lang`.
    pub fn category(&self, lang: Lang, category: Category) -> String {
        let key = match category {
            Category::Groceries => Key::CatGroceries,
            Category::Pharmacy => Key::CatPharmacy,
            Category::Lift => Key::CatLift,
            Category::Visit => Key::CatVisit,
            Category::Repairs => Key::CatRepairs,
            Category::Paperwork => Key::CatPaperwork,
            Category::Digital => Key::CatDigital,
            Category::Other => Key::CatOther,
        };
        self.text(lang, key, &[])
    }

    /// Who the help is for, as a fragment to append (empty when the person asks for
    /// themself).
    pub fn behalf(&self, lang: Lang, relation: Option<Relation>) -> String {
        let Some(relation) = relation else {
            return String::new();
        };
        let key = match relation {
            Relation::Mother => Key::RelMother,
            Relation::Father => Key::RelFather,
            Relation::Parents => Key::RelParents,
            Relation::Grandmother => Key::RelGrandmother,
            Relation::Grandfather => Key::RelGrandfather,
            Relation::Grandparents => Key::RelGrandparents,
            Relation::Neighbour => Key::RelNeighbour,
            Relation::Family => Key::RelFamily,
            Relation::Someone => Key::RelSomeone,
        };
        self.text(lang, Key::Behalf, &[("relation", &self.text(lang, key, &[]))])
    }

    /// When the help is wanted, relative to `today` (both in the community's time zone).
    pub fn when(&self, lang: Lang, when: When, today: NaiveDate) -> String {
        let When::On { date, time, part } = when else {
            return self.text(lang, Key::WhenAsap, &[]);
        };
        // "ce soir", not "aujourd'hui soir".
        let this_part = match part {
            Some(DayPart::Morning) => Key::WhenThisMorning,
            Some(DayPart::Afternoon) => Key::WhenThisAfternoon,
            Some(DayPart::Evening) => Key::WhenThisEvening,
            None => Key::WhenToday,
        };
        let part = part.filter(|_| date != today);
        let mut out = if date == today {
            self.text(lang, this_part, &[])
        } else if today.succ_opt() == Some(date) {
            self.text(lang, Key::WhenTomorrow, &[])
        } else {
            let date_text = format!("{:02}/{:02}", date.day(), date.month());
            self.text(
                lang,
                Key::WhenDate,
                &[("weekday", &self.weekday(lang, date.weekday())), ("date", &date_text)],
            )
        };
        if let Some(part) = part {
            let key = match part {
                DayPart::Morning => Key::PartMorning,
                DayPart::Afternoon => Key::PartAfternoon,
                DayPart::Evening => Key::PartEvening,
            };
            out.push(' ');
            out.push_str(&self.text(lang, key, &[]));
        }
        if let Some(time) = time {
            out.push(' ');
            out.push_str(&self.text(lang, Key::WhenTime, &[("time", &clock(lang, time))]));
        }
        out
    }

    fn weekday(&self, lang: Lang, day: Weekday) -> String {
        let key = match day {
            Weekday::Mon => Key::DayMon,
            Weekday::Tue => Key::DayTue,
            Weekday::Wed => Key::DayWed,
            Weekday::Thu => Key::DayThu,
            Weekday::Fri => Key::DayFri,
            Weekday::Sat => Key::DaySat,
            Weekday::Sun => Key::DaySun,
        };
        self.text(lang, key, &[])
    }

    /// A duration in minutes, hours or days, whichever reads best.
    pub fn age(&self, lang: Lang, minutes: i64) -> String {
        let minutes = minutes.max(0);
        let (key, n) = if minutes < 60 {
            (Key::AgeMinutes, minutes)
        } else if minutes < 48 * 60 {
            (Key::AgeHours, minutes / 60)
        } else {
            (Key::AgeDays, minutes / (24 * 60))
        };
        self.text(lang, key, &[("n", &n.to_string())])
    }

    /// The help for a list of commands: a header, then each command's help line.
    pub fn help(&self, lang: Lang, kinds: &[CommandKind]) -> Message {
        let header = self.render(lang, Key::HelpHeader, &[]);
        let lines = kinds.iter().map(|kind| {
            let line = self.render(lang, kind.spec().help, &[]);
            Message { plain: format!("• {}", line.plain), html: format!("• {}", line.html) }
        });
        Message::lines(std::iter::once(header).chain(lines))
    }

    /// The usage line of a command.
    pub fn usage(&self, lang: Lang, kind: CommandKind) -> Message {
        self.render(lang, kind.spec().usage, &[])
    }
}

/// One `key = "text"` line of a locale file, checked.
fn entry(lang: Lang, name: &str, value: &toml::Value) -> Result<(Key, String), CatalogueError> {
    let key = Key::from_str(name)
        .map_err(|_| CatalogueError::UnknownKey { lang: lang.code(), key: name.to_owned() })?;
    let toml::Value::String(template) = value else {
        return Err(CatalogueError::NotText { lang: lang.code(), key: key.name() });
    };
    if template.matches("**").count() % 2 != 0 || template.matches('`').count() % 2 != 0 {
        return Err(CatalogueError::Markup { lang: lang.code(), key: key.name() });
    }
    Ok((key, template.clone()))
}

/// Renders a text written with the catalogue's markup (`**bold**`, `` `code` ``, line
/// breaks) that is no template of the catalogue: a commune's file, for instance.
pub fn render_markup(text: &str) -> Message {
    render_template(text, &[])
}

/// Renders a template: `{name}` placeholders replaced by `args` (left visible when no
/// argument has that name), markup turned into HTML in the HTML body.
fn render_template(template: &str, args: &[(&str, &str)]) -> Message {
    let mut plain = String::with_capacity(template.len());
    let mut html = String::with_capacity(template.len());
    let mut bold = false;
    let mut code = false;
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**") {
            html.push_str(if bold { "</b>" } else { "<b>" });
            bold = !bold;
            rest = after;
            continue;
        }
        if c == '`' {
            // Plain bodies keep the backticks: readers of plain text know them as code.
            plain.push(c);
            html.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
        } else if c == '\n' {
            plain.push('\n');
            html.push_str("<br>");
        } else if c == '{' {
            if let Some(end) = rest.find('}') {
                let name = &rest[1..end];
                if let Some((_, value)) = args.iter().find(|(n, _)| *n == name) {
                    plain.push_str(value);
                    html.push_str(&escape(value));
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            plain.push(c);
            html.push(c);
        } else {
            plain.push(c);
            push_escaped(&mut html, c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Message { plain, html }
}

/// Escapes text for an HTML body.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\n' => out.push_str("<br>"),
        c => out.push(c),
    }
}

/// The placeholders a template uses, for tests and checks.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        names.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    names.sort_unstable();
    names.dedup();
    names
}

fn clock(lang: Lang, time: NaiveTime) -> String {
    match (lang, time.minute()) {
        (Lang::Fr, 0) => format!("{}h", time.hour()),
        (Lang::Fr, m) => format!("{}h{m:02}", time.hour()),
        (Lang::En, m) => format!("{}:{m:02}", time.hour()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::NaiveDate;

    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::builtin().unwrap_or_else(|e| panic!("the built-in texts: {e}"))
    }

    fn raw_keys(lang: Lang) -> Vec<String> {
        let source = BUILTIN.iter().find(|(l, _)| *l == lang).map_or("", |(_, s)| s);
        let table: toml::Table = source.parse().unwrap_or_default();
        table.keys().cloned().collect()
    }

    #[test]
    fn both_languages_have_every_key_with_the_same_placeholders_and_balanced_markup() {
        // `builtin` checks all of this; these asserts say which rule broke.
        let catalogue = catalogue();
        for lang in Lang::ALL {
            let names: HashSet<String> = raw_keys(lang).into_iter().collect();
            let expected: HashSet<String> = Key::iter().map(|k| k.name().to_owned()).collect();
            assert_eq!(names, expected, "{lang:?}: keys differ from the Key enum");
            for key in Key::iter() {
                let template = catalogue.template(lang, key);
                assert!(!template.trim().is_empty(), "{lang:?} {key:?} is empty");
                assert_eq!(template.matches("**").count() % 2, 0, "{lang:?} {key:?}");
                assert_eq!(template.matches('`').count() % 2, 0, "{lang:?} {key:?}");
            }
        }
        for key in Key::iter() {
            assert_eq!(
                placeholders(catalogue.template(Lang::Fr, key)),
                placeholders(catalogue.template(Lang::En, key)),
                "{key:?}: French and English use different placeholders"
            );
        }
    }

    #[test]
    fn key_names_round_trip() {
        for key in Key::iter() {
            assert_eq!(Key::from_str(key.name()), Ok(key));
        }
        assert_eq!(Key::RequestConfirmed.name(), "request_confirmed");
    }

    #[test]
    fn a_commune_overrides_any_subset_of_keys() -> Result<(), CatalogueError> {
        let file = r#"
            [fr]
            refused_not_vetted = "Pour devenir bénévole, appelez le CCAS au 01 23 45 67 89."
            request_confirmed = "Bien reçu : demande **{number}** ({category}, {when}{behalf}). `!annuler {number}`"
        "#;
        let catalogue = catalogue().with_overrides(file)?;
        assert_eq!(
            catalogue.text(Lang::Fr, Key::RefusedNotVetted, &[]),
            "Pour devenir bénévole, appelez le CCAS au 01 23 45 67 89."
        );
        // Other keys and the other language keep the built-in texts.
        assert_eq!(catalogue.template(Lang::En, Key::RefusedNotVetted), {
            let builtin = Catalogue::builtin()?;
            builtin.template(Lang::En, Key::RefusedNotVetted).to_owned()
        });
        assert!(catalogue.text(Lang::Fr, Key::DoneAck, &[]).starts_with("Demande n°"));
        Ok(())
    }

    #[test]
    fn a_bad_override_names_the_key() {
        let cases = [
            ("[fr]\nrefused_not_vetteed = \"x\"", "refused_not_vetteed"),
            ("[fr]\ndone_ack = \"Merci !\"", "done_ack"),
            ("[en]\ndone_ack = \"Request #{number} {volunteer}\"", "done_ack"),
            ("[en]\ndone_ack = \"**#{number}\"", "done_ack"),
            ("[en]\ndone_ack = 3", "done_ack"),
            ("[de]\ndone_ack = \"x\"", "[de]"),
            ("done_ack = \"x\"", "done_ack"),
            ("[fr\n", "TOML"),
        ];
        for (file, named) in cases {
            match catalogue().with_overrides(file) {
                Err(error) => assert!(error.to_string().contains(named), "{file}: {error}"),
                Ok(_) => panic!("{file}: accepted"),
            }
        }
        let error = catalogue().with_overrides("[fr]\ndone_ack = \"Merci !\"").err();
        assert_eq!(
            error,
            Some(CatalogueError::Placeholders {
                lang: "fr",
                key: "done_ack",
                expected: vec!["number".to_owned()],
                found: vec![],
            })
        );
    }

    #[test]
    fn arguments_are_escaped_in_html_but_not_in_plain_text() {
        let message =
            catalogue().render(Lang::Fr, Key::Vetted, &[("user", "<script>@x:y</script>")]);
        assert!(message.plain.starts_with("<script>@x:y</script> est"));
        assert!(message.html.starts_with("&lt;script&gt;@x:y&lt;/script&gt; est"));
    }

    #[test]
    fn markup_becomes_html() {
        let message = catalogue().render(Lang::Fr, Key::UsageTake, &[]);
        assert_eq!(message.plain, "Utilisation : `!prendre <numéro>`, par exemple `!prendre 12`.");
        assert_eq!(
            message.html,
            "Utilisation : <code>!prendre &lt;numéro&gt;</code>, par exemple <code>!prendre 12</code>."
        );
        let relay = catalogue().render(
            Lang::En,
            Key::RelayTaken,
            &[("number", "3"), ("category", "x"), ("neighbourhood", "y")],
        );
        assert!(relay.html.contains("<b>Request #3</b>"));
        assert!(!relay.plain.contains("**"));
    }

    #[test]
    fn the_help_text_is_pinned() {
        let fr = catalogue()
            .help(Lang::Fr, &[CommandKind::Request, CommandKind::Cancel, CommandKind::Help]);
        assert_eq!(
            fr.plain,
            "**Commandes possibles ici :**\n\
             • `!demande <texte>` — demander un coup de main (courses, pharmacie, rendez-vous, visite…)\n\
             • `!annuler [n]` — annuler une demande, ou retirer une offre\n\
             • `!aide` — cette aide"
                .replace("**", "")
        );
        let en = catalogue().help(Lang::En, &[CommandKind::Take]);
        assert_eq!(
            en.plain,
            "Commands you can use here:\n• `!take <n>` (or ✋ on the request, or “I'll take it” in reply) — take a request"
        );
    }

    #[test]
    fn times_read_naturally() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let tomorrow = today.succ_opt().unwrap_or_default();
        let friday = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(catalogue().when(Lang::Fr, When::Asap, today), "dès que possible");
        assert_eq!(
            catalogue().when(
                Lang::Fr,
                When::On { date: tomorrow, time: None, part: Some(DayPart::Morning) },
                today
            ),
            "demain matin"
        );
        assert_eq!(
            catalogue().when(
                Lang::Fr,
                When::On { date: friday, time: at(14, 30), part: None },
                today
            ),
            "vendredi 27/11 à 14h30"
        );
        assert_eq!(
            catalogue().when(Lang::En, When::On { date: today, time: at(9, 0), part: None }, today),
            "today at 9:00"
        );
        let tonight = When::On { date: today, time: None, part: Some(DayPart::Evening) };
        assert_eq!(catalogue().when(Lang::Fr, tonight, today), "ce soir");
        assert_eq!(catalogue().when(Lang::En, tonight, today), "this evening");
        let this_afternoon =
            When::On { date: today, time: at(15, 0), part: Some(DayPart::Afternoon) };
        assert_eq!(catalogue().when(Lang::Fr, this_afternoon, today), "cet après-midi à 15h");
    }

    #[test]
    fn ages_pick_a_readable_unit() {
        assert_eq!(catalogue().age(Lang::Fr, 5), "5 min");
        assert_eq!(catalogue().age(Lang::Fr, 150), "2 h");
        assert_eq!(catalogue().age(Lang::Fr, 3 * 24 * 60), "3 j");
        assert_eq!(catalogue().age(Lang::En, 3 * 24 * 60), "3 d");
        assert_eq!(catalogue().age(Lang::En, -4), "0 min");
    }

    #[test]
    fn every_category_and_relation_has_a_name() {
        for lang in Lang::ALL {
            for c in Category::ALL {
                assert!(!catalogue().category(lang, c).is_empty());
            }
            for r in Relation::ALL {
                assert!(catalogue().behalf(lang, Some(r)).len() > 5);
            }
            assert_eq!(catalogue().behalf(lang, None), "");
        }
    }

    #[test]
    fn a_missing_argument_leaves_the_placeholder_visible() {
        assert_eq!(
            catalogue().text(Lang::En, Key::CancelledAck, &[]),
            "Request #{number} cancelled."
        );
    }
}
