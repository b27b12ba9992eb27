//! Cross-file checks through the whole render: what the rule files emit decides which
//! severity routes are accepted.

use crate::alertmanager_support;
use crate::common;

use alertmanager_support::{problem_paths, render_ok, try_render};

const STACK: &str = r#"
version: 1
project: t
components: {prometheus: {}, alertmanager: {}}
alerts:
  presets: none
  groups:
    - name: app
      rules:
        - {alert: ApiDown, expr: up == 0, for: 1m, severity: critical, summary: API is down}
notify:
  default: chat
  receivers:
    chat: {webhook: {url: "http://bot:5001/chat"}}
    pager: {webhook: {url: "http://bot:5001/pager"}}
  routes:
    - {match: {severity: SEVERITY}, receiver: pager}
"#;

/// Whether the `rules` step (another helper's) renders rule files yet; skips visibly if not.
fn rules_rendered() -> bool {
    let without_notify = &STACK[..STACK.find("notify:").expect("STACK has notify")];
    let rendered = render_ok(without_notify, &[]);
    if rendered
        .files
        .keys()
        .any(|p| p.starts_with("prometheus/rules/"))
    {
        return true;
    }
    common::skip::<()>("the rules step to render `prometheus/rules/*.yml`");
    false
}

#[test]
fn a_route_matching_a_severity_that_rules_emit_is_accepted() {
    if rules_rendered() {
        render_ok(&STACK.replace("SEVERITY", "critical"), &[]);
    }
}

#[test]
fn a_route_matching_a_severity_no_rule_emits_is_reported_at_its_match_key() {
    if !rules_rendered() {
        return;
    }
    let problems = problem_paths(&STACK.replace("SEVERITY", "page"), &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "notify.routes[0].match.severity");
    assert!(
        problems[0].1.contains("`severity: page`"),
        "{}",
        problems[0].1
    );
    assert!(
        problems[0].1.contains("critical"),
        "the hint lists what rules emit: {}",
        problems[0].1
    );
}

#[test]
fn severity_routes_without_any_alerting_rule_only_warn() {
    let manifest = STACK.replace("SEVERITY", "page").replace(
        "  groups:\n    - name: app\n      rules:\n        - {alert: ApiDown, expr: up == 0, for: 1m, severity: critical, summary: API is down}\n",
        "",
    );
    let stack = render_ok(&manifest, &[]);
    assert!(
        stack
            .warnings
            .iter()
            .any(|w| w.contains("no alerting rule")),
        "{:?}",
        stack.warnings
    );
}

#[test]
fn the_severity_problem_points_at_the_manifest_line() {
    if !rules_rendered() {
        return;
    }
    let Err(problems) = try_render(&STACK.replace("SEVERITY", "page"), &[]) else {
        panic!("a route on an unknown severity must not render");
    };
    let location = problems[0].location.expect("located by key path");
    assert_eq!(
        (location.line, location.column),
        (17, 26),
        "`page` in `- {{match: {{severity: page}}, …}}`"
    );
}

#[test]
fn a_user_dashboard_on_a_datasource_that_is_not_provisioned_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("dashboards")).expect("mkdir");
    let dashboard = r#"{"uid": "mine", "title": "Mine", "schemaVersion": 39, "panels": [
        {"id": 1, "type": "timeseries", "title": "Latency", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
         "datasource": {"type": "tempo", "uid": "tempo"}, "targets": [{"refId": "A", "datasource": {"uid": "tempo"}}]}]}"#;
    std::fs::write(dir.path().join("dashboards/mine.json"), dashboard).expect("write");
    let manifest = "version: 1\nproject: t\ncomponents: {prometheus: {}, grafana: {admin_password: \"${GF_PW}\"}}\ndashboards:\n  files: [dashboards/*.json]\n";
    let env = |name: &str| (name == "GF_PW").then(|| "a-long-password-1".to_string());
    let loaded = stackctl::manifest::load_str(&dir.path().join("stackctl.yaml"), manifest, &env)
        .expect("manifest loads");
    let result = stackctl::render::render(&loaded, &stackctl::render::Templates::embedded());
    let Err(stackctl::render::RenderError::Invalid(error)) = result else {
        panic!("a dashboard on an unprovisioned datasource must not render");
    };
    assert_eq!(error.problems.len(), 1, "{error}");
    assert_eq!(error.problems[0].path, "dashboards.files");
    assert!(error.problems[0].message.contains("uid `tempo`"), "{error}");
    assert!(
        error.problems[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("prometheus"),
        "{error}"
    );
}

#[test]
fn the_stacks_log_shippers_push_to_its_loki() {
    let stack = render_ok(
        "{version: 1, project: t, components: {loki: {}, alloy: {}, promtail: {}}}",
        &[],
    );
    assert!(
        stack.files.contains_key("alloy/config.alloy")
            && stack.files.contains_key("promtail/promtail.yaml")
    );
}
