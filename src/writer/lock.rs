//! One writer at a time per output directory: an exclusive `flock` on `.stackctl-lock` inside
//! it. The kernel drops the lock when the holder exits, however it exits, so a crash never
//! leaves a stale lock. A second writer waits; after `WAIT` it gives up naming the holder.

use std::fs::File;
use std::time::Duration;

use anyhow::Context as _;
use rustix::fs::{Mode, OFlags};

use super::tree::Tree;
use crate::lockfile::{self, HeldLock};

pub(crate) const LOCK_FILE: &str = ".stackctl-lock";

/// How long a second render waits for the first before it gives up.
const WAIT: Duration = Duration::from_secs(120);

pub(crate) struct OutputLock {
    _held: HeldLock,
}

impl OutputLock {
    /// Takes the lock, waiting while another stackctl holds it.
    pub(crate) fn acquire(tree: &Tree) -> anyhow::Result<Self> {
        Self::acquire_within(tree, WAIT)
    }

    pub(crate) fn acquire_within(tree: &Tree, wait: Duration) -> anyhow::Result<Self> {
        let shown = tree.path().join(LOCK_FILE);
        // Opened inside the directory already held open, never through a link.
        let fd = rustix::fs::openat(
            tree.root(),
            LOCK_FILE,
            OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        )
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot open the lock file `{}`", shown.display()))?;
        let doing = "`stackctl` writing this directory";
        match lockfile::acquire_within(File::from(fd), doing, wait) {
            Ok(Ok(held)) => Ok(Self { _held: held }),
            Ok(Err(busy)) => anyhow::bail!(
                "`{}` is being written by another stackctl: {}; gave up after {} s\n  hint: wait for it to finish, then run this again",
                tree.path().display(),
                busy.holder.chars().take(80).collect::<String>(),
                wait.as_secs()
            ),
            Err(e) => Err(e).with_context(|| format!("cannot lock `{}`", shown.display())),
        }
    }
}
