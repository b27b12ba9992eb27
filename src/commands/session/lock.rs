//! One command at a time changes a project: `deploy`, `reload`, `down`, `backup` and
//! `restore` hold an exclusive lock on a file beside the output directory (`.rendered.lock`
//! beside `rendered/`) until they exit. A second run waits and says who holds the lock (pid, command, since when). The kernel
//! drops the lock when its holder dies, so a killed deploy never leaves the project locked.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::lockfile::{self, HeldLock};

/// Held while the command runs; dropping it (or exiting) releases the lock.
pub(crate) type ProjectLock = HeldLock;

/// Where the lock of the output directory `out_dir` lives.
pub fn path(out_dir: &Path) -> PathBuf {
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rendered".to_string());
    let parent = out_dir.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{name}.lock"))
}

/// Takes the project's lock for `command`, waiting (with a message naming the holder) while
/// another stackctl holds it.
pub(crate) fn acquire(out_dir: &Path, project: &str, command: &str) -> anyhow::Result<ProjectLock> {
    let path = path(out_dir);
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent)?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open the lock file `{}`", path.display()))?;
    let on_busy = |holder: &str| {
        crate::output::print_notes(&[waiting_message(project, holder, &path)]);
    };
    lockfile::acquire(file, &format!("`stackctl {command}`"), on_busy)
        .with_context(|| format!("cannot lock `{}`", path.display()))
}

fn waiting_message(project: &str, holder: &str, path: &Path) -> String {
    let holder = if holder.is_empty() {
        "another stackctl".to_string()
    } else {
        holder.to_string()
    };
    format!(
        "waiting: project `{project}` is locked by {holder} ({}); it continues when that run ends",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_file_sits_beside_the_output_directory() {
        assert_eq!(
            path(Path::new("/srv/shop/rendered")),
            PathBuf::from("/srv/shop/.rendered.lock")
        );
    }

    #[test]
    fn waiting_message_names_the_holder() {
        let message = waiting_message(
            "shop",
            "pid 42 (`stackctl deploy`, since unix time 1)",
            Path::new("/x/.rendered.lock"),
        );
        assert_eq!(message, "waiting: project `shop` is locked by pid 42 (`stackctl deploy`, since unix time 1) (/x/.rendered.lock); it continues when that run ends");
    }
}
