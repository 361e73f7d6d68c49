//! The configuration's tests: defaults, the example file, and what each bad value says.
use std::time::Duration;

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
    assert_eq!(config.charter, None);
    assert_eq!(config.coordinators, [OwnedUserId::try_from("@agent:example.org")?]);
    assert_eq!(config.volunteers_room, None);
    assert_eq!(config.coordination_room, None);
    assert!(config.neighbourhoods.is_empty());
    assert_eq!(config.contact, None);
    assert_eq!(config.follow_up, FollowUp::default());
    assert_eq!(config.retention, Retention::default());
    assert_eq!(config.limits, Limits::default());
    assert_eq!(config.controller, None);
    Ok(())
}

#[test]
fn the_example_file_is_valid() -> Result<(), Box<dyn std::error::Error>> {
    let text = include_str!("../../../config.example.toml");
    // The example reads its secrets from environment variables the test cannot set.
    let config = Config::parse(
        &text
            .replace("password_env = \"ENTRAIDE_PASSWORD\"", "password = \"x\"")
            .replace("store_passphrase_env = \"ENTRAIDE_STORE_PASSPHRASE\"", ""),
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
            commune: None,
        }
    );
    Ok(())
}

#[test]
fn the_example_file_has_every_option_documented() -> Result<(), Box<dyn std::error::Error>> {
    // Uncommenting the optional lines still gives a valid file.
    let dir = tempfile::tempdir()?;
    let passphrase = dir.path().join("passphrase");
    std::fs::write(&passphrase, "une phrase de passe\n")?;
    let text = include_str!("../../../config.example.toml")
        .replace("password_env = \"ENTRAIDE_PASSWORD\"", "password = \"x\"")
        .replace(
            "store_passphrase_env = \"ENTRAIDE_STORE_PASSPHRASE\"",
            &format!("store_passphrase_file = {:?}", passphrase.display().to_string()),
        )
        .replace("# messages = ", "messages = ")
        .replace("# charter = ", "charter = ")
        .replace("# volunteers = ", "volunteers = ")
        .replace("# coordination = ", "coordination = ")
        .replace("# contact = ", "contact = ")
        .replace("# controller = ", "controller = ")
        .replace("# commune = ", "commune = ");
    let config = Config::parse(&text, Path::new("/srv/entraide/config.toml"))?;
    assert_eq!(config.contact.as_deref(), Some("le CCAS de Saint-Martin, au 01 23 45 67 89"));
    assert_eq!(config.store_passphrase.as_ref().map(Password::expose), Some("une phrase de passe"));
    assert!(!format!("{config:?}").contains("une phrase de passe"));
    assert_eq!(config.spare_rooms, 2);
    assert!(config.remove_requests, "requests leave neighbourhood rooms by default");
    // The example shows the defaults.
    assert_eq!(config.follow_up, FollowUp::default());
    assert_eq!(config.retention, Retention::default());
    assert_eq!(config.controller.as_deref(), Some("le CCAS de Saint-Martin"));
    assert_eq!(config.neighbourhoods[0].commune.as_deref(), Some("Saint-Martin"));
    assert_eq!(config.messages, Some(PathBuf::from("/srv/entraide/textes-commune.toml")));
    assert_eq!(config.charter, Some(PathBuf::from("/srv/entraide/charte-benevoles.md")));
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
            MINIMAL.replace(
                "data_dir = \"data\"",
                "data_dir = \"data\"\nstore_passphrase_env = \"A\"\nstore_passphrase_file = \"b\"",
            ),
            "store_passphrase_file",
        ),
        (
            MINIMAL.replace(
                "data_dir = \"data\"",
                "data_dir = \"data\"\nstore_passphrase_env = \"ENTRAIDE_UNSET_VARIABLE\"",
            ),
            "store_passphrase_env",
        ),
        (
            MINIMAL.replace("password = \"s3cret-Kq9\"", "password = \"a\"\npassword_env = \"B\""),
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
        (format!("{MINIMAL}\n[follow_up]\nremind_after = \"0s\""), "follow_up.remind_after"),
        (
            format!("{MINIMAL}\n[follow_up]\nremind_after = \"8h\"\nescalate_after = \"6h\""),
            "follow_up.escalate_after",
        ),
        (format!("{MINIMAL}\n[follow_up]\nexpire_after = \"1h\""), "follow_up.expire_after"),
        (
            format!("{MINIMAL}\n[follow_up]\nescalate_claim_after = \"1d\""),
            "follow_up.escalate_claim_after",
        ),
        (format!("{MINIMAL}\n[limits]\nopen_requests = 0"), "limits"),
        (format!("{MINIMAL}\n[limits]\nrequests_per_day = 0"), "limits"),
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
fn every_option_that_cannot_work_is_reported_at_once() {
    let text = MINIMAL
        .replace("password = \"s3cret-Kq9\"", "password = \"\"")
        .replace("coordinators = [\"@agent:example.org\"]", "")
        + "\n[limits]\nopen_requests = 0\n[http]\nstale_after = \"0s\"";
    let error = parse(&text).err().map(|error| error.to_string()).unwrap_or_default();
    for option in ["password", "coordinators", "limits", "http.stale_after"] {
        assert!(error.contains(&format!("option `{option}`")), "{option}: {error}");
    }
    assert_eq!(error.lines().count(), 4, "one line each: {error}");
    match parse(&text) {
        Err(error @ ConfigError::Several(_)) => assert_eq!(error.each().len(), 4),
        other => panic!("expected several problems, got {other:?}"),
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
        (format!("{MINIMAL}\nlanguage = \"de\""), "language", "expected \"fr\" or \"en\""),
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
fn follow_up_delays_read_as_people_write_them() -> Result<(), ConfigError> {
    let text = format!(
        "{MINIMAL}\n[follow_up]\nremind_after = \"90min\"\nescalate_after = \"1day\"\nexpire_grace = \"30m\""
    );
    let follow_up = parse(&text)?.follow_up;
    assert_eq!(follow_up.remind_after, Duration::from_secs(90 * 60));
    assert_eq!(follow_up.escalate_after, Duration::from_secs(24 * 3600));
    assert_eq!(follow_up.expire_grace, Duration::from_secs(30 * 60));
    assert_eq!(follow_up.expire_after, FollowUp::default().expire_after);
    for bad in ["\"soon\"", "\"2 heures\"", "12"] {
        let text = format!("{MINIMAL}\n[follow_up]\nremind_after = {bad}");
        match parse(&text) {
            Err(ConfigError::Syntax { message, .. }) => {
                assert!(message.contains("remind_after"), "{bad}: {message}")
            }
            other => panic!("{bad}: expected a syntax error, got {other:?}"),
        }
    }
    Ok(())
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
fn the_password_file_is_relative_to_the_configuration() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("password"), "from-a-file\n")?;
    let text = MINIMAL.replace("password = \"s3cret-Kq9\"", "password_file = \"password\"");
    let config = Config::parse(&text, &dir.path().join("config.toml"))?;
    assert_eq!(config.password.expose(), "from-a-file");
    Ok(())
}

#[test]
fn a_secret_file_may_be_a_systemd_credential() -> Result<(), ConfigError> {
    let base = Path::new("/etc/entraide");
    let file = Path::new("${CREDENTIALS_DIRECTORY}/password");
    let given = Some("/run/credentials/run-u12.service".into());
    let path = secret_path("password_file", base, file, given)?;
    assert_eq!(path, PathBuf::from("/run/credentials/run-u12.service/password"));
    let missing = secret_path("password_file", base, file, None);
    assert!(matches!(missing, Err(ConfigError::Invalid { option: "password_file", .. })));
    let plain = secret_path("password_file", base, Path::new("password"), None)?;
    assert_eq!(plain, PathBuf::from("/etc/entraide/password"));
    Ok(())
}

#[test]
fn the_language_may_be_written_as_people_do() -> Result<(), Box<dyn std::error::Error>> {
    for (written, lang) in [("fr-FR", Lang::Fr), ("Français", Lang::Fr), ("English", Lang::En)] {
        let config = parse(&format!("{MINIMAL}\nlanguage = \"{written}\""))?;
        assert_eq!(config.language, lang, "{written}");
    }
    Ok(())
}
