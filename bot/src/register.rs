//! `entraide registre`: the record of processing activities (GDPR Art. 30) of this
//! deployment, from its configuration, for the commune's data-protection officer.

use entraide_commands::{Catalogue, Key, Lang};

use crate::config::Config;

/// The record, in `lang`, as plain text.
pub fn record(config: &Config, texts: &Catalogue, lang: Lang) -> String {
    let community = [("community", config.community.as_str())];
    let controller = config
        .controller
        .clone()
        .unwrap_or_else(|| texts.text(lang, Key::ControllerDefault, &community));
    let contact =
        config.contact.clone().unwrap_or_else(|| texts.text(lang, Key::ContactDefault, &[]));
    let coordinators = config.coordinators.len().to_string();
    let days = |kept: std::time::Duration| (kept.as_secs() / 86_400).to_string();
    let retention = config.retention;
    let rooms = match config.encrypt_rooms {
        true => Key::RegisterEncrypted,
        false => Key::RegisterNotEncrypted,
    };
    let store = match config.store_passphrase {
        Some(_) => Key::RegisterStoreEncrypted,
        None => Key::RegisterStoreNotEncrypted,
    };
    let args = [
        ("community", config.community.as_str()),
        ("controller", controller.as_str()),
        ("contact", contact.as_str()),
        ("coordinators", coordinators.as_str()),
        ("homeserver", config.homeserver.as_str()),
        ("closed_days", &days(retention.closed_texts)),
        ("inactive_days", &days(retention.inactive_people)),
        ("log_days", &days(retention.log_actors)),
        ("handled_days", &days(retention.handled_events)),
        ("rooms_encryption", &texts.text(lang, rooms, &[])),
        ("store_encryption", &texts.text(lang, store, &[])),
    ];
    let mut record = texts.render(lang, Key::Register, &args).plain;
    if config.figures.profile {
        record.push_str("\n\n");
        record.push_str(&texts.text(lang, Key::RegisterProfile, &[]));
    }
    // The alert register is a processing of its own, with its own legal basis.
    record.push_str("\n\n");
    record.push_str(&texts.text(lang, Key::RegisterAlert, &[]));
    record
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use entraide_commands::{Catalogue, Lang};

    use super::record;
    use crate::config::Config;

    const CONFIG: &str = r#"
        homeserver = "https://matrix.example.org"
        user_id = "@entraide:example.org"
        password = "x"
        data_dir = "data"
        coordinators = ["@agent:example.org", "@animatrice:example.org"]
        [community]
        name = "Saint-Martin"
        contact = "le CCAS, 01 23 45 67 89"
        [retention]
        closed_texts = "30d"
    "#;

    #[test]
    fn the_record_tells_the_configuration_in_both_languages()
    -> Result<(), Box<dyn std::error::Error>> {
        let config = Config::parse(CONFIG, Path::new("/etc/entraide/config.toml"))?;
        let texts = Catalogue::builtin()?;
        let fr = record(&config, &texts, Lang::Fr);
        for expected in [
            "article 30",
            "la commune de Saint-Martin",
            "le CCAS, 01 23 45 67 89",
            "R121-2 à R121-12",
            "obligation légale",
            "30 jours",
            "730 jours",
            "https://matrix.example.org",
            "NON chiffré au repos",
            "(2)",
        ] {
            assert!(fr.contains(expected), "{expected:?} missing:\n{fr}");
        }
        let en = record(&config, &texts, Lang::En);
        assert!(en.contains("Article 30") && en.contains("30 days"), "{en}");
        for text in [fr, en] {
            assert!(!text.contains('{'), "a placeholder is left:\n{text}");
        }
        Ok(())
    }
}
