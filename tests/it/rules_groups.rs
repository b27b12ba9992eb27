//! `alerts.groups` with shorthand, `alerts.files` and `alerts.tests`: rendered for Prometheus
//! 2.42 and 3.x, judged by promtool.

use crate::rules_common;

use std::path::Path;

use rules_common::*;

const GROUPS: &str = r#"
version: 1
project: shop
components:
  prometheus: {version: "PROM_VERSION"}
alerts:
  presets: none
  groups:
    - name: shop
      interval: 30s
      limit: 10
      labels: {tier: backend}
      rules:
        - alert: ApiDown
          expr: up{job="api"} == 0
          for: 1m
          keep_firing_for: 2m
          severity: critical
          labels: {team: payments}
          summary: API is down
          description: "{{ $labels.instance }} has been down for more than 1 minute: {{ $value }}"
          runbook: https://wiki.example.com/runbooks/api-down
        - record: job:http_requests:rate5m
          expr: sum by (job) (rate(http_requests_total[5m]))
  files: [legacy.yaml]
  tests: [tests.yml]
"#;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rules"))
}

fn groups_manifest(version: &str) -> String {
    GROUPS.replace("PROM_VERSION", version)
}

#[test]
fn groups_files_and_user_tests_pass_promtool_on_both_release_lines() {
    let Some(promtool) = promtool() else { return };
    for version in ["2.42.0", "3.14.0"] {
        let draft = render_rules(&groups_manifest(version), fixtures());
        assert!(draft.problems.is_empty(), "{:?}", draft.problems);
        let out = tempfile::tempdir().unwrap();
        let (rules, tests) = write_tree(&draft, out.path());
        assert_eq!(rules.len(), 2, "groups.yml and legacy.yml");
        assert_eq!(tests.len(), 1);
        if version == "2.42.0" {
            // promtool 2.42 rejects group labels, so this run proves they were folded in.
            promtool_ok(&promtool, &["check", "rules"], &rules);
            promtool_ok(&promtool, &["test", "rules"], &tests);
        }
    }
}

#[test]
fn group_labels_are_kept_on_the_group_for_prometheus_3() {
    let draft = render_rules(&groups_manifest("3.14.0"), fixtures());
    let text = draft
        .file("prometheus/rules/groups.yml")
        .unwrap()
        .contents
        .expose();
    let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    assert_eq!(doc["groups"][0]["labels"]["tier"], "backend");
    assert!(doc["groups"][0]["rules"][0]["labels"].get("tier").is_none());
    let old = render_rules(&groups_manifest("2.42.0"), fixtures());
    let doc: serde_yaml::Value = serde_yaml::from_str(
        old.file("prometheus/rules/groups.yml")
            .unwrap()
            .contents
            .expose(),
    )
    .unwrap();
    assert!(doc["groups"][0].get("labels").is_none());
    assert_eq!(doc["groups"][0]["rules"][0]["labels"]["tier"], "backend");
}

#[test]
fn copied_rule_file_is_byte_for_byte_and_renamed_to_yml() {
    let draft = render_rules(&groups_manifest("3.14.0"), fixtures());
    let copy = draft
        .file("prometheus/rules/legacy.yml")
        .unwrap()
        .contents
        .expose();
    assert_eq!(
        copy,
        &std::fs::read_to_string(fixtures().join("legacy.yaml")).unwrap()
    );
    let test = draft
        .file("prometheus/tests/tests.yml")
        .unwrap()
        .contents
        .expose();
    assert!(
        test.contains("../rules/legacy.yml") && test.contains("../rules/groups.yml"),
        "{test}"
    );
}

#[test]
fn missing_or_broken_rule_files_are_problems_at_their_key() {
    let cases = [
        (
            "files: [nope.yml]",
            "alerts.files[0]",
            "cannot read `nope.yml`",
        ),
        (
            "files: [legacy.yaml, broken.yml]",
            "alerts.files[1]",
            "is not a Prometheus rule file",
        ),
        ("files: ['*.nothing']", "alerts.files[0]", "matches no file"),
        (
            "tests: [nope.yml]",
            "alerts.tests[0]",
            "cannot read `nope.yml`",
        ),
        (
            "tests: [tests.yml]",
            "alerts.tests[0]",
            "`legacy.yaml`, which is neither",
        ),
    ];
    for (alerts, path, message) in cases {
        let yaml = format!("{{version: 1, project: p, components: {{prometheus: {{}}}}, alerts: {{presets: none, {alerts}}}}}");
        let draft = render_rules(&yaml, fixtures());
        assert_eq!(draft.problems.len(), 1, "{alerts}: {:?}", draft.problems);
        assert_eq!(draft.problems[0].path, path, "{alerts}");
        assert!(
            draft.problems[0].message.contains(message),
            "{alerts}: {}",
            draft.problems[0].message
        );
        assert!(draft.problems[0].hint.is_some());
    }
}
