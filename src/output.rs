//! All printing: file reports, check summaries, warnings, and error display
//! (`error:` / `  caused by:` / `  hint:`). Data goes to stdout, errors and warnings to stderr.
//! `style` holds the global `-q`/`-v`/`--color` choice; `progress` the live deploy lines; a
//! module per command (`status`, `down`, `deploy`...) words that command's report. Commands
//! build reports and events; the text is made by pure functions here, which tests pin.

pub(crate) mod backup;
pub(crate) mod deploy;
pub mod diff;
pub(crate) mod down;
pub(crate) mod init;
pub mod plan;
pub mod progress;
pub(crate) mod reload;
pub(crate) mod status;
pub mod style;
pub(crate) mod swarm;
pub(crate) mod upgrade;

use std::path::Path;

use crate::error::hint_of;
use crate::manifest::{LoadError, ManifestError};
use crate::render::RenderError;
use crate::tools::{CheckOutcome, CheckResult};
use crate::writer::{FileStatus, WriteReport};

/// A machine-readable document (`--json`) on stdout, pretty-printed.
pub(crate) fn print_json(document: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(document)?);
    Ok(())
}

/// Text that is the command's data (a schema, an ID, a report already worded) on stdout, as is.
pub(crate) fn print_data(text: &str) {
    print!("{text}");
}

/// One line per file a command wrote (`wrote PATH`), on stdout.
pub(crate) fn print_wrote(paths: &[std::path::PathBuf]) {
    for path in paths {
        println!("wrote {}", path.display());
    }
}

/// Prints an error chain to stderr in the `error:` / `caused by:` / `hint:` layout.
///
/// A `ManifestError` carries its own cargo-style layout (locations, source lines, hints) and
/// is printed as it is.
pub fn print_error(error: &anyhow::Error) {
    let text = format_error(error);
    match text.strip_prefix("error:") {
        Some(rest) => anstream::eprint!("{}{rest}", style::error_label()),
        None => anstream::eprint!("{text}"),
    }
}

/// The text `print_error` writes, for tests.
pub(crate) fn format_error(error: &anyhow::Error) -> String {
    if let Some(manifest) = error.chain().find_map(manifest_error) {
        return format!("{manifest}\n");
    }
    let mut text = String::new();
    let mut chain = error.chain();
    if let Some(first) = chain.next() {
        text.push_str(&format!("error: {first}\n"));
    }
    for cause in chain {
        text.push_str(&format!("  caused by: {cause}\n"));
    }
    if let Some(hint) = hint_of(error) {
        text.push_str(&format!("  hint: {hint}\n"));
    }
    text
}

/// The `ManifestError` behind a cause, also through the transparent load and render wrappers.
fn manifest_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a ManifestError> {
    if let Some(manifest) = cause.downcast_ref::<ManifestError>() {
        return Some(manifest);
    }
    if let Some(LoadError::Invalid(manifest)) = cause.downcast_ref::<LoadError>() {
        return Some(manifest);
    }
    match cause.downcast_ref::<RenderError>() {
        Some(RenderError::Invalid(manifest)) => Some(manifest),
        _ => None,
    }
}

/// `created  prometheus/prometheus.yml` per file, then a one-line summary.
pub(crate) fn print_write_report(report: &WriteReport) {
    if !style::quiet() {
        for (path, status) in &report.files {
            println!("{:<9} {path}", status.as_str());
        }
    }
    println!("{}", write_summary(report));
}

pub(crate) fn write_summary(report: &WriteReport) -> String {
    let written = report.files.len() - report.count(FileStatus::Removed);
    format!(
        "rendered {written} file{} into {}: {} created, {} changed, {} unchanged, {} removed",
        if written == 1 { "" } else { "s" },
        display_dir(&report.out_dir),
        report.count(FileStatus::Created),
        report.count(FileStatus::Changed),
        report.count(FileStatus::Unchanged),
        report.count(FileStatus::Removed),
    )
}

fn display_dir(dir: &Path) -> String {
    let dir = dir.strip_prefix(".").unwrap_or(dir);
    let shown = dir.display().to_string();
    if shown.ends_with('/') {
        shown
    } else {
        format!("{shown}/")
    }
}

/// Notes on what stackctl did or waits for (`note: generated …`, `waiting: …`, `pulled …`), on stderr.
pub(crate) fn print_notes(notes: &[String]) {
    notes.iter().for_each(|note| eprintln!("{note}"));
}

/// Non-fatal notes from render or validate, to stderr.
pub(crate) fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        anstream::eprintln!("{} {warning}", style::warning_label());
    }
}

/// `validate`'s report: the manifest's line, a line per check, and the summary.
pub(crate) fn print_validation(manifest: &str, files: usize, results: &[CheckResult]) {
    println!("ok       manifest {manifest} ({files} files rendered, cross-file checks passed)");
    print_checks(results);
    println!("{}", check_summary(results));
}

/// One summary line per check (`ok`, `FAILED`, `UNSURE`, `not run`), the program that judged
/// it, notes, and for a failure the tool's own output, indented. A note shared by several checks
/// (the local checker is older than the release) is printed once, under the first.
pub(crate) fn print_checks(results: &[CheckResult]) {
    let mut seen: Vec<&str> = Vec::new();
    for result in results {
        let mut shown = result.clone();
        shown.notes.retain(|note| !seen.contains(&note.as_str()));
        seen.extend(result.notes.iter().map(String::as_str));
        let text = format_check(&shown);
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        anstream::print!("{}\n{rest}", style::lead(first));
    }
}

pub fn format_check(result: &CheckResult) -> String {
    let by = result
        .checker
        .as_deref()
        .map(|c| format!(" [{c}]"))
        .unwrap_or_default();
    let mut text = match &result.outcome {
        CheckOutcome::Passed => format!("ok       {}{by}\n", result.name),
        CheckOutcome::Failed(output) => format!("FAILED   {}{by}\n{}", result.name, indent(output)),
        CheckOutcome::Inconclusive { reason, output } => {
            format!("UNSURE   {}{by}: {reason}\n{}", result.name, indent(output))
        }
        CheckOutcome::NotRun(why) => format!("not run  {}: {why}\n", result.name),
    };
    for origin in &result.origins {
        text.push_str(&format!("    --> {} `{}`\n", origin.at, origin.key));
    }
    for note in &result.notes {
        text.push_str(&format!("         note: {note}\n"));
    }
    text
}

fn indent(output: &str) -> String {
    output
        .trim_end()
        .lines()
        .map(|line| format!("    | {line}\n"))
        .collect()
}

/// `validate: 5 passed, 1 failed, 0 unsure, 1 not run`.
pub(crate) fn check_summary(results: &[CheckResult]) -> String {
    let count = |f: fn(&CheckOutcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    format!(
        "validate: {} passed, {} failed, {} unsure (keys newer than the local checker), {} not run",
        count(|o| matches!(o, CheckOutcome::Passed)),
        count(|o| matches!(o, CheckOutcome::Failed(_))),
        count(|o| matches!(o, CheckOutcome::Inconclusive { .. })),
        count(|o| matches!(o, CheckOutcome::NotRun(_))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CommandError;

    #[test]
    fn error_chain_prints_causes_and_hint() {
        let error = anyhow::Error::new(
            CommandError::failure("port 3100 is in use").hint("stop what listens on 3100"),
        )
        .context("cannot deploy `loki`");
        assert_eq!(
            format_error(&error),
            "error: cannot deploy `loki`\n  caused by: port 3100 is in use\n  hint: stop what listens on 3100\n"
        );
    }

    #[test]
    fn manifest_errors_keep_their_own_layout_through_load_and_render_wrappers() {
        let manifest = ManifestError {
            file: "stackctl.yaml".into(),
            source_text: String::new(),
            problems: vec![crate::manifest::Diagnostic::new("project", "bad project")],
        };
        for error in [
            anyhow::Error::new(RenderError::Invalid(manifest.clone())),
            anyhow::Error::new(LoadError::Invalid(manifest.clone())),
        ] {
            let text = format_error(&error);
            assert!(text.starts_with("error: bad project\n"), "{text}");
            assert!(!text.contains("error: error:"), "{text}");
        }
    }

    #[test]
    fn plain_error_has_no_hint_line() {
        let error = anyhow::anyhow!("boom");
        assert_eq!(format_error(&error), "error: boom\n");
    }
}
