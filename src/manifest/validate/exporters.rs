//! Exporters: known types, and what each connects to (credential support is render's call).

use super::names::{is_host, is_host_port};
use super::quoted_list;
use crate::manifest::{did_you_mean, Diagnostic, Exporter, Manifest, EXPORTER_TYPES};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    for (index, exporter) in manifest.exporters.iter().enumerate() {
        check_exporter(&format!("exporters[{index}]"), exporter, problems);
    }
}

fn check_exporter(path: &str, exporter: &Exporter, problems: &mut Vec<Diagnostic>) {
    let kind = exporter.kind.as_str();
    if !EXPORTER_TYPES.contains(&kind) {
        let hint = match did_you_mean(kind, EXPORTER_TYPES) {
            Some(suggestion) => format!(
                "did you mean `{suggestion}`? known types: {}",
                quoted_list(EXPORTER_TYPES)
            ),
            None => format!(
                "known types: {}; anything else can be scraped with a `scrape` job",
                quoted_list(EXPORTER_TYPES)
            ),
        };
        problems.push(
            Diagnostic::new(
                format!("{path}.type"),
                format!("unknown exporter type `{kind}`"),
            )
            .hint(hint),
        );
        return;
    }
    if let Some(name) = &exporter.name {
        if !super::names::is_project_name(name) {
            problems.push(
                Diagnostic::new(format!("{path}.name"), format!("exporter name `{name}` is not valid"))
                    .hint("use lowercase letters, digits, `-` and `_` (it names the job and the container)"),
            );
        }
    }
    // Which types accept a `dsn` or credentials is decided by render, which knows each program.
    match (&exporter.target, &exporter.dsn) {
        (Some(_), Some(_)) => problems.push(
            Diagnostic::new(
                format!("{path}.dsn"),
                format!("the `{kind}` exporter has both `target` and `dsn`"),
            )
            .hint("the `dsn` already names the server; remove `target`"),
        ),
        (Some(target), None) if !is_exporter_target(target) => problems.push(
            Diagnostic::new(
                format!("{path}.target"),
                format!("exporter target `{target}` is not `host:port` or a URL"),
            )
            .hint(format!(
                "write where `{kind}` listens, e.g. `{kind}:{}`",
                default_port(kind)
            )),
        ),
        _ => {}
    }
}

/// `host:port`, optionally with a path (`db:5432/shop?sslmode=disable`), or a URL of any scheme
/// (`http://nginx:8080/stub_status`, `mongodb://mongo:27017`).
fn is_exporter_target(target: &str) -> bool {
    let (rest, has_scheme) = match target.split_once("://") {
        Some((scheme, rest)) => {
            let scheme_ok = !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
            if !scheme_ok {
                return false;
            }
            (rest, true)
        }
        None => (target, false),
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    is_host_port(authority) || (has_scheme && is_host(authority))
}

/// The usual port of each exporter's target, for hints.
fn default_port(kind: &str) -> u16 {
    match kind {
        "redis" => 6379,
        "postgres" => 5432,
        "mysql" => 3306,
        "mongodb" => 27017,
        "nginx" => 8080,
        "kafka" => 9092,
        "rabbitmq" => 15672,
        _ => 9200,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn checks_exporter_types_and_what_they_connect_to() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("exporters: [{type: redis, target: 'redis:6379'}, {type: postgres, dsn: 'postgres://u@db/x'}, {type: nginx, target: 'http://nginx:8080/stub_status'}]", None),
            // Without a target the exporter connects to `<type>:<usual port>` (render's default).
            ("exporters: [{type: redis}]", None),
            ("exporters: [{type: rabbitmq, username: u, password: p}]", None),
            ("exporters: [{type: mysql, target: 'db:3306', dsn: x}]", Some(("exporters[0].dsn", "both `target` and `dsn`"))),
            ("exporters: [{type: redis, target: redis}]", Some(("exporters[0].target", "not `host:port` or a URL"))),
            ("exporters: [{type: postgres, target: 'db:5432/shop?sslmode=disable'}, {type: mongodb, target: 'mongodb://mongo:27017'}, {type: elasticsearch, target: 'http://es'}]", None),
            ("exporters: [{type: kafka, target: 'kafka 9092'}]", Some(("exporters[0].target", "not `host:port` or a URL"))),
            ("exporters: [{type: memcached, target: 'm:11211'}]", Some(("exporters[0].type", "unknown exporter type `memcached`"))),
            ("exporters: [{type: postgress, dsn: x}]", Some(("exporters[0].type", "`postgress`"))),
            ("exporters: [{type: redis, name: Cache, target: 'r:6379'}]", Some(("exporters[0].name", "not valid"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }
}
