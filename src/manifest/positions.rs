//! Where each key of the manifest sits in the file: key path (`scrape[2].timeout`) → line:column.

use std::collections::HashMap;

use super::diagnostic::Location;

#[derive(Debug, Clone, Default)]
pub struct Positions {
    by_path: HashMap<String, Location>,
}

impl Positions {
    /// The location of the value at `path`, or of its nearest ancestor that has one.
    pub fn find(&self, path: &str) -> Option<Location> {
        let mut path = path;
        loop {
            if let Some(loc) = self.by_path.get(path) {
                return Some(*loc);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }

    pub fn insert(&mut self, path: String, location: Location) {
        self.by_path.insert(path, location);
    }
}
