//! `stackctl completions SHELL`: a completion script generated from the clap model, so it knows
//! every command, flag and value (`--stack` presets, shells) of this binary.

use std::process::ExitCode;

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};

pub fn exec(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "stackctl", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
