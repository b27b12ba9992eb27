//! Desired services vs observed containers → the actions that converge them (pure).
//! `desired` hashes what each service should be; `changes` says a recreate's `old → new`;
//! `adopt` recognises containers `docker compose up` started; `describe` prints and counts.
//!
//! The project network: the existing `PROJECT_default` most of the project's containers use
//! (the oldest on a tie) is kept; duplicates two concurrent creates left are removed once
//! empty; none → create.
//!
//! The decision for each service, in order: no container → create; spec hash differs (image,
//! ports, flags, mounts...) or its image tag now names another image → recreate; not attached
//! to the kept project network (it was removed, recreated or disconnected) → recreate; stopped →
//! start; config content differs → reload; else keep. Leftover temporary containers of an
//! interrupted recreate and containers of services no longer declared are removed — only those
//! stackctl created: a container that carries only the compose project label (an app using the
//! same project name) is listed as foreign and removed only when asked (`--remove-orphans`).
//! A container `docker compose up` started from the exported docker-compose.yml is adopted
//! (`adopt`): its spec is the export's, so only a changed export section recreates it, and its
//! config is what is on disk.
//! `deploy --dry-run` prints this plan (`describe`); nothing here talks to Docker.

mod adopt;
mod changes;
mod describe;
mod desired;

pub use adopt::{adoption, section_differences, started_from, Adoption, ComposeExport};
pub use changes::SpecChange;
pub use describe::Counts;
pub use desired::{config_hash, desired, reads, DesiredService};

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::docker::labels;
use crate::docker::{ObservedContainer, ObservedNetwork, RunState};
use crate::service::{MountSource, ServiceSpec};

/// What the daemon has for the project, from one list call per kind plus image lookups.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub containers: Vec<ObservedContainer>,
    /// Every network named `PROJECT_default`, oldest first (two after concurrent creates).
    pub networks: Vec<ObservedNetwork>,
    /// The manifest's `networks`: name → exists.
    pub external_networks: BTreeMap<String, bool>,
    pub volumes: BTreeSet<String>,
    /// Image reference → local image ID, `None` when absent.
    pub images: BTreeMap<String, Option<String>>,
    /// Config hash applied last (by deploy or reload), by container ID (the state file).
    pub deployed_config: BTreeMap<String, String>,
    /// The exported docker-compose.yml on disk, to recognise containers `docker compose up`
    /// started from it (`None` when there is none).
    pub compose_export: Option<ComposeExport>,
    /// Config hash of each service's files as they are on disk now (what a container that
    /// compose started reads through its bind mounts), by service.
    pub on_disk_config: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ServiceAction {
    Create,
    Recreate {
        container: String,
        reason: String,
        /// Each changed spec field, `old → new` (empty when the old spec is unknown).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        changes: Vec<SpecChange>,
    },
    Start {
        container: String,
    },
    Reload {
        container: String,
    },
    Keep {
        container: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStep {
    pub service: String,
    #[serde(flatten)]
    pub action: ServiceAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    pub container: String,
    pub id: String,
    pub reason: String,
}

/// A duplicate project network and the project containers to detach from it first (they
/// are recreated onto the kept network).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkRemoval {
    pub id: String,
    pub detach: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pull {
    pub image: String,
    pub service: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub project: String,
    /// The project network to create, if missing.
    pub create_network: Option<String>,
    /// The ID of the existing project network the services join.
    pub network_id: Option<String>,
    /// Duplicate project networks, removed before any container starts (Docker refuses to
    /// start a container while its network's name is ambiguous).
    pub remove_networks: Vec<NetworkRemoval>,
    /// Containers with the project's compose label that stackctl did not create: kept, and
    /// listed (removed with `--remove-orphans`).
    pub foreign: Vec<Removal>,
    /// Named volumes to create (full names).
    pub create_volumes: Vec<String>,
    pub pulls: Vec<Pull>,
    pub removals: Vec<Removal>,
    /// Service steps by dependency level: every service of a level after all of the previous one.
    pub levels: Vec<Vec<ServiceStep>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("network `{0}` listed in `networks` does not exist")]
    MissingNetwork(String),
    #[error("services depend on each other in a cycle: {0}")]
    Cycle(String),
}

impl PlanError {
    pub fn hint(&self) -> String {
        match self {
            PlanError::MissingNetwork(name) => {
                format!(
                    "create it with `docker network create {name}`, or remove it from `networks`"
                )
            }
            PlanError::Cycle(_) => "remove one of the `depends_on` links".to_string(),
        }
    }
}

impl Plan {
    /// `--remove-orphans`: the foreign containers are removed too.
    pub fn remove_foreign(&mut self) {
        for mut foreign in std::mem::take(&mut self.foreign) {
            foreign.reason = format!("{}; `--remove-orphans`", foreign.reason);
            self.removals.push(foreign);
        }
    }

    /// True when applying the plan would touch nothing.
    pub fn is_up_to_date(&self) -> bool {
        self.create_network.is_none()
            && self.remove_networks.is_empty()
            && self.create_volumes.is_empty()
            && self.pulls.is_empty()
            && self.removals.is_empty()
            && self
                .steps()
                .all(|s| matches!(s.action, ServiceAction::Keep { .. }))
    }

    pub fn steps(&self) -> impl Iterator<Item = &ServiceStep> {
        self.levels.iter().flatten()
    }
}

/// Services grouped by dependency level (a service after everything it depends on).
/// Dependencies on services that are not in `specs` are ignored.
pub fn dependency_levels(specs: &[ServiceSpec]) -> Result<Vec<Vec<String>>, PlanError> {
    let names: BTreeSet<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut levels = Vec::new();
    while placed.len() < specs.len() {
        let level: Vec<&str> = specs
            .iter()
            .filter(|s| !placed.contains(s.name.as_str()))
            .filter(|s| {
                s.depends_on
                    .iter()
                    .all(|d| placed.contains(d.as_str()) || !names.contains(d.as_str()))
            })
            .map(|s| s.name.as_str())
            .collect();
        if level.is_empty() {
            let rest: Vec<&str> = specs
                .iter()
                .map(|s| s.name.as_str())
                .filter(|n| !placed.contains(n))
                .collect();
            return Err(PlanError::Cycle(rest.join(", ")));
        }
        placed.extend(level.iter().copied());
        levels.push(level.into_iter().map(str::to_string).collect());
    }
    Ok(levels)
}

/// Compares desired services with what the daemon has.
pub fn plan(
    project: &str,
    desired: &[DesiredService],
    observed: &Observed,
) -> Result<Plan, PlanError> {
    if let Some((name, _)) = observed
        .external_networks
        .iter()
        .find(|(_, exists)| !**exists)
    {
        return Err(PlanError::MissingNetwork(name.clone()));
    }
    let specs: Vec<ServiceSpec> = desired.iter().map(|d| d.spec.clone()).collect();
    let mut plan = Plan {
        project: project.to_string(),
        ..Default::default()
    };
    let network = kept_network(&observed.networks, &observed.containers);
    match network {
        Some(kept) => {
            plan.network_id = Some(kept.id.clone());
            plan.remove_networks = observed
                .networks
                .iter()
                .filter(|n| n.id != kept.id)
                .map(|n| NetworkRemoval {
                    id: n.id.clone(),
                    detach: observed
                        .containers
                        .iter()
                        .filter(|c| c.is_stackctl() && c.networks.values().any(|id| *id == n.id))
                        .map(|c| c.id.clone())
                        .collect(),
                })
                .collect();
        }
        None => plan.create_network = Some(labels::default_network(project)),
    }
    plan.create_volumes = volume_names(project, &specs)
        .into_iter()
        .filter(|v| !observed.volumes.contains(v))
        .collect();
    for d in desired {
        let missing = matches!(observed.images.get(&d.spec.image), Some(None));
        if missing && !plan.pulls.iter().any(|p| p.image == d.spec.image) {
            plan.pulls.push(Pull {
                image: d.spec.image.clone(),
                service: d.spec.name.clone(),
            });
        }
    }
    let by_name: BTreeMap<&str, &DesiredService> =
        desired.iter().map(|d| (d.spec.name.as_str(), d)).collect();
    let mut current: BTreeMap<&str, &ObservedContainer> = BTreeMap::new();
    let mut adopted: BTreeMap<&str, Adoption> = BTreeMap::new();
    for c in &observed.containers {
        let adoption = match c.is_stackctl() {
            true => None,
            false => Some(adoption(
                c,
                observed.compose_export.as_ref(),
                observed.deployed_config.contains_key(&c.id),
            )),
        };
        let from_export = adoption.as_ref().is_some_and(|a| *a != Adoption::Foreign);
        let own_name = labels::container_name(project, &c.service);
        if from_export && by_name.contains_key(c.service.as_str()) && c.name == own_name {
            adopted.insert(
                c.service.as_str(),
                adoption.expect("set for foreign containers"),
            );
            current.insert(c.service.as_str(), c);
            continue;
        }
        if !c.is_stackctl() {
            plan.foreign.push(Removal {
                container: c.name.clone(),
                id: c.id.clone(),
                reason: "not created by stackctl".to_string(),
            });
            continue;
        }
        let final_name = by_name
            .get(c.service.as_str())
            .map(|d| labels::container_name(project, &d.spec.name));
        let reason = match final_name {
            None => Some(format!(
                "service `{}` is no longer in the manifest",
                c.service
            )),
            Some(f) if c.name == f => None,
            Some(f) if labels::final_name_of_temporary(&c.name) == Some(f.as_str()) => {
                Some("left over from an interrupted deploy".to_string())
            }
            Some(_) => Some("extra container of the service".to_string()),
        };
        match reason {
            Some(reason) => plan.removals.push(Removal {
                container: c.name.clone(),
                id: c.id.clone(),
                reason,
            }),
            None => {
                current.insert(c.service.as_str(), c);
            }
        }
    }
    for level in dependency_levels(&specs)? {
        let steps = level
            .iter()
            .map(|name| ServiceStep {
                service: name.clone(),
                action: decide(
                    by_name[name.as_str()],
                    (
                        current.get(name.as_str()).copied(),
                        adopted.get(name.as_str()),
                    ),
                    observed,
                    (project, plan.network_id.as_deref()),
                ),
            })
            .collect();
        plan.levels.push(steps);
    }
    Ok(plan)
}

/// The project network to keep: the one most of the project's containers are attached to,
/// the oldest on a tie (`networks` is oldest first).
fn kept_network<'a>(
    networks: &'a [ObservedNetwork],
    containers: &[ObservedContainer],
) -> Option<&'a ObservedNetwork> {
    let users = |n: &ObservedNetwork| {
        containers
            .iter()
            .filter(|c| c.networks.values().any(|id| *id == n.id))
            .count()
    };
    let most = networks.iter().map(users).max()?;
    networks.iter().find(|n| users(n) == most)
}

fn decide(
    d: &DesiredService,
    (container, adopted): (Option<&ObservedContainer>, Option<&Adoption>),
    observed: &Observed,
    (project, network_id): (&str, Option<&str>),
) -> ServiceAction {
    let Some(c) = container else {
        return ServiceAction::Create;
    };
    let id = c.id.clone();
    let recreate = |reason: String| ServiceAction::Recreate {
        container: id.clone(),
        reason,
        changes: Vec::new(),
    };
    if let Some(Adoption::Differs(changes)) = adopted {
        return ServiceAction::Recreate {
            container: id.clone(),
            reason: "started by `docker compose` from a docker-compose.yml that differs from the manifest".into(),
            changes: changes.clone(),
        };
    }
    if let Some(Adoption::Stale) = adopted {
        return recreate(
            "started by `docker compose` from a docker-compose.yml rewritten since: what it runs is unknown"
                .into(),
        );
    }
    if adopted.is_none() && c.label(labels::SPEC_HASH) != Some(d.spec_hash.as_str()) {
        return ServiceAction::Recreate {
            container: id.clone(),
            reason: changed_fields(c.label(labels::SPEC), &d.spec_json),
            changes: spec_changes(c.label(labels::SPEC), &d.spec_json),
        };
    }
    if let Some(Some(image_id)) = observed.images.get(&d.spec.image) {
        if !c.image_id.is_empty() && &c.image_id != image_id {
            return recreate(format!("`{}` now names another image", d.spec.image));
        }
    }
    let network = labels::default_network(project);
    let attached = c.networks.get(&network).map(String::as_str);
    if network_id.is_none() || attached != network_id {
        return recreate(format!(
            "not attached to network `{network}` (it was removed, recreated or disconnected)"
        ));
    }
    match c.state {
        RunState::Running => {}
        RunState::Created | RunState::Exited | RunState::Restarting => {
            return ServiceAction::Start { container: id }
        }
        other => return recreate(format!("container is {}", other.as_str())),
    }
    let deployed = observed
        .deployed_config
        .get(&c.id)
        .map(String::as_str)
        .or(c.label(labels::CONFIG_HASH))
        // A container compose started reads the files on disk through its bind mounts.
        .or(adopted.and(
            observed
                .on_disk_config
                .get(&d.spec.name)
                .map(String::as_str),
        ));
    if deployed != Some(d.config_hash.as_str()) {
        return ServiceAction::Reload { container: id };
    }
    ServiceAction::Keep { container: id }
}

/// Each changed field between the spec a container records and the desired one.
fn spec_changes(old: Option<&str>, new: &str) -> Vec<SpecChange> {
    let parse =
        |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok();
    match (old.and_then(parse), parse(new)) {
        (Some(old), Some(new)) => changes::spec_changes(&old, &new),
        _ => Vec::new(),
    }
}

/// Which top-level spec fields differ, for the recreate reason (`image, ports changed`).
fn changed_fields(old: Option<&str>, new: &str) -> String {
    let parse =
        |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok();
    let (Some(old), Some(new)) = (old.and_then(parse), parse(new)) else {
        return "not created by stackctl (or by an older version)".to_string();
    };
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let changed: Vec<String> = keys
        .into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| match (k.as_str(), old.get(k), new.get(k)) {
            ("image", Some(a), Some(b)) => format!("image {} → {}", plain(a), plain(b)),
            _ => k.clone(),
        })
        .collect();
    if changed.is_empty() {
        "spec changed".to_string()
    } else {
        format!("{} changed", changed.join(", "))
    }
}

fn plain(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

/// Full names of the named volumes the services mount, in first-use order.
pub fn volume_names(project: &str, specs: &[ServiceSpec]) -> Vec<String> {
    let mut names = Vec::new();
    for spec in specs {
        for mount in &spec.mounts {
            if let MountSource::Volume(key) = &mount.source {
                let name = labels::volume_name(project, key);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{FileMode, RenderedFile};
    use crate::service::{MountSpec, PortSpec};

    fn spec(name: &str, deps: &[&str]) -> ServiceSpec {
        let mut s = ServiceSpec::new(name, format!("img/{name}:1"));
        s.depends_on = deps.iter().map(|d| d.to_string()).collect();
        s.config_files = vec![name.to_string()];
        s
    }

    fn files(content: &str) -> BTreeMap<String, RenderedFile> {
        BTreeMap::from([(
            "prometheus/prometheus.yml".to_string(),
            RenderedFile {
                contents: content.to_string(),
                mode: FileMode::Public,
            },
        )])
    }

    fn desired_one(s: ServiceSpec, content: &str) -> Vec<DesiredService> {
        desired(&[s], &files(content), "/out", b"test key")
    }

    /// The container a previous deploy of `d` left behind.
    fn deployed(project: &str, d: &DesiredService, state: RunState) -> ObservedContainer {
        let id = format!("{:0>64}", d.spec.name.len());
        ObservedContainer {
            id,
            name: labels::container_name(project, &d.spec.name),
            service: d.spec.name.clone(),
            state,
            created: 0,
            image_id: "sha256:aaa".into(),
            labels: BTreeMap::from([
                (labels::SPEC_HASH.to_string(), d.spec_hash.clone()),
                (labels::SPEC.to_string(), d.spec_json.clone()),
                (labels::CONFIG_HASH.to_string(), d.config_hash.clone()),
            ]),
            networks: BTreeMap::from([(labels::default_network(project), "net1".to_string())]),
        }
    }

    fn network(id: &str) -> ObservedNetwork {
        ObservedNetwork {
            id: id.into(),
            name: "p_default".into(),
            labels: BTreeMap::new(),
            created: id.into(),
        }
    }

    fn observed_with(containers: Vec<ObservedContainer>) -> Observed {
        Observed {
            containers,
            networks: vec![network("net1")],
            images: BTreeMap::from([("img/prometheus:1".to_string(), Some("sha256:aaa".into()))]),
            ..Default::default()
        }
    }

    fn only_action(plan: &Plan) -> ServiceAction {
        plan.steps().next().unwrap().action.clone()
    }

    /// One row per decision: what was deployed, what is desired now, what the plan says.
    #[test]
    fn decides_each_service_action() {
        let base = desired_one(spec("prometheus", &[]), "a")[0].clone();
        let mut new_image = spec("prometheus", &[]);
        new_image.image = "img/prometheus:2".into();
        let mut new_port = spec("prometheus", &[]);
        new_port.ports.push(PortSpec {
            host_ip: "127.0.0.1".into(),
            host_port: 9999,
            container_port: 9090,
            protocol: "tcp".into(),
        });
        let mut new_url = spec("prometheus", &[]);
        new_url.url = Some("http://127.0.0.1:1".into());
        type Row = (
            &'static str,
            Option<RunState>,
            ServiceSpec,
            &'static str,
            &'static str,
        );
        let rows: Vec<Row> = vec![
            (
                "nothing deployed",
                None,
                spec("prometheus", &[]),
                "a",
                "create",
            ),
            (
                "unchanged",
                Some(RunState::Running),
                spec("prometheus", &[]),
                "a",
                "keep",
            ),
            (
                "config content changed",
                Some(RunState::Running),
                spec("prometheus", &[]),
                "b",
                "reload",
            ),
            (
                "image tag changed",
                Some(RunState::Running),
                new_image,
                "a",
                "recreate:image img/prometheus:1 → img/prometheus:2 changed",
            ),
            (
                "port changed",
                Some(RunState::Running),
                new_port,
                "a",
                "recreate:ports changed",
            ),
            (
                "only the url changed",
                Some(RunState::Running),
                new_url,
                "a",
                "keep",
            ),
            (
                "created, never started",
                Some(RunState::Created),
                spec("prometheus", &[]),
                "a",
                "start",
            ),
            (
                "stopped",
                Some(RunState::Exited),
                spec("prometheus", &[]),
                "b",
                "start",
            ),
            (
                "dead",
                Some(RunState::Dead),
                spec("prometheus", &[]),
                "a",
                "recreate:container is dead",
            ),
        ];
        for (case, state, want_spec, content, want) in rows {
            let containers = state
                .map(|s| vec![deployed("p", &base, s)])
                .unwrap_or_default();
            let d = desired_one(want_spec, content);
            let plan = plan("p", &d, &observed_with(containers)).unwrap();
            let got = match only_action(&plan) {
                ServiceAction::Create => "create".to_string(),
                ServiceAction::Keep { .. } => "keep".to_string(),
                ServiceAction::Reload { .. } => "reload".to_string(),
                ServiceAction::Start { .. } => "start".to_string(),
                ServiceAction::Recreate { reason, .. } => format!("recreate:{reason}"),
            };
            assert_eq!(got, want, "{case}");
        }
    }

    #[test]
    fn recreates_when_the_tag_names_a_rebuilt_image() {
        let d = desired_one(spec("prometheus", &[]), "a");
        let mut observed = observed_with(vec![deployed("p", &d[0], RunState::Running)]);
        observed
            .images
            .insert("img/prometheus:1".into(), Some("sha256:bbb".into()));
        let action = only_action(&plan("p", &d, &observed).unwrap());
        assert!(
            matches!(action, ServiceAction::Recreate { reason, .. } if reason.contains("another image"))
        );
    }

    #[test]
    fn state_file_hash_wins_over_the_stale_label_after_a_reload() {
        let old = desired_one(spec("prometheus", &[]), "a");
        let new = desired_one(spec("prometheus", &[]), "b");
        let container = deployed("p", &old[0], RunState::Running);
        let mut observed = observed_with(vec![container.clone()]);
        observed
            .deployed_config
            .insert(container.id, new[0].config_hash.clone());
        assert!(matches!(
            only_action(&plan("p", &new, &observed).unwrap()),
            ServiceAction::Keep { .. }
        ));
    }

    #[test]
    fn second_deploy_with_nothing_changed_is_up_to_date() {
        let d = desired_one(spec("prometheus", &[]), "a");
        let plan = plan(
            "p",
            &d,
            &observed_with(vec![deployed("p", &d[0], RunState::Running)]),
        )
        .unwrap();
        assert!(plan.is_up_to_date(), "{:?}", plan.describe());
    }

    #[test]
    fn cold_deploy_creates_network_volumes_and_pulls_missing_images() {
        let mut s = spec("prometheus", &[]);
        s.mounts
            .push(MountSpec::volume("prometheus-data", "/prometheus"));
        let d = desired_one(s, "a");
        let observed = Observed {
            images: BTreeMap::from([("img/prometheus:1".to_string(), None)]),
            ..Default::default()
        };
        let plan = plan("p", &d, &observed).unwrap();
        assert_eq!(plan.create_network.as_deref(), Some("p_default"));
        assert_eq!(plan.create_volumes, vec!["p_prometheus-data".to_string()]);
        assert_eq!(plan.pulls[0].image, "img/prometheus:1");
        assert!(!plan.is_up_to_date());
    }

    #[test]
    fn removes_leftovers_orphans_and_extra_containers() {
        let d = desired_one(spec("prometheus", &[]), "a");
        let current = deployed("p", &d[0], RunState::Running);
        let mut leftover = current.clone();
        leftover.id = "f".repeat(64);
        leftover.name = labels::temporary_name(&leftover.id, &current.name);
        let mut orphan = current.clone();
        orphan.id = "e".repeat(64);
        orphan.service = "loki".into();
        orphan.name = "p-loki-1".into();
        let mut extra = current.clone();
        extra.id = "d".repeat(64);
        extra.name = "p-prometheus-2".into();
        let plan = plan(
            "p",
            &d,
            &observed_with(vec![current, leftover, orphan, extra]),
        )
        .unwrap();
        let reasons: Vec<&str> = plan.removals.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "left over from an interrupted deploy",
                "service `loki` is no longer in the manifest",
                "extra container of the service"
            ]
        );
        assert!(matches!(only_action(&plan), ServiceAction::Keep { .. }));
    }

    /// M1: a container off the kept project network is recreated onto it, stopped or running.
    #[test]
    fn recreates_containers_that_lost_the_project_network() {
        let d = desired_one(spec("prometheus", &[]), "a");
        let stopped = deployed("p", &d[0], RunState::Exited);
        let mut removed = observed_with(vec![stopped]);
        removed.networks.clear();
        let plan_removed = plan("p", &d, &removed).unwrap();
        assert_eq!(plan_removed.create_network.as_deref(), Some("p_default"));
        let mut running = deployed("p", &d[0], RunState::Running);
        running.networks.clear();
        let plan_disconnected = plan("p", &d, &observed_with(vec![running])).unwrap();
        for (case, plan) in [
            ("network removed while stopped", plan_removed),
            ("disconnected while running", plan_disconnected),
        ] {
            assert!(
                matches!(only_action(&plan), ServiceAction::Recreate { reason, .. } if reason.contains("not attached to network `p_default`")),
                "{case}: {:?}",
                plan.describe()
            );
        }
    }

    /// H6: two concurrent creates left two `p_default`; the one in use is kept, the other removed.
    #[test]
    fn keeps_the_used_network_of_duplicates_and_removes_the_others() {
        let d = desired_one(spec("prometheus", &[]), "a");
        let mut c = deployed("p", &d[0], RunState::Running);
        c.networks.insert("p_default".into(), "net2".into());
        let mut observed = observed_with(vec![c]);
        observed.networks = vec![network("net1"), network("net2")];
        let plan = plan("p", &d, &observed).unwrap();
        assert_eq!(plan.network_id.as_deref(), Some("net2"));
        assert_eq!(
            plan.remove_networks,
            vec![NetworkRemoval {
                id: "net1".into(),
                detach: vec![]
            }]
        );
        assert!(plan.create_network.is_none());
        assert!(matches!(only_action(&plan), ServiceAction::Keep { .. }));
        assert!(!plan.is_up_to_date(), "the duplicate is still to remove");

        let mut empty = observed_with(vec![]);
        empty.networks = vec![network("net1"), network("net2")];
        let plan = super::plan("p", &d, &empty).unwrap();
        assert_eq!(
            plan.network_id.as_deref(),
            Some("net1"),
            "the oldest on a tie"
        );
    }

    /// M2: a container with only the compose project label is not stackctl's to remove.
    #[test]
    fn lists_foreign_containers_and_removes_them_only_when_asked() {
        let d = desired_one(spec("prometheus", &[]), "a");
        let current = deployed("p", &d[0], RunState::Running);
        let mut app = current.clone();
        app.id = "a".repeat(64);
        app.name = "p-web-1".into();
        app.service = "web".into();
        app.labels = BTreeMap::from([(labels::PROJECT.to_string(), "p".to_string())]);
        let mut plan = plan("p", &d, &observed_with(vec![current, app])).unwrap();
        assert!(plan.removals.is_empty(), "{:?}", plan.removals);
        assert_eq!(plan.foreign.len(), 1);
        assert!(plan.is_up_to_date(), "a foreign container changes nothing");
        assert!(plan
            .describe()
            .contains(&"keep      p-web-1 (not created by stackctl)".to_string()));
        plan.remove_foreign();
        assert_eq!(plan.removals[0].container, "p-web-1");
        assert!(plan.foreign.is_empty());
    }

    #[test]
    fn refuses_a_missing_external_network_with_a_hint() {
        let d = desired_one(spec("prometheus", &[]), "a");
        let mut observed = observed_with(vec![]);
        observed.external_networks.insert("shop-net".into(), false);
        let err = plan("p", &d, &observed).unwrap_err();
        assert_eq!(err, PlanError::MissingNetwork("shop-net".into()));
        assert!(err.hint().contains("docker network create shop-net"));
    }

    #[test]
    fn orders_services_by_dependency_level() {
        let specs = [
            spec("grafana", &["prometheus", "loki"]),
            spec("prometheus", &["alertmanager"]),
            spec("alertmanager", &[]),
            spec("loki", &["not-in-stack"]),
        ];
        let levels = dependency_levels(&specs).unwrap();
        assert_eq!(
            levels,
            vec![
                vec!["alertmanager", "loki"],
                vec!["prometheus"],
                vec!["grafana"]
            ]
        );
        let cycle = [spec("a", &["b"]), spec("b", &["a"])];
        assert!(matches!(
            dependency_levels(&cycle),
            Err(PlanError::Cycle(_))
        ));
    }

    #[test]
    fn config_hash_covers_listed_files_dirs_and_secrets_only() {
        let mut s = spec("prometheus", &[]);
        s.secrets.push(crate::service::SecretMount {
            name: "pw".into(),
            file: "secrets/prometheus/pw".into(),
            uid: None,
        });
        let mut f = files("a");
        let base = config_hash(&s, &f, b"k");
        f.insert(
            "grafana/x.yml".into(),
            RenderedFile {
                contents: "x".into(),
                mode: FileMode::Public,
            },
        );
        f.insert(
            "prometheus-other/x".into(),
            RenderedFile {
                contents: "x".into(),
                mode: FileMode::Public,
            },
        );
        assert_eq!(
            config_hash(&s, &f, b"k"),
            base,
            "other services' files do not count"
        );
        f.insert(
            "secrets/prometheus/pw".into(),
            RenderedFile {
                contents: "s".into(),
                mode: FileMode::Secret,
            },
        );
        assert_ne!(config_hash(&s, &f, b"k"), base, "a changed secret counts");
        // Keyed: the same files under another project's key give an unrelated hash, so a
        // stored hash cannot be matched against guessed secrets without the 0600 key.
        assert_ne!(config_hash(&s, &f, b"k"), config_hash(&s, &f, b"other key"));
    }
}
