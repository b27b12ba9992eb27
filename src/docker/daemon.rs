//! `Daemon`: the `Engine` over bollard and a real Docker daemon. Translation only; decisions
//! live in `plan` and the commands. One file per kind of object (`containers`, `networks`,
//! `volumes`, `images`) and what their calls share (`api`); the `Engine` impl only delegates.

pub(super) mod api;
mod containers;
mod images;
mod networks;
mod volumes;

use std::collections::BTreeMap;

use bollard::Docker;

use super::engine::{
    ContainerRequest, ContainerStatus, Engine, EngineError, InjectedFile, ObservedContainer,
    ObservedNetwork, ObservedVolume, PullProgress,
};

pub struct Daemon {
    docker: Docker,
}

impl Daemon {
    pub fn new(docker: Docker) -> Self {
        Self { docker }
    }

    pub fn client(&self) -> &Docker {
        &self.docker
    }

    /// The identity of `image` (ID and registry digests), or `None` when it is not on the host.
    pub(crate) async fn image_identity(
        &self,
        image: &str,
    ) -> anyhow::Result<Option<super::image::ImageIdentity>> {
        images::identity(&self.docker, image).await
    }
}

impl Engine for Daemon {
    async fn list_containers(&self, project: &str) -> anyhow::Result<Vec<ObservedContainer>> {
        containers::list(&self.docker, project).await
    }

    async fn networks_named(&self, name: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
        networks::named(&self.docker, name).await
    }

    async fn list_networks(&self, project: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
        networks::list(&self.docker, project).await
    }

    async fn list_volumes(&self, project: &str) -> anyhow::Result<Vec<ObservedVolume>> {
        volumes::list(&self.docker, project).await
    }

    async fn image_id(&self, image: &str) -> anyhow::Result<Option<String>> {
        Ok(images::identity(&self.docker, image).await?.map(|i| i.id))
    }

    async fn pull_image(
        &self,
        image: &str,
        progress: &mut dyn FnMut(PullProgress),
    ) -> anyhow::Result<()> {
        images::pull(&self.docker, image, progress).await
    }

    async fn create_network(
        &self,
        name: &str,
        labels: BTreeMap<String, String>,
    ) -> anyhow::Result<String> {
        networks::create(&self.docker, name, labels).await
    }

    async fn create_volume(
        &self,
        name: &str,
        labels: BTreeMap<String, String>,
    ) -> anyhow::Result<()> {
        volumes::create(&self.docker, name, labels).await
    }

    async fn create_container(&self, request: &ContainerRequest) -> anyhow::Result<String> {
        containers::create(&self.docker, request).await
    }

    async fn inject_files(&self, container: &str, files: &[InjectedFile]) -> anyhow::Result<()> {
        containers::inject_files(&self.docker, container, files).await
    }

    async fn start_container(&self, container: &str) -> anyhow::Result<()> {
        containers::start(&self.docker, container).await
    }

    async fn stop_container(&self, container: &str, timeout_secs: i64) -> anyhow::Result<()> {
        containers::stop(&self.docker, container, timeout_secs).await
    }

    async fn restart_container(&self, container: &str, timeout_secs: i64) -> anyhow::Result<()> {
        containers::restart(&self.docker, container, timeout_secs).await
    }

    async fn remove_container(&self, container: &str, volumes: bool) -> anyhow::Result<()> {
        containers::remove(&self.docker, container, volumes).await
    }

    async fn rename_container(&self, container: &str, new_name: &str) -> anyhow::Result<()> {
        containers::rename(&self.docker, container, new_name).await
    }

    async fn inspect_container(&self, container: &str) -> Result<ContainerStatus, EngineError> {
        containers::inspect(&self.docker, container).await
    }

    async fn logs_tail(&self, container: &str, lines: usize) -> anyhow::Result<String> {
        containers::logs_tail(&self.docker, container, lines).await
    }

    async fn signal_container(&self, container: &str, signal: &str) -> anyhow::Result<()> {
        containers::signal(&self.docker, container, signal).await
    }

    async fn remove_network(&self, name: &str) -> anyhow::Result<()> {
        networks::remove(&self.docker, name).await
    }

    async fn disconnect_network(&self, network: &str, container: &str) -> anyhow::Result<()> {
        networks::disconnect(&self.docker, network, container).await
    }

    async fn remove_volume(&self, name: &str) -> anyhow::Result<()> {
        volumes::remove(&self.docker, name).await
    }
}
