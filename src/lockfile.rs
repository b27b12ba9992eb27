//! An exclusive lock that names its holder: a `flock` on a file (the kernel drops it when its
//! holder exits, however it exits, so a crash never leaves a stale lock) in which the holder
//! writes its pid, command and start time for whoever waits. The output directory
//! (`writer`) and the project (`commands::session::lock`) are locked with it; the caller opens
//! the file, so each decides how (the writer opens it inside the directory it holds, never
//! through a link).

use std::fs::{File, TryLockError};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::time::{Duration, Instant};

/// How long a waiting run gives the holder to write its line: the holder takes the lock first
/// and writes after, so a run arriving in between finds the file empty or cut short.
const HOLDER_WRITE_GRACE: Duration = Duration::from_millis(500);
/// How often a bounded wait tries again.
const POLL: Duration = Duration::from_millis(25);

/// Held until dropped (or until the process exits).
#[derive(Debug)]
pub(crate) struct HeldLock {
    file: File,
}

impl Drop for HeldLock {
    /// Empties the holder line so that the next waiting run never names a finished one.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

/// Another stackctl held the lock for longer than `acquire_within` waits.
#[derive(Debug)]
pub(crate) struct Busy {
    /// Its holder line (`pid 42 (`stackctl deploy`, since unix time 1700000000)`), or empty.
    pub holder: String,
}

/// Takes the lock on `file` for a holder that is `doing` something, waiting as long as
/// another holds it; `on_busy` is told who (its holder line) before the wait starts.
pub(crate) fn acquire(
    mut file: File,
    doing: &str,
    on_busy: impl FnOnce(&str),
) -> std::io::Result<HeldLock> {
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            on_busy(&read_holder(&mut file, HOLDER_WRITE_GRACE));
            file.lock()?;
        }
        Err(TryLockError::Error(e)) => return Err(e),
    }
    hold(file, doing)
}

/// Takes the lock on `file` for a holder that is `doing` something, waiting at most `limit`
/// for another holder.
pub(crate) fn acquire_within(
    mut file: File,
    doing: &str,
    limit: Duration,
) -> std::io::Result<Result<HeldLock, Busy>> {
    if !lock_within(&file, limit)? {
        let holder = read_holder(&mut file, HOLDER_WRITE_GRACE);
        return Ok(Err(Busy { holder }));
    }
    hold(file, doing).map(Ok)
}

/// Writes the holder line into the locked `file`. The line only informs whoever waits, so a
/// failure to write it (a full disk) does not cost the lock.
fn hold(mut file: File, doing: &str) -> std::io::Result<HeldLock> {
    let _ = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| write!(file, "{}", holder_line(std::process::id(), doing)));
    Ok(HeldLock { file })
}

/// Tries the lock until `limit` has passed; whether it was taken.
fn lock_within(file: &File, limit: Duration) -> std::io::Result<bool> {
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(true),
            Err(TryLockError::WouldBlock) if start.elapsed() < limit => std::thread::sleep(POLL),
            Err(TryLockError::WouldBlock) => return Ok(false),
            Err(TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// The holder's line from the lock file, read again for up to `grace` while it is incomplete.
fn read_holder(file: &mut File, grace: Duration) -> String {
    let deadline = Instant::now() + grace;
    loop {
        let mut holder = String::new();
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut holder));
        let holder = holder.trim();
        if holder.ends_with(')') || Instant::now() >= deadline {
            return holder.to_string();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// What the lock file records about its holder: its pid, what it does (`` `stackctl deploy` ``)
/// and since when.
fn holder_line(pid: u32, doing: &str) -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("pid {pid} ({doing}, since unix time {since})\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &std::path::Path) -> File {
        File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .unwrap()
    }

    #[test]
    fn a_second_holder_is_told_who_holds_it_and_waits_until_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = acquire(open(&path), "`stackctl deploy`", |_| panic!("free")).unwrap();
        let busy = acquire_within(open(&path), "`stackctl render`", Duration::from_millis(100))
            .unwrap()
            .expect_err("the lock is exclusive");
        let mine = format!("pid {} (`stackctl deploy`, since", std::process::id());
        assert!(busy.holder.starts_with(&mine), "{}", busy.holder);
        let waiter = std::thread::spawn(move || {
            let mut told = String::new();
            let start = Instant::now();
            acquire(open(&path), "`stackctl render`", |holder| {
                told = holder.to_string()
            })
            .unwrap();
            (start.elapsed(), told)
        });
        std::thread::sleep(Duration::from_millis(300));
        drop(first);
        let (waited, told) = waiter.join().unwrap();
        assert!(waited >= Duration::from_millis(250));
        assert!(told.starts_with(&mine), "{told}");
    }

    #[test]
    fn a_waiting_run_reads_the_holder_line_written_just_after_the_lock() {
        // CI found the second of two concurrent deploys printing "locked by another stackctl":
        // it read the file between the first run's lock and its write.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let mut reader = open(&path);
        let writer = std::thread::spawn({
            let path = path.clone();
            move || {
                std::thread::sleep(Duration::from_millis(100));
                std::fs::write(&path, holder_line(42, "`stackctl deploy`")).unwrap();
            }
        });
        let holder = read_holder(&mut reader, HOLDER_WRITE_GRACE);
        writer.join().unwrap();
        assert!(holder.starts_with("pid 42 (`stackctl deploy`"), "{holder}");
    }

    #[test]
    fn a_released_lock_names_no_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        drop(acquire(open(&path), "`stackctl deploy`", |_| {}).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }
}
