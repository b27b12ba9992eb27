//! Expressions inside the manifest, parsed in-process: PromQL, RE2 regexes, IANA time zones
//! and Go templates.
//!
//! Sits below both `manifest` and `render`: validation calls it with a key path and turns an
//! [`ExprError`] into a located diagnostic; render and its tests call it to prove that every
//! expression stackctl generates parses. Nothing here knows about the manifest or the disk.

pub mod dashboard;
pub mod go_template;
pub mod promql;
pub mod regex;
pub mod rule_file;
pub mod timezone;

use std::fmt;

/// Why an expression is rejected: the parser's own words and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub message: String,
    pub hint: String,
}

impl ExprError {
    pub(crate) fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}
