//! The one way stackctl writes a file that must appear whole: the rendered tree (through
//! `writer::tree`), the hash key, `stackctl.yaml`, `.env`, `stackctl.lock`, the schema and the
//! TLS pair. A new file is created 0600 beside its final name (so a secret is never readable by
//! others, even for a moment, whatever the umask or the mode of the file it replaces), written
//! whole, given its mode, flushed to disk, and only then renamed (or linked) into place: a
//! reader sees the old file or the new one, never half of one, and a crash leaves at most a
//! temporary file. A replaced file's mode never carries over: the new one has the mode asked.
//!
//! Files that only make sense together (a certificate and its key) are written as one new
//! directory that replaces the old one in a single rename (`replace_private_dir`).

use std::fs::File;
use std::io::Write as _;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rustix::fs::{AtFlags, Mode, OFlags, RenameFlags};
use rustix::io::Errno;

/// Prefix of a file being written; a crash leaves only these behind.
pub(crate) const TEMP_PREFIX: &str = ".stackctl-new-";

/// The mode every new file starts with, before it holds anything.
const PRIVATE: u32 = 0o600;
/// A private directory (`.stackctl/tls/`).
const PRIVATE_DIR: u32 = 0o700;

/// A file written in full beside its final name, waiting to be put in place.
pub struct Staged {
    dir: OwnedFd,
    temp: String,
    name: String,
}

/// Writes `contents` into a new file in `dir` (to become `name`), mode `mode`, flushed to
/// disk. `name` itself is untouched until `commit` or `link_new`.
pub fn stage(dir: OwnedFd, name: &str, contents: &[u8], mode: u32) -> std::io::Result<Staged> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let (temp, fd) = loop {
        let temp = temp_name();
        match rustix::fs::openat(&dir, temp.as_str(), flags, Mode::from_raw_mode(PRIVATE)) {
            Ok(fd) => break (temp, fd),
            Err(Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    };
    let staged = Staged {
        dir,
        temp,
        name: name.to_string(),
    };
    let written = (|| -> std::io::Result<()> {
        let mut file = File::from(fd);
        file.write_all(contents)?;
        rustix::fs::fchmod(&file, Mode::from_raw_mode(mode))?;
        file.sync_all()
    })();
    match written {
        Ok(()) => Ok(staged),
        Err(e) => {
            staged.discard();
            Err(e)
        }
    }
}

impl Staged {
    /// Renames the new file over its final name (atomic: a reader sees the old or the new one).
    /// On failure the new file is removed.
    pub fn commit(self) -> std::io::Result<()> {
        let renamed =
            rustix::fs::renameat(&self.dir, self.temp.as_str(), &self.dir, self.name.as_str());
        match renamed {
            Ok(()) => {
                let _ = rustix::fs::fsync(&self.dir);
                Ok(())
            }
            Err(e) => {
                self.discard();
                Err(e.into())
            }
        }
    }

    /// Links the new file to its final name only if that name is free, then drops the
    /// temporary name: `true` when this file took the name, `false` when one was already there
    /// (of two writers racing, the first wins and neither ever sees an empty file).
    pub(crate) fn link_new(self) -> std::io::Result<bool> {
        let linked = rustix::fs::linkat(
            &self.dir,
            self.temp.as_str(),
            &self.dir,
            self.name.as_str(),
            AtFlags::empty(),
        );
        let _ = rustix::fs::unlinkat(&self.dir, self.temp.as_str(), AtFlags::empty());
        match linked {
            Ok(()) => {
                let _ = rustix::fs::fsync(&self.dir);
                Ok(true)
            }
            Err(Errno::EXIST) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the new file (a failed write leaves nothing behind).
    pub(crate) fn discard(self) {
        let _ = rustix::fs::unlinkat(&self.dir, self.temp.as_str(), AtFlags::empty());
    }

    /// The directory the file goes into.
    pub fn dir(&self) -> &OwnedFd {
        &self.dir
    }

    /// The final name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Loses the new file before its commit, as a full disk or a vanished directory would:
    /// for tests of what a failed commit leaves.
    #[cfg(test)]
    pub(crate) fn lose(&self) {
        let _ = rustix::fs::unlinkat(&self.dir, self.temp.as_str(), AtFlags::empty());
    }
}

/// Replaces `path` with `text`, mode `mode`.
pub fn write(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    let (dir, name) = parent_and_name(path)?;
    let dir_fd = open_dir(&dir)?;
    stage(dir_fd, &name, text.as_bytes(), mode)
        .with_context(|| format!("cannot write `{}`", path.display()))?
        .commit()
        .with_context(|| format!("cannot move the new `{}` into place", path.display()))
}

/// `write`, keeping the owner and group of the file it replaces: a `.env` rewritten by
/// `sudo stackctl …` stays its user's. Where the new file cannot be given that owner (not
/// root), it keeps the writer's, as a plain write would.
pub(crate) fn write_keeping_owner(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    let owner = std::fs::metadata(path).ok().map(|m| (m.uid(), m.gid()));
    let (dir, name) = parent_and_name(path)?;
    let dir_fd = open_dir(&dir)?;
    let staged = stage(dir_fd, &name, text.as_bytes(), mode)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    if let Some((uid, gid)) = owner {
        let owned = rustix::fs::chownat(
            staged.dir(),
            staged.temp.as_str(),
            Some(rustix::fs::Uid::from_raw(uid)),
            Some(rustix::fs::Gid::from_raw(gid)),
            AtFlags::SYMLINK_NOFOLLOW,
        );
        match owned {
            Ok(()) | Err(Errno::PERM) => {}
            Err(e) => {
                staged.discard();
                return Err(std::io::Error::from(e))
                    .with_context(|| format!("cannot keep the owner of `{}`", path.display()));
            }
        }
    }
    staged
        .commit()
        .with_context(|| format!("cannot move the new `{}` into place", path.display()))
}

/// Replaces the directory `dir` (created 0700 with its parents when missing) by one holding
/// exactly `files`, each 0600, in one step: a reader finds the old set of files or the new one,
/// never a mix (a new key beside an old certificate). Whatever else the old directory held is
/// removed with it.
pub(crate) fn replace_private_dir(dir: &Path, files: &[(&str, &[u8])]) -> anyhow::Result<()> {
    let (parent, name) = parent_and_name(dir)?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR)
        .create(&parent)
        .with_context(|| format!("cannot create `{}`", parent.display()))?;
    let parent_fd = open_dir(&parent)?;
    let temp = temp_name();
    rustix::fs::mkdirat(&parent_fd, temp.as_str(), Mode::from_raw_mode(PRIVATE_DIR))
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot create a directory in `{}`", parent.display()))?;
    let filled = fill_private_dir(&parent_fd, &temp, files)
        .with_context(|| format!("cannot write the new `{}`", dir.display()))
        .and_then(|()| swap_in(&parent_fd, &temp, &name, dir));
    // The temporary name now holds the old directory, or the unfinished new one.
    remove_any(&parent.join(&temp));
    filled?;
    let _ = rustix::fs::fsync(&parent_fd);
    Ok(())
}

fn fill_private_dir(parent: &OwnedFd, temp: &str, files: &[(&str, &[u8])]) -> anyhow::Result<()> {
    let dir = open_dir_at(parent, temp)?;
    rustix::fs::fchmod(&dir, Mode::from_raw_mode(PRIVATE_DIR)).map_err(std::io::Error::from)?;
    for (name, contents) in files {
        let fd = dir.try_clone()?;
        stage(fd, name, contents, PRIVATE)?.commit()?;
    }
    Ok(())
}

/// Puts the directory `temp` in place of `name`: one exchange when `name` exists (the old one
/// is then at `temp`), else one rename.
fn swap_in(parent: &OwnedFd, temp: &str, name: &str, shown: &Path) -> anyhow::Result<()> {
    let exchanged = rustix::fs::renameat_with(parent, temp, parent, name, RenameFlags::EXCHANGE);
    let result = match exchanged {
        Err(Errno::NOENT) => rustix::fs::renameat(parent, temp, parent, name),
        // A file system without the exchange: move the old one aside first. In between there
        // is no directory, which reads as no pair (never half of one).
        Err(Errno::INVAL) | Err(Errno::NOSYS) | Err(Errno::NOTSUP) => {
            let aside = temp_name();
            match rustix::fs::renameat(parent, name, parent, aside.as_str()) {
                Ok(()) => match rustix::fs::renameat(parent, temp, parent, name) {
                    Ok(()) => rustix::fs::renameat(parent, aside.as_str(), parent, temp),
                    Err(e) => {
                        // The old directory goes back where it was rather than stay hidden.
                        let _ = rustix::fs::renameat(parent, aside.as_str(), parent, name);
                        Err(e)
                    }
                },
                Err(Errno::NOENT) => rustix::fs::renameat(parent, temp, parent, name),
                Err(e) => Err(e),
            }
        }
        other => other,
    };
    result
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot move the new `{}` into place", shown.display()))
}

/// Removes `path`, a directory tree or anything else, never following a link.
fn remove_any(path: &Path) {
    let _ = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    };
}

fn parent_and_name(path: &Path) -> anyhow::Result<(PathBuf, String)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("`{}` does not name a file", path.display()))?;
    Ok((dir, name.to_string()))
}

fn open_dir(path: &Path) -> anyhow::Result<OwnedFd> {
    rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(std::io::Error::from)
    .with_context(|| format!("cannot open the directory `{}`", path.display()))
}

fn open_dir_at(parent: impl AsFd, name: &str) -> std::io::Result<OwnedFd> {
    Ok(rustix::fs::openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

fn temp_name() -> String {
    format!("{TEMP_PREFIX}{:016x}", rand::random::<u64>())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    fn mode_of(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_with_the_mode_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "old").unwrap();
        write(&path, "new", 0o600).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode_of(&path), 0o600);
        assert_eq!(names(dir.path()), ["f"], "no temp file left");
    }

    #[test]
    fn a_replaced_files_looser_mode_does_not_carry_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "A=1\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&path, "A=1\nB=2\n", 0o600).unwrap();
        assert_eq!(mode_of(&path), 0o600);
    }

    #[test]
    fn a_symlink_in_the_files_place_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let path = dir.path().join("f");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write(&path, "new", 0o644).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode_of(&path), 0o644);
    }

    #[test]
    fn a_failed_commit_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "old").unwrap();
        let staged = stage(open_dir(dir.path()).unwrap(), "f", b"new", 0o600).unwrap();
        staged.lose();
        assert!(staged.commit().is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(names(dir.path()), ["f"]);
    }

    #[test]
    fn link_new_keeps_the_first_file_and_leaves_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let first = stage(open_dir(dir.path()).unwrap(), "k", b"first", 0o600).unwrap();
        let second = stage(open_dir(dir.path()).unwrap(), "k", b"second", 0o600).unwrap();
        assert!(first.link_new().unwrap());
        assert!(!second.link_new().unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("k")).unwrap(),
            "first"
        );
        assert_eq!(names(dir.path()), ["k"]);
    }

    #[test]
    fn a_private_dir_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join(".stackctl/tls");
        std::fs::create_dir_all(&tls).unwrap();
        std::fs::set_permissions(&tls, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(tls.join("tls.key"), "old key").unwrap();
        std::fs::set_permissions(tls.join("tls.key"), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        replace_private_dir(
            &tls,
            &[("tls.key", b"new key".as_slice()), ("tls.crt", b"new cert")],
        )
        .unwrap();
        assert_eq!(names(&tls), ["tls.crt", "tls.key"]);
        assert_eq!(
            std::fs::read_to_string(tls.join("tls.key")).unwrap(),
            "new key"
        );
        assert_eq!(mode_of(&tls), 0o700);
        assert_eq!(mode_of(&tls.join("tls.key")), 0o600);
        assert_eq!(mode_of(&tls.join("tls.crt")), 0o600);
        assert_eq!(
            names(&dir.path().join(".stackctl")),
            ["tls"],
            "nothing left aside"
        );
        // And created from nothing.
        let fresh = dir.path().join("elsewhere/tls");
        replace_private_dir(&fresh, &[("tls.key", b"k".as_slice())]).unwrap();
        assert_eq!(mode_of(&fresh), 0o700);
        assert_eq!(names(&fresh), ["tls.key"]);
    }

    /// `.env` rewritten by root (`sudo stackctl deploy`) stays its user's, at 0600.
    #[test]
    fn a_rewrite_keeps_the_owner_of_the_file_it_replaces() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        if std::fs::metadata(dir.path()).unwrap().uid() != 0 {
            println!("SKIP: giving a file another owner needs root");
            return;
        }
        let path = dir.path().join(".env");
        std::fs::write(&path, "A=1\n").unwrap();
        rustix::fs::chown(
            &path,
            Some(rustix::fs::Uid::from_raw(4321)),
            Some(rustix::fs::Gid::from_raw(4322)),
        )
        .unwrap();
        write_keeping_owner(&path, "A=1\nB=2\n", 0o600).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
        assert_eq!(meta.mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "A=1\nB=2\n");
        // A file that did not exist gets the writer's owner.
        let fresh = dir.path().join("fresh");
        write_keeping_owner(&fresh, "x", 0o600).unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().uid(), 0);
    }
}
