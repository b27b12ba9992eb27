//! Small HTTP calls to the stack's programs (readiness, reload, Prometheus API) from the host,
//! through the shared client (`crate::http_client`: one agent, short timeouts).

use std::time::Duration;

pub use crate::http_client::{get_as, Method, Reply};

/// Calls `url`; `Err` only when no HTTP answer came (refused, timeout).
pub async fn call(
    method: Method,
    url: &str,
    basic_auth: Option<(String, String)>,
    timeout: Duration,
) -> anyhow::Result<Reply> {
    crate::http_client::Call::new(method, url, timeout)
        .auth(basic_auth)
        .send()
        .await
}
