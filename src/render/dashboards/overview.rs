//! The stack overview dashboard: every component up, scrape health, firing alerts, and recent
//! error logs when Loki is present.

use super::panel::{Dashboard, Panel, Query};
use super::query::any_of;
use crate::render::{Kind, Stack};

pub(crate) const UID: &str = "stackctl-overview";

/// LogQL for error lines of every stream (Loki 3 gives every stream a `service_name`).
pub(crate) const ERROR_LOGS: &str =
    r#"{service_name=~".+"} |~ "(?i)(error|fatal|panic|exception)""#;

pub fn build(stack: &Stack) -> Dashboard {
    let mut dashboard = Dashboard::new(UID, "Stack overview");
    let jobs: Vec<String> = stack
        .components
        .iter()
        .filter(|c| c.metrics_path.is_some())
        .map(|c| c.job.clone())
        .collect();
    dashboard.row("Components").panel(
        Panel::stat("Components up", 24, 5)
            .query(Query::range(
                format!("min by (job) (up{{{}}})", any_of("job", &jobs)),
                "{{job}}",
            ))
            .up_down()
            .describe(
                "One tile per component Prometheus scrapes: DOWN means its last scrape failed",
            ),
    );
    dashboard
        .row("Scrape health")
        .panel(
            Panel::timeseries("Targets up by job", 12, 8)
                .query(Query::range("avg by (job) (up)", "{{job}}"))
                .unit("percentunit")
                .defaults(serde_json::json!({"min": 0, "max": 1})),
        )
        .panel(
            Panel::timeseries("Scrape duration by job", 12, 8)
                .query(Query::range(
                    "max by (job) (scrape_duration_seconds)",
                    "{{job}}",
                ))
                .unit("s"),
        )
        .panel(Panel::table("Targets down", 24, 6).query(Query::instant("up == 0")));
    dashboard.row("Alerts").panel(
        Panel::table("Firing alerts", 24, 8)
            .query(Query::instant(r#"ALERTS{alertstate="firing"}"#)),
    );
    if stack.has(&Kind::Loki) {
        dashboard
            .row("Logs")
            .panel(Panel::logs("Recent error logs", 24, 10).query(Query::range(ERROR_LOGS, "")));
    }
    dashboard
}
