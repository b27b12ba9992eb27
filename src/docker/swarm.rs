//! The Swarm side of `Daemon`: services, tasks, nodes, configs, secrets and the overlay
//! network, in stackctl's terms (`Observed*`). Translation only; `swarm_plan` decides.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use base64::Engine as _;
use bollard::models::{ConfigSpec, NetworkCreateRequest, SecretSpec, ServiceSpec};
use bollard::query_parameters::{
    ListConfigsOptionsBuilder, ListNodesOptionsBuilder, ListSecretsOptionsBuilder,
    ListServicesOptionsBuilder, ListTasksOptionsBuilder, ListVolumesOptionsBuilder,
    UpdateServiceOptionsBuilder,
};

use super::daemon::api::{has_status, is_not_found, label_filter, to_btree};
use super::daemon::Daemon;

pub(crate) use crate::render::swarm::NAMESPACE_LABEL;
use crate::render::swarm::TASK_LABEL;

/// Whether this daemon can run a stack (a Swarm manager), from `docker info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SwarmState {
    /// `inactive`, `pending`, `active`, `error`, `locked`.
    pub local_state: String,
    pub manager: bool,
    pub node_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedService {
    pub id: String,
    pub name: String,
    pub version: u64,
    pub labels: BTreeMap<String, String>,
    /// `updating`, `completed`, `rollback_completed`, `paused`… (`None`: never updated).
    pub update_state: Option<String>,
    pub update_message: Option<String>,
    /// When the last update started (RFC 3339), to tell a new update from an earlier one.
    pub update_started: Option<String>,
    /// Replica count; `None` for a global service.
    pub replicas: Option<u64>,
}

/// The two kinds of immutable Swarm object a stack's files become: both are created, listed
/// and removed alike, only the API call differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    Config,
    Secret,
}

impl ObjectKind {
    fn noun(self) -> &'static str {
        match self {
            ObjectKind::Config => "config",
            ObjectKind::Secret => "secret",
        }
    }
}

/// A config or a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedObject {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObservedTask {
    pub id: String,
    pub service_id: String,
    pub slot: Option<i64>,
    pub node_id: String,
    /// `running`, `starting`, `failed`, `shutdown`…
    pub state: String,
    pub desired_state: String,
    pub message: String,
    pub error: Option<String>,
    pub container_id: Option<String>,
    pub timestamp: String,
    /// The task template's hash (`TASK_LABEL` of its container spec), when stackctl made it.
    pub template: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedNode {
    pub id: String,
    pub hostname: String,
    /// `manager` or `worker`.
    pub role: String,
    /// `ready`, `down`…
    pub state: String,
    /// `active`, `pause`, `drain`.
    pub availability: String,
}

fn text<T: serde::Serialize>(value: Option<T>) -> String {
    value
        .and_then(|v| serde_json::to_value(v).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn namespace_filter(project: &str) -> HashMap<String, Vec<String>> {
    label_filter(NAMESPACE_LABEL, project)
}

impl Daemon {
    pub(crate) async fn swarm_state(&self) -> anyhow::Result<SwarmState> {
        let info = self
            .client()
            .info()
            .await
            .context("cannot read `docker info`")?;
        let swarm = info.swarm.unwrap_or_default();
        Ok(SwarmState {
            local_state: text(swarm.local_node_state),
            manager: swarm.control_available.unwrap_or(false),
            node_id: swarm.node_id.unwrap_or_default(),
        })
    }

    pub async fn stack_services(&self, project: &str) -> anyhow::Result<Vec<ObservedService>> {
        let options = ListServicesOptionsBuilder::default()
            .filters(&namespace_filter(project))
            .build();
        let list = self
            .client()
            .list_services(Some(options))
            .await
            .context("cannot list Swarm services")?;
        Ok(list
            .into_iter()
            .map(|s| {
                let spec = s.spec.unwrap_or_default();
                let update = s.update_status.unwrap_or_default();
                ObservedService {
                    id: s.id.unwrap_or_default(),
                    name: spec.name.unwrap_or_default(),
                    version: s.version.and_then(|v| v.index).unwrap_or(0),
                    labels: to_btree(spec.labels),
                    update_state: Some(text(update.state)).filter(|t| !t.is_empty()),
                    update_message: update.message,
                    update_started: update.started_at,
                    replicas: spec
                        .mode
                        .and_then(|m| m.replicated)
                        .and_then(|r| r.replicas)
                        .map(|r| r as u64),
                }
            })
            .collect())
    }

    /// The stack's configs or secrets, by the stack namespace label.
    pub(crate) async fn stack_objects(
        &self,
        kind: ObjectKind,
        project: &str,
    ) -> anyhow::Result<Vec<ObservedObject>> {
        let filters = namespace_filter(project);
        let client = self.client();
        let listed: Result<Vec<_>, _> = match kind {
            ObjectKind::Config => client
                .list_configs(Some(
                    ListConfigsOptionsBuilder::default()
                        .filters(&filters)
                        .build(),
                ))
                .await
                .map(|list| {
                    let observed = |c: bollard::models::Config| (c.id, c.spec.and_then(|s| s.name));
                    list.into_iter().map(observed).collect()
                }),
            ObjectKind::Secret => client
                .list_secrets(Some(
                    ListSecretsOptionsBuilder::default()
                        .filters(&filters)
                        .build(),
                ))
                .await
                .map(|list| {
                    let observed = |c: bollard::models::Secret| (c.id, c.spec.and_then(|s| s.name));
                    list.into_iter().map(observed).collect()
                }),
        };
        let listed = listed.with_context(|| format!("cannot list Swarm {}s", kind.noun()))?;
        Ok(listed
            .into_iter()
            .map(|(id, name)| ObservedObject {
                id: id.unwrap_or_default(),
                name: name.unwrap_or_default(),
            })
            .collect())
    }

    /// Every task of the given services (any state Swarm still keeps).
    pub(crate) async fn stack_tasks(
        &self,
        service_ids: &[String],
    ) -> anyhow::Result<Vec<ObservedTask>> {
        if service_ids.is_empty() {
            return Ok(Vec::new());
        }
        let filters = HashMap::from([("service".to_string(), service_ids.to_vec())]);
        let options = ListTasksOptionsBuilder::default().filters(&filters).build();
        let list = self
            .client()
            .list_tasks(Some(options))
            .await
            .context("cannot list Swarm tasks")?;
        Ok(list
            .into_iter()
            .map(|t| {
                let status = t.status.unwrap_or_default();
                let template = t
                    .spec
                    .and_then(|spec| spec.container_spec)
                    .and_then(|container| container.labels)
                    .and_then(|labels| labels.get(TASK_LABEL).cloned());
                ObservedTask {
                    id: t.id.unwrap_or_default(),
                    service_id: t.service_id.unwrap_or_default(),
                    slot: t.slot,
                    node_id: t.node_id.unwrap_or_default(),
                    state: text(status.state),
                    desired_state: text(t.desired_state),
                    message: status.message.unwrap_or_default(),
                    error: status.err,
                    container_id: status.container_status.and_then(|c| c.container_id),
                    timestamp: status.timestamp.unwrap_or_default(),
                    template,
                }
            })
            .collect())
    }

    pub async fn swarm_nodes(&self) -> anyhow::Result<Vec<ObservedNode>> {
        let options = ListNodesOptionsBuilder::default().build();
        let list = self
            .client()
            .list_nodes(Some(options))
            .await
            .context("cannot list Swarm nodes")?;
        Ok(list
            .into_iter()
            .map(|n| {
                let spec = n.spec.unwrap_or_default();
                let status = n.status.unwrap_or_default();
                ObservedNode {
                    id: n.id.unwrap_or_default(),
                    hostname: n.description.and_then(|d| d.hostname).unwrap_or_default(),
                    role: text(spec.role),
                    state: text(status.state),
                    availability: text(spec.availability),
                }
            })
            .collect())
    }

    /// Creates a config or a secret holding `data`; returns its ID.
    pub(crate) async fn create_object(
        &self,
        kind: ObjectKind,
        name: &str,
        labels: &BTreeMap<String, String>,
        data: &[u8],
    ) -> anyhow::Result<String> {
        let name_field = Some(name.to_string());
        let labels = Some(labels.clone().into_iter().collect());
        let data = Some(base64::engine::general_purpose::STANDARD.encode(data));
        let created = match kind {
            ObjectKind::Config => {
                let spec = ConfigSpec {
                    name: name_field,
                    labels,
                    data,
                    ..Default::default()
                };
                self.client().create_config(spec).await
            }
            ObjectKind::Secret => {
                let spec = SecretSpec {
                    name: name_field,
                    labels,
                    data,
                    ..Default::default()
                };
                self.client().create_secret(spec).await
            }
        };
        let created =
            created.with_context(|| format!("cannot create Swarm {} `{name}`", kind.noun()))?;
        Ok(created.id)
    }

    /// Removes a config or a secret; `Ok(false)` when a service still uses it (Swarm
    /// refuses, 400 or 409).
    pub(crate) async fn remove_object(&self, kind: ObjectKind, id: &str) -> anyhow::Result<bool> {
        let removed = match kind {
            ObjectKind::Config => self.client().delete_config(id).await,
            ObjectKind::Secret => self.client().delete_secret(id).await,
        };
        match removed {
            Ok(()) => Ok(true),
            Err(e) if is_not_found(&e) => Ok(true),
            Err(e) if has_status(&e, 400) || has_status(&e, 409) => Ok(false),
            Err(e) => Err(e).with_context(|| format!("cannot remove Swarm {} `{id}`", kind.noun())),
        }
    }

    pub(crate) async fn create_service(&self, spec: ServiceSpec) -> anyhow::Result<String> {
        let name = spec.name.clone().unwrap_or_default();
        let created = self
            .client()
            .create_service(spec, None)
            .await
            .with_context(|| format!("cannot create Swarm service `{name}`"))?;
        Ok(created.id.unwrap_or_default())
    }

    pub(crate) async fn update_service(
        &self,
        id: &str,
        version: u64,
        spec: ServiceSpec,
    ) -> anyhow::Result<Vec<String>> {
        let name = spec.name.clone().unwrap_or_default();
        let options = UpdateServiceOptionsBuilder::default()
            .version(version as i32)
            .build();
        let answer = self
            .client()
            .update_service(id, spec, options, None)
            .await
            .with_context(|| format!("cannot update Swarm service `{name}`"))?;
        // What the daemon accepted but warns of (an image it cannot resolve, say), for the
        // caller to show.
        Ok(answer.warnings.unwrap_or_default())
    }

    pub(crate) async fn remove_service(&self, id: &str) -> anyhow::Result<()> {
        match self.client().delete_service(id).await {
            Err(e) if is_not_found(&e) => Ok(()),
            other => other.with_context(|| format!("cannot remove Swarm service `{id}`")),
        }
    }

    /// Creates the stack's attachable overlay network; returns its ID.
    pub(crate) async fn create_overlay_network(
        &self,
        name: &str,
        labels: &BTreeMap<String, String>,
    ) -> anyhow::Result<String> {
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("overlay".to_string()),
            attachable: Some(true),
            labels: Some(labels.clone().into_iter().collect()),
            ..Default::default()
        };
        let created = self
            .client()
            .create_network(request)
            .await
            .with_context(|| format!("cannot create overlay network `{name}`"))?;
        Ok(created.id)
    }

    /// How many containers of the stack's tasks still exist on this node.
    pub(crate) async fn stack_containers(&self, project: &str) -> anyhow::Result<usize> {
        let options = bollard::query_parameters::ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&namespace_filter(project))
            .build();
        let list = self
            .client()
            .list_containers(Some(options))
            .await
            .context("cannot list containers")?;
        Ok(list.len())
    }

    /// Volumes carrying the stack namespace (Swarm creates them per node with the mount's labels).
    pub(crate) async fn stack_volumes(&self, project: &str) -> anyhow::Result<Vec<String>> {
        let options = ListVolumesOptionsBuilder::default()
            .filters(&namespace_filter(project))
            .build();
        let list = self
            .client()
            .list_volumes(Some(options))
            .await
            .context("cannot list volumes")?;
        Ok(list
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.name)
            .collect())
    }
}
