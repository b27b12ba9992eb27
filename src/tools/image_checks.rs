//! Checks that run inside component images on Docker (`loki -verify-config`, `alloy fmt` /
//! `alloy validate`, `jaeger validate`, `promtail -check-syntax`), for programs that have no
//! local binary here.
//!
//! Which checks apply is data (`checks`), decided from the rendered files and each component's
//! release; `run` is the thin shell that hands them to the Docker engine. Nothing is pulled:
//! a missing image is reported as a check that could not run, never as a pass.

use crate::catalog::Kind;
use crate::docker::{self, InjectedFile, OneShotOutput};
use crate::manifest::topology::Component;
use crate::render::{RenderedStack, Stack};
use crate::tools::{container_files, CheckOutcome, CheckResult};

/// One program run inside its image against the rendered files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageCheck {
    /// The stack service whose files are checked (`loki`).
    pub service: String,
    /// What runs, for messages (`loki -verify-config`).
    pub name: String,
    pub image: String,
    /// Arguments after the image's entrypoint.
    pub args: Vec<String>,
    /// The rendered files it reads, copied into the container (secrets owned by its user).
    pub files: Vec<InjectedFile>,
}

/// How one check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageCheckOutcome {
    Passed {
        check: ImageCheck,
        output: String,
    },
    Failed {
        check: ImageCheck,
        exit_code: i64,
        output: String,
    },
    /// The check could not run (image missing, Docker unreachable); never counts as a pass.
    NotRun {
        check: ImageCheck,
        reason: String,
    },
}

impl ImageCheckOutcome {
    /// One line for `stackctl validate`.
    pub fn summary(&self) -> String {
        match self {
            ImageCheckOutcome::Passed { check, .. } => {
                format!("ok: {} ({})", check.name, check.image)
            }
            ImageCheckOutcome::Failed {
                check, exit_code, ..
            } => {
                format!(
                    "failed: {} ({}) exited with {exit_code}",
                    check.name, check.image
                )
            }
            ImageCheckOutcome::NotRun { check, reason } => {
                format!("could not run {}: {reason}", check.name)
            }
        }
    }

    /// The same outcome in the form `stackctl validate` prints for every checker.
    pub fn result(&self) -> CheckResult {
        let (check, outcome) = match self {
            ImageCheckOutcome::Passed { check, .. } => (check, CheckOutcome::Passed),
            ImageCheckOutcome::Failed { check, output, .. } => {
                (check, CheckOutcome::Failed(output.clone()))
            }
            ImageCheckOutcome::NotRun { check, reason } => {
                (check, CheckOutcome::NotRun(reason.clone()))
            }
        };
        let mut result = CheckResult::new(check.name.clone(), outcome);
        result.checker = Some(format!("{} in {}", check.service, check.image));
        result.tool = check.name.split(' ').next().map(str::to_string);
        result.tool_version = check.image.rsplit_once(':').map(|(_, tag)| tag.to_string());
        result.files = check
            .files
            .iter()
            .map(|f| f.path.clone())
            .filter(|p| !p.starts_with(crate::render::draft::SECRETS_DIR))
            .collect();
        result
    }

    #[cfg(test)]
    pub(crate) fn is_failure(&self) -> bool {
        matches!(self, ImageCheckOutcome::Failed { .. })
    }
}

/// The in-image checks for the files in `rendered`.
pub fn checks(stack: &Stack, rendered: &RenderedStack) -> Vec<ImageCheck> {
    let mut out = Vec::new();
    let has = |path: &str| rendered.files.contains_key(path);
    for component in &stack.components {
        let bind = |dir: &str, target: &str| {
            container_files::for_service(rendered, &component.service, dir, target)
        };
        let check = |name: &str, args: &[&str], files| ImageCheck {
            service: component.service.clone(),
            name: name.to_string(),
            image: component.image.clone(),
            args: args.iter().map(|a| a.to_string()).collect(),
            files,
        };
        match component.kind {
            Kind::Loki if has("loki/loki.yaml") => out.push(check(
                "loki -verify-config",
                &["-config.file=/etc/loki/loki.yaml", "-verify-config"],
                bind("loki", "/etc/loki"),
            )),
            Kind::Alloy if has("alloy/config.alloy") => {
                out.extend(alloy_checks(component, &bind("alloy", "/etc/alloy")))
            }
            Kind::Promtail if has("promtail/promtail.yaml") => out.push(check(
                "promtail -check-syntax",
                &["-config.file=/etc/promtail/promtail.yaml", "-check-syntax"],
                bind("promtail", "/etc/promtail"),
            )),
            Kind::Jaeger if has("jaeger/config.yaml") => out.push(check(
                "jaeger validate",
                &["validate", "--config=/etc/jaeger/config.yaml"],
                bind("jaeger", "/etc/jaeger"),
            )),
            _ => {}
        }
    }
    out
}

/// `alloy fmt` checks syntax on every release; `alloy validate` exists from 1.9 on.
fn alloy_checks(component: &Component, files: &[InjectedFile]) -> Vec<ImageCheck> {
    let mut runs = vec![("alloy fmt", vec!["fmt", "/etc/alloy/config.alloy"])];
    if crate::catalog::gates::ALLOY_VALIDATE.holds(&component.version) {
        runs.push((
            "alloy validate",
            vec!["validate", "/etc/alloy/config.alloy"],
        ));
    }
    runs.into_iter()
        .map(|(name, args)| ImageCheck {
            service: component.service.clone(),
            name: name.to_string(),
            image: component.image.clone(),
            args: args.into_iter().map(str::to_string).collect(),
            files: files.to_vec(),
        })
        .collect()
}

/// Runs every check in turn on the local Docker daemon.
pub async fn run(checks: Vec<ImageCheck>) -> Vec<ImageCheckOutcome> {
    let mut outcomes = Vec::new();
    for check in checks {
        let result =
            docker::run_to_completion(&check.image, check.args.clone(), check.files.clone()).await;
        outcomes.push(outcome(check, result));
    }
    outcomes
}

fn outcome(check: ImageCheck, result: anyhow::Result<Option<OneShotOutput>>) -> ImageCheckOutcome {
    match result {
        Ok(Some(OneShotOutput {
            exit_code: 0,
            output,
        })) => ImageCheckOutcome::Passed { check, output },
        Ok(Some(OneShotOutput { exit_code, output })) => ImageCheckOutcome::Failed {
            check,
            exit_code,
            output,
        },
        Ok(None) => {
            let reason = format!("image {} is not present locally", check.image);
            ImageCheckOutcome::NotRun { check, reason }
        }
        Err(e) => ImageCheckOutcome::NotRun {
            check,
            reason: format!("{e:#}"),
        },
    }
}

#[cfg(test)]
mod tests;
