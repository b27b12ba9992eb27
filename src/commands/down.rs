//! `stackctl down`.

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn exec(global: &GlobalArgs, args: crate::cli::DownArgs) -> anyhow::Result<ExitCode> {
    let _ = (global, args);
    anyhow::bail!("`stackctl down` is not built yet")
}
