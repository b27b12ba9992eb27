//! What the Swarm holds for the stack: services, configs and secrets by the stack namespace
//! label, and the overlay network by name.

use crate::docker::swarm::ObjectKind;
use crate::docker::{Daemon, Engine};
use crate::labels;
use crate::swarm_plan::Observed;

pub(crate) async fn observe(daemon: &Daemon, project: &str) -> anyhow::Result<Observed> {
    let network = daemon
        .find_network(&labels::default_network(project))
        .await?
        .map(|n| n.id);
    Ok(Observed {
        network,
        services: daemon.stack_services(project).await?,
        configs: daemon.stack_objects(ObjectKind::Config, project).await?,
        secrets: daemon.stack_objects(ObjectKind::Secret, project).await?,
    })
}
