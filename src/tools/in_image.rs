//! Running checkers inside component images on the local Docker daemon (nothing is pulled).
//!
//! The scratch copy the containers mount lives in a 0700 temporary directory; inside it the
//! secret files are made readable to the image's non-root user (`nobody` in the Prometheus
//! images), which the parent directory still hides from every other host user.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use super::image_checks;
use super::judge::ImageRunner;
use super::CheckResult;
use crate::docker::OneShotOutput;
use crate::render::{RenderedStack, Stack};

/// Runs programs in images through `crate::docker`, on a runtime of its own.
pub struct DockerImages {
    runtime: tokio::runtime::Runtime,
}

impl DockerImages {
    /// Prepares `work` (the scratch copy) for containers and starts a runtime.
    pub fn new(work: &Path) -> anyhow::Result<Self> {
        open_secrets_to_containers(&work.join("secrets"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self { runtime })
    }

    /// The in-image checks of the other components (`loki -verify-config`, `alloy validate`, ...).
    pub fn component_checks(
        &self,
        stack: &Stack,
        rendered: &RenderedStack,
        work: &Path,
    ) -> Vec<CheckResult> {
        let checks = image_checks::checks(stack, rendered, work);
        self.runtime
            .block_on(image_checks::run(checks))
            .iter()
            .map(|outcome| outcome.result())
            .collect()
    }
}

impl ImageRunner for DockerImages {
    fn run(
        &self,
        image: &str,
        entrypoint: &str,
        args: Vec<String>,
        binds: Vec<(PathBuf, String)>,
    ) -> anyhow::Result<Option<OneShotOutput>> {
        self.runtime
            .block_on(crate::docker::run_program_to_completion(
                image,
                vec![entrypoint.to_string()],
                args,
                binds,
            ))
    }
}

/// Directories 0755 and files 0644 under `dir` (only ever called on the private scratch copy).
fn open_secrets_to_containers(dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    fs_err::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    for entry in fs_err::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            open_secrets_to_containers(&path)?;
        } else {
            fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        }
    }
    Ok(())
}
