//! The rendered files as they were before a write, kept in memory so a rejected reload can put
//! them back (`restore`) and the programs can be reloaded onto the config they accepted before.

use std::collections::BTreeMap;
use std::path::Path;

use crate::render::{RenderedFile, RenderedStack};
use crate::writer;

pub(crate) struct Backup {
    pub files: BTreeMap<String, RenderedFile>,
}

impl Backup {
    /// Reads every file the last render wrote (the writer's file list); empty on a first deploy.
    pub fn take(out_dir: &Path) -> anyhow::Result<Self> {
        let list = match fs_err::read_to_string(out_dir.join(writer::FILE_LIST)) {
            Ok(list) => list,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e.into()),
        };
        let mut files = BTreeMap::new();
        for path in list.lines().filter(|l| !l.is_empty()) {
            let Ok(contents) = fs_err::read_to_string(out_dir.join(path)) else {
                continue;
            };
            files.insert(path.to_string(), RenderedFile::from_disk(path, contents));
        }
        Ok(Self { files })
    }

    /// No backup: nothing to restore.
    pub fn empty() -> Self {
        Self {
            files: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes the saved files back (atomically, per file) and removes files added since.
    pub fn restore(&self, out_dir: &Path) -> anyhow::Result<()> {
        let stack = RenderedStack {
            files: self.files.clone(),
            ..Default::default()
        };
        writer::write(&stack, out_dir)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restores_the_files_of_the_previous_render() {
        let dir = tempfile::tempdir().unwrap();
        let file = RenderedFile::public;
        let old = RenderedStack {
            files: BTreeMap::from([("prometheus/prometheus.yml".to_string(), file("old"))]),
            ..Default::default()
        };
        writer::write(&old, dir.path()).unwrap();
        let backup = Backup::take(dir.path()).unwrap();
        let new = RenderedStack {
            files: BTreeMap::from([
                ("prometheus/prometheus.yml".to_string(), file("new")),
                ("prometheus/rules/x.yml".to_string(), file("groups: []")),
            ]),
            ..Default::default()
        };
        writer::write(&new, dir.path()).unwrap();
        backup.restore(dir.path()).unwrap();
        let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).ok();
        assert_eq!(read("prometheus/prometheus.yml").as_deref(), Some("old"));
        assert_eq!(read("prometheus/rules/x.yml"), None);
    }
}
