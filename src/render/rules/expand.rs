//! One manifest rule as Prometheus reads it: the shorthand (`severity`, `summary`,
//! `description`, `runbook`) moved into labels and annotations, and every problem that would
//! make Prometheus reject the rule, addressed by the key it concerns.

use std::collections::BTreeMap;

use super::RenderedRule;
use crate::manifest::{Diagnostic, Rule};

/// A problem inside one rule; `at` addresses it by key (`""` for the rule itself).
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

    pub fn at(self, rule_path: &str, key: &str) -> Diagnostic {
        let path = if key.is_empty() {
            rule_path.to_string()
        } else {
            format!("{rule_path}.{key}")
        };
        Diagnostic::new(path, self.message).hint(self.hint)
    }
}

type Problems = Vec<(&'static str, RuleProblem)>;

/// `severity` → `labels.severity`, `summary` / `description` → annotations, `runbook` →
/// `annotations.runbook_url`; the problems found otherwise.
pub fn expand(rule: &Rule) -> Result<RenderedRule, Problems> {
    let mut problems = shape_problems(rule);
    let (labels, annotations) = merge_shorthand(rule, &mut problems);
    if rule.record.is_some() {
        problems.extend(alert_only_keys(rule, !annotations.is_empty()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let duration =
        |d: &Option<crate::manifest::PromDuration>| d.as_ref().map(|d| d.as_str().to_string());
    Ok(RenderedRule {
        alert: rule.alert.clone(),
        record: rule.record.clone(),
        expr: rule.expr.trim_end().to_string(),
        for_: duration(&rule.for_),
        keep_firing_for: duration(&rule.keep_firing_for),
        labels,
        annotations,
    })
}

/// Exactly one of `alert` / `record`, a non-empty `expr`, valid durations.
fn shape_problems(rule: &Rule) -> Problems {
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
    problems
}

/// The rule's labels and annotations with the shorthand merged in; a shorthand contradicting
/// the long form is a problem.
fn merge_shorthand(
    rule: &Rule,
    problems: &mut Problems,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut labels = rule.labels.clone();
    let mut annotations = rule.annotations.clone();
    let shorthands: [(&'static str, &Option<String>, &'static str); 4] = [
        ("severity", &rule.severity, "severity"),
        ("summary", &rule.summary, "summary"),
        ("description", &rule.description, "description"),
        ("runbook", &rule.runbook, "runbook_url"),
    ];
    for (key, value, target) in shorthands {
        let Some(value) = value else { continue };
        let (section, map) = if key == "severity" {
            ("labels", &mut labels)
        } else {
            ("annotations", &mut annotations)
        };
        if let Some(old) = map
            .insert(target.to_string(), value.clone())
            .filter(|old| old != value)
        {
            problems.push((
                key,
                RuleProblem::new(
                    format!("`{key}` says `{value}` but `{section}.{target}` says `{old}`"),
                    format!("keep one of them; `{key}` is shorthand for `{section}.{target}`"),
                ),
            ));
        }
    }
    (labels, annotations)
}

/// Keys a recording rule must not have.
fn alert_only_keys(rule: &Rule, has_annotations: bool) -> Problems {
    [
        ("for", rule.for_.is_some()),
        ("keep_firing_for", rule.keep_firing_for.is_some()),
        ("annotations", has_annotations),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(key, _)| (key, RuleProblem::new(
        format!("a recording rule cannot have `{key}`"),
        "only alerting rules (`alert:`) have `for`, `keep_firing_for`, summary, description and runbook",
    )))
    .collect()
}
