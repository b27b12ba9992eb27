//! `stackctl down` on a Swarm: the stack's services, then (once their tasks are gone) its
//! configs, secrets and overlay network; volumes only with `--volumes`. Works from the stack
//! namespace label alone, as `docker stack rm` does. Each step is reported as it happens
//! through `output::down`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::observe::observe;
use crate::docker::swarm::ObjectKind;
use crate::docker::{Daemon, Engine};
use crate::labels;
use crate::output::down::{print_event, DownEvent};

const TASKS_GONE: Duration = Duration::from_secs(60);

pub async fn run(daemon: &Daemon, project: &str, volumes: bool) -> anyhow::Result<ExitCode> {
    let observed = observe(daemon, project).await?;
    for service in &observed.services {
        daemon.remove_service(&service.id).await?;
        print_event(&DownEvent::RemovedService(service.name.clone()));
    }
    // Containers leave the network and release volumes only once their tasks are shut down.
    let start = Instant::now();
    while start.elapsed() < TASKS_GONE && daemon.stack_containers(project).await? > 0 {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for config in &observed.configs {
        daemon.remove_object(ObjectKind::Config, &config.id).await?;
    }
    for secret in &observed.secrets {
        daemon.remove_object(ObjectKind::Secret, &secret.id).await?;
    }
    if !observed.configs.is_empty() || !observed.secrets.is_empty() {
        print_event(&DownEvent::RemovedConfigsAndSecrets {
            configs: observed.configs.len(),
            secrets: observed.secrets.len(),
        });
    }
    let network = labels::default_network(project);
    remove_with_retry(|| daemon.remove_network(&network)).await?;
    if observed.network.is_some() {
        print_event(&DownEvent::RemovedNetwork(network));
    }
    let names = daemon.stack_volumes(project).await?;
    if volumes {
        for name in &names {
            remove_with_retry(|| daemon.remove_volume(name)).await?;
            print_event(&DownEvent::RemovedVolume(name.clone()));
        }
    } else if !names.is_empty() {
        print_event(&DownEvent::KeptDataVolumes(names));
    }
    print_event(&DownEvent::Down {
        project: project.to_string(),
    });
    Ok(ExitCode::SUCCESS)
}

/// A network or volume is busy for a moment after the last container went away.
async fn remove_with_retry<F, Fut>(mut remove: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let start = Instant::now();
    loop {
        match remove().await {
            Ok(()) => return Ok(()),
            Err(_) if start.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(500)).await
            }
            Err(e) => return Err(e),
        }
    }
}
