//! Dashboards for the preset areas the stack declares: host (node exporter), containers
//! (cAdvisor) and probes (blackbox exporter with `probe` jobs).

use serde_json::json;

use super::panel::{Dashboard, Panel, Query};
use super::query::{any_of, matcher};
use crate::render::{Kind, Stack};

pub(crate) const HOST_UID: &str = "stackctl-host";
pub(crate) const CONTAINERS_UID: &str = "stackctl-containers";
pub(crate) const PROBES_UID: &str = "stackctl-probes";

pub fn host(stack: &Stack) -> Option<Dashboard> {
    let node = stack.get(&Kind::NodeExporter)?;
    let job = matcher("job", &node.job);
    let mut d = Dashboard::new(HOST_UID, "Host");
    host_overview(&mut d, &job);
    host_resources(&mut d, &job);
    Some(d)
}

/// Uptime, cores, memory and root disk at a glance.
fn host_overview(d: &mut Dashboard, job: &str) {
    d.row("Overview")
        .panel(
            Panel::stat("Uptime", 6, 4)
                .query(Query::range(format!("time() - node_boot_time_seconds{{{job}}}"), "{{instance}}"))
                .unit("s"),
        )
        .panel(
            Panel::stat("CPU cores", 6, 4)
                .query(Query::range(format!(r#"count by (instance) (node_cpu_seconds_total{{{job},mode="idle"}})"#), "{{instance}}")),
        )
        .panel(
            Panel::gauge("Memory used", 6, 4)
                .query(Query::range(
                    format!("1 - node_memory_MemAvailable_bytes{{{job}}} / node_memory_MemTotal_bytes{{{job}}}"),
                    "{{instance}}",
                ))
                .unit("percentunit")
                .defaults(thresholds(0.8, 0.9)),
        )
        .panel(
            Panel::gauge("Root disk used", 6, 4)
                .query(Query::range(
                    format!(
                        r#"1 - node_filesystem_avail_bytes{{{job},mountpoint="/"}} / node_filesystem_size_bytes{{{job},mountpoint="/"}}"#
                    ),
                    "{{instance}}",
                ))
                .unit("percentunit")
                .defaults(thresholds(0.8, 0.9)),
        );
}

/// CPU, load, filesystems and network over time.
fn host_resources(d: &mut Dashboard, job: &str) {
    d.row("Resources")
        .panel(
            Panel::timeseries("CPU used", 12, 8)
                .query(Query::range(
                    format!(r#"1 - avg by (instance) (rate(node_cpu_seconds_total{{{job},mode="idle"}}[$__rate_interval]))"#),
                    "{{instance}}",
                ))
                .unit("percentunit"),
        )
        .panel(
            Panel::timeseries("Load average (1m)", 12, 8)
                .query(Query::range(format!("node_load1{{{job}}}"), "{{instance}}")),
        )
        .panel(
            Panel::timeseries("Filesystem used", 12, 8)
                .query(Query::range(
                    format!(
                        r#"1 - node_filesystem_avail_bytes{{{job},fstype!~"tmpfs|overlay|squashfs"}} / node_filesystem_size_bytes{{{job},fstype!~"tmpfs|overlay|squashfs"}}"#
                    ),
                    "{{instance}} {{mountpoint}}",
                ))
                .unit("percentunit"),
        )
        .panel(
            Panel::timeseries("Network traffic", 12, 8)
                .query(Query::range(
                    format!(r#"sum by (instance) (rate(node_network_receive_bytes_total{{{job},device!="lo"}}[$__rate_interval]))"#),
                    "{{instance}} received",
                ))
                .query(Query::range(
                    format!(r#"sum by (instance) (rate(node_network_transmit_bytes_total{{{job},device!="lo"}}[$__rate_interval]))"#),
                    "{{instance}} sent",
                ))
                .unit("Bps"),
        );
}

pub fn containers(stack: &Stack) -> Option<Dashboard> {
    let cadvisor = stack.get(&Kind::Cadvisor)?;
    let sel = format!(r#"{},name!="""#, matcher("job", &cadvisor.job));
    let mut d = Dashboard::new(CONTAINERS_UID, "Containers");
    d.row("Containers")
        .panel(Panel::stat("Running containers", 8, 4).query(Query::range(
            format!("count(container_last_seen{{{sel}}})"),
            "containers",
        )))
        .panel(
            Panel::table("Memory by container", 16, 8).query(Query::instant(format!(
                "sort_desc(sum by (name) (container_memory_working_set_bytes{{{sel}}}))"
            ))),
        );
    d.row("Resources")
        .panel(
            Panel::timeseries("CPU by container", 12, 8)
                .query(Query::range(
                    format!("sum by (name) (rate(container_cpu_usage_seconds_total{{{sel}}}[$__rate_interval]))"),
                    "{{name}}",
                ))
                .unit("short")
                .describe("CPU cores used"),
        )
        .panel(
            Panel::timeseries("Memory by container", 12, 8)
                .query(Query::range(format!("sum by (name) (container_memory_working_set_bytes{{{sel}}})"), "{{name}}"))
                .unit("bytes"),
        )
        .panel(
            Panel::timeseries("Network received", 12, 8)
                .query(Query::range(
                    format!("sum by (name) (rate(container_network_receive_bytes_total{{{sel}}}[$__rate_interval]))"),
                    "{{name}}",
                ))
                .unit("Bps"),
        )
        .panel(
            Panel::timeseries("Network sent", 12, 8)
                .query(Query::range(
                    format!("sum by (name) (rate(container_network_transmit_bytes_total{{{sel}}}[$__rate_interval]))"),
                    "{{name}}",
                ))
                .unit("Bps"),
        );
    Some(d)
}

pub fn probes(stack: &Stack) -> Option<Dashboard> {
    stack.get(&Kind::BlackboxExporter)?;
    let jobs: Vec<String> = stack
        .manifest
        .scrape
        .iter()
        .filter(|j| j.probe.is_some())
        .map(|j| j.job.clone())
        .collect();
    if jobs.is_empty() {
        return None;
    }
    let sel = any_of("job", &jobs);
    let mut d = Dashboard::new(PROBES_UID, "Probes");
    d.row("Availability").panel(
        Panel::stat("Probe result", 24, 5)
            .query(Query::range(
                format!("probe_success{{{sel}}}"),
                "{{instance}}",
            ))
            .up_down(),
    );
    d.row("Details")
        .panel(
            Panel::timeseries("Probe duration", 12, 8)
                .query(Query::range(
                    format!("probe_duration_seconds{{{sel}}}"),
                    "{{instance}}",
                ))
                .unit("s"),
        )
        .panel(
            Panel::timeseries("HTTP status code", 12, 8).query(Query::range(
                format!("probe_http_status_code{{{sel}}}"),
                "{{instance}}",
            )),
        )
        .panel(
            Panel::table("TLS certificate expires in", 24, 6)
                .query(Query::instant(format!(
                    "(probe_ssl_earliest_cert_expiry{{{sel}}} - time())"
                )))
                .unit("s"),
        );
    Some(d)
}

/// Green below `warn`, orange to `critical`, red above.
fn thresholds(warn: f64, critical: f64) -> serde_json::Value {
    json!({"min": 0, "max": 1, "thresholds": {"mode": "absolute", "steps": [
        {"color": "green", "value": null}, {"color": "orange", "value": warn}, {"color": "red", "value": critical}]}})
}
