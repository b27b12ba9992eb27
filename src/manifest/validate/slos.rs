//! Service level objectives: the objective, exactly one kind of SLI, names usable in rule names.

use std::collections::BTreeMap;

use super::names::{is_metric_name, is_slo_name};
use super::top::check_label_names;
use crate::manifest::{Diagnostic, Manifest, Slo};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, slo) in manifest.slos.iter().enumerate() {
        let path = format!("slos[{index}]");
        if !is_slo_name(&slo.name) {
            problems.push(
                Diagnostic::new(format!("{path}.name"), format!("SLO name `{}` cannot be used in rule names", slo.name))
                    .hint("use letters, digits, `-` and `_`, starting with a letter, e.g. `api-availability`"),
            );
        } else if let Some(first) = names.get(slo.name.as_str()) {
            problems.push(
                Diagnostic::new(
                    format!("{path}.name"),
                    format!("SLO `{}` is already defined at `slos[{first}]`", slo.name),
                )
                .hint("each SLO needs its own name; it names its recording rules and alerts"),
            );
        } else {
            names.insert(&slo.name, index);
        }
        check_objective(&path, slo.objective, problems);
        check_sli(&path, slo, problems);
        check_label_names(&format!("{path}.labels"), slo.labels.keys(), problems);
    }
}

fn check_objective(path: &str, objective: f64, problems: &mut Vec<Diagnostic>) {
    let path = format!("{path}.objective");
    if !objective.is_finite() || objective <= 0.0 {
        problems.push(
            Diagnostic::new(&path, format!("`{path}` ({objective}) must be above 0")).hint(
                "the objective is the percentage of good events over the window, e.g. `99.9`",
            ),
        );
    } else if objective >= 100.0 {
        problems.push(
            Diagnostic::new(&path, format!("`{path}` ({objective}) must be below 100"))
                .hint("an objective of 100% leaves no error budget, so every error would page; use e.g. `99.9`"),
        );
    }
}

fn check_sli(path: &str, slo: &Slo, problems: &mut Vec<Diagnostic>) {
    let ratio = slo.errors.is_some() || slo.total.is_some();
    match (ratio, &slo.latency) {
        (true, Some(_)) => problems.push(
            Diagnostic::new(format!("{path}.latency"), format!("SLO `{}` has both `errors`/`total` and `latency`", slo.name))
                .hint("an SLO measures one thing; split it into an availability SLO and a latency SLO"),
        ),
        (false, None) => problems.push(
            Diagnostic::new(path, format!("SLO `{}` has no indicator", slo.name))
                .hint("give `errors` and `total` selectors (availability), or `latency: {histogram, threshold}`"),
        ),
        (true, None) => {
            for (key, value, other) in [("errors", &slo.errors, "total"), ("total", &slo.total, "errors")] {
                match value {
                    None => problems.push(
                        Diagnostic::new(format!("{path}.{key}"), format!("SLO `{}` has `{other}` but no `{key}`", slo.name))
                            .hint(format!("an availability SLO divides `errors` by `total`; add `{key}`")),
                    ),
                    Some(selector) if selector.trim().is_empty() => problems.push(
                        Diagnostic::new(format!("{path}.{key}"), format!("`{path}.{key}` is empty"))
                            .hint("write a counter selector, e.g. `http_requests_total{job=\"api\"}`"),
                    ),
                    Some(_) => {}
                }
            }
        }
        (false, Some(latency)) => {
            if !is_metric_name(&latency.histogram) || latency.histogram.ends_with("_bucket") {
                let base = latency.histogram.trim_end_matches("_bucket");
                problems.push(
                    Diagnostic::new(
                        format!("{path}.latency.histogram"),
                        format!("`{}` is not a histogram base name", latency.histogram),
                    )
                    .hint(format!("name the histogram without `_bucket`, e.g. `{base}`")),
                );
            }
            let selector = latency.selector.trim();
            let braced = selector.starts_with('{') && selector.ends_with('}');
            if !selector.is_empty() && !braced {
                problems.push(
                    Diagnostic::new(format!("{path}.latency.selector"), format!("selector `{selector}` is not a label selector in braces"))
                        .hint("write it with braces and quotes: `'{job=\"api\"}'`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn checks_objectives_indicators_and_names() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("slos: [{name: api-availability, objective: 99.9, window: 30d, errors: 'e{job=\"api\"}', total: t}]", None),
            ("slos: [{name: api-latency, objective: 99, latency: {histogram: http_request_duration_seconds, selector: '{job=\"api\"}', threshold: 0.5s}}]", None),
            ("slos: [{name: a, objective: 100, errors: e, total: t}]", Some(("slos[0].objective", "(100) must be below 100"))),
            ("slos: [{name: a, objective: 0, errors: e, total: t}]", Some(("slos[0].objective", "(0) must be above 0"))),
            ("slos: [{name: a, objective: -5, errors: e, total: t}]", Some(("slos[0].objective", "must be above 0"))),
            ("slos: [{name: a, objective: 99}]", Some(("slos[0]", "has no indicator"))),
            ("slos: [{name: a, objective: 99, errors: e}]", Some(("slos[0].total", "has `errors` but no `total`"))),
            ("slos: [{name: a, objective: 99, errors: e, total: t, latency: {histogram: h, threshold: 1s}}]", Some(("slos[0].latency", "both `errors`/`total` and `latency`"))),
            ("slos: [{name: a, objective: 99, errors: e, total: ''}]", Some(("slos[0].total", "is empty"))),
            ("slos: [{name: a, objective: 99, latency: {histogram: h_bucket, threshold: 1s}}]", Some(("slos[0].latency.histogram", "not a histogram base name"))),
            ("slos: [{name: a, objective: 99, latency: {histogram: h, selector: 'job=\"api\"', threshold: 1s}}]", Some(("slos[0].latency.selector", "not a label selector in braces"))),
            ("slos: [{name: a, objective: 99, errors: e, total: t}, {name: a, objective: 98, errors: e, total: t}]", Some(("slos[1].name", "SLO `a` is already defined at `slos[0]`"))),
            ("slos: [{name: api availability, objective: 99, errors: e, total: t}]", Some(("slos[0].name", "cannot be used in rule names"))),
            ("slos: [{name: a, objective: 99, errors: e, total: t, labels: {team-x: y}}]", Some(("slos[0].labels.team-x", "not a valid label name"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }
}
