//! The one HTTP client stackctl calls the stack's programs with from the host (readiness,
//! reload, status, silences, backups): a single shared agent, error statuses returned as
//! replies rather than errors, and, for a stack served over TLS, the stack's own certificate
//! as the root it trusts. Blocking calls run off the async thread. It decides nothing about
//! what to call; the commands do.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use base64::Engine as _;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::Agent;

/// Largest body read from a program's answer (a TSDB snapshot listing, a silence list).
const MAX_BODY: u64 = 64 * 1024 * 1024;

static AGENT: OnceLock<Agent> = OnceLock::new();
static TRUSTED: OnceLock<Vec<Certificate<'static>>> = OnceLock::new();

/// A response: status code and body text (error statuses are responses too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

/// No HTTP answer came from `url`: `cause` says why in a few words (`connection refused`,
/// `timed out`), the URL once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {cause}")]
pub(crate) struct Unanswered {
    pub url: String,
    pub cause: String,
}

/// One call: where, how, with which credentials and body, within how long.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub url: String,
    pub basic_auth: Option<(String, String)>,
    /// A JSON body (`Content-Type: application/json`); `None` sends an empty body on POST.
    pub json: Option<serde_json::Value>,
    pub timeout: Duration,
}

impl Call {
    pub fn new(method: Method, url: impl Into<String>, timeout: Duration) -> Self {
        Self {
            method,
            url: url.into(),
            basic_auth: None,
            json: None,
            timeout,
        }
    }

    pub fn auth(mut self, basic_auth: Option<(String, String)>) -> Self {
        self.basic_auth = basic_auth;
        self
    }

    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.json = Some(body);
        self
    }

    /// Sends the call off the async thread; `Err` only when no HTTP answer came.
    pub(crate) async fn send(self) -> anyhow::Result<Reply> {
        tokio::task::spawn_blocking(move || self.send_blocking()).await?
    }

    /// Sends the call on this thread; `Err` only when no HTTP answer came.
    pub(crate) fn send_blocking(&self) -> anyhow::Result<Reply> {
        let agent = agent();
        let auth = self.basic_auth.as_ref().map(|(user, password)| {
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            format!("Basic {token}")
        });
        let timeout = Some(self.timeout);
        let result = match self.method {
            Method::Get | Method::Delete => {
                let mut request = match self.method {
                    Method::Get => agent.get(&self.url),
                    _ => agent.delete(&self.url),
                };
                if let Some(auth) = &auth {
                    request = request.header("Authorization", auth);
                }
                request.config().timeout_global(timeout).build().call()
            }
            Method::Post => {
                let mut request = agent.post(&self.url);
                if let Some(auth) = &auth {
                    request = request.header("Authorization", auth);
                }
                let request = request.config().timeout_global(timeout).build();
                match &self.json {
                    Some(body) => request.send_json(body),
                    None => request.send_empty(),
                }
            }
        };
        let mut response = result.map_err(|e| {
            anyhow::Error::new(Unanswered {
                url: self.url.clone(),
                cause: cause(&e),
            })
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .unwrap_or_default();
        Ok(Reply { status, body })
    }
}

/// `GET url` with basic auth when `credentials` are given.
pub(crate) async fn get_as(
    url: &str,
    credentials: Option<(String, String)>,
    timeout: Duration,
) -> anyhow::Result<Reply> {
    Call::new(Method::Get, url, timeout)
        .auth(credentials)
        .send()
        .await
}

/// Trusts the certificates in `pem` (the stack's own TLS certificate and its chain) for every
/// later call of this process. Call it before the first request: the agent is built once.
pub(crate) fn trust(pem: &[u8]) -> anyhow::Result<()> {
    let certificates: Vec<Certificate<'static>> = ureq::tls::parse_pem(pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("the stack's TLS certificate is not valid PEM: {e}"))?;
    if certificates.is_empty() {
        anyhow::bail!("the stack's TLS certificate file holds no certificate");
    }
    // A second session in one process (deploy --test-notify) trusts the same stack.
    let _ = TRUSTED.set(certificates);
    Ok(())
}

/// The shared agent: status codes are answers, not errors; TLS trusts the stack's certificate
/// when one was given (`trust`), else the bundled web roots.
fn agent() -> &'static Agent {
    AGENT.get_or_init(|| {
        let roots = match TRUSTED.get() {
            Some(certificates) => RootCerts::Specific(Arc::new(certificates.clone())),
            None => RootCerts::WebPki,
        };
        Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build()
            .into()
    })
}

/// One clean cause for a failed call (ureq's transport errors, without repeating the URL).
fn cause(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
            std::io::ErrorKind::ConnectionReset => "connection reset".to_string(),
            std::io::ErrorKind::UnexpectedEof => {
                "closed the connection without answering".to_string()
            }
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                "no answer in time".to_string()
            }
            _ => io.to_string(),
        },
        ureq::Error::Timeout(_) => "no answer in time".to_string(),
        other => other.to_string(),
    }
}
