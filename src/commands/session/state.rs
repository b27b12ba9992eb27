//! The deployed-config state file (`<out>/.stackctl-state.json`): which config hash each
//! container runs. Container labels are immutable, so after a hot reload the
//! `io.stackctl.config-hash` label is stale; this file records the reload. When the file is
//! missing or names another container, the label is used.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::Session;
use crate::docker::Engine;
use crate::labels;
use crate::plan;

pub(crate) const STATE_FILE: &str = ".stackctl-state.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeployedState {
    /// Service → what runs.
    pub services: BTreeMap<String, DeployedService>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeployedService {
    pub container: String,
    pub config_hash: String,
}

impl DeployedState {
    /// The state file, or an empty state when there is none or it does not parse.
    pub fn read(out_dir: &Path) -> Self {
        fs_err::read_to_string(out_dir.join(STATE_FILE))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn write(&self, out_dir: &Path) -> anyhow::Result<()> {
        fs_err::create_dir_all(out_dir)?;
        let text = serde_json::to_string_pretty(self).context("cannot encode the state file")?;
        // The one staged writer: a fresh file beside the target, never a fixed temp name
        // a planted link could redirect.
        crate::atomic_file::write(&out_dir.join(STATE_FILE), &text, 0o644)
    }

    /// Container ID → config hash applied to it.
    pub(crate) fn by_container(&self) -> BTreeMap<String, String> {
        self.services
            .values()
            .map(|s| (s.container.clone(), s.config_hash.clone()))
            .collect()
    }

    pub fn record(&mut self, service: &str, container: &str, config_hash: &str) {
        self.services.insert(
            service.to_string(),
            DeployedService {
                container: container.to_string(),
                config_hash: config_hash.to_string(),
            },
        );
    }
}

/// Records the config every running service now has (the rendered files were just applied).
pub(crate) async fn record_state<E: Engine>(engine: &E, session: &Session) -> anyhow::Result<()> {
    let containers = engine.list_containers(&session.project).await?;
    let mut state = DeployedState::default();
    for d in &session.desired {
        let name = labels::container_name(&session.project, &d.spec.name);
        if let Some(c) = containers.iter().find(|c| c.name == name) {
            state.record(&d.spec.name, &c.id, &d.config_hash);
        }
    }
    state.write(&session.out_dir)
}

/// The state of an up-to-date stack, from what was observed (no second list call); written
/// only when it differs from the file.
pub(crate) fn record_observed_state(
    session: &Session,
    observed: &plan::Observed,
) -> anyhow::Result<()> {
    let mut state = DeployedState::default();
    for d in &session.desired {
        let name = labels::container_name(&session.project, &d.spec.name);
        if let Some(c) = observed.containers.iter().find(|c| c.name == name) {
            state.record(&d.spec.name, &c.id, &d.config_hash);
        }
    }
    if state != DeployedState::read(&session.out_dir) {
        state.write(&session.out_dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(DeployedState::read(dir.path()), DeployedState::default());
        let mut state = DeployedState::default();
        state.record("prometheus", "abc", "h1");
        state.write(dir.path()).unwrap();
        let back = DeployedState::read(dir.path());
        assert_eq!(back, state);
        assert_eq!(back.by_container()["abc"], "h1");
    }
}
