//! The per-project key of the config hash (`.stackctl-hash-key`, 0600, in the output
//! directory). The config hash covers secret files and is stored where others can read it (a
//! 0644 state file, a container label), so it is an HMAC under this random key: without the
//! key, a guessed password cannot be checked against it offline.

use std::fs::File;
use std::io::{Read as _, Write as _};

use anyhow::Context as _;
use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

use super::tree::Tree;

pub const KEY_FILE: &str = ".stackctl-hash-key";

/// 32 random bytes; never printed.
pub struct HashKey([u8; 32]);

impl std::fmt::Debug for HashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HashKey(***)")
    }
}

impl HashKey {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Reads the key of the output directory at `out_dir`, creating both when missing.
    pub fn load_or_create(out_dir: &std::path::Path) -> anyhow::Result<Self> {
        let tree = Tree::open(out_dir)?;
        let shown = out_dir.join(KEY_FILE);
        let create = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW;
        match rustix::fs::openat(
            tree.root(),
            KEY_FILE,
            create | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        ) {
            Ok(fd) => {
                let key: [u8; 32] = rand::random();
                let mut file = File::from(fd);
                rustix::fs::fchmod(&file, Mode::from_raw_mode(0o600))
                    .map_err(std::io::Error::from)?;
                file.write_all(hex::encode(key).as_bytes())
                    .and_then(|()| file.sync_all())
                    .with_context(|| format!("cannot write `{}`", shown.display()))?;
                Ok(Self(key))
            }
            Err(Errno::EXIST) => {
                // A concurrent run may have created the file and not yet written the key.
                let mut attempt = 0;
                loop {
                    match Self::read(&tree, &shown) {
                        Err(_) if attempt < 50 => {
                            attempt += 1;
                            std::thread::sleep(std::time::Duration::from_millis(20));
                        }
                        result => break result,
                    }
                }
            }
            Err(e) => Err(std::io::Error::from(e))
                .with_context(|| format!("cannot create `{}`", shown.display())),
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
}
