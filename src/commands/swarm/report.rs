//! What runs where on the Swarm: tasks per node for deploy's report, and `status` (services,
//! tasks per node, drift between the rendered and the deployed spec, Prometheus' targets and
//! firing alerts when its port is published). Builds the reports; `output::swarm` prints them.

use std::collections::BTreeMap;
use std::process::ExitCode;

use crate::commands::session::Session;
use crate::commands::status_view;
use crate::docker::swarm_spec::service_name;
use crate::docker::Daemon;
use crate::output::swarm::{self, TaskRow};
use crate::render::swarm::HASH_LABEL;

/// The running (desired) tasks of the stack, with their node's hostname.
pub(crate) async fn task_rows(daemon: &Daemon, project: &str) -> anyhow::Result<Vec<TaskRow>> {
    let services = daemon.stack_services(project).await?;
    let ids: Vec<String> = services.iter().map(|s| s.id.clone()).collect();
    let tasks = daemon.stack_tasks(&ids).await?;
    let nodes: BTreeMap<String, String> = daemon
        .swarm_nodes()
        .await?
        .into_iter()
        .map(|n| (n.id, n.hostname))
        .collect();
    let prefix = format!("{project}_");
    let mut rows: Vec<TaskRow> = tasks
        .into_iter()
        .filter(|t| t.desired_state == "running")
        .map(|t| TaskRow {
            service: services
                .iter()
                .find(|s| s.id == t.service_id)
                .map(|s| s.name.trim_start_matches(&prefix).to_string())
                .unwrap_or_default(),
            node: nodes.get(&t.node_id).cloned().unwrap_or(t.node_id),
            slot: t.slot,
            state: t.state,
            error: t.error,
        })
        .collect();
    rows.sort_by(|a, b| (&a.node, &a.service, a.slot).cmp(&(&b.node, &b.service, b.slot)));
    Ok(rows)
}

pub async fn status(daemon: &Daemon, session: &Session, json: bool) -> anyhow::Result<ExitCode> {
    let project = &session.project;
    let Some(file) = session.stack.swarm.as_ref() else {
        anyhow::bail!("the stack was not rendered for a Swarm");
    };
    let services = daemon.stack_services(project).await?;
    let tasks = task_rows(daemon, project).await?;
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (key, desired) in &file.services {
        let name = service_name(project, key);
        let found = services.iter().find(|s| s.name == name);
        let running = tasks
            .iter()
            .filter(|t| &t.service == key && t.state == "running")
            .count();
        let config = match found {
            None => {
                problems.push(format!("`{key}` is not deployed"));
                "-".to_string()
            }
            Some(s) if s.labels.get(HASH_LABEL) == desired.deploy.labels.get(HASH_LABEL) => {
                "current".to_string()
            }
            Some(_) => {
                problems.push(format!("`{key}` runs another spec than the manifest renders (`stackctl deploy --engine swarm` applies it)"));
                "outdated".to_string()
            }
        };
        let desired_count = found.and_then(|s| s.replicas);
        if found.is_some() && (running == 0 || desired_count.is_some_and(|d| (running as u64) < d))
        {
            problems.push(format!("`{key}` has {running} task(s) running"));
        }
        rows.push(swarm::ServiceRow {
            service: key.clone(),
            mode: desired.deploy.mode.clone(),
            running,
            desired: desired_count,
            update: found
                .and_then(|s| s.update_state.clone())
                .unwrap_or_else(|| "-".to_string()),
            config,
        });
    }
    let prometheus = match session
        .service("prometheus")
        .and_then(|d| d.spec.url.clone())
    {
        Some(url) => {
            let credentials = session
                .service("prometheus")
                .and_then(|d| session.credentials(&d.spec));
            Some(status_view::read(&url, credentials).await)
        }
        None => None,
    };
    if let Some(view) = &prometheus {
        problems.extend(view.targets_down.iter().map(|t| {
            format!(
                "target {} of job `{}` is down: {}",
                t.instance, t.job, t.last_error
            )
        }));
    }
    let report = swarm::Report {
        project: project.clone(),
        engine: "swarm",
        healthy: problems.is_empty(),
        services: rows,
        tasks,
        prometheus,
        problems,
    };
    swarm::print_status(&report, json)?;
    Ok(if report.healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
