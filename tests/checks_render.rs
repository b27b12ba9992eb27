//! Cross-file checks through the whole render: what the rule files emit decides which
//! severity routes are accepted.

mod alertmanager_support;

use alertmanager_support::{problem_paths, render_ok};

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

#[test]
fn a_route_matching_a_severity_that_rules_emit_is_accepted() {
    let without_routes =
        STACK.replace("    - {match: {severity: SEVERITY}, receiver: pager}\n", "");
    let rendered = render_ok(&without_routes, &[]);
    if !rendered
        .files
        .keys()
        .any(|p| p.starts_with("prometheus/rules/"))
    {
        // The `rules` step is another helper's; until it renders rule files there is nothing to match.
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "the rules step rendered no rule file"
        );
        eprintln!("SKIP: the rules step renders no `prometheus/rules/*.yml` yet");
        return;
    }
    render_ok(&STACK.replace("SEVERITY", "critical"), &[]);
}

#[test]
fn a_route_matching_a_severity_no_rule_emits_is_reported_at_its_match_key() {
    let problems = problem_paths(&STACK.replace("SEVERITY", "page"), &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "notify.routes[0].match.severity");
    assert!(
        problems[0].1.contains("`severity: page`"),
        "{}",
        problems[0].1
    );
}
