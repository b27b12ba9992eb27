//! Every PromQL expression of every generated dashboard parses: the expressions become
//! recording rules that the real `promtool check rules` judges (Grafana's `$__rate_interval`
//! replaced by a literal range first).

use crate::common;
use crate::logs_fixtures;

use std::process::Command;

use logs_fixtures::render_all;

fn prometheus_exprs(dashboard: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            if target["datasource"]["type"] == "prometheus" {
                out.push(
                    target["expr"]
                        .as_str()
                        .expect("expr")
                        .replace("$__rate_interval", "5m"),
                );
            }
        }
    }
    out
}

#[test]
fn generated_promql_parses_with_promtool() {
    let Some(promtool) = common::require_tool("promtool") else {
        return;
    };
    let mut rules = Vec::new();
    for fixture in render_all() {
        for (path, file) in fixture
            .rendered
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("grafana/dashboards/stackctl-"))
        {
            let dashboard: serde_json::Value =
                serde_json::from_str(file.contents.expose()).expect("dashboard JSON");
            for expr in prometheus_exprs(&dashboard) {
                rules.push(serde_json::json!({"record": format!("stackctl:check_{}", rules.len()), "expr": expr, "labels": {"source": format!("{}:{path}", fixture.name)}}));
            }
        }
    }
    assert!(rules.len() > 50, "only {} expressions found", rules.len());
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("dashboards.yml");
    let doc = serde_json::json!({"groups": [{"name": "dashboards", "rules": rules}]});
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let output = Command::new(promtool)
        .arg("check")
        .arg("rules")
        .arg(&file)
        .output()
        .expect("promtool runs");
    assert!(
        output.status.success(),
        "promtool rejects a dashboard expression:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
