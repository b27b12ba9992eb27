//! `stackctl init`.

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn exec(global: &GlobalArgs, args: crate::cli::InitArgs) -> anyhow::Result<ExitCode> {
    let _ = (global, args);
    anyhow::bail!("`stackctl init` is not built yet")
}
