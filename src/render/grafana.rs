//! Grafana provisioning: datasources linked to each other (`grafana/provisioning/datasources/`),
//! the dashboard provider (`grafana/provisioning/dashboards/`), the admin password as a secret
//! file, and the container's environment.
//!
//! Datasource uids are fixed (`prometheus`, `loki`, `jaeger`, `alertmanager`,
//! `victoriametrics`): dashboards refer to them. Emits `GF_INSTALL_PLUGINS` only for Grafana before 11.5, never an `X` beside its `X__FILE`, more than one default
//! datasource, or an unescaped `${...}` in provisioning YAML (reference/config-formats.md §6.7).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Draft, Kind, Stack};
use crate::catalog::gates;
use crate::manifest::Diagnostic;
use crate::version::Version;

pub(crate) const PROMETHEUS_UID: &str = "prometheus";
pub(crate) const LOKI_UID: &str = "loki";
pub(crate) const JAEGER_UID: &str = "jaeger";
pub(crate) const ALERTMANAGER_UID: &str = "alertmanager";
pub(crate) const VICTORIAMETRICS_UID: &str = super::victoriametrics::DATASOURCE_UID;
/// Where `rendered/grafana/dashboards` is mounted.
pub(crate) const DASHBOARDS_DIR: &str = "/var/lib/grafana/dashboards";
/// The Grafana image runs as this uid; the secret file is owned by it.
pub(crate) const GRAFANA_UID: u32 = 472;
pub(crate) const ADMIN_PASSWORD_SECRET: &str = "grafana_admin_password";
pub(crate) const DEFAULT_ADMIN_USER: &str = "admin";
const DEFAULT_SCRAPE_INTERVAL: &str = "15s";

/// One datasource this stack provisions.
#[derive(Debug, Serialize)]
struct Datasource {
    name: &'static str,
    kind: &'static str,
    uid: &'static str,
    url: String,
    is_default: bool,
    /// Basic auth for a program that requires it (`render::web_auth`): user and the path of
    /// the password file inside Grafana.
    basic_auth: Option<(&'static str, String)>,
    /// The stack's certificate inside Grafana, when the program serves HTTPS (`render::tls`).
    ca_file: Option<String>,
}

#[derive(Debug, Serialize)]
struct DatasourcesContext {
    prometheus: Option<Datasource>,
    prometheus_version: String,
    time_interval: String,
    loki: Option<Datasource>,
    jaeger: Option<Datasource>,
    alertmanager: Option<Datasource>,
    /// VictoriaMetrics answers the Prometheus query API: a Prometheus-type datasource.
    victoriametrics: Option<Datasource>,
}

/// The datasource uids this stack provisions (dashboards may only use these).
pub fn datasource_uids(stack: &Stack) -> Vec<&'static str> {
    [
        (Kind::Prometheus, PROMETHEUS_UID),
        (Kind::Loki, LOKI_UID),
        (Kind::Jaeger, JAEGER_UID),
        (Kind::Alertmanager, ALERTMANAGER_UID),
        (Kind::VictoriaMetrics, VICTORIAMETRICS_UID),
    ]
    .into_iter()
    .filter(|(kind, _)| stack.has(kind))
    .map(|(_, uid)| uid)
    .collect()
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let (Some(grafana), Some(settings)) = (
        stack.get(&Kind::Grafana),
        &stack.manifest.components.grafana,
    ) else {
        return Ok(());
    };
    match &settings.admin_password {
        Some(password) if !password.is_empty() => {
            draft.add_secret(&grafana.service, ADMIN_PASSWORD_SECRET, password, Some(GRAFANA_UID));
        }
        _ => draft.problem(
            Diagnostic::new(format!("{}.admin_password", grafana.key), "Grafana needs an admin password")
                .hint("set `admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"` and put the value in `.env` (`stackctl init` generates one)"),
        ),
    }
    for plugin in angular_plugins(&grafana.version, &settings.plugins) {
        draft.warn(format!(
            "`{}.plugins`: `{plugin}` is an AngularJS plugin, which Grafana {} no longer loads; its panels will show an error (use a React alternative, e.g. the built-in pie chart, or Grafana 11)",
            grafana.key, grafana.version
        ));
    }
    let text = stack.templates.render(
        "grafana/datasources.yaml.j2",
        datasources(stack, &grafana.service, draft),
    )?;
    draft.add_yaml("grafana/provisioning/datasources/stackctl.yaml", text)?;
    // Without dashboards the directory is not mounted, and a provider would log errors.
    if !super::dashboards::any(stack) {
        return Ok(());
    }
    let folder = provisioning_literal(
        stack
            .manifest
            .dashboards
            .folder
            .as_deref()
            .unwrap_or(&stack.manifest.project),
    );
    let text = stack.templates.render(
        "grafana/dashboards.yaml.j2",
        minijinja::context! { folder, path => DASHBOARDS_DIR },
    )?;
    draft.add_yaml("grafana/provisioning/dashboards/stackctl.yaml", text)
}

/// Grafana expands `$VAR` and `${VAR}` in every provisioning value; `$$` is a literal `$`.
fn provisioning_literal(value: &str) -> String {
    value.replace('$', "$$")
}

fn datasources(stack: &Stack, grafana: &str, draft: &mut Draft) -> DatasourcesContext {
    let mut source = |kind: Kind, name, ds_kind, uid| {
        let files = super::web_auth::client_files(stack, &kind, grafana, GRAFANA_UID, draft);
        let basic_auth = files
            .password_file
            .map(|file| (super::web_auth::USER, file));
        let ca_file = files.ca_file;
        stack.get(&kind).map(|c| Datasource {
            name,
            kind: ds_kind,
            uid,
            url: match ca_file {
                Some(_) => format!("https://{}", c.address()),
                None => c.internal_url(),
            },
            is_default: uid == PROMETHEUS_UID,
            basic_auth,
            ca_file,
        })
    };
    let prometheus = stack.manifest.components.prometheus.as_ref();
    DatasourcesContext {
        prometheus: source(Kind::Prometheus, "Prometheus", "prometheus", PROMETHEUS_UID),
        prometheus_version: stack
            .get(&Kind::Prometheus)
            .map(|c| c.version.to_string())
            .unwrap_or_default(),
        time_interval: prometheus
            .and_then(|p| p.scrape_interval.as_ref())
            .map(|d| d.as_str().to_string())
            .unwrap_or_else(|| DEFAULT_SCRAPE_INTERVAL.to_string()),
        loki: source(Kind::Loki, "Loki", "loki", LOKI_UID),
        jaeger: source(Kind::Jaeger, "Jaeger", "jaeger", JAEGER_UID).map(|mut jaeger| {
            jaeger.url.push_str(super::jaeger::base_path(stack));
            jaeger
        }),
        alertmanager: source(
            Kind::Alertmanager,
            "Alertmanager",
            "alertmanager",
            ALERTMANAGER_UID,
        ),
        victoriametrics: source(
            Kind::VictoriaMetrics,
            "VictoriaMetrics",
            "prometheus",
            VICTORIAMETRICS_UID,
        ),
    }
}

/// `GF_PLUGINS_PREINSTALL` from Grafana 11.5 on; older releases only read `GF_INSTALL_PLUGINS`.
fn plugins_variable(stack: &Stack) -> &'static str {
    let preinstall = stack
        .get(&Kind::Grafana)
        .is_none_or(|grafana| gates::GRAFANA_PLUGINS_PREINSTALL.holds(&grafana.version));
    if preinstall {
        "GF_PLUGINS_PREINSTALL"
    } else {
        "GF_INSTALL_PLUGINS"
    }
}

/// Plugins built on AngularJS, which the Grafana release no longer loads.
fn angular_plugins<'a>(version: &Version, plugins: &'a [String]) -> Vec<&'a str> {
    if !gates::GRAFANA_NO_ANGULAR.holds(version) {
        return Vec::new();
    }
    plugins
        .iter()
        .map(|plugin| plugin.split([' ', '@']).next().unwrap_or(plugin))
        .filter(|id| gates::ANGULAR_PLUGINS.contains(id))
        .collect()
}

/// Plain environment of the Grafana container (secrets only as `*__FILE` paths).
pub fn environment(stack: &Stack) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    let Some(settings) = &stack.manifest.components.grafana else {
        return env;
    };
    let mut set = |key: &str, value: String| {
        env.insert(key.to_string(), value);
    };
    set(
        "GF_SECURITY_ADMIN_USER",
        settings
            .admin_user
            .clone()
            .unwrap_or_else(|| DEFAULT_ADMIN_USER.to_string()),
    );
    if settings.admin_password.is_some() {
        set(
            "GF_SECURITY_ADMIN_PASSWORD__FILE",
            format!("{}/{ADMIN_PASSWORD_SECRET}", super::draft::SECRETS_DIR),
        );
    }
    set("GF_USERS_ALLOW_SIGN_UP", "false".to_string());
    set("GF_AUTH_ANONYMOUS_ENABLED", settings.anonymous.to_string());
    if settings.anonymous {
        set("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer".to_string());
    }
    if let Some(url) = &settings.root_url {
        set("GF_SERVER_ROOT_URL", url.clone());
    }
    if !settings.plugins.is_empty() {
        set(plugins_variable(stack), settings.plugins.join(","));
    }
    set("GF_ANALYTICS_REPORTING_ENABLED", "false".to_string());
    set("GF_ANALYTICS_CHECK_FOR_UPDATES", "false".to_string());
    set("GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", "false".to_string());
    env
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::manifest::Manifest;
    use crate::render::Templates;

    /// Grafana's part of the stack `yaml` renders, and its file `path` parsed.
    fn rendered(yaml: &str, path: &str) -> serde_yaml::Value {
        let manifest: Manifest = serde_yaml::from_str(yaml).unwrap();
        let templates = Templates::embedded();
        let stack = Stack::new(&manifest, Path::new("."), &templates);
        let mut draft = Draft::new(&[]);
        render(&stack, &mut draft).unwrap();
        let file = draft.file(path).expect(path);
        serde_yaml::from_str(file.contents.expose()).unwrap()
    }

    #[test]
    fn dollar_signs_in_provisioning_values_are_escaped_for_grafana() {
        let doc = rendered(
            "version: 1\nproject: t\ncomponents: {prometheus: {}, grafana: {admin_password: x}}\ndashboards: {folder: 'Ops $HOME ${GF_SECURITY_ADMIN_PASSWORD} $$'}\n",
            "grafana/provisioning/dashboards/stackctl.yaml",
        );
        assert_eq!(
            doc["providers"][0]["folder"].as_str(),
            Some("Ops $$HOME $${GF_SECURITY_ADMIN_PASSWORD} $$$$")
        );
    }

    fn grafana(
        version: &str,
        plugins: &str,
    ) -> (std::collections::BTreeMap<String, String>, Vec<String>) {
        let yaml = format!(
            "version: 1\nproject: p\ncomponents: {{grafana: {{version: '{version}', admin_password: x, plugins: [{plugins}]}}}}\n"
        );
        let manifest: Manifest = serde_yaml::from_str(&yaml).expect("test manifest parses");
        let templates = Templates::embedded();
        let stack = Stack::new(&manifest, Path::new("."), &templates);
        let mut draft = Draft::new(&[]);
        render(&stack, &mut draft).expect("grafana renders");
        (environment(&stack), draft.warnings)
    }

    #[test]
    fn plugins_go_to_the_variable_the_release_reads() {
        let cases = [
            ("10.1.0", "GF_INSTALL_PLUGINS"),
            ("11.4.9", "GF_INSTALL_PLUGINS"),
            ("11.5.0", "GF_PLUGINS_PREINSTALL"),
            ("13.2.3", "GF_PLUGINS_PREINSTALL"),
        ];
        for (version, variable) in cases {
            let (env, _) = grafana(version, "grafana-clock-panel");
            assert_eq!(
                env.get(variable).map(String::as_str),
                Some("grafana-clock-panel"),
                "{version}"
            );
            let other = if variable == "GF_INSTALL_PLUGINS" {
                "GF_PLUGINS_PREINSTALL"
            } else {
                "GF_INSTALL_PLUGINS"
            };
            assert!(!env.contains_key(other), "{version}: {env:?}");
        }
    }

    #[test]
    fn victoriametrics_is_a_prometheus_datasource_beside_the_default() {
        let doc = rendered(
            "version: 1\nproject: t\ncomponents: {prometheus: {}, victoriametrics: {}, grafana: {admin_password: x}}\n",
            "grafana/provisioning/datasources/stackctl.yaml",
        );
        let vm = doc["datasources"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|d| d["uid"].as_str() == Some("victoriametrics"))
            .expect("a VictoriaMetrics datasource");
        assert_eq!(vm["type"].as_str(), Some("prometheus"));
        assert_eq!(vm["url"].as_str(), Some("http://victoriametrics:8428"));
        assert_eq!(vm["isDefault"].as_bool(), Some(false));
        let manifest: Manifest = serde_yaml::from_str(
            "version: 1\nproject: t\ncomponents: {prometheus: {}, victoriametrics: {}, grafana: {admin_password: x}}\n",
        )
        .unwrap();
        let templates = Templates::embedded();
        let stack = Stack::new(&manifest, Path::new("."), &templates);
        assert!(datasource_uids(&stack).contains(&"victoriametrics"));
    }

    #[test]
    fn warns_about_angular_plugins_from_grafana_12() {
        let (_, warnings) = grafana("12.0.0", "grafana-piechart-panel, grafana-clock-panel");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("`grafana-piechart-panel` is an AngularJS plugin, which Grafana 12.0.0 no longer loads"), "{warnings:?}");
        let (_, warnings) = grafana("11.6.0", "grafana-piechart-panel");
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}
