//! Observe: what the daemon has for the project (one list call per kind, image lookups in
//! parallel), plus the state file, shaped as `plan::Observed`.

use std::collections::BTreeSet;

use futures_util::future::try_join_all;

use super::on_disk;
use super::state::DeployedState;
use super::Session;
use crate::docker::Engine;
use crate::labels;
use crate::plan::Observed;

pub(crate) async fn observe<E: Engine>(engine: &E, session: &Session) -> anyhow::Result<Observed> {
    let project = &session.project;
    let images: BTreeSet<&str> = session
        .desired
        .iter()
        .map(|d| d.spec.image.as_str())
        .collect();
    let externals: BTreeSet<&str> = session
        .desired
        .iter()
        .flat_map(|d| d.spec.networks.iter().map(String::as_str))
        .collect();
    let network_name = labels::default_network(project);
    let (containers, networks, volumes, image_ids, external_found) = futures_util::try_join!(
        engine.list_containers(project),
        engine.networks_named(&network_name),
        engine.list_volumes(project),
        try_join_all(images.iter().map(|image| engine.image_id(image))),
        try_join_all(externals.iter().map(|name| engine.find_network(name))),
    )?;
    // Only a container stackctl did not create can have been started by `docker compose up`.
    let compose_started = containers.iter().any(|c| !c.is_stackctl());
    let (compose_export, on_disk_config) = if compose_started {
        (
            on_disk::compose_export(session),
            on_disk::config_hashes(session)?,
        )
    } else {
        (None, Default::default())
    };
    Ok(Observed {
        compose_export,
        on_disk_config,
        containers,
        networks,
        external_networks: externals
            .iter()
            .zip(external_found)
            .map(|(name, found)| (name.to_string(), found.is_some()))
            .collect(),
        volumes: volumes.into_iter().map(|v| v.name).collect(),
        images: images
            .iter()
            .map(|i| i.to_string())
            .zip(image_ids)
            .collect(),
        deployed_config: DeployedState::read(&session.out_dir).by_container(),
    })
}
