//! The only module that imports bollard: the `Engine` trait, its Docker implementation
//! (`Daemon`), and one-shot containers; the compose-compatible names and labels it writes are
//! `crate::labels` (pure, below render, which names networks and containers too).
//! Nothing here decides what to create; `plan` does.

mod archive;
pub mod connect;
pub mod container;
mod daemon;
pub mod engine;
mod image;
mod inspect;
pub mod logs;
mod oneshot;
pub mod swarm;
pub mod swarm_spec;
pub mod volume_archive;

pub(crate) use connect::{connect, daemon_address, Unreachable, UnsupportedHost};
pub use daemon::Daemon;
pub(crate) use engine::NameConflict;
pub use engine::{
    ContainerRequest, ContainerStatus, Engine, EngineError, Health, InjectedFile,
    ObservedContainer, ObservedNetwork, ObservedVolume, PullProgress, RunState,
};
pub(crate) use image::ImageIdentity;

/// The result of running a one-shot container to completion.
#[derive(Debug, Clone)]
pub struct OneShotOutput {
    pub exit_code: i64,
    /// stdout and stderr, interleaved.
    pub output: String,
}

/// Runs `image` with `args` (entrypoint kept) and `files` copied in before it starts (owner and
/// mode as given), waits for it to exit and removes it.
/// `Ok(None)` when the image is not present locally (nothing is pulled).
pub(crate) async fn run_to_completion(
    image: &str,
    args: Vec<String>,
    files: Vec<InjectedFile>,
) -> anyhow::Result<Option<OneShotOutput>> {
    oneshot::run(image, None, args, files).await
}

/// Like `run_to_completion`, with the image's entrypoint replaced by `entrypoint` (e.g.
/// `/bin/promtool` in the Prometheus image, whose entrypoint is `/bin/prometheus`).
pub(crate) async fn run_program_to_completion(
    image: &str,
    entrypoint: Vec<String>,
    args: Vec<String>,
    files: Vec<InjectedFile>,
) -> anyhow::Result<Option<OneShotOutput>> {
    oneshot::run(image, Some(entrypoint), args, files).await
}

/// Force-removes the one-shot containers this process started and has not removed yet (for an
/// interrupted run: they hold copies of the files they judge).
pub(crate) async fn remove_active_oneshots() {
    oneshot::remove_active().await
}
