//! What the services share: the project network to keep, the named volumes they mount, and
//! the images to pull.

use super::actions::{NetworkRemoval, Plan, Pull};
use super::desired::DesiredService;
use super::observed::Observed;
use crate::docker::{ObservedContainer, ObservedNetwork};
use crate::labels;
use crate::service::{MountSource, ServiceSpec};

/// The project network: the kept one and the duplicates to remove, or one to create.
pub(super) fn network(plan: &mut Plan, project: &str, observed: &Observed) {
    match kept_network(&observed.networks, &observed.containers) {
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

/// The named volumes the services mount that the daemon does not have.
pub(super) fn missing_volumes(
    project: &str,
    specs: &[ServiceSpec],
    observed: &Observed,
) -> Vec<String> {
    volume_names(project, specs)
        .into_iter()
        .filter(|v| !observed.volumes.contains(v))
        .collect()
}

/// Full names of the named volumes the services mount, in first-use order.
pub(crate) fn volume_names(project: &str, specs: &[ServiceSpec]) -> Vec<String> {
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

/// Each missing image once, for the first service that runs it.
pub(super) fn pulls(desired: &[DesiredService], observed: &Observed) -> Vec<Pull> {
    let mut pulls: Vec<Pull> = Vec::new();
    for d in desired {
        let missing = matches!(observed.images.get(&d.spec.image), Some(None));
        if missing && !pulls.iter().any(|p| p.image == d.spec.image) {
            pulls.push(Pull {
                image: d.spec.image.clone(),
                service: d.spec.name.clone(),
            });
        }
    }
    pulls
}
