//! One writer at a time per output directory: an exclusive `flock` on `.stackctl-lock` inside
//! it. The kernel drops the lock when the holder exits, however it exits, so a crash never
//! leaves a stale lock. A second writer waits; after `WAIT` it gives up naming the holder.

use std::fs::File;
use std::io::{Read as _, Seek as _, Write as _};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rustix::fs::{FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use super::tree::Tree;

pub const LOCK_FILE: &str = ".stackctl-lock";

/// How long a second render waits for the first before it gives up.
const WAIT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(25);

pub struct OutputLock {
    _file: File,
}

impl OutputLock {
    /// Takes the lock, waiting while another stackctl holds it.
    pub fn acquire(tree: &Tree) -> anyhow::Result<Self> {
        Self::acquire_within(tree, WAIT)
    }

    pub fn acquire_within(tree: &Tree, wait: Duration) -> anyhow::Result<Self> {
        let shown = tree.path().join(LOCK_FILE);
        let fd = rustix::fs::openat(
            tree.root(),
            LOCK_FILE,
            OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        )
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot open the lock file `{}`", shown.display()))?;
        let mut file = File::from(fd);
        let start = Instant::now();
        loop {
            match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => break,
                Err(Errno::WOULDBLOCK) | Err(Errno::INTR) if start.elapsed() < wait => {
                    std::thread::sleep(POLL)
                }
                Err(Errno::WOULDBLOCK) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    anyhow::bail!(
                        "`{}` is being written by another stackctl ({}); gave up after {} s\n  hint: wait for it to finish, then run this again",
                        tree.path().display(),
                        holder.trim().chars().take(80).collect::<String>(),
                        wait.as_secs()
                    );
                }
                Err(e) => {
                    return Err(std::io::Error::from(e))
                        .with_context(|| format!("cannot lock `{}`", shown.display()))
                }
            }
        }
        // Say who holds it, for the message a waiting writer gives up with.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = writeln!(file, "pid {}", std::process::id());
        Ok(Self { _file: file })
    }
}
