//! The bot's configuration, read from a TOML file and checked before anything starts.
//!
//! Serde parses every value into its type (the homeserver as a URL, user ids as Matrix user
//! ids, rooms as room ids or aliases, the time zone as a [`Tz`], the language as a [`Lang`]);
//! a value it refuses is a [`ConfigError::Syntax`] whose message shows the line and says
//! what was expected. What no type can say (one password source, at least one coordinator,
//! names that are not blank, an http(s) homeserver) is checked after, as
//! [`ConfigError::Invalid`].

use std::{
    fmt,
    marker::PhantomData,
    path::{Path, PathBuf},
};

pub use chrono_tz::Tz;
use entraide_commands::Lang;
use matrix_sdk::ruma::{OwnedRoomOrAliasId, OwnedUserId};
use serde::{
    Deserialize, Deserializer,
    de::{self, DeserializeOwned, value::StrDeserializer},
};
use url::Url;

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

/// The bot's password. Its `Debug` never shows it; [`Password::expose`] does.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Password {
        Password(password.into())
    }

    /// The password itself, for logging in.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
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
    /// The commune's own texts, overriding some of the bot's (resolved, not read, here).
    pub messages: Option<PathBuf>,
    /// The coordinators' user ids.
    pub coordinators: Vec<OwnedUserId>,
    /// The volunteers room (id or alias), or `None` to create one.
    pub volunteers_room: Option<OwnedRoomOrAliasId>,
    /// The coordination room (id or alias), or `None` to create one.
    pub coordination_room: Option<OwnedRoomOrAliasId>,
    /// Neighbourhood rooms to join, with their names.
    pub neighbourhoods: Vec<Neighbourhood>,
}

/// A neighbourhood room named in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbourhood {
    /// The room id or alias.
    pub room: OwnedRoomOrAliasId,
    /// The neighbourhood's name, shown on relays.
    pub name: String,
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
    #[serde(default = "default_device_name")]
    device_name: String,
    data_dir: PathBuf,
    #[serde(default = "default_true")]
    encrypt_rooms: bool,
    community: CommunityFile,
    #[serde(default)]
    coordinators: Vec<Parsed<OwnedUserId>>,
    #[serde(default)]
    rooms: RoomsFile,
    #[serde(default)]
    neighbourhoods: Vec<NeighbourhoodFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommunityFile {
    name: String,
    #[serde(default)]
    language: Lang,
    #[serde(default = "default_timezone")]
    timezone: Parsed<Tz>,
    messages: Option<PathBuf>,
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
}

fn default_device_name() -> String {
    "entraide".to_owned()
}
fn default_true() -> bool {
    true
}
fn default_timezone() -> Parsed<Tz> {
    Parsed(chrono_tz::Europe::Paris)
}

/// What a good value of a type looks like, for the messages of refused values.
trait Expected {
    /// Completes "expected …".
    const EXPECTED: &'static str;
}

impl Expected for Url {
    const EXPECTED: &'static str = "an http:// or https:// URL like https://matrix.example.org";
}
impl Expected for OwnedUserId {
    const EXPECTED: &'static str = "a Matrix user id like @name:example.org";
}
impl Expected for OwnedRoomOrAliasId {
    const EXPECTED: &'static str =
        "a Matrix room id like !abc:example.org or alias like #room:example.org";
}
impl Expected for Tz {
    const EXPECTED: &'static str = "an IANA time zone like Europe/Paris";
}

/// A string that `T`'s own `Deserialize` parses; a refused value's message keeps `T`'s
/// reason and adds what was expected (the types' messages alone do not always say).
#[derive(Debug)]
struct Parsed<T>(T);

impl<'de, T: DeserializeOwned + Expected> Deserialize<'de> for Parsed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(PhantomData<T>);

        impl<T: DeserializeOwned + Expected> de::Visitor<'_> for Visitor<T> {
            type Value = Parsed<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTED)
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Parsed<T>, E> {
                T::deserialize(StrDeserializer::<E>::new(value)).map(Parsed).map_err(|error| {
                    // The TOML reader's errors end with a new line.
                    let reason = error.to_string();
                    E::custom(format_args!("{}, expected {}", reason.trim_end(), T::EXPECTED))
                })
            }
        }

        deserializer.deserialize_str(Visitor(PhantomData))
    }
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
            (None, Some(file), None) => {
                let file = base.join(file);
                let text =
                    std::fs::read_to_string(&file).map_err(|error| ConfigError::Invalid {
                        option: "password_file",
                        problem: format!("cannot read {}: {error}", file.display()),
                    })?;
                Password::new(text.trim_end_matches(['\n', '\r']))
            }
            (None, None, Some(variable)) => {
                Password::new(std::env::var(&variable).map_err(|_| ConfigError::Invalid {
                    option: "password_env",
                    problem: format!("the environment variable {variable} is not set"),
                })?)
            }
            _ => {
                return invalid(
                    "password",
                    "expected exactly one of password, password_file, password_env".to_owned(),
                );
            }
        };
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
            neighbourhoods.push(Neighbourhood { room: n.room.0, name: n.name });
        }
        Ok(Config {
            homeserver,
            user_id: file.user_id.0,
            password,
            device_name: file.device_name,
            data_dir: base.join(file.data_dir),
            encrypt_rooms: file.encrypt_rooms,
            community: file.community.name,
            language: file.community.language,
            timezone: file.community.timezone.0,
            messages: file.community.messages.map(|messages| base.join(messages)),
            coordinators: file.coordinators.into_iter().map(|c| c.0).collect(),
            volunteers_room: file.rooms.volunteers.map(|r| r.0),
            coordination_room: file.rooms.coordination.map(|r| r.0),
            neighbourhoods,
        })
    }
}

fn invalid<T>(option: &'static str, problem: String) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid { option, problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        homeserver = "http://127.0.0.1:8008"
        user_id = "@entraide:example.org"
        password = "s3cret-Kq9"
        data_dir = "data"
        coordinators = ["@agent:example.org"]
        [community]
        name = "Saint-Martin"
    "#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/entraide/config.toml"))
    }

    #[test]
    fn a_minimal_file_takes_the_defaults() -> Result<(), Box<dyn std::error::Error>> {
        let config = parse(MINIMAL)?;
        assert_eq!(config.homeserver, Url::parse("http://127.0.0.1:8008")?);
        assert_eq!(config.user_id.as_str(), "@entraide:example.org");
        assert_eq!(config.password.expose(), "s3cret-Kq9");
        assert_eq!(config.language, Lang::Fr);
        assert_eq!(config.timezone, chrono_tz::Europe::Paris);
        assert!(config.encrypt_rooms);
        assert_eq!(config.data_dir, PathBuf::from("/etc/entraide/data"));
        assert_eq!(config.device_name, "entraide");
        assert_eq!(config.messages, None);
        assert_eq!(config.coordinators, [OwnedUserId::try_from("@agent:example.org")?]);
        assert_eq!(config.volunteers_room, None);
        assert_eq!(config.coordination_room, None);
        assert!(config.neighbourhoods.is_empty());
        Ok(())
    }

    #[test]
    fn the_example_file_is_valid() -> Result<(), Box<dyn std::error::Error>> {
        let text = include_str!("../../config.example.toml");
        // The example reads its password from an environment variable the test cannot set.
        let config = Config::parse(
            &text.replace("password_env = \"ENTRAIDE_PASSWORD\"", "password = \"x\""),
            Path::new("config.toml"),
        )?;
        assert_eq!(config.homeserver.as_str(), "https://matrix.example.org/");
        assert_eq!(config.language, Lang::Fr);
        assert_eq!(config.timezone, chrono_tz::Europe::Paris);
        assert_eq!(config.messages, None);
        assert_eq!(config.neighbourhoods.len(), 2);
        assert_eq!(
            config.neighbourhoods[0],
            Neighbourhood {
                room: OwnedRoomOrAliasId::try_from("#les-tilleuls:example.org")?,
                name: "Les Tilleuls".to_owned(),
            }
        );
        Ok(())
    }

    #[test]
    fn the_example_file_has_every_option_documented() -> Result<(), Box<dyn std::error::Error>> {
        // Uncommenting the optional lines still gives a valid file.
        let text = include_str!("../../config.example.toml")
            .replace("password_env = \"ENTRAIDE_PASSWORD\"", "password = \"x\"")
            .replace("# messages = ", "messages = ")
            .replace("# volunteers = ", "volunteers = ")
            .replace("# coordination = ", "coordination = ");
        let config = Config::parse(&text, Path::new("/srv/entraide/config.toml"))?;
        assert_eq!(config.messages, Some(PathBuf::from("/srv/entraide/textes-commune.toml")));
        assert!(config.volunteers_room.is_some());
        assert!(config.coordination_room.is_some());
        Ok(())
    }

    #[test]
    fn bad_values_the_checks_refuse_name_their_option() {
        let cases = [
            (MINIMAL.replace("http://127.0.0.1:8008", "localhost:8008"), "homeserver"),
            (MINIMAL.replace("http://127.0.0.1:8008", "ftp://example.org"), "homeserver"),
            (MINIMAL.replace("http://", "http://bot:pw@"), "homeserver"),
            (MINIMAL.replace("[\"@agent:example.org\"]", "[]"), "coordinators"),
            (MINIMAL.replace("coordinators = [\"@agent:example.org\"]", ""), "coordinators"),
            (MINIMAL.replace("password = \"s3cret-Kq9\"", ""), "password"),
            (MINIMAL.replace("\"s3cret-Kq9\"", "\"\""), "password"),
            (
                MINIMAL
                    .replace("password = \"s3cret-Kq9\"", "password = \"a\"\npassword_env = \"B\""),
                "password",
            ),
            (
                MINIMAL.replace(
                    "password = \"s3cret-Kq9\"",
                    "password_env = \"ENTRAIDE_TEST_SURELY_UNSET_VARIABLE\"",
                ),
                "password_env",
            ),
            (
                MINIMAL.replace("password = \"s3cret-Kq9\"", "password_file = \"no-such-file\""),
                "password_file",
            ),
            (MINIMAL.replace("\"Saint-Martin\"", "\"  \""), "community.name"),
            (
                format!("{MINIMAL}\n[[neighbourhoods]]\nroom = \"#a:example.org\"\nname = \" \""),
                "neighbourhoods.name",
            ),
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
    fn values_serde_refuses_show_their_option_and_what_was_expected() {
        let cases = [
            (
                MINIMAL.replace("http://127.0.0.1:8008", "localhost"),
                "homeserver",
                "expected an http:// or https:// URL",
            ),
            (
                MINIMAL.replace("@entraide:example.org", "entraide"),
                "user_id",
                "expected a Matrix user id like @name:example.org",
            ),
            (
                MINIMAL.replace("@entraide:example.org", "@entraide"),
                "user_id",
                "expected a Matrix user id like @name:example.org",
            ),
            (
                MINIMAL.replace("user_id = \"@entraide:example.org\"", "user_id = 3"),
                "user_id",
                "expected a Matrix user id like @name:example.org",
            ),
            (
                MINIMAL.replace("@agent:example.org", "agent.ccas"),
                "coordinators",
                "expected a Matrix user id like @name:example.org",
            ),
            (format!("{MINIMAL}\nlanguage = \"de\""), "language", "expected `fr` or `en`"),
            (
                format!("{MINIMAL}\ntimezone = \"Mars/Olympus\""),
                "timezone",
                "expected an IANA time zone like Europe/Paris",
            ),
            (
                format!("{MINIMAL}\n[rooms]\nvolunteers = \"benevoles\""),
                "volunteers",
                "expected a Matrix room id like !abc:example.org or alias like #room:example.org",
            ),
            (
                format!("{MINIMAL}\n[[neighbourhoods]]\nroom = \"tilleuls\"\nname = \"Tilleuls\""),
                "room",
                "expected a Matrix room id like !abc:example.org or alias like #room:example.org",
            ),
        ];
        for (text, option, expected) in cases {
            match parse(&text) {
                Err(ConfigError::Syntax { message, .. }) => {
                    assert!(message.contains(option), "{option}: {message}");
                    assert!(message.contains(expected), "{option}: {message}");
                }
                other => panic!("{option}: expected a syntax error, got {other:?}"),
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

    #[test]
    fn debug_never_shows_the_password() -> Result<(), ConfigError> {
        let config = parse(MINIMAL)?;
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret-Kq9"), "{debug}");
        assert!(debug.contains("Password(***)"), "{debug}");
        let pretty = format!("{config:#?}");
        assert!(!pretty.contains("s3cret-Kq9"), "{pretty}");
        assert_eq!(format!("{:?}", Password::new("hunter2")), "Password(***)");
        Ok(())
    }

    #[test]
    fn the_messages_file_is_relative_to_the_configuration() -> Result<(), ConfigError> {
        let config = parse(&format!("{MINIMAL}\nmessages = \"textes-commune.toml\""))?;
        assert_eq!(config.messages, Some(PathBuf::from("/etc/entraide/textes-commune.toml")));
        let config = parse(&format!("{MINIMAL}\nmessages = \"/opt/textes.toml\""))?;
        assert_eq!(config.messages, Some(PathBuf::from("/opt/textes.toml")));
        Ok(())
    }

    #[test]
    fn the_password_file_is_relative_to_the_configuration() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("password"), "from-a-file\n")?;
        let text = MINIMAL.replace("password = \"s3cret-Kq9\"", "password_file = \"password\"");
        let config = Config::parse(&text, &dir.path().join("config.toml"))?;
        assert_eq!(config.password.expose(), "from-a-file");
        Ok(())
    }
}
