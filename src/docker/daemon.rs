//! `Daemon`: the `Engine` over bollard and a real Docker daemon. Translation only; decisions
//! live in `plan` and the commands.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use bollard::errors::Error as BollardError;
use bollard::models::{
    EndpointSettings, NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest,
    VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, KillContainerOptionsBuilder,
    ListContainersOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptions,
    ListVolumesOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
    RemoveVolumeOptions, RenameContainerOptionsBuilder, RestartContainerOptionsBuilder,
    StopContainerOptionsBuilder, UploadToContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::StreamExt as _;

use super::engine::{
    ContainerRequest, ContainerStatus, Engine, EngineError, InjectedFile, NameConflict,
    ObservedContainer, ObservedNetwork, ObservedVolume, PullProgress, RunState,
};
use super::{archive, container, inspect, labels};

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
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn is_not_found(e: &BollardError) -> bool {
    matches!(
        e,
        BollardError::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

fn project_filter(project: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([(
        "label".to_string(),
        vec![format!("{}={project}", labels::PROJECT)],
    )])
}

fn to_btree(map: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    map.unwrap_or_default().into_iter().collect()
}

/// `repo:tag` split for the pull API (without a tag it would pull every tag).
fn split_reference(image: &str) -> (&str, &str) {
    match crate::render::topology::image_tag(image) {
        Some(tag) => (&image[..image.len() - tag.len() - 1], tag),
        None => (image, "latest"),
    }
}

fn observed_network(network: bollard::models::Network) -> ObservedNetwork {
    ObservedNetwork {
        id: network.id.unwrap_or_default(),
        name: network.name.unwrap_or_default(),
        labels: to_btree(network.labels),
        created: network.created.map(|c| c.to_string()).unwrap_or_default(),
    }
}

/// Network name → network ID of a listed container.
fn attached_networks(
    settings: Option<bollard::models::ContainerSummaryNetworkSettings>,
) -> BTreeMap<String, String> {
    settings
        .and_then(|s| s.networks)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, endpoint)| (name, endpoint.network_id.unwrap_or_default()))
        .collect()
}

impl Engine for Daemon {
    async fn list_containers(&self, project: &str) -> anyhow::Result<Vec<ObservedContainer>> {
        let options = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&project_filter(project))
            .build();
        let list = self
            .docker
            .list_containers(Some(options))
            .await
            .context("cannot list containers")?;
        Ok(list
            .into_iter()
            .map(|c| {
                let labels = to_btree(c.labels);
                let name = c
                    .names
                    .and_then(|n| n.into_iter().next())
                    .unwrap_or_default()
                    .trim_start_matches('/')
                    .to_string();
                ObservedContainer {
                    id: c.id.unwrap_or_default(),
                    service: labels.get(labels::SERVICE).cloned().unwrap_or_default(),
                    name,
                    state: RunState::parse(&c.state.map(|s| s.to_string()).unwrap_or_default()),
                    created: c.created.unwrap_or_default(),
                    image_id: c.image_id.unwrap_or_default(),
                    labels,
                    networks: attached_networks(c.network_settings),
                }
            })
            .collect())
    }

    async fn networks_named(&self, name: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
        let filters = HashMap::from([("name".to_string(), vec![name.to_string()])]);
        let options = ListNetworksOptionsBuilder::default()
            .filters(&filters)
            .build();
        let list = self
            .docker
            .list_networks(Some(options))
            .await
            .context("cannot list networks")?;
        let mut found: Vec<ObservedNetwork> = list
            .into_iter()
            .filter(|n| n.name.as_deref() == Some(name))
            .map(observed_network)
            .collect();
        found.sort_by(|a, b| (&a.created, &a.id).cmp(&(&b.created, &b.id)));
        Ok(found)
    }

    async fn list_networks(&self, project: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
        let options = ListNetworksOptionsBuilder::default()
            .filters(&project_filter(project))
            .build();
        let list = self
            .docker
            .list_networks(Some(options))
            .await
            .context("cannot list networks")?;
        Ok(list.into_iter().map(observed_network).collect())
    }

    async fn list_volumes(&self, project: &str) -> anyhow::Result<Vec<ObservedVolume>> {
        let options: ListVolumesOptions = ListVolumesOptionsBuilder::default()
            .filters(&project_filter(project))
            .build();
        let list = self
            .docker
            .list_volumes(Some(options))
            .await
            .context("cannot list volumes")?;
        Ok(list
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| ObservedVolume {
                name: v.name,
                labels: v.labels.into_iter().collect(),
            })
            .collect())
    }

    async fn image_id(&self, image: &str) -> anyhow::Result<Option<String>> {
        match self.docker.inspect_image(image).await {
            Ok(found) => Ok(Some(found.id.unwrap_or_default())),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot inspect image `{image}`")),
        }
    }

    async fn pull_image(
        &self,
        image: &str,
        progress: &mut dyn FnMut(PullProgress),
    ) -> anyhow::Result<()> {
        let (repository, tag) = split_reference(image);
        let options = CreateImageOptionsBuilder::default()
            .from_image(repository)
            .tag(tag)
            .build();
        let mut stream = self.docker.create_image(Some(options), None, None);
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => progress(PullProgress {
                    layer: info.id,
                    status: info.status.unwrap_or_default(),
                    current: info.progress_detail.as_ref().and_then(|p| p.current),
                    total: info.progress_detail.as_ref().and_then(|p| p.total),
                }),
                // bollard#560: the stream may end with a framing error after a good pull.
                Err(BollardError::JsonDataError { .. }) | Err(BollardError::IOError { .. })
                    if self.image_id(image).await?.is_some() =>
                {
                    return Ok(())
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    async fn create_network(
        &self,
        name: &str,
        labels: BTreeMap<String, String>,
    ) -> anyhow::Result<String> {
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".to_string()),
            labels: Some(labels.into_iter().collect()),
            ..Default::default()
        };
        let created = self
            .docker
            .create_network(request)
            .await
            .with_context(|| format!("cannot create network `{name}`"))?;
        Ok(created.id)
    }

    async fn create_volume(
        &self,
        name: &str,
        labels: BTreeMap<String, String>,
    ) -> anyhow::Result<()> {
        let request = VolumeCreateRequest {
            name: Some(name.to_string()),
            labels: Some(labels.into_iter().collect()),
            ..Default::default()
        };
        self.docker
            .create_volume(request)
            .await
            .with_context(|| format!("cannot create volume `{name}`"))?;
        Ok(())
    }

    async fn create_container(&self, request: &ContainerRequest) -> anyhow::Result<String> {
        let options = CreateContainerOptionsBuilder::default()
            .name(&request.name)
            .build();
        let created = match self
            .docker
            .create_container(Some(options), container::create_body(request))
            .await
        {
            Ok(created) => created,
            Err(BollardError::DockerResponseServerError {
                status_code: 409, ..
            }) => return Err(NameConflict(request.name.clone()).into()),
            Err(e) => {
                return Err(anyhow::Error::from(e)
                    .context(format!("cannot create container `{}`", request.name)))
            }
        };
        // API < 1.44 takes one endpoint at create; the others are connected one by one.
        for network in &request.extra_networks {
            let connect = NetworkConnectRequest {
                container: created.id.clone(),
                endpoint_config: Some(EndpointSettings {
                    aliases: Some(container::aliases(request)),
                    ..Default::default()
                }),
            };
            self.docker
                .connect_network(network, connect)
                .await
                .with_context(|| {
                    format!("cannot join `{}` to network `{network}`", request.name)
                })?;
        }
        Ok(created.id)
    }

    async fn inject_files(&self, container: &str, files: &[InjectedFile]) -> anyhow::Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        let options = UploadToContainerOptionsBuilder::default().path("/").build();
        let archive = archive::tar(files, now()).context("cannot pack the secrets")?;
        self.docker
            .upload_to_container(container, Some(options), bollard::body_full(archive.into()))
            .await
            .with_context(|| format!("cannot copy secrets into `{container}`"))
    }

    async fn start_container(&self, container: &str) -> anyhow::Result<()> {
        self.docker
            .start_container(container, None)
            .await
            .with_context(|| format!("cannot start `{container}`"))
    }

    async fn stop_container(&self, container: &str, timeout_secs: i64) -> anyhow::Result<()> {
        let options = StopContainerOptionsBuilder::default()
            .t(timeout_secs as i32)
            .build();
        match self.docker.stop_container(container, Some(options)).await {
            Err(e) if is_not_found(&e) => Ok(()),
            other => other.with_context(|| format!("cannot stop `{container}`")),
        }
    }

    async fn restart_container(&self, container: &str, timeout_secs: i64) -> anyhow::Result<()> {
        let options = RestartContainerOptionsBuilder::default()
            .t(timeout_secs as i32)
            .build();
        self.docker
            .restart_container(container, Some(options))
            .await
            .with_context(|| format!("cannot restart `{container}`"))
    }

    async fn remove_container(&self, container: &str, volumes: bool) -> anyhow::Result<()> {
        let options = RemoveContainerOptionsBuilder::default()
            .force(true)
            .v(volumes)
            .build();
        match self.docker.remove_container(container, Some(options)).await {
            Err(e) if is_not_found(&e) => Ok(()),
            other => other.with_context(|| format!("cannot remove `{container}`")),
        }
    }

    async fn rename_container(&self, container: &str, new_name: &str) -> anyhow::Result<()> {
        let options = RenameContainerOptionsBuilder::default()
            .name(new_name)
            .build();
        self.docker
            .rename_container(container, options)
            .await
            .with_context(|| format!("cannot rename `{container}` to `{new_name}`"))
    }

    async fn inspect_container(&self, container: &str) -> Result<ContainerStatus, EngineError> {
        let found = match self.docker.inspect_container(container, None).await {
            Ok(found) => found,
            Err(e) if is_not_found(&e) => {
                return Err(EngineError::NotFound {
                    what: format!("container `{container}`"),
                })
            }
            Err(e) => {
                return Err(EngineError::Other(
                    anyhow::Error::from(e).context(format!("cannot inspect `{container}`")),
                ))
            }
        };
        Ok(inspect::status_of(found))
    }

    async fn logs_tail(&self, container: &str, lines: usize) -> anyhow::Result<String> {
        let options = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .tail(&lines.to_string())
            .build();
        let mut stream = self.docker.logs(container, Some(options));
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.with_context(|| format!("cannot read the logs of `{container}`"))?;
            text.push_str(&chunk.to_string());
        }
        Ok(text)
    }

    async fn signal_container(&self, container: &str, signal: &str) -> anyhow::Result<()> {
        let options = KillContainerOptionsBuilder::default()
            .signal(signal)
            .build();
        self.docker
            .kill_container(container, Some(options))
            .await
            .with_context(|| format!("cannot send {signal} to `{container}`"))
    }

    async fn remove_network(&self, name: &str) -> anyhow::Result<()> {
        match self.docker.remove_network(name).await {
            Err(e) if is_not_found(&e) => Ok(()),
            other => other.with_context(|| format!("cannot remove network `{name}`")),
        }
    }

    async fn disconnect_network(&self, network: &str, container: &str) -> anyhow::Result<()> {
        let request = NetworkDisconnectRequest {
            container: container.to_string(),
            force: Some(true),
        };
        match self.docker.disconnect_network(network, request).await {
            Err(e) if is_not_found(&e) => Ok(()),
            other => other
                .with_context(|| format!("cannot detach `{container}` from network `{network}`")),
        }
    }

    async fn remove_volume(&self, name: &str) -> anyhow::Result<()> {
        match self
            .docker
            .remove_volume(name, None::<RemoveVolumeOptions>)
            .await
        {
            Err(e) if is_not_found(&e) => Ok(()),
            other => other.with_context(|| format!("cannot remove volume `{name}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references_for_the_pull_api() {
        let cases = [
            ("prom/prometheus:v3.14.0", ("prom/prometheus", "v3.14.0")),
            (
                "registry:5000/prom/prometheus",
                ("registry:5000/prom/prometheus", "latest"),
            ),
            ("registry:5000/x:1.0", ("registry:5000/x", "1.0")),
        ];
        for (image, want) in cases {
            assert_eq!(split_reference(image), want, "{image}");
        }
    }
}
