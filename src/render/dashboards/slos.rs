//! The SLO dashboard: per objective, the error budget left over its window and the burn rate
//! over the alerting windows (1h, 6h, 1d, 3d).
//!
//! Queries are built from the SLO's own selectors (`errors`/`total`, or the latency histogram),
//! not from recording rules, so the panels work whatever the rules are named and from the
//! first scrape on.

use serde_json::json;

use super::panel::{Dashboard, Panel, Query};
use super::query::with_matchers;
use crate::manifest::Slo;
use crate::render::Stack;

pub const UID: &str = "stackctl-slos";
pub const DEFAULT_WINDOW: &str = "30d";
/// Burn-rate windows of the multi-window alerts, with the factor that pages or tickets.
const BURN_WINDOWS: &[&str] = &["1h", "6h", "1d", "3d"];

pub fn build(stack: &Stack) -> Option<Dashboard> {
    if stack.manifest.slos.is_empty() {
        return None;
    }
    let mut d = Dashboard::new(UID, "Service level objectives");
    for slo in &stack.manifest.slos {
        let Some(ratio) = ErrorRatio::of(slo) else {
            continue;
        };
        let window = slo
            .window
            .as_ref()
            .map(|w| w.as_str().to_string())
            .unwrap_or_else(|| DEFAULT_WINDOW.to_string());
        let budget = error_budget(slo.objective);
        d.row(format!("{}: {}% over {window}", slo.name, slo.objective))
            .panel(
                Panel::stat("Error budget remaining", 8, 6)
                    .query(Query::range(format!("1 - ({}) / {budget}", ratio.over(&window)), "budget left"))
                    .unit("percentunit")
                    .defaults(json!({"thresholds": {"mode": "absolute", "steps": [
                        {"color": "red", "value": null}, {"color": "orange", "value": 0}, {"color": "green", "value": 0.25}]}})),
            )
            .panel(
                Panel::stat(&format!("SLI over {window}"), 4, 6)
                    .query(Query::range(format!("1 - ({})", ratio.over(&window)), "good"))
                    .unit("percentunit")
                    .defaults(json!({"decimals": 3})),
            );
        let burn = BURN_WINDOWS
            .iter()
            .fold(Panel::timeseries("Burn rate", 12, 6), |panel, w| {
                panel.query(Query::range(format!("({}) / {budget}", ratio.over(w)), w))
            });
        d.panel(burn.describe(
            "1 = the budget lasts exactly the window; the page alerts fire at 14.4 (1h) and 6 (6h)",
        ));
    }
    Some(d)
}

/// The allowed fraction of bad events (`99.9` → `0.001`), without float noise.
fn error_budget(objective_percent: f64) -> String {
    let text = format!("{:.10}", 1.0 - objective_percent / 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The fraction of bad events of one SLO, as a PromQL template over a range.
enum ErrorRatio {
    Counters { errors: String, total: String },
    Latency { good: String, total: String },
}

impl ErrorRatio {
    fn of(slo: &Slo) -> Option<Self> {
        if let (Some(errors), Some(total)) = (&slo.errors, &slo.total) {
            return Some(Self::Counters {
                errors: errors.clone(),
                total: total.clone(),
            });
        }
        let latency = slo.latency.as_ref()?;
        let seconds = latency.threshold.seconds()?;
        let le = if seconds.fract() == 0.0 {
            format!(r#"le=~"{seconds}(\\.0)?""#)
        } else {
            format!(r#"le="{seconds}""#)
        };
        Some(Self::Latency {
            good: format!(
                "{}_bucket{}",
                latency.histogram,
                with_matchers(&latency.selector, &le)
            ),
            total: format!(
                "{}_count{}",
                latency.histogram,
                with_matchers(&latency.selector, "")
            ),
        })
    }

    fn over(&self, window: &str) -> String {
        match self {
            Self::Counters { errors, total } => {
                format!("sum(rate({errors}[{window}])) / sum(rate({total}[{window}]))")
            }
            Self::Latency { good, total } => {
                format!("1 - sum(rate({good}[{window}])) / sum(rate({total}[{window}]))")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_budget_has_no_float_noise() {
        let cases = [
            (99.9, "0.001"),
            (99.0, "0.01"),
            (99.95, "0.0005"),
            (90.0, "0.1"),
        ];
        for (objective, want) in cases {
            assert_eq!(error_budget(objective), want, "{objective}");
        }
    }
}
