//! Values the configuration parses into their types: the password (never shown by
//! `Debug`) and [`Parsed`], which lets a type's own serde parsing say what was expected.

use std::{fmt, marker::PhantomData};

use chrono_tz::Tz;
use entraide_commands::Lang;
use matrix_sdk::ruma::{OwnedRoomOrAliasId, OwnedUserId};
use secrecy::{ExposeSecret, SecretString};
use serde::{
    Deserialize, Deserializer,
    de::{self, DeserializeOwned, value::StrDeserializer},
};
use url::Url;

/// The bot's password (or the store's passphrase), held as a [`SecretString`]: its
/// `Debug` never shows it, its memory is zeroed when it is dropped; [`Password::expose`]
/// gives it where it is used.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Password(SecretString);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Password {
        Password(SecretString::from(password.into()))
    }

    /// The password itself, for logging in.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl Clone for Password {
    fn clone(&self) -> Password {
        Password::new(self.expose())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What a good value of a type looks like, for the messages of refused values.
pub(super) trait Expected {
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
pub(super) struct Parsed<T>(pub(super) T);

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

/// The community's language: `"fr"` or `"en"`, or a usual way of writing them (`"fr-FR"`,
/// `"français"`, `"en-GB"`).
pub(super) fn language<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Lang, D::Error> {
    let code = String::deserialize(deserializer)?;
    Lang::from_code(&code).ok_or_else(|| {
        de::Error::custom(format!("unknown language {code:?}, expected \"fr\" or \"en\""))
    })
}
