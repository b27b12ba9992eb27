//! Writes a `RenderedStack` into the output directory as one switch-over: every new or changed
//! file is first staged in full beside its final name (secrets 0600 under a 0700 `secrets/`,
//! everything else 0644 in 0755 directories, whatever the umask), then renamed into place under
//! an exclusive lock on the directory, so two renders never interleave and every stackctl
//! command sees the old tree or the new one. Unchanged files are left untouched (their mtimes
//! stay); files a previous render wrote but this one did not are removed.
//!
//! No path below the output directory is followed through a symlink (see `tree`), and a file
//! stackctl did not write is never overwritten unless the caller passes `Overwrite::Force`.
//! The file list is written before the switch as the union of old and new, so a failure midway
//! still records every file that may have been written.
//!
//! The switch is all or nothing: each replaced file is kept under a hard link until every file
//! is in place, and a failure midway renames the old versions back (and removes new files), so
//! the tree is the previous render's again. Why not write a whole new tree and rename it (or a
//! symlink) over the old one: containers bind-mount the service directories, and a bind mount
//! keeps the directory it was made from, so a swapped tree would never reach a running program
//! (reload would read the old files). Renaming files inside the mounted directories is what a
//! running container sees; the lock plus the undo make that switch atomic for every reader that
//! takes the lock (all stackctl commands) and for programs, which read after the reload.
//!
//! Everything is rendered in memory before this runs; nothing here decides file contents.

mod hash_key;
mod lock;
mod tree;

use std::collections::BTreeSet;
use std::path::{Component as PathPart, Path, PathBuf};

use crate::render::{FileMode, RenderedStack};

pub(crate) use hash_key::HashKey;
use lock::OutputLock;
use tree::{Committed, Existing, Staged, Tree};

/// The list of files stackctl wrote last time, one relative path a line, inside the output dir.
pub(crate) const FILE_LIST: &str = ".stackctl-files";

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

/// Whether a file stackctl did not write (absent from its file list) may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overwrite {
    /// Refuse: it may be the operator's own `docker-compose.yml`.
    Refuse,
    /// `render --force`.
    Force,
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

/// Writes every file of `stack` under `out_dir` (created if missing), refusing to replace a
/// file stackctl did not write.
pub fn write(stack: &RenderedStack, out_dir: &Path) -> anyhow::Result<WriteReport> {
    write_with(stack, out_dir, Overwrite::Refuse)
}

/// What to do with one rendered file.
enum Step {
    Keep,
    /// Same contents, other mode: (wanted, current).
    Chmod(u32, u32),
    Write {
        contents: Vec<u8>,
        mode: u32,
        existed: bool,
    },
}

pub(crate) fn write_with(
    stack: &RenderedStack,
    out_dir: &Path,
    overwrite: Overwrite,
) -> anyhow::Result<WriteReport> {
    for path in stack.files.keys() {
        check_relative(path)?;
    }
    let tree = Tree::open(out_dir)?;
    let _lock = OutputLock::acquire(&tree)?;
    let previous = previous_files(&tree)?;
    let mut steps = Vec::new();
    let mut foreign = Vec::new();
    for (path, file) in &stack.files {
        let step = plan_file(&tree, path, file.contents.expose().as_bytes(), file.mode())?;
        if let Step::Write { existed: true, .. } | Step::Chmod(..) = step {
            if !previous.contains(path) {
                foreign.push(path.as_str());
            }
        }
        steps.push((path, step));
    }
    if overwrite == Overwrite::Refuse && !foreign.is_empty() {
        anyhow::bail!(
            "refusing to overwrite {} in `{}` that stackctl did not write: {}\n  hint: move {} away, choose another `--out`, or run `stackctl render --force` to replace {}",
            if foreign.len() == 1 { "a file" } else { "files" },
            out_dir.display(),
            foreign.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
            if foreign.len() == 1 { "it" } else { "them" },
            if foreign.len() == 1 { "it" } else { "them" },
        );
    }
    let staged = stage_all(&tree, &steps)?;
    let current: BTreeSet<String> = stack.files.keys().cloned().collect();
    // Recorded before the switch: a failure midway still lists every file that may be new.
    write_list(&tree, &previous.union(&current).cloned().collect())?;
    let mut report = WriteReport {
        out_dir: out_dir.to_path_buf(),
        files: Vec::new(),
    };
    switch(&tree, &steps, staged)?;
    for (path, step) in &steps {
        let status = match step {
            Step::Keep => FileStatus::Unchanged,
            Step::Chmod(..) => FileStatus::Changed,
            Step::Write { existed: true, .. } => FileStatus::Changed,
            Step::Write { existed: false, .. } => FileStatus::Created,
        };
        report.files.push(((*path).clone(), status));
    }
    for stale in previous.difference(&current) {
        if check_relative(stale).is_err() {
            continue; // a hand-edited list must never make stackctl delete outside its directory
        }
        if tree.remove_stale(stale)? {
            report.files.push((stale.clone(), FileStatus::Removed));
        }
    }
    write_list(&tree, &current)?;
    Ok(report)
}

/// Puts every staged file and mode change in place; if any step fails, every one already done
/// is undone (old versions renamed back, new files removed, modes restored), so the tree is
/// the old one again: a reader holding the lock, or one arriving after, never finds a mix.
fn switch(tree: &Tree, steps: &[(&String, Step)], staged: Vec<Staged>) -> anyhow::Result<()> {
    let mut staged = staged.into_iter();
    let mut committed: Vec<Committed> = Vec::new();
    let mut chmodded: Vec<(&str, u32)> = Vec::new();
    let mut failure = None;
    for (path, step) in steps {
        let result = match step {
            Step::Keep => Ok(()),
            Step::Chmod(wanted, current) => tree
                .set_mode(path, *wanted)
                .map(|()| chmodded.push((path.as_str(), *current))),
            Step::Write { .. } => {
                let next = staged.next().expect("one staged file per write step");
                tree.commit_undoable(next).map(|c| committed.push(c))
            }
        };
        if let Err(e) = result {
            failure = Some(e);
            break;
        }
    }
    match failure {
        None => {
            committed.into_iter().for_each(Committed::keep);
            Ok(())
        }
        Some(e) => {
            staged.for_each(Staged::discard);
            committed.into_iter().rev().for_each(Committed::undo);
            for (path, mode) in chmodded {
                let _ = tree.set_mode(path, mode);
            }
            Err(e.context(
                "the new files were not switched in; the previous render's files are back in place",
            ))
        }
    }
}

fn plan_file(tree: &Tree, path: &str, contents: &[u8], mode: FileMode) -> anyhow::Result<Step> {
    let wanted = match mode {
        FileMode::Secret => 0o600,
        FileMode::Public => 0o644,
    };
    let write = |existed| Step::Write {
        contents: contents.to_vec(),
        mode: wanted,
        existed,
    };
    Ok(match tree.existing(path)? {
        Existing::Missing => write(false),
        Existing::Other => write(true), // a symlink or special file is replaced, never written through
        Existing::Directory => anyhow::bail!(
            "cannot write `{}`: a directory is in the way",
            tree.path().join(path).display()
        ),
        Existing::File {
            contents: old,
            mode,
        } if old == contents => {
            if mode == wanted {
                Step::Keep
            } else {
                Step::Chmod(wanted, mode)
            }
        }
        Existing::File { .. } => write(true),
    })
}

/// Writes every new or changed file beside its final name; on a failure, none stays.
fn stage_all(tree: &Tree, steps: &[(&String, Step)]) -> anyhow::Result<Vec<Staged>> {
    let mut staged = Vec::new();
    for (path, step) in steps {
        if let Step::Write { contents, mode, .. } = step {
            match tree.stage(path, contents, *mode) {
                Ok(s) => staged.push(s),
                Err(e) => {
                    staged.into_iter().for_each(Staged::discard);
                    return Err(e);
                }
            }
        }
    }
    Ok(staged)
}

fn write_list(tree: &Tree, files: &BTreeSet<String>) -> anyhow::Result<()> {
    let list: String = files.iter().map(|p| format!("{p}\n")).collect();
    let staged = tree.stage(FILE_LIST, list.as_bytes(), 0o644)?;
    tree.commit(staged)
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

fn previous_files(tree: &Tree) -> anyhow::Result<BTreeSet<String>> {
    let text = match tree.existing(FILE_LIST)? {
        Existing::File { contents, .. } => String::from_utf8_lossy(&contents).into_owned(),
        _ => return Ok(BTreeSet::new()),
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;
    use crate::render::RenderedFile;

    fn stack(files: &[(&str, &str, FileMode)]) -> RenderedStack {
        let mut stack = RenderedStack::default();
        for (path, text, mode) in files {
            let file = match mode {
                FileMode::Public => RenderedFile::public(*text),
                FileMode::Secret => RenderedFile::secret(crate::manifest::Secret::new(*text)),
            };
            stack.files.insert(path.to_string(), file);
        }
        stack
    }

    fn mode_of(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_switch_that_fails_midway_puts_the_previous_tree_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        write(
            &stack(&[
                ("a.yml", "old a", FileMode::Public),
                ("b/b.yml", "old b", FileMode::Public),
            ]),
            out,
        )
        .unwrap();
        let new = stack(&[
            ("a.yml", "new a", FileMode::Public),
            ("b/b.yml", "new b", FileMode::Public),
            ("c.yml", "new c", FileMode::Public),
        ]);
        let tree = Tree::open(out).unwrap();
        let steps: Vec<(&String, Step)> = new
            .files
            .iter()
            .map(|(p, f)| {
                (
                    p,
                    plan_file(&tree, p, f.contents.expose().as_bytes(), f.mode()).unwrap(),
                )
            })
            .collect();
        let staged = stage_all(&tree, &steps).unwrap();
        // `c.yml` is switched last (path order): a and b are already in place when it fails.
        staged[2].lose();
        let error = switch(&tree, &steps, staged).unwrap_err();
        assert!(
            format!("{error:#}").contains("the previous render's files are back in place"),
            "{error:#}"
        );
        assert_eq!(fs_err::read_to_string(out.join("a.yml")).unwrap(), "old a");
        assert_eq!(
            fs_err::read_to_string(out.join("b/b.yml")).unwrap(),
            "old b"
        );
        assert!(!out.join("c.yml").exists());
        let mut leftovers = Vec::new();
        for d in [out.to_path_buf(), out.join("b")] {
            for entry in std::fs::read_dir(&d).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().to_string();
                if name.starts_with(".stackctl-new-") || name.starts_with(".stackctl-old-") {
                    leftovers.push(name);
                }
            }
        }
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // And a switch that succeeds leaves no kept old versions either.
        write(&new, out).unwrap();
        assert_eq!(fs_err::read_to_string(out.join("a.yml")).unwrap(), "new a");
        let names: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".stackctl-old-")),
            "{names:?}"
        );
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

    #[test]
    fn stale_removal_never_follows_a_symlinked_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rendered");
        let victim = dir.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("precious.txt"), "keep me").unwrap();
        std::fs::write(victim.join("alertmanager.yml"), "keep me too").unwrap();
        write(
            &stack(&[
                ("a.yml", "1", FileMode::Public),
                ("alertmanager/alertmanager.yml", "x", FileMode::Public),
            ]),
            &out,
        )
        .unwrap();
        // A tampered file list and a planted link; the service directory swapped for a link.
        std::os::unix::fs::symlink(&victim, out.join("evil")).unwrap();
        std::fs::remove_dir_all(out.join("alertmanager")).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("alertmanager")).unwrap();
        let mut list = std::fs::read_to_string(out.join(FILE_LIST)).unwrap();
        list.push_str("evil/precious.txt\n");
        std::fs::write(out.join(FILE_LIST), list).unwrap();

        let report = write(&stack(&[("a.yml", "1", FileMode::Public)]), &out).unwrap();
        assert_eq!(report.status("evil/precious.txt"), None);
        assert_eq!(report.status("alertmanager/alertmanager.yml"), None);
        assert!(victim.join("precious.txt").exists());
        assert!(victim.join("alertmanager.yml").exists());
    }

    #[test]
    fn writing_never_goes_through_a_symlinked_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rendered");
        let victim = dir.path().join("victim");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir(&victim).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("prometheus")).unwrap();
        let err = write(
            &stack(&[("prometheus/prometheus.yml", "a: 1", FileMode::Public)]),
            &out,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("is a symbolic link"), "{err:#}");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    }

    #[test]
    fn a_symlinked_file_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rendered");
        write(&stack(&[("a.yml", "1", FileMode::Public)]), &out).unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        std::fs::remove_file(out.join("a.yml")).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("a.yml")).unwrap();
        write(&stack(&[("a.yml", "2", FileMode::Public)]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(out.join("a.yml")).unwrap(), "2");
    }

    #[test]
    fn refuses_to_overwrite_a_file_stackctl_did_not_write_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("docker-compose.yml"), "mine").unwrap();
        let s = stack(&[
            ("docker-compose.yml", "stackctl's", FileMode::Public),
            ("a.yml", "1", FileMode::Public),
        ]);
        let err = write(&s, dir.path()).unwrap_err().to_string();
        assert!(err.contains("`docker-compose.yml`"), "{err}");
        assert!(err.contains("--force"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap(),
            "mine"
        );
        assert!(!dir.path().join("a.yml").exists(), "nothing is written");
        write_with(&s, dir.path(), Overwrite::Force).unwrap();
        let report = write(&s, dir.path()).unwrap();
        assert_eq!(report.count(FileStatus::Unchanged), 2, "now it is ours");
    }

    #[test]
    fn a_failure_midway_switches_nothing_and_leaves_no_staged_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        write(&stack(&[("a.yml", "old", FileMode::Public)]), out).unwrap();
        std::fs::create_dir_all(out.join("z/in-the-way")).unwrap();
        let err = write(
            &stack(&[
                ("a.yml", "new", FileMode::Public),
                ("b.yml", "new", FileMode::Public),
                ("z/in-the-way", "new", FileMode::Public),
            ]),
            out,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("a directory is in the way"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(out.join("a.yml")).unwrap(), "old");
        assert!(!out.join("b.yml").exists());
        let leftovers: Vec<_> = std::fs::read_dir(out)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".stackctl-new-")
            })
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_second_writer_waits_for_the_lock_and_names_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let tree = Tree::open(dir.path()).unwrap();
        let held = OutputLock::acquire(&tree).unwrap();
        let err = OutputLock::acquire_within(&tree, std::time::Duration::from_millis(100))
            .err()
            .expect("the lock is held");
        let text = err.to_string();
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        let waiter = std::thread::spawn(move || {
            let tree = Tree::open(tree.path()).unwrap();
            let start = std::time::Instant::now();
            OutputLock::acquire(&tree).unwrap();
            start.elapsed()
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(held);
        assert!(waiter.join().unwrap() >= std::time::Duration::from_millis(250));
    }
}
