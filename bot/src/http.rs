//! The operators' HTTP listener (`[http] listen`, off by default): `GET /healthz` for a
//! supervisor (Docker's health check, a load balancer, a monitoring probe) and
//! `GET /metrics` for Prometheus. It answers from the first moment of a start, 503 until
//! the bot has synced once, so that a supervisor sees a bot that cannot log in.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use entraide_storage::Store;
use tokio::net::TcpListener;
use tracing::{error, info};

use crate::{
    clock::Clock,
    vitals::{self, Status, Vitals},
};

/// The media type of the OpenMetrics text format.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// What the handlers read.
#[derive(Debug, Clone)]
struct Shared {
    vitals: Arc<Vitals>,
    store: Store,
    clock: Arc<Clock>,
    stale_after: Duration,
}

/// The listener, bound: binding at start makes a port already taken a clear error before
/// the bot connects.
#[derive(Debug)]
pub struct Listener(TcpListener);

impl Listener {
    /// Binds `address`.
    pub async fn bind(address: SocketAddr) -> anyhow::Result<Listener> {
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} (http.listen)"))?;
        info!(%address, "health and metrics listener ready (/healthz, /metrics)");
        Ok(Listener(listener))
    }

    /// Answers until the task is aborted.
    pub async fn serve(
        self,
        vitals: Arc<Vitals>,
        store: Store,
        clock: Arc<Clock>,
        stale_after: Duration,
    ) {
        let shared = Shared { vitals, store, clock, stale_after };
        let app = Router::new()
            .route("/healthz", get(healthz))
            .route("/metrics", get(metrics))
            .with_state(shared);
        if let Err(error) = axum::serve(self.0, app).await {
            error!(%error, "the health and metrics listener stopped");
        }
    }
}

async fn healthz(State(shared): State<Shared>) -> Response {
    let now = shared.clock.wall_ms();
    let health = tokio::task::spawn_blocking(move || {
        shared.vitals.health(&shared.store, now, shared.stale_after)
    })
    .await;
    match health {
        Ok(health) => {
            let code = match health.status {
                Status::Ok => StatusCode::OK,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            (code, Json(health)).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn metrics(State(shared): State<Shared>) -> Response {
    let synced_ago = shared.vitals.synced_ago(shared.clock.wall_ms());
    let serving = shared.vitals.is_serving();
    // The store is read whole (requests, the register): off the async threads.
    let text =
        tokio::task::spawn_blocking(move || vitals::metrics(&shared.store, synced_ago, serving))
            .await;
    match text {
        Ok(Ok(text)) => ([(header::CONTENT_TYPE, OPENMETRICS)], text).into_response(),
        Ok(Err(failure)) => {
            error!(error = %failure, "cannot write the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
