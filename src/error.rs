//! The errors commands raise for the operator, and the exit status each error chain maps to.
//!
//! Below both `commands` (which raise them) and `output` (which prints them), so printing never
//! reaches back up into the commands. Error chains stay `anyhow` chains; nothing is flattened.

use std::process::ExitCode;

use crate::manifest::{LoadError, ManifestError};
use crate::render::RenderError;

/// Which kind of failure a [`CommandError`] is, and so the exit status it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Bad input (a usage mistake, an argument that cannot work): exit 2, nothing touched.
    Usage,
    /// An operational failure (a service not ready, Docker refusing): exit 1.
    Failure,
}

/// An error a command raises for the operator: what went wrong, and a hint printed as
/// `  hint: ...`. It sits in an `anyhow` chain like any other cause; the chain is kept.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct CommandError {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

impl CommandError {
    /// Bad input: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
            hint: None,
        }
    }

    /// An operational failure: exit 1.
    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Failure,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The hint of the first `CommandError` in the chain.
pub(crate) fn hint_of(error: &anyhow::Error) -> Option<&str> {
    error.chain().find_map(|cause| {
        cause
            .downcast_ref::<CommandError>()
            .and_then(|e| e.hint.as_deref())
    })
}

/// Exit code 2 for invalid input (manifest, usage), 1 for everything else.
pub fn exit_code(error: &anyhow::Error) -> ExitCode {
    ExitCode::from(exit_status(error))
}

/// The numeric exit status `exit_code` maps `error` to (2 invalid input, 1 otherwise).
pub(crate) fn exit_status(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if cause.is::<ManifestError>() {
            return 2;
        }
        if let Some(CommandError {
            exit: Exit::Usage, ..
        }) = cause.downcast_ref::<CommandError>()
        {
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
