//! Plain HTTP(S) calls from tests to the programs a test started (ureq 3): status codes are
//! answers, basic auth and a trusted certificate when given.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;

/// `METHOD url` → (status, body); `Err` when no answer came (refused, TLS refused, timeout).
pub fn call(
    method: &str,
    url: &str,
    auth: Option<(&str, &str)>,
    body: Option<&str>,
) -> Result<(u16, String), String> {
    call_trusting(method, url, auth, body, None)
}

/// Like `call`, trusting only the certificates in `ca_pem` for HTTPS.
pub fn call_trusting(
    method: &str,
    url: &str,
    auth: Option<(&str, &str)>,
    body: Option<&str>,
    ca_pem: Option<&[u8]>,
) -> Result<(u16, String), String> {
    let mut tls = ureq::tls::TlsConfig::builder();
    if let Some(pem) = ca_pem {
        let certs: Vec<_> = ureq::tls::parse_pem(pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect();
        tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .tls_config(tls.build())
        .build()
        .into();
    let request = ureq::http::Request::builder().method(method).uri(url);
    let request = match auth {
        Some((user, password)) => {
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            request.header("Authorization", format!("Basic {token}"))
        }
        None => request,
    };
    let request = match body {
        Some(b) if b.starts_with('{') || b.starts_with('[') => {
            request.header("Content-Type", "application/json")
        }
        _ => request,
    };
    let response = match body {
        Some(body) => agent.run(request.body(body.to_string()).map_err(|e| e.to_string())?),
        None => agent.run(request.body(()).map_err(|e| e.to_string())?),
    };
    let mut response = response.map_err(|e| format!("{url}: {e}"))?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    Ok((status, text))
}

/// `GET url` → body; panics when no answer or not 2xx.
pub fn get_text(url: &str) -> String {
    match call("GET", url, None, None) {
        Ok((status, body)) if (200..300).contains(&status) => body,
        other => panic!("GET {url}: {other:?}"),
    }
}

/// `POST url` with `body` (a JSON body when it starts with `{` or `[`); panics unless 2xx.
pub fn post(url: &str, body: &str) -> String {
    match call("POST", url, None, Some(body)) {
        Ok((status, text)) if (200..300).contains(&status) => text,
        other => panic!("POST {url}: {other:?}"),
    }
}
