//! Exporters: known types, and what each connects to (credential support is render's call).

use super::names::{is_host, is_host_port};
use super::quoted_list;
use crate::catalog::ExporterType;
use crate::manifest::{Diagnostic, Exporter, Manifest, EXPORTER_TYPES};
use crate::suggest::did_you_mean;

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    for (index, exporter) in manifest.exporters.iter().enumerate() {
        check_exporter(&format!("exporters[{index}]"), exporter, problems);
    }
}

fn check_exporter(path: &str, exporter: &Exporter, problems: &mut Vec<Diagnostic>) {
    let Some(kind) = exporter.exporter_type() else {
        let kind = exporter.kind.as_str();
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
    };
    if let Some(name) = &exporter.name {
        if !super::names::is_project_name(name) {
            problems.push(
                Diagnostic::new(format!("{path}.name"), format!("exporter name `{name}` is not valid"))
                    .hint("use lowercase letters, digits, `-` and `_` (it names the job and the container)"),
            );
        }
    }
    if let Some(user) = &exporter.username {
        if user.chars().any(char::is_control) {
            problems.push(
                Diagnostic::new(
                    format!("{path}.username"),
                    "the exporter `username` holds a control character (a newline or tab)",
                )
                .hint("it is written into the exporter's arguments or my.cnf, one value a line; remove the control character"),
            );
        }
    }
    if kind == ExporterType::Rabbitmq {
        check_builtin_endpoint(path, exporter, problems);
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
        (Some(target), None) => {
            if let Some((message, hint)) = target_problem(kind, target) {
                problems.push(Diagnostic::new(format!("{path}.target"), message).hint(hint));
            }
        }
        _ => {}
    }
}

/// `type: rabbitmq` runs no exporter: Prometheus scrapes the broker's built-in
/// `rabbitmq_prometheus` endpoint, which takes no credentials, so the keys that configure an
/// exporter container have nothing to configure.
fn check_builtin_endpoint(path: &str, exporter: &Exporter, problems: &mut Vec<Diagnostic>) {
    let set = [
        ("username", exporter.username.is_some()),
        ("password", exporter.password.is_some()),
        ("dsn", exporter.dsn.is_some()),
        ("image", exporter.image.is_some()),
        ("port", exporter.port != Default::default()),
        ("args", !exporter.args.is_empty()),
        ("env", !exporter.env.is_empty()),
    ];
    for (key, _) in set.iter().filter(|(_, is_set)| *is_set) {
        problems.push(
            Diagnostic::new(
                format!("{path}.{key}"),
                format!("`{key}` has nothing to configure: for `type: rabbitmq` stackctl runs no exporter, Prometheus scrapes RabbitMQ's built-in endpoint (`rabbitmq_prometheus`, port 15692)"),
            )
            .hint("remove it and point `target` at the broker's `host:15692`; enable the endpoint with `rabbitmq-plugins enable rabbitmq_prometheus` (RabbitMQ 3.8+)"),
        );
    }
}

/// What a `target` may be for one exporter type: whatever the type's program reads, and nothing
/// that could add a line or a flag to the file or command it is written into.
struct TargetForm {
    /// URL schemes the program accepts (`None`: a bare `host:port` only).
    schemes: &'static [&'static str],
    /// Whether `host:port` may be followed by `/path?query` (postgres' database, nginx's page).
    path: bool,
}

fn target_form(kind: ExporterType) -> TargetForm {
    let (schemes, path): (&'static [&'static str], bool) = match kind {
        ExporterType::Redis => (&["redis", "rediss"], false),
        ExporterType::Postgres => (&[], true),
        ExporterType::Mysql | ExporterType::Kafka => (&[], false),
        ExporterType::Mongodb => (&["mongodb"], true),
        ExporterType::Nginx | ExporterType::Elasticsearch => (&["http", "https"], true),
        // The broker's `rabbitmq_prometheus` endpoint, scraped by Prometheus itself.
        ExporterType::Rabbitmq => (&[], false),
    };
    TargetForm { schemes, path }
}

/// Why `target` does not fit `kind`, as (message, hint); `None` when it fits.
fn target_problem(kind: ExporterType, target: &str) -> Option<(String, String)> {
    let shown = target.escape_debug().to_string();
    let example = format!("e.g. `{kind}:{}`", default_port(kind));
    if target.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some((
            format!("exporter target `{shown}` holds a space or control character"),
            format!("write where `{kind}` listens without spaces or line breaks, {example}"),
        ));
    }
    let form = target_form(kind);
    let (rest, scheme) = match target.split_once("://") {
        Some((scheme, rest)) => (rest, Some(scheme)),
        None => (target, None),
    };
    if let Some(scheme) = scheme {
        if !form.schemes.contains(&scheme) {
            let accepted = if form.schemes.is_empty() {
                "a bare `host:port`".to_string()
            } else {
                format!("`host:port` or a {} URL", quoted_list(form.schemes))
            };
            return Some((
                format!("exporter target `{shown}`: the `{kind}` exporter does not take a `{scheme}://` URL"),
                format!("write {accepted}, {example}"),
            ));
        }
    }
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Some((
            format!("exporter target `{shown}` holds credentials"),
            "the target is written into world-readable files; put credentials in `username` and `password` (or `dsn`)".to_string(),
        ));
    }
    if !tail.is_empty() && !form.path {
        return Some((
            format!(
                "exporter target `{shown}` has a path, which the `{kind}` exporter does not take"
            ),
            format!("write only `host:port`, {example}"),
        ));
    }
    let fits = is_host_port(authority) || (scheme.is_some() && is_host(authority));
    if !fits {
        return Some((
            format!("exporter target `{shown}` is not `host:port` or a URL"),
            format!("write where `{kind}` listens, {example}"),
        ));
    }
    None
}

/// The usual port of each exporter's target, for hints.
fn default_port(kind: ExporterType) -> u16 {
    match kind {
        ExporterType::Redis => 6379,
        ExporterType::Postgres => 5432,
        ExporterType::Mysql => 3306,
        ExporterType::Mongodb => 27017,
        ExporterType::Nginx => 8080,
        ExporterType::Kafka => 9092,
        ExporterType::Rabbitmq => 15692,
        ExporterType::Elasticsearch => 9200,
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
            // RabbitMQ: the broker's own endpoint; nothing to log in with, no container.
            ("exporters: [{type: rabbitmq}, {type: rabbitmq, name: mq2, target: 'mq:15692'}]", None),
            ("exporters: [{type: rabbitmq, username: u, password: p}]", Some(("exporters[0].username", "stackctl runs no exporter"))),
            ("exporters: [{type: rabbitmq, target: 'http://rabbitmq:15672'}]", Some(("exporters[0].target", "does not take a `http://` URL"))),
            ("exporters: [{type: mysql, target: 'db:3306', dsn: x}]", Some(("exporters[0].dsn", "both `target` and `dsn`"))),
            ("exporters: [{type: redis, target: redis}]", Some(("exporters[0].target", "not `host:port` or a URL"))),
            ("exporters: [{type: postgres, target: 'db:5432/shop?sslmode=disable'}, {type: mongodb, target: 'mongodb://mongo:27017'}, {type: elasticsearch, target: 'http://es'}]", None),
            ("exporters: [{type: kafka, target: 'kafka 9092'}]", Some(("exporters[0].target", "space or control character"))),
            ("exporters: [{type: memcached, target: 'm:11211'}]", Some(("exporters[0].type", "unknown exporter type `memcached`"))),
            ("exporters: [{type: postgress, dsn: x}]", Some(("exporters[0].type", "`postgress`"))),
            ("exporters: [{type: redis, name: Cache, target: 'r:6379'}]", Some(("exporters[0].name", "not valid"))),
            // Nothing that adds a line or a flag to an args file or my.cnf (H7).
            ("exporters: [{type: nginx, target: \"http://nginx:8080/stub_status\\n--web.listen-address=:1\"}]", Some(("exporters[0].target", "control character"))),
            ("exporters: [{type: elasticsearch, target: \"http://es:9200 --es.all\"}]", Some(("exporters[0].target", "space or control character"))),
            ("exporters: [{type: mysql, target: \"db:3306\\npassword=x\"}]", Some(("exporters[0].target", "control character"))),
            ("exporters: [{type: mysql, target: 'db:3306/x'}]", Some(("exporters[0].target", "has a path"))),
            ("exporters: [{type: kafka, target: 'http://kafka:9092'}]", Some(("exporters[0].target", "does not take a `http://` URL"))),
            ("exporters: [{type: nginx, target: 'ftp://nginx:21/x'}]", Some(("exporters[0].target", "does not take a `ftp://` URL"))),
            ("exporters: [{type: nginx, target: 'http://u:p@nginx:8080/s'}]", Some(("exporters[0].target", "holds credentials"))),
            ("exporters: [{type: kafka, username: \"u\\n--sasl.mechanism=x\", password: p}]", Some(("exporters[0].username", "control character"))),
            ("exporters: [{type: redis, target: 'rediss://cache:6380'}, {type: rabbitmq, target: 'mq:15692'}, {type: nginx, target: 'nginx:8080/stub_status'}]", None),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }
}
