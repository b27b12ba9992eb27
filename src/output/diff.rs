//! How `stackctl diff` prints: each file's unified diff (`+` green, `-` red, hunk headers
//! cyan when colour is on), a line for each secret that differs (never its content), each
//! service whose container differs, then a one-line summary.

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::plan::SpecChange;

/// The version of the `diff --json` document.
pub(crate) const DIFF_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub schema_version: u32,
    pub project: String,
    /// Whether anything differs (what `--detailed-exitcode` turns into exit 2).
    pub differences: bool,
    /// Files that differ from the disk; unchanged files are left out.
    pub files: Vec<FileDiff>,
    /// Services whose container differs from the manifest; `null` with `--no-docker`.
    pub services: Option<Vec<ServiceDiff>>,
}

#[derive(Debug, Serialize)]
pub struct FileDiff {
    pub path: String,
    /// `created` (not on disk yet), `changed`, or `removed` (no longer rendered).
    pub status: &'static str,
    /// A secret's content is never shown: `diff` is `null`.
    pub secret: bool,
    /// Unified diff, `a/` the disk, `b/` the render.
    pub diff: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ServiceDiff {
    pub service: String,
    /// `create` (no container), `recreate` (the spec differs), `foreign` (a container of
    /// another tool holds the name).
    pub status: &'static str,
    pub created_by: Option<&'static str>,
    pub changes: Vec<SpecChange>,
    /// Unified diff of the spec, `a/` the container, `b/` the manifest.
    pub diff: Option<String>,
}

pub fn print(report: &DiffReport) {
    for file in &report.files {
        match &file.diff {
            Some(diff) => anstream::print!("{}", paint(diff)),
            None => println!("{} {} (secret: content not shown)", file.status, file.path),
        }
    }
    for service in report.services.iter().flatten() {
        let by = service
            .created_by
            .map(|b| format!(", created by {b}"))
            .unwrap_or_default();
        println!("service `{}`: {}{by}", service.service, service.status);
        for change in &service.changes {
            println!("    {change}");
        }
        if let Some(diff) = &service.diff {
            anstream::print!("{}", paint(diff));
        }
    }
    println!("{}", summary(report));
}

/// `diff: 2 files and 1 service differ from the manifest` or `no differences: …`.
pub fn summary(report: &DiffReport) -> String {
    let services = report.services.as_ref().map(Vec::len).unwrap_or(0);
    if !report.differences {
        let what = if report.services.is_some() {
            "the output directory and the containers match the manifest"
        } else {
            "the output directory matches the manifest"
        };
        return format!("no differences: {what}");
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "diff: {} and {} differ from the manifest",
        plural(report.files.len(), "file", "files"),
        plural(services, "service", "services"),
    )
}

fn paint(diff: &str) -> String {
    let style = |color: AnsiColor| Style::new().fg_color(Some(color.into()));
    diff.lines()
        .map(|line| {
            let s = if line.starts_with("+++") || line.starts_with("---") {
                Style::new().bold()
            } else if line.starts_with('+') {
                style(AnsiColor::Green)
            } else if line.starts_with('-') {
                style(AnsiColor::Red)
            } else if line.starts_with("@@") {
                style(AnsiColor::Cyan)
            } else {
                Style::new()
            };
            format!("{s}{line}{s:#}\n")
        })
        .collect()
}
