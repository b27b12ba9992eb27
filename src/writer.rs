//! Writes a `RenderedStack` into the output directory: each file atomically (temp file + rename
//! in the same directory), secrets 0600 under a 0700 `secrets/`, unchanged files left untouched
//! (their mtimes stay), and files a previous render wrote but this one did not removed.
//!
//! Everything is rendered in memory before this runs; nothing here decides file contents.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Component as PathPart, Path, PathBuf};

use anyhow::Context as _;

use crate::render::{FileMode, RenderedStack};

/// The list of files stackctl wrote last time, one relative path a line, inside the output dir.
pub const FILE_LIST: &str = ".stackctl-files";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Created,
    Changed,
    Unchanged,
    /// Written by an earlier render, no longer rendered, deleted.
    Removed,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Created => "created",
            FileStatus::Changed => "changed",
            FileStatus::Unchanged => "unchanged",
            FileStatus::Removed => "removed",
        }
    }
}

/// What happened to each file, in path order (removed files last).
#[derive(Debug, Clone, Default)]
pub struct WriteReport {
    pub out_dir: PathBuf,
    pub files: Vec<(String, FileStatus)>,
}

impl WriteReport {
    pub fn count(&self, status: FileStatus) -> usize {
        self.files.iter().filter(|(_, s)| *s == status).count()
    }

    pub fn status(&self, path: &str) -> Option<FileStatus> {
        self.files.iter().find(|(p, _)| p == path).map(|(_, s)| *s)
    }
}

/// Writes every file of `stack` under `out_dir` (created if missing).
pub fn write(stack: &RenderedStack, out_dir: &Path) -> anyhow::Result<WriteReport> {
    for path in stack.files.keys() {
        check_relative(path)?;
    }
    fs_err::create_dir_all(out_dir)
        .with_context(|| format!("cannot create the output directory `{}`", out_dir.display()))?;
    let mut report = WriteReport {
        out_dir: out_dir.to_path_buf(),
        files: Vec::new(),
    };
    for (path, file) in &stack.files {
        let status = write_file(out_dir, path, file.contents.as_bytes(), file.mode)?;
        report.files.push((path.clone(), status));
    }
    let current: BTreeSet<String> = stack.files.keys().cloned().collect();
    for stale in previous_files(out_dir)?.difference(&current) {
        if check_relative(stale).is_err() {
            continue; // a hand-edited list must never make stackctl delete outside its directory
        }
        if remove_stale(out_dir, stale)? {
            report.files.push((stale.clone(), FileStatus::Removed));
        }
    }
    let list: String = current.iter().map(|p| format!("{p}\n")).collect();
    write_file(out_dir, FILE_LIST, list.as_bytes(), FileMode::Public)?;
    Ok(report)
}

/// Rendered paths are relative, plain and inside the output directory.
fn check_relative(path: &str) -> anyhow::Result<()> {
    let p = Path::new(path);
    let plain = !path.is_empty() && p.components().all(|c| matches!(c, PathPart::Normal(_)));
    anyhow::ensure!(
        plain,
        "refusing to write `{path}`: rendered paths must stay inside the output directory"
    );
    Ok(())
}

fn is_secret_path(path: &str) -> bool {
    path.starts_with("secrets/")
}

fn write_file(
    out_dir: &Path,
    rel: &str,
    contents: &[u8],
    mode: FileMode,
) -> anyhow::Result<FileStatus> {
    let target = out_dir.join(rel);
    let parent = target.parent().unwrap_or(out_dir);
    create_parents(out_dir, rel)?;
    let wanted_mode = match mode {
        FileMode::Secret => 0o600,
        FileMode::Public => 0o644,
    };
    let existing = match fs_err::symlink_metadata(&target) {
        Ok(meta) if meta.is_file() => Some(meta),
        Ok(meta) if meta.is_dir() => {
            anyhow::bail!(
                "cannot write `{}`: a directory is in the way",
                target.display()
            )
        }
        Ok(_) => None, // a symlink or special file is replaced, never written through
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(meta) = &existing {
        let same = fs_err::read(&target)
            .map(|old| old == contents)
            .unwrap_or(false);
        if same {
            if meta.permissions().mode() & 0o777 == wanted_mode {
                return Ok(FileStatus::Unchanged);
            }
            set_mode(&target, wanted_mode)?;
            return Ok(FileStatus::Changed);
        }
    }
    // NamedTempFile starts at 0600, so a secret is never readable by others, even for a moment.
    let mut temp = tempfile::Builder::new()
        .prefix(".stackctl-")
        .tempfile_in(parent)
        .with_context(|| format!("cannot create a temporary file in `{}`", parent.display()))?;
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", target.display()))?;
    set_mode(temp.path(), wanted_mode)?;
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot move the new `{}` into place", target.display()))?;
    Ok(if existing.is_some() {
        FileStatus::Changed
    } else {
        FileStatus::Created
    })
}

/// Creates the directories of `rel` under `out_dir`; those under `secrets/` get 0700.
fn create_parents(out_dir: &Path, rel: &str) -> anyhow::Result<()> {
    let mut dir = out_dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts[..parts.len().saturating_sub(1)].iter().enumerate() {
        dir.push(part);
        let secret = is_secret_path(&format!("{}/", parts[..=i].join("/")));
        match fs_err::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => anyhow::bail!(
                "cannot write `{rel}`: `{}` is not a directory",
                dir.display()
            ),
            Err(_) => fs_err::create_dir(&dir)?,
        }
        if secret {
            set_mode(&dir, 0o700)?;
        }
    }
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    fs_err::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

fn previous_files(out_dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    match fs_err::read_to_string(out_dir.join(FILE_LIST)) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(e.into()),
    }
}

/// Deletes a file an earlier render wrote, and any directories it leaves empty.
fn remove_stale(out_dir: &Path, rel: &str) -> anyhow::Result<bool> {
    let target = out_dir.join(rel);
    match fs_err::remove_file(&target) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    let mut dir = target.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d == out_dir || !d.starts_with(out_dir) || std::fs::remove_dir(&d).is_err() {
            break; // not empty (or not ours): stop climbing
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::RenderedFile;

    fn stack(files: &[(&str, &str, FileMode)]) -> RenderedStack {
        let mut stack = RenderedStack::default();
        for (path, text, mode) in files {
            stack.files.insert(
                path.to_string(),
                RenderedFile {
                    contents: text.to_string(),
                    mode: *mode,
                },
            );
        }
        stack
    }

    fn mode_of(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn first_write_creates_every_file_with_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rendered");
        let s = stack(&[
            ("prometheus/prometheus.yml", "a: 1\n", FileMode::Public),
            (
                "secrets/grafana/admin_password",
                "hunter2",
                FileMode::Secret,
            ),
        ]);
        let report = write(&s, &out).unwrap();
        assert_eq!(report.count(FileStatus::Created), 2);
        assert_eq!(
            fs_err::read_to_string(out.join("prometheus/prometheus.yml")).unwrap(),
            "a: 1\n"
        );
        assert_eq!(mode_of(&out.join("prometheus/prometheus.yml")), 0o644);
        assert_eq!(mode_of(&out.join("secrets/grafana/admin_password")), 0o600);
        assert_eq!(mode_of(&out.join("secrets")), 0o700);
        assert_eq!(mode_of(&out.join("secrets/grafana")), 0o700);
    }

    #[test]
    fn second_write_reports_changed_and_unchanged_and_keeps_mtimes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        write(
            &stack(&[
                ("a.yml", "1", FileMode::Public),
                ("b.yml", "2", FileMode::Public),
            ]),
            out,
        )
        .unwrap();
        let before = std::fs::metadata(out.join("a.yml"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let report = write(
            &stack(&[
                ("a.yml", "1", FileMode::Public),
                ("b.yml", "3", FileMode::Public),
            ]),
            out,
        )
        .unwrap();
        assert_eq!(report.status("a.yml"), Some(FileStatus::Unchanged));
        assert_eq!(report.status("b.yml"), Some(FileStatus::Changed));
        let after = std::fs::metadata(out.join("a.yml"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
    }

    #[test]
    fn files_no_longer_rendered_are_removed_with_their_empty_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("mine.txt"), "user file").unwrap();
        write(
            &stack(&[
                ("a.yml", "1", FileMode::Public),
                ("loki/loki.yaml", "x", FileMode::Public),
            ]),
            out,
        )
        .unwrap();
        let report = write(&stack(&[("a.yml", "1", FileMode::Public)]), out).unwrap();
        assert_eq!(report.status("loki/loki.yaml"), Some(FileStatus::Removed));
        assert!(!out.join("loki").exists());
        assert!(
            out.join("mine.txt").exists(),
            "files stackctl did not write are kept"
        );
    }

    #[test]
    fn a_file_list_naming_paths_outside_the_output_dir_deletes_nothing_there() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(dir.path().join("precious"), "x").unwrap();
        std::fs::write(out.join(FILE_LIST), "../precious\n/etc/passwd\n").unwrap();
        write(&stack(&[("a.yml", "1", FileMode::Public)]), &out).unwrap();
        assert!(dir.path().join("precious").exists());
    }

    #[test]
    fn rejects_paths_that_escape_the_output_dir() {
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            let dir = tempfile::tempdir().unwrap();
            assert!(
                write(&stack(&[(bad, "1", FileMode::Public)]), dir.path()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_loosened_secret_mode_is_tightened_again() {
        let dir = tempfile::tempdir().unwrap();
        let s = stack(&[("secrets/am/key", "k", FileMode::Secret)]);
        write(&s, dir.path()).unwrap();
        let path = dir.path().join("secrets/am/key");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let report = write(&s, dir.path()).unwrap();
        assert_eq!(report.status("secrets/am/key"), Some(FileStatus::Changed));
        assert_eq!(mode_of(&path), 0o600);
    }
}
