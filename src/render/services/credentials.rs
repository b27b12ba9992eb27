//! Exporter credentials as the contents of their secret files (redis' password map, my.cnf, a
//! kingpin `@args` file, postgres' three files). The one place in `services` that reads a
//! secret's text: what it returns is again a `Secret` (written only by `Draft::add_secret`),
//! or, for mongodb, a URL with the credentials taken out.
//!
//! Each format is checked or quoted here: a value no quoting can carry is refused (`None` /
//! `Err`), never written.

use super::address::percent_encode;
use super::dsn::{mongodb_without_credentials, MysqlDsn, PostgresDsn};
use crate::manifest::Secret;

/// redis_exporter's `REDIS_PASSWORD_FILE`: a JSON map address → password.
pub(crate) fn redis_password_map(address: &str, password: &Secret) -> Secret {
    Secret::new(serde_json::json!({ address: password.expose() }).to_string())
}

/// A `postgresql://` dsn as postgres_exporter's three files (file name, variable, contents).
pub(crate) fn postgres_files(dsn: &Secret) -> Option<[(&'static str, &'static str, Secret); 3]> {
    let parsed = PostgresDsn::parse(dsn.expose())?;
    Some([
        (
            "data-source-uri",
            "DATA_SOURCE_URI_FILE",
            Secret::new(parsed.uri),
        ),
        (
            "data-source-user",
            "DATA_SOURCE_USER_FILE",
            Secret::new(parsed.user),
        ),
        (
            "data-source-pass",
            "DATA_SOURCE_PASS_FILE",
            Secret::new(parsed.password),
        ),
    ])
}

/// A MySQL dsn's address and user (plain) and password (still secret).
pub(crate) struct MysqlLogin {
    /// `host:port`; empty when the dsn names none.
    pub address: String,
    pub user: String,
    pub password: Secret,
}

pub(crate) fn mysql_login(dsn: &Secret) -> Option<MysqlLogin> {
    let parsed = MysqlDsn::parse(dsn.expose())?;
    Some(MysqlLogin {
        address: parsed.address,
        user: parsed.user,
        password: Secret::new(parsed.password),
    })
}

/// mysqld_exporter's my.cnf `[client]` section. `Err(key)` names the key whose value no
/// quoting can carry.
pub(crate) fn my_cnf(
    host: &str,
    port: u16,
    user: Option<&str>,
    password: Option<&Secret>,
) -> Result<Secret, &'static str> {
    let mut cnf = String::from("[client]\n");
    let port = port.to_string();
    let entries = [
        ("host", Some(host)),
        ("port", Some(port.as_str())),
        ("user", user),
        ("password", password.map(Secret::expose)),
    ];
    for (key, value) in entries {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        let plain = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_:[]".contains(c));
        let written = if plain && matches!(key, "host" | "port") {
            Some(value.to_string())
        } else {
            ini_value(value)
        };
        match written {
            Some(written) => cnf.push_str(&format!("{key}={written}\n")),
            None => return Err(key),
        }
    }
    Ok(Secret::new(cnf))
}

/// A MongoDB dsn as a URL without credentials (it goes into a flag), and whether it had any.
pub(crate) fn mongodb_public_uri(dsn: &Secret) -> Option<(String, bool)> {
    let uri = mongodb_without_credentials(dsn.expose())?;
    let had_credentials = uri != dsn.expose();
    Some((uri, had_credentials))
}

/// One line of a kingpin `@args` file.
pub(crate) enum Arg<'a> {
    Plain(String),
    /// `prefix` + the secret, as it is.
    Secret(String, &'a Secret),
    /// `prefix` + the secret percent-encoded + `suffix` (userinfo inside a URL).
    InUrl(String, &'a Secret, String),
}

/// Kingpin reads `@FILE` as more arguments, one per line: `None` when a line would hold a line
/// break or other control character (it would add arguments).
pub(crate) fn args_file(args: &[Arg]) -> Option<Secret> {
    let mut text = String::new();
    for arg in args {
        let line = match arg {
            Arg::Plain(line) => line.clone(),
            Arg::Secret(prefix, secret) => format!("{prefix}{}", secret.expose()),
            Arg::InUrl(prefix, secret, suffix) => {
                format!("{prefix}{}{suffix}", percent_encode(secret.expose()))
            }
        };
        if line.chars().any(char::is_control) {
            return None;
        }
        text.push_str(&line);
        text.push('\n');
    }
    Some(Secret::new(text))
}

/// A my.cnf value read verbatim by go-ini: backquotes keep `#`, `;`, quotes and spaces.
/// `None` for what no quoting can carry: a line break or other control character (it would
/// start a new key), or both kinds of quote.
fn ini_value(value: &str) -> Option<String> {
    if value.chars().any(char::is_control) {
        return None;
    }
    if !value.contains('`') {
        Some(format!("`{value}`"))
    } else if !value.contains("\"\"\"") && !value.ends_with('"') {
        Some(format!("\"\"\"{value}\"\"\""))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_values_are_quoted_so_comment_characters_survive() {
        assert_eq!(ini_value("p#ss;w\"rd").as_deref(), Some("`p#ss;w\"rd`"));
        assert_eq!(ini_value("a`b").as_deref(), Some("\"\"\"a`b\"\"\""));
    }

    #[test]
    fn ini_values_no_quoting_can_carry_are_refused() {
        for value in ["pw\nhost=evil", "pw\r", "a`b\"\"\"c", "a`b\"", "tab\there"] {
            assert_eq!(ini_value(value), None, "{value:?}");
        }
    }

    #[test]
    fn args_files_refuse_a_line_break_and_encode_inside_urls() {
        let pw = Secret::new("p\nq");
        assert!(args_file(&[Arg::Secret("--sasl.password=".into(), &pw)]).is_none());
        let file = args_file(&[
            Arg::Plain("--sasl.enabled".into()),
            Arg::InUrl("--es.uri=http://u:".into(), &pw, "@es:9200".into()),
        ])
        .unwrap();
        assert_eq!(
            file.expose(),
            "--sasl.enabled\n--es.uri=http://u:p%0Aq@es:9200\n"
        );
    }
}
