//! What the binary does instead of running the bot: each subcommand, printing what it
//! found or wrote and returning the process's exit code.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::ExitCode,
};

use entraide::{Config, load_texts};
use entraide_commands::{Lang, Span, read_period};
use tracing::error;

/// Checks the configuration (and, online, the homeserver and rooms), printing each
/// finding on a line: `ok` or `PROBLÈME / PROBLEM`.
pub(crate) async fn check(config: &Path, online: bool) -> ExitCode {
    let found = entraide::check::check(config, online).await;
    let mut stdout = std::io::stdout();
    for finding in &found.0 {
        let mark = if finding.problem { "PROBLÈME / PROBLEM" } else { "ok" };
        if writeln!(stdout, "{mark}: {}", finding.text).is_err() {
            return ExitCode::FAILURE;
        }
    }
    if found.all_good() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Asks the health listener of the bot running on `config` how it is.
pub(crate) async fn health(config: &Config) -> ExitCode {
    // Without a listener there is nothing to ask: a health check built into an image
    // must not mark every such container unhealthy.
    let Some(mut address) = config.http.listen else {
        let said = writeln!(
            std::io::stdout(),
            "no [http] listen in the configuration: no health listener to ask"
        );
        return if said.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    };
    // A listener on every interface is asked on the loopback one.
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let url = format!("http://{address}/healthz");
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build();
    let answer = match client {
        Ok(client) => client.get(&url).send().await,
        Err(err) => {
            error!("{err}");
            return ExitCode::FAILURE;
        }
    };
    match answer {
        Ok(answer) => {
            let ok = answer.status().is_success();
            let body = answer.text().await.unwrap_or_default();
            if writeln!(std::io::stdout(), "{body}").is_err() || !ok {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            error!("{url}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the archive to `out` and says what it holds.
pub(crate) async fn backup(config: &Config, out: &Path) -> ExitCode {
    match entraide::backup::save(config, out).await {
        Ok(saved) => {
            let manifest = &saved.manifest;
            let made_by = match saved.held {
                Some(held) => format!(
                    "made by the running bot (its decisions held {:.1} s)",
                    held.as_secs_f64()
                ),
                None => "made from the stopped bot's files".to_owned(),
            };
            let said = writeln!(
                std::io::stdout(),
                "{}: {} bytes, {}, {made_by}: {} requests ({} open), device {}",
                out.display(),
                saved.size,
                if saved.sealed { "sealed with the store passphrase" } else { "NOT sealed" },
                manifest.requests,
                manifest.open_requests,
                manifest.device_id,
            );
            if said.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(err) => {
            error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Restores the archive `file` into the configured data directory.
pub(crate) fn restore(config: &Config, file: &Path) -> ExitCode {
    let passphrase = config.store_passphrase.as_ref().map(entraide::config::Password::expose);
    let user_id = config.user_id.as_str();
    match entraide::backup::restore(file, passphrase, user_id, &config.data_dir) {
        Ok(manifest) => {
            let said = writeln!(
                std::io::stdout(),
                "{}: restored the backup of {} made on {} by entraide {}: {} requests ({} \
                 open), device {}. Start the bot (stop the old one first: one account runs \
                 one bot)",
                config.data_dir.display(),
                manifest.user_id,
                manifest.made_at.to_rfc3339(),
                manifest.entraide,
                manifest.requests,
                manifest.open_requests,
                manifest.device_id,
            );
            if said.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(err) => {
            error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the record of processing activities.
pub(crate) fn print_register(config: &Config, lang: &str) -> ExitCode {
    let Some(lang) = Lang::from_code(lang) else {
        error!("unknown language {lang:?}: fr or en");
        return ExitCode::from(2);
    };
    let texts = match load_texts(config) {
        Ok(texts) => texts,
        Err(err) => {
            error!("{err:#}");
            return ExitCode::FAILURE;
        }
    };
    let record = entraide::register::record(config, &texts, lang);
    match writeln!(std::io::stdout(), "{record}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            error!("cannot print the record: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Compacts the store, saying how much it weighed before and after.
pub(crate) fn compact(config: &Config) -> ExitCode {
    match entraide::compact::compact(&config.data_dir) {
        Ok((before, after)) => {
            let said = writeln!(
                std::io::stdout(),
                "store compacted: {before} bytes before, {after} after"
            );
            if said.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(err) => {
            error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the report of `period` (last month by default) to `out`, saying which files.
pub(crate) fn report(
    config: &Config,
    period: Option<&str>,
    out: &Path,
    store: Option<&Path>,
    lang: Option<&str>,
) -> ExitCode {
    let Some(lang) = language(config, lang) else { return ExitCode::from(2) };
    let now = chrono::Utc::now();
    let today = now.with_timezone(&config.timezone).date_naive();
    let span = match period {
        None => Some(Span::LastMonth),
        Some(text) => read_period(text),
    };
    let Some(period) = span.and_then(|span| span.resolve(today)) else {
        error!(
            "a period that has begun, e.g. --mois 2026-11, --mois novembre, --mois 2026, \
             --mois 30j or --mois \"depuis le 01/09\""
        );
        return ExitCode::from(2);
    };
    let texts = match load_texts(config) {
        Ok(texts) => texts,
        Err(err) => {
            error!("{err:#}");
            return ExitCode::FAILURE;
        }
    };
    let default_store = config.data_dir.join("store");
    let order = entraide::report::offline::Order {
        period,
        lang,
        folder: out,
        store: store.unwrap_or(&default_store),
    };
    written(entraide::report::offline::write(config, &texts, &order, now))
}

/// The language asked (`fr`, `en`), else the community's; `None` (said) if unknown.
pub(crate) fn language(config: &Config, code: Option<&str>) -> Option<Lang> {
    let Some(code) = code else { return Some(config.language) };
    let lang = Lang::from_code(code);
    if lang.is_none() {
        error!("unknown language {code:?}: fr or en");
    }
    lang
}

/// Writes the report of campaign `number` (the last by default) to `out`, saying which
/// files.
pub(crate) fn campaign_report(
    config: &Config,
    number: Option<u64>,
    out: &Path,
    store: Option<&Path>,
    lang: Option<&str>,
) -> ExitCode {
    let Some(lang) = language(config, lang) else { return ExitCode::from(2) };
    let texts = match load_texts(config) {
        Ok(texts) => texts,
        Err(err) => {
            error!("{err:#}");
            return ExitCode::FAILURE;
        }
    };
    let default_store = config.data_dir.join("store");
    let store = store.unwrap_or(&default_store);
    let now = chrono::Utc::now();
    written(entraide::report::offline::write_campaign(
        config, &texts, number, lang, out, store, now,
    ))
}

/// Prints the files written, one a line, or why none was.
pub(crate) fn written(files: anyhow::Result<Vec<PathBuf>>) -> ExitCode {
    match files {
        Ok(files) => {
            let mut stdout = std::io::stdout();
            for file in files {
                if writeln!(stdout, "{}", file.display()).is_err() {
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Imports `file` into the register, printing the report.
pub(crate) async fn import_register(config: &Config, file: &Path) -> ExitCode {
    let texts = match load_texts(config) {
        Ok(texts) => texts,
        Err(err) => {
            error!("{err:#}");
            return ExitCode::FAILURE;
        }
    };
    let now = chrono::Utc::now();
    let today = now.with_timezone(&config.timezone).date_naive();
    let lang = config.language;
    match entraide::sheets::import_file(&config.data_dir, file, &texts, lang, now, today).await {
        Ok(report) => {
            let printed = writeln!(std::io::stdout(), "{}", report.plain);
            if printed.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(err) => {
            error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the préfet's export of the register to `out`.
pub(crate) fn export_register(
    config: &Config,
    out: &Path,
    store: Option<&Path>,
    lang: Option<&str>,
) -> ExitCode {
    let Some(lang) = language(config, lang) else { return ExitCode::from(2) };
    let today = chrono::Utc::now().with_timezone(&config.timezone).date_naive();
    let default_store = config.data_dir.join("store");
    let store = store.unwrap_or(&default_store);
    match entraide::sheets::export_file(store, out, lang, today, config.timezone) {
        Ok(count) => {
            let said = writeln!(std::io::stdout(), "{}: {count}", out.display());
            if said.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(err) => {
            error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}
