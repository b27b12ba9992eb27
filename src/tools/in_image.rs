//! Running a checker program inside a component's image on the local Docker daemon.

use std::path::PathBuf;

use super::judge::ImageRunner;
use crate::docker::OneShotOutput;

/// Runs programs in images through `crate::docker`, on a runtime of its own.
pub struct DockerImages {
    runtime: tokio::runtime::Runtime,
}

impl DockerImages {
    pub fn new() -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Ok(Self { runtime })
    }

    /// Runs `image` as the image's own entrypoint would, for the component checks the logs
    /// helper runs (`loki -verify-config`, ...).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
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
        self.runtime.block_on(crate::docker::run_program_to_completion(
            image,
            Some(vec![entrypoint.to_string()]),
            args,
            binds,
        ))
    }
}
