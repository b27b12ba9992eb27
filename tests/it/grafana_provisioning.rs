//! Grafana provisioning of every fixture: fixed datasource uids, exactly one default, links
//! between datasources, `$$`-escaped macros, the admin password only as a secret file, and an
//! environment without deprecated or conflicting variables (reference/config-formats.md §6.7).

use crate::logs_fixtures;

use logs_fixtures::render_all;
use serde_yaml::Value;
use stackctl::render::{grafana, FileMode, Kind, Templates};

const DATASOURCES: &str = "grafana/provisioning/datasources/stackctl.yaml";
const PROVIDER: &str = "grafana/provisioning/dashboards/stackctl.yaml";

fn datasources(doc: &Value) -> Vec<&Value> {
    doc["datasources"]
        .as_sequence()
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

#[test]
fn each_component_gets_its_datasource_and_prometheus_is_the_only_default() {
    for fixture in render_all() {
        let Some(doc) = fixture.yaml(DATASOURCES) else {
            assert!(
                fixture.loaded.manifest.components.grafana.is_none(),
                "{}",
                fixture.name
            );
            continue;
        };
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        let uids: Vec<&str> = datasources(&doc)
            .iter()
            .filter_map(|d| d["uid"].as_str())
            .collect();
        let mut want = Vec::new();
        for (kind, uid) in [
            (Kind::Prometheus, "prometheus"),
            (Kind::Loki, "loki"),
            (Kind::Jaeger, "jaeger"),
            (Kind::Alertmanager, "alertmanager"),
        ] {
            if let Some(component) = stack.get(&kind) {
                want.push(uid);
                let ds = datasources(&doc)
                    .into_iter()
                    .find(|d| d["uid"] == uid)
                    .expect("datasource");
                // Jaeger's UI (and its API) move under `components.jaeger.base_path`.
                let base_path = match kind {
                    Kind::Jaeger => fixture
                        .loaded
                        .manifest
                        .components
                        .jaeger
                        .as_ref()
                        .and_then(|j| j.base_path.clone())
                        .filter(|p| p != "/")
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                assert_eq!(
                    ds["url"],
                    Value::from(format!("{}{base_path}", component.internal_url())),
                    "{}: {uid} url",
                    fixture.name
                );
                assert_eq!(ds["access"], Value::from("proxy"), "{}", fixture.name);
            }
        }
        assert_eq!(uids, want, "{}", fixture.name);
        assert_eq!(grafana::datasource_uids(&stack), want, "{}", fixture.name);
        let defaults: Vec<&str> = datasources(&doc)
            .iter()
            .filter(|d| d["isDefault"] == true)
            .filter_map(|d| d["uid"].as_str())
            .collect();
        let want_defaults: Vec<&str> = if stack.has(&Kind::Prometheus) {
            vec!["prometheus"]
        } else {
            vec![]
        };
        assert_eq!(defaults, want_defaults, "{}", fixture.name);
    }
}

#[test]
fn datasources_link_traces_logs_and_exemplars() {
    let mut linked = 0;
    for fixture in render_all() {
        let Some(doc) = fixture.yaml(DATASOURCES) else {
            continue;
        };
        let text = fixture.file(DATASOURCES).unwrap_or_default();
        let find = |uid: &str| {
            datasources(&doc)
                .into_iter()
                .find(|d| d["uid"] == uid)
                .cloned()
        };
        let (prometheus, loki, jaeger) = (find("prometheus"), find("loki"), find("jaeger"));
        if let (Some(loki), Some(_)) = (&loki, &jaeger) {
            linked += 1;
            let field = &loki["jsonData"]["derivedFields"][0];
            assert_eq!(
                field["datasourceUid"],
                Value::from("jaeger"),
                "{}",
                fixture.name
            );
            assert_eq!(
                field["url"],
                Value::from("$${__value.raw}"),
                "{}",
                fixture.name
            );
        }
        if let (Some(jaeger), Some(_)) = (&jaeger, &loki) {
            assert_eq!(
                jaeger["jsonData"]["tracesToLogsV2"]["datasourceUid"],
                Value::from("loki"),
                "{}",
                fixture.name
            );
        }
        if let Some(jaeger) = &jaeger {
            assert!(
                jaeger["jsonData"].get("tracesToLogs").is_none(),
                "{}: v1 tracesToLogs",
                fixture.name
            );
        }
        if let (Some(prometheus), Some(_)) = (&prometheus, &jaeger) {
            let dest = &prometheus["jsonData"]["exemplarTraceIdDestinations"][0];
            assert_eq!(
                dest["datasourceUid"],
                Value::from("jaeger"),
                "{}",
                fixture.name
            );
        }
        if let Some(prometheus) = &prometheus {
            let component = fixture
                .loaded
                .manifest
                .components
                .prometheus
                .as_ref()
                .expect("prometheus");
            let interval = component
                .scrape_interval
                .as_ref()
                .map(|d| d.as_str().to_string())
                .unwrap_or("15s".into());
            assert_eq!(
                prometheus["jsonData"]["timeInterval"],
                Value::from(interval),
                "{}",
                fixture.name
            );
            assert!(prometheus["jsonData"]["prometheusVersion"]
                .as_str()
                .is_some_and(|v| v.split('.').count() == 3));
        }
        // Grafana expands `$VAR`/`${VAR}` in provisioning files: every `$` must be doubled.
        let bare_dollars = text.match_indices('$').filter(|(i, _)| {
            let before = text[..*i].ends_with('$');
            let after = text[i + 1..].starts_with('$');
            !before && !after
        });
        assert_eq!(
            bare_dollars.count(),
            0,
            "{}: unescaped `$` in datasources",
            fixture.name
        );
        assert!(!text.contains("access: direct"), "{}", fixture.name);
    }
    assert!(linked >= 1, "no fixture links Loki and Jaeger");
}

#[test]
fn dashboard_provider_points_at_the_mounted_directory() {
    for fixture in render_all() {
        let dashboards = fixture
            .rendered
            .files
            .keys()
            .any(|p| p.starts_with("grafana/dashboards/"));
        assert_eq!(
            fixture.file(PROVIDER).is_some(),
            dashboards,
            "{}: provider iff dashboards",
            fixture.name
        );
        let Some(doc) = fixture.yaml(PROVIDER) else {
            continue;
        };
        let provider = &doc["providers"][0];
        assert_eq!(
            provider["options"]["path"],
            Value::from("/var/lib/grafana/dashboards"),
            "{}",
            fixture.name
        );
        let manifest = &fixture.loaded.manifest;
        let folder = manifest
            .dashboards
            .folder
            .clone()
            .unwrap_or_else(|| manifest.project.clone());
        assert_eq!(provider["folder"], Value::from(folder), "{}", fixture.name);
        assert!(provider["options"]
            .get("foldersFromFilesStructure")
            .is_none());
    }
}

#[test]
fn admin_password_is_only_a_secret_file() {
    for fixture in render_all() {
        let Some(settings) = &fixture.loaded.manifest.components.grafana else {
            continue;
        };
        let password = settings
            .admin_password
            .as_ref()
            .expect("fixtures set a password");
        let secret = fixture
            .rendered
            .files
            .get("secrets/grafana/grafana_admin_password")
            .expect("secret file");
        assert_eq!(secret.mode(), FileMode::Secret, "{}", fixture.name);
        assert_eq!(
            secret.contents.expose(),
            password.expose(),
            "{}",
            fixture.name
        );
        for (path, file) in &fixture.rendered.files {
            if file.mode() == FileMode::Public {
                assert!(
                    !file.contents.expose().contains(password.expose()),
                    "{}: password in {path}",
                    fixture.name
                );
            }
        }
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        let env = grafana::environment(&stack);
        assert!(
            env.values().all(|v| v != password.expose()),
            "{}: password in the environment",
            fixture.name
        );
        assert_eq!(
            env.get("GF_SECURITY_ADMIN_PASSWORD__FILE")
                .map(String::as_str),
            Some("/run/secrets/grafana_admin_password")
        );
    }
}

#[test]
fn environment_has_no_deprecated_or_conflicting_variables() {
    for fixture in render_all() {
        let Some(settings) = &fixture.loaded.manifest.components.grafana else {
            continue;
        };
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        let env = grafana::environment(&stack);
        assert!(!env.contains_key("GF_INSTALL_PLUGINS"), "{}", fixture.name);
        for key in env.keys().filter_map(|k| k.strip_suffix("__FILE")) {
            assert!(
                !env.contains_key(key),
                "{}: both {key} and {key}__FILE",
                fixture.name
            );
        }
        let get = |k: &str| env.get(k).map(String::as_str);
        assert_eq!(get("GF_USERS_ALLOW_SIGN_UP"), Some("false"));
        assert_eq!(get("GF_ANALYTICS_REPORTING_ENABLED"), Some("false"));
        assert_eq!(
            get("GF_AUTH_ANONYMOUS_ENABLED"),
            Some(if settings.anonymous { "true" } else { "false" })
        );
        assert_eq!(
            get("GF_SECURITY_ADMIN_USER"),
            Some(settings.admin_user.as_deref().unwrap_or("admin"))
        );
        assert_eq!(get("GF_SERVER_ROOT_URL"), settings.root_url.as_deref());
        let plugins = (!settings.plugins.is_empty()).then(|| settings.plugins.join(","));
        assert_eq!(
            get("GF_PLUGINS_PREINSTALL"),
            plugins.as_deref(),
            "{}",
            fixture.name
        );
    }
}

#[test]
fn no_dashboard_provider_without_dashboards() {
    let source =
        "version: 1\nproject: t\ncomponents: {grafana: {admin_password: pw-12345678}, loki: {}}\n";
    let loaded =
        stackctl::manifest::load_str(std::path::Path::new("stackctl.yaml"), source, &|_| None)
            .expect("manifest loads");
    let rendered = stackctl::render::render(&loaded, &Templates::embedded()).expect("renders");
    assert!(rendered.files.contains_key(DATASOURCES));
    assert!(!rendered.files.contains_key(PROVIDER));
    assert!(!rendered
        .files
        .keys()
        .any(|p| p.starts_with("grafana/dashboards/")));
}
