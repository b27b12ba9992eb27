//! Every preset renders rules promtool accepts, and its unit tests prove each alert fires on a
//! failing series and stays quiet on a healthy one — for the pinned release and for 2.42.

use crate::rules_common;

use rules_common::*;
use stackctl::render::{presets, Templates};

fn full_stack(version: &str) -> String {
    EVERY_PRESET.replace(
        "prometheus: {}",
        &format!("prometheus: {{version: \"{version}\"}}"),
    )
}

#[test]
fn every_preset_passes_promtool_check_and_its_own_unit_tests() {
    let Some(promtool) = promtool() else { return };
    for version in ["2.42.0", "3.14.0"] {
        let out = tempfile::tempdir().unwrap();
        let draft = render_rules(&full_stack(version), out.path());
        assert!(draft.problems.is_empty(), "{:?}", draft.problems);
        let (rules, tests) = write_tree(&draft, out.path());
        assert_eq!(
            rules.len(),
            presets::PRESETS.len(),
            "one rule file per preset"
        );
        assert_eq!(
            tests.len(),
            presets::PRESETS.len(),
            "one test file per preset"
        );
        promtool_ok(&promtool, &["check", "rules"], &rules);
        promtool_ok(&promtool, &["test", "rules"], &tests);
    }
}

#[test]
fn preset_tests_still_pass_with_every_threshold_at_its_bounds() {
    let Some(promtool) = promtool() else { return };
    let knobs = presets::knob_table(&Templates::embedded()).unwrap();
    let at_min: Vec<String> = knobs
        .iter()
        .map(|(k, v)| format!("    {k}: {}", v.min.unwrap()))
        .collect();
    let at_max: Vec<String> = knobs
        .iter()
        .map(|(k, v)| format!("    {k}: {}", v.max.unwrap()))
        .collect();
    for thresholds in [at_min, at_max] {
        let yaml = format!(
            "{}alerts:\n  thresholds:\n{}\n",
            full_stack("2.42.0"),
            thresholds.join("\n")
        );
        let out = tempfile::tempdir().unwrap();
        let draft = render_rules(&yaml, out.path());
        assert!(draft.problems.is_empty(), "{:?}", draft.problems);
        let (_, tests) = write_tree(&draft, out.path());
        assert_eq!(tests.len(), presets::PRESETS.len());
        promtool_ok(&promtool, &["test", "rules"], &tests);
    }
}

#[test]
fn every_preset_alert_has_a_unit_test() {
    let out = tempfile::tempdir().unwrap();
    let draft = render_rules(&full_stack("3.14.0"), out.path());
    for (path, file) in draft.files() {
        let Some(name) = path.strip_prefix("prometheus/rules/preset-") else {
            continue;
        };
        let tests = draft
            .file(&format!("prometheus/tests/preset-{name}"))
            .unwrap_or_else(|| panic!("no tests for {path}"));
        let doc: serde_yaml::Value = serde_yaml::from_str(file.contents.expose()).unwrap();
        for group in doc["groups"].as_sequence().unwrap() {
            for rule in group["rules"].as_sequence().unwrap() {
                let Some(alert) = rule["alert"].as_str() else {
                    continue;
                };
                assert!(
                    tests
                        .contents
                        .expose()
                        .contains(&format!("alertname: \"{alert}\"")),
                    "{alert} in {path} has no unit test"
                );
                let severity = rule["labels"]["severity"].as_str().unwrap_or_default();
                assert!(
                    ["critical", "warning", "info"].contains(&severity),
                    "{alert}: severity `{severity}`"
                );
                assert!(
                    rule["annotations"]["summary"].is_string(),
                    "{alert}: no summary"
                );
                assert!(
                    rule["annotations"]["description"].is_string(),
                    "{alert}: no description"
                );
            }
        }
    }
}

#[test]
fn overrides_retune_a_preset_alert_and_promtool_still_passes() {
    let yaml = format!(
        "{}alerts:\n  overrides:\n    TargetDown: {{for: 7m, severity: warning, labels: {{team: ops}}}}\n",
        full_stack("3.14.0")
    );
    let out = tempfile::tempdir().unwrap();
    let draft = render_rules(&yaml, out.path());
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    let text = &draft
        .file("prometheus/rules/preset-stack.yml")
        .expect("stack preset")
        .contents
        .expose();
    let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    let rule = doc["groups"]
        .as_sequence()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_sequence().into_iter().flatten())
        .find(|r| r["alert"] == "TargetDown")
        .expect("TargetDown rendered");
    assert_eq!(rule["for"], "7m");
    assert_eq!(rule["labels"]["severity"], "warning");
    assert_eq!(rule["labels"]["team"], "ops");
    let Some(promtool) = promtool() else { return };
    let (rules, tests) = write_tree(&draft, out.path());
    promtool_ok(&promtool, &["check", "rules"], &rules);
    promtool_ok(&promtool, &["test", "rules"], &tests);
}
