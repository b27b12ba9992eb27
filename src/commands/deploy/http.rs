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

/// No HTTP answer came from `url`: `cause` says why in a few words (`connection refused`,
/// `timed out`), the URL once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {cause}")]
pub struct Unanswered {
    pub url: String,
    pub cause: String,
}

/// Calls `url`; `Err` (an `Unanswered`) only when no HTTP answer came (refused, timeout).
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
        Err(e) => Err(anyhow::Error::new(Unanswered {
            url: url.to_string(),
            cause: cause_of(&e),
        })),
    }
}

/// One clean cause for a request that got no answer. ureq's own text repeats the URL and its
/// error kind at each layer (`URL: Network Error: Network Error: ...`); the innermost I/O
/// error says what happened.
fn cause_of(error: &ureq::Error) -> String {
    let mut innermost: Option<&(dyn std::error::Error + 'static)> = None;
    let mut io = None;
    let mut next = std::error::Error::source(error);
    while let Some(cause) = next {
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            io = Some(e);
        }
        innermost = Some(cause);
        next = cause.source();
    }
    if let Some(phrase) = io.and_then(|e| io_phrase(e.kind())) {
        return phrase.to_string();
    }
    match (error, innermost) {
        (_, Some(cause)) => cause.to_string(),
        (ureq::Error::Transport(t), None) => match t.message() {
            Some(message) => format!("{}: {message}", t.kind()),
            None => t.kind().to_string(),
        },
        (ureq::Error::Status(status, _), None) => format!("answered {status}"),
    }
}

fn io_phrase(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::ConnectionRefused => "connection refused",
        K::ConnectionReset => "connection reset",
        K::ConnectionAborted => "connection aborted",
        K::TimedOut | K::WouldBlock => "timed out",
        K::UnexpectedEof => "closed the connection without answering",
        K::AddrNotAvailable => "address not available",
        _ => return None,
    })
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
