//! `stackctl render`.

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn exec(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let _ = global;
    anyhow::bail!("`stackctl render` is not built yet")
}
