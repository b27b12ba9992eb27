//! `scrape[].relabel` and `metric_relabel`: passed through to Prometheus, so checked as
//! Prometheus reads them — known keys only (a typo such as `replacment:` is an error with a
//! did-you-mean), a known `action`, and a `regex` that compiles (RE2, anchored).

use super::expressions::push;
use crate::expr::regex::{check as compile, Dialect};
use crate::manifest::{Diagnostic, Manifest};
use crate::suggest::did_you_mean;

/// The keys of a Prometheus `relabel_config`.
const KEYS: &[&str] = &[
    "source_labels",
    "separator",
    "regex",
    "modulus",
    "target_label",
    "replacement",
    "action",
];

/// Prometheus' relabel actions (lowercase; Prometheus also accepts them in upper case).
const ACTIONS: &[&str] = &[
    "replace",
    "keep",
    "drop",
    "keepequal",
    "dropequal",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
];

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    for (index, job) in manifest.scrape.iter().enumerate() {
        for (key, rules) in [
            ("relabel", &job.relabel),
            ("metric_relabel", &job.metric_relabel),
        ] {
            for (r, rule) in rules.iter().enumerate() {
                check_rule(&format!("scrape[{index}].{key}[{r}]"), rule, problems);
            }
        }
    }
}

pub(super) fn check_rule(path: &str, rule: &serde_yaml::Value, problems: &mut Vec<Diagnostic>) {
    let Some(map) = rule.as_mapping() else {
        problems.push(
            Diagnostic::new(path, format!("`{path}` is not a mapping"))
                .hint("write a relabel rule as keys, e.g. `{source_labels: [__address__], target_label: instance}`"),
        );
        return;
    };
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        let at = format!("{path}.{key}");
        if !KEYS.contains(&key) {
            let hint = match did_you_mean(key, KEYS) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("a relabel rule takes {}", super::quoted_list(KEYS)),
            };
            problems
                .push(Diagnostic::new(&at, format!("unknown key `{key}` in `{path}`")).hint(hint));
            continue;
        }
        match (key, value.as_str()) {
            ("action", Some(action))
                if !ACTIONS.contains(&action.to_ascii_lowercase().as_str()) =>
            {
                let hint = match did_you_mean(action, ACTIONS) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("actions are {}", super::quoted_list(ACTIONS)),
                };
                problems.push(
                    Diagnostic::new(&at, format!("`{action}` is not a relabel action")).hint(hint),
                );
            }
            ("regex", Some(pattern)) => {
                push(
                    &at,
                    compile(pattern, Dialect::Relabel).map(|_| ()),
                    problems,
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn checks_relabel_rules_as_prometheus_reads_them() {
        let job =
            |rule: &str| format!("scrape: [{{job: api, targets: ['api:80'], relabel: [{rule}]}}]");
        let p = "scrape[0].relabel[0]";
        let cases: Vec<(String, Option<(String, &str)>)> = vec![
            (job("{source_labels: [__address__], regex: '(.*):\\d+', target_label: host, replacement: '$1', action: replace}"), None),
            (job("{source_labels: [a], replacment: x}"), Some((format!("{p}.replacment"), "unknown key `replacment` in `scrape[0].relabel[0]`"))),
            (job("{action: dorp, regex: x}"), Some((format!("{p}.action"), "`dorp` is not a relabel action"))),
            (job("{action: drop, regex: '(a'}"), Some((format!("{p}.regex"), "is not a valid regular expression"))),
            (job("just-text"), Some((p.to_string(), "is not a mapping"))),
            ("scrape: [{job: api, targets: ['api:80'], metric_relabel: [{action: Drop, regex: 'go_.*', source_labels: [__name__]}]}]".to_string(), None),
        ];
        for (extra, want) in &cases {
            check_case(extra, want.as_ref().map(|(p, w)| (p.as_str(), *w)));
        }
        let found = super::super::test_support::problems(&job("{replacment: x}"));
        assert_eq!(
            found[0].hint.as_deref(),
            Some("did you mean `replacement`?")
        );
    }
}
