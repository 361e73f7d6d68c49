//! Retrying what the homeserver refuses for a while: network failures, 5xx, and rate
//! limits (429, after the time it asks for), without bound in time but logged. Other
//! errors come back at once.

use std::{
    future::Future,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use matrix_sdk::{
    HttpError,
    ruma::api::error::{ErrorKind, RetryAfter},
};
use tracing::warn;

use crate::vitals::COUNTERS;

/// The first wait after a failure; it doubles up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(250);
/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Whether the operator was already told about rate limits.
static RATE_LIMIT_TOLD: AtomicBool = AtomicBool::new(false);

/// How a failure is to be treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The homeserver limits the bot's rate; retry after the given time, if any.
    RateLimited(Option<Duration>),
    /// The network or the homeserver failed; retry later.
    Transient,
    /// Retrying would fail again.
    Permanent,
}

/// How to treat `error`.
pub fn classify(error: &anyhow::Error) -> Kind {
    if error.is::<crate::matrix::SessionRotated>() {
        return Kind::Transient;
    }
    let http = match error.downcast_ref::<matrix_sdk::Error>() {
        Some(matrix_sdk::Error::Http(http)) => Some(&**http),
        _ => error.downcast_ref::<HttpError>(),
    };
    http.map_or(Kind::Permanent, classify_http)
}

fn classify_http(error: &HttpError) -> Kind {
    match error {
        HttpError::Reqwest(_) => return Kind::Transient,
        HttpError::Cached(inner) => return classify_http(inner),
        _ => {}
    }
    if let Some(ErrorKind::LimitExceeded(limit)) = error.client_api_error_kind() {
        return Kind::RateLimited(match limit.retry_after {
            Some(RetryAfter::Delay(delay)) => Some(delay),
            _ => None,
        });
    }
    match error.as_client_api_error().map(|api| api.status_code) {
        Some(status) if status.as_u16() == 429 => Kind::RateLimited(None),
        Some(status) if status.is_server_error() => Kind::Transient,
        _ => Kind::Permanent,
    }
}

/// Runs `attempt` until it succeeds or fails for good; `what` names it in the logs.
pub async fn persist<T, F, Fut>(what: &str, mut attempt: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let mut wait = FIRST_WAIT;
    let mut failures = 0_u32;
    loop {
        let error = match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        failures += 1;
        let pause = match classify(&error) {
            Kind::Permanent => return Err(error),
            Kind::RateLimited(after) => {
                COUNTERS.rate_limited.inc();
                if !RATE_LIMIT_TOLD.swap(true, Ordering::Relaxed) {
                    warn!(
                        "the homeserver limits how fast the bot may send (HTTP 429): people \
                         wait for their answers. Exempt the bot's account from rate limits; on \
                         Synapse, an admin calls POST /_synapse/admin/v1/users/<bot user \
                         id>/override_ratelimit with {{\"messages_per_second\": 0, \
                         \"burst_count\": 0}} (see the README, \"Rate limits\")"
                    );
                }
                after.unwrap_or(wait)
            }
            Kind::Transient => wait,
        };
        COUNTERS.retried.inc();
        warn!(what, failures, error = %format!("{error:#}"), ?pause, "will try again");
        tokio::time::sleep(pause).await;
        wait = (wait * 2).min(LONGEST_WAIT);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use matrix_sdk::{
        HttpError, RumaApiError,
        ruma::{
            api::error::{
                Error, ErrorBody, ErrorKind, FromHttpResponseError, LimitExceededErrorData,
                RetryAfter, StandardErrorBody,
            },
            exports::http::StatusCode,
        },
    };

    use super::{Kind, classify};

    /// An error as matrix-sdk gives it for a homeserver's answer `status` with `kind`.
    fn answered(status: StatusCode, kind: ErrorKind) -> anyhow::Error {
        let body = ErrorBody::Standard(StandardErrorBody::new(kind, "refused".to_owned()));
        let server = RumaApiError::MatrixError(Error::new(status, body));
        let http = HttpError::Api(Box::new(FromHttpResponseError::Server(server)));
        matrix_sdk::Error::Http(Box::new(http)).into()
    }

    fn limited(after: Option<Duration>) -> ErrorKind {
        let mut limit = LimitExceededErrorData::new();
        limit.retry_after = after.map(RetryAfter::Delay);
        ErrorKind::LimitExceeded(limit)
    }

    #[test]
    fn a_rate_limit_waits_as_long_as_the_homeserver_asks() {
        let after = Some(Duration::from_millis(4500));
        let error = answered(StatusCode::TOO_MANY_REQUESTS, limited(after));
        assert_eq!(classify(&error), Kind::RateLimited(after));
        let error = answered(StatusCode::TOO_MANY_REQUESTS, limited(None));
        assert_eq!(classify(&error), Kind::RateLimited(None));
        // A 429 without the Matrix error code (a reverse proxy's) is a rate limit too.
        let error = answered(StatusCode::TOO_MANY_REQUESTS, ErrorKind::Unknown);
        assert_eq!(classify(&error), Kind::RateLimited(None));
    }

    #[test]
    fn server_errors_are_transient_and_refusals_permanent() {
        for status in [StatusCode::BAD_GATEWAY, StatusCode::SERVICE_UNAVAILABLE] {
            assert_eq!(classify(&answered(status, ErrorKind::Unknown)), Kind::Transient);
        }
        for (status, kind) in [
            (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            (StatusCode::NOT_FOUND, ErrorKind::NotFound),
            (StatusCode::BAD_REQUEST, ErrorKind::Unknown),
        ] {
            assert_eq!(classify(&answered(status, kind)), Kind::Permanent);
        }
        assert_eq!(classify(&anyhow::anyhow!("no such room")), Kind::Permanent);
    }
}
