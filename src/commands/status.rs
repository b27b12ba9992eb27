//! `stackctl status [--json]`: per service state, health, uptime, image, URL and config
//! drift; Prometheus' view (down targets with their last error, failing rules, firing alerts).
//! Exit 0 when healthy, 1 otherwise. One list call, parallel inspects, short HTTP timeouts.

mod network;
pub(crate) mod prometheus;
mod uptime;

use std::process::ExitCode;

use futures_util::future::join_all;
use serde::Serialize;

use super::deploy::session::{self, Session};
use super::deploy::state::DeployedState;
use super::deploy::{http, ready};
use crate::cli::{GlobalArgs, StatusArgs};
use crate::docker::{labels, ContainerStatus, Engine, Health, ObservedContainer, RunState};
use crate::plan::DesiredService;
use prometheus::PrometheusView;

#[derive(Debug, Serialize)]
struct Report {
    project: String,
    healthy: bool,
    services: Vec<ServiceRow>,
    prometheus: Option<PrometheusView>,
    /// Everything that makes the stack not healthy, one sentence each.
    problems: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ServiceRow {
    service: String,
    state: String,
    health: String,
    uptime_seconds: Option<i64>,
    image: String,
    url: Option<String>,
    /// `current`, `changed` (files differ: `stackctl reload`), `outdated` (spec differs:
    /// `stackctl deploy`), or `-` when not deployed.
    config: String,
}

pub fn exec(global: &GlobalArgs, args: StatusArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    if super::swarm::wanted(&session) {
        return super::swarm::status(&session, &args);
    }
    let report = session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        anyhow::Ok(collect(&engine, &session).await?)
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print(&report);
    }
    Ok(if report.healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn collect<E: Engine>(engine: &E, session: &Session) -> anyhow::Result<Report> {
    let network_name = labels::default_network(&session.project);
    let (containers, networks) = futures_util::try_join!(
        engine.list_containers(&session.project),
        engine.networks_named(&network_name),
    )?;
    let deployed = DeployedState::read(&session.out_dir).by_container();
    let current: Vec<Option<&ObservedContainer>> = session
        .desired
        .iter()
        .map(|d| {
            let name = labels::container_name(&session.project, &d.spec.name);
            containers.iter().find(|c| c.name == name)
        })
        .collect();
    let inspected = join_all(current.iter().map(|c| async move {
        match c {
            Some(c) => engine.inspect_container(&c.id).await.ok(),
            None => None,
        }
    }))
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let deployed_services: Vec<(&str, &ObservedContainer)> = session
        .desired
        .iter()
        .zip(&current)
        .filter_map(|(d, c)| Some((d.spec.name.as_str(), (*c)?)))
        .collect();
    let mut problems = network::problems(&session.project, &networks, &deployed_services);
    let mut services = Vec::new();
    let mut prometheus_base = None;
    let mut prometheus_credentials = None;
    let probes = join_all(
        session
            .desired
            .iter()
            .zip(&inspected)
            .map(|(d, s)| answers_ready(d, s.as_ref(), session)),
    )
    .await;
    for (((d, c), status), ready) in session
        .desired
        .iter()
        .zip(&current)
        .zip(&inspected)
        .zip(probes)
    {
        let mut row = row(d, *c, status.as_ref(), &deployed, now);
        if ready && row.health == Health::Starting.as_str() {
            row.health = "ready".to_string(); // the first healthcheck has not run yet, the probe passed
        }
        problems.extend(row_problems(&row));
        if d.spec.name == "prometheus" && row.state == "running" {
            let port = d
                .spec
                .ready
                .as_ref()
                .map(|p| p.port)
                .or(d.spec.metrics_port)
                .unwrap_or(9090);
            prometheus_credentials = session.credentials(&d.spec);
            prometheus_base = status
                .as_ref()
                .and_then(|s| ready::endpoint(&d.spec, port, s, &session.project))
                .map(|a| format!("http://{a}"));
        }
        services.push(row);
    }
    let prometheus = match prometheus_base {
        Some(base) => Some(prometheus::read(&base, prometheus_credentials).await),
        None => None,
    };
    if let Some(view) = &prometheus {
        problems.extend(prometheus_problems(view));
    }
    Ok(Report {
        project: session.project.clone(),
        healthy: problems.is_empty(),
        services,
        prometheus,
        problems,
    })
}

/// Whether a service whose healthcheck has not reported yet already answers its readiness probe.
async fn answers_ready(
    d: &DesiredService,
    status: Option<&ContainerStatus>,
    session: &Session,
) -> bool {
    let project = &session.project;
    let (Some(status), Some(probe)) = (status, &d.spec.ready) else {
        return false;
    };
    if status.health != Health::Starting {
        return false;
    }
    let Some(address) = ready::endpoint(&d.spec, probe.port, status, project) else {
        return false;
    };
    let url = format!("http://{address}{}", probe.path);
    let timeout = std::time::Duration::from_millis(500);
    http::get_as(&url, session.credentials(&d.spec), timeout)
        .await
        .is_ok_and(|r| r.ok())
}

fn row(
    d: &DesiredService,
    container: Option<&ObservedContainer>,
    status: Option<&ContainerStatus>,
    deployed: &std::collections::BTreeMap<String, String>,
    now: i64,
) -> ServiceRow {
    let (Some(c), Some(s)) = (container, status) else {
        return ServiceRow {
            service: d.spec.name.clone(),
            state: "missing".into(),
            health: "-".into(),
            uptime_seconds: None,
            image: d.spec.image.clone(),
            url: d.spec.url.clone(),
            config: "-".into(),
        };
    };
    let applied = deployed
        .get(&c.id)
        .map(String::as_str)
        .or(c.label(labels::CONFIG_HASH));
    let config = if c.label(labels::SPEC_HASH) != Some(d.spec_hash.as_str()) {
        "outdated"
    } else if applied != Some(d.config_hash.as_str()) {
        "changed"
    } else {
        "current"
    };
    let running = s.state == RunState::Running;
    ServiceRow {
        service: d.spec.name.clone(),
        state: s.state.as_str().to_string(),
        health: s.health.as_str().to_string(),
        uptime_seconds: s
            .started_at
            .as_deref()
            .and_then(uptime::parse_rfc3339)
            .filter(|_| running)
            .map(|t| now - t),
        image: s.image.clone(),
        url: d.spec.url.clone(),
        config: config.to_string(),
    }
}

fn row_problems(row: &ServiceRow) -> Vec<String> {
    let mut problems = Vec::new();
    match row.state.as_str() {
        "running" => {}
        "missing" => problems.push(format!(
            "`{}` is not deployed (run `stackctl deploy`)",
            row.service
        )),
        state => problems.push(format!("`{}` is {state}", row.service)),
    }
    if row.health == Health::Unhealthy.as_str() || row.health == Health::Starting.as_str() {
        problems.push(format!("`{}` is {}", row.service, row.health));
    }
    match row.config.as_str() {
        "changed" => problems.push(format!("`{}` runs older config files than rendered (run `stackctl reload`)", row.service)),
        "outdated" => problems.push(format!("`{}` runs an older image, ports or flags than the manifest says (run `stackctl deploy`)", row.service)),
        _ => {}
    }
    problems
}

fn prometheus_problems(view: &PrometheusView) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(error) = &view.error {
        problems.push(format!("cannot read Prometheus' API: {error}"));
    }
    for t in &view.targets_down {
        problems.push(format!(
            "target {} of job `{}` is {}: {}",
            t.instance, t.job, t.health, t.last_error
        ));
    }
    for r in &view.rule_failures {
        problems.push(format!(
            "rule `{}` in group `{}` fails: {}",
            r.rule, r.group, r.error
        ));
    }
    problems
}

fn print(report: &Report) {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header([
        "SERVICE", "STATE", "HEALTH", "UPTIME", "IMAGE", "CONFIG", "URL",
    ]);
    for s in &report.services {
        let uptime = s
            .uptime_seconds
            .map(uptime::human)
            .unwrap_or_else(|| "-".into());
        let url = s.url.clone().unwrap_or_else(|| "-".into());
        table.add_row([
            &s.service, &s.state, &s.health, &uptime, &s.image, &s.config, &url,
        ]);
    }
    println!("{table}");
    if let Some(view) = &report.prometheus {
        println!();
        println!(
            "targets: {} up, {} down",
            view.targets_up,
            view.targets_down.len()
        );
        for t in &view.targets_down {
            println!("  down  {} ({}): {}", t.instance, t.job, t.last_error);
        }
        println!("rule evaluation failures: {}", view.rule_failures.len());
        for r in &view.rule_failures {
            println!("  {} / {}: {}", r.group, r.rule, r.error);
        }
        println!("firing alerts: {}", view.firing_alerts.len());
        for a in &view.firing_alerts {
            println!("  {} {}", a.name, a.labels);
        }
    }
    println!();
    if report.healthy {
        println!("stack `{}` is healthy", report.project);
    } else {
        println!("stack `{}` is degraded:", report.project);
        for p in &report.problems {
            println!("  - {p}");
        }
    }
}
