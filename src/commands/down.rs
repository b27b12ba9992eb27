//! `stackctl down [--volumes] [--remove-orphans]`: stop and remove the project's containers
//! (dependents first), then its networks (duplicates of `PROJECT_default` included); named
//! volumes only with `--volumes`. Works from labels alone, so it also removes what a previous
//! manifest deployed — but only what stackctl created: containers and volumes that carry just
//! the compose project label (an app using the same project name) are listed and kept;
//! `--remove-orphans` removes such containers too.
//!
//! A stack `docker compose up` started from the exported docker-compose.yml is stackctl's too
//! (`status` and `deploy` adopt it): its containers name the export in their `config_files`
//! label and its volumes are the ones the export declares, so `down` removes them as compose
//! would (`docker compose down`, volumes with `--volumes`).
//!
//! Each step is reported as it happens through `output::down`, which words it.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use futures_util::future::try_join_all;

use super::session::{self, lock, on_disk};
use crate::cli::{DownArgs, GlobalArgs};
use crate::docker::{Engine, ObservedContainer, ObservedNetwork, ObservedVolume};
use crate::labels;
use crate::output::down::{print_event, DownEvent};

const STOP_TIMEOUT_SECS: i64 = 10;

pub fn exec(global: &GlobalArgs, args: DownArgs) -> anyhow::Result<ExitCode> {
    let loaded = super::load_manifest(global)?;
    let project = loaded.manifest.project;
    if loaded.manifest.engine == crate::manifest::EngineKind::Swarm {
        return super::swarm::down(global, &project, &args);
    }
    let out_dir = std::path::absolute(super::out_dir(global))?;
    let export = ComposeStarted {
        paths: on_disk::export_paths(&out_dir),
        volumes: on_disk::export_volumes(&out_dir),
    };
    session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        let _lock = lock::acquire(&out_dir, &project, "down")?;
        down(&engine, &project, &args, &export).await
    })
}

/// How to recognise what `docker compose up` created from the project's export.
#[derive(Debug, Default)]
pub(crate) struct ComposeStarted {
    /// The export's absolute paths (compose records one in `config_files`).
    pub paths: Vec<String>,
    /// The volume keys the export declares (`prometheus-data`).
    pub volumes: Vec<String>,
}

impl ComposeStarted {
    fn container(&self, container: &ObservedContainer) -> bool {
        crate::plan::started_from(container, &self.paths)
    }

    /// A volume compose created for one the export declares (`PROJECT_KEY`, labelled `KEY`).
    fn volume(&self, project: &str, volume: &ObservedVolume) -> bool {
        volume.labels.get(labels::VOLUME).is_some_and(|key| {
            self.volumes.contains(key) && volume.name == labels::volume_name(project, key)
        })
    }
}

pub async fn down<E: Engine>(
    engine: &E,
    project: &str,
    args: &DownArgs,
    export: &ComposeStarted,
) -> anyhow::Result<ExitCode> {
    let (ours, foreign): (Vec<ObservedContainer>, Vec<ObservedContainer>) = engine
        .list_containers(project)
        .await?
        .into_iter()
        .partition(|c| c.is_stackctl() || export.container(c) || args.remove_orphans);
    for wave in removal_order(&ours) {
        try_join_all(wave.iter().map(|c| async move {
            engine.stop_container(&c.id, STOP_TIMEOUT_SECS).await?;
            engine.remove_container(&c.id, false).await?;
            print_event(&DownEvent::RemovedContainer(c.name.clone()));
            anyhow::Ok(())
        }))
        .await?;
    }
    if !foreign.is_empty() {
        let names = foreign.iter().map(|c| c.name.clone()).collect();
        print_event(&DownEvent::KeptForeignContainers(names));
    }
    remove_networks(engine, project, !foreign.is_empty()).await?;
    remove_volumes(engine, project, args.volumes, export).await?;
    print_event(&DownEvent::Down {
        project: project.to_string(),
    });
    Ok(ExitCode::SUCCESS)
}

/// Every `PROJECT_default` (duplicates too) and the project's other stackctl networks. While
/// kept containers may still use one, a network that will not go is reported, not an error.
async fn remove_networks<E: Engine>(
    engine: &E,
    project: &str,
    containers_kept: bool,
) -> anyhow::Result<()> {
    let mut networks: Vec<ObservedNetwork> = engine
        .networks_named(&labels::default_network(project))
        .await?;
    for network in engine.list_networks(project).await? {
        if labels::is_stackctl(&network.labels) && !networks.iter().any(|n| n.id == network.id) {
            networks.push(network);
        }
    }
    for network in networks {
        match engine.remove_network(&network.id).await {
            Ok(()) => print_event(&DownEvent::RemovedNetwork(network.name)),
            Err(e) if containers_kept => print_event(&DownEvent::KeptNetwork {
                name: network.name,
                error: format!("{e:#}"),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Named volumes stackctl (or compose, from the export) created, with `--volumes`; others are
/// only listed.
async fn remove_volumes<E: Engine>(
    engine: &E,
    project: &str,
    remove: bool,
    export: &ComposeStarted,
) -> anyhow::Result<()> {
    let (ours, foreign): (Vec<_>, Vec<_>) = engine
        .list_volumes(project)
        .await?
        .into_iter()
        .partition(|v| v.is_stackctl() || export.volume(project, v));
    let ours: Vec<String> = ours.into_iter().map(|v| v.name).collect();
    if remove {
        for volume in &ours {
            engine.remove_volume(volume).await?;
            print_event(&DownEvent::RemovedVolume(volume.clone()));
        }
    } else if !ours.is_empty() {
        print_event(&DownEvent::KeptDataVolumes(ours));
    }
    if !foreign.is_empty() {
        let names = foreign.into_iter().map(|v| v.name).collect();
        print_event(&DownEvent::KeptForeignVolumes(names));
    }
    Ok(())
}

/// Containers in waves: a container goes after every container that depends on it
/// (read back from the compose `depends_on` label).
pub(crate) fn removal_order(containers: &[ObservedContainer]) -> Vec<Vec<&ObservedContainer>> {
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
            created: 0,
            image_id: String::new(),
            labels: BTreeMap::from([(labels::DEPENDS_ON.to_string(), depends_on.to_string())]),
            networks: BTreeMap::new(),
        }
    }

    #[test]
    fn recognises_what_compose_started_from_the_export() {
        let export = ComposeStarted {
            paths: vec!["/srv/rendered/docker-compose.yml".into()],
            volumes: vec!["prometheus-data".into()],
        };
        let mut started = container("prometheus", "");
        started.labels.insert(
            labels::CONFIG_FILES.into(),
            "/srv/other.yml,/srv/rendered/docker-compose.yml".into(),
        );
        let mut elsewhere = container("app", "");
        elsewhere
            .labels
            .insert(labels::CONFIG_FILES.into(), "/srv/app/compose.yml".into());
        assert!(export.container(&started));
        assert!(!export.container(&elsewhere));
        assert!(!export.container(&container("app", "")));

        let volume = |name: &str, key: Option<&str>| ObservedVolume {
            name: name.into(),
            labels: key
                .map(|k| BTreeMap::from([(labels::VOLUME.to_string(), k.to_string())]))
                .unwrap_or_default(),
        };
        let cases = [
            ("p_prometheus-data", Some("prometheus-data"), true),
            ("p_app-data", Some("app-data"), false), // not in the export
            ("other_prometheus-data", Some("prometheus-data"), false), // another name
            ("p_prometheus-data", None, false),      // not made by compose
        ];
        for (name, key, want) in cases {
            assert_eq!(
                export.volume("p", &volume(name, key)),
                want,
                "{name} {key:?}"
            );
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
