//! Pure checks of a parsed manifest; every problem is returned, none stops the others.

use super::diagnostic::Diagnostic;
use super::model::Manifest;

pub fn validate(manifest: &Manifest) -> Vec<Diagnostic> {
    let _ = manifest;
    Vec::new()
}
