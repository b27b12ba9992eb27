//! Small HTTP calls to the stack's programs (readiness, reload, Prometheus API) from the host,
//! through the shared client (`crate::http_client`: one agent, short timeouts).

use std::time::Duration;

pub use crate::http_client::Method;
pub(crate) use crate::http_client::{get_as, Reply, Unanswered};

/// Calls `url`; `Err` (an `Unanswered`) only when no HTTP answer came (refused, timeout).
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unanswered(url: &str) -> Unanswered {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let error = runtime
            .block_on(get_as(url, None, Duration::from_millis(500)))
            .unwrap_err();
        error.downcast::<Unanswered>().expect("an Unanswered")
    }

    /// The readiness error used to read `URL: Network Error: Network Error: ...`.
    #[test]
    fn a_refused_connection_is_one_clean_cause_naming_the_url_once() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port(); // bound, then dropped: nothing listens there now
        let url = format!("http://127.0.0.1:{port}/-/ready");
        let error = unanswered(&url);
        assert_eq!(error.cause, "connection refused");
        assert_eq!(error.to_string(), format!("{url}: connection refused"));
    }

    #[test]
    fn a_server_that_closes_without_answering_is_named_so() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            drop(stream);
        });
        let text = unanswered(&format!("http://127.0.0.1:{port}/")).to_string();
        server.join().unwrap();
        assert_eq!(text.matches("127.0.0.1").count(), 1, "{text}");
        assert!(!text.contains("Network Error"), "{text}");
    }
}
