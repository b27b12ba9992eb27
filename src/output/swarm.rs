//! How the Swarm engine's reports print: what runs on each node (after a deploy, and in
//! `status`), and `status` itself (services with their tasks and config, Prometheus' targets
//! and firing alerts, each problem) or its `--json` document. The command builds the report;
//! nothing here talks to Docker.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::output::status::report::PrometheusView;

/// A running (desired) task of the stack and its node's hostname.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaskRow {
    pub service: String,
    pub node: String,
    pub slot: Option<i64>,
    pub state: String,
    pub error: Option<String>,
}

/// A row of the services table, and of `status --json`'s `services`.
#[derive(Debug, Serialize)]
pub(crate) struct ServiceRow {
    pub service: String,
    pub mode: String,
    pub running: usize,
    pub desired: Option<u64>,
    pub update: String,
    /// `current`, `outdated` (`stackctl deploy --engine swarm` applies the manifest), or `-`.
    pub config: String,
}

/// `status` on a Swarm; also its `--json` document.
#[derive(Debug, Serialize)]
pub struct Report {
    pub project: String,
    pub engine: &'static str,
    pub healthy: bool,
    pub services: Vec<ServiceRow>,
    pub tasks: Vec<TaskRow>,
    pub prometheus: Option<PrometheusView>,
    pub problems: Vec<String>,
}

/// Prints the report, as text or as the `status --json` document.
pub(crate) fn print_status(report: &Report, json: bool) -> anyhow::Result<()> {
    if json {
        super::print_json(report)?;
    } else {
        print!("{}", status_text(report));
    }
    Ok(())
}

/// Prints what runs on each node.
pub(crate) fn print_nodes(rows: &[TaskRow]) {
    print!("{}", nodes_text(rows));
}

/// The services table, the nodes, Prometheus' view and the problems, one per line.
pub(crate) fn status_text(report: &Report) -> String {
    let mut text = format!("stack `{}` on the Swarm\n", report.project);
    text.push_str(&format!(
        "{:<20} {:<10} {:<9} {:<20} config\n",
        "SERVICE", "MODE", "TASKS", "UPDATE"
    ));
    for row in &report.services {
        let tasks = match row.desired {
            Some(d) => format!("{}/{d}", row.running),
            None => format!("{}", row.running),
        };
        text.push_str(&format!(
            "{:<20} {:<10} {:<9} {:<20} {}\n",
            row.service, row.mode, tasks, row.update, row.config
        ));
    }
    text.push_str(&nodes_text(&report.tasks));
    if let Some(view) = &report.prometheus {
        text.push_str(&prometheus_text(view));
    }
    for problem in &report.problems {
        text.push_str(&format!("problem: {problem}\n"));
    }
    text
}

/// `prometheus: 3 target(s) up, 0 down, 1 alert(s) firing` (or why it could not be read),
/// then each firing alert.
fn prometheus_text(view: &PrometheusView) -> String {
    let mut text = match &view.error {
        Some(error) => format!("prometheus: {error}\n"),
        None => format!(
            "prometheus: {} target(s) up, {} down, {} alert(s) firing\n",
            view.targets_up,
            view.targets_down.len(),
            view.firing_alerts.len()
        ),
    };
    for alert in &view.firing_alerts {
        let labels: Vec<String> = alert
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        text.push_str(&format!("  firing: {} {}\n", alert.name, labels.join(", ")));
    }
    text
}

/// `node vm: alertmanager×3, node-exporter 0/1 running` — what runs on each node, a line each.
pub(crate) fn nodes_text(rows: &[TaskRow]) -> String {
    // Per node, per service: (running tasks, all tasks).
    let mut by_node: BTreeMap<&str, BTreeMap<&str, (usize, usize)>> = BTreeMap::new();
    for row in rows {
        let entry = by_node
            .entry(&row.node)
            .or_default()
            .entry(&row.service)
            .or_default();
        entry.1 += 1;
        if row.state == "running" {
            entry.0 += 1;
        }
    }
    let mut text = String::new();
    for (node, services) in by_node {
        let list: Vec<String> = services
            .iter()
            .map(|(service, (running, all))| {
                if running == all {
                    format!("{service}×{all}")
                } else {
                    format!("{service} {running}/{all} running")
                }
            })
            .collect();
        text.push_str(&format!("node {node}: {}\n", list.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(service: &str, node: &str, state: &str) -> TaskRow {
        TaskRow {
            service: service.into(),
            node: node.into(),
            slot: Some(1),
            state: state.into(),
            error: None,
        }
    }

    #[test]
    fn nodes_count_tasks_per_service_and_say_when_some_do_not_run() {
        let rows = [
            (vec![], ""),
            (
                vec![task("prometheus", "vm", "running")],
                "node vm: prometheus×1\n",
            ),
            (
                vec![
                    task("alertmanager", "vm", "running"),
                    task("alertmanager", "vm", "running"),
                    task("grafana", "vm", "preparing"),
                    task("prometheus", "b", "running"),
                ],
                "node b: prometheus×1\nnode vm: alertmanager×2, grafana 0/1 running\n",
            ),
        ];
        for (tasks, want) in rows {
            assert_eq!(nodes_text(&tasks), want);
        }
    }

    #[test]
    fn status_lays_out_services_nodes_prometheus_and_problems() {
        let report = Report {
            project: "shop".into(),
            engine: "swarm",
            healthy: false,
            services: vec![ServiceRow {
                service: "prometheus".into(),
                mode: "replicated".into(),
                running: 0,
                desired: Some(1),
                update: "-".into(),
                config: "outdated".into(),
            }],
            tasks: vec![task("prometheus", "vm", "starting")],
            prometheus: Some(PrometheusView {
                error: Some("connection refused".into()),
                ..PrometheusView::default()
            }),
            problems: vec!["`prometheus` has 0 task(s) running".into()],
        };
        let want = "stack `shop` on the Swarm\n\
            SERVICE              MODE       TASKS     UPDATE               config\n\
            prometheus           replicated 0/1       -                    outdated\n\
            node vm: prometheus 0/1 running\n\
            prometheus: connection refused\n\
            problem: `prometheus` has 0 task(s) running\n";
        assert_eq!(status_text(&report), want);
    }

    #[test]
    fn prometheus_line_counts_targets_and_lists_firing_alerts() {
        let view = PrometheusView {
            targets_up: 3,
            firing_alerts: vec![crate::output::status::report::FiringAlert {
                name: "Watchdog".into(),
                labels: BTreeMap::from([("severity".to_string(), "none".to_string())]),
            }],
            ..PrometheusView::default()
        };
        assert_eq!(
            prometheus_text(&view),
            "prometheus: 3 target(s) up, 0 down, 1 alert(s) firing\n  firing: Watchdog severity=none\n"
        );
    }
}
