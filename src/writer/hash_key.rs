//! The per-project key of the config hash (`.stackctl-hash-key`, 0600, in the output
//! directory). The config hash covers secret files and is stored where others can read it (a
//! 0644 state file, a container label), so it is an HMAC under this random key: without the
//! key, a guessed password cannot be checked against it offline.

use std::fs::File;
use std::io::Read as _;

use anyhow::Context as _;
use rustix::fs::{Mode, OFlags};

use super::tree::Tree;
use crate::atomic_file;

pub(crate) const KEY_FILE: &str = ".stackctl-hash-key";

/// 32 random bytes; never printed.
pub(crate) struct HashKey([u8; 32]);

impl std::fmt::Debug for HashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HashKey(***)")
    }
}

impl HashKey {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Reads the key of the output directory at `out_dir`, creating both when missing.
    ///
    /// A new key is written whole to a private temporary file first and then hard-linked to
    /// its name (`atomic_file::Staged::link_new`), so a concurrent run sees either no key file
    /// or a complete one, never an empty file; of two runs racing, the first link wins and the
    /// other reads its key.
    pub(crate) fn load_or_create(out_dir: &std::path::Path) -> anyhow::Result<Self> {
        let tree = Tree::open(out_dir)?;
        let shown = out_dir.join(KEY_FILE);
        match Self::read(&tree, &shown) {
            Err(e) if !is_not_found(&e) => return Err(e),
            Err(_) => {}
            found => return found,
        }
        let key: [u8; 32] = rand::random();
        let root = tree
            .root()
            .try_clone()
            .context("cannot duplicate the output directory handle")?;
        let created = atomic_file::stage(root, KEY_FILE, hex::encode(key).as_bytes(), 0o600)
            .and_then(atomic_file::Staged::link_new)
            .with_context(|| format!("cannot write `{}`", shown.display()))?;
        if created {
            Ok(Self(key))
        } else {
            Self::read(&tree, &shown)
        }
    }

    fn read(tree: &Tree, shown: &std::path::Path) -> anyhow::Result<Self> {
        let fd = rustix::fs::openat(
            tree.root(),
            KEY_FILE,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot open `{}`", shown.display()))?;
        // A key others could read protects nothing: keep it to the owner from now on.
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o600)).map_err(std::io::Error::from)?;
        let mut text = String::new();
        File::from(fd)
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read `{}`", shown.display()))?;
        let bytes = hex::decode(text.trim()).ok().filter(|b| b.len() == 32);
        let Some(bytes) = bytes else {
            anyhow::bail!(
                "`{}` is not a stackctl hash key\n  hint: delete it; the next deploy creates a new one (every service then reloads its config once)",
                shown.display()
            );
        };
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(Self(key))
    }
}

fn is_not_found(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn the_key_is_created_0600_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("rendered");
        let first = HashKey::load_or_create(&out).unwrap();
        let mode = std::fs::metadata(out.join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let second = HashKey::load_or_create(&out).unwrap();
        assert_eq!(first.as_bytes(), second.as_bytes());
        let other = HashKey::load_or_create(&dir.path().join("elsewhere")).unwrap();
        assert_ne!(first.as_bytes(), other.as_bytes());
        assert_eq!(format!("{first:?}"), "HashKey(***)");
    }

    #[test]
    fn concurrent_runs_agree_on_one_key_and_leave_no_temporary_file() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join(format!("rendered-{round}"));
            std::fs::create_dir(&out).unwrap();
            let keys: Vec<[u8; 32]> = std::thread::scope(|scope| {
                let runs: Vec<_> = (0..8)
                    .map(|_| scope.spawn(|| HashKey::load_or_create(&out).map(|k| k.0)))
                    .collect();
                runs.into_iter()
                    .map(|r| r.join().unwrap().unwrap())
                    .collect()
            });
            assert!(
                keys.iter().all(|k| *k == keys[0]),
                "round {round}: keys differ"
            );
            let names: Vec<_> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            assert_eq!(names, [KEY_FILE], "round {round}");
        }
    }
}
