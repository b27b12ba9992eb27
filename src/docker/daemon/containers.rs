//! Containers on the daemon: listing the project's, creating one (and joining its networks),
//! copying files in, the lifecycle calls, inspection, logs and signals.

use std::collections::BTreeMap;

use anyhow::Context as _;
use bollard::errors::Error as BollardError;
use bollard::models::{EndpointSettings, NetworkConnectRequest};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, KillContainerOptionsBuilder, ListContainersOptionsBuilder,
    LogsOptionsBuilder, RemoveContainerOptionsBuilder, RenameContainerOptionsBuilder,
    RestartContainerOptionsBuilder, StopContainerOptionsBuilder, UploadToContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::StreamExt as _;

use super::api::{is_not_found, project_filter, to_btree};
use crate::docker::engine::{
    ContainerRequest, ContainerStatus, EngineError, InjectedFile, NameConflict, ObservedContainer,
    RunState,
};
use crate::docker::{archive, container, inspect};
use crate::labels;

pub(super) async fn list(docker: &Docker, project: &str) -> anyhow::Result<Vec<ObservedContainer>> {
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&project_filter(project))
        .build();
    let list = docker
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

pub(super) async fn create(docker: &Docker, request: &ContainerRequest) -> anyhow::Result<String> {
    let options = CreateContainerOptionsBuilder::default()
        .name(&request.name)
        .build();
    let created = match docker
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
        docker
            .connect_network(network, connect)
            .await
            .with_context(|| format!("cannot join `{}` to network `{network}`", request.name))?;
    }
    Ok(created.id)
}

pub(super) async fn inject_files(
    docker: &Docker,
    container: &str,
    files: &[InjectedFile],
) -> anyhow::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let options = UploadToContainerOptionsBuilder::default().path("/").build();
    let archive = archive::tar(files, now()).context("cannot pack the secrets")?;
    docker
        .upload_to_container(container, Some(options), bollard::body_full(archive.into()))
        .await
        .with_context(|| format!("cannot copy secrets into `{container}`"))
}

pub(super) async fn start(docker: &Docker, container: &str) -> anyhow::Result<()> {
    docker
        .start_container(container, None)
        .await
        .with_context(|| format!("cannot start `{container}`"))
}

pub(super) async fn stop(
    docker: &Docker,
    container: &str,
    timeout_secs: i64,
) -> anyhow::Result<()> {
    let options = StopContainerOptionsBuilder::default()
        .t(timeout_secs as i32)
        .build();
    match docker.stop_container(container, Some(options)).await {
        Err(e) if is_not_found(&e) => Ok(()),
        other => other.with_context(|| format!("cannot stop `{container}`")),
    }
}

pub(super) async fn restart(
    docker: &Docker,
    container: &str,
    timeout_secs: i64,
) -> anyhow::Result<()> {
    let options = RestartContainerOptionsBuilder::default()
        .t(timeout_secs as i32)
        .build();
    docker
        .restart_container(container, Some(options))
        .await
        .with_context(|| format!("cannot restart `{container}`"))
}

pub(super) async fn remove(docker: &Docker, container: &str, volumes: bool) -> anyhow::Result<()> {
    let options = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(volumes)
        .build();
    match docker.remove_container(container, Some(options)).await {
        Err(e) if is_not_found(&e) => Ok(()),
        other => other.with_context(|| format!("cannot remove `{container}`")),
    }
}

pub(super) async fn rename(docker: &Docker, container: &str, new_name: &str) -> anyhow::Result<()> {
    let options = RenameContainerOptionsBuilder::default()
        .name(new_name)
        .build();
    docker
        .rename_container(container, options)
        .await
        .with_context(|| format!("cannot rename `{container}` to `{new_name}`"))
}

pub(super) async fn inspect(
    docker: &Docker,
    container: &str,
) -> Result<ContainerStatus, EngineError> {
    let found = match docker.inspect_container(container, None).await {
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

pub(super) async fn logs_tail(
    docker: &Docker,
    container: &str,
    lines: usize,
) -> anyhow::Result<String> {
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .tail(&lines.to_string())
        .build();
    let mut stream = docker.logs(container, Some(options));
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.with_context(|| format!("cannot read the logs of `{container}`"))?;
        text.push_str(&chunk.to_string());
    }
    Ok(text)
}

pub(super) async fn signal(docker: &Docker, container: &str, signal: &str) -> anyhow::Result<()> {
    let options = KillContainerOptionsBuilder::default()
        .signal(signal)
        .build();
    docker
        .kill_container(container, Some(options))
        .await
        .with_context(|| format!("cannot send {signal} to `{container}`"))
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

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
