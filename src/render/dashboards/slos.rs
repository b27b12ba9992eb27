//! The SLO dashboard: per objective, the error budget left over its window, the SLI, and the
//! burn rate over the alerting windows (1h, 6h, 1d, 3d).
//!
//! Charts the series the SLO recording rules write (`render::slo`: `slo:sli_error:ratio_rate*`,
//! `slo:error_budget:ratio`, `slo:error_budget_remaining:ratio`, all labelled `slo="<name>"`),
//! so the panels show exactly what the burn-rate alerts evaluate.

use serde_json::json;

use super::panel::{Dashboard, Panel, Query};
use super::query::matcher;
use crate::render::slo::{self, ERROR_BUDGET, ERROR_BUDGET_REMAINING};
use crate::render::Stack;

pub(crate) const UID: &str = "stackctl-slos";
/// Burn-rate windows charted: the long windows of the page (1h, 6h) and ticket (1d, 3d) alerts.
const BURN_WINDOWS: &[&str] = &["1h", "6h", "1d", "3d"];

pub fn build(stack: &Stack) -> Option<Dashboard> {
    if stack.manifest.slos.is_empty() {
        return None;
    }
    let mut d = Dashboard::new(UID, "Service level objectives");
    for objective in &stack.manifest.slos {
        let window = slo::window(objective);
        let selector = format!("{{{}}}", matcher("slo", &objective.name));
        let window_ratio = format!("{}{selector}", slo::error_ratio_metric(window));
        d.row(format!("{}: {}% over {window}", objective.name, objective.objective))
            .panel(
                Panel::stat("Error budget remaining", 8, 6)
                    .query(Query::range(format!("{ERROR_BUDGET_REMAINING}{selector}"), "budget left"))
                    .unit("percentunit")
                    .defaults(json!({"thresholds": {"mode": "absolute", "steps": [
                        {"color": "red", "value": null}, {"color": "orange", "value": 0}, {"color": "green", "value": 0.25}]}}))
                    .describe("1 = untouched, 0 = spent, below 0 = overspent"),
            )
            .panel(
                Panel::stat(&format!("SLI over {window}"), 4, 6)
                    .query(Query::range(format!("1 - {window_ratio}"), "good"))
                    .unit("percentunit")
                    .defaults(json!({"decimals": 3})),
            );
        let burn = BURN_WINDOWS
            .iter()
            .fold(Panel::timeseries("Burn rate", 12, 6), |panel, w| {
                let ratio = format!("{}{selector}", slo::error_ratio_metric(w));
                panel.query(Query::range(
                    format!("{ratio} / on (slo) {ERROR_BUDGET}{selector}"),
                    w,
                ))
            });
        d.panel(burn.describe("1 = the budget lasts exactly the window; pages at 14.4 (1h) and 6 (6h), tickets at 3 (1d) and 1 (3d)"));
    }
    Some(d)
}
