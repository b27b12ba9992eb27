//! The Docker operations stackctl needs, in domain terms (`Engine`), and what they return.
//! `Daemon` implements it over bollard; tests can implement it with a fake.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::service::ServiceSpec;

/// The state a container is in, as Docker reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Created,
    Running,
    Restarting,
    Paused,
    Exited,
    Dead,
    Removing,
    Unknown,
}

impl RunState {
    pub fn parse(text: &str) -> Self {
        match text {
            "created" => RunState::Created,
            "running" => RunState::Running,
            "restarting" => RunState::Restarting,
            "paused" => RunState::Paused,
            "exited" => RunState::Exited,
            "dead" => RunState::Dead,
            "removing" => RunState::Removing,
            _ => RunState::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Created => "created",
            RunState::Running => "running",
            RunState::Restarting => "restarting",
            RunState::Paused => "paused",
            RunState::Exited => "exited",
            RunState::Dead => "dead",
            RunState::Removing => "removing",
            RunState::Unknown => "unknown",
        }
    }
}

/// One container of the project, from the single list call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedContainer {
    pub id: String,
    /// Without Docker's leading `/`.
    pub name: String,
    pub service: String,
    pub state: RunState,
    /// When the container was created, Unix seconds (0 when Docker did not say).
    pub created: i64,
    /// The image ID the container runs (`sha256:...`).
    pub image_id: String,
    pub labels: BTreeMap<String, String>,
    /// The networks the container is attached to: name → network ID (kept by Docker even
    /// when the network has since been removed).
    pub networks: BTreeMap<String, String>,
}

impl ObservedContainer {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }

    /// Whether stackctl created this container (it carries stackctl's own labels, not only
    /// the compose project label another tool may share).
    pub(crate) fn is_stackctl(&self) -> bool {
        crate::labels::is_stackctl(&self.labels)
    }
}

/// A network, by exact name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedNetwork {
    pub id: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// RFC 3339 creation time (orders duplicates of one name).
    pub created: String,
}

/// A volume labelled with the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedVolume {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

impl ObservedVolume {
    pub(crate) fn is_stackctl(&self) -> bool {
        crate::labels::is_stackctl(&self.labels)
    }
}

/// Health as the container's healthcheck reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    None,
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::None => "-",
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }
}

/// What `inspect` tells about a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerStatus {
    pub id: String,
    pub name: String,
    pub state: RunState,
    pub health: Health,
    /// The last healthcheck output, when it failed.
    pub health_log: Option<String>,
    pub exit_code: Option<i64>,
    /// RFC 3339 time the container last started.
    pub started_at: Option<String>,
    pub restart_count: i64,
    /// IP addresses by network name.
    pub addresses: BTreeMap<String, String>,
    pub image: String,
    pub labels: BTreeMap<String, String>,
}

/// A file copied into a container before it starts (secrets: mode 0400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFile {
    /// Absolute path inside the container.
    pub path: String,
    pub contents: Vec<u8>,
    pub uid: u32,
    pub mode: u32,
}

/// Everything needed to create one service's container.
#[derive(Debug, Clone)]
pub struct ContainerRequest {
    pub name: String,
    pub project: String,
    pub spec: ServiceSpec,
    pub labels: BTreeMap<String, String>,
    /// Absolute output directory: relative bind sources start here.
    pub out_dir: PathBuf,
    /// The project network (`PROJECT_default`, by ID when known), joined at create.
    pub network: String,
    /// Existing networks joined after create (`networks` in the manifest).
    pub extra_networks: Vec<String>,
    /// Group owning the Docker socket on the host, for specs with `docker_socket_group`.
    pub docker_socket_gid: Option<u32>,
}

/// Progress of an image pull, reported as it streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullProgress {
    pub layer: Option<String>,
    pub status: String,
    pub current: Option<i64>,
    pub total: Option<i64>,
}

/// Why an engine call failed, when the caller decides on it.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{0}")]
    Other(#[from] anyhow::Error),
}

/// A container with the requested name exists already (HTTP 409 on create).
#[derive(Debug, thiserror::Error)]
#[error("a container named `{0}` already exists")]
pub(crate) struct NameConflict(pub String);

/// The Docker operations stackctl uses. `async fn` in a trait is fine here: callers are generic
/// over one engine and run its futures on one task (no `Send` bound needed).
#[allow(async_fn_in_trait)]
pub trait Engine {
    /// Every container of the project, stopped ones included (one list call).
    async fn list_containers(&self, project: &str) -> anyhow::Result<Vec<ObservedContainer>>;
    /// Every network with exactly this name, oldest first: Docker allows duplicates when two
    /// clients create one name at once (the daemon's name filter matches substrings).
    async fn networks_named(&self, name: &str) -> anyhow::Result<Vec<ObservedNetwork>>;
    /// The (oldest) network with exactly this name.
    async fn find_network(&self, name: &str) -> anyhow::Result<Option<ObservedNetwork>> {
        Ok(self.networks_named(name).await?.into_iter().next())
    }
    /// Networks labelled with the project.
    async fn list_networks(&self, project: &str) -> anyhow::Result<Vec<ObservedNetwork>>;
    /// The volumes labelled with the project.
    async fn list_volumes(&self, project: &str) -> anyhow::Result<Vec<ObservedVolume>>;
    /// The local image ID of `image`, or `None` when it is not present.
    async fn image_id(&self, image: &str) -> anyhow::Result<Option<String>>;
    async fn pull_image(
        &self,
        image: &str,
        progress: &mut dyn FnMut(PullProgress),
    ) -> anyhow::Result<()>;
    /// Creates a bridge network; returns its ID.
    async fn create_network(
        &self,
        name: &str,
        labels: BTreeMap<String, String>,
    ) -> anyhow::Result<String>;
    async fn create_volume(
        &self,
        name: &str,
        labels: BTreeMap<String, String>,
    ) -> anyhow::Result<()>;
    /// Creates the container (not started) and joins the extra networks; returns its ID.
    /// A taken name fails with a `NameConflict` root error.
    async fn create_container(&self, request: &ContainerRequest) -> anyhow::Result<String>;
    async fn inject_files(&self, container: &str, files: &[InjectedFile]) -> anyhow::Result<()>;
    async fn start_container(&self, container: &str) -> anyhow::Result<()>;
    async fn stop_container(&self, container: &str, timeout_secs: i64) -> anyhow::Result<()>;
    async fn restart_container(&self, container: &str, timeout_secs: i64) -> anyhow::Result<()>;
    /// Removes the container (forced); anonymous volumes only with `volumes`.
    async fn remove_container(&self, container: &str, volumes: bool) -> anyhow::Result<()>;
    async fn rename_container(&self, container: &str, new_name: &str) -> anyhow::Result<()>;
    async fn inspect_container(&self, container: &str) -> Result<ContainerStatus, EngineError>;
    /// The last `lines` lines of the container's output.
    async fn logs_tail(&self, container: &str, lines: usize) -> anyhow::Result<String>;
    async fn signal_container(&self, container: &str, signal: &str) -> anyhow::Result<()>;
    /// Removes a network by name or ID.
    async fn remove_network(&self, name: &str) -> anyhow::Result<()>;
    /// Detaches a container from a network (forced: the container may be stopped).
    async fn disconnect_network(&self, network: &str, container: &str) -> anyhow::Result<()>;
    async fn remove_volume(&self, name: &str) -> anyhow::Result<()>;
}
