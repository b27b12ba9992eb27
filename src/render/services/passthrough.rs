//! `components.<name>.args` and `.env`: what the operator passes to a program unchanged, and
//! node_exporter's `collectors`.
//!
//! A flag stackctl already sets is refused, naming the manifest key that sets it (or saying it
//! is stackctl's own wiring): two values of one flag would leave the program to pick one. A
//! repeatable flag (`--enable-feature`) may be added. An `env` value from a `${VAR}` reference
//! goes by file (`NAME__FILE`) to Grafana, the one program that reads every variable so; for
//! any other program it is refused, as the environment is visible to `docker inspect`.

use crate::manifest::{Diagnostic, Manifest, Passthrough, Secret};
use crate::render::grafana::GRAFANA_UID;
use crate::render::{Component, Draft, Kind};
use crate::service::ServiceSpec;

/// Flags a program accepts several times: an operator's occurrence adds to stackctl's.
const REPEATABLE: &[&str] = &["enable-feature"];

/// Flags stackctl derives from a manifest key (prefix match on the flag name).
const FLAG_KEYS: &[(&str, &str)] = &[
    ("storage.tsdb.retention.", "components.prometheus.retention"),
    ("collector.", "components.node_exporter.collectors"),
    ("no-collector.", "components.node_exporter.collectors"),
    ("retentionPeriod", "components.victoriametrics.retention"),
    (
        "dedup.minScrapeInterval",
        "components.victoriametrics.dedup_interval",
    ),
];

/// Grafana variables stackctl derives from a manifest key; other `GF_*` it sets are defaults
/// the operator's `env`/`settings` may replace.
pub(crate) const GRAFANA_ENV_KEYS: &[(&str, &str)] = &[
    ("GF_SECURITY_ADMIN_USER", "components.grafana.admin_user"),
    (
        "GF_SECURITY_ADMIN_PASSWORD",
        "components.grafana.admin_password",
    ),
    ("GF_AUTH_ANONYMOUS_ENABLED", "components.grafana.anonymous"),
    ("GF_AUTH_ANONYMOUS_ORG_ROLE", "components.grafana.anonymous"),
    ("GF_SERVER_ROOT_URL", "components.grafana.root_url"),
    ("GF_PLUGINS_PREINSTALL", "components.grafana.plugins"),
];

/// The component's `args`/`env`: one of `components`, or an entry of `exporters`.
fn settings<'a>(manifest: &'a Manifest, component: &Component) -> Option<&'a dyn Passthrough> {
    let c = &manifest.components;
    fn dynamic<T: Passthrough>(s: &Option<T>) -> Option<&dyn Passthrough> {
        s.as_ref().map(|s| s as &dyn Passthrough)
    }
    match &component.kind {
        Kind::Prometheus => dynamic(&c.prometheus),
        Kind::Alertmanager => dynamic(&c.alertmanager),
        Kind::Grafana => dynamic(&c.grafana),
        Kind::Loki => dynamic(&c.loki),
        Kind::Alloy => dynamic(&c.alloy),
        Kind::Promtail => dynamic(&c.promtail),
        Kind::Jaeger => dynamic(&c.jaeger),
        Kind::NodeExporter => dynamic(&c.node_exporter),
        Kind::Cadvisor => dynamic(&c.cadvisor),
        Kind::BlackboxExporter => dynamic(&c.blackbox_exporter),
        Kind::Pushgateway => dynamic(&c.pushgateway),
        Kind::VictoriaMetrics => dynamic(&c.victoriametrics),
        Kind::Exporter(_) => {
            let index: usize = component
                .key
                .strip_prefix("exporters[")?
                .strip_suffix(']')?
                .parse()
                .ok()?;
            manifest.exporters.get(index).map(|e| e as &dyn Passthrough)
        }
    }
}

/// Adds node_exporter's collectors, then the operator's `args` and `env`, to `spec`.
pub fn apply(
    manifest: &Manifest,
    component: &Component,
    spec: &mut ServiceSpec,
    draft: &mut Draft,
) {
    if component.kind == Kind::NodeExporter {
        collectors(manifest, spec, draft);
    }
    if component.kind == Kind::Grafana {
        grafana_settings(manifest, component, spec, draft);
    }
    let Some(settings) = settings(manifest, component) else {
        return;
    };
    for (index, arg) in settings.args().iter().enumerate() {
        let path = format!("{}.args[{index}]", component.key);
        match clash(arg, &spec.command) {
            Some(flag) => draft.problem(flag_problem(&path, arg, &flag)),
            None => spec.command.push(arg.clone()),
        }
    }
    for (name, value) in settings.env() {
        let path = format!("{}.env.{name}", component.key);
        env(component, &path, name, value, spec, draft);
    }
}

/// `--collector.NAME` for each enabled collector, `--no-collector.NAME` for each disabled one.
fn collectors(manifest: &Manifest, spec: &mut ServiceSpec, draft: &mut Draft) {
    let Some(collectors) = manifest
        .components
        .node_exporter
        .as_ref()
        .and_then(|n| n.collectors.as_ref())
    else {
        return;
    };
    let key = "components.node_exporter.collectors";
    for (list, prefix, names) in [
        ("enable", "--collector.", &collectors.enable),
        ("disable", "--no-collector.", &collectors.disable),
    ] {
        for (index, name) in names.iter().enumerate() {
            let path = format!("{key}.{list}[{index}]");
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                draft.problem(
                    Diagnostic::new(&path, format!("`{name}` is not a node_exporter collector name"))
                        .hint("collector names are lower-case words such as `systemd`, `processes`, `wifi` (see `node_exporter --help`)"),
                );
            } else if list == "disable" && collectors.enable.contains(name) {
                draft.problem(
                    Diagnostic::new(
                        &path,
                        format!("collector `{name}` is both enabled and disabled"),
                    )
                    .hint(format!(
                        "keep `{name}` in one of `{key}.enable` and `{key}.disable`"
                    )),
                );
            } else {
                spec.command.push(format!("{prefix}{name}"));
            }
        }
    }
}

/// `components.grafana.settings`: `{section: {key: value}}` → `GF_SECTION_KEY=value`
/// (Grafana's environment override of grafana.ini; `.` and `-` become `_`).
fn grafana_settings(
    manifest: &Manifest,
    component: &Component,
    spec: &mut ServiceSpec,
    draft: &mut Draft,
) {
    let Some(grafana) = &manifest.components.grafana else {
        return;
    };
    for (section, keys) in &grafana.settings {
        for (key, value) in keys {
            let path = format!("{}.settings.{section}.{key}", component.key);
            let name = grafana_variable(section, key);
            env(component, &path, &name, value, spec, draft);
        }
    }
}

/// `GF_<SECTION>_<KEY>`, upper-cased, `.` and `-` replaced by `_`.
pub(crate) fn grafana_variable(section: &str, key: &str) -> String {
    format!("GF_{section}_{key}")
        .to_ascii_uppercase()
        .replace(['.', '-'], "_")
}

/// The flag name of `arg` (`--a.b=c` → `a.b`), if it is a flag.
fn flag_name(arg: &str) -> Option<&str> {
    let name = arg.strip_prefix('-')?.trim_start_matches('-');
    let name = name.split('=').next().unwrap_or(name);
    (!name.is_empty()).then_some(name)
}

/// Booleans read `--no-x` as `--x=false`: both are one flag.
fn base_flag(name: &str) -> &str {
    name.strip_prefix("no-").unwrap_or(name)
}

/// The flag of `arg` that stackctl's `command` already sets.
fn clash(arg: &str, command: &[String]) -> Option<String> {
    let name = flag_name(arg)?;
    if REPEATABLE.contains(&name) {
        return None;
    }
    command
        .iter()
        .filter_map(|c| flag_name(c))
        .find(|set| base_flag(set) == base_flag(name))
        .map(str::to_string)
}

fn flag_problem(path: &str, arg: &str, flag: &str) -> Diagnostic {
    let owner = FLAG_KEYS
        .iter()
        .find(|(prefix, _)| flag.starts_with(prefix))
        .map(|(_, key)| *key);
    let (message, hint) = match owner {
        Some(key) => (
            format!("`{arg}` sets a flag that `{key}` already sets"),
            format!("set it through `{key}` instead, and remove it from `args`"),
        ),
        None => (
            format!("`{arg}` sets a flag stackctl sets itself (`--{flag}`)"),
            "stackctl needs its own value for the stack to work; remove it from `args` (config changes go through the manifest or `extra_config`)".to_string(),
        ),
    };
    Diagnostic::new(path, message).hint(hint)
}

/// One `env` entry: plain, by file (Grafana `GF_*` from `${VAR}`), or refused.
fn env(
    component: &Component,
    path: &str,
    name: &str,
    value: &Secret,
    spec: &mut ServiceSpec,
    draft: &mut Draft,
) {
    let valid_name = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name {
        draft.problem(
            Diagnostic::new(
                path,
                format!("`{name}` is not an environment variable name"),
            )
            .hint("use letters, digits and `_`, not starting with a digit"),
        );
        return;
    }
    // An exporter's own variables carry what stackctl wires from its keys (`REDIS_ADDR` from
    // `target`, `*_FILE` secrets): a second value would silently replace that wiring.
    if matches!(component.kind, Kind::Exporter(_)) && spec.environment.contains_key(name) {
        let exporter = path.split(".env.").next().unwrap_or(path);
        draft.problem(
            Diagnostic::new(path, format!("`{name}` is set by stackctl from `{exporter}`"))
                .hint(format!("set it through `{exporter}`'s keys (`target`, `username`, `password`, `dsn`), and remove `{path}`")),
        );
        return;
    }
    let base = name.strip_suffix("__FILE").unwrap_or(name);
    // Repeating the value stackctl derives is harmless (`auth.anonymous: {enabled: false}`).
    let same = spec.environment.get(name).map(String::as_str) == Some(value.expose());
    let derived = GRAFANA_ENV_KEYS.iter().find(|(var, _)| *var == base);
    if let (Some((_, key)), Kind::Grafana, false) = (derived, &component.kind, same) {
        draft.problem(
            Diagnostic::new(path, format!("`{name}` is set from `{key}`"))
                .hint(format!("set `{key}` instead, and remove `{path}`")),
        );
        return;
    }
    if let Some(text) = draft.inline_literal(value) {
        spec.environment.insert(name.to_string(), text.to_string());
        return;
    }
    if component.kind == Kind::Grafana && name.starts_with("GF_") && !name.ends_with("__FILE") {
        let file = draft.add_secret(
            &component.service,
            &format!("env_{}", name.to_ascii_lowercase()),
            value,
            Some(GRAFANA_UID),
        );
        spec.environment.remove(name);
        spec.environment.insert(format!("{name}__FILE"), file);
        return;
    }
    draft.problem(
        Diagnostic::new(
            path,
            format!("`{path}` comes from a `${{VAR}}` reference, but {} cannot read it from a file", component.service),
        )
        .hint("the environment is visible to anyone who can `docker inspect` the container; pass secrets through the settings stackctl reads by file (e.g. `password` keys), or set a non-secret value"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::{find, specs_with};
    use super::*;

    const MANIFEST: &str = r#"
version: 1
project: shop
components:
  prometheus: {args: ["--web.page-title=Shop", "--enable-feature=native-histograms"], env: {TZ: UTC}}
  grafana:
    admin_password: pw
    settings: {users: {allow_sign_up: true}, auth.anonymous: {enabled: false}, smtp: {password: TOKEN-1}}
    env: {TZ: UTC, GF_DATABASE_PASSWORD: TOKEN-2}
  node_exporter:
    collectors: {enable: [systemd, processes], disable: [wifi]}
    args: ["--collector.filesystem.mount-points-exclude=^/(sys|proc|dev)($|/)"]
"#;

    fn problems_of(yaml: &str, secrets: &[&str]) -> Vec<(String, String)> {
        let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        let (_, draft) = specs_with(yaml, |draft| *draft = Draft::new(&secrets));
        draft
            .problems
            .iter()
            .map(|p| (p.path.clone(), p.message.clone()))
            .collect()
    }

    #[test]
    fn args_env_collectors_and_grafana_settings_reach_the_containers() {
        let secrets = ["TOKEN-1".to_string(), "TOKEN-2".to_string()];
        let (specs, draft) = specs_with(MANIFEST, |draft| *draft = Draft::new(&secrets));
        assert!(draft.problems.is_empty(), "{:?}", draft.problems);
        let prometheus = find(&specs, "prometheus");
        assert!(prometheus.command.ends_with(&[
            "--web.page-title=Shop".to_string(),
            "--enable-feature=native-histograms".to_string()
        ]));
        assert_eq!(prometheus.environment["TZ"], "UTC");
        let node = find(&specs, "node-exporter");
        assert_eq!(
            node.command[1..],
            [
                "--collector.systemd",
                "--collector.processes",
                "--no-collector.wifi",
                "--collector.filesystem.mount-points-exclude=^/(sys|proc|dev)($|/)",
            ]
        );
        let grafana = find(&specs, "grafana");
        let env = &grafana.environment;
        assert_eq!(
            env["GF_USERS_ALLOW_SIGN_UP"], "true",
            "a stackctl default yields"
        );
        assert_eq!(env["GF_AUTH_ANONYMOUS_ENABLED"], "false");
        assert_eq!(env["TZ"], "UTC");
        assert_eq!(
            env["GF_SMTP_PASSWORD__FILE"],
            "/run/secrets/env_gf_smtp_password"
        );
        assert_eq!(
            env["GF_DATABASE_PASSWORD__FILE"],
            "/run/secrets/env_gf_database_password"
        );
        assert!(!env.values().any(|v| v.contains("TOKEN")), "{env:?}");
        assert_eq!(
            draft
                .file("secrets/grafana/env_gf_smtp_password")
                .map(|f| f.contents.expose()),
            Some("TOKEN-1")
        );
        assert!(grafana
            .secrets
            .iter()
            .any(|s| s.name == "env_gf_database_password"));
    }

    #[test]
    fn refuses_what_would_fight_stackctl_or_leak_a_secret() {
        let cases = [
            (
                "components: {prometheus: {version: 3.5.5, retention: {time: 30d}, args: ['--storage.tsdb.retention.time=60d']}}",
                "components.prometheus.args[0]",
                "`--storage.tsdb.retention.time=60d` sets a flag that `components.prometheus.retention` already sets",
            ),
            (
                "components: {loki: {args: ['-config.file=/etc/loki/other.yaml']}}",
                "components.loki.args[0]",
                "`-config.file=/etc/loki/other.yaml` sets a flag stackctl sets itself (`--config.file`)",
            ),
            (
                "components: {node_exporter: {collectors: {enable: [systemd]}, args: ['--no-collector.systemd']}}",
                "components.node_exporter.args[0]",
                "`components.node_exporter.collectors` already sets",
            ),
            (
                "components: {node_exporter: {collectors: {enable: [wifi], disable: [wifi]}}}",
                "components.node_exporter.collectors.disable[0]",
                "collector `wifi` is both enabled and disabled",
            ),
            (
                "components: {node_exporter: {collectors: {enable: ['--systemd']}}}",
                "components.node_exporter.collectors.enable[0]",
                "`--systemd` is not a node_exporter collector name",
            ),
            (
                "components: {prometheus: {env: {API_KEY: TOKEN-1}}}",
                "components.prometheus.env.API_KEY",
                "comes from a `${VAR}` reference, but prometheus cannot read it from a file",
            ),
            (
                "components: {grafana: {admin_password: pw, env: {GF_SECURITY_ADMIN_PASSWORD: x}}}",
                "components.grafana.env.GF_SECURITY_ADMIN_PASSWORD",
                "`GF_SECURITY_ADMIN_PASSWORD` is set from `components.grafana.admin_password`",
            ),
            (
                "components: {grafana: {admin_password: pw, settings: {auth.anonymous: {enabled: true}}}}",
                "components.grafana.settings.auth.anonymous.enabled",
                "`GF_AUTH_ANONYMOUS_ENABLED` is set from `components.grafana.anonymous`",
            ),
            (
                "components: {pushgateway: {env: {'1BAD': x}}}",
                "components.pushgateway.env.1BAD",
                "not an environment variable name",
            ),
        ];
        for (components, path, message) in cases {
            let yaml = format!("version: 1\nproject: t\n{components}\n");
            let found = problems_of(&yaml, &["TOKEN-1"]);
            assert!(
                found.iter().any(|(p, m)| p == path && m.contains(message)),
                "{components}\nexpected {path}: {message}\nfound {found:#?}"
            );
        }
    }

    #[test]
    fn grafana_settings_become_gf_variables() {
        for (section, key, want) in [
            ("users", "allow_sign_up", "GF_USERS_ALLOW_SIGN_UP"),
            ("auth.anonymous", "enabled", "GF_AUTH_ANONYMOUS_ENABLED"),
            ("feature_toggles", "enable", "GF_FEATURE_TOGGLES_ENABLE"),
            (
                "auth.generic_oauth",
                "client-id",
                "GF_AUTH_GENERIC_OAUTH_CLIENT_ID",
            ),
        ] {
            assert_eq!(grafana_variable(section, key), want);
        }
    }

    #[test]
    fn flags_clash_by_name_ignoring_values_dashes_and_negation() {
        let command: Vec<String> = [
            "--config.file=/etc/x.yml",
            "-config.expand-env",
            "--enable-feature=exemplar-storage",
            "--collector.systemd",
        ]
        .map(String::from)
        .to_vec();
        let cases = [
            ("--config.file=/other.yml", Some("config.file")),
            ("--config.expand-env=true", Some("config.expand-env")),
            ("--enable-feature=native-histograms", None),
            ("--no-collector.systemd", Some("collector.systemd")),
            ("--web.page-title=Shop", None),
            ("plain", None),
        ];
        for (arg, want) in cases {
            assert_eq!(clash(arg, &command).as_deref(), want, "{arg}");
        }
    }

    #[test]
    fn a_clash_names_the_manifest_key_that_sets_the_flag() {
        let problem = flag_problem(
            "components.prometheus.args[0]",
            "--storage.tsdb.retention.time=30d",
            "storage.tsdb.retention.time",
        );
        assert_eq!(
            problem.message,
            "`--storage.tsdb.retention.time=30d` sets a flag that `components.prometheus.retention` already sets"
        );
        let problem = flag_problem("p", "--config.file=x", "config.file");
        assert!(problem.message.contains("stackctl sets itself"));
    }
}
