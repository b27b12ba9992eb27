//! Expressions written in the manifest, parsed in-process so that a broken one is a manifest
//! problem at its own line: rule and SLO PromQL, rule annotation and label templates
//! (expanded by Prometheus) and notification templates (expanded by Alertmanager).

use crate::expr::{go_template, promql, ExprError};
use crate::manifest::{Diagnostic, Manifest, Rule, Slo};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    for (g, group) in manifest.alerts.groups.iter().enumerate() {
        for (r, rule) in group.rules.iter().enumerate() {
            check_rule(&format!("alerts.groups[{g}].rules[{r}]"), rule, problems);
        }
    }
    for (index, slo) in manifest.slos.iter().enumerate() {
        check_slo(&format!("slos[{index}]"), slo, problems);
    }
    if let Some(notify) = &manifest.notify {
        for (name, receiver) in &notify.receivers {
            let path = format!("notify.receivers.{name}");
            let fields = [
                (
                    "slack.title",
                    receiver.slack.as_ref().and_then(|s| s.title.as_ref()),
                ),
                (
                    "slack.text",
                    receiver.slack.as_ref().and_then(|s| s.text.as_ref()),
                ),
                (
                    "msteams.title",
                    receiver.msteams.as_ref().and_then(|m| m.title.as_ref()),
                ),
                (
                    "msteams.text",
                    receiver.msteams.as_ref().and_then(|m| m.text.as_ref()),
                ),
            ];
            for (key, text) in fields {
                if let Some(text) = text {
                    let result = go_template::check(text, go_template::Dialect::Alertmanager);
                    push(&format!("{path}.{key}"), result, problems);
                }
            }
        }
    }
}

/// A rejected expression as a problem at `path`.
pub fn push(path: &str, result: Result<(), ExprError>, problems: &mut Vec<Diagnostic>) {
    if let Err(error) = result {
        problems
            .push(Diagnostic::new(path, format!("`{path}`: {}", error.message)).hint(error.hint));
    }
}

fn check_rule(path: &str, rule: &Rule, problems: &mut Vec<Diagnostic>) {
    if !rule.expr.trim().is_empty() {
        push(
            &format!("{path}.expr"),
            promql::check(&rule.expr).map(|_| ()),
            problems,
        );
    }
    let template = |text: &str| go_template::check(text, go_template::Dialect::Prometheus);
    let shorthand = [
        ("summary", &rule.summary),
        ("description", &rule.description),
        ("runbook", &rule.runbook),
    ];
    for (key, text) in shorthand {
        if let Some(text) = text {
            push(&format!("{path}.{key}"), template(text), problems);
        }
    }
    for (kind, map) in [("annotations", &rule.annotations), ("labels", &rule.labels)] {
        for (name, text) in map {
            push(&format!("{path}.{kind}.{name}"), template(text), problems);
        }
    }
}

fn check_slo(path: &str, slo: &Slo, problems: &mut Vec<Diagnostic>) {
    for (key, selector) in [("errors", &slo.errors), ("total", &slo.total)] {
        if let Some(selector) = selector.as_deref().filter(|s| !s.trim().is_empty()) {
            push(
                &format!("{path}.{key}"),
                promql::check_selector(selector).map(|_| ()),
                problems,
            );
        }
    }
    if let Some(latency) = &slo.latency {
        let selector = latency.selector.trim();
        // Only a braced selector: anything else is refused by the SLO shape check already.
        if selector.starts_with('{') && selector.ends_with('}') && selector != "{}" {
            push(
                &format!("{path}.latency.selector"),
                promql::check_selector(selector).map(|_| ()),
                problems,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    fn rule(fields: &str) -> String {
        format!("alerts: {{groups: [{{name: g, rules: [{{alert: A, {fields}}}]}}]}}")
    }

    #[test]
    fn parses_every_expression_in_place() {
        let p = "alerts.groups[0].rules[0]";
        let cases: Vec<(String, Option<(String, &str)>)> = vec![
            (rule("expr: 'rate(x[5m]) > 0', summary: '{{ $labels.job }} {{ $value | humanize }}'"), None),
            (rule("expr: 'rate(http_requests_total[5m]'"), Some((format!("{p}.expr"), "PromQL does not parse"))),
            (rule("expr: 'up{job=\"api\" == 0'"), Some((format!("{p}.expr"), "PromQL does not parse"))),
            (rule("expr: 'up{job=~\"api(|\"}'"), Some((format!("{p}.expr"), "PromQL does not parse"))),
            (rule("expr: up, summary: '{{ 7*7 }}'"), Some((format!("{p}.summary"), "unexpected `*` in `{{ 7*7 }}`"))),
            (rule("expr: up, annotations: {x: '{{ $labels.job '}"), Some((format!("{p}.annotations.x"), "never closed"))),
            (rule("expr: up, labels: {team: '{{ humanise $value }}'}"), Some((format!("{p}.labels.team"), "function `humanise`"))),
            ("slos: [{name: a, objective: 99, errors: 'rate(x[5m])', total: t}]".to_string(), Some(("slos[0].errors".to_string(), "is a call of `rate`, not a series selector"))),
            ("slos: [{name: a, objective: 99, errors: e, total: 'sum(t)'}]".to_string(), Some(("slos[0].total".to_string(), "not a series selector"))),
            ("slos: [{name: a, objective: 99, latency: {histogram: h, selector: '{job=\"api\"', threshold: 1s}}]".to_string(), Some(("slos[0].latency.selector".to_string(), "not a label selector in braces"))),
            ("slos: [{name: a, objective: 99, latency: {histogram: h, selector: '{job=~\"(\"}', threshold: 1s}}]".to_string(), Some(("slos[0].latency.selector".to_string(), "PromQL does not parse"))),
            ("components: {alertmanager: {}}\nnotify: {default: a, receivers: {a: {slack: {webhook_url: 'https://h/x', title: '{{ .Status | toUpper }}', text: '{{ range .Alerts }}x{{ end }}'}}}}".to_string(), None),
            ("components: {alertmanager: {}}\nnotify: {default: a, receivers: {a: {slack: {webhook_url: 'https://h/x', text: '{{ range .Alerts }}x'}}}}".to_string(), Some(("notify.receivers.a.slack.text".to_string(), "has no matching `{{ end }}`"))),
        ];
        for (extra, want) in &cases {
            check_case(extra, want.as_ref().map(|(p, w)| (p.as_str(), *w)));
        }
    }
}
