//! The output directory as a tree of open directory handles: every path below the root is
//! resolved one component at a time with `O_NOFOLLOW`, so no write, rename or removal ever goes
//! through a symbolic link planted inside the output directory (a link to `/etc` stays a link).
//!
//! Only the root itself is opened by path: it is the operator's own `--out` (or `rendered/`).
//! Nothing here decides what to write; `writer` does.

use std::fs::File;
use std::io::Read as _;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rustix::fs::{AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;

use crate::atomic_file;
pub use crate::atomic_file::Staged;

/// Rendered directories: 0755 whatever the umask (a shared host may run with umask 000).
pub(crate) const DIR_MODE: u32 = 0o755;
/// `secrets/` and everything below it.
pub(crate) const SECRET_DIR_MODE: u32 = 0o700;

/// Prefix of the hard link that keeps a replaced file until the whole switch succeeded.
const OLD_PREFIX: &str = ".stackctl-old-";

pub(crate) struct Tree {
    root: OwnedFd,
    path: PathBuf,
}

/// What is at a path now.
pub(crate) enum Existing {
    Missing,
    File {
        contents: Vec<u8>,
        mode: u32,
    },
    Directory,
    /// A symlink, FIFO, socket or device: replaced by the rename, never opened or followed.
    Other,
}

/// A file renamed into place whose previous version (if any) is still kept under a hard link,
/// so the switch of the whole tree can be undone until it has succeeded.
pub(crate) struct Committed {
    dir: OwnedFd,
    name: String,
    /// The link to the replaced file; `None` when the name was new.
    old: Option<String>,
}

impl Tree {
    /// Opens `path`, creating it (and missing parents) 0755 first.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(DIR_MODE)
                .create(path)
                .with_context(|| {
                    format!("cannot create the output directory `{}`", path.display())
                })?;
            set_path_mode(path, DIR_MODE)?;
        }
        let root = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot open the output directory `{}`", path.display()))?;
        Ok(Self {
            root,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown(&self, rel: &str) -> String {
        self.path.join(rel).display().to_string()
    }

    /// What is at `rel` now. A directory component that is a symlink (or not a directory) is an
    /// error: stackctl would otherwise read or write through it.
    pub fn existing(&self, rel: &str) -> anyhow::Result<Existing> {
        let (parents, name) = split(rel);
        let Some(dir) = self.walk(&parents, None)? else {
            return Ok(Existing::Missing);
        };
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(&dir, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(Existing::Missing),
            Err(Errno::LOOP) | Err(Errno::NXIO) => return Ok(Existing::Other),
            Err(e) => {
                return Err(std::io::Error::from(e))
                    .with_context(|| format!("cannot read `{}`", self.shown(rel)))
            }
        };
        let stat = rustix::fs::fstat(&fd).map_err(std::io::Error::from)?;
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => {
                let mut contents = Vec::new();
                File::from(fd)
                    .read_to_end(&mut contents)
                    .with_context(|| format!("cannot read `{}`", self.shown(rel)))?;
                Ok(Existing::File {
                    contents,
                    mode: stat.st_mode & 0o777,
                })
            }
            FileType::Directory => Ok(Existing::Directory),
            _ => Ok(Existing::Other),
        }
    }

    /// Writes `contents` into a new file beside `rel` (creating its directories), mode `mode`,
    /// flushed to disk (`atomic_file::stage`: 0600 until it is whole). `rel` itself is
    /// untouched until `commit`. Staged names start with `atomic_file::TEMP_PREFIX`, which no
    /// rendered name does.
    pub fn stage(&self, rel: &str, contents: &[u8], mode: u32) -> anyhow::Result<Staged> {
        let (parents, name) = split(rel);
        let dir = self
            .walk(&parents, Some(rel))?
            .expect("walk with create always returns a directory");
        atomic_file::stage(dir, name, contents, mode)
            .with_context(|| format!("cannot write `{}`", self.shown(rel)))
    }

    /// Renames a staged file over its final name (atomic: a reader sees the old or the new file).
    pub fn commit(&self, staged: Staged) -> anyhow::Result<()> {
        let name = staged.name().to_string();
        staged
            .commit()
            .with_context(|| format!("cannot move the new `{}` into place", self.shown(&name)))
    }

    /// Like `commit`, but first keeps the file it replaces under a hard link beside it, so that
    /// `Committed::undo` can put it back.
    pub(crate) fn commit_undoable(&self, staged: Staged) -> anyhow::Result<Committed> {
        let stat = rustix::fs::statat(staged.dir(), staged.name(), AtFlags::SYMLINK_NOFOLLOW);
        let old = match stat {
            Ok(s) if FileType::from_raw_mode(s.st_mode) == FileType::RegularFile => {
                let link = format!("{OLD_PREFIX}{:016x}", rand::random::<u64>());
                let linked = rustix::fs::linkat(
                    staged.dir(),
                    staged.name(),
                    staged.dir(),
                    link.as_str(),
                    AtFlags::empty(),
                );
                if let Err(e) = linked {
                    let name = staged.name().to_string();
                    staged.discard();
                    return Err(std::io::Error::from(e))
                        .with_context(|| format!("cannot keep the old `{name}` for the switch"));
                }
                Some(link)
            }
            _ => None,
        };
        let dir = staged
            .dir()
            .try_clone()
            .context("cannot duplicate a directory handle")?;
        let name = staged.name().to_string();
        if let Err(e) = self.commit(staged) {
            if let Some(link) = &old {
                let _ = rustix::fs::unlinkat(&dir, link.as_str(), AtFlags::empty());
            }
            return Err(e);
        }
        Ok(Committed { dir, name, old })
    }

    /// Sets the mode of the existing regular file `rel` (never through a link).
    pub(crate) fn set_mode(&self, rel: &str, mode: u32) -> anyhow::Result<()> {
        let (parents, name) = split(rel);
        let dir = self.walk(&parents, None)?.context("directory vanished")?;
        let fd = rustix::fs::openat(
            &dir,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot open `{}`", self.shown(rel)))?;
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode))
            .map_err(std::io::Error::from)
            .with_context(|| format!("cannot set the mode of `{}`", self.shown(rel)))?;
        Ok(())
    }

    /// Deletes the file `rel` and the directories it leaves empty. A path through a symlink,
    /// or one that is no longer a plain file, is left alone: `false`.
    pub(crate) fn remove_stale(&self, rel: &str) -> anyhow::Result<bool> {
        let (parents, name) = split(rel);
        let mut chain: Vec<OwnedFd> = Vec::new();
        for part in &parents {
            let parent = chain.last().map_or(self.root.as_fd(), |d| d.as_fd());
            match open_dir(parent, part) {
                Ok(fd) => chain.push(fd),
                Err(_) => return Ok(false), // missing, or a link: nothing of ours there
            }
        }
        let dir = chain.last().map_or(self.root.as_fd(), |d| d.as_fd());
        match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) if FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile => {}
            _ => return Ok(false),
        }
        rustix::fs::unlinkat(dir, name, AtFlags::empty())
            .map_err(std::io::Error::from)
            .with_context(|| format!("cannot remove `{}`", self.shown(rel)))?;
        // Climb while directories are empty; a non-empty one ends the climb.
        for part in parents.iter().rev() {
            chain.pop();
            let parent = chain.last().map_or(self.root.as_fd(), |d| d.as_fd());
            if rustix::fs::unlinkat(parent, *part, AtFlags::REMOVEDIR).is_err() {
                break;
            }
        }
        Ok(true)
    }

    /// Opens the directories `parts` below the root without following links. With `creating`
    /// (the rendered path, for messages), missing ones are made; else a missing one is `None`.
    fn walk(&self, parts: &[&str], creating: Option<&str>) -> anyhow::Result<Option<OwnedFd>> {
        let mut dir: Option<OwnedFd> = None;
        for (i, part) in parts.iter().enumerate() {
            let shown = self.shown(&parts[..=i].join("/"));
            let parent = dir.as_ref().map_or(self.root.as_fd(), |d| d.as_fd());
            let mode = if parts[0] == "secrets" {
                SECRET_DIR_MODE
            } else {
                DIR_MODE
            };
            let next = match open_dir(parent, part) {
                Ok(fd) => fd,
                Err(Errno::NOENT) if creating.is_some() => {
                    match rustix::fs::mkdirat(parent, *part, Mode::from_raw_mode(mode)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => {
                            return Err(std::io::Error::from(e))
                                .with_context(|| format!("cannot create `{shown}`"))
                        }
                    }
                    let fd = open_dir(parent, part)
                        .map_err(std::io::Error::from)
                        .with_context(|| format!("cannot open `{shown}`"))?;
                    rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode))
                        .map_err(std::io::Error::from)?;
                    fd
                }
                Err(Errno::NOENT) => return Ok(None),
                Err(Errno::LOOP) | Err(Errno::NOTDIR) => {
                    let what = match rustix::fs::statat(parent, *part, AtFlags::SYMLINK_NOFOLLOW) {
                        Ok(s) if FileType::from_raw_mode(s.st_mode) == FileType::Symlink => {
                            "a symbolic link"
                        }
                        _ => "not a directory",
                    };
                    anyhow::bail!(
                        "cannot write `{}`: `{shown}` is {what}\n  hint: stackctl never writes through links inside its output directory; remove `{shown}` and render again",
                        creating.unwrap_or(&parts.join("/"))
                    );
                }
                Err(e) => {
                    return Err(std::io::Error::from(e))
                        .with_context(|| format!("cannot open `{shown}`"))
                }
            };
            if mode == SECRET_DIR_MODE && creating.is_some() {
                rustix::fs::fchmod(&next, Mode::from_raw_mode(mode))
                    .map_err(std::io::Error::from)
                    .with_context(|| format!("cannot set the mode of `{shown}`"))?;
            }
            dir = Some(next);
        }
        match dir {
            Some(d) => Ok(Some(d)),
            None => Ok(Some(
                self.root
                    .try_clone()
                    .context("cannot duplicate the output directory handle")?,
            )),
        }
    }

    pub fn root(&self) -> &OwnedFd {
        &self.root
    }
}

impl Committed {
    /// The switch succeeded: drops the kept old version.
    pub fn keep(self) {
        if let Some(link) = &self.old {
            let _ = rustix::fs::unlinkat(&self.dir, link.as_str(), AtFlags::empty());
        }
    }

    /// The switch failed: puts the old version back (renamed over the new one, atomically), or
    /// removes the new file when there was none.
    pub(crate) fn undo(self) {
        let _ = match &self.old {
            Some(link) => {
                rustix::fs::renameat(&self.dir, link.as_str(), &self.dir, self.name.as_str())
            }
            None => rustix::fs::unlinkat(&self.dir, self.name.as_str(), AtFlags::empty()),
        };
    }
}

fn open_dir(parent: impl AsFd, name: &str) -> Result<OwnedFd, Errno> {
    rustix::fs::openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

fn split(rel: &str) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let name = parts.pop().unwrap_or_default();
    (parts, name)
}

fn set_path_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    rustix::fs::chmodat(CWD, path, Mode::from_raw_mode(mode), AtFlags::empty())
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot set the mode of `{}`", path.display()))
}
