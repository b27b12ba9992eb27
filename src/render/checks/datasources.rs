//! Every datasource uid a rendered dashboard uses must be provisioned, or Grafana shows
//! "Datasource … was not found" on every panel.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Files;
use crate::manifest::Diagnostic;

const DASHBOARDS_DIR: &str = "grafana/dashboards/";
const DATASOURCES_DIR: &str = "grafana/provisioning/datasources/";

/// Grafana's built-in datasources, which are never provisioned.
const BUILT_IN: &[&str] = &["grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --"];

/// The `uid`s of `datasources` in `grafana/provisioning/datasources/*.yaml`.
pub(crate) fn provisioned_uids(files: &Files) -> BTreeSet<String> {
    let mut uids = BTreeSet::new();
    for (path, file) in files
        .iter()
        .filter(|(p, _)| in_dir(p, DATASOURCES_DIR, &[".yaml", ".yml"]))
    {
        let _ = path;
        let Ok(doc) = serde_yaml::from_str::<serde_yaml::Value>(file.text().unwrap_or_default())
        else {
            continue;
        };
        for datasource in doc["datasources"].as_sequence().into_iter().flatten() {
            if let Some(uid) = datasource["uid"].as_str() {
                uids.insert(uid.to_string());
            }
        }
    }
    uids
}

/// One problem per dashboard and missing uid; `key` is the manifest key blamed (`dashboards`).
pub(crate) fn dashboard_datasource_problems(files: &Files, key: &str) -> Vec<Diagnostic> {
    let provisioned = provisioned_uids(files);
    let mut problems = Vec::new();
    for (path, file) in files
        .iter()
        .filter(|(p, _)| in_dir(p, DASHBOARDS_DIR, &[".json"]))
    {
        let Ok(dashboard) = serde_json::from_str::<Value>(file.text().unwrap_or_default()) else {
            continue;
        };
        let mut used = Vec::new();
        panel_uids(&dashboard["panels"], &mut used);
        let mut reported = BTreeSet::new();
        for (panel, uid) in used {
            if provisioned.contains(&uid) || is_exempt(&uid) || !reported.insert(uid.clone()) {
                continue;
            }
            let known: Vec<&str> = provisioned.iter().map(String::as_str).collect();
            let hint = if known.is_empty() {
                "no datasource is provisioned; add the component that serves it (prometheus, loki, jaeger)".to_string()
            } else {
                format!(
                    "provisioned datasource uids: {}; use one of them in the dashboard",
                    known.join(", ")
                )
            };
            problems.push(
                Diagnostic::new(
                    key,
                    format!("dashboard `{path}` (panel `{panel}`) uses datasource uid `{uid}`, which is not provisioned"),
                )
                .hint(hint),
            );
        }
    }
    problems
}

/// `(panel title, uid)` for each panel's and each target's `datasource.uid`, rows included.
fn panel_uids(panels: &Value, out: &mut Vec<(String, String)>) {
    for panel in panels.as_array().into_iter().flatten() {
        let title = panel["title"].as_str().unwrap_or("untitled").to_string();
        if let Some(uid) = panel["datasource"]["uid"].as_str() {
            out.push((title.clone(), uid.to_string()));
        }
        for target in panel["targets"].as_array().into_iter().flatten() {
            if let Some(uid) = target["datasource"]["uid"].as_str() {
                out.push((title.clone(), uid.to_string()));
            }
        }
        panel_uids(&panel["panels"], out);
    }
}

/// Built-in datasources and template variables (`$ds`, `${DS}`) are resolved by Grafana.
fn is_exempt(uid: &str) -> bool {
    BUILT_IN.contains(&uid) || uid.starts_with('$') || uid.contains("${")
}

fn in_dir(path: &str, dir: &str, extensions: &[&str]) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|name| !name.contains('/') && extensions.iter().any(|e| name.ends_with(e)))
}

#[cfg(test)]
mod tests {
    use super::super::test_files as files;
    use super::*;

    const DATASOURCES: &str = "apiVersion: 1\ndatasources: [{name: Prometheus, type: prometheus, uid: prometheus}, {name: Loki, type: loki, uid: loki}]";

    const DASHBOARD: &str = r#"{"uid": "d", "panels": [
        {"title": "Up", "datasource": {"type": "prometheus", "uid": "prometheus"},
         "targets": [{"refId": "A", "datasource": {"uid": "prometheus"}}]},
        {"title": "Row", "type": "row", "panels": [
            {"title": "Traces", "datasource": {"uid": "jaeger"}, "targets": [{"datasource": {"uid": "jaeger"}}]}]},
        {"title": "Mixed", "datasource": {"uid": "-- Mixed --"}, "targets": [
            {"datasource": {"uid": "${DS_PROMETHEUS}"}}, {"datasource": {"uid": "$loki"}}, {"datasource": {"uid": "grafana"}}]},
        {"title": "Tempo", "targets": [{"datasource": {"uid": "tempo"}}]}
    ]}"#;

    #[test]
    fn reads_provisioned_uids_from_every_datasource_file() {
        let files = files(&[
            (
                "grafana/provisioning/datasources/stackctl.yaml",
                DATASOURCES,
            ),
            (
                "grafana/provisioning/datasources/extra.yml",
                "datasources: [{name: J, uid: jaeger}]",
            ),
            (
                "grafana/provisioning/dashboards/stackctl.yaml",
                "providers: [{name: x, uid: not-a-datasource}]",
            ),
        ]);
        assert_eq!(
            provisioned_uids(&files),
            ["jaeger", "loki", "prometheus"].map(String::from).into()
        );
    }

    #[test]
    fn reports_each_missing_uid_once_per_dashboard_including_nested_rows() {
        let files = files(&[
            (
                "grafana/provisioning/datasources/stackctl.yaml",
                DATASOURCES,
            ),
            ("grafana/dashboards/d.json", DASHBOARD),
        ]);
        let problems = dashboard_datasource_problems(&files, "dashboards");
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("panel `Traces`") && messages[0].contains("`jaeger`"));
        assert!(messages[1].contains("panel `Tempo`") && messages[1].contains("`tempo`"));
        assert_eq!(problems[0].path, "dashboards");
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("provisioned datasource uids: loki, prometheus; use one of them in the dashboard")
        );
    }

    #[test]
    fn a_dashboard_using_only_provisioned_built_in_and_variable_uids_passes() {
        let ok = r#"{"panels": [{"title": "A", "datasource": {"uid": "loki"}, "targets": [{"datasource": {"uid": "$ds"}}]},
                     {"title": "B", "datasource": {"uid": "-- Grafana --"}}]}"#;
        let files = files(&[
            (
                "grafana/provisioning/datasources/stackctl.yaml",
                DATASOURCES,
            ),
            ("grafana/dashboards/ok.json", ok),
        ]);
        assert!(dashboard_datasource_problems(&files, "dashboards").is_empty());
    }
}
