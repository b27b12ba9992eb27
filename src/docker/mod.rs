//! The only module that imports bollard: the engine trait and its Docker implementation.

use std::path::PathBuf;

/// The result of running a one-shot container to completion.
#[derive(Debug, Clone)]
pub struct OneShotOutput {
    pub exit_code: i64,
    /// stdout and stderr, interleaved.
    pub output: String,
}

/// Runs `image` with `args` (entrypoint kept) and the given read-only bind mounts
/// (host dir → container dir), waits for it to exit and removes it.
/// `Ok(None)` when the image is not present locally (nothing is pulled).
pub async fn run_to_completion(
    image: &str,
    args: Vec<String>,
    binds: Vec<(PathBuf, String)>,
) -> anyhow::Result<Option<OneShotOutput>> {
    let _ = (image, args, binds);
    anyhow::bail!("the Docker engine is not built yet")
}
