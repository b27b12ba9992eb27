//! The errors commands raise for the operator, and the exit status each error chain maps to.
//!
//! Below both `commands` (which raise them) and `output` (which prints them), so printing never
//! reaches back up into the commands. Error chains stay `anyhow` chains; nothing is flattened.

use std::process::ExitCode;

use crate::manifest::{LoadError, ManifestError};
use crate::render::RenderError;

/// A failure that maps to exit code 2 (bad input) rather than 1.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    pub message: String,
    pub hint: Option<String>,
}

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// An operational failure (exit 1) with a hint for the operator, printed as `  hint: ...`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The hint of the first `UsageError` or `Failure` in the chain.
pub fn hint_of(error: &anyhow::Error) -> Option<&str> {
    error.chain().find_map(|cause| {
        if let Some(usage) = cause.downcast_ref::<UsageError>() {
            return usage.hint.as_deref();
        }
        cause
            .downcast_ref::<Failure>()
            .and_then(|f| f.hint.as_deref())
    })
}

/// Exit code 2 for invalid input (manifest, usage), 1 for everything else.
pub fn exit_code(error: &anyhow::Error) -> ExitCode {
    ExitCode::from(exit_status(error))
}

/// The numeric exit status `exit_code` maps `error` to (2 invalid input, 1 otherwise).
pub fn exit_status(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if cause.is::<ManifestError>() || cause.is::<UsageError>() {
            return 2;
        }
        if let Some(LoadError::Invalid(_)) = cause.downcast_ref::<LoadError>() {
            return 2;
        }
        if let Some(RenderError::Invalid(_)) = cause.downcast_ref::<RenderError>() {
            return 2;
        }
    }
    1
}
