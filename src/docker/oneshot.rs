//! One-shot containers: run a program from an image to completion (validators that have no
//! local binary), collect its output, remove the container.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context as _;
use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountType};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
};
use futures_util::StreamExt as _;

use super::engine::Engine as _;
use super::OneShotOutput;

pub async fn run(
    image: &str,
    entrypoint: Option<Vec<String>>,
    args: Vec<String>,
    binds: Vec<(PathBuf, String)>,
) -> anyhow::Result<Option<OneShotOutput>> {
    let daemon = super::connect().await?;
    if daemon.image_id(image).await?.is_none() {
        return Ok(None);
    }
    let docker = daemon.client();
    let mounts = binds
        .into_iter()
        .map(|(host, target)| -> anyhow::Result<Mount> {
            let host = std::path::absolute(&host)
                .with_context(|| format!("cannot resolve `{}`", host.display()))?;
            Ok(Mount {
                source: Some(host.to_string_lossy().into_owned()),
                target: Some(target),
                typ: Some(MountType::BIND),
                read_only: Some(true),
                ..Default::default()
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
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
            mounts: Some(mounts),
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
    let result = run_created(docker, &name).await;
    let remove = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    let _ = docker.remove_container(&name, Some(remove)).await;
    result.map(Some)
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
