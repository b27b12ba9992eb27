//! Small HTTP calls to the stack's programs (readiness, reload, Prometheus API) from the host,
//! run off the async thread with short timeouts.

use std::time::Duration;

/// A response: status code and body text (error statuses are responses too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
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
}

/// Calls `url`; `Err` only when no HTTP answer came (refused, timeout).
pub async fn call(
    method: Method,
    url: &str,
    basic_auth: Option<(String, String)>,
    timeout: Duration,
) -> anyhow::Result<Reply> {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || blocking_call(method, &url, basic_auth, timeout)).await?
}

/// `GET` with basic auth when `credentials` are given.
pub async fn get_as(
    url: &str,
    credentials: Option<(String, String)>,
    timeout: Duration,
) -> anyhow::Result<Reply> {
    call(Method::Get, url, credentials, timeout).await
}

fn blocking_call(
    method: Method,
    url: &str,
    basic_auth: Option<(String, String)>,
    timeout: Duration,
) -> anyhow::Result<Reply> {
    let agent = ureq::AgentBuilder::new().timeout(timeout).build();
    let mut request = match method {
        Method::Get => agent.get(url),
        Method::Post => agent.post(url),
    };
    if let Some((user, password)) = basic_auth {
        request = request.set(
            "Authorization",
            &format!("Basic {}", base64(&format!("{user}:{password}"))),
        );
    }
    let response = match method {
        Method::Get => request.call(),
        Method::Post => request.send_string(""),
    };
    match response {
        Ok(r) => Ok(Reply {
            status: r.status(),
            body: r.into_string().unwrap_or_default(),
        }),
        Err(ureq::Error::Status(status, r)) => Ok(Reply {
            status,
            body: r.into_string().unwrap_or_default(),
        }),
        Err(e) => Err(anyhow::anyhow!("{url}: {e}")),
    }
}

/// Standard base64 (basic auth needs nothing more).
fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_basic_auth_like_rfc_4648() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("admin:pw", "YWRtaW46cHc="),
        ];
        for (input, want) in cases {
            assert_eq!(base64(input), want, "{input}");
        }
    }
}
