//! Named volumes on the daemon: the project's, creating and removing one.

use std::collections::BTreeMap;

use anyhow::Context as _;
use bollard::models::VolumeCreateRequest;
use bollard::query_parameters::{
    ListVolumesOptions, ListVolumesOptionsBuilder, RemoveVolumeOptions,
};
use bollard::Docker;

use super::api::{is_not_found, project_filter};
use crate::docker::engine::ObservedVolume;

pub(super) async fn list(docker: &Docker, project: &str) -> anyhow::Result<Vec<ObservedVolume>> {
    let options: ListVolumesOptions = ListVolumesOptionsBuilder::default()
        .filters(&project_filter(project))
        .build();
    let list = docker
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

pub(super) async fn create(
    docker: &Docker,
    name: &str,
    labels: BTreeMap<String, String>,
) -> anyhow::Result<()> {
    let request = VolumeCreateRequest {
        name: Some(name.to_string()),
        labels: Some(labels.into_iter().collect()),
        ..Default::default()
    };
    docker
        .create_volume(request)
        .await
        .with_context(|| format!("cannot create volume `{name}`"))?;
    Ok(())
}

pub(super) async fn remove(docker: &Docker, name: &str) -> anyhow::Result<()> {
    match docker
        .remove_volume(name, None::<RemoveVolumeOptions>)
        .await
    {
        Err(e) if is_not_found(&e) => Ok(()),
        other => other.with_context(|| format!("cannot remove volume `{name}`")),
    }
}
