//! `stackctl validate`.

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn exec(global: &GlobalArgs, args: crate::cli::ValidateArgs) -> anyhow::Result<ExitCode> {
    let _ = (global, args);
    anyhow::bail!("`stackctl validate` is not built yet")
}
