//! How each exporter of `exporters:` reaches what it watches: flags and plain environment for
//! addresses, files under `/run/secrets` for every credential (never a plain variable).

use crate::manifest::{Diagnostic, Exporter, Secret};
use crate::render::Draft;
use crate::service::ServiceSpec;

use super::dsn::PostgresDsn;

/// Fills `spec.command` / `spec.environment` and registers secret files for `exporter`.
/// `key` is its manifest path (`exporters[1]`) for diagnostics; `uid` the image's user.
pub fn configure(
    exporter: &Exporter,
    key: &str,
    uid: Option<u32>,
    spec: &mut ServiceSpec,
    draft: &mut Draft,
) {
    let target = |default: &str| {
        exporter
            .target
            .clone()
            .unwrap_or_else(|| default.to_string())
    };
    let service = spec.name.clone();
    let secret = |name: &str, value: &Secret, draft: &mut Draft| {
        draft.add_secret(&service, name, value, uid)
    };
    match exporter.kind.as_str() {
        "redis" => {
            let addr = with_scheme(&target("redis:6379"), "redis://");
            if let Some(user) = &exporter.username {
                spec.environment.insert("REDIS_USER".into(), user.clone());
            }
            if let Some(password) = &exporter.password {
                // redis_exporter reads a JSON map address → password, not a bare password.
                let map = serde_json::json!({ addr.clone(): password.expose() });
                let path = secret("redis-passwords.json", &Secret::new(map.to_string()), draft);
                spec.environment.insert("REDIS_PASSWORD_FILE".into(), path);
            }
            spec.environment.insert("REDIS_ADDR".into(), addr);
            refuse_dsn(exporter, key, "target, username and password", draft);
        }
        "postgres" => postgres(exporter, key, spec, draft, &secret),
        "mysql" => {
            let (host, port) = split_host_port(&target("mysql:3306"), 3306);
            let mut cnf = format!("[client]\nhost={host}\nport={port}\n");
            if let Some(user) = &exporter.username {
                cnf.push_str(&format!("user={}\n", ini_value(user)));
            }
            if let Some(password) = &exporter.password {
                cnf.push_str(&format!("password={}\n", ini_value(password.expose())));
            }
            let path = secret("my.cnf", &Secret::new(cnf), draft);
            spec.command.push(format!("--config.my-cnf={path}"));
            refuse_dsn(exporter, key, "target, username and password", draft);
        }
        "rabbitmq" => {
            let url = with_scheme(&target("rabbitmq:15672"), "http://");
            spec.environment.insert("RABBIT_URL".into(), url);
            if let Some(user) = &exporter.username {
                spec.environment.insert("RABBIT_USER".into(), user.clone());
            }
            if let Some(password) = &exporter.password {
                let path = secret("rabbit-password", password, draft);
                spec.environment.insert("RABBIT_PASSWORD_FILE".into(), path);
            }
            refuse_dsn(exporter, key, "target, username and password", draft);
        }
        "nginx" => {
            let uri = with_scheme(&target("nginx:8080/stub_status"), "http://");
            spec.command.push(format!("--nginx.scrape-uri={uri}"));
            refuse_credentials(exporter, key, "nginx-prometheus-exporter", draft);
        }
        "kafka" => {
            spec.command
                .push(format!("--kafka.server={}", target("kafka:9092")));
            refuse_credentials(exporter, key, "kafka-exporter", draft);
        }
        "mongodb" => {
            let uri = with_scheme(&target("mongodb:27017"), "mongodb://");
            spec.command.push(format!("--mongodb.uri={uri}"));
            refuse_credentials(exporter, key, "mongodb_exporter", draft);
        }
        _ => {
            let uri = with_scheme(&target("elasticsearch:9200"), "http://");
            spec.command.push(format!("--es.uri={uri}"));
            refuse_credentials(exporter, key, "elasticsearch_exporter", draft);
        }
    }
}

/// postgres_exporter builds `postgresql://USER:PASS@URI` from `DATA_SOURCE_URI[_FILE]`,
/// `DATA_SOURCE_USER[_FILE]` and `DATA_SOURCE_PASS[_FILE]`; a `dsn` is split into those
/// three files, so no part of a secret DSN reaches the environment.
fn postgres(
    exporter: &Exporter,
    key: &str,
    spec: &mut ServiceSpec,
    draft: &mut Draft,
    secret: &dyn Fn(&str, &Secret, &mut Draft) -> String,
) {
    let env = &mut spec.environment;
    if let Some(dsn) = &exporter.dsn {
        let Some(parsed) = PostgresDsn::parse(dsn.expose()) else {
            draft.problem(
                Diagnostic::new(format!("{key}.dsn"), "the postgres `dsn` is not a URL")
                    .hint("write it as `postgresql://USER:PASSWORD@HOST:5432/DB?sslmode=disable`, or use `target`, `username` and `password`"),
            );
            return;
        };
        let uri = secret("data-source-uri", &Secret::new(parsed.uri), draft);
        env.insert("DATA_SOURCE_URI_FILE".into(), uri);
        let user = secret("data-source-user", &Secret::new(parsed.user), draft);
        env.insert("DATA_SOURCE_USER_FILE".into(), user);
        let pass = secret("data-source-pass", &Secret::new(parsed.password), draft);
        env.insert("DATA_SOURCE_PASS_FILE".into(), pass);
        return;
    }
    let target = exporter
        .target
        .clone()
        .unwrap_or_else(|| "postgres:5432".to_string());
    // Without a database and options the exporter would insist on TLS, which a database
    // container beside the stack rarely offers.
    let uri = if target.contains('/') {
        target
    } else {
        format!("{target}/postgres?sslmode=disable")
    };
    env.insert("DATA_SOURCE_URI".into(), uri);
    if let Some(user) = &exporter.username {
        env.insert("DATA_SOURCE_USER".into(), user.clone());
    }
    if let Some(password) = &exporter.password {
        let pass = secret("data-source-pass", password, draft);
        env.insert("DATA_SOURCE_PASS_FILE".into(), pass);
    }
}

fn refuse_dsn(exporter: &Exporter, key: &str, instead: &str, draft: &mut Draft) {
    if exporter.dsn.is_some() {
        draft.problem(
            Diagnostic::new(
                format!("{key}.dsn"),
                format!("`dsn` is not supported for `{}` exporters", exporter.kind),
            )
            .hint(format!("use {instead}")),
        );
    }
}

/// Exporters that can only take credentials on the command line or in plain environment,
/// where `docker inspect` shows them: stackctl refuses rather than leak the secret.
fn refuse_credentials(exporter: &Exporter, key: &str, program: &str, draft: &mut Draft) {
    for (field, present) in [
        ("password", exporter.password.is_some()),
        ("dsn", exporter.dsn.is_some()),
    ] {
        if present {
            draft.problem(
                Diagnostic::new(
                    format!("{key}.{field}"),
                    format!("{program} cannot read `{field}` from a file, and stackctl never passes secrets in plain environment or flags"),
                )
                .hint("give the exporter an account that needs no password, or run the exporter yourself and list it under `scrape`"),
            );
        }
    }
}

fn with_scheme(target: &str, scheme: &str) -> String {
    if target.contains("://") {
        target.to_string()
    } else {
        format!("{scheme}{target}")
    }
}

fn split_host_port(target: &str, default_port: u16) -> (String, u16) {
    match target.rsplit_once(':') {
        Some((host, port)) if port.parse::<u16>().is_ok() => {
            (host.to_string(), port.parse().unwrap_or(default_port))
        }
        _ => (target.to_string(), default_port),
    }
}

/// A my.cnf value read verbatim by go-ini: backquotes keep `#`, `;`, quotes and spaces.
fn ini_value(value: &str) -> String {
    if value.contains('`') {
        format!("\"\"\"{value}\"\"\"")
    } else {
        format!("`{value}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_get_the_scheme_the_exporter_expects() {
        assert_eq!(with_scheme("redis:6379", "redis://"), "redis://redis:6379");
        assert_eq!(
            with_scheme("rediss://cache:6380", "redis://"),
            "rediss://cache:6380"
        );
    }

    #[test]
    fn host_and_port_fall_back_to_the_default_port() {
        assert_eq!(split_host_port("db:3307", 3306), ("db".to_string(), 3307));
        assert_eq!(split_host_port("db", 3306), ("db".to_string(), 3306));
    }

    #[test]
    fn ini_values_are_quoted_so_comment_characters_survive() {
        assert_eq!(ini_value("p#ss;w\"rd"), "`p#ss;w\"rd`");
        assert_eq!(ini_value("a`b"), "\"\"\"a`b\"\"\"");
    }
}
