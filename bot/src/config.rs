//! The bot's configuration, read from a TOML file and checked before anything starts.

use std::path::{Path, PathBuf};

pub use chrono_tz::Tz;
use entraide_commands::Lang;
use serde::Deserialize;

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
    /// The file is not valid TOML or has unknown, missing or mistyped options.
    #[error("configuration file {path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What the TOML reader said (it names the option and the line).
        message: String,
    },
    /// An option has a value that cannot work.
    #[error("option `{option}`: {problem}")]
    Invalid {
        /// The option, as written in the file.
        option: &'static str,
        /// What was expected.
        problem: String,
    },
}

/// The configuration file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    homeserver: String,
    user_id: String,
    password: Option<String>,
    password_file: Option<PathBuf>,
    password_env: Option<String>,
    #[serde(default = "default_device_name")]
    device_name: String,
    data_dir: PathBuf,
    #[serde(default = "default_true")]
    encrypt_rooms: bool,
    community: CommunityFile,
    #[serde(default)]
    coordinators: Vec<String>,
    #[serde(default)]
    rooms: RoomsFile,
    #[serde(default)]
    neighbourhoods: Vec<NeighbourhoodFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommunityFile {
    name: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_timezone")]
    timezone: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoomsFile {
    volunteers: Option<String>,
    coordination: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NeighbourhoodFile {
    room: String,
    name: String,
}

fn default_device_name() -> String {
    "entraide".to_owned()
}
fn default_true() -> bool {
    true
}
fn default_language() -> String {
    "fr".to_owned()
}
fn default_timezone() -> String {
    "Europe/Paris".to_owned()
}

/// A checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The homeserver's URL.
    pub homeserver: String,
    /// The bot's Matrix user id.
    pub user_id: String,
    /// The bot's password.
    pub password: String,
    /// The display name of the bot's device.
    pub device_name: String,
    /// Where the sled store and the Matrix session and crypto store live.
    pub data_dir: PathBuf,
    /// Whether rooms the bot creates are end-to-end encrypted.
    pub encrypt_rooms: bool,
    /// The community's name.
    pub community: String,
    /// The language of broadcasts (relays) and of replies to people who wrote no command word.
    pub language: Lang,
    /// The community's time zone.
    pub timezone: Tz,
    /// The coordinators' user ids.
    pub coordinators: Vec<String>,
    /// The volunteers room (id or alias), or `None` to create one.
    pub volunteers_room: Option<String>,
    /// The coordination room (id or alias), or `None` to create one.
    pub coordination_room: Option<String>,
    /// Neighbourhood rooms to join, with their names.
    pub neighbourhoods: Vec<Neighbourhood>,
}

/// A neighbourhood room named in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbourhood {
    /// The room id or alias.
    pub room: String,
    /// The neighbourhood's name, shown on relays.
    pub name: String,
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
        if !(file.homeserver.starts_with("http://") || file.homeserver.starts_with("https://")) {
            return invalid(
                "homeserver",
                format!("expected an http:// or https:// URL, found {:?}", file.homeserver),
            );
        }
        check_user_id("user_id", &file.user_id)?;
        for coordinator in &file.coordinators {
            check_user_id("coordinators", coordinator)?;
        }
        if file.coordinators.is_empty() {
            return invalid(
                "coordinators",
                "expected at least one coordinator's user id".to_owned(),
            );
        }
        let password = match (file.password, file.password_file, file.password_env) {
            (Some(password), None, None) => password,
            (None, Some(file), None) => {
                let file = base.join(file);
                std::fs::read_to_string(&file)
                    .map_err(|error| ConfigError::Invalid {
                        option: "password_file",
                        problem: format!("cannot read {}: {error}", file.display()),
                    })?
                    .trim_end_matches(['\n', '\r'])
                    .to_owned()
            }
            (None, None, Some(variable)) => {
                std::env::var(&variable).map_err(|_| ConfigError::Invalid {
                    option: "password_env",
                    problem: format!("the environment variable {variable} is not set"),
                })?
            }
            _ => {
                return invalid(
                    "password",
                    "expected exactly one of password, password_file, password_env".to_owned(),
                );
            }
        };
        if password.is_empty() {
            return invalid("password", "the password is empty".to_owned());
        }
        let language =
            Lang::from_code(&file.community.language).ok_or_else(|| ConfigError::Invalid {
                option: "community.language",
                problem: format!("expected \"fr\" or \"en\", found {:?}", file.community.language),
            })?;
        let timezone: Tz = file.community.timezone.parse().map_err(|_| ConfigError::Invalid {
            option: "community.timezone",
            problem: format!(
                "expected a time zone such as \"Europe/Paris\", found {:?}",
                file.community.timezone
            ),
        })?;
        if file.community.name.trim().is_empty() {
            return invalid("community.name", "expected the community's name".to_owned());
        }
        for room in [&file.rooms.volunteers, &file.rooms.coordination].into_iter().flatten() {
            check_room("rooms", room)?;
        }
        for n in &file.neighbourhoods {
            check_room("neighbourhoods.room", &n.room)?;
            if n.name.trim().is_empty() {
                return invalid("neighbourhoods.name", format!("the room {} needs a name", n.room));
            }
        }
        Ok(Config {
            homeserver: file.homeserver,
            user_id: file.user_id,
            password,
            device_name: file.device_name,
            data_dir: base.join(file.data_dir),
            encrypt_rooms: file.encrypt_rooms,
            community: file.community.name,
            language,
            timezone,
            coordinators: file.coordinators,
            volunteers_room: file.rooms.volunteers,
            coordination_room: file.rooms.coordination,
            neighbourhoods: file
                .neighbourhoods
                .into_iter()
                .map(|n| Neighbourhood { room: n.room, name: n.name })
                .collect(),
        })
    }
}

fn invalid<T>(option: &'static str, problem: String) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid { option, problem })
}

fn check_user_id(option: &'static str, value: &str) -> Result<(), ConfigError> {
    match matrix_sdk::ruma::UserId::parse(value) {
        Ok(_) => Ok(()),
        Err(_) => invalid(
            option,
            format!("expected a Matrix user id like @name:example.org, found {value:?}"),
        ),
    }
}

fn check_room(option: &'static str, value: &str) -> Result<(), ConfigError> {
    match matrix_sdk::ruma::RoomOrAliasId::parse(value) {
        Ok(_) => Ok(()),
        Err(_) => {
            invalid(option, format!("expected a room id (!…) or alias (#…), found {value:?}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        homeserver = "http://127.0.0.1:8008"
        user_id = "@entraide:example.org"
        password = "secret"
        data_dir = "data"
        coordinators = ["@agent:example.org"]
        [community]
        name = "Saint-Martin"
    "#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/entraide/config.toml"))
    }

    #[test]
    fn a_minimal_file_takes_the_defaults() -> Result<(), ConfigError> {
        let config = parse(MINIMAL)?;
        assert_eq!(config.language, Lang::Fr);
        assert_eq!(config.timezone, chrono_tz::Europe::Paris);
        assert!(config.encrypt_rooms);
        assert_eq!(config.data_dir, PathBuf::from("/etc/entraide/data"));
        assert_eq!(config.device_name, "entraide");
        assert_eq!(config.volunteers_room, None);
        Ok(())
    }

    #[test]
    fn the_example_file_is_valid() -> Result<(), ConfigError> {
        let text = include_str!("../../config.example.toml");
        // SAFETY of the test: the example reads its password from this variable.
        let config = Config::parse(
            &text.replace("password_env = \"ENTRAIDE_PASSWORD\"", "password = \"x\""),
            Path::new("config.toml"),
        )?;
        assert_eq!(config.neighbourhoods.len(), 2);
        Ok(())
    }

    #[test]
    fn bad_options_name_themselves() {
        let cases = [
            (MINIMAL.replace("http://127.0.0.1:8008", "localhost"), "homeserver"),
            (MINIMAL.replace("@entraide:example.org", "entraide"), "user_id"),
            (MINIMAL.replace("[\"@agent:example.org\"]", "[]"), "coordinators"),
            (MINIMAL.replace("password = \"secret\"", ""), "password"),
            (
                MINIMAL.replace("password = \"secret\"", "password = \"a\"\npassword_env = \"B\""),
                "password",
            ),
            (format!("{MINIMAL}\nlanguage = \"de\""), "community.language"),
            (format!("{MINIMAL}\ntimezone = \"Mars/Olympus\""), "community.timezone"),
        ];
        for (text, option) in cases {
            match parse(&text) {
                Err(ConfigError::Invalid { option: found, .. }) => {
                    assert_eq!(found, option, "{text}")
                }
                other => panic!("{option}: expected an invalid option, got {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_and_missing_options_are_syntax_errors_naming_them() {
        let unknown = format!("colour = \"blue\"\n{MINIMAL}");
        match parse(&unknown) {
            Err(ConfigError::Syntax { message, .. }) => {
                assert!(message.contains("colour"), "{message}")
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        match parse(&MINIMAL.replace("data_dir = \"data\"", "")) {
            Err(ConfigError::Syntax { message, .. }) => {
                assert!(message.contains("data_dir"), "{message}")
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }
}
