//! Programs installed on this machine: finding them on `PATH`, asking their version, running them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use crate::version::Version;

/// A checker program found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalProgram {
    pub path: PathBuf,
    /// `None` when `--version` printed nothing we understand.
    pub version: Option<Version>,
}

/// Finds `name` on `PATH` and asks its version (`NAME --version`).
pub fn find(name: &str) -> Option<LocalProgram> {
    let path = find_on_path(name)?;
    let version = Command::new(&path)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| {
            parse_version(&format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        });
    Some(LocalProgram { path, version })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// `promtool, version 2.42.0+ds (branch: ...)` → 2.42.0.
pub(crate) fn parse_version(text: &str) -> Option<Version> {
    let rest = text.split("version ").nth(1)?;
    Version::parse(rest.split_whitespace().next()?)
}

/// Writes `text` to `path` readable by its owner only (local copies may name secret files).
pub(crate) fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    crate::atomic_file::write(path, text, 0o600)
}

/// The result of running a program: success, and stdout+stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub success: bool,
    pub output: String,
}

/// Runs `program args` in `dir`, capturing its output.
pub fn run(program: &Path, args: &[String], dir: &Path) -> anyhow::Result<RunOutput> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .with_context(|| format!("cannot run `{}`", program.display()))?;
    let mut output = String::from_utf8_lossy(&out.stdout).to_string();
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(RunOutput {
        success: out.status.success(),
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_printed_by_prometheus_tools() {
        for (text, want) in [
            (
                "promtool, version 2.42.0+ds (branch: debian/sid, revision: 2.42.0+ds-5)",
                Some(Version::new(2, 42, 0)),
            ),
            (
                "amtool, version 0.25.0 (branch: HEAD)",
                Some(Version::new(0, 25, 0)),
            ),
            (
                "promtool, version 3.14.0 (branch: HEAD, revision: abc)\n  build user: x",
                Some(Version::new(3, 14, 0)),
            ),
            ("usage: promtool", None),
        ] {
            assert_eq!(parse_version(text), want, "{text}");
        }
    }
}
