//! Routes and inhibitions that match a `severity` no rule emits can never fire.

use std::collections::BTreeSet;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Files;
use crate::manifest::{Diagnostic, Notify, Route};

/// The parts of a rule file this check reads; everything else is skipped by the parser
/// without being built (a rule file of thousands of rules is read here a second time).
#[derive(Deserialize)]
struct RuleFileSeverities {
    #[serde(default)]
    groups: Vec<GroupSeverities>,
}

#[derive(Deserialize)]
struct GroupSeverities {
    #[serde(default)]
    labels: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    rules: Vec<RuleSeverity>,
}

#[derive(Deserialize)]
struct RuleSeverity {
    alert: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    labels: BTreeMap<String, serde_yaml::Value>,
}

/// The severities the rendered rule files give their alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Emitted {
    Known(BTreeSet<String>),
    /// A severity is templated (`{{ $labels.sev }}`): which values occur cannot be known.
    Unknowable,
    /// No rendered rule file holds an alerting rule: alerts can only come from elsewhere
    /// (another Prometheus, a Loki ruler), so no severity can be judged.
    NoAlertingRules,
}

/// Reads `severity` of every alerting rule in `prometheus/rules/*.yml` (generated and copied
/// files alike); a rule without one inherits its group's `labels.severity`.
pub(crate) fn emitted_severities(files: &Files) -> Emitted {
    let mut emitted = BTreeSet::new();
    let mut alerting_rules = 0;
    for (path, file) in files {
        let Some(name) = path.strip_prefix("prometheus/rules/") else {
            continue;
        };
        if name.contains('/') || !(name.ends_with(".yml") || name.ends_with(".yaml")) {
            continue;
        }
        // An unparseable file is promtool's to report, not this check's.
        let Ok(doc) = serde_yaml::from_str::<RuleFileSeverities>(file.text().unwrap_or_default())
        else {
            continue;
        };
        for group in &doc.groups {
            let group_severity = group.labels.get("severity").and_then(|s| s.as_str());
            for rule in &group.rules {
                if rule.alert.is_none() {
                    continue;
                }
                alerting_rules += 1;
                let rule_severity = rule.labels.get("severity").and_then(|s| s.as_str());
                let Some(severity) = rule_severity.or(group_severity) else {
                    continue;
                };
                if severity.contains("{{") {
                    return Emitted::Unknowable;
                }
                emitted.insert(severity.to_string());
            }
        }
    }
    if alerting_rules == 0 {
        return Emitted::NoAlertingRules;
    }
    Emitted::Known(emitted)
}

/// One problem per route or inhibition side whose `severity` no rule emits.
pub(crate) fn unmatched_severities(notify: &Notify, emitted: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_routes(&notify.routes, "notify.routes", emitted, &mut problems);
    for (i, inhibit) in notify.inhibit.iter().enumerate() {
        for (side, labels) in [("source", &inhibit.source), ("target", &inhibit.target)] {
            if let Some(severity) = labels.get("severity").filter(|s| !emitted.contains(*s)) {
                let path = format!("notify.inhibit[{i}].{side}.severity");
                problems.push(problem(
                    &path,
                    severity,
                    emitted,
                    "this inhibition never applies",
                ));
            }
        }
    }
    problems
}

fn check_routes(
    routes: &[Route],
    path: &str,
    emitted: &BTreeSet<String>,
    problems: &mut Vec<Diagnostic>,
) {
    for (i, route) in routes.iter().enumerate() {
        let path = format!("{path}[{i}]");
        if let Some(severity) = route
            .match_
            .get("severity")
            .filter(|s| !emitted.contains(*s))
        {
            problems.push(problem(
                &format!("{path}.match.severity"),
                severity,
                emitted,
                "this route never matches",
            ));
        }
        if let Some(regex) = route.match_re.get("severity") {
            if let Some(alternatives) = literal_alternatives(regex) {
                if !alternatives.iter().any(|a| emitted.contains(*a)) {
                    problems.push(problem(
                        &format!("{path}.match_re.severity"),
                        regex,
                        emitted,
                        "this route never matches",
                    ));
                }
            }
        }
        check_routes(&route.routes, &format!("{path}.routes"), emitted, problems);
    }
}

/// `critical|warning` → its words; `None` for a real regex, which this check cannot judge.
fn literal_alternatives(regex: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = regex.split('|').collect();
    words
        .iter()
        .all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
        .then_some(words)
}

fn problem(
    path: &str,
    severity: &str,
    emitted: &BTreeSet<String>,
    consequence: &str,
) -> Diagnostic {
    let hint = if emitted.is_empty() {
        "no alerting rule sets a `severity` label; add one to your rules (`severity: critical`) or remove this match".to_string()
    } else {
        let list: Vec<&str> = emitted.iter().map(String::as_str).collect();
        format!("rules emit severity: {}", list.join(", "))
    };
    Diagnostic::new(
        path,
        format!("no alerting rule emits `severity: {severity}`, so {consequence}"),
    )
    .hint(hint)
}

#[cfg(test)]
mod tests {
    use super::super::test_files as files;
    use super::*;

    fn notify(yaml: &str) -> Notify {
        serde_yaml::from_str(yaml).expect("notify parses")
    }

    const RULES: &str = r#"
groups:
  - name: a
    rules:
      - {alert: Down, expr: up == 0, labels: {severity: critical}}
      - {record: x, expr: up, labels: {severity: ignored-recording}}
  - name: b
    labels: {severity: warning}
    rules:
      - {alert: Slow, expr: vector(1)}
"#;

    #[test]
    fn reads_rule_and_group_severities_of_alerting_rules_only() {
        let files = files(&[
            ("prometheus/rules/stack.yml", RULES),
            (
                "prometheus/rules/legacy.yaml",
                "groups: [{name: c, rules: [{alert: X, expr: up, labels: {severity: info}}]}]",
            ),
            (
                "prometheus/tests/stack.yml",
                "groups: [{name: t, rules: [{alert: T, expr: up, labels: {severity: test}}]}]",
            ),
            ("prometheus/prometheus.yml", "global: {}"),
        ]);
        let expected: BTreeSet<String> = ["critical", "info", "warning"].map(String::from).into();
        assert_eq!(emitted_severities(&files), Emitted::Known(expected));
    }

    #[test]
    fn templated_severity_makes_the_set_unknowable() {
        let files = files(&[("prometheus/rules/x.yml", "groups: [{name: a, rules: [{alert: A, expr: up, labels: {severity: '{{ $labels.sev }}'}}]}]")]);
        assert_eq!(emitted_severities(&files), Emitted::Unknowable);
    }

    #[test]
    fn reports_routes_and_inhibitions_at_their_key_paths_with_the_emitted_list() {
        let notify = notify(
            r#"
default: r
routes:
  - {match: {severity: critical}, receiver: r}
  - match: {severity: page}
    routes: [{match_re: {severity: "sms|call"}}, {match_re: {severity: "crit.*"}}]
inhibit:
  - {source: {severity: critical}, target: {severity: minor}}
"#,
        );
        let emitted: BTreeSet<String> = ["critical", "warning"].map(String::from).into();
        let problems = unmatched_severities(&notify, &emitted);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "notify.routes[1].match.severity",
                "notify.routes[1].routes[0].match_re.severity",
                "notify.inhibit[0].target.severity"
            ]
        );
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("rules emit severity: critical, warning")
        );
    }

    #[test]
    fn no_alerting_rule_at_all_is_its_own_case() {
        let files = files(&[(
            "prometheus/rules/r.yml",
            "groups: [{name: a, rules: [{record: x, expr: up}]}]",
        )]);
        assert_eq!(emitted_severities(&files), Emitted::NoAlertingRules);
        assert_eq!(emitted_severities(&Files::new()), Emitted::NoAlertingRules);
    }

    #[test]
    fn with_no_severities_the_hint_says_so() {
        let problems = unmatched_severities(
            &notify("{default: r, routes: [{match: {severity: critical}}]}"),
            &BTreeSet::new(),
        );
        assert!(problems[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("no alerting rule sets"));
    }
}
