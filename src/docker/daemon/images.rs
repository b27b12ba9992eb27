//! Images on the daemon: looking one up by reference, and pulling one.

use anyhow::Context as _;
use bollard::errors::Error as BollardError;
use bollard::query_parameters::CreateImageOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt as _;

use super::api::is_not_found;
use crate::docker::engine::PullProgress;
use crate::docker::image::ImageIdentity;

/// The identity of `image`, or `None` when it is not on the host.
pub(super) async fn identity(
    docker: &Docker,
    image: &str,
) -> anyhow::Result<Option<ImageIdentity>> {
    match docker.inspect_image(image).await {
        Ok(found) => Ok(Some(ImageIdentity {
            id: found.id.unwrap_or_default(),
            repo_digests: found.repo_digests.unwrap_or_default(),
        })),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot inspect image `{image}`")),
    }
}

pub(super) async fn pull(
    docker: &Docker,
    image: &str,
    progress: &mut dyn FnMut(PullProgress),
) -> anyhow::Result<()> {
    let (repository, tag) = split_reference(image);
    let options = CreateImageOptionsBuilder::default()
        .from_image(repository)
        .tag(tag)
        .build();
    let mut stream = docker.create_image(Some(options), None, None);
    while let Some(item) = stream.next().await {
        match item {
            Ok(info) => progress(PullProgress {
                layer: info.id,
                status: info.status.unwrap_or_default(),
                current: info.progress_detail.as_ref().and_then(|p| p.current),
                total: info.progress_detail.as_ref().and_then(|p| p.total),
            }),
            // bollard#560: the stream may end with a framing error after a good pull.
            Err(BollardError::JsonDataError { .. }) | Err(BollardError::IOError { .. })
                if identity(docker, image).await?.is_some() =>
            {
                return Ok(())
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// `repo:tag` split for the pull API (without a tag it would pull every tag); a reference by
/// digest is pulled as the API's `tag=sha256:…`, as `docker pull` does.
fn split_reference(image: &str) -> (&str, &str) {
    let reference = crate::catalog::ImageRef::parse(image);
    let tag = reference.digest.or(reference.tag).unwrap_or("latest");
    (reference.name, tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references_for_the_pull_api() {
        let cases = [
            ("prom/prometheus:v3.14.0", ("prom/prometheus", "v3.14.0")),
            (
                "registry:5000/prom/prometheus",
                ("registry:5000/prom/prometheus", "latest"),
            ),
            ("registry:5000/x:1.0", ("registry:5000/x", "1.0")),
            ("busybox@sha256:0123", ("busybox", "sha256:0123")),
            (
                "prom/prometheus:v3.14.0@sha256:0123",
                ("prom/prometheus", "sha256:0123"),
            ),
        ];
        for (image, want) in cases {
            assert_eq!(split_reference(image), want, "{image}");
        }
    }
}
