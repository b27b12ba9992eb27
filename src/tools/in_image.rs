//! Running checkers inside component images on the local Docker daemon (nothing is pulled).
//!
//! Containers get copies of the files they judge (secrets 0400, owned by the image's user, as
//! deploy does); the scratch copy on the host stays 0700 with 0600 secrets and is never
//! mounted or widened.

use super::image_checks;
use super::judge::ImageRunner;
use super::CheckResult;
use crate::docker::{InjectedFile, OneShotOutput};
use crate::render::{RenderedStack, Stack};

/// Runs programs in images through `crate::docker`, on a runtime of its own.
pub(crate) struct DockerImages {
    runtime: tokio::runtime::Runtime,
}

impl DockerImages {
    /// Starts the runtime the Docker calls run on.
    pub fn new() -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self { runtime })
    }

    /// The in-image checks of the other components (`loki -verify-config`, `alloy validate`, ...).
    pub(crate) fn component_checks(
        &self,
        stack: &Stack,
        rendered: &RenderedStack,
    ) -> Vec<CheckResult> {
        let checks = image_checks::checks(stack, rendered);
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
        files: Vec<InjectedFile>,
    ) -> anyhow::Result<Option<OneShotOutput>> {
        self.runtime
            .block_on(crate::docker::run_program_to_completion(
                image,
                vec![entrypoint.to_string()],
                args,
                files,
            ))
    }
}
