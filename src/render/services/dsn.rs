//! Splitting connection strings (`dsn`) into the parts exporters read from files, so no
//! part of a secret reaches a flag or the environment.

/// `postgresql://USER:PASSWORD@HOST:PORT/DB?OPTIONS` as postgres_exporter's
/// `DATA_SOURCE_USER`, `DATA_SOURCE_PASS` (decoded) and `DATA_SOURCE_URI` (the rest).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PostgresDsn {
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

/// A MySQL DSN in Go driver form (`USER:PASS@tcp(HOST:PORT)/DB`, `USER:PASS@(HOST:PORT)/`)
/// or URL form (`mysql://USER:PASS@HOST:PORT/DB`), as the `[client]` keys of a my.cnf.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MysqlDsn {
    pub user: String,
    pub password: String,
    /// `host:port`; empty when the DSN names no address.
    pub address: String,
}

impl MysqlDsn {
    pub fn parse(dsn: &str) -> Option<Self> {
        if let Some(rest) = dsn.strip_prefix("mysql://") {
            let authority = rest.split('/').next().unwrap_or(rest);
            let (userinfo, address) = authority.rsplit_once('@').unwrap_or(("", authority));
            let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            return Some(Self {
                user: percent_decode(user)?,
                password: percent_decode(password)?,
                address: address.to_string(),
            });
        }
        // Go form: everything before the last `/` is `[user[:password]@][protocol[(address)]]`.
        let (head, _database) = dsn.rsplit_once('/')?;
        let (userinfo, net) = head.rsplit_once('@').unwrap_or(("", head));
        let address = match net.split_once('(') {
            Some((protocol, rest)) if protocol.is_empty() || protocol == "tcp" => {
                rest.strip_suffix(')')?.to_string()
            }
            Some(_) => return None,
            None if net.is_empty() => String::new(),
            None => return None,
        };
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        Some(Self {
            user: user.to_string(),
            password: password.to_string(),
            address,
        })
    }
}

/// A MongoDB URL without its `user:password@` part (`None` when it is not a MongoDB URL).
pub(crate) fn mongodb_without_credentials(dsn: &str) -> Option<String> {
    let (scheme, rest) = dsn.split_once("://")?;
    if scheme != "mongodb" && scheme != "mongodb+srv" {
        return None;
    }
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let start = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
    Some(format!("{scheme}://{}", &rest[start..]))
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
    fn mysql_dsn_in_go_and_url_form_gives_user_password_and_address() {
        let cases = [
            (
                "monitor:pw@(mysql:3306)/",
                Some(("monitor", "pw", "mysql:3306")),
            ),
            (
                "u:p@ss@tcp(db:3307)/app?tls=false",
                Some(("u", "p@ss", "db:3307")),
            ),
            ("u:p@/", Some(("u", "p", ""))),
            (
                "mysql://u:s%23cret@db:3306/app",
                Some(("u", "s#cret", "db:3306")),
            ),
            ("u:p@unix(/run/mysqld.sock)/", None),
            ("no-slash-here", None),
        ];
        for (dsn, expected) in cases {
            let parsed = MysqlDsn::parse(dsn);
            let got = parsed
                .as_ref()
                .map(|d| (d.user.as_str(), d.password.as_str(), d.address.as_str()));
            assert_eq!(got, expected, "{dsn}");
        }
    }

    #[test]
    fn mongodb_url_loses_only_its_credentials() {
        let cases = [
            (
                "mongodb://monitor:pw@mongodb:27017",
                Some("mongodb://mongodb:27017"),
            ),
            (
                "mongodb://u:p@a:1,b:2/admin?replicaSet=rs",
                Some("mongodb://a:1,b:2/admin?replicaSet=rs"),
            ),
            (
                "mongodb+srv://db.example.com/",
                Some("mongodb+srv://db.example.com/"),
            ),
            ("postgres://x@y/z", None),
        ];
        for (dsn, expected) in cases {
            assert_eq!(
                mongodb_without_credentials(dsn).as_deref(),
                expected,
                "{dsn}"
            );
        }
    }

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
