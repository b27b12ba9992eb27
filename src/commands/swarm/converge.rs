//! deploy and reload on a Swarm: write the rendered files, create what is missing (network,
//! configs, secrets), create or update services (rolling, rolled back by Swarm on failure),
//! wait until every task runs and is healthy, then remove configs and secrets no longer used.
//! A plan with nothing to do touches nothing and says so.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::observe::observe;
use super::{report, task_error};
use crate::commands::session::Session;
use crate::docker::swarm::{ObjectKind, ObservedService, ObservedTask};
use crate::docker::swarm_spec::{service_name, service_spec, stamped_task_hash, Resolved};
use crate::docker::{Daemon, Engine};
use crate::error::CommandError;
use crate::labels;
use crate::output;
use crate::output::deploy::{Outcome, Summary};
use crate::output::progress::{Progress, ServiceLine};
use crate::render::swarm::{StackFile, NAMESPACE_LABEL};
use crate::swarm_plan::{self, ServiceAction};

/// A service this run created or updated, and the task hash its new tasks carry.
struct Changed {
    key: String,
    how: &'static str,
    task: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Deploy { dry_run: bool },
    Reload,
}

pub async fn run(
    daemon: &Daemon,
    session: &Session,
    mode: Mode,
    timeout: Duration,
) -> anyhow::Result<ExitCode> {
    let project = &session.project;
    let Some(file) = session.stack.swarm.as_ref() else {
        anyhow::bail!("the stack was not rendered for a Swarm");
    };
    let observed = observe(daemon, project).await?;
    let plan = swarm_plan::plan(project, file, &observed);
    let network = labels::default_network(project);
    if mode == (Mode::Deploy { dry_run: true }) {
        let lines = (!plan.is_up_to_date()).then(|| plan.describe(&network));
        output::deploy::print_swarm_plan(project, lines.as_deref());
        return Ok(ExitCode::SUCCESS);
    }
    if !plan.is_up_to_date() {
        crate::commands::session::checks::judge(session)?;
    }
    session.write_rendered()?;
    if plan.is_up_to_date() {
        output::deploy::print_summary(&Summary {
            project,
            outcome: Outcome::SwarmUpToDate {
                services: file.services.len(),
            },
            urls: session.urls(),
        });
        return Ok(ExitCode::SUCCESS);
    }
    let labels = BTreeMap::from([(NAMESPACE_LABEL.to_string(), project.clone())]);
    let network_id = match &observed.network {
        Some(id) => id.clone(),
        None => daemon.create_overlay_network(&network, &labels).await?,
    };
    let mut ids: BTreeMap<String, String> = observed
        .configs
        .iter()
        .chain(&observed.secrets)
        .map(|o| (o.name.clone(), o.id.clone()))
        .collect();
    create_objects(daemon, session, file, &plan, &labels, &mut ids).await?;
    let mut networks = BTreeMap::from([(network.clone(), network_id)]);
    for external in &session.loaded.manifest.networks {
        if let Some(found) = daemon.find_network(external).await? {
            networks.insert(external.clone(), found.id);
        }
    }
    let resolved = Resolved {
        ids: &ids,
        networks: &networks,
        docker_gid: docker_socket_gid(),
    };
    let started = Instant::now();
    let mut changed = Vec::new();
    let before: BTreeMap<String, Option<String>> = observed
        .services
        .iter()
        .map(|s| (s.name.clone(), s.update_started.clone()))
        .collect();
    for step in &plan.services {
        let service = &file.services[&step.key];
        let spec = service_spec(project, &step.key, service, file, &resolved);
        let task = stamped_task_hash(&spec);
        match &step.action {
            ServiceAction::Create => {
                daemon.create_service(spec).await?;
                changed.push(Changed {
                    key: step.key.clone(),
                    how: "created",
                    task,
                });
            }
            ServiceAction::Update { id, version } => {
                let warnings = daemon.update_service(id, *version, spec).await?;
                if !warnings.is_empty() {
                    let name = service_name(project, &step.key);
                    output::print_warnings(&[format!(
                        "updating `{name}`: {}",
                        warnings.join("; ")
                    )]);
                }
                changed.push(Changed {
                    key: step.key.clone(),
                    how: "updated",
                    task,
                });
            }
            ServiceAction::Keep { .. } => {}
        }
    }
    for (name, id) in &plan.remove {
        daemon.remove_service(id).await?;
        output::deploy::print_removed_service(name);
    }
    let outcome = |key: &str, how: &str| match mode {
        Mode::Reload if how == "updated" => reloaded(session, key),
        _ => how.to_string(),
    };
    let waited = wait(daemon, project, file, &changed, &before, timeout, outcome).await;
    let elapsed = started.elapsed();
    let removed = remove_unused(daemon, project, file).await?;
    let tasks = report::task_rows(daemon, project).await?;
    match waited {
        Ok(()) => {
            output::swarm::print_nodes(&tasks);
            output::deploy::print_summary(&Summary {
                project,
                outcome: Outcome::SwarmUp {
                    services: file.services.len(),
                    removed_unused: removed,
                    seconds: elapsed.as_secs_f64(),
                },
                urls: session.urls(),
            });
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => Err(anyhow::Error::new(failure)),
    }
}

/// What confirms a reloaded service: its tasks are healthy, and for Prometheus and
/// Alertmanager the health check passes only while the program reports its configuration
/// loaded (`render::swarm` health checks), so a running task is the program's own word.
fn reloaded(session: &Session, key: &str) -> String {
    let kind = crate::manifest::topology::components(&session.loaded.manifest)
        .into_iter()
        .find(|c| c.service == key)
        .map(|c| c.kind);
    match kind.as_ref().and_then(crate::render::swarm::reload_metric) {
        Some(metric) => format!("reloaded (new config; every task reports `{metric} 1`)"),
        None => "reloaded (new config/secrets)".to_string(),
    }
}

async fn create_objects(
    daemon: &Daemon,
    session: &Session,
    file: &StackFile,
    plan: &swarm_plan::SwarmPlan,
    labels: &BTreeMap<String, String>,
    ids: &mut BTreeMap<String, String>,
) -> anyhow::Result<()> {
    let contents = |path: &str| -> anyhow::Result<Vec<u8>> {
        let path = path.trim_start_matches("./");
        session
            .stack
            .files
            .get(path)
            .map(|f| f.contents.expose().as_bytes().to_vec())
            .ok_or_else(|| anyhow::anyhow!("`{path}` was not rendered"))
    };
    let kinds = [
        (ObjectKind::Config, &file.configs, &plan.configs),
        (ObjectKind::Secret, &file.secrets, &plan.secrets),
    ];
    for (kind, objects, planned) in kinds {
        for object in objects.values() {
            if planned.contains(&object.name) && !ids.contains_key(&object.name) {
                let id = daemon
                    .create_object(kind, &object.name, labels, &contents(&object.file)?)
                    .await?;
                ids.insert(object.name.clone(), id);
            }
        }
    }
    Ok(())
}

/// Waits until each changed service's update is complete and its tasks run (Swarm marks a
/// task running only once its health check passes); a rolled-back update is a failure with
/// the program's own error. Each service has a live line saying what it waits for (tasks on
/// the new spec, the update, a rollback) with the time spent, and its `outcome` the moment it
/// is ready.
async fn wait(
    daemon: &Daemon,
    project: &str,
    file: &StackFile,
    changed: &[Changed],
    before: &BTreeMap<String, Option<String>>,
    timeout: Duration,
    outcome: impl Fn(&str, &str) -> String,
) -> Result<(), CommandError> {
    let deadline = Instant::now() + timeout;
    let progress = Progress::new();
    let lines: Vec<ServiceLine> = changed
        .iter()
        .map(|c| {
            let line = progress.service(&c.key, timeout);
            line.step(c.how);
            line
        })
        .collect();
    let mut ready = vec![false; changed.len()];
    loop {
        let services = daemon
            .stack_services(project)
            .await
            .map_err(|e| CommandError::failure(format!("{e:#}")))?;
        let ids: Vec<String> = services.iter().map(|s| s.id.clone()).collect();
        let tasks = daemon
            .stack_tasks(&ids)
            .await
            .map_err(|e| CommandError::failure(format!("{e:#}")))?;
        let nodes = daemon.swarm_nodes().await.unwrap_or_default();
        // Swarm neither starts nor updates a global service's task on a paused node.
        let paused: BTreeSet<&str> = nodes
            .iter()
            .filter(|n| n.availability == "pause")
            .map(|n| n.id.as_str())
            .collect();
        let nodes = nodes.len().max(1);
        let mut pending = Vec::new();
        for (i, Changed { key, how, task }) in changed.iter().enumerate() {
            if ready[i] {
                continue;
            }
            let line = &lines[i];
            let name = service_name(project, key);
            let Some(service) = services.iter().find(|s| s.name == name) else {
                line.waiting("not listed yet");
                pending.push(format!("`{key}` (not listed yet)"));
                continue;
            };
            // An update status from before this deploy (a rollback of the last one) says
            // nothing about this spec: wait for the updater to set a new one, or for the
            // tasks alone to tell (a change that replaces no task sets none).
            let earlier = before.get(&name).cloned().flatten();
            let stale = *how == "updated"
                && service.update_started.is_some()
                && service.update_started == earlier;
            let global = file.services[key].deploy.mode == "global";
            match service_state(
                service,
                &tasks,
                task.as_ref(),
                stale,
                &paused,
                nodes,
                global,
            ) {
                State::Ready => {
                    line.done(&outcome(key, how));
                    ready[i] = true;
                }
                State::Waiting(why) => {
                    line.waiting(&why);
                    pending.push(format!("`{key}` ({why})"));
                }
                State::RolledBack(why) => {
                    line.failed("rolled back");
                    let error = task_error::last_error(daemon, service, &tasks).await;
                    return Err(CommandError::failure(format!(
                        "`{key}` did not take the new spec: Swarm rolled the update back ({why}){error}"
                    ))
                    .hint(format!("the previous configuration of `{key}` is running again; fix the manifest and deploy again (`docker service ps {name} --no-trunc` lists the failed tasks)")));
                }
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            for (i, line) in lines.iter().enumerate() {
                if !ready[i] {
                    line.failed("not ready");
                }
            }
            return Err(CommandError::failure(format!(
                "not ready after {}s: {}",
                timeout.as_secs(),
                pending.join(", ")
            ))
            .hint("`stackctl status` shows the tasks per node; `docker service ps PROJECT_SERVICE --no-trunc` shows why a task does not start"));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

enum State {
    Ready,
    Waiting(String),
    RolledBack(String),
}

/// Where one changed service stands. Its tasks are counted only when made from `template`
/// (the new spec's task hash, `render::swarm::TASK_LABEL`): until Swarm's updater starts, the
/// old tasks still run and look healthy, and the service's update status may still be the
/// previous update's. A global service's old task on a `paused` node is left out: Swarm
/// does not update it there until the node is active again.
fn service_state(
    service: &ObservedService,
    tasks: &[ObservedTask],
    template: Option<&String>,
    stale_status: bool,
    paused: &BTreeSet<&str>,
    nodes: usize,
    global: bool,
) -> State {
    let message = service.update_message.clone().unwrap_or_default();
    let status = service.update_state.as_deref().filter(|_| !stale_status);
    match status {
        Some("rollback_completed") | Some("rollback_paused") | Some("paused") => {
            return State::RolledBack(message)
        }
        Some("rollback_started") => return State::Waiting("rolling back".to_string()),
        Some("updating") => return State::Waiting("updating".to_string()),
        _ => {}
    }
    let new = |t: &ObservedTask| template.is_none() || t.template.as_ref() == template;
    let wanted: Vec<&ObservedTask> = tasks
        .iter()
        .filter(|t| t.service_id == service.id && t.desired_state == "running")
        .filter(|t| !(global && paused.contains(t.node_id.as_str()) && !new(t)))
        .collect();
    let old = wanted.iter().filter(|t| !new(t)).count();
    let running = wanted
        .iter()
        .filter(|t| new(t) && t.state == "running")
        .count();
    let expected = match service.replicas {
        Some(replicas) => replicas as usize,
        None if global => wanted.len().max(1).min(nodes.max(1)),
        None => 1,
    };
    if old > 0 {
        State::Waiting(format!(
            "{running}/{expected} tasks running the new spec, {old} on the old one"
        ))
    } else if running >= expected && wanted.len() == running {
        State::Ready
    } else {
        State::Waiting(format!("{running}/{expected} tasks running"))
    }
}

/// Removes the stack's configs and secrets the file no longer names (kept while in use).
async fn remove_unused(daemon: &Daemon, project: &str, file: &StackFile) -> anyhow::Result<usize> {
    let observed = observe(daemon, project).await?;
    let (configs, secrets) = swarm_plan::unused(file, &observed);
    let mut removed = 0;
    let unused = (configs.into_iter().map(|o| (ObjectKind::Config, o)))
        .chain(secrets.into_iter().map(|o| (ObjectKind::Secret, o)));
    for (kind, object) in unused {
        removed += usize::from(daemon.remove_object(kind, &object.id).await?);
    }
    Ok(removed)
}

/// The group that owns the local Docker socket (Prometheus joins it to read Swarm discovery).
fn docker_socket_gid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt as _;
    let address = crate::docker::daemon_address();
    let path = address.strip_prefix("unix://")?;
    std::fs::metadata(path).ok().map(|m| m.gid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(update_state: Option<&str>) -> ObservedService {
        ObservedService {
            id: "s1".to_string(),
            name: "demo_prometheus".to_string(),
            version: 7,
            labels: BTreeMap::new(),
            update_state: update_state.map(str::to_string),
            update_message: Some("update rolled back due to failure".to_string()),
            update_started: update_state.map(|_| "2026-12-06T02:00:00Z".to_string()),
            replicas: Some(2),
        }
    }

    fn task(slot: i64, template: &str, state: &str) -> ObservedTask {
        ObservedTask {
            id: format!("t{slot}{template}"),
            service_id: "s1".to_string(),
            slot: Some(slot),
            node_id: "n1".to_string(),
            state: state.to_string(),
            desired_state: "running".to_string(),
            message: String::new(),
            error: None,
            container_id: None,
            timestamp: String::new(),
            template: Some(template.to_string()),
        }
    }

    fn state(service: &ObservedService, tasks: &[ObservedTask], stale: bool) -> String {
        let new = "new".to_string();
        match service_state(
            service,
            tasks,
            Some(&new),
            stale,
            &BTreeSet::new(),
            1,
            false,
        ) {
            State::Ready => "ready".to_string(),
            State::Waiting(why) => format!("waiting: {why}"),
            State::RolledBack(why) => format!("rolled back: {why}"),
        }
    }

    /// Right after Swarm accepts a new spec the old tasks still run, healthy, and the update
    /// status is empty: that is not the new spec being ready, however long the updater takes
    /// to start (a grace period used to end the wait here after 10 s).
    #[test]
    fn old_tasks_running_healthy_are_not_the_new_spec_ready() {
        let old = [task(1, "old", "running"), task(2, "old", "running")];
        assert_eq!(
            state(&service(None), &old, false),
            "waiting: 0/2 tasks running the new spec, 2 on the old one"
        );
        let halfway = [task(1, "new", "running"), task(2, "old", "running")];
        assert_eq!(
            state(&service(None), &halfway, false),
            "waiting: 1/2 tasks running the new spec, 1 on the old one"
        );
        let done = [task(1, "new", "running"), task(2, "new", "running")];
        assert_eq!(state(&service(Some("completed")), &done, false), "ready");
    }

    /// A change Swarm applies in place (a label, the update settings) keeps the task template:
    /// the tasks already running are the new spec's, so there is nothing to wait for.
    #[test]
    fn a_change_that_keeps_the_task_template_is_ready_at_once() {
        let tasks = [task(1, "new", "running"), task(2, "new", "running")];
        assert_eq!(state(&service(None), &tasks, false), "ready");
    }

    /// A rollback is a failure only when it belongs to this update: the status the previous,
    /// rolled-back deploy left is ignored until the updater sets a new one.
    #[test]
    fn only_this_updates_rollback_fails_the_deploy() {
        let old = [task(1, "old", "running"), task(2, "old", "running")];
        let rolled_back = service(Some("rollback_completed"));
        assert!(state(&rolled_back, &old, false).starts_with("rolled back: update rolled back"));
        assert_eq!(
            state(&rolled_back, &old, true),
            "waiting: 0/2 tasks running the new spec, 2 on the old one"
        );
    }

    /// A global agent's task on a paused node keeps the old spec (Swarm updates nothing
    /// there): the update is done when every other node runs the new one.
    #[test]
    fn a_global_task_on_a_paused_node_is_not_waited_for() {
        let mut global = service(Some("completed"));
        global.replicas = None;
        let mut on_paused = task(2, "old", "running");
        on_paused.node_id = "n2".to_string();
        let tasks = [task(1, "new", "running"), on_paused];
        let new = "new".to_string();
        let paused = BTreeSet::from(["n2"]);
        assert!(matches!(
            service_state(&global, &tasks, Some(&new), false, &paused, 2, true),
            State::Ready
        ));
        assert!(matches!(
            service_state(
                &global,
                &tasks,
                Some(&new),
                false,
                &BTreeSet::new(),
                2,
                true
            ),
            State::Waiting(_)
        ));
    }
}
