//! What `status` reports, and the shape of `status --json` (`schema_version` 1, published as
//! docs/status.schema.json and tested against real output). Every value an operator's script
//! may match on is an enum here, documented in the schema: states, health, config drift and
//! problem codes. Absent values are `null`, never `"-"`.

use serde::Serialize;

/// Bumped on any change a consumer could trip on (a field removed, renamed or retyped, an
/// enum value removed). New fields and enum values do not bump it.
pub(crate) const STATUS_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub project: String,
    /// `true` when `problems` is empty (exit 0); `false` otherwise (exit 1).
    pub healthy: bool,
    pub services: Vec<ServiceRow>,
    /// `null` when Prometheus is not part of the stack or not running.
    pub prometheus: Option<PrometheusView>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ServiceRow {
    pub service: String,
    /// Docker's container state, or `missing` when the service has no container.
    pub state: String,
    /// `starting`, `healthy`, `unhealthy`, or `ready` (the readiness probe passed before the
    /// first healthcheck ran); `null` without a healthcheck or a container.
    pub health: Option<String>,
    pub uptime_seconds: Option<i64>,
    pub image: String,
    pub url: Option<String>,
    /// `current`, `changed` (config files differ: `stackctl reload`), `outdated` (image, ports
    /// or flags differ: `stackctl deploy`); `null` when not deployed.
    pub config: Option<Config>,
    /// Who created the container: `stackctl`, `compose` (`docker compose up` from the
    /// exported docker-compose.yml: adopted), or `other`; `null` when not deployed.
    pub created_by: Option<CreatedBy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Config {
    Current,
    Changed,
    Outdated,
}

impl Config {
    pub fn as_str(self) -> &'static str {
        match self {
            Config::Current => "current",
            Config::Changed => "changed",
            Config::Outdated => "outdated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CreatedBy {
    Stackctl,
    Compose,
    /// Another tool, or `docker compose` from a file that is not this project's export.
    Other,
}

/// One reason the stack is not healthy: a stable `code` to match on, the service it concerns
/// (when one), and the sentence `status` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Problem {
    pub code: ProblemCode,
    pub service: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(code: ProblemCode, service: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            code,
            service: service.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Stable problem codes (never renamed; new ones may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ProblemCode {
    /// The service has no container (`stackctl deploy`).
    ServiceMissing,
    /// The container exists but is not running (exited, restarting, paused, dead...).
    ServiceNotRunning,
    /// Its healthcheck fails.
    ServiceUnhealthy,
    /// Its healthcheck has not passed yet.
    ServiceStarting,
    /// It runs older config files than rendered (`stackctl reload`).
    ConfigChanged,
    /// Its image, ports or flags differ from the manifest (`stackctl deploy`).
    SpecOutdated,
    /// Two networks carry the project network's name.
    NetworkDuplicate,
    /// The project network is gone.
    NetworkRemoved,
    /// The container is not attached to the project network (or to a duplicate of it).
    NetworkDetached,
    /// Prometheus' API did not answer.
    PrometheusUnreachable,
    /// A scrape target is down.
    TargetDown,
    /// A recording or alerting rule fails to evaluate.
    RuleFailing,
}

/// What Prometheus knows about the stack (`commands::status::prometheus` reads it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct PrometheusView {
    /// Why the API could not be read, if it could not.
    pub error: Option<String>,
    pub targets_up: usize,
    pub targets_down: Vec<DownTarget>,
    pub rule_failures: Vec<RuleFailure>,
    pub firing_alerts: Vec<FiringAlert>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct DownTarget {
    pub job: String,
    pub instance: String,
    pub health: String,
    pub last_error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RuleFailure {
    pub group: String,
    pub rule: String,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FiringAlert {
    pub name: String,
    /// The alert's labels other than `alertname`.
    pub labels: std::collections::BTreeMap<String, String>,
}
