//! `stackctl deploy`.

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn exec(global: &GlobalArgs, args: crate::cli::DeployArgs) -> anyhow::Result<ExitCode> {
    let _ = (global, args);
    anyhow::bail!("`stackctl deploy` is not built yet")
}
