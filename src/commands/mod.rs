//! One file per command: turns arguments into domain values and calls the core.

mod deploy;
mod down;
mod init;
mod reload;
mod render;
mod status;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::manifest::{LoadError, ManifestError};
use crate::render::RenderError;

/// The output directory used when `--out` is not given, beside the manifest.
pub const DEFAULT_OUT_DIR: &str = "rendered";

/// A failure that maps to exit code 2 (bad input) rather than 1.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    pub message: String,
    pub hint: Option<String>,
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    match cli.command {
        Command::Init(args) => init::exec(&global, args),
        Command::Render => render::exec(&global),
        Command::Validate(args) => validate::exec(&global, args),
        Command::Deploy(args) => deploy::exec(&global, args),
        Command::Status(args) => status::exec(&global, args),
        Command::Reload => reload::exec(&global),
        Command::Down(args) => down::exec(&global, args),
    }
}

/// Exit code 2 for invalid input (manifest, usage), 1 for everything else.
pub fn exit_code(error: &anyhow::Error) -> ExitCode {
    for cause in error.chain() {
        if cause.is::<ManifestError>() || cause.is::<UsageError>() {
            return ExitCode::from(2);
        }
        if let Some(LoadError::Invalid(_)) = cause.downcast_ref::<LoadError>() {
            return ExitCode::from(2);
        }
        if let Some(RenderError::Invalid(_)) = cause.downcast_ref::<RenderError>() {
            return ExitCode::from(2);
        }
    }
    ExitCode::from(1)
}

/// The output directory: `--out`, else `rendered/` beside the manifest.
pub fn out_dir(global: &GlobalArgs) -> PathBuf {
    match &global.out {
        Some(out) => out.clone(),
        None => manifest_dir(global).join(DEFAULT_OUT_DIR),
    }
}

pub fn manifest_dir(global: &GlobalArgs) -> PathBuf {
    match global.file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
