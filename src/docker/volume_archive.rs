//! A volume's contents as a tar stream, out of and into Docker through the archive API: read
//! from the (stopped) container that mounts it, or from a helper container that is created,
//! never started, with the volume mounted. Owners and modes travel in the tar headers, so a
//! restored volume is what was saved. Translation only: what to save and when is `backup`'s.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountType, MountVolumeOptions};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, DownloadFromContainerOptionsBuilder,
    RemoveContainerOptionsBuilder, UploadToContainerOptionsBuilder,
};
use futures_util::StreamExt as _;

use super::Daemon;

/// Label on helper containers, so a leftover one is recognisable.
const HELPER_LABEL: &str = "io.stackctl.volume-helper";
const CHUNK: usize = 256 * 1024;

/// Writes the tar of `path` inside `container` to `sink`; returns the bytes written.
pub(crate) async fn download(
    daemon: &Daemon,
    container: &str,
    path: &str,
    sink: &mut impl Write,
) -> anyhow::Result<u64> {
    let options = DownloadFromContainerOptionsBuilder::default()
        .path(path)
        .build();
    let mut stream = daemon
        .client()
        .download_from_container(container, Some(options));
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.with_context(|| format!("cannot read `{path}` of `{container}`"))?;
        sink.write_all(&chunk)
            .context("cannot write the volume's copy")?;
        written += chunk.len() as u64;
    }
    Ok(written)
}

/// Extracts the tar in `file` into `dir` inside `container`.
pub(crate) async fn upload(
    daemon: &Daemon,
    container: &str,
    dir: &str,
    file: &Path,
) -> anyhow::Result<()> {
    let reader = tokio::fs::File::open(file)
        .await
        .with_context(|| format!("cannot read `{}`", file.display()))?;
    let chunks = futures_util::stream::unfold(reader, |mut reader| async move {
        use tokio::io::AsyncReadExt as _;
        let mut buffer = vec![0u8; CHUNK];
        match reader.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok(bytes::Bytes::from(buffer)), reader))
            }
            Err(e) => Some((Err(e), reader)),
        }
    });
    let options = UploadToContainerOptionsBuilder::default().path(dir).build();
    daemon
        .client()
        .upload_to_container(container, Some(options), bollard::body_try_stream(chunks))
        .await
        .with_context(|| format!("cannot write into `{dir}` of `{container}`"))
}

/// A container created (never started) from `image` with `volume` mounted at `target`, for
/// the archive API to reach the volume while the service has no container.
pub(crate) struct Helper {
    pub id: String,
}

impl Helper {
    pub async fn create(
        daemon: &Daemon,
        image: &str,
        volume: &str,
        target: &str,
    ) -> anyhow::Result<Self> {
        let name = format!(
            "stackctl-volume-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        );
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            entrypoint: Some(vec!["/nonexistent".to_string()]),
            labels: Some(HashMap::from([(
                HELPER_LABEL.to_string(),
                volume.to_string(),
            )])),
            host_config: Some(HostConfig {
                network_mode: Some("none".to_string()),
                mounts: Some(vec![Mount {
                    target: Some(target.to_string()),
                    source: Some(volume.to_string()),
                    typ: Some(MountType::VOLUME),
                    // The volume holds what is saved or restored, never the image's files.
                    volume_options: Some(MountVolumeOptions {
                        no_copy: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        let created = daemon
            .client()
            .create_container(Some(options), body)
            .await
            .with_context(|| {
                format!("cannot create a container from `{image}` to reach volume `{volume}`")
            })?;
        Ok(Self { id: created.id })
    }

    pub async fn remove(self, daemon: &Daemon) {
        let options = RemoveContainerOptionsBuilder::default().force(true).build();
        let _ = daemon
            .client()
            .remove_container(&self.id, Some(options))
            .await;
    }
}
