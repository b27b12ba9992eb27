//! `stackctl status`.

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn exec(global: &GlobalArgs, args: crate::cli::StatusArgs) -> anyhow::Result<ExitCode> {
    let _ = (global, args);
    anyhow::bail!("`stackctl status` is not built yet")
}
