//! What the daemon has for the project: the plan's input beside the desired services.

use std::collections::{BTreeMap, BTreeSet};

use super::adopt::ComposeExport;
use crate::docker::{ObservedContainer, ObservedNetwork};

/// What the daemon has for the project, from one list call per kind plus image lookups.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub containers: Vec<ObservedContainer>,
    /// Every network named `PROJECT_default`, oldest first (two after concurrent creates).
    pub networks: Vec<ObservedNetwork>,
    /// The manifest's `networks`: name → exists.
    pub external_networks: BTreeMap<String, bool>,
    pub volumes: BTreeSet<String>,
    /// Image reference → local image ID, `None` when absent.
    pub images: BTreeMap<String, Option<String>>,
    /// Config hash applied last (by deploy or reload), by container ID (the state file).
    pub deployed_config: BTreeMap<String, String>,
    /// The exported docker-compose.yml on disk, to recognise containers `docker compose up`
    /// started from it (`None` when there is none).
    pub compose_export: Option<ComposeExport>,
    /// Config hash of each service's files as they are on disk now (what a container that
    /// compose started reads through its bind mounts), by service.
    pub on_disk_config: BTreeMap<String, String>,
}
