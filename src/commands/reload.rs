//! `stackctl reload`.

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub fn exec(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let _ = global;
    anyhow::bail!("`stackctl reload` is not built yet")
}
