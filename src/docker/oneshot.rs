//! One-shot containers: run a program from an image to completion (validators that have no
//! local binary), collect its output, remove the container. Its input files are copied in
//! (owner and mode set, through the archive API) before it starts: nothing is bind-mounted.

use std::collections::HashMap;

use anyhow::Context as _;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
    UploadToContainerOptionsBuilder,
};
use futures_util::StreamExt as _;

use super::engine::Engine as _;
use super::{InjectedFile, OneShotOutput};

pub async fn run(
    image: &str,
    entrypoint: Option<Vec<String>>,
    args: Vec<String>,
    files: Vec<InjectedFile>,
) -> anyhow::Result<Option<OneShotOutput>> {
    let daemon = super::connect().await?;
    if daemon.image_id(image).await?.is_none() {
        return Ok(None);
    }
    let docker = daemon.client();
    let name = format!(
        "stackctl-oneshot-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    );
    let body = ContainerCreateBody {
        image: Some(image.to_string()),
        entrypoint,
        cmd: Some(args),
        labels: Some(HashMap::from([(
            "io.stackctl.oneshot".to_string(),
            "true".to_string(),
        )])),
        host_config: Some(HostConfig {
            network_mode: Some("none".to_string()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::default().name(&name).build();
    docker
        .create_container(Some(options), body)
        .await
        .with_context(|| format!("cannot create a container from `{image}`"))?;
    active().push(name.clone());
    let result = match copy_in(docker, &name, &files).await {
        Ok(()) => run_created(docker, &name).await,
        Err(e) => Err(e),
    };
    let remove = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    let _ = docker.remove_container(&name, Some(remove)).await;
    active().retain(|n| n != &name);
    result.map(Some)
}

/// One-shot containers created and not yet removed: they hold copies of the files they judge
/// (secrets too), so an interrupted run removes them (`remove_active`).
static ACTIVE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn active() -> std::sync::MutexGuard<'static, Vec<String>> {
    ACTIVE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Force-removes every one-shot container this process still has (signal path: best effort).
pub(crate) async fn remove_active() {
    let names: Vec<String> = active().drain(..).collect();
    if names.is_empty() {
        return;
    }
    let Ok(daemon) = super::connect().await else {
        return;
    };
    let remove = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    for name in names {
        let _ = daemon
            .client()
            .remove_container(&name, Some(remove.clone()))
            .await;
    }
}

async fn copy_in(
    docker: &bollard::Docker,
    name: &str,
    files: &[InjectedFile],
) -> anyhow::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let options = UploadToContainerOptionsBuilder::default().path("/").build();
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let archive = super::archive::tar(files, mtime).context("cannot pack the files to check")?;
    docker
        .upload_to_container(name, Some(options), bollard::body_full(archive.into()))
        .await
        .with_context(|| format!("cannot copy the files to check into `{name}`"))
}

async fn run_created(docker: &bollard::Docker, name: &str) -> anyhow::Result<OneShotOutput> {
    docker
        .start_container(name, None)
        .await
        .with_context(|| format!("cannot start `{name}`"))?;
    let mut wait = docker.wait_container(name, None);
    let mut exit_code = 0;
    while let Some(item) = wait.next().await {
        match item {
            Ok(response) => exit_code = response.status_code,
            // A non-zero exit arrives as an error carrying the code.
            Err(bollard::errors::Error::DockerContainerWaitError { code, .. }) => exit_code = code,
            Err(e) => return Err(e).with_context(|| format!("cannot wait for `{name}`")),
        }
    }
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .build();
    let mut logs = docker.logs(name, Some(options));
    let mut output = String::new();
    while let Some(chunk) = logs.next().await {
        output.push_str(
            &chunk
                .with_context(|| format!("cannot read the output of `{name}`"))?
                .to_string(),
        );
    }
    Ok(OneShotOutput { exit_code, output })
}
