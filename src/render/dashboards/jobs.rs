//! One dashboard per `scrape` job. Every job gets what every target has (up, scrape duration,
//! samples scraped); traffic, errors and latency only when the job declares its HTTP metrics
//! (`http`, or a `framework` naming them), so no panel waits for a metric the job never exposes.

use super::panel::{Dashboard, Panel, Query};
use super::query::matcher;
use super::uid;
use crate::manifest::ScrapeJob;
use crate::render::Stack;

/// The HTTP metrics of a job, resolved from `http` over `framework`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpMetrics {
    /// A request counter.
    pub requests: Option<String>,
    /// A histogram base name (`_bucket` is appended).
    pub duration: Option<String>,
    pub status_label: String,
}

/// Metric names each framework's usual instrumentation exposes: (requests, duration, status label).
/// prom-client: express-prom-bundle; micrometer: Spring Boot Actuator with histograms on;
/// prometheus-client: prometheus-fastapi-instrumentator; go and generic: promhttp conventions.
pub(crate) const FRAMEWORK_METRICS: &[(&str, &str, &str, &str)] = &[
    (
        "prom-client",
        "http_request_duration_seconds_count",
        "http_request_duration_seconds",
        "status_code",
    ),
    (
        "micrometer",
        "http_server_requests_seconds_count",
        "http_server_requests_seconds",
        "status",
    ),
    (
        "prometheus-client",
        "http_requests_total",
        "http_request_duration_seconds",
        "status",
    ),
    (
        "go",
        "http_requests_total",
        "http_request_duration_seconds",
        "code",
    ),
    (
        "generic",
        "http_requests_total",
        "http_request_duration_seconds",
        "code",
    ),
];

/// What the job says it exposes; `None` when it says nothing (or names an unknown framework,
/// which validate reports).
pub fn http_metrics(job: &ScrapeJob) -> Option<HttpMetrics> {
    let framework = job.framework.as_deref().and_then(|name| {
        FRAMEWORK_METRICS.iter().find(|(f, ..)| *f == name).map(
            |(_, requests, duration, status)| HttpMetrics {
                requests: Some(requests.to_string()),
                duration: Some(duration.to_string()),
                status_label: status.to_string(),
            },
        )
    });
    match (&job.http, framework) {
        (None, framework) => framework,
        (Some(http), framework) => Some(HttpMetrics {
            requests: http
                .requests
                .clone()
                .or_else(|| framework.as_ref().and_then(|f| f.requests.clone())),
            duration: http
                .duration
                .clone()
                .map(|d| d.trim_end_matches("_bucket").to_string())
                .or_else(|| framework.as_ref().and_then(|f| f.duration.clone())),
            status_label: http
                .status_label
                .clone()
                .or_else(|| framework.map(|f| f.status_label))
                .unwrap_or_else(|| "code".to_string()),
        }),
    }
}

pub fn build(stack: &Stack) -> Vec<Dashboard> {
    stack
        .manifest
        .scrape
        .iter()
        .filter(|job| job.probe.is_none())
        .map(job_dashboard)
        .collect()
}

pub(crate) fn uid_for(job: &str) -> String {
    uid(&format!("job-{job}"))
}

fn job_dashboard(job: &ScrapeJob) -> Dashboard {
    let selector = matcher("job", &job.job);
    let mut dashboard = Dashboard::new(uid_for(&job.job), format!("Job {}", job.job));
    targets(&mut dashboard, &selector);
    if let Some(http) = http_metrics(job) {
        traffic(&mut dashboard, &selector, &http);
    }
    dashboard
}

/// What Prometheus records for every target of every job.
fn targets(dashboard: &mut Dashboard, selector: &str) {
    dashboard
        .row("Targets")
        .panel(
            Panel::stat("Targets up", 8, 4)
                .query(Query::range(format!("up{{{selector}}}"), "{{instance}}"))
                .up_down(),
        )
        .panel(
            Panel::timeseries("Scrape duration", 8, 8)
                .query(Query::range(
                    format!("scrape_duration_seconds{{{selector}}}"),
                    "{{instance}}",
                ))
                .unit("s"),
        )
        .panel(
            Panel::timeseries("Samples scraped", 8, 8).query(Query::range(
                format!("scrape_samples_scraped{{{selector}}}"),
                "{{instance}}",
            )),
        );
}

/// Request rate, error ratio and latency from the metrics the job declares.
fn traffic(dashboard: &mut Dashboard, selector: &str, http: &HttpMetrics) {
    if let Some(counter) = &http.requests {
        let requests = format!("{counter}{{{selector}}}");
        let errors = format!(r#"{counter}{{{selector},{}=~"5.."}}"#, http.status_label);
        let error_ratio = format!(
            "sum(rate({errors}[$__rate_interval])) / sum(rate({requests}[$__rate_interval]))"
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
                    .describe(format!("From `{counter}`")),
            )
            .panel(
                Panel::timeseries("Error ratio (5xx)", 12, 8)
                    .query(Query::range(error_ratio, "5xx / all"))
                    .unit("percentunit")
                    .describe(format!("`{}` 5xx over all requests", http.status_label)),
            );
    }
    if let Some(histogram) = &http.duration {
        let latency = Panel::timeseries("Latency p50 / p95 / p99", 24, 8)
            .unit("s")
            .describe(format!("From `{histogram}_bucket`"));
        let latency = [("0.5", "p50"), ("0.95", "p95"), ("0.99", "p99")].into_iter().fold(latency, |panel, (q, legend)| {
            panel.query(Query::range(
                format!("histogram_quantile({q}, sum by (le) (rate({histogram}_bucket{{{selector}}}[$__rate_interval])))"),
                legend,
            ))
        });
        dashboard.row("Latency").panel(latency);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(yaml: &str) -> ScrapeJob {
        serde_yaml::from_str(yaml).expect("test job parses")
    }

    fn exprs(dashboard: &Dashboard) -> String {
        serde_json::to_string(&dashboard.panels_json()).unwrap()
    }

    #[test]
    fn a_job_that_declares_nothing_gets_only_what_every_target_has() {
        let text = exprs(&job_dashboard(&job("{job: api, targets: ['api:80']}")));
        assert!(text.contains("scrape_duration_seconds"), "{text}");
        assert!(text.contains("scrape_samples_scraped"), "{text}");
        assert!(!text.contains("http_"), "{text}");
    }

    #[test]
    fn http_and_framework_decide_the_traffic_panels() {
        let cases = [
            (
                "{job: a, framework: micrometer}",
                Some("http_server_requests_seconds_count"),
                Some("http_server_requests_seconds"),
                "status",
            ),
            (
                "{job: a, framework: prom-client}",
                Some("http_request_duration_seconds_count"),
                Some("http_request_duration_seconds"),
                "status_code",
            ),
            (
                "{job: a, framework: go}",
                Some("http_requests_total"),
                Some("http_request_duration_seconds"),
                "code",
            ),
            (
                "{job: a, http: {requests: reqs_total}}",
                Some("reqs_total"),
                None,
                "code",
            ),
            (
                "{job: a, framework: micrometer, http: {status_label: outcome}}",
                Some("http_server_requests_seconds_count"),
                Some("http_server_requests_seconds"),
                "outcome",
            ),
            (
                "{job: a, http: {duration: lat_seconds_bucket}}",
                None,
                Some("lat_seconds"),
                "code",
            ),
        ];
        for (yaml, requests, duration, status) in cases {
            let got = http_metrics(&job(yaml)).expect(yaml);
            assert_eq!(got.requests.as_deref(), requests, "{yaml}");
            assert_eq!(got.duration.as_deref(), duration, "{yaml}");
            assert_eq!(got.status_label, status, "{yaml}");
        }
        let text = exprs(&job_dashboard(&job(
            "{job: a, http: {requests: reqs_total}}",
        )));
        assert!(
            text.contains("reqs_total") && !text.contains("histogram_quantile"),
            "{text}"
        );
        let text = exprs(&job_dashboard(&job("{job: a, framework: micrometer}")));
        assert!(text.contains(r#"status=~\"5..\""#), "{text}");
        assert!(
            text.contains("http_server_requests_seconds_bucket"),
            "{text}"
        );
    }
}
