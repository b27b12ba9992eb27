//! `stackctl down [--volumes]`: stop and remove the project's containers (dependents first),
//! then its networks; named volumes only with `--volumes`. Works from labels alone, so it
//! also removes what a previous manifest deployed.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use futures_util::future::try_join_all;

use super::deploy::session;
use crate::cli::{DownArgs, GlobalArgs};
use crate::docker::{labels, Engine, ObservedContainer};

const STOP_TIMEOUT_SECS: i64 = 10;

pub fn exec(global: &GlobalArgs, args: DownArgs) -> anyhow::Result<ExitCode> {
    let loaded = super::load_manifest(global)?;
    let project = loaded.manifest.project;
    session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        down(&engine, &project, args.volumes).await
    })
}

pub async fn down<E: Engine>(engine: &E, project: &str, volumes: bool) -> anyhow::Result<ExitCode> {
    let containers = engine.list_containers(project).await?;
    for wave in removal_order(&containers) {
        try_join_all(wave.iter().map(|c| async move {
            engine.stop_container(&c.id, STOP_TIMEOUT_SECS).await?;
            engine.remove_container(&c.id, false).await?;
            println!("removed {}", c.name);
            anyhow::Ok(())
        }))
        .await?;
    }
    let mut networks = engine.list_networks(project).await?;
    if let Some(default) = engine
        .find_network(&labels::default_network(project))
        .await?
    {
        if !networks.iter().any(|n| n.id == default.id) {
            networks.push(default);
        }
    }
    for network in networks {
        engine.remove_network(&network.name).await?;
        println!("removed network {}", network.name);
    }
    if volumes {
        for volume in engine.list_volumes(project).await? {
            engine.remove_volume(&volume).await?;
            println!("removed volume {volume}");
        }
    } else {
        let kept = engine.list_volumes(project).await?;
        if !kept.is_empty() {
            println!(
                "kept {} data volume(s): {} (`stackctl down --volumes` removes them)",
                kept.len(),
                kept.join(", ")
            );
        }
    }
    println!("stack `{project}` is down");
    Ok(ExitCode::SUCCESS)
}

/// Containers in waves: a container goes after every container that depends on it
/// (read back from the compose `depends_on` label).
pub fn removal_order(containers: &[ObservedContainer]) -> Vec<Vec<&ObservedContainer>> {
    let needed_by: BTreeMap<&str, BTreeSet<String>> = containers
        .iter()
        .map(|c| {
            let dependents = containers
                .iter()
                .filter(|other| {
                    other
                        .label(labels::DEPENDS_ON)
                        .map(labels::parse_depends_on)
                        .unwrap_or_default()
                        .contains(&c.service)
                })
                .map(|other| other.id.clone())
                .collect();
            (c.id.as_str(), dependents)
        })
        .collect();
    let mut removed: BTreeSet<String> = BTreeSet::new();
    let mut waves = Vec::new();
    while removed.len() < containers.len() {
        let mut wave: Vec<&ObservedContainer> = containers
            .iter()
            .filter(|c| !removed.contains(&c.id))
            .filter(|c| needed_by[c.id.as_str()].iter().all(|d| removed.contains(d)))
            .collect();
        if wave.is_empty() {
            // A dependency cycle in labels: remove the rest together.
            wave = containers
                .iter()
                .filter(|c| !removed.contains(&c.id))
                .collect();
        }
        removed.extend(wave.iter().map(|c| c.id.clone()));
        waves.push(wave);
    }
    waves
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::RunState;

    fn container(service: &str, depends_on: &str) -> ObservedContainer {
        ObservedContainer {
            id: format!("id-{service}"),
            name: format!("p-{service}-1"),
            service: service.into(),
            state: RunState::Running,
            image_id: String::new(),
            labels: BTreeMap::from([(labels::DEPENDS_ON.to_string(), depends_on.to_string())]),
        }
    }

    #[test]
    fn removes_dependents_before_what_they_depend_on() {
        let containers = [
            container("alertmanager", ""),
            container("grafana", "prometheus:service_started:false"),
            container("prometheus", "alertmanager:service_started:false"),
        ];
        let waves: Vec<Vec<&str>> = removal_order(&containers)
            .into_iter()
            .map(|w| w.into_iter().map(|c| c.service.as_str()).collect())
            .collect();
        assert_eq!(
            waves,
            vec![vec!["grafana"], vec!["prometheus"], vec!["alertmanager"]]
        );
    }
}
