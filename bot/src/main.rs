//! The `entraide` binary: reads the configuration, runs the bot until SIGINT or SIGTERM.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Parser, Subcommand};
use entraide::{Config, config::LogFormat, load_texts, run};
use entraide_commands::{Lang, Span, read_period};
use tracing::error;
use tracing_subscriber::EnvFilter;

/// A Matrix bot that runs a commune's neighbourhood mutual-aid scheme.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The configuration file (see config.example.toml).
    #[arg(short, long, default_value = "config.toml", global = true)]
    config: PathBuf,
    #[command(subcommand)]
    task: Option<Task>,
}

/// What to do instead of running the bot.
#[derive(Debug, Subcommand)]
enum Task {
    /// Prints the record of processing activities (GDPR Art. 30) of this deployment.
    #[command(name = "registre", alias = "register")]
    Register {
        /// The language: fr (default) or en.
        #[arg(long, default_value = "fr")]
        lang: String,
    },
    /// Rewrites the store into fresh files, so that what was erased or purged leaves the
    /// disk too (run it with the bot stopped, e.g. monthly and after an erasure).
    #[command(name = "compacter", alias = "compact")]
    Compact,
    /// Writes the report of a period to a folder: the chart (PNG, SVG), the figures (CSV)
    /// and a one-page summary (Markdown). Reads a copy of the store: it works while the
    /// bot runs, and on a backup copy.
    #[command(name = "rapport", alias = "report")]
    Report {
        /// The period: 2026-11, novembre, "mois dernier" (the default), 2026, 30j,
        /// "depuis le 01/09"; the English forms too.
        #[arg(long = "mois", alias = "month", alias = "periode", alias = "period")]
        period: Option<String>,
        /// The folder to write to (made if need be).
        #[arg(long = "sortie", alias = "out", default_value = ".")]
        out: PathBuf,
        /// The store to read, e.g. a backup copy; by default the bot's, in its data folder.
        #[arg(long = "magasin", alias = "store")]
        store: Option<PathBuf>,
        /// The language: fr or en; by default the community's.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Writes the report of a check-in campaign to a folder: the notice (text), the
    /// chart (PNG), the table (CSV), without any name, for the préfecture, and the board
    /// as it stands as a picture (PNG, numbers of the register but no name). Reads a
    /// copy of the store: it works while the bot runs, and on a backup copy.
    #[command(name = "bilan-campagne", alias = "campaign-report")]
    CampaignReport {
        /// The campaign's number; by default the last one.
        number: Option<u64>,
        /// The folder to write to (made if need be).
        #[arg(long = "sortie", alias = "out", default_value = ".")]
        out: PathBuf,
        /// The store to read, e.g. a backup copy; by default the bot's.
        #[arg(long = "magasin", alias = "store")]
        store: Option<PathBuf>,
        /// The language: fr or en; by default the community's.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Imports a commune's spreadsheet (CSV) into the alert register, and says which rows
    /// were taken, merged and refused. Run it with the bot stopped, or post the file in
    /// the coordination room instead.
    #[command(name = "importer-registre", alias = "import-register")]
    ImportRegister {
        /// The CSV file (UTF-8 or Windows-1252, `;`, `,` or tab between cells).
        file: PathBuf,
    },
    /// Checks the configuration, the commune's texts and charter, then reaches the
    /// homeserver, logs in with a short-lived device (logged out at the end, the bot's own
    /// left alone), and reports the rooms, the bot's powers and the rate limits. Exits 0
    /// when nothing stands in the way of a start, 1 otherwise, every problem listed.
    #[command(name = "verifier", alias = "check-config")]
    Check {
        /// Only the files: no homeserver (e.g. before a start at boot).
        #[arg(long = "hors-ligne", alias = "offline")]
        offline: bool,
    },
    /// Asks the running bot's health listener (`[http] listen`) whether it is well:
    /// exits 0 when `/healthz` answers 200 (or when there is no listener to ask), 1
    /// otherwise (for Docker's health check).
    #[command(name = "sante", alias = "health")]
    Health,
    /// Writes one archive of everything the bot needs to come back elsewhere with the
    /// same device: its store, the Matrix session and stores. Asked of the running bot
    /// (it works while the bot runs), else made from the stopped bot's files; sealed with
    /// the store passphrase when there is one.
    #[command(name = "sauvegarder", alias = "backup")]
    Backup {
        /// The file to write (readable by its owner only).
        #[arg(long = "sortie", alias = "out")]
        out: PathBuf,
    },
    /// Restores an archive of `entraide sauvegarder` into the configured data directory,
    /// which must be empty or absent (never over a store). A sealed archive needs the
    /// store passphrase of the bot it comes from in the configuration.
    #[command(name = "restaurer", alias = "restore")]
    Restore {
        /// The archive to restore.
        #[arg(long = "entree", alias = "in")]
        file: PathBuf,
    },
    /// Writes the alert register for the préfet (R121-8): the active entries as a CSV
    /// file. Reads a copy of the store: it works while the bot runs, and on a backup.
    #[command(name = "exporter-registre", alias = "export-register")]
    ExportRegister {
        /// The file to write.
        #[arg(long = "sortie", alias = "out")]
        out: PathBuf,
        /// The store to read, e.g. a backup copy; by default the bot's.
        #[arg(long = "magasin", alias = "store")]
        store: Option<PathBuf>,
        /// The language of the header: fr or en; by default the community's.
        #[arg(long)]
        lang: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Task::Check { offline }) = &args.task {
        return check(&args.config, !offline).await;
    }
    let loaded = Config::load(&args.config);
    let format = loaded.as_ref().map_or(LogFormat::Text, |config| config.log_format);
    // Logs go to stderr: stdout is what a subcommand answers (the record, the files written).
    let logs = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(
        EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new("info,matrix_sdk=warn")),
    );
    match format {
        LogFormat::Text => logs.init(),
        // One JSON object per line, the event's fields flattened beside its message.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let config = match loaded {
        Ok(config) => config,
        Err(err) => {
            error!("{err}");
            return ExitCode::from(2);
        }
    };
    match &args.task {
        Some(Task::Register { lang }) => return print_register(&config, lang),
        Some(Task::Compact) => return compact(&config),
        Some(Task::Report { period, out, store, lang }) => {
            return report(&config, period.as_deref(), out, store.as_deref(), lang.as_deref());
        }
        Some(Task::CampaignReport { number, out, store, lang }) => {
            return campaign_report(&config, *number, out, store.as_deref(), lang.as_deref());
        }
        Some(Task::ImportRegister { file }) => return import_register(&config, file).await,
        Some(Task::Health) => return health(&config).await,
        Some(Task::Backup { out }) => return backup(&config, out).await,
        Some(Task::Restore { file }) => return restore(&config, file),
        Some(Task::Check { .. }) => {}
        Some(Task::ExportRegister { out, store, lang }) => {
            return export_register(&config, out, store.as_deref(), lang.as_deref());
        }
        None => {}
    }
    match run(config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Checks the configuration (and, online, the homeserver and rooms), printing each
/// finding on a line: `ok` or `PROBLÈME / PROBLEM`.
async fn check(config: &Path, online: bool) -> ExitCode {
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
async fn health(config: &Config) -> ExitCode {
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
async fn backup(config: &Config, out: &Path) -> ExitCode {
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
fn restore(config: &Config, file: &Path) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(err) => {
            error!("cannot read {}: {err}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let passphrase = config.store_passphrase.as_ref().map(entraide::config::Password::expose);
    let user_id = config.user_id.as_str();
    match entraide::backup::restore(&bytes, passphrase, user_id, &config.data_dir) {
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
fn print_register(config: &Config, lang: &str) -> ExitCode {
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
fn compact(config: &Config) -> ExitCode {
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
fn report(
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
fn language(config: &Config, code: Option<&str>) -> Option<Lang> {
    let Some(code) = code else { return Some(config.language) };
    let lang = Lang::from_code(code);
    if lang.is_none() {
        error!("unknown language {code:?}: fr or en");
    }
    lang
}

/// Writes the report of campaign `number` (the last by default) to `out`, saying which
/// files.
fn campaign_report(
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
fn written(files: anyhow::Result<Vec<PathBuf>>) -> ExitCode {
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
async fn import_register(config: &Config, file: &Path) -> ExitCode {
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
fn export_register(
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

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(err) => {
                    error!(%err, "cannot listen for SIGTERM");
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
