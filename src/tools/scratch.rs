//! Private scratch directories for the checkers (`stackctl-validate-*`, `stackctl-deploy-check-*`).
//!
//! A scratch copy holds the rendered secrets, so it is created 0700 (set explicitly: the
//! temp-dir default depends on the platform and umask) and removed on every way out: `Drop`
//! for returns and errors, and a SIGINT/SIGTERM handler, installed with the first scratch
//! directory, that removes every one still registered and exits with the conventional code
//! (128 + signal), after force-removing any one-shot check container still running (it holds
//! copies of the files). Nothing in a scratch copy is ever widened for containers: in-image
//! checks get their files copied in with an owner (see `container_files`).

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

use anyhow::Context as _;

/// Scratch directories alive in this process, for the signal handler.
static REGISTERED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();
/// Set when a signal arrived: the handler thread owns the exit from then on.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// A 0700 directory in the system temp dir, removed when dropped or when the process is
/// interrupted.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// Creates `<tmp>/<prefix>XXXXXX` with mode 0700 and registers it for removal on a signal.
    pub fn new(prefix: &str) -> anyhow::Result<Self> {
        HANDLER.call_once(install_signal_handler);
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()
            .context("cannot create a scratch directory for the checkers")?;
        fs_err::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
        lock().push(dir.path().to_path_buf());
        Ok(Self { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Once a signal has arrived, parks the calling thread so that it neither reports results
/// nor exits with its own code while the handler cleans up and exits with 128 + signal.
pub(crate) fn wait_if_interrupted() {
    while INTERRUPTED.load(Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        wait_if_interrupted();
        lock().retain(|p| p != self.dir.path());
        // `TempDir`'s own drop removes the tree.
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    REGISTERED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes every registered scratch directory (signal path; errors cannot be reported).
fn remove_registered() {
    for dir in lock().drain(..) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A thread of its own waits for SIGINT/SIGTERM, so the handler runs whatever the main thread
/// is blocked on (a checker process, a container), and whether or not the caller is itself
/// inside a tokio runtime (deploy is). Returns once the handler is registered, so a signal
/// right after `Scratch::new` is already caught.
fn install_signal_handler() {
    let (registered, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        let code = runtime.block_on(async {
            let streams = (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            );
            let (Ok(mut interrupt), Ok(mut terminate)) = streams else {
                let _ = registered.send(());
                return None;
            };
            let _ = registered.send(());
            tokio::select! {
                _ = interrupt.recv() => Some(130),
                _ = terminate.recv() => Some(143),
            }
        });
        if let Some(code) = code {
            INTERRUPTED.store(true, Ordering::SeqCst);
            remove_registered();
            // A one-shot container of an in-image check holds copies of the files too.
            runtime.block_on(async {
                let limit = std::time::Duration::from_secs(10);
                let _ = tokio::time::timeout(limit, crate::docker::remove_active_oneshots()).await;
            });
            std::process::exit(code);
        }
    });
    let _ = wait.recv();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_is_private_registered_and_removed_on_drop() {
        let scratch = Scratch::new("stackctl-unit-scratch-").unwrap();
        let path = scratch.path().to_path_buf();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(lock().contains(&path));
        drop(scratch);
        assert!(!path.exists());
        assert!(!lock().contains(&path));
    }
}
