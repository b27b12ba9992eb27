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

mod actions;
mod adopt;
mod changes;
mod containers;
mod decide;
mod describe;
mod desired;
mod levels;
mod observed;
mod resources;
#[cfg(test)]
mod tests;

pub use actions::{NetworkRemoval, Plan, PlanError, Pull, Removal, ServiceAction, ServiceStep};
pub use adopt::ComposeExport;
pub(crate) use adopt::{adoption, section_differences, started_from, Adoption};
pub use changes::SpecChange;
pub(crate) use decide::deployed_config;
pub use describe::Counts;
pub(crate) use desired::config_hash;
pub use desired::{desired, reads, DesiredService};
pub(crate) use levels::dependency_levels;
pub use observed::Observed;

use std::collections::BTreeMap;

use crate::service::ServiceSpec;
use decide::decide;

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
    resources::network(&mut plan, project, observed);
    plan.create_volumes = resources::missing_volumes(project, &specs, observed);
    plan.pulls = resources::pulls(desired, observed);
    let by_name: BTreeMap<&str, &DesiredService> =
        desired.iter().map(|d| (d.spec.name.as_str(), d)).collect();
    let containers = containers::sort_out(project, &by_name, observed);
    plan.foreign = containers.foreign;
    plan.removals = containers.removals;
    for level in dependency_levels(&specs)? {
        let steps = level
            .iter()
            .map(|name| ServiceStep {
                service: name.clone(),
                action: decide(
                    by_name[name.as_str()],
                    (
                        containers.current.get(name.as_str()).copied(),
                        containers.adopted.get(name.as_str()),
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
