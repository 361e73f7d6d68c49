//! The `entraide` binary: reads the configuration, runs the bot until SIGINT or SIGTERM.

use std::{io::Write as _, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use entraide::{Config, load_texts, run};
use entraide_commands::Lang;
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
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,matrix_sdk=warn")),
        )
        .init();
    let config = match Config::load(&args.config) {
        Ok(config) => config,
        Err(err) => {
            error!("{err}");
            return ExitCode::from(2);
        }
    };
    match &args.task {
        Some(Task::Register { lang }) => return print_register(&config, lang),
        Some(Task::Compact) => return compact(&config),
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
