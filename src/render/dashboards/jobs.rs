//! One dashboard per `scrape` job: targets up, request rate, error ratio and latency
//! percentiles from the usual metric names (`http_requests_total`,
//! `http_request_duration_seconds`); panels stay empty when a job does not expose them.

use super::panel::{Dashboard, Panel, Query};
use super::query::matcher;
use super::uid;
use crate::manifest::ScrapeJob;
use crate::render::Stack;

pub fn build(stack: &Stack) -> Vec<Dashboard> {
    stack
        .manifest
        .scrape
        .iter()
        .filter(|job| job.probe.is_none())
        .map(job_dashboard)
        .collect()
}

pub fn uid_for(job: &str) -> String {
    uid(&format!("job-{job}"))
}

fn job_dashboard(job: &ScrapeJob) -> Dashboard {
    let selector = matcher("job", &job.job);
    let requests = format!("http_requests_total{{{selector}}}");
    let errors = format!(r#"http_requests_total{{{selector},code=~"5.."}}"#);
    let error_ratio =
        format!("sum(rate({errors}[$__rate_interval])) / sum(rate({requests}[$__rate_interval]))");
    let mut dashboard = Dashboard::new(uid_for(&job.job), format!("Job {}", job.job));
    dashboard
        .row("Targets")
        .panel(
            Panel::stat("Targets up", 8, 4)
                .query(Query::range(format!("up{{{selector}}}"), "{{instance}}"))
                .up_down(),
        )
        .panel(
            Panel::stat("Request rate", 8, 4)
                .query(Query::range(
                    format!("sum(rate({requests}[$__rate_interval]))"),
                    "requests/s",
                ))
                .unit("reqps"),
        )
        .panel(
            Panel::stat("Error ratio (5xx)", 8, 4)
                .query(Query::range(error_ratio.clone(), "errors"))
                .unit("percentunit"),
        );
    dashboard
        .row("Traffic")
        .panel(
            Panel::timeseries("Request rate by instance", 12, 8)
                .query(Query::range(
                    format!("sum by (instance) (rate({requests}[$__rate_interval]))"),
                    "{{instance}}",
                ))
                .unit("reqps")
                .describe("From `http_requests_total`; empty when the job does not expose it"),
        )
        .panel(
            Panel::timeseries("Error ratio (5xx)", 12, 8)
                .query(Query::range(error_ratio, "5xx / all"))
                .unit("percentunit"),
        );
    let latency = Panel::timeseries("Latency p50 / p95 / p99", 24, 8)
        .unit("s")
        .describe("From `http_request_duration_seconds`; empty when the job does not expose it");
    let latency = [("0.5", "p50"), ("0.95", "p95"), ("0.99", "p99")].into_iter().fold(latency, |panel, (q, legend)| {
        panel.query(Query::range(
            format!(
                "histogram_quantile({q}, sum by (le) (rate(http_request_duration_seconds_bucket{{{selector}}}[$__rate_interval])))"
            ),
            legend,
        ))
    });
    dashboard.row("Latency").panel(latency);
    dashboard
}
