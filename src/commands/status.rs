//! `stackctl status [--json]`: per service state, health, uptime, image, URL and config
//! drift; Prometheus' view (down targets with their last error, failing rules, firing alerts).
//! Exit 0 when healthy, 1 otherwise. One list call, parallel inspects, short HTTP timeouts.
//! `--json` follows docs/status.schema.json (`output::status::Report`); a container
//! `docker compose up` started from the export is recognised (`created_by: compose`) and its
//! drift explained. This file builds the report; `output::status` words and prints it.

mod network;
pub(crate) mod prometheus;
mod uptime;

use std::collections::BTreeMap;
use std::process::ExitCode;

use futures_util::future::join_all;

use super::session::state::DeployedState;
use super::session::{self, http, on_disk, ready, Session};
use crate::cli::{GlobalArgs, StatusArgs};
use crate::docker::{ContainerStatus, Engine, Health, ObservedContainer, RunState};
use crate::labels;
use crate::output::status::{
    Config, CreatedBy, Problem, ProblemCode, Report, ServiceRow, STATUS_SCHEMA_VERSION,
};
use crate::plan::{Adoption, ComposeExport, DesiredService};
use prometheus::PrometheusView;

pub fn exec(global: &GlobalArgs, args: StatusArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    if super::swarm::wanted(&session) {
        return super::swarm::status(&session, &args);
    }
    let report = session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        anyhow::Ok(collect(&engine, &session).await?)
    })?;
    crate::output::status::print(&report, args.json)?;
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
    let compose = if containers.iter().any(|c| !c.is_stackctl()) {
        ComposeView {
            export: on_disk::compose_export(session),
            on_disk_config: on_disk::config_hashes(session)?,
        }
    } else {
        ComposeView::default()
    };
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
        let (mut row, drift) = row(d, (*c, status.as_ref()), (&deployed, &compose), now);
        if ready && row.health.as_deref() == Some(Health::Starting.as_str()) {
            // The first healthcheck has not run yet, the probe passed.
            row.health = Some("ready".to_string());
        }
        problems.extend(row_problems(&row));
        problems.extend(drift);
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
                .map(|a| format!("{}://{a}", d.spec.scheme()));
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
        schema_version: STATUS_SCHEMA_VERSION,
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
    let url = format!("{}://{address}{}", d.spec.scheme(), probe.path);
    let timeout = std::time::Duration::from_millis(500);
    http::get_as(&url, session.credentials(&d.spec), timeout)
        .await
        .is_ok_and(|r| r.ok())
}

/// What `status` needs to recognise containers `docker compose up` started.
#[derive(Default)]
struct ComposeView {
    export: Option<ComposeExport>,
    on_disk_config: BTreeMap<String, String>,
}

/// A service's row, and the problem its drift from the manifest is (with what differs).
fn row(
    d: &DesiredService,
    (container, status): (Option<&ObservedContainer>, Option<&ContainerStatus>),
    (deployed, compose): (&BTreeMap<String, String>, &ComposeView),
    now: i64,
) -> (ServiceRow, Vec<Problem>) {
    let (Some(c), Some(s)) = (container, status) else {
        let row = ServiceRow {
            service: d.spec.name.clone(),
            state: "missing".into(),
            health: None,
            uptime_seconds: None,
            image: d.spec.image.clone(),
            url: d.spec.url.clone(),
            config: None,
            created_by: None,
        };
        return (row, Vec::new());
    };
    let name = d.spec.name.as_str();
    let adopted_before = deployed.contains_key(&c.id);
    let adoption = (!c.is_stackctl())
        .then(|| crate::plan::adoption(c, compose.export.as_ref(), adopted_before));
    let applied = deployed
        .get(&c.id)
        .map(String::as_str)
        .or(c.label(labels::CONFIG_HASH))
        .or(adoption
            .as_ref()
            .and(compose.on_disk_config.get(name).map(String::as_str)));
    let config_state = if applied == Some(d.config_hash.as_str()) {
        Config::Current
    } else {
        Config::Changed
    };
    let (config, created_by, drift) = match &adoption {
        None if c.label(labels::SPEC_HASH) != Some(d.spec_hash.as_str()) => (
            Config::Outdated,
            CreatedBy::Stackctl,
            vec![Problem::new(
                ProblemCode::SpecOutdated,
                Some(name),
                format!("`{name}` runs an older image, ports or flags than the manifest says (run `stackctl deploy`)"),
            )],
        ),
        None => (config_state, CreatedBy::Stackctl, Vec::new()),
        Some(Adoption::Adopt) => (config_state, CreatedBy::Compose, Vec::new()),
        Some(Adoption::Differs(changes)) => {
            let what: Vec<String> = changes.iter().map(ToString::to_string).collect();
            (
                Config::Outdated,
                CreatedBy::Compose,
                vec![Problem::new(
                    ProblemCode::SpecOutdated,
                    Some(name),
                    format!(
                        "`{name}` was started by `docker compose` from a docker-compose.yml that differs from the manifest: {} (run `stackctl deploy`)",
                        what.join("; ")
                    ),
                )],
            )
        }
        Some(Adoption::Stale) => (
            Config::Outdated,
            CreatedBy::Compose,
            vec![Problem::new(
                ProblemCode::SpecOutdated,
                Some(name),
                format!("`{name}` was started by `docker compose` from a docker-compose.yml that was rewritten after: what it runs is unknown (run `stackctl deploy` to recreate it, or `docker compose up -d` again)"),
            )],
        ),
        Some(Adoption::Foreign) => (
            Config::Outdated,
            CreatedBy::Other,
            vec![Problem::new(
                ProblemCode::SpecOutdated,
                Some(name),
                format!(
                    "`{}` was not created by stackctl nor from this project's docker-compose.yml (run `stackctl deploy --remove-orphans` to replace it)",
                    c.name
                ),
            )],
        ),
    };
    let running = s.state == RunState::Running;
    let row = ServiceRow {
        service: d.spec.name.clone(),
        state: s.state.as_str().to_string(),
        health: (s.health != Health::None).then(|| s.health.as_str().to_string()),
        uptime_seconds: s
            .started_at
            .as_deref()
            .and_then(uptime::parse_rfc3339)
            .filter(|_| running)
            .map(|t| now - t),
        image: s.image.clone(),
        url: d.spec.url.clone(),
        config: Some(config),
        created_by: Some(created_by),
    };
    (row, drift)
}

fn row_problems(row: &ServiceRow) -> Vec<Problem> {
    let service = Some(row.service.as_str());
    let name = &row.service;
    let mut problems = Vec::new();
    match row.state.as_str() {
        "running" => {}
        "missing" => problems.push(Problem::new(
            ProblemCode::ServiceMissing,
            service,
            format!("`{name}` is not deployed (run `stackctl deploy`)"),
        )),
        state => problems.push(Problem::new(
            ProblemCode::ServiceNotRunning,
            service,
            format!("`{name}` is {state}"),
        )),
    }
    match row.health.as_deref() {
        Some("unhealthy") => problems.push(Problem::new(
            ProblemCode::ServiceUnhealthy,
            service,
            format!("`{name}` is unhealthy"),
        )),
        Some("starting") => problems.push(Problem::new(
            ProblemCode::ServiceStarting,
            service,
            format!("`{name}` is starting"),
        )),
        _ => {}
    }
    if row.config == Some(Config::Changed) {
        problems.push(Problem::new(
            ProblemCode::ConfigChanged,
            service,
            format!("`{name}` runs older config files than rendered (run `stackctl reload`)"),
        ));
    }
    problems
}

fn prometheus_problems(view: &PrometheusView) -> Vec<Problem> {
    let mut problems = Vec::new();
    let prometheus = Some("prometheus");
    if let Some(error) = &view.error {
        problems.push(Problem::new(
            ProblemCode::PrometheusUnreachable,
            prometheus,
            format!("cannot read Prometheus' API: {error}"),
        ));
    }
    for t in &view.targets_down {
        problems.push(Problem::new(
            ProblemCode::TargetDown,
            prometheus,
            format!(
                "target {} of job `{}` is {}: {}",
                t.instance, t.job, t.health, t.last_error
            ),
        ));
    }
    for r in &view.rule_failures {
        problems.push(Problem::new(
            ProblemCode::RuleFailing,
            prometheus,
            format!(
                "rule `{}` in group `{}` fails: {}",
                r.rule, r.group, r.error
            ),
        ));
    }
    problems
}
