//! Networks on the daemon: the project's, one by name, creating, removing and detaching.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use bollard::models::{NetworkCreateRequest, NetworkDisconnectRequest};
use bollard::query_parameters::ListNetworksOptionsBuilder;
use bollard::Docker;

use super::api::{is_not_found, project_filter, to_btree};
use crate::docker::engine::ObservedNetwork;

pub(super) async fn named(docker: &Docker, name: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
    let filters = HashMap::from([("name".to_string(), vec![name.to_string()])]);
    let options = ListNetworksOptionsBuilder::default()
        .filters(&filters)
        .build();
    let list = docker
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

pub(super) async fn list(docker: &Docker, project: &str) -> anyhow::Result<Vec<ObservedNetwork>> {
    let options = ListNetworksOptionsBuilder::default()
        .filters(&project_filter(project))
        .build();
    let list = docker
        .list_networks(Some(options))
        .await
        .context("cannot list networks")?;
    Ok(list.into_iter().map(observed_network).collect())
}

pub(super) async fn create(
    docker: &Docker,
    name: &str,
    labels: BTreeMap<String, String>,
) -> anyhow::Result<String> {
    let request = NetworkCreateRequest {
        name: name.to_string(),
        driver: Some("bridge".to_string()),
        labels: Some(labels.into_iter().collect()),
        ..Default::default()
    };
    let created = docker
        .create_network(request)
        .await
        .with_context(|| format!("cannot create network `{name}`"))?;
    Ok(created.id)
}

pub(super) async fn remove(docker: &Docker, name: &str) -> anyhow::Result<()> {
    match docker.remove_network(name).await {
        Err(e) if is_not_found(&e) => Ok(()),
        other => other.with_context(|| format!("cannot remove network `{name}`")),
    }
}

pub(super) async fn disconnect(
    docker: &Docker,
    network: &str,
    container: &str,
) -> anyhow::Result<()> {
    let request = NetworkDisconnectRequest {
        container: container.to_string(),
        force: Some(true),
    };
    match docker.disconnect_network(network, request).await {
        Err(e) if is_not_found(&e) => Ok(()),
        other => {
            other.with_context(|| format!("cannot detach `{container}` from network `{network}`"))
        }
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
