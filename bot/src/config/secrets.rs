//! Where the password and the store's passphrase come from: a file (beside the
//! configuration, or in systemd's credentials directory) or an environment variable.

use std::path::{Path, PathBuf};

use super::{ConfigError, Password};

/// systemd's credentials directory, as a secret file's path may start.
pub(super) const CREDENTIALS: &str = "${CREDENTIALS_DIRECTORY}/";

/// Where a secret file is: `file` from the configuration's folder `base`, or, for a path
/// that starts with `${CREDENTIALS_DIRECTORY}/`, in `credentials`, the directory systemd
/// hands the unit's credentials in (`LoadCredential`, `$CREDENTIALS_DIRECTORY`) whatever
/// the unit is called: the service, or `systemd-run` for a command run by hand.
pub(super) fn secret_path(
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
pub(super) fn credentials() -> Option<std::ffi::OsString> {
    std::env::var_os("CREDENTIALS_DIRECTORY")
}

/// A secret read from a file (its first line break and what follows are not part of it).
pub(super) fn secret_file(option: &'static str, file: &Path) -> Result<Password, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|error| ConfigError::Invalid {
        option,
        problem: format!("cannot read {}: {error}", file.display()),
    })?;
    Ok(Password::new(text.trim_end_matches(['\n', '\r'])))
}

/// A secret read from an environment variable.
pub(super) fn secret_env(option: &'static str, variable: &str) -> Result<Password, ConfigError> {
    std::env::var(variable).map(Password::new).map_err(|_| ConfigError::Invalid {
        option,
        problem: format!("the environment variable {variable} is not set"),
    })
}
