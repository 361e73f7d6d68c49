//! The bot's configuration, read from a TOML file and checked before anything starts.
//!
//! Serde parses every value into its type (the homeserver as a URL, user ids as Matrix user
//! ids, rooms as room ids or aliases, the time zone as a [`Tz`], the language as a [`Lang`]);
//! a value it refuses is a [`ConfigError::Syntax`] whose message shows the line and says
//! what was expected. What no type can say (one password source, at least one coordinator,
//! names that are not blank, an http(s) homeserver) is checked after, as
//! [`ConfigError::Invalid`].

mod values;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

pub use chrono_tz::Tz;
use entraide_commands::Lang;
use matrix_sdk::ruma::{OwnedRoomOrAliasId, OwnedUserId};
use serde::Deserialize;
use url::Url;

use self::values::Parsed;
pub use self::values::Password;

/// A configuration that cannot be used, with the option at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, has unknown, missing or mistyped options, or a value
    /// that does not parse (a user id, a room, the time zone, the language, a URL).
    #[error("configuration file {path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What the TOML reader said (it shows the option's line and what was expected).
        message: String,
    },
    /// An option has a value that parses but cannot work.
    #[error("option `{option}`: {problem}")]
    Invalid {
        /// The option, as written in the file.
        option: &'static str,
        /// What was expected.
        problem: String,
    },
}

/// A checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The homeserver's URL (http or https).
    pub homeserver: Url,
    /// The bot's Matrix user id.
    pub user_id: OwnedUserId,
    /// The bot's password.
    pub password: Password,
    /// The passphrase that encrypts the Matrix store (session keys, room keys) at rest;
    /// `None` leaves it unencrypted (the bot warns at start).
    pub store_passphrase: Option<Password>,
    /// The display name of the bot's device.
    pub device_name: String,
    /// Where the sled store and the Matrix session and crypto store live.
    pub data_dir: PathBuf,
    /// Whether rooms the bot creates are end-to-end encrypted.
    pub encrypt_rooms: bool,
    /// How many private rooms the bot keeps made ahead of claims.
    pub spare_rooms: usize,
    /// Whether a request written in a neighbourhood room is taken out of it once
    /// recorded (where the bot has the power to), and answered in a direct chat.
    pub remove_requests: bool,
    /// The community's name.
    pub community: String,
    /// The language of broadcasts (relays) and of replies to people who wrote no command word.
    pub language: Lang,
    /// The community's time zone.
    pub timezone: Tz,
    /// The commune's own texts, overriding some of the bot's (resolved, not read, here).
    pub messages: Option<PathBuf>,
    /// The volunteers' charter, a text file (resolved, not read, here); `None`: the one
    /// shipped.
    pub charter: Option<PathBuf>,
    /// The coordinators' user ids.
    pub coordinators: Vec<OwnedUserId>,
    /// The volunteers room (id or alias), or `None` to create one.
    pub volunteers_room: Option<OwnedRoomOrAliasId>,
    /// The coordination room (id or alias), or `None` to create one.
    pub coordination_room: Option<OwnedRoomOrAliasId>,
    /// Neighbourhood rooms to join, with their names.
    pub neighbourhoods: Vec<Neighbourhood>,
    /// How people reach the CCAS (a phone number, an office), told to a requester whose
    /// request expired; `None`: a general pointer to the town hall.
    pub contact: Option<String>,
    /// Who is responsible for the data (GDPR's controller), e.g. "le CCAS de
    /// Saint-Martin"; `None`: the commune, by its name.
    pub controller: Option<String>,
    /// When the bot follows up on requests that wait.
    pub follow_up: FollowUp,
    /// The rhythm of check-in campaigns (crisis mode).
    pub campaign: CampaignConfig,
    /// How long personal data is kept.
    pub retention: Retention,
    /// How much one person may ask.
    pub limits: Limits,
    /// What the figures for the commune may ask people.
    pub figures: FiguresConfig,
    /// The operators' HTTP listener (health and metrics); off by default.
    pub http: HttpConfig,
    /// How log lines are written: text for people, JSON for log collectors.
    pub log_format: LogFormat,
}

/// The operators' HTTP listener: `GET /healthz` and `GET /metrics` (Prometheus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Where to listen, e.g. "127.0.0.1:9187"; `None` (the default): no listener.
    pub listen: Option<SocketAddr>,
    /// `/healthz` answers 503 when the last successful sync is older than this.
    #[serde(with = "humantime_serde")]
    pub stale_after: Duration,
}

impl Default for HttpConfig {
    /// No listener; a sync older than two minutes is stale (a healthy bot syncs at least
    /// every half minute).
    fn default() -> HttpConfig {
        HttpConfig { listen: None, stale_after: Duration::from_secs(120) }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One readable line per event (the default).
    #[default]
    Text,
    /// One JSON object per line, with the same fields, for log collectors.
    Json,
}

/// What the figures for the commune may ask people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FiguresConfig {
    /// Ask each person who asks for help or volunteers, once and optionally, an age band
    /// and a gender (`!profil`), kept apart and counted only in groups of five or more.
    /// Off unless the commune turns it on (and says so in its record of processing).
    pub profile: bool,
}

/// How much one person may ask, so that one person (or a script) cannot flood the
/// volunteers; coordinators, who post for people who phoned, are not limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Requests a person may have open or under way at once.
    pub open_requests: usize,
    /// Requests a person may post in 24 hours.
    pub requests_per_day: usize,
}

impl Default for Limits {
    /// Three at once, ten a day.
    fn default() -> Limits {
        Limits { open_requests: 3, requests_per_day: 10 }
    }
}

/// When the bot follows up on a request that waits, counted from the start of its current
/// phase (posted or given back; claimed). Written in the file as "2h", "3d", "90min".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FollowUp {
    /// An open request is brought back to the volunteers' attention.
    #[serde(with = "humantime_serde")]
    pub remind_after: Duration,
    /// The coordinators are told that nobody took an open request.
    #[serde(with = "humantime_serde")]
    pub escalate_after: Duration,
    /// An open request expires (the requester is told).
    #[serde(with = "humantime_serde")]
    pub expire_after: Duration,
    /// An open request for a given time expires this long after that time.
    #[serde(with = "humantime_serde")]
    pub expire_grace: Duration,
    /// The volunteer holding a request is asked how it goes, in the private room.
    #[serde(with = "humantime_serde")]
    pub nudge_after: Duration,
    /// The coordinators are told that a claimed request is not closed.
    #[serde(with = "humantime_serde")]
    pub escalate_claim_after: Duration,
    /// Each occurrence of a repeating request is relayed this long before its day
    /// (at most one occurrence's interval ahead).
    #[serde(with = "humantime_serde")]
    pub repeat_ahead: Duration,
}

const HOUR: Duration = Duration::from_secs(3600);

impl Default for FollowUp {
    /// Two hours for a reminder, six for the coordinators, three days to expire (or two
    /// hours after the time asked for); a claim is followed up after three and seven days;
    /// an occurrence of a repeating request is relayed two days ahead.
    fn default() -> FollowUp {
        FollowUp {
            remind_after: 2 * HOUR,
            escalate_after: 6 * HOUR,
            expire_after: 72 * HOUR,
            expire_grace: 2 * HOUR,
            nudge_after: 72 * HOUR,
            escalate_claim_after: 168 * HOUR,
            repeat_ahead: 48 * HOUR,
        }
    }
}

/// How long personal data is kept (GDPR Art. 5(1)(e)): the commune's choice, with
/// defaults in the spirit of the CNIL's guidance for social action. Written as "90d".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Retention {
    /// The text and notes of a closed request are erased this long after it closed.
    #[serde(with = "humantime_serde")]
    pub closed_texts: Duration,
    /// A person with no activity for this long is erased.
    #[serde(with = "humantime_serde")]
    pub inactive_people: Duration,
    /// Who did what in the outcome log is pseudonymised after this long.
    #[serde(with = "humantime_serde")]
    pub log_actors: Duration,
    /// The ids of handled Matrix events (kept so that none is handled twice) are pruned
    /// after this long.
    #[serde(with = "humantime_serde")]
    pub handled_events: Duration,
}

const DAY: Duration = Duration::from_secs(86_400);

impl Default for Retention {
    /// Request texts 90 days after closing, people two years after their last activity,
    /// actors in the log one year, handled event ids seven days.
    fn default() -> Retention {
        Retention {
            closed_texts: 90 * DAY,
            inactive_people: 730 * DAY,
            log_actors: 365 * DAY,
            handled_events: 7 * DAY,
        }
    }
}

/// A neighbourhood room named in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbourhood {
    /// The room id or alias.
    pub room: OwnedRoomOrAliasId,
    /// The neighbourhood's name, shown on relays.
    pub name: String,
    /// The commune it belongs to, for the figures of a territory of several; `None`:
    /// the community's.
    pub commune: Option<String>,
}

/// The configuration file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    homeserver: Parsed<Url>,
    user_id: Parsed<OwnedUserId>,
    password: Option<Password>,
    password_file: Option<PathBuf>,
    password_env: Option<String>,
    store_passphrase_file: Option<PathBuf>,
    store_passphrase_env: Option<String>,
    #[serde(default = "default_device_name")]
    device_name: String,
    data_dir: PathBuf,
    #[serde(default = "default_true")]
    encrypt_rooms: bool,
    #[serde(default = "default_spare_rooms")]
    spare_rooms: usize,
    #[serde(default = "default_true")]
    remove_requests: bool,
    community: CommunityFile,
    #[serde(default)]
    coordinators: Vec<Parsed<OwnedUserId>>,
    #[serde(default)]
    rooms: RoomsFile,
    #[serde(default)]
    neighbourhoods: Vec<NeighbourhoodFile>,
    #[serde(default)]
    follow_up: FollowUp,
    #[serde(default)]
    campaign: CampaignConfig,
    #[serde(default)]
    retention: Retention,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    figures: FiguresConfig,
    #[serde(default)]
    http: HttpConfig,
    #[serde(default)]
    log_format: LogFormat,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommunityFile {
    name: String,
    #[serde(default, deserialize_with = "values::language")]
    language: Lang,
    #[serde(default = "default_timezone")]
    timezone: Parsed<Tz>,
    messages: Option<PathBuf>,
    charter: Option<PathBuf>,
    contact: Option<String>,
    controller: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoomsFile {
    volunteers: Option<Parsed<OwnedRoomOrAliasId>>,
    coordination: Option<Parsed<OwnedRoomOrAliasId>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NeighbourhoodFile {
    room: Parsed<OwnedRoomOrAliasId>,
    name: String,
    #[serde(default)]
    commune: Option<String>,
}

fn default_device_name() -> String {
    "entraide".to_owned()
}
/// systemd's credentials directory, as a secret file's path may start.
const CREDENTIALS: &str = "${CREDENTIALS_DIRECTORY}/";

/// Where a secret file is: `file` from the configuration's folder `base`, or, for a path
/// that starts with `${CREDENTIALS_DIRECTORY}/`, in `credentials`, the directory systemd
/// hands the unit's credentials in (`LoadCredential`, `$CREDENTIALS_DIRECTORY`) whatever
/// the unit is called: the service, or `systemd-run` for a command run by hand.
fn secret_path(
    option: &'static str,
    base: &Path,
    file: &Path,
    credentials: Option<std::ffi::OsString>,
) -> Result<PathBuf, ConfigError> {
    let Some(name) = file.to_str().and_then(|file| file.strip_prefix(CREDENTIALS)) else {
        return Ok(base.join(file));
    };
    let directory = credentials.ok_or_else(|| ConfigError::Invalid {
        option,
        problem: "CREDENTIALS_DIRECTORY is not set: systemd sets it for a unit with \
                      LoadCredential (run by hand: systemd-run -p LoadCredential=…)"
            .to_owned(),
    })?;
    Ok(Path::new(&directory).join(name))
}

/// systemd's credentials directory for this process, if any.
fn credentials() -> Option<std::ffi::OsString> {
    std::env::var_os("CREDENTIALS_DIRECTORY")
}

/// A secret read from a file (its first line break and what follows are not part of it).
fn secret_file(option: &'static str, file: &Path) -> Result<Password, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|error| ConfigError::Invalid {
        option,
        problem: format!("cannot read {}: {error}", file.display()),
    })?;
    Ok(Password::new(text.trim_end_matches(['\n', '\r'])))
}

/// A secret read from an environment variable.
fn secret_env(option: &'static str, variable: &str) -> Result<Password, ConfigError> {
    std::env::var(variable).map(Password::new).map_err(|_| ConfigError::Invalid {
        option,
        problem: format!("the environment variable {variable} is not set"),
    })
}

fn default_true() -> bool {
    true
}
fn default_spare_rooms() -> usize {
    2
}
fn default_timezone() -> Parsed<Tz> {
    Parsed(chrono_tz::Europe::Paris)
}

impl Config {
    /// Reads and checks the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Config::parse(&text, path)
    }

    /// Checks the configuration text; `path` is for messages and for relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|error| ConfigError::Syntax {
            path: path.to_owned(),
            message: error.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let homeserver = file.homeserver.0;
        if !matches!(homeserver.scheme(), "http" | "https") {
            return invalid(
                "homeserver",
                format!("expected an http:// or https:// URL, found {homeserver}"),
            );
        }
        if !homeserver.username().is_empty() || homeserver.password().is_some() {
            // The URL would show in logs and in `Debug`; the password has its own options.
            return invalid(
                "homeserver",
                "expected a URL without a user name or password".to_owned(),
            );
        }
        if file.coordinators.is_empty() {
            return invalid(
                "coordinators",
                "expected at least one coordinator's user id".to_owned(),
            );
        }
        let password = match (file.password, file.password_file, file.password_env) {
            (Some(password), None, None) => password,
            (None, Some(file), None) => secret_file(
                "password_file",
                &secret_path("password_file", base, &file, credentials())?,
            )?,
            (None, None, Some(variable)) => secret_env("password_env", &variable)?,
            _ => {
                return invalid(
                    "password",
                    "expected exactly one of password, password_file, password_env".to_owned(),
                );
            }
        };
        let store_passphrase = match (file.store_passphrase_file, file.store_passphrase_env) {
            (None, None) => None,
            (Some(file), None) => {
                let path = secret_path("store_passphrase_file", base, &file, credentials())?;
                Some(secret_file("store_passphrase_file", &path)?)
            }
            (None, Some(variable)) => Some(secret_env("store_passphrase_env", &variable)?),
            (Some(_), Some(_)) => {
                return invalid(
                    "store_passphrase_file",
                    "expected at most one of store_passphrase_file, store_passphrase_env"
                        .to_owned(),
                );
            }
        };
        if store_passphrase.as_ref().is_some_and(|p| p.expose().is_empty()) {
            return invalid("store_passphrase_file", "the store's passphrase is empty".to_owned());
        }
        if password.expose().is_empty() {
            return invalid("password", "the password is empty".to_owned());
        }
        if file.community.name.trim().is_empty() {
            return invalid("community.name", "expected the community's name".to_owned());
        }
        let mut neighbourhoods = Vec::with_capacity(file.neighbourhoods.len());
        for n in file.neighbourhoods {
            if n.name.trim().is_empty() {
                return invalid(
                    "neighbourhoods.name",
                    format!("the room {} needs a name", n.room.0),
                );
            }
            let commune = n.commune.filter(|commune| !commune.trim().is_empty());
            neighbourhoods.push(Neighbourhood { room: n.room.0, name: n.name, commune });
        }
        check_follow_up(&file.follow_up)?;
        check_campaign(&file.campaign)?;
        if file.http.stale_after.is_zero() {
            return invalid("http.stale_after", "expected a duration above zero".to_owned());
        }
        if file.limits.open_requests == 0 || file.limits.requests_per_day == 0 {
            return invalid("limits", "each limit must allow at least one request".to_owned());
        }
        let contact = file.community.contact.filter(|contact| !contact.trim().is_empty());
        Ok(Config {
            homeserver,
            user_id: file.user_id.0,
            password,
            store_passphrase,
            device_name: file.device_name,
            data_dir: base.join(file.data_dir),
            encrypt_rooms: file.encrypt_rooms,
            spare_rooms: file.spare_rooms,
            remove_requests: file.remove_requests,
            community: file.community.name,
            language: file.community.language,
            timezone: file.community.timezone.0,
            messages: file.community.messages.map(|messages| base.join(messages)),
            charter: file.community.charter.map(|charter| base.join(charter)),
            coordinators: file.coordinators.into_iter().map(|c| c.0).collect(),
            volunteers_room: file.rooms.volunteers.map(|r| r.0),
            coordination_room: file.rooms.coordination.map(|r| r.0),
            neighbourhoods,
            contact,
            follow_up: file.follow_up,
            campaign: file.campaign,
            retention: file.retention,
            limits: file.limits,
            figures: file.figures,
            controller: file.community.controller,
            http: file.http,
            log_format: file.log_format,
        })
    }
}

/// The rhythm of a check-in campaign (crisis mode). Written as "2h", "1d".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignConfig {
    /// A person not reached is to be called again this long after the last try.
    #[serde(with = "humantime_serde")]
    pub retry_after: Duration,
    /// After this many calls without an answer in a round, the coordinators are alerted
    /// with the emergency contact and the address.
    pub attempts: u32,
    /// A round of calls starts again this often, until the campaign ends.
    #[serde(with = "humantime_serde")]
    pub round_every: Duration,
    /// The calm days' round (`!campagne appels`) starts again this often instead.
    #[serde(with = "humantime_serde")]
    pub routine_every: Duration,
    /// A caller who recorded nothing for this long while people on their list wait has
    /// them handed to another caller.
    #[serde(with = "humantime_serde")]
    pub quiet_after: Duration,
}

impl CampaignConfig {
    /// How often a round of a campaign of `kind` starts again.
    pub fn every(&self, kind: &entraide_commands::CampaignKind) -> chrono::TimeDelta {
        let every = match kind {
            entraide_commands::CampaignKind::Routine => self.routine_every,
            _ => self.round_every,
        };
        chrono::TimeDelta::from_std(every).unwrap_or(chrono::TimeDelta::MAX)
    }
}

impl Default for CampaignConfig {
    /// Again after two hours, alert after three unanswered calls, a round a day (a calm
    /// days' round every 30 days), a quiet caller's list handed over after four hours.
    fn default() -> CampaignConfig {
        CampaignConfig {
            retry_after: 2 * HOUR,
            attempts: 3,
            round_every: 24 * HOUR,
            routine_every: 30 * 24 * HOUR,
            quiet_after: 4 * HOUR,
        }
    }
}

/// Each delay is positive, at least one call is made, and a retry fits in a round.
fn check_campaign(campaign: &CampaignConfig) -> Result<(), ConfigError> {
    let CampaignConfig { retry_after, attempts, round_every, routine_every, quiet_after } =
        *campaign;
    for (option, delay) in [
        ("campaign.retry_after", retry_after),
        ("campaign.round_every", round_every),
        ("campaign.routine_every", routine_every),
        ("campaign.quiet_after", quiet_after),
    ] {
        if delay.is_zero() {
            return invalid(option, "expected a delay longer than zero, such as \"2h\"".to_owned());
        }
    }
    if attempts == 0 {
        return invalid("campaign.attempts", "at least one call is made".to_owned());
    }
    if retry_after >= round_every.min(routine_every) {
        return invalid(
            "campaign.retry_after",
            "a person not reached is called again within the round (round_every, routine_every)"
                .to_owned(),
        );
    }
    Ok(())
}

/// Each delay is positive, and each step of a phase comes after the one before it.
fn check_follow_up(follow_up: &FollowUp) -> Result<(), ConfigError> {
    let FollowUp {
        remind_after,
        escalate_after,
        expire_after,
        expire_grace,
        nudge_after,
        escalate_claim_after,
        // Zero is a choice: each occurrence relayed at the start of its day.
        repeat_ahead: _,
    } = *follow_up;
    let delays = [
        ("follow_up.remind_after", remind_after),
        ("follow_up.escalate_after", escalate_after),
        ("follow_up.expire_after", expire_after),
        ("follow_up.expire_grace", expire_grace),
        ("follow_up.nudge_after", nudge_after),
        ("follow_up.escalate_claim_after", escalate_claim_after),
    ];
    for (option, delay) in delays {
        if delay.is_zero() {
            return invalid(option, "expected a delay longer than zero, such as \"2h\"".to_owned());
        }
    }
    let order = [
        ("follow_up.escalate_after", escalate_after, "remind_after", remind_after),
        ("follow_up.expire_after", expire_after, "escalate_after", escalate_after),
        ("follow_up.escalate_claim_after", escalate_claim_after, "nudge_after", nudge_after),
    ];
    for (option, later, before, earlier) in order {
        if later < earlier {
            let (later, earlier) =
                (humantime::format_duration(later), humantime::format_duration(earlier));
            return invalid(
                option,
                format!("{later} comes before {before} ({earlier}); expected it after"),
            );
        }
    }
    Ok(())
}

fn invalid<T>(option: &'static str, problem: String) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid { option, problem })
}

#[cfg(test)]
mod tests;
