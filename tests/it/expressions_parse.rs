//! Every expression stackctl writes parses in-process (`stackctl::expr`), without promtool:
//! each preset's rules at default thresholds and at every knob's bounds, and every rule file
//! and dashboard query rendered from the `ok` fixtures (generated and user dashboards).

use crate::logs_fixtures;
use crate::rules_common;

use rules_common::{render_rules, EVERY_PRESET};
use stackctl::expr::{dashboard, rule_file};
use stackctl::render::{presets, Templates};

/// Every rule file of `files` (path → text) whose expressions or templates do not parse.
fn broken_rules<'a>(files: impl Iterator<Item = (&'a String, &'a str)>) -> Vec<String> {
    let mut broken = Vec::new();
    for (path, text) in files.filter(|(p, _)| p.starts_with("prometheus/rules/")) {
        for problem in rule_file::check(text) {
            broken.push(format!(
                "{path}:{}:{}: {} ({})",
                problem.line, problem.column, problem.error.message, problem.error.hint
            ));
        }
    }
    broken
}

#[test]
fn every_preset_expression_parses_at_default_and_bound_thresholds() {
    let knobs = presets::knob_table(&Templates::embedded()).unwrap();
    let bound = |pick: fn(&presets::Knob) -> Option<f64>| -> String {
        let lines: Vec<String> = knobs
            .iter()
            .filter_map(|(name, knob)| pick(knob).map(|v| format!("    {name}: {v}")))
            .collect();
        format!("alerts:\n  thresholds:\n{}\n", lines.join("\n"))
    };
    for extra in [String::new(), bound(|k| k.min), bound(|k| k.max)] {
        let out = tempfile::tempdir().unwrap();
        let draft = render_rules(&format!("{EVERY_PRESET}{extra}"), out.path());
        assert!(draft.problems.is_empty(), "{:?}", draft.problems);
        let files: Vec<(String, String)> = draft
            .files()
            .iter()
            .map(|(p, f)| (p.to_string(), f.contents.expose().to_string()))
            .collect();
        let rule_files = files
            .iter()
            .filter(|(p, _)| p.starts_with("prometheus/rules/preset-"))
            .count();
        assert_eq!(
            rule_files,
            presets::PRESETS.len(),
            "one rule file per preset"
        );
        let broken = broken_rules(files.iter().map(|(p, t)| (p, t.as_str())));
        assert!(
            broken.is_empty(),
            "with thresholds {extra:?}:\n{}",
            broken.join("\n")
        );
    }
}

#[test]
fn every_rendered_rule_and_dashboard_query_of_the_fixtures_parses() {
    let rendered = logs_fixtures::render_all();
    assert!(!rendered.is_empty(), "no fixture rendered");
    let mut dashboards = 0;
    for fixture in rendered {
        let files = &fixture.rendered.files;
        let broken = broken_rules(files.iter().map(|(p, f)| (p, f.contents.expose())));
        assert!(
            broken.is_empty(),
            "fixture `{}`:\n{}",
            fixture.name,
            broken.join("\n")
        );
        for (path, file) in files
            .iter()
            .filter(|(p, _)| p.starts_with("grafana/dashboards/"))
        {
            let json: serde_json::Value = serde_json::from_str(file.contents.expose()).unwrap();
            let problems = dashboard::check(&json);
            assert!(
                problems.is_empty(),
                "fixture `{}`, {path}: {problems:#?}",
                fixture.name
            );
            dashboards += 1;
        }
    }
    assert!(dashboards > 0, "no dashboard was checked");
}
