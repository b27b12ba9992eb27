//! How each exporter of `exporters:` reaches what it watches: flags and plain environment for
//! addresses, files under `/run/secrets` for every credential (never a flag or a variable,
//! which `docker inspect` would show).
//!
//! Programs that read a password file get one (`*_FILE`, my.cnf, redis' JSON map); the
//! kingpin-based ones (kafka, elasticsearch, nginx exporters) read secret flags from an
//! `@file` of arguments. What goes into those files is composed by `credentials`, the only
//! place here that reads a secret's text.

use crate::catalog::ExporterType;
use crate::manifest::{Diagnostic, Exporter, Secret};
use crate::render::Draft;
use crate::service::ServiceSpec;

use super::address::{percent_encode, split_host_port, with_scheme};
use super::credentials::{self, Arg};

/// What configuring one exporter needs: where it is in the manifest and who it runs as.
pub(crate) struct ExporterContext<'a> {
    pub exporter: &'a Exporter,
    /// Manifest path (`exporters[1]`) for diagnostics.
    pub key: &'a str,
    /// The image's user, who must be able to read the secret files.
    pub uid: Option<u32>,
}

impl ExporterContext<'_> {
    fn target(&self, default: &str) -> String {
        self.exporter
            .target
            .clone()
            .unwrap_or_else(|| default.to_string())
    }

    fn secret(&self, spec: &ServiceSpec, draft: &mut Draft, name: &str, value: &Secret) -> String {
        draft.add_secret(&spec.name, name, value, self.uid)
    }

    fn problem(&self, draft: &mut Draft, field: &str, message: String, hint: &str) {
        draft.problem(Diagnostic::new(format!("{}.{field}", self.key), message).hint(hint));
    }
}

/// Fills `spec.command` / `spec.environment` and registers secret files for the exporter.
pub(crate) fn configure(cx: &ExporterContext, spec: &mut ServiceSpec, draft: &mut Draft) {
    let Some(kind) = cx.exporter.exporter_type() else {
        return; // validation reports an unknown type; nothing of it is rendered
    };
    match kind {
        ExporterType::Redis => redis(cx, spec, draft),
        ExporterType::Postgres => postgres(cx, spec, draft),
        ExporterType::Mysql => mysql(cx, spec, draft),
        ExporterType::Mongodb => mongodb(cx, spec, draft),
        ExporterType::Kafka => kafka(cx, spec, draft),
        // Scraped by Prometheus itself: no exporter container to configure.
        ExporterType::Rabbitmq => {}
        ExporterType::Nginx => url_flag(
            cx,
            spec,
            draft,
            "--nginx.scrape-uri",
            "nginx:8080/stub_status",
        ),
        ExporterType::Elasticsearch => url_flag(cx, spec, draft, "--es.uri", "elasticsearch:9200"),
    }
}

fn redis(cx: &ExporterContext, spec: &mut ServiceSpec, draft: &mut Draft) {
    let addr = with_scheme(&cx.target("redis:6379"), "redis://");
    if let Some(user) = &cx.exporter.username {
        spec.environment.insert("REDIS_USER".into(), user.clone());
    }
    if let Some(password) = &cx.exporter.password {
        // redis_exporter reads a JSON map address → password, not a bare password.
        let map = credentials::redis_password_map(&addr, password);
        let path = cx.secret(spec, draft, "redis-passwords.json", &map);
        spec.environment.insert("REDIS_PASSWORD_FILE".into(), path);
    }
    spec.environment.insert("REDIS_ADDR".into(), addr);
    refuse_dsn(cx, draft, "use `target`, `username` and `password`");
}

/// postgres_exporter builds `postgresql://USER:PASS@URI` from `DATA_SOURCE_URI[_FILE]`,
/// `DATA_SOURCE_USER[_FILE]` and `DATA_SOURCE_PASS[_FILE]`: a `dsn` becomes those three files.
fn postgres(cx: &ExporterContext, spec: &mut ServiceSpec, draft: &mut Draft) {
    if let Some(dsn) = &cx.exporter.dsn {
        let Some(files) = credentials::postgres_files(dsn) else {
            let hint = "write it as `postgresql://USER:PASSWORD@HOST:5432/DB?sslmode=disable`, or use `target`, `username` and `password`";
            cx.problem(
                draft,
                "dsn",
                "the postgres `dsn` is not a `postgresql://` URL".into(),
                hint,
            );
            return;
        };
        for (name, variable, value) in files {
            let path = cx.secret(spec, draft, name, &value);
            spec.environment.insert(variable.into(), path);
        }
        return;
    }
    let target = cx.target("postgres:5432");
    // Without a database and options the exporter would insist on TLS, which a database
    // container beside the stack rarely offers.
    let uri = if target.contains('/') {
        target
    } else {
        format!("{target}/postgres?sslmode=disable")
    };
    spec.environment.insert("DATA_SOURCE_URI".into(), uri);
    if let Some(user) = &cx.exporter.username {
        spec.environment
            .insert("DATA_SOURCE_USER".into(), user.clone());
    }
    if let Some(password) = &cx.exporter.password {
        let path = cx.secret(spec, draft, "data-source-pass", password);
        spec.environment
            .insert("DATA_SOURCE_PASS_FILE".into(), path);
    }
}

/// mysqld_exporter reads its connection from a my.cnf `[client]` section.
fn mysql(cx: &ExporterContext, spec: &mut ServiceSpec, draft: &mut Draft) {
    let from_dsn = match &cx.exporter.dsn {
        Some(dsn) => match credentials::mysql_login(dsn) {
            Some(login) => Some(login),
            None => {
                let hint = "write it as `USER:PASSWORD@tcp(HOST:3306)/`, or use `target`, `username` and `password`";
                cx.problem(
                    draft,
                    "dsn",
                    "the mysql `dsn` is not a TCP DSN".into(),
                    hint,
                );
                return;
            }
        },
        None => None,
    };
    let address = match &from_dsn {
        Some(login) if !login.address.is_empty() => login.address.clone(),
        _ => cx.target("mysql:3306"),
    };
    let (host, port) = split_host_port(&address, 3306);
    let (user, password) = match &from_dsn {
        Some(login) => (Some(login.user.as_str()), Some(&login.password)),
        None => (
            cx.exporter.username.as_deref(),
            cx.exporter.password.as_ref(),
        ),
    };
    let cnf = match credentials::my_cnf(&host, port, user, password) {
        Ok(cnf) => cnf,
        Err(key) => {
            let field = match key {
                "host" | "port" if from_dsn.is_none() => "target",
                "user" if from_dsn.is_none() => "username",
                "password" if from_dsn.is_none() => "password",
                _ => "dsn",
            };
            let message = format!("the mysql `{key}` cannot be written into my.cnf: it holds a line break or control character, or both `` ` `` and `\"\"\"`");
            cx.problem(
                draft,
                field,
                message,
                "remove the control character; my.cnf holds one value a line",
            );
            return;
        }
    };
    let path = cx.secret(spec, draft, "my.cnf", &cnf);
    spec.command.push(format!("--config.my-cnf={path}"));
}

/// mongodb_exporter takes credentials only as flags or variables, which `docker inspect`
/// shows; stackctl leaves them out and says so.
fn mongodb(cx: &ExporterContext, spec: &mut ServiceSpec, draft: &mut Draft) {
    let (uri, dsn_has_credentials) = match &cx.exporter.dsn {
        Some(dsn) => match credentials::mongodb_public_uri(dsn) {
            Some(found) => found,
            None => {
                let hint = "write it as `mongodb://USER:PASSWORD@HOST:27017`, or use `target`";
                cx.problem(
                    draft,
                    "dsn",
                    "the mongodb `dsn` is not a `mongodb://` URL".into(),
                    hint,
                );
                return;
            }
        },
        None => (
            with_scheme(&cx.target("mongodb:27017"), "mongodb://"),
            false,
        ),
    };
    if dsn_has_credentials || cx.exporter.password.is_some() {
        draft.warn(format!(
            "`{}`: mongodb_exporter cannot read credentials from a file, and stackctl never puts them in flags or environment; `{}` connects without them (give MongoDB a monitoring user that needs none, or run the exporter yourself and list it under `scrape`)",
            cx.key, spec.name
        ));
    }
    spec.command.push(format!("--mongodb.uri={uri}"));
}

/// kafka_exporter: the broker as a flag; SASL credentials in an `@file` of arguments.
fn kafka(cx: &ExporterContext, spec: &mut ServiceSpec, draft: &mut Draft) {
    spec.command
        .push(format!("--kafka.server={}", cx.target("kafka:9092")));
    if let Some(password) = &cx.exporter.password {
        let mut args = vec![Arg::Plain("--sasl.enabled".into())];
        if let Some(user) = &cx.exporter.username {
            args.push(Arg::Plain(format!("--sasl.username={user}")));
        }
        args.push(Arg::Secret("--sasl.password=".into(), password));
        secret_args(cx, spec, draft, "password", &args);
    }
    refuse_dsn(cx, draft, "use `target`, `username` and `password`");
}

/// Exporters configured by one URL flag; credentials (or a whole `dsn`) go into the URL,
/// which then lives in an `@file` of arguments.
fn url_flag(
    cx: &ExporterContext,
    spec: &mut ServiceSpec,
    draft: &mut Draft,
    flag: &str,
    default: &str,
) {
    if let Some(dsn) = &cx.exporter.dsn {
        let args = [Arg::Secret(format!("{flag}="), dsn)];
        return secret_args(cx, spec, draft, "dsn", &args);
    }
    let url = with_scheme(&cx.target(default), "http://");
    match &cx.exporter.password {
        Some(password) => {
            let user = cx.exporter.username.as_deref().unwrap_or_default();
            let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
            let prefix = format!("{flag}={scheme}://{}:", percent_encode(user));
            let args = [Arg::InUrl(prefix, password, format!("@{rest}"))];
            secret_args(cx, spec, draft, "password", &args);
        }
        None => spec.command.push(format!("{flag}={url}")),
    }
}

/// Kingpin reads `@FILE` as more arguments, one per line: a value with a line break would add
/// arguments, so it is refused at `field` (the key the secret part came from), never written.
fn secret_args(
    cx: &ExporterContext,
    spec: &mut ServiceSpec,
    draft: &mut Draft,
    field: &str,
    args: &[Arg],
) {
    let Some(file) = credentials::args_file(args) else {
        let message = format!(
            "the `{}` exporter's `{field}` holds a line break or control character, which would add arguments to the exporter",
            cx.exporter.kind
        );
        cx.problem(
            draft,
            field,
            message,
            "remove the control character from the value",
        );
        return;
    };
    let path = cx.secret(spec, draft, "args", &file);
    spec.command.push(format!("@{path}"));
}

fn refuse_dsn(cx: &ExporterContext, draft: &mut Draft, instead: &str) {
    if cx.exporter.dsn.is_some() {
        let message = format!(
            "`dsn` is not supported for `{}` exporters",
            cx.exporter.kind
        );
        cx.problem(draft, "dsn", message, instead);
    }
}
