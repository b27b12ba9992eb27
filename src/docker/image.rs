//! What identifies an image on the Docker host: its local ID and the registry digests Docker
//! recorded when it was pulled (`RepoDigests`, empty for an image built or loaded here).
//! Translation only; `release_lock` decides which one a lock records.

use anyhow::Context as _;
use bollard::errors::Error as BollardError;

use super::Daemon;

/// An image as `docker image inspect` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageIdentity {
    /// The local image ID (`sha256:…`): only this host knows it.
    pub id: String,
    /// `repository@sha256:…`, one per repository it was pulled from: the same content
    /// anywhere the registry serves it.
    pub repo_digests: Vec<String>,
}

impl Daemon {
    /// The identity of `image`, or `None` when it is not on the host.
    pub async fn image_identity(&self, image: &str) -> anyhow::Result<Option<ImageIdentity>> {
        match self.client().inspect_image(image).await {
            Ok(found) => Ok(Some(ImageIdentity {
                id: found.id.unwrap_or_default(),
                repo_digests: found.repo_digests.unwrap_or_default(),
            })),
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot inspect image `{image}`")),
        }
    }
}
