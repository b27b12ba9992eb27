//! What one container of the stack must look like (`ServiceSpec`): the contract between render,
//! the docker-compose export, `plan` and the Docker engine.
//!
//! Paths of bind mounts are relative to the output directory unless absolute; the engine and
//! the compose writer resolve them. Nothing here talks to Docker.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceSpec {
    /// Compose service name (`prometheus`, `node-exporter`, `cache-exporter`); also the DNS alias.
    pub name: String,
    /// Full image reference with tag (`prom/prometheus:v3.14.0`).
    pub image: String,
    /// The release the image runs, when known (decides rendered keys).
    pub version: Option<String>,
    /// Replaces the image's CMD (Prometheus-family images put their flags there).
    pub command: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    /// Plain environment; secrets never go here (use `secrets`).
    pub environment: BTreeMap<String, String>,
    /// Run as this user; `None` keeps the image's (non-root) user.
    pub user: Option<String>,
    pub ports: Vec<PortSpec>,
    pub mounts: Vec<MountSpec>,
    /// Files injected at `/run/secrets/<name>` (host file under `secrets/`, mode 0600).
    pub secrets: Vec<SecretMount>,
    pub healthcheck: Option<HealthCheck>,
    /// Services that must be started (and ready) first.
    pub depends_on: Vec<String>,
    pub restart: RestartPolicy,
    /// How changed config reaches the running program without a recreate.
    pub reload: ReloadMethod,
    /// Readiness probed from outside the container (`GET /-/ready` on the container port).
    pub ready: Option<HttpProbe>,
    /// Rendered files (paths relative to the output directory) this service reads; their
    /// content hash decides reload-vs-nothing.
    pub config_files: Vec<String>,
    /// URL an operator opens (`http://127.0.0.1:9090`), when a port is published.
    pub url: Option<String>,
    pub privileged: bool,
    pub pid_host: bool,
    pub devices: Vec<String>,
    pub cap_add: Vec<String>,
    pub group_add: Vec<String>,
    pub extra_hosts: Vec<String>,
    /// Port the program serves its own metrics on inside the network, if any.
    pub metrics_port: Option<u16>,
    /// External networks (the manifest's `networks`) joined besides the project's `default`.
    pub networks: Vec<String>,
    /// Join the group that owns `/var/run/docker.sock` on the host, so a non-root program can
    /// read the socket. The gid differs between hosts: the engine resolves it at deploy time,
    /// the compose export reads it from `DOCKER_GID`.
    pub docker_socket_group: bool,
    /// The program requires basic auth (the stack is published beyond loopback): stackctl's
    /// own calls send user `stackctl` and the stack's web password.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub web_auth: bool,
    /// The program serves HTTPS with the stack's certificate (`web_tls`): stackctl's own calls
    /// use `https://` and trust that certificate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub web_tls: bool,
}

impl ServiceSpec {
    /// A spec with the given name and image and every other field empty.
    pub fn new(name: impl Into<String>, image: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            image: image.into(),
            version: None,
            command: Vec::new(),
            entrypoint: None,
            environment: BTreeMap::new(),
            user: None,
            ports: Vec::new(),
            mounts: Vec::new(),
            secrets: Vec::new(),
            healthcheck: None,
            depends_on: Vec::new(),
            restart: RestartPolicy::UnlessStopped,
            reload: ReloadMethod::Restart,
            ready: None,
            config_files: Vec::new(),
            url: None,
            privileged: false,
            pid_host: false,
            devices: Vec::new(),
            cap_add: Vec::new(),
            group_add: Vec::new(),
            extra_hosts: Vec::new(),
            metrics_port: None,
            networks: Vec::new(),
            docker_socket_group: false,
            web_auth: false,
            web_tls: false,
        }
    }

    /// `https` when the program serves TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.web_tls {
            "https"
        } else {
            "http"
        }
    }

    /// Named volumes this service mounts (keys without the project prefix).
    pub fn volumes(&self) -> impl Iterator<Item = &str> {
        self.mounts.iter().filter_map(|m| match &m.source {
            MountSource::Volume(name) => Some(name.as_str()),
            MountSource::Bind(_) => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortSpec {
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
    /// `tcp` or `udp`.
    pub protocol: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MountSource {
    /// A directory of the output directory (relative path), or an absolute host path.
    Bind(String),
    /// A named volume; the key without the project prefix (`prometheus-data`).
    Volume(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MountSpec {
    pub source: MountSource,
    pub target: String,
    pub read_only: bool,
    /// Bind propagation (`rslave` for the host root seen by node exporter); `None`: Docker's default.
    pub propagation: Option<String>,
}

impl MountSpec {
    /// A read-only bind mount of a rendered directory (relative) or a host path (absolute).
    pub(crate) fn bind_read_only(source: impl Into<String>, target: impl Into<String>) -> Self {
        Self {
            source: MountSource::Bind(source.into()),
            target: target.into(),
            read_only: true,
            propagation: None,
        }
    }

    /// A writable named volume (key without the project prefix).
    pub fn volume(name: impl Into<String>, target: impl Into<String>) -> Self {
        Self {
            source: MountSource::Volume(name.into()),
            target: target.into(),
            read_only: false,
            propagation: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretMount {
    /// File name under `/run/secrets/` in the container.
    pub name: String,
    /// Host file, relative to the output directory (`secrets/alertmanager/slack_url`).
    pub file: String,
    /// Owner inside the container, so a non-root program can read a 0400 file.
    pub uid: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthCheck {
    /// `["CMD", ...]` or `["CMD-SHELL", "..."]`.
    pub test: Vec<String>,
    pub interval_secs: u64,
    pub timeout_secs: u64,
    pub retries: u32,
    pub start_period_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RestartPolicy {
    UnlessStopped,
    Always,
    OnFailure,
    No,
}

impl RestartPolicy {
    pub(crate) fn as_compose(self) -> &'static str {
        match self {
            RestartPolicy::UnlessStopped => "unless-stopped",
            RestartPolicy::Always => "always",
            RestartPolicy::OnFailure => "on-failure",
            RestartPolicy::No => "no",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReloadMethod {
    /// `POST` to this path on the container port (Prometheus, Alertmanager, Alloy `/-/reload`).
    HttpPost { port: u16, path: String },
    /// Grafana's provisioning reload API (admin basic auth).
    GrafanaProvisioning { port: u16 },
    /// Send a signal (`SIGHUP`).
    Signal(String),
    /// The program cannot reload: restart the container.
    Restart,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpProbe {
    pub port: u16,
    pub path: String,
}

/// Log rotation applied to every container (json-file driver), so logs never fill the disk.
pub(crate) const LOG_MAX_SIZE: &str = "10m";
pub(crate) const LOG_MAX_FILES: &str = "3";
