//! An in-memory `Engine` for tests of `apply`: it records every call in order and keeps
//! containers as created/running/removed, so the sequence of a recreate can be checked.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::docker::{
    ContainerRequest, ContainerStatus, Engine, EngineError, Health, InjectedFile,
    ObservedContainer, ObservedNetwork, ObservedVolume, PullProgress, RunState,
};

/// A container as the fake keeps it: name, state, labels.
type FakeContainer = (String, RunState, BTreeMap<String, String>);

#[derive(Default)]
pub(crate) struct FakeEngine {
    pub calls: RefCell<Vec<String>>,
    /// id → (name, state, labels)
    containers: RefCell<BTreeMap<String, FakeContainer>>,
}

impl FakeEngine {
    fn log(&self, call: String) {
        self.calls.borrow_mut().push(call);
    }

    /// The id of the container called `name` (or `name` itself when it is an id).
    fn resolve(&self, name: &str) -> String {
        let containers = self.containers.borrow();
        containers
            .iter()
            .find(|(id, (n, _, _))| n == name || *id == name)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| name.to_string())
    }

    pub(crate) fn add_running(&self, id: &str, name: &str) {
        self.containers
            .borrow_mut()
            .insert(id.into(), (name.into(), RunState::Running, BTreeMap::new()));
    }

    fn set_state(&self, container: &str, state: RunState) {
        let id = self.resolve(container);
        if let Some(entry) = self.containers.borrow_mut().get_mut(&id) {
            entry.1 = state;
        }
    }
}

impl Engine for FakeEngine {
    async fn list_containers(&self, _project: &str) -> anyhow::Result<Vec<ObservedContainer>> {
        Ok(Vec::new())
    }
    async fn networks_named(&self, _name: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
        Ok(Vec::new())
    }
    async fn list_networks(&self, _project: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
        Ok(Vec::new())
    }
    async fn list_volumes(&self, _project: &str) -> anyhow::Result<Vec<ObservedVolume>> {
        Ok(Vec::new())
    }
    async fn image_id(&self, _image: &str) -> anyhow::Result<Option<String>> {
        Ok(Some("sha256:fake".into()))
    }
    async fn pull_image(
        &self,
        image: &str,
        _progress: &mut dyn FnMut(PullProgress),
    ) -> anyhow::Result<()> {
        self.log(format!("pull {image}"));
        Ok(())
    }
    async fn create_network(
        &self,
        name: &str,
        _labels: BTreeMap<String, String>,
    ) -> anyhow::Result<String> {
        self.log(format!("create network {name}"));
        Ok(format!("net-{name}"))
    }
    async fn create_volume(
        &self,
        name: &str,
        _labels: BTreeMap<String, String>,
    ) -> anyhow::Result<()> {
        self.log(format!("create volume {name}"));
        Ok(())
    }
    async fn create_container(&self, request: &ContainerRequest) -> anyhow::Result<String> {
        self.log(format!("create {}", request.name));
        let id = format!("new-{}", request.spec.name);
        self.containers.borrow_mut().insert(
            id.clone(),
            (
                request.name.clone(),
                RunState::Created,
                request.labels.clone(),
            ),
        );
        Ok(id)
    }
    async fn inject_files(&self, container: &str, files: &[InjectedFile]) -> anyhow::Result<()> {
        if !files.is_empty() {
            self.log(format!("inject {} file(s) into {container}", files.len()));
        }
        Ok(())
    }
    async fn start_container(&self, container: &str) -> anyhow::Result<()> {
        self.log(format!("start {container}"));
        self.set_state(container, RunState::Running);
        Ok(())
    }
    async fn stop_container(&self, container: &str, _timeout_secs: i64) -> anyhow::Result<()> {
        self.log(format!("stop {container}"));
        self.set_state(container, RunState::Exited);
        Ok(())
    }
    async fn restart_container(&self, container: &str, _timeout_secs: i64) -> anyhow::Result<()> {
        self.log(format!("restart {container}"));
        Ok(())
    }
    async fn remove_container(&self, container: &str, _volumes: bool) -> anyhow::Result<()> {
        self.log(format!("remove {container}"));
        let id = self.resolve(container);
        self.containers.borrow_mut().remove(&id);
        Ok(())
    }
    async fn rename_container(&self, container: &str, new_name: &str) -> anyhow::Result<()> {
        self.log(format!("rename {container} {new_name}"));
        let id = self.resolve(container);
        if let Some(entry) = self.containers.borrow_mut().get_mut(&id) {
            entry.0 = new_name.to_string();
        }
        Ok(())
    }
    async fn inspect_container(&self, container: &str) -> Result<ContainerStatus, EngineError> {
        let id = self.resolve(container);
        let containers = self.containers.borrow();
        let Some((name, state, labels)) = containers.get(&id) else {
            return Err(EngineError::NotFound {
                what: container.to_string(),
            });
        };
        Ok(ContainerStatus {
            id: id.clone(),
            name: name.clone(),
            state: *state,
            health: Health::None,
            health_log: None,
            exit_code: None,
            started_at: None,
            restart_count: 0,
            addresses: BTreeMap::new(),
            image: String::new(),
            labels: labels.clone(),
        })
    }
    async fn logs_tail(&self, _container: &str, _lines: usize) -> anyhow::Result<String> {
        Ok(String::new())
    }
    async fn signal_container(&self, container: &str, signal: &str) -> anyhow::Result<()> {
        self.log(format!("signal {signal} {container}"));
        Ok(())
    }
    async fn remove_network(&self, name: &str) -> anyhow::Result<()> {
        self.log(format!("remove network {name}"));
        Ok(())
    }
    async fn disconnect_network(&self, network: &str, container: &str) -> anyhow::Result<()> {
        self.log(format!("disconnect {container} from {network}"));
        Ok(())
    }
    async fn remove_volume(&self, name: &str) -> anyhow::Result<()> {
        self.log(format!("remove volume {name}"));
        Ok(())
    }
}
