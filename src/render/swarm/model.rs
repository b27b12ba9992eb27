//! The subset of the Compose file format (version 3.8) that `docker stack deploy` reads, as
//! serde structs. `deploy --engine swarm` creates exactly these services, configs, secrets,
//! volumes and network through the Swarm API (`docker::swarm` translates this model), so the
//! file and the deployed stack cannot disagree. Values are raw here; `$` is doubled only when
//! the file is written.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackFile {
    pub version: String,
    pub services: IndexMap<String, SwarmService>,
    pub networks: IndexMap<String, StackNetwork>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub volumes: IndexMap<String, StackVolume>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub configs: IndexMap<String, StackObject>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub secrets: IndexMap<String, StackObject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwarmService {
    pub image: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<StackPort>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<StackMount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<ObjectRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<ObjectRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<StackHealth>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cap_add: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_hosts: Vec<String>,
    pub networks: IndexMap<String, ServiceNetwork>,
    pub logging: StackLogging,
    /// Container labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub deploy: Deploy,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackPort {
    pub target: u16,
    pub published: u16,
    pub protocol: String,
    /// `host` or `ingress` (see docs/swarm.md: which and why).
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackMount {
    #[serde(rename = "type")]
    pub kind: String,
    /// A key of `volumes` (type volume) or an absolute host path (type bind).
    pub source: String,
    pub target: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    /// A key of the top-level `configs`/`secrets`.
    pub source: String,
    /// Absolute path (configs) or a name under `/run/secrets` (secrets).
    pub target: String,
    pub uid: String,
    pub gid: String,
    pub mode: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackHealth {
    pub test: Vec<String>,
    pub interval: String,
    pub timeout: String,
    pub retries: u32,
    pub start_period: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceNetwork {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackLogging {
    pub driver: String,
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deploy {
    /// `replicated` or `global`.
    pub mode: String,
    /// `vip` (a virtual IP balanced by IPVS; needed for ingress ports) or `dnsrr` (the service
    /// name resolves to its tasks: works where IPVS does not).
    pub endpoint_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u64>,
    #[serde(default, skip_serializing_if = "Placement::is_empty")]
    pub placement: Placement,
    pub update_config: UpdateConfig,
    pub rollback_config: UpdateConfig,
    pub restart_policy: RestartPolicy,
    /// Service labels (the stack namespace, stackctl's spec hash).
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateConfig {
    pub parallelism: u64,
    pub delay: String,
    /// `stop-first` or `start-first`.
    pub order: String,
    /// `rollback` for updates, `pause` for rollbacks.
    pub failure_action: String,
    pub monitor: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
}

impl Placement {
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartPolicy {
    pub condition: String,
    pub delay: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackNetwork {
    pub name: String,
    pub driver: String,
    pub attachable: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackVolume {
    /// The volume's name on each node; may hold `{{.Task.Slot}}` (one volume per replica).
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

/// A Swarm config or secret: content from a rendered file, named with its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackObject {
    pub name: String,
    /// Relative to the output directory, where docker-stack.yml is.
    pub file: String,
    pub labels: BTreeMap<String, String>,
}
