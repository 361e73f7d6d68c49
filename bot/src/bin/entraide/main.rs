//! The `entraide` binary: reads the configuration, runs the bot until SIGINT or SIGTERM.

use std::{path::PathBuf, process::ExitCode};

mod tasks;

use clap::{Parser, Subcommand};
use entraide::{Config, config::LogFormat, run};
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
        return tasks::check(&args.config, !offline).await;
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
            for problem in err.each() {
                error!("{problem}");
            }
            return ExitCode::from(2);
        }
    };
    match &args.task {
        Some(Task::Register { lang }) => return tasks::print_register(&config, lang),
        Some(Task::Compact) => return tasks::compact(&config),
        Some(Task::Report { period, out, store, lang }) => {
            return tasks::report(
                &config,
                period.as_deref(),
                out,
                store.as_deref(),
                lang.as_deref(),
            );
        }
        Some(Task::CampaignReport { number, out, store, lang }) => {
            return tasks::campaign_report(
                &config,
                *number,
                out,
                store.as_deref(),
                lang.as_deref(),
            );
        }
        Some(Task::ImportRegister { file }) => return tasks::import_register(&config, file).await,
        Some(Task::Health) => return tasks::health(&config).await,
        Some(Task::Backup { out }) => return tasks::backup(&config, out).await,
        Some(Task::Restore { file }) => return tasks::restore(&config, file),
        Some(Task::Check { .. }) => {}
        Some(Task::ExportRegister { out, store, lang }) => {
            return tasks::export_register(&config, out, store.as_deref(), lang.as_deref());
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
