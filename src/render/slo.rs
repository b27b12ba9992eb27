//! Service level objectives (`slos`) as multi-window, multi-burn-rate rules (Google SRE
//! workbook, "Alerting on SLOs"), one file per SLO: `prometheus/rules/slo-<name>.yml`.
//!
//! Metric names, stable (dashboards chart them); every series carries `slo="<name>"`:
//! - `slo:sli_error:ratio_rate5m` … `ratio_rate3d` — share of bad events over 5m, 30m, 1h, 2h,
//!   6h, 1d, 3d (`ERROR_RATIO_PREFIX` + window)
//! - `slo:sli_error:ratio_rate<window>` — the same over the SLO window (`ratio_rate30d`)
//! - `slo:objective:ratio` — the objective as a ratio (99.9 → 0.999)
//! - `slo:error_budget:ratio` — 1 − objective (0.001)
//! - `slo:error_budget_remaining:ratio` — 1 − window error ratio / error budget: 1 untouched,
//!   0 spent, below 0 overspent
//!
//! Alerts `SloErrorBudgetBurnPage` (severity critical: 14.4× over 1h and 5m, or 6× over 6h and
//! 30m) and `SloErrorBudgetBurnTicket` (severity warning: 3× over 1d and 2h, or 1× over 3d and
//! 6h), labelled `slo`, `severity` and the SLO's `labels`. A burn factor f means the error
//! ratio exceeds f × (1 − objective/100).
//!
//! A latency SLI counts requests slower than `threshold` as bad:
//! 1 − rate(`<histogram>_bucket{le=threshold}`) / rate(`<histogram>_count`), with `le` matched
//! in both spellings (`1` and `1.0`) because Prometheus 3 normalises `le` to float form.

use std::collections::BTreeMap;

mod check;

use super::rules::{self, Group, RenderedRule, RuleFile};
use super::{Draft, Kind, Stack};
use crate::manifest::Slo;
use check::check;

pub(crate) const ERROR_RATIO_PREFIX: &str = "slo:sli_error:ratio_rate";
pub(crate) const OBJECTIVE: &str = "slo:objective:ratio";
pub(crate) const ERROR_BUDGET: &str = "slo:error_budget:ratio";
pub(crate) const ERROR_BUDGET_REMAINING: &str = "slo:error_budget_remaining:ratio";
pub(crate) const PAGE_ALERT: &str = "SloErrorBudgetBurnPage";
pub(crate) const TICKET_ALERT: &str = "SloErrorBudgetBurnTicket";
/// The SLO window when `window` is not given.
pub(crate) const DEFAULT_WINDOW: &str = "30d";

/// Error-ratio windows recorded for burn-rate alerts.
pub(crate) const BURN_WINDOWS: [&str; 7] = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

/// (long window, short window, burn factor) pairs of one alert.
type BurnPairs = [(&'static str, &'static str, f64); 2];
const PAGE: BurnPairs = [("1h", "5m", 14.4), ("6h", "30m", 6.0)];
const TICKET: BurnPairs = [("1d", "2h", 3.0), ("3d", "6h", 1.0)];

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(prometheus) = stack.get(&Kind::Prometheus) else {
        return Ok(());
    };
    let mut seen = BTreeMap::new();
    for (i, slo) in stack.manifest.slos.iter().enumerate() {
        let problems = check(slo, i, &mut seen);
        if !problems.is_empty() {
            problems.into_iter().for_each(|p| draft.problem(p));
            continue;
        }
        let file = rules::fit_to_release(rule_file(slo), prometheus.version);
        rules::write_rule_file(stack, draft, &format!("slo-{}", slo.name), &file)?;
    }
    Ok(())
}

/// The SLO window as written (`30d`).
pub fn window(slo: &Slo) -> &str {
    slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.as_str())
}

/// The recorded error ratio over `window` (`slo:sli_error:ratio_rate1h`).
pub(crate) fn error_ratio_metric(window: &str) -> String {
    format!("{ERROR_RATIO_PREFIX}{window}")
}

/// Rules of one checked SLO.
pub fn rule_file(slo: &Slo) -> RuleFile {
    let label = BTreeMap::from([("slo".to_string(), slo.name.clone())]);
    let record = |name: String, expr: String| RenderedRule {
        alert: None,
        record: Some(name),
        expr,
        for_: None,
        keep_firing_for: None,
        labels: label.clone(),
        annotations: BTreeMap::new(),
    };
    let budget = 1.0 - slo.objective / 100.0;
    let mut records: Vec<RenderedRule> = BURN_WINDOWS
        .iter()
        .map(|w| record(error_ratio_metric(w), error_ratio_expr(slo, w)))
        .collect();
    let window = window(slo);
    if !BURN_WINDOWS.contains(&window) {
        records.push(record(
            error_ratio_metric(window),
            error_ratio_expr(slo, window),
        ));
    }
    records.push(record(
        OBJECTIVE.to_string(),
        format!("vector({})", ratio(slo.objective / 100.0)),
    ));
    records.push(record(
        ERROR_BUDGET.to_string(),
        format!("vector({})", ratio(budget)),
    ));
    records.push(record(
        ERROR_BUDGET_REMAINING.to_string(),
        format!(
            "1 - {}{} / {}",
            error_ratio_metric(window),
            selector(&slo.name),
            ratio(budget)
        ),
    ));
    let alerts = vec![
        burn_alert(slo, PAGE_ALERT, "critical", &PAGE, budget),
        burn_alert(slo, TICKET_ALERT, "warning", &TICKET, budget),
    ];
    RuleFile {
        groups: vec![
            Group {
                name: format!("slo-{}-ratios", slo.name),
                interval: None,
                limit: None,
                labels: BTreeMap::new(),
                rules: records,
            },
            Group {
                name: format!("slo-{}-alerts", slo.name),
                interval: None,
                limit: None,
                labels: BTreeMap::new(),
                rules: alerts,
            },
        ],
    }
}

fn burn_alert(
    slo: &Slo,
    name: &str,
    severity: &str,
    pairs: &BurnPairs,
    budget: f64,
) -> RenderedRule {
    let condition = |(long, short, factor): &(&str, &str, f64)| {
        let threshold = format!("({} * {})", ratio(*factor), ratio(budget));
        format!(
            "(\n  {}{sel} > {threshold}\nand\n  {}{sel} > {threshold}\n)",
            error_ratio_metric(long),
            error_ratio_metric(short),
            sel = selector(&slo.name),
        )
    };
    let expr = pairs
        .iter()
        .map(condition)
        .collect::<Vec<_>>()
        .join("\nor\n");
    let mut labels = slo.labels.clone();
    labels.insert("slo".to_string(), slo.name.clone());
    labels.insert("severity".to_string(), severity.to_string());
    let factors = pairs
        .iter()
        .map(|(l, s, f)| format!("{}x over {l} and {s}", ratio(*f)))
        .collect::<Vec<_>>()
        .join(", or ");
    let pace = if severity == "critical" {
        "too fast"
    } else {
        "steadily"
    };
    let mut annotations = BTreeMap::from([
        ("summary".to_string(), format!("SLO {} burns its error budget {pace}.", slo.name)),
        (
            "description".to_string(),
            format!(
                "SLO {} ({}% over {}) has an error ratio of {{{{ $value | humanizePercentage }}}}, burning its error budget at {factors} the sustainable rate.",
                slo.name,
                ratio(slo.objective),
                window(slo)
            ),
        ),
    ]);
    if let Some(description) = &slo.description {
        annotations.insert("slo_description".to_string(), description.clone());
    }
    RenderedRule {
        alert: Some(name.to_string()),
        record: None,
        expr,
        for_: None,
        keep_firing_for: None,
        labels,
        annotations,
    }
}

fn selector(slo: &str) -> String {
    format!(
        "{{slo=\"{}\"}}",
        slo.replace('\\', r"\\").replace('"', "\\\"")
    )
}

/// Share of bad events over `window`. No error series at all counts as no errors.
pub(crate) fn error_ratio_expr(slo: &Slo, window: &str) -> String {
    match (&slo.errors, &slo.total, &slo.latency) {
        (Some(errors), Some(total), _) => {
            format!("(sum(rate({errors}[{window}])) or vector(0))\n/\nsum(rate({total}[{window}]))")
        }
        (_, _, Some(latency)) => {
            let seconds = latency.threshold.seconds().unwrap_or(0.0);
            let bound = if latency.histogram.ends_with("_milliseconds") {
                seconds * 1000.0
            } else {
                seconds
            };
            let bucket = with_matcher(&latency.selector, &format!("le=~\"{}\"", le_pattern(bound)));
            let base = &latency.histogram;
            format!(
                "1 - (\n  sum(rate({base}_bucket{bucket}[{window}]))\n/\n  sum(rate({base}_count{}[{window}]))\n)",
                latency.selector.trim()
            )
        }
        _ => "vector(0)".to_string(),
    }
}

/// `{job="api"}` + `le=~".."` → `{job="api",le=~".."}`.
fn with_matcher(selector: &str, matcher: &str) -> String {
    let inner = selector
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim()
        .trim_end_matches(',');
    if inner.is_empty() {
        format!("{{{matcher}}}")
    } else {
        format!("{{{inner},{matcher}}}")
    }
}

/// Regex (inside a PromQL string) matching a bucket bound in Prometheus 2 and 3 spellings.
fn le_pattern(bound: f64) -> String {
    let short = ratio(bound);
    let mut forms = vec![short.clone()];
    if !short.contains('.') {
        forms.push(format!("{short}.0"));
    }
    forms
        .iter()
        .map(|f| f.replace('.', r"\\."))
        .collect::<Vec<_>>()
        .join("|")
}

/// A ratio or factor without float noise (`0.0009999999999999432` → `0.001`).
fn ratio(value: f64) -> String {
    let text = format!("{value:.12}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests;
