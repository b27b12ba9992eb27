//! What identifies an image on the Docker host: its local ID and the registry digests Docker
//! recorded when it was pulled (`RepoDigests`, empty for an image built or loaded here).
//! Translation only (`Daemon::image_identity` reads it); `release_lock` decides which one a
//! lock records.

/// An image as `docker image inspect` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ImageIdentity {
    /// The local image ID (`sha256:…`): only this host knows it.
    pub id: String,
    /// `repository@sha256:…`, one per repository it was pulled from: the same content
    /// anywhere the registry serves it.
    pub repo_digests: Vec<String>,
}
