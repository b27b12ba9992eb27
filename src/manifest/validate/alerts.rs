//! Alert and recording rules, rule groups, and the rule/test files passed through.

use std::collections::BTreeMap;

use super::names::is_metric_name;
use super::top::check_label_names;
use crate::manifest::{Diagnostic, Manifest, Rule};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let alerts = &manifest.alerts;
    let mut group_names: BTreeMap<&str, usize> = BTreeMap::new();
    for (g, group) in alerts.groups.iter().enumerate() {
        let path = format!("alerts.groups[{g}]");
        if group.name.trim().is_empty() {
            problems.push(
                Diagnostic::new(format!("{path}.name"), "a rule group needs a name")
                    .hint("set `name: <group>`; it names the rule file too"),
            );
        } else if let Some(first) = group_names.get(group.name.as_str()) {
            problems.push(
                Diagnostic::new(
                    format!("{path}.name"),
                    format!(
                        "rule group `{}` is already defined at `alerts.groups[{first}]`",
                        group.name
                    ),
                )
                .hint("Prometheus needs unique group names; merge the two groups or rename one"),
            );
        } else {
            group_names.insert(&group.name, g);
        }
        check_label_names(&format!("{path}.labels"), group.labels.keys(), problems);
        for (r, rule) in group.rules.iter().enumerate() {
            check_rule(&format!("{path}.rules[{r}]"), rule, problems);
        }
    }
    for (key, entries) in [("files", &alerts.files), ("tests", &alerts.tests)] {
        for (index, entry) in entries.iter().enumerate() {
            if entry.trim().is_empty() {
                problems.push(
                    Diagnostic::new(
                        format!("alerts.{key}[{index}]"),
                        format!("`alerts.{key}[{index}]` is empty"),
                    )
                    .hint("give a path relative to the manifest, e.g. `rules/legacy.yml`"),
                );
            }
        }
    }
}

fn check_rule(path: &str, rule: &Rule, problems: &mut Vec<Diagnostic>) {
    match (&rule.alert, &rule.record) {
        (Some(_), Some(_)) => problems.push(
            Diagnostic::new(format!("{path}.record"), format!("`{path}` has both `alert` and `record`"))
                .hint("a rule either fires an alert or records a series; split it into two rules"),
        ),
        (None, None) => problems.push(
            Diagnostic::new(path, format!("`{path}` has neither `alert` nor `record`"))
                .hint("name the alert (`alert: ApiDown`) or the series it records (`record: job:http_requests:rate5m`)"),
        ),
        (Some(alert), None) if alert.trim().is_empty() => problems.push(
            Diagnostic::new(format!("{path}.alert"), "an alert needs a name").hint("e.g. `alert: ApiDown`"),
        ),
        (None, Some(record)) => {
            if !is_metric_name(record) {
                problems.push(
                    Diagnostic::new(format!("{path}.record"), format!("`{record}` is not a valid metric name"))
                        .hint("recorded series are named like metrics: letters, digits, `_` and `:`, e.g. `job:http_requests:rate5m`"),
                );
            }
            check_alert_only_keys(path, rule, problems);
        }
        _ => {}
    }
    if rule.expr.trim().is_empty() {
        problems.push(
            Diagnostic::new(format!("{path}.expr"), format!("`{path}.expr` is empty"))
                .hint("write the PromQL expression, e.g. `up{job=\"api\"} == 0`"),
        );
    }
    check_label_names(&format!("{path}.labels"), rule.labels.keys(), problems);
    if let (Some(short), Some(long)) = (&rule.severity, rule.labels.get("severity")) {
        if short != long {
            problems.push(
                Diagnostic::new(
                    format!("{path}.severity"),
                    format!(
                        "`{path}` sets severity twice: `{short}` and `labels.severity: {long}`"
                    ),
                )
                .hint("`severity` is shorthand for `labels.severity`; keep one"),
            );
        }
    }
}

/// Recording rules only record: no `for`, no severity, no annotations.
fn check_alert_only_keys(path: &str, rule: &Rule, problems: &mut Vec<Diagnostic>) {
    let present = [
        ("for", rule.for_.is_some()),
        ("keep_firing_for", rule.keep_firing_for.is_some()),
        ("severity", rule.severity.is_some()),
        ("summary", rule.summary.is_some()),
        ("description", rule.description.is_some()),
        ("runbook", rule.runbook.is_some()),
        ("annotations", !rule.annotations.is_empty()),
    ];
    for (key, set) in present {
        if set {
            problems.push(
                Diagnostic::new(
                    format!("{path}.{key}"),
                    format!("`{key}` only applies to alerts, but `{path}` is a recording rule"),
                )
                .hint(format!("remove `{key}`, or make the rule an `alert`")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    fn rules(rules: &str) -> String {
        format!("alerts: {{groups: [{{name: g, rules: [{rules}]}}]}}")
    }

    #[test]
    fn checks_each_rule() {
        let p = "alerts.groups[0].rules[0]";
        let cases: Vec<(String, Option<(String, &str)>)> = vec![
            (rules("{alert: A, expr: up == 0, for: 1m, severity: critical, summary: s, description: '{{ $labels.instance }}'}"), None),
            (rules("{record: 'job:up:sum', expr: sum(up)}"), None),
            (rules("{alert: A, record: b, expr: up}"), Some((format!("{p}.record"), "both `alert` and `record`"))),
            (rules("{expr: up}"), Some((p.to_string(), "neither `alert` nor `record`"))),
            (rules("{alert: '', expr: up}"), Some((format!("{p}.alert"), "needs a name"))),
            (rules("{record: http-requests, expr: up}"), Some((format!("{p}.record"), "not a valid metric name"))),
            (rules("{record: r, expr: up, for: 5m}"), Some((format!("{p}.for"), "`for` only applies to alerts"))),
            (rules("{record: r, expr: up, severity: page}"), Some((format!("{p}.severity"), "`severity` only applies to alerts"))),
            (rules("{record: r, expr: up, annotations: {a: b}}"), Some((format!("{p}.annotations"), "only applies to alerts"))),
            (rules("{alert: A, expr: ' '}"), Some((format!("{p}.expr"), "is empty"))),
            (rules("{alert: A, expr: up, labels: {team-name: x}}"), Some((format!("{p}.labels.team-name"), "not a valid label name"))),
            (rules("{alert: A, expr: up, severity: page, labels: {severity: warning}}"), Some((format!("{p}.severity"), "sets severity twice"))),
            (rules("{alert: A, expr: up, severity: page, labels: {severity: page}}"), None),
        ];
        for (extra, want) in &cases {
            check_case(extra, want.as_ref().map(|(p, w)| (p.as_str(), *w)));
        }
    }

    #[test]
    fn checks_groups_and_passed_through_files() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("alerts: {groups: [{name: a, rules: []}, {name: b, rules: []}], files: [rules/x.yml], tests: [rules/t.yml]}", None),
            ("alerts: {groups: [{name: a, rules: []}, {name: a, rules: []}]}", Some(("alerts.groups[1].name", "rule group `a` is already defined at `alerts.groups[0]`"))),
            ("alerts: {groups: [{name: '', rules: []}]}", Some(("alerts.groups[0].name", "needs a name"))),
            ("alerts: {groups: [{name: a, labels: {1x: y}, rules: []}]}", Some(("alerts.groups[0].labels.1x", "not a valid label name"))),
            ("alerts: {files: ['']}", Some(("alerts.files[0]", "is empty"))),
            ("alerts: {tests: ['  ']}", Some(("alerts.tests[0]", "is empty"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }
}
