//! The plan as data: per service an action, plus the network, volume, pull and removal steps
//! around them. Printable (`describe`), serializable (`--dry-run --json`), testable.

use serde::Serialize;

use super::changes::SpecChange;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ServiceAction {
    Create,
    Recreate {
        container: String,
        reason: String,
        /// Each changed spec field, `old → new` (empty when the old spec is unknown).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        changes: Vec<SpecChange>,
    },
    Start {
        container: String,
    },
    Reload {
        container: String,
    },
    Keep {
        container: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStep {
    pub service: String,
    #[serde(flatten)]
    pub action: ServiceAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    pub container: String,
    pub id: String,
    pub reason: String,
}

/// A duplicate project network and the project containers to detach from it first (they
/// are recreated onto the kept network).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkRemoval {
    pub id: String,
    pub detach: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pull {
    pub image: String,
    pub service: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub project: String,
    /// The project network to create, if missing.
    pub create_network: Option<String>,
    /// The ID of the existing project network the services join.
    pub network_id: Option<String>,
    /// Duplicate project networks, removed before any container starts (Docker refuses to
    /// start a container while its network's name is ambiguous).
    pub remove_networks: Vec<NetworkRemoval>,
    /// Containers with the project's compose label that stackctl did not create: kept, and
    /// listed (removed with `--remove-orphans`).
    pub foreign: Vec<Removal>,
    /// Named volumes to create (full names).
    pub create_volumes: Vec<String>,
    pub pulls: Vec<Pull>,
    pub removals: Vec<Removal>,
    /// Service steps by dependency level: every service of a level after all of the previous one.
    pub levels: Vec<Vec<ServiceStep>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("network `{0}` listed in `networks` does not exist")]
    MissingNetwork(String),
    #[error("services depend on each other in a cycle: {0}")]
    Cycle(String),
}

impl PlanError {
    pub fn hint(&self) -> String {
        match self {
            PlanError::MissingNetwork(name) => {
                format!(
                    "create it with `docker network create {name}`, or remove it from `networks`"
                )
            }
            PlanError::Cycle(_) => "remove one of the `depends_on` links".to_string(),
        }
    }
}

impl Plan {
    /// `--remove-orphans`: the foreign containers are removed too.
    pub(crate) fn remove_foreign(&mut self) {
        for mut foreign in std::mem::take(&mut self.foreign) {
            foreign.reason = format!("{}; `--remove-orphans`", foreign.reason);
            self.removals.push(foreign);
        }
    }

    /// True when applying the plan would touch nothing.
    pub(crate) fn is_up_to_date(&self) -> bool {
        self.create_network.is_none()
            && self.remove_networks.is_empty()
            && self.create_volumes.is_empty()
            && self.pulls.is_empty()
            && self.removals.is_empty()
            && self
                .steps()
                .all(|s| matches!(s.action, ServiceAction::Keep { .. }))
    }

    pub fn steps(&self) -> impl Iterator<Item = &ServiceStep> {
        self.levels.iter().flatten()
    }
}
