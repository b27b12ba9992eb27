//! Apply: run a plan against the engine — pulls, network, volumes, removals, then services
//! level by level (a level's services in parallel), each started and waited on until ready.
//! Recreate follows compose: create under a temporary name, stop and remove the old
//! container, rename. Reloads are left to `reload` (they may need a rollback).

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::future::join_all;

use super::{ports, pull};
use crate::commands::session::{ready, secrets, Session};
use crate::docker::{ContainerRequest, Engine, NameConflict};
use crate::labels;
use crate::output::progress::{Progress, ServiceLine};
use crate::output::style;
use crate::plan::{DesiredService, Plan, ServiceAction, ServiceStep};

const STOP_TIMEOUT_SECS: i64 = 10;

/// What happened to each service, in plan order (`created`, `recreated`, `started`, `unchanged`).
pub(crate) type Outcomes = Vec<(String, String)>;

pub async fn apply<E: Engine>(
    engine: &E,
    session: &Session,
    plan: &Plan,
    (timeout, progress): (Duration, &Progress),
) -> anyhow::Result<Outcomes> {
    pull::pull_all(engine, session, &plan.pulls).await?;
    let network = match &plan.create_network {
        Some(network) => {
            let id = engine
                .create_network(network, labels::network_labels(&session.project, "default"))
                .await?;
            progress.note(&format!("created network {network}"));
            id
        }
        // By ID: with a duplicate of the name around, Docker calls the name ambiguous.
        None => plan.network_id.clone().unwrap_or_default(),
    };
    for volume in &plan.create_volumes {
        let key = volume
            .strip_prefix(&format!("{}_", session.project))
            .unwrap_or(volume);
        engine
            .create_volume(volume, labels::volume_labels(&session.project, key))
            .await?;
        progress.note(&format!("created volume {volume}"));
    }
    for removal in &plan.removals {
        engine.remove_container(&removal.id, false).await?;
        progress.note(&format!(
            "removed {} ({})",
            removal.container, removal.reason
        ));
    }
    for duplicate in &plan.remove_networks {
        // Its containers are recreated onto the kept network; with the name ambiguous no
        // container could start.
        for container in &duplicate.detach {
            engine.disconnect_network(&duplicate.id, container).await?;
        }
        engine.remove_network(&duplicate.id).await?;
        progress.note(&format!("removed duplicate network {}", duplicate.id));
    }
    ports::check_free(session, plan)?;
    ensure_bind_sources(session)?;
    let image_ids = image_ids(engine, session).await?;
    let context = Context {
        engine,
        session,
        network,
        image_ids,
        timeout,
        progress,
        root_propagates: root_mount_propagates(),
    };
    let mut outcomes = Vec::new();
    for level in &plan.levels {
        let results = join_all(level.iter().map(|step| context.converge(step))).await;
        let mut first_error = None;
        for (step, result) in level.iter().zip(results) {
            match result {
                Ok(outcome) => outcomes.push((step.service.clone(), outcome)),
                Err(e) if first_error.is_none() => first_error = Some(e),
                Err(e) => crate::output::print_error(&e),
            }
        }
        if let Some(error) = first_error {
            return Err(error);
        }
    }
    Ok(outcomes)
}

async fn image_ids<E: Engine>(
    engine: &E,
    session: &Session,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut ids = BTreeMap::new();
    for d in &session.desired {
        if !ids.contains_key(&d.spec.image) {
            let id = engine.image_id(&d.spec.image).await?.unwrap_or_default();
            ids.insert(d.spec.image.clone(), id);
        }
    }
    Ok(ids)
}

struct Context<'a, E> {
    engine: &'a E,
    session: &'a Session,
    /// ID of the project network the services join.
    network: String,
    image_ids: BTreeMap<String, String>,
    timeout: Duration,
    progress: &'a Progress,
    root_propagates: bool,
}

impl<E: Engine> Context<'_, E> {
    /// Converges one service, its live line saying what it does and its outcome printed as
    /// soon as it is known.
    async fn converge(&self, step: &ServiceStep) -> anyhow::Result<String> {
        let line = self.progress.service(&step.service, self.timeout);
        match self.converge_reporting(step, &line).await {
            Ok(outcome) => {
                match &step.action {
                    ServiceAction::Keep { .. } if style::verbose() => line.settled(&outcome),
                    // Reloads are reported by the reload that follows; keeps are the quiet
                    // majority of a redeploy.
                    ServiceAction::Keep { .. } | ServiceAction::Reload { .. } => {}
                    _ => line.done(&outcome),
                }
                Ok(outcome)
            }
            Err(error) => {
                line.failed(&step_name(&step.action));
                Err(error)
            }
        }
    }

    async fn converge_reporting(
        &self,
        step: &ServiceStep,
        line: &ServiceLine,
    ) -> anyhow::Result<String> {
        let d = self
            .session
            .service(&step.service)
            .expect("plan steps name desired services");
        let final_name = labels::container_name(&self.session.project, &d.spec.name);
        let outcome = match &step.action {
            ServiceAction::Create => {
                line.step("creating");
                let id = self.create(d, &final_name, None).await?;
                self.start(d, &id, line).await?;
                "created".to_string()
            }
            ServiceAction::Recreate {
                container, reason, ..
            } => {
                line.step("creating the replacement");
                let temporary = labels::temporary_name(container, &final_name);
                let id = self.create(d, &temporary, Some(&d.spec.name)).await?;
                line.step("stopping the old container");
                self.engine
                    .stop_container(container, STOP_TIMEOUT_SECS)
                    .await?;
                self.engine.remove_container(container, false).await?;
                self.engine.rename_container(&id, &final_name).await?;
                self.start(d, &id, line).await?;
                format!("recreated ({reason})")
            }
            ServiceAction::Start { container } => {
                // A crash-looping container is stopped first, so it starts now with the
                // current files instead of at the end of Docker's restart back-off.
                line.step("stopping");
                self.engine
                    .stop_container(container, STOP_TIMEOUT_SECS)
                    .await?;
                self.engine
                    .inject_files(
                        container,
                        &secrets::files(&d.spec, &self.session.stack.files)?,
                    )
                    .await?;
                self.start(d, container, line).await?;
                "started".to_string()
            }
            ServiceAction::Reload { .. } => "config changed".to_string(),
            ServiceAction::Keep { .. } => "unchanged".to_string(),
        };
        Ok(outcome)
    }

    async fn create(
        &self,
        d: &DesiredService,
        name: &str,
        replaces: Option<&str>,
    ) -> anyhow::Result<String> {
        let s = self.session;
        let identity = labels::ContainerIdentity {
            project: &s.project,
            service: &d.spec.name,
            depends_on: &d.spec.depends_on,
            image_id: self
                .image_ids
                .get(&d.spec.image)
                .map(String::as_str)
                .unwrap_or(""),
            spec_hash: &d.spec_hash,
            spec_json: &d.spec_json,
            config_hash: &d.config_hash,
            compose_file: &s.compose_file(),
            working_dir: &s.working_dir(),
            replaces,
        };
        let mut spec = d.spec.clone();
        if !self.root_propagates {
            // Docker refuses `rslave` binds when the host's `/` is a private mount (containers,
            // some CI hosts); the default propagation still shows the host's files.
            spec.mounts.iter_mut().for_each(|m| m.propagation = None);
        }
        let request = ContainerRequest {
            name: name.to_string(),
            project: s.project.clone(),
            spec,
            labels: labels::container_labels(&identity),
            out_dir: s.out_dir.clone(),
            network: self.network.clone(),
            extra_networks: d.spec.networks.clone(),
            docker_socket_gid: docker_socket_gid(),
        };
        let id = match self.engine.create_container(&request).await {
            Err(e) if e.downcast_ref::<NameConflict>().is_some() && self.owns(name).await => {
                // A deploy killed mid-request can have its create land after our observe:
                // that container is this project's; replace it.
                self.engine.remove_container(name, false).await?;
                self.engine.create_container(&request).await?
            }
            other => other?,
        };
        self.engine
            .inject_files(&id, &secrets::files(&d.spec, &s.stack.files)?)
            .await?;
        Ok(id)
    }

    /// Whether the container called `name` is one stackctl created for this project.
    async fn owns(&self, name: &str) -> bool {
        let status = self.engine.inspect_container(name).await;
        status.is_ok_and(|s| {
            s.labels.get(labels::PROJECT) == Some(&self.session.project)
                && labels::is_stackctl(&s.labels)
        })
    }

    async fn start(&self, d: &DesiredService, id: &str, line: &ServiceLine) -> anyhow::Result<()> {
        line.step("starting");
        if let Err(error) = self.engine.start_container(id).await {
            return Err(ports::explain_start_error(self.session, &d.spec, error));
        }
        ready::wait_ready(
            self.engine,
            &d.spec,
            (id, self.session.credentials(&d.spec)),
            &self.session.project,
            self.timeout,
            &|check| line.waiting(check),
        )
        .await
    }
}

/// What a failed step was doing, for its `FAILED` line.
fn step_name(action: &ServiceAction) -> String {
    match action {
        ServiceAction::Create => "create",
        ServiceAction::Recreate { .. } => "recreate",
        ServiceAction::Start { .. } => "start",
        ServiceAction::Reload { .. } => "reload",
        ServiceAction::Keep { .. } => "check",
    }
    .to_string()
}

/// Rendered directories a container mounts exist even when a component rendered no file
/// into them (Docker refuses a missing bind source).
fn ensure_bind_sources(session: &Session) -> anyhow::Result<()> {
    for d in &session.desired {
        for mount in &d.spec.mounts {
            if let crate::service::MountSource::Bind(path) = &mount.source {
                if !path.starts_with('/') {
                    fs_err::create_dir_all(session.out_dir.join(path))?;
                }
            }
        }
    }
    Ok(())
}

/// Whether the host's `/` is a shared or slave mount (`rslave` binds need it). Read from this
/// process's mount table: right for a local daemon, and the safe answer otherwise.
fn root_mount_propagates() -> bool {
    let Ok(table) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return true;
    };
    table
        .lines()
        .map(|line| line.split(' ').collect::<Vec<_>>())
        .find(|fields| fields.get(4) == Some(&"/"))
        .is_none_or(|fields| {
            fields
                .iter()
                .skip(6)
                .take_while(|f| **f != "-")
                .any(|f| f.starts_with("shared:") || f.starts_with("master:"))
        })
}

/// The group that owns the local Docker socket (differs between hosts).
fn docker_socket_gid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt as _;
    let address = crate::docker::daemon_address();
    let path = address.strip_prefix("unix://")?;
    std::fs::metadata(path).ok().map(|m| m.gid())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::commands::deploy::fake_engine::FakeEngine;
    use crate::plan::{Plan, ServiceStep};

    fn session(dir: &std::path::Path) -> Session {
        let manifest = "version: 1\nproject: fake\ncomponents:\n  node_exporter: {port: null}\n  pushgateway: {port: null}\n";
        std::fs::write(dir.join("stackctl.yaml"), manifest).unwrap();
        let global = crate::cli::GlobalArgs {
            file_arg: None,
            file: dir.join("stackctl.yaml"),
            out: None,
            engine: None,
        };
        let mut session = Session::open(&global).unwrap();
        for d in &mut session.desired {
            d.spec.ready = None; // the fake has no network to probe
        }
        session
    }

    fn step(service: &str, action: ServiceAction) -> ServiceStep {
        ServiceStep {
            service: service.into(),
            action,
        }
    }

    #[test]
    fn recreate_creates_the_replacement_first_then_stops_removes_and_renames() {
        let dir = tempfile::tempdir().unwrap();
        let session = session(dir.path());
        let engine = FakeEngine::default();
        let old = "0123456789abcdef";
        engine.add_running(old, "fake-pushgateway-1");
        let plan = Plan {
            project: "fake".into(),
            levels: vec![vec![step(
                "pushgateway",
                ServiceAction::Recreate {
                    container: old.into(),
                    reason: "image changed".into(),
                    changes: Vec::new(),
                },
            )]],
            ..Default::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let outcomes = runtime
            .block_on(apply(
                &engine,
                &session,
                &plan,
                (Duration::from_secs(5), &Progress::new()),
            ))
            .unwrap();
        assert_eq!(
            outcomes,
            vec![(
                "pushgateway".to_string(),
                "recreated (image changed)".to_string()
            )]
        );
        assert_eq!(
            engine.calls.borrow().clone(),
            vec![
                "create 0123456789ab_fake-pushgateway-1".to_string(),
                format!("stop {old}"),
                format!("remove {old}"),
                "rename new-pushgateway fake-pushgateway-1".to_string(),
                "start new-pushgateway".to_string(),
            ]
        );
    }

    #[test]
    fn cold_apply_creates_network_and_volumes_before_containers_and_keeps_what_is_current() {
        let dir = tempfile::tempdir().unwrap();
        let session = session(dir.path());
        let engine = FakeEngine::default();
        engine.add_running("node-id", "fake-node-exporter-1");
        let plan = Plan {
            project: "fake".into(),
            create_network: Some("fake_default".into()),
            create_volumes: vec!["fake_pushgateway-data".into()],
            levels: vec![vec![
                step(
                    "node-exporter",
                    ServiceAction::Keep {
                        container: "node-id".into(),
                    },
                ),
                step("pushgateway", ServiceAction::Create),
            ]],
            ..Default::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let outcomes: BTreeMap<String, String> = runtime
            .block_on(apply(
                &engine,
                &session,
                &plan,
                (Duration::from_secs(5), &Progress::new()),
            ))
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(outcomes["node-exporter"], "unchanged");
        assert_eq!(outcomes["pushgateway"], "created");
        assert_eq!(
            engine.calls.borrow().clone(),
            vec![
                "create network fake_default".to_string(),
                "create volume fake_pushgateway-data".to_string(),
                "create fake-pushgateway-1".to_string(),
                "start new-pushgateway".to_string(),
            ]
        );
    }
}
