//! The real programs' own checkers: promtool and amtool locally, the others inside their images.
//!
//! A check either passed, failed (with the tool's own output), was inconclusive (an older local
//! checker rejected a file rendered for a newer release), or did not run (and says why and how
//! to make it run). A check that did not run never counts as passed.

pub mod amtool;
pub mod container_paths;
pub mod image_checks;
pub mod in_image;
pub mod judge;
pub mod local;
pub mod promtool;

use std::path::PathBuf;

use crate::version::Version;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    Passed,
    /// The tool's own output.
    Failed(String),
    /// The tool's own output, from a local checker older than the release rendered for.
    Inconclusive(String),
    /// Why it did not run, and how to make it run.
    NotRun(String),
}

/// One check `stackctl validate` ran (or could not run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// What ran on what: `promtool check config prometheus/prometheus.yml`.
    pub name: String,
    /// Which program judged it: `local promtool 2.42.0`, `promtool in prom/prometheus:v3.14.0`.
    pub checker: Option<String>,
    pub outcome: CheckOutcome,
    pub notes: Vec<String>,
}

impl CheckResult {
    pub fn new(name: impl Into<String>, outcome: CheckOutcome) -> Self {
        Self {
            name: name.into(),
            checker: None,
            outcome,
            notes: Vec::new(),
        }
    }

    pub fn not_run(name: impl Into<String>, why: impl Into<String>) -> Self {
        Self::new(name, CheckOutcome::NotRun(why.into()))
    }

    pub fn failed(&self) -> bool {
        matches!(self.outcome, CheckOutcome::Failed(_))
    }
}

/// A program that checks one component's files, found locally or inside the component's image.
#[derive(Debug, Clone)]
pub struct Checker {
    /// `promtool`, `amtool`.
    pub program: &'static str,
    /// `Prometheus`, `Alertmanager`.
    pub component: &'static str,
    /// The release the files were rendered for.
    pub target: Version,
    /// The component's image, which ships the program at `in_image_path`.
    pub image: String,
    pub in_image_path: &'static str,
    /// How to install the program locally.
    pub install_hint: &'static str,
}

/// Where a check's files are: the local copy (container paths rewritten into the work dir) and
/// the container mounts that let the original files be judged inside the image.
#[derive(Debug, Clone)]
pub struct CheckInput {
    pub local_args: Vec<String>,
    pub image_args: Vec<String>,
    /// Host dir → container dir, read-only.
    pub binds: Vec<(PathBuf, String)>,
}
