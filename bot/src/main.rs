//! The `entraide` binary: reads the configuration, runs the bot until SIGINT or SIGTERM.

use std::{path::PathBuf, process::ExitCode};

use clap::Parser;
use entraide::{Config, run};
use tracing::error;
use tracing_subscriber::EnvFilter;

/// A Matrix bot that runs a commune's neighbourhood mutual-aid scheme.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The configuration file (see config.example.toml).
    #[arg(short, long, default_value = "config.toml")]
    config: PathBuf,
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
