//! Checks of one SLO that would otherwise render wrong or unloadable rules; each problem is
//! addressed by its key (`slos[2].objective`). `manifest::validate` reports these first; this
//! is the render's own guard.

use std::collections::BTreeMap;

use crate::manifest::{Diagnostic, Slo};

/// Problems that would make the SLO's rules wrong or unloadable.
pub fn check(slo: &Slo, i: usize, seen: &mut BTreeMap<String, usize>) -> Vec<Diagnostic> {
    let mut problems = name_problems(slo, i, seen);
    let at = |key: &str| format!("slos[{i}].{key}");
    if !(slo.objective > 0.0 && slo.objective < 100.0) {
        problems.push(
            Diagnostic::new(at("objective"), format!("objective {} is not a percentage between 0 and 100", slo.objective))
                .hint("write the share of good events in percent, e.g. `99.9`; 100 leaves no error budget"),
        );
    }
    if slo
        .window
        .as_ref()
        .is_some_and(|w| w.millis().is_none_or(|ms| ms == 0))
    {
        problems.push(
            Diagnostic::new(at("window"), "the SLO window is not a positive duration")
                .hint("e.g. `30d` or `4w`"),
        );
    }
    problems.extend(indicator_problems(slo, i));
    problems
}

/// The name becomes a file name and a label value, and must be unique.
fn name_problems(slo: &Slo, i: usize, seen: &mut BTreeMap<String, usize>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let path = format!("slos[{i}].name");
    let mut chars = slo.name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        problems.push(
            Diagnostic::new(
                &path,
                format!(
                    "SLO name `{}` cannot name a rule file and a label",
                    slo.name
                ),
            )
            .hint("use letters, digits, `-` and `_`, starting with a letter (`api-availability`)"),
        );
    }
    if let Some(first) = seen.insert(slo.name.clone(), i) {
        problems.push(
            Diagnostic::new(&path, format!("SLO `{}` is declared twice", slo.name)).hint(format!(
                "`slos[{first}]` has the same name; give each SLO its own"
            )),
        );
    }
    problems
}

/// Exactly one indicator: `errors` with `total`, or `latency` with a positive threshold.
fn indicator_problems(slo: &Slo, i: usize) -> Option<Diagnostic> {
    let at = |key: &str| format!("slos[{i}].{key}");
    match ((slo.errors.is_some(), slo.total.is_some()), &slo.latency) {
        ((true, true), None) => None,
        ((false, false), Some(latency)) => latency.threshold.seconds().is_none_or(|s| s <= 0.0).then(|| {
            Diagnostic::new(at("latency.threshold"), "the latency threshold is not a positive duration")
                .hint("use one of the histogram's bucket bounds, e.g. `0.5s` or `300ms`")
        }),
        ((false, false), None) => Some(
            Diagnostic::new(format!("slos[{i}]"), "an SLO needs an indicator")
                .hint("give `errors` and `total` (counter selectors), or `latency: {histogram, selector, threshold}`"),
        ),
        ((has_errors, _), None) => Some(
            Diagnostic::new(at(if has_errors { "total" } else { "errors" }), "`errors` and `total` go together").hint(
                if has_errors { "add `total`: the selector of all events" } else { "add `errors`: the selector of bad events" },
            ),
        ),
        (_, Some(_)) => Some(
            Diagnostic::new(format!("slos[{i}]"), "an SLO has either `errors`/`total` or `latency`, not both")
                .hint("split it into two SLOs"),
        ),
    }
}
