//! The bot's configuration, read from a TOML file and checked before anything starts.
//!
//! Serde parses every value into its type (the homeserver as a URL, user ids as Matrix user
//! ids, rooms as room ids or aliases, the time zone as a [`Tz`], the language as a [`Lang`]);
//! a value it refuses is a [`ConfigError::Syntax`] whose message shows the line and says
//! what was expected. What no type can say (one password source, at least one coordinator,
//! names that are not blank, an http(s) homeserver) is checked after, as
//! [`ConfigError::Invalid`]; every such option is reported at once
//! ([`ConfigError::Several`]).

mod secrets;
mod sections;
mod values;

use std::path::{Path, PathBuf};

pub use chrono_tz::Tz;
use entraide_commands::Lang;
use matrix_sdk::ruma::{OwnedRoomOrAliasId, OwnedUserId};
use serde::Deserialize;
use url::Url;

use self::secrets::{credentials, secret_env, secret_file, secret_path};
pub use self::sections::{
    CampaignConfig, FiguresConfig, FollowUp, HttpConfig, Limits, LogFormat, Retention,
};
use self::sections::{check_campaign, check_follow_up};
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
    /// More than one option cannot work: each of them, one per line.
    #[error("{}", lines(.0))]
    Several(Vec<ConfigError>),
}

impl ConfigError {
    /// `problems` as one error: the problem alone, or [`ConfigError::Several`].
    fn of(mut problems: Vec<ConfigError>) -> ConfigError {
        match problems.len() {
            1 => problems.remove(0),
            _ => ConfigError::Several(problems),
        }
    }

    /// Each problem on its own (one, but for [`ConfigError::Several`]).
    pub fn each(&self) -> Vec<&ConfigError> {
        match self {
            ConfigError::Several(problems) => problems.iter().collect(),
            one => vec![one],
        }
    }
}

/// Adds the problem `checked` found, if any, to `problems`.
fn note(problems: &mut Vec<ConfigError>, checked: Result<(), ConfigError>) {
    problems.extend(checked.err());
}

/// `problems`, one per line.
fn lines(problems: &[ConfigError]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
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
    /// Every option that cannot work is reported, not only the first
    /// ([`ConfigError::Several`] when there are more than one).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|error| ConfigError::Syntax {
            path: path.to_owned(),
            message: error.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut problems = Vec::new();
        let homeserver = file.homeserver.0;
        if !matches!(homeserver.scheme(), "http" | "https") {
            note(
                &mut problems,
                invalid(
                    "homeserver",
                    format!("expected an http:// or https:// URL, found {homeserver}"),
                ),
            );
        } else if !homeserver.username().is_empty() || homeserver.password().is_some() {
            // The URL would show in logs and in `Debug`; the password has its own options.
            note(
                &mut problems,
                invalid("homeserver", "expected a URL without a user name or password".to_owned()),
            );
        }
        if file.coordinators.is_empty() {
            note(
                &mut problems,
                invalid("coordinators", "expected at least one coordinator's user id".to_owned()),
            );
        }
        // Where the secrets' problems go among the others: in the file's order.
        let secrets_at = problems.len();
        let password = match (file.password, file.password_file, file.password_env) {
            (Some(password), None, None) => Ok(password),
            (None, Some(file), None) => secret_path("password_file", base, &file, credentials())
                .and_then(|path| secret_file("password_file", &path)),
            (None, None, Some(variable)) => secret_env("password_env", &variable),
            _ => invalid(
                "password",
                "expected exactly one of password, password_file, password_env".to_owned(),
            ),
        };
        let password = password.and_then(|password| match password.expose().is_empty() {
            true => invalid("password", "the password is empty".to_owned()),
            false => Ok(password),
        });
        let store_passphrase = match (file.store_passphrase_file, file.store_passphrase_env) {
            (None, None) => Ok(None),
            (Some(file), None) => secret_path("store_passphrase_file", base, &file, credentials())
                .and_then(|path| secret_file("store_passphrase_file", &path))
                .map(Some),
            (None, Some(variable)) => secret_env("store_passphrase_env", &variable).map(Some),
            (Some(_), Some(_)) => invalid(
                "store_passphrase_file",
                "expected at most one of store_passphrase_file, store_passphrase_env".to_owned(),
            ),
        };
        let store_passphrase = store_passphrase.and_then(|passphrase| match &passphrase {
            Some(empty) if empty.expose().is_empty() => {
                invalid("store_passphrase_file", "the store's passphrase is empty".to_owned())
            }
            _ => Ok(passphrase),
        });
        if file.community.name.trim().is_empty() {
            note(
                &mut problems,
                invalid("community.name", "expected the community's name".to_owned()),
            );
        }
        let mut neighbourhoods = Vec::with_capacity(file.neighbourhoods.len());
        for n in file.neighbourhoods {
            if n.name.trim().is_empty() {
                note(
                    &mut problems,
                    invalid("neighbourhoods.name", format!("the room {} needs a name", n.room.0)),
                );
            }
            let commune = n.commune.filter(|commune| !commune.trim().is_empty());
            neighbourhoods.push(Neighbourhood { room: n.room.0, name: n.name, commune });
        }
        note(&mut problems, check_follow_up(&file.follow_up));
        note(&mut problems, check_campaign(&file.campaign));
        if file.http.stale_after.is_zero() {
            note(
                &mut problems,
                invalid("http.stale_after", "expected a duration above zero".to_owned()),
            );
        }
        if file.limits.open_requests == 0 || file.limits.requests_per_day == 0 {
            note(
                &mut problems,
                invalid("limits", "each limit must allow at least one request".to_owned()),
            );
        }
        let (password, store_passphrase) = match (password, store_passphrase) {
            (Ok(password), Ok(passphrase)) if problems.is_empty() => (password, passphrase),
            (password, passphrase) => {
                let secrets = [password.err(), passphrase.err()];
                problems.splice(secrets_at..secrets_at, secrets.into_iter().flatten());
                return Err(ConfigError::of(problems));
            }
        };
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

fn invalid<T>(option: &'static str, problem: String) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid { option, problem })
}

#[cfg(test)]
mod tests;
