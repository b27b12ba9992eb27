//! Checks of what the operator tunes: `alerts.presets` names, `alerts.thresholds` and
//! `alerts.disable`, each problem addressed by its key with a did-you-mean hint.

use std::collections::BTreeMap;

use super::data::{format_number, Knob};
use crate::manifest::{AlertOverride, Diagnostic};
use crate::render::rules::RenderedRule;

/// `alerts.presets[i]` naming no preset.
pub(crate) fn check_preset_names(selected: &[String], known: &[&str]) -> Vec<Diagnostic> {
    selected
        .iter()
        .enumerate()
        .filter(|(_, name)| !known.contains(&name.as_str()))
        .map(|(i, name)| {
            Diagnostic::new(
                format!("alerts.presets[{i}]"),
                format!("unknown alert preset `{name}`"),
            )
            .hint(suggestion(name, known.iter().copied(), "presets"))
        })
        .collect()
}

/// `alerts.thresholds.<name>` naming no knob of any preset, or outside the knob's bounds.
pub(crate) fn check_thresholds(
    thresholds: &BTreeMap<String, f64>,
    knobs: &BTreeMap<String, Knob>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (name, value) in thresholds {
        let path = format!("alerts.thresholds.{name}");
        let Some(knob) = knobs.get(name) else {
            problems.push(
                Diagnostic::new(path, format!("unknown alert threshold `{name}`")).hint(
                    suggestion(name, knobs.keys().map(String::as_str), "thresholds"),
                ),
            );
            continue;
        };
        let below = knob.min.is_some_and(|min| *value < min);
        let above = knob.max.is_some_and(|max| *value > max);
        if below || above || !value.is_finite() {
            let bounds = match (knob.min, knob.max) {
                (Some(min), Some(max)) => {
                    format!("between {} and {}", format_number(min), format_number(max))
                }
                (Some(min), None) => format!("at least {}", format_number(min)),
                (None, Some(max)) => format!("at most {}", format_number(max)),
                (None, None) => "a finite number".to_string(),
            };
            problems.push(
                Diagnostic::new(
                    path,
                    format!(
                        "threshold `{name}` is {}, outside its range",
                        format_number(*value)
                    ),
                )
                .hint(format!(
                    "`{name}` ({}) must be {bounds}; the default is {}",
                    knob.description,
                    format_number(knob.default)
                )),
            );
        }
    }
    problems
}

/// `alerts.disable[i]` naming no preset alert.
pub(crate) fn check_disable(disable: &[String], alerts: &[String]) -> Vec<Diagnostic> {
    disable
        .iter()
        .enumerate()
        .filter(|(_, name)| !alerts.contains(name))
        .map(|(i, name)| {
            Diagnostic::new(
                format!("alerts.disable[{i}]"),
                format!("no preset has an alert named `{name}`"),
            )
            .hint(suggestion(
                name,
                alerts.iter().map(String::as_str),
                "preset alerts",
            ))
        })
        .collect()
}

/// `alerts.overrides.<name>` naming no preset alert, or with a duration Prometheus refuses.
pub(crate) fn check_overrides(
    overrides: &BTreeMap<String, AlertOverride>,
    alerts: &[String],
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (name, change) in overrides {
        let path = format!("alerts.overrides.{name}");
        if !alerts.contains(name) {
            problems.push(
                Diagnostic::new(&path, format!("no preset has an alert named `{name}`")).hint(
                    suggestion(name, alerts.iter().map(String::as_str), "preset alerts"),
                ),
            );
        }
        let durations = [
            ("for", &change.for_),
            ("keep_firing_for", &change.keep_firing_for),
        ];
        for (key, duration) in durations {
            if duration.as_ref().is_some_and(|d| !d.is_valid()) {
                problems.push(
                    Diagnostic::new(format!("{path}.{key}"), "not a Prometheus duration")
                        .hint("write a number and a unit, such as `5m` or `1h30m`"),
                );
            }
        }
    }
    problems
}

/// A preset alert with the operator's override applied: `for`, severity, labels, annotations.
pub(crate) fn apply_override(rule: &mut RenderedRule, change: &AlertOverride) {
    if let Some(for_) = &change.for_ {
        rule.for_ = Some(for_.as_str().to_string());
    }
    if let Some(keep) = &change.keep_firing_for {
        rule.keep_firing_for = Some(keep.as_str().to_string());
    }
    rule.labels.extend(change.labels.clone());
    if let Some(severity) = &change.severity {
        rule.labels.insert("severity".to_string(), severity.clone());
    }
    rule.annotations.extend(change.annotations.clone());
}

/// `did you mean `x`?` when a candidate is close, else the list of candidates.
fn suggestion<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str> + Clone,
    what: &str,
) -> String {
    let best = candidates
        .clone()
        .map(|c| {
            (
                strsim::levenshtein(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .min_by_key(|(d, _)| *d);
    match best {
        Some((distance, candidate)) if distance <= (name.len() / 3).max(2) => {
            format!("did you mean `{candidate}`?")
        }
        _ => {
            let all: Vec<&str> = candidates.collect();
            format!("known {what}: {}", all.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn knob(min: f64, max: f64) -> Knob {
        Knob {
            default: 0.9,
            min: Some(min),
            max: Some(max),
            description: "share of memory used".into(),
        }
    }

    #[test]
    fn thresholds_are_checked_by_name_and_range() {
        let knobs = BTreeMap::from([("host_memory_used".to_string(), knob(0.0, 1.0))]);
        let cases: [(&str, f64, Option<&str>); 4] = [
            ("host_memory_used", 0.8, None),
            (
                "host_memory_use",
                0.8,
                Some("did you mean `host_memory_used`?"),
            ),
            (
                "host_memory_used",
                1.5,
                Some("must be between 0 and 1; the default is 0.9"),
            ),
            ("disk", 0.5, Some("known thresholds: host_memory_used")),
        ];
        for (name, value, hint) in cases {
            let problems = check_thresholds(&BTreeMap::from([(name.to_string(), value)]), &knobs);
            match hint {
                None => assert!(problems.is_empty(), "{name}={value}: {problems:?}"),
                Some(hint) => {
                    assert_eq!(problems.len(), 1);
                    assert_eq!(problems[0].path, format!("alerts.thresholds.{name}"));
                    assert!(
                        problems[0].hint.as_deref().unwrap().contains(hint),
                        "{:?}",
                        problems[0].hint
                    );
                }
            }
        }
    }

    #[test]
    fn disable_names_must_be_preset_alerts() {
        let alerts = vec!["HostHighCpuLoad".to_string(), "HostOutOfMemory".to_string()];
        let problems = check_disable(
            &["HostHighCpuLoad".into(), "HostHighCPULoad2".into()],
            &alerts,
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "alerts.disable[1]");
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("did you mean `HostHighCpuLoad`?")
        );
    }

    #[test]
    fn overrides_name_preset_alerts_and_valid_durations() {
        let alerts = vec!["InstanceDown".to_string()];
        let parse = |yaml: &str| -> BTreeMap<String, AlertOverride> {
            serde_yaml::from_str(yaml).expect("test overrides parse")
        };
        let cases = [
            ("{InstanceDown: {for: 5m}}", vec![]),
            (
                "{InstanceDwn: {for: 5m}}",
                vec!["alerts.overrides.InstanceDwn"],
            ),
            (
                "{InstanceDown: {for: 5 minutes}}",
                vec!["alerts.overrides.InstanceDown.for"],
            ),
        ];
        for (yaml, want) in cases {
            let problems = check_overrides(&parse(yaml), &alerts);
            let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(paths, want, "{yaml}");
        }
    }

    #[test]
    fn an_override_replaces_for_and_severity_and_adds_labels() {
        let mut rule = RenderedRule {
            alert: Some("InstanceDown".into()),
            record: None,
            expr: "up == 0".into(),
            for_: Some("1m".into()),
            keep_firing_for: None,
            labels: BTreeMap::from([("severity".into(), "critical".into())]),
            annotations: BTreeMap::from([("summary".into(), "down".into())]),
        };
        let change: AlertOverride =
            serde_yaml::from_str("{for: 5m, severity: warning, labels: {team: ops}}").unwrap();
        apply_override(&mut rule, &change);
        assert_eq!(rule.for_.as_deref(), Some("5m"));
        assert_eq!(rule.expr, "up == 0");
        assert_eq!(
            rule.labels,
            BTreeMap::from([
                ("severity".to_string(), "warning".to_string()),
                ("team".to_string(), "ops".to_string())
            ])
        );
        assert_eq!(rule.annotations["summary"], "down");
    }

    #[test]
    fn preset_names_must_exist() {
        let problems = check_preset_names(
            &["host".into(), "hots".into(), "kafka".into()],
            &["stack", "host"],
        );
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["alerts.presets[1]", "alerts.presets[2]"]);
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `host`?"));
    }
}
