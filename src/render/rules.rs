//! Prometheus rule files: the manifest's `alerts.groups` (shorthand expanded), and the rule-file
//! model that presets and SLOs render through (`templates/rules/rules.yml.j2`).
//!
//! Decides which keys the Prometheus release knows (group `labels` need 3.0); reads no files —
//! copying `alerts.files` / `alerts.tests` lives in `rules::user_files`.

mod model;
mod unit_tests;
mod user_files;

use std::collections::BTreeMap;

pub use model::{Group, RenderedRule, RuleFile};
pub use unit_tests::{
    AlertTest, ExpectedAlert, ExpectedSample, ExprTest, InputSeries, TestFile, UnitTest,
};

use super::{Draft, Kind, Stack};
use crate::manifest::{Diagnostic, Rule, RuleGroup};
use crate::version::Version;

/// Rendered rule files, relative to the output directory (mounted at `/etc/prometheus/rules`).
pub const RULES_DIR: &str = "prometheus/rules";
/// promtool unit tests, relative to the output directory (not mounted; run by `validate`).
pub const TESTS_DIR: &str = "prometheus/tests";
/// How a test file in `TESTS_DIR` names a rule file in `RULES_DIR` (promtool resolves
/// `rule_files` against the test file's own directory).
pub const RULES_FROM_TESTS: &str = "../rules";

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(prometheus) = stack.get(&Kind::Prometheus) else {
        let alerts = &stack.manifest.alerts;
        if !alerts.groups.is_empty() || !alerts.files.is_empty() || !stack.manifest.slos.is_empty()
        {
            draft.warn(
                "`alerts` and `slos` are ignored: no `components.prometheus` evaluates rules",
            );
        }
        return Ok(());
    };
    let version = prometheus.version;
    let groups = &stack.manifest.alerts.groups;
    if !groups.is_empty() {
        let (file, problems) = user_groups(groups, version);
        problems.into_iter().for_each(|p| draft.problem(p));
        write_rule_file(stack, draft, "groups", &file)?;
    }
    super::presets::render(stack, draft)?;
    super::slo::render(stack, draft)?;
    user_files::render(stack, draft)
}

/// `alerts.groups` as a rule file for `version`, with every problem found on the way.
pub fn user_groups(groups: &[RuleGroup], version: Version) -> (RuleFile, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let path = format!("alerts.groups[{g}]");
        if let Some(first) = seen.insert(group.name.clone(), g) {
            problems.push(
                Diagnostic::new(format!("{path}.name"), format!("rule group `{}` is declared twice", group.name))
                    .hint(format!("`alerts.groups[{first}]` has the same name; Prometheus needs unique group names in a file")),
            );
        }
        if let Some(interval) = group.interval.as_ref().filter(|d| !d.is_valid()) {
            problems.push(invalid_duration(
                &format!("{path}.interval"),
                interval.as_str(),
            ));
        }
        let rules = group
            .rules
            .iter()
            .enumerate()
            .filter_map(|(r, rule)| match expand(rule) {
                Ok(rendered) => Some(rendered),
                Err(found) => {
                    let rule_path = format!("{path}.rules[{r}]");
                    problems.extend(found.into_iter().map(|(key, d)| d.at(&rule_path, key)));
                    None
                }
            })
            .collect();
        out.push(Group {
            name: group.name.clone(),
            interval: group.interval.as_ref().map(|d| d.as_str().to_string()),
            limit: group.limit,
            labels: group.labels.clone(),
            rules,
        });
    }
    (fit_to_release(RuleFile { groups: out }, version), problems)
}

/// A problem inside one rule, addressed by the key it concerns (`""` for the rule itself).
pub struct RuleProblem {
    message: String,
    hint: String,
}

impl RuleProblem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }

    fn at(self, rule_path: &str, key: &str) -> Diagnostic {
        let path = if key.is_empty() {
            rule_path.to_string()
        } else {
            format!("{rule_path}.{key}")
        };
        Diagnostic::new(path, self.message).hint(self.hint)
    }
}

/// One manifest rule as Prometheus reads it: `severity` → `labels.severity`, `summary` /
/// `description` → annotations, `runbook` → `annotations.runbook_url`.
pub fn expand(rule: &Rule) -> Result<RenderedRule, Vec<(&'static str, RuleProblem)>> {
    let mut problems = Vec::new();
    match (&rule.alert, &rule.record) {
        (Some(_), Some(_)) => problems.push(("", RuleProblem::new(
            "a rule has both `alert` and `record`",
            "a rule either records a series (`record`) or raises an alert (`alert`); split it in two",
        ))),
        (None, None) => problems.push(("", RuleProblem::new(
            "a rule needs `alert` or `record`",
            "add `alert: SomeName` to raise an alert, or `record: level:metric:operation` to record a series",
        ))),
        _ => {}
    }
    if rule.expr.trim().is_empty() {
        problems.push((
            "expr",
            RuleProblem::new("`expr` is empty", "give the PromQL expression to evaluate"),
        ));
    }
    for (key, value) in [
        ("for", &rule.for_),
        ("keep_firing_for", &rule.keep_firing_for),
    ] {
        if let Some(d) = value.as_ref().filter(|d| !d.is_valid()) {
            problems.push((
                key,
                RuleProblem::new(
                    format!("`{}` is not a Prometheus duration", d.as_str()),
                    "write durations like `30s`, `5m`, `1h30m`",
                ),
            ));
        }
    }
    let mut labels = rule.labels.clone();
    let mut annotations = rule.annotations.clone();
    let shorthands: [(&'static str, &Option<String>, &'static str, bool); 4] = [
        ("severity", &rule.severity, "severity", true),
        ("summary", &rule.summary, "summary", false),
        ("description", &rule.description, "description", false),
        ("runbook", &rule.runbook, "runbook_url", false),
    ];
    for (key, value, target, is_label) in shorthands {
        let Some(value) = value else { continue };
        let map = if is_label {
            &mut labels
        } else {
            &mut annotations
        };
        match map.insert(target.to_string(), value.clone()) {
            Some(old) if &old != value => problems.push((
                key,
                RuleProblem::new(
                    format!(
                        "`{key}` says `{value}` but `{}.{target}` says `{old}`",
                        if is_label { "labels" } else { "annotations" }
                    ),
                    format!(
                        "keep one of them; `{key}` is shorthand for `{}.{target}`",
                        if is_label { "labels" } else { "annotations" }
                    ),
                ),
            )),
            _ => {}
        }
    }
    if rule.record.is_some() {
        let alert_only = [
            ("for", rule.for_.is_some()),
            ("keep_firing_for", rule.keep_firing_for.is_some()),
            ("annotations", !annotations.is_empty()),
        ];
        for (key, present) in alert_only {
            if present {
                problems.push((key, RuleProblem::new(
                    format!("a recording rule cannot have `{key}`"),
                    "only alerting rules (`alert:`) have `for`, `keep_firing_for`, summary, description and runbook",
                )));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(RenderedRule {
        alert: rule.alert.clone(),
        record: rule.record.clone(),
        expr: rule.expr.trim_end().to_string(),
        for_: rule.for_.as_ref().map(|d| d.as_str().to_string()),
        keep_firing_for: rule
            .keep_firing_for
            .as_ref()
            .map(|d| d.as_str().to_string()),
        labels,
        annotations,
    })
}

fn invalid_duration(path: &str, raw: &str) -> Diagnostic {
    Diagnostic::new(path, format!("`{raw}` is not a Prometheus duration"))
        .hint("write durations like `30s`, `5m`, `1h30m`")
}

/// Whether rule groups may carry `labels` (Prometheus 3.0 added them).
pub fn supports_group_labels(version: Version) -> bool {
    version.at_least(3, 0, 0)
}

/// Before Prometheus 3.0 a group cannot carry labels: they move onto each of its rules (a label
/// the rule sets itself wins, as it would in 3.x).
pub fn fit_to_release(mut file: RuleFile, version: Version) -> RuleFile {
    if supports_group_labels(version) {
        return file;
    }
    for group in &mut file.groups {
        let group_labels = std::mem::take(&mut group.labels);
        for rule in &mut group.rules {
            for (name, value) in &group_labels {
                rule.labels
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    file
}

/// Renders `prometheus/rules/<name>.yml` through the rule-file template.
pub fn write_rule_file(
    stack: &Stack,
    draft: &mut Draft,
    name: &str,
    file: &RuleFile,
) -> anyhow::Result<()> {
    let text = rule_file_text(stack, name, file)?;
    draft.add_yaml(&format!("{RULES_DIR}/{name}.yml"), text)
}

pub fn rule_file_text(stack: &Stack, name: &str, file: &RuleFile) -> anyhow::Result<String> {
    stack.templates.render(
        "rules/rules.yml.j2",
        minijinja::context! { name => name, project => &stack.manifest.project, groups => &file.groups },
    )
}

/// Renders `prometheus/tests/<name>.yml` through the unit-test template.
pub fn write_test_file(
    stack: &Stack,
    draft: &mut Draft,
    name: &str,
    file: &TestFile,
) -> anyhow::Result<()> {
    let text = stack.templates.render(
        "rules/tests.yml.j2",
        minijinja::context! { name => name, project => &stack.manifest.project, file => file },
    )?;
    draft.add_yaml(&format!("{TESTS_DIR}/{name}.yml"), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Rule;

    fn rule(yaml: &str) -> Rule {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn shorthand_expands_into_labels_and_annotations() {
        let rendered = expand(&rule(
            "{alert: ApiDown, expr: up == 0, for: 1m, severity: critical, labels: {team: payments}, \
             summary: API is down, description: '{{ $labels.instance }} down', runbook: https://wiki/x}",
        ))
        .ok()
        .unwrap();
        assert_eq!(rendered.for_.as_deref(), Some("1m"));
        assert_eq!(
            rendered.labels,
            BTreeMap::from([
                ("severity".into(), "critical".into()),
                ("team".into(), "payments".into())
            ])
        );
        assert_eq!(
            rendered.annotations,
            BTreeMap::from([
                ("description".into(), "{{ $labels.instance }} down".into()),
                ("runbook_url".into(), "https://wiki/x".into()),
                ("summary".into(), "API is down".into()),
            ])
        );
    }

    #[test]
    fn malformed_rules_are_reported_by_key() {
        let cases = [
            ("{alert: A, record: b, expr: up}", vec![""]),
            ("{expr: up}", vec![""]),
            ("{alert: A, expr: ' '}", vec!["expr"]),
            ("{alert: A, expr: up, for: soon}", vec!["for"]),
            (
                "{record: r, expr: up, for: 1m, summary: s}",
                vec!["for", "annotations"],
            ),
            (
                "{alert: A, expr: up, severity: critical, labels: {severity: warning}}",
                vec!["severity"],
            ),
            (
                "{alert: A, expr: up, severity: critical, labels: {severity: critical}}",
                vec![],
            ),
        ];
        for (yaml, keys) in cases {
            let found: Vec<&str> = match expand(&rule(yaml)) {
                Ok(_) => vec![],
                Err(problems) => problems.into_iter().map(|(key, _)| key).collect(),
            };
            assert_eq!(found, keys, "{yaml}");
        }
    }

    fn groups(yaml: &str) -> Vec<RuleGroup> {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn group_labels_move_onto_rules_before_prometheus_3() {
        let input = groups("[{name: g, labels: {team: ops, tier: x}, rules: [{alert: A, expr: up == 0, labels: {tier: y}}]}]");
        let cases = [
            (
                Version::new(2, 42, 0),
                BTreeMap::new(),
                BTreeMap::from([
                    ("team".to_string(), "ops".to_string()),
                    ("tier".to_string(), "y".to_string()),
                ]),
            ),
            (
                Version::new(3, 0, 0),
                BTreeMap::from([
                    ("team".to_string(), "ops".to_string()),
                    ("tier".to_string(), "x".to_string()),
                ]),
                BTreeMap::from([("tier".to_string(), "y".to_string())]),
            ),
        ];
        for (version, group_labels, rule_labels) in cases {
            let (file, problems) = user_groups(&input, version);
            assert!(problems.is_empty());
            assert_eq!(file.groups[0].labels, group_labels, "{version}");
            assert_eq!(file.groups[0].rules[0].labels, rule_labels, "{version}");
        }
    }

    #[test]
    fn group_problems_carry_their_key_paths() {
        let input = groups(
            "[{name: g, interval: 1x, rules: [{alert: A, expr: up}]}, {name: g, rules: [{alert: B, expr: up}, {expr: up}]}]",
        );
        let (file, problems) = user_groups(&input, Version::new(3, 14, 0));
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "alerts.groups[0].interval",
                "alerts.groups[1].name",
                "alerts.groups[1].rules[1]"
            ]
        );
        assert_eq!(file.groups[1].rules.len(), 1);
    }

    #[test]
    fn rule_file_template_keeps_prometheus_templates_and_quotes_values() {
        let templates = crate::render::Templates::embedded();
        let manifest: crate::manifest::Manifest =
            serde_yaml::from_str("{version: 1, project: p}").unwrap();
        let stack = Stack::new(&manifest, std::path::Path::new("."), &templates);
        let input = groups(
            "[{name: 'a: b', limit: 5, interval: 30s, rules: [{alert: A, expr: 'up{job=\"x\"} == 0', keep_firing_for: 5m, \
             severity: critical, description: \"{{ $labels.x }} is {{ $value }} # not a comment\"}, {record: 'r:x', expr: sum(up)}]}]",
        );
        let (file, _) = user_groups(&input, Version::new(3, 14, 0));
        let text = rule_file_text(&stack, "groups", &file).unwrap();
        let back: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let group = &back["groups"][0];
        assert_eq!(group["name"], "a: b");
        assert_eq!(group["limit"], 5);
        assert_eq!(group["interval"], "30s");
        assert_eq!(group["rules"][0]["expr"], "up{job=\"x\"} == 0");
        assert_eq!(group["rules"][0]["keep_firing_for"], "5m");
        assert_eq!(
            group["rules"][0]["annotations"]["description"],
            "{{ $labels.x }} is {{ $value }} # not a comment"
        );
        assert_eq!(group["rules"][1]["record"], "r:x");
        assert!(group["rules"][1].get("labels").is_none());
    }
}
