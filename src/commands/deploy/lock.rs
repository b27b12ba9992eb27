//! One command at a time changes a project: `deploy`, `reload` and `down` hold an exclusive
//! lock on a file beside the output directory (`.rendered.lock` beside `rendered/`) until they
//! exit. A second run waits and says who holds the lock (pid, command, since when). The kernel
//! drops the lock when its holder dies, so a killed deploy never leaves the project locked.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use fs4::TryLockError;

/// Held while the command runs; dropping it (or exiting) releases the lock.
#[derive(Debug)]
pub struct ProjectLock {
    file: File,
}

impl Drop for ProjectLock {
    /// Empties the holder line so that the next waiting run never names a finished one.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

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
pub fn acquire(out_dir: &Path, project: &str, command: &str) -> anyhow::Result<ProjectLock> {
    let path = path(out_dir);
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open the lock file `{}`", path.display()))?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = read_holder(&mut file, HOLDER_WRITE_GRACE);
            crate::output::print_notes(&[waiting_message(project, &holder, &path)]);
            fs4::FileExt::lock(&file)
                .with_context(|| format!("cannot lock `{}`", path.display()))?;
        }
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock `{}`", path.display()))
        }
    }
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    write!(file, "{}", holder_line(std::process::id(), command))?;
    Ok(ProjectLock { file })
}

/// How long a waiting run gives the holder to write its line: the holder takes the lock first
/// and writes after, so a run arriving in between finds the file empty or truncated.
const HOLDER_WRITE_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// The holder's line from the lock file, re-read for up to `grace` while it is still empty.
fn read_holder(file: &mut File, grace: std::time::Duration) -> String {
    let deadline = std::time::Instant::now() + grace;
    loop {
        let mut holder = String::new();
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut holder));
        let holder = holder.trim();
        if holder.ends_with(')') || std::time::Instant::now() >= deadline {
            return holder.to_string();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// What the lock file records about its holder.
fn holder_line(pid: u32, command: &str) -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("pid {pid} (`stackctl {command}`, since unix time {since})\n")
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
    fn a_second_holder_waits_until_the_first_releases() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rendered");
        let first = acquire(&out, "p", "deploy").unwrap();
        let lock_path = path(&out);
        let other = File::options()
            .read(true)
            .write(true)
            .open(&lock_path)
            .unwrap();
        assert!(
            matches!(
                fs4::FileExt::try_lock(&other),
                Err(TryLockError::WouldBlock)
            ),
            "the lock is exclusive"
        );
        let text = std::fs::read_to_string(&lock_path).unwrap();
        assert!(text.starts_with(&format!("pid {} (`stackctl deploy`", std::process::id())));
        drop(first);
        assert!(fs4::FileExt::try_lock(&other).is_ok(), "released on drop");
    }

    #[test]
    fn a_waiting_run_reads_the_holder_line_written_just_after_the_lock() {
        // CI found the second of two concurrent deploys printing "locked by another stackctl":
        // it read the file between the first run's lock and its write.
        let dir = tempfile::tempdir().unwrap();
        let lock_path = dir.path().join(".rendered.lock");
        let mut reader = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .unwrap();
        let writer = std::thread::spawn({
            let lock_path = lock_path.clone();
            move || {
                std::thread::sleep(std::time::Duration::from_millis(100));
                std::fs::write(&lock_path, holder_line(42, "deploy")).unwrap();
            }
        });
        let holder = read_holder(&mut reader, HOLDER_WRITE_GRACE);
        writer.join().unwrap();
        assert!(holder.starts_with("pid 42 (`stackctl deploy`"), "{holder}");
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
