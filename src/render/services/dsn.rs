//! Splitting a PostgreSQL connection URL into the parts postgres_exporter reads from files.

/// `postgresql://USER:PASSWORD@HOST:PORT/DB?OPTIONS` as postgres_exporter's
/// `DATA_SOURCE_USER`, `DATA_SOURCE_PASS` (decoded) and `DATA_SOURCE_URI` (the rest).
#[derive(Debug, PartialEq, Eq)]
pub struct PostgresDsn {
    pub user: String,
    pub password: String,
    pub uri: String,
}

impl PostgresDsn {
    /// `None` unless the text is a `postgres://` or `postgresql://` URL.
    pub fn parse(dsn: &str) -> Option<Self> {
        let rest = dsn
            .strip_prefix("postgresql://")
            .or_else(|| dsn.strip_prefix("postgres://"))?;
        // The userinfo ends at the last `@` before the path: passwords may hold a raw `@`.
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (userinfo, uri) = match rest[..authority_end].rfind('@') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => ("", rest),
        };
        if uri.is_empty() {
            return None;
        }
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        Some(Self {
            user: percent_decode(user)?,
            password: percent_decode(password)?,
            uri: uri.to_string(),
        })
    }
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsn_splits_into_decoded_credentials_and_the_rest() {
        let cases = [
            (
                "postgresql://exporter:s%40cret@db:5432/app?sslmode=disable",
                Some(("exporter", "s@cret", "db:5432/app?sslmode=disable")),
            ),
            ("postgres://u:p@w@db/x", Some(("u", "p@w", "db/x"))),
            ("postgres://db:5432/app", Some(("", "", "db:5432/app"))),
            ("host=db user=x password=y", None),
            ("postgres://u:p@", None),
            ("postgres://u:%zz@db", None),
        ];
        for (dsn, expected) in cases {
            let parsed = PostgresDsn::parse(dsn);
            let got = parsed
                .as_ref()
                .map(|d| (d.user.as_str(), d.password.as_str(), d.uri.as_str()));
            assert_eq!(got, expected, "{dsn}");
        }
    }
}
