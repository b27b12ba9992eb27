//! The real programs' own checkers: promtool and amtool locally, the others inside their images.
//!
//! A check either passed, failed (with the tool's own output), was inconclusive (an older local
//! checker, judging a copy rendered for its own release, met only keys newer than it, which can
//! come only from `extra_config`), or did not run (and says why and how to make it run). A
//! check that did not run never counts as passed.

pub mod amtool;
pub mod container_files;
pub mod container_paths;
pub mod image_checks;
pub mod in_image;
pub mod judge;
pub mod local;
pub mod newer_keys;
pub mod origin;
pub mod pipeline;
pub mod promtool;
pub mod report;
pub mod scratch;

use crate::docker::InjectedFile;
use crate::version::Version;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    Passed,
    /// The tool's own output.
    Failed(String),
    /// Only keys newer than the local checker's release (from `extra_config`) kept it from
    /// judging: `reason` names them, `output` is the checker's rejection.
    Inconclusive {
        reason: String,
        output: String,
    },
    /// Why it did not run, and how to make it run.
    NotRun(String),
}

impl CheckOutcome {
    /// `passed`, `failed`, `unsure`, `not run`: the verdict words of `validate --json`.
    pub fn verdict(&self) -> &'static str {
        match self {
            CheckOutcome::Passed => "passed",
            CheckOutcome::Failed(_) => "failed",
            CheckOutcome::Inconclusive { .. } => "unsure",
            CheckOutcome::NotRun(_) => "not run",
        }
    }
}

/// One check `stackctl validate` ran (or could not run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// What ran on what: `promtool check config prometheus/prometheus.yml`.
    pub name: String,
    /// Which program judged it: `local promtool 2.42.0`, `promtool in prom/prometheus:v3.14.0`.
    pub checker: Option<String>,
    /// The program (`promtool`) and its release, when known.
    pub tool: Option<String>,
    pub tool_version: Option<String>,
    /// The rendered files judged, relative to the output directory.
    pub files: Vec<String>,
    pub outcome: CheckOutcome,
    pub notes: Vec<String>,
    /// Manifest places the checker's message refers to.
    pub origins: Vec<origin::Origin>,
}

impl CheckResult {
    pub fn new(name: impl Into<String>, outcome: CheckOutcome) -> Self {
        Self {
            name: name.into(),
            checker: None,
            tool: None,
            tool_version: None,
            files: Vec::new(),
            outcome,
            notes: Vec::new(),
            origins: Vec::new(),
        }
    }

    pub fn not_run(name: impl Into<String>, why: impl Into<String>) -> Self {
        Self::new(name, CheckOutcome::NotRun(why.into()))
    }

    pub fn failed(&self) -> bool {
        matches!(self.outcome, CheckOutcome::Failed(_))
    }

    pub fn unsure(&self) -> bool {
        matches!(self.outcome, CheckOutcome::Inconclusive { .. })
    }
}

/// A program that checks one component's files, found locally or inside the component's image.
#[derive(Debug, Clone)]
pub struct Checker {
    /// `promtool`, `amtool`.
    pub program: &'static str,
    /// `Prometheus`, `Alertmanager`.
    pub component: &'static str,
    /// Whose config keys it judges (for keys newer than the local program).
    pub config: newer_keys::Config,
    /// The release the files were rendered for.
    pub target: Version,
    /// The component's image, which ships the program at `in_image_path`.
    pub image: String,
    pub in_image_path: &'static str,
    /// How to install the program locally.
    pub install_hint: &'static str,
}

/// Where a check's files are: the local program's copy (rendered for its own release when it
/// is older than the target, container paths rewritten into the scratch dir) and the copies
/// handed to a container that judges the files rendered for the target release in the image.
#[derive(Debug, Clone)]
pub struct CheckInput {
    /// The rendered files judged, relative to the output directory.
    pub files: Vec<String>,
    pub local_args: Vec<String>,
    /// The release the local copy was rendered for.
    pub local_release: Version,
    pub image_args: Vec<String>,
    /// Copied into the container before it starts (secrets owned by the image's user).
    pub container_files: Vec<InjectedFile>,
}
