//! Where each key path of the manifest is written (`scrape[2].timeout` → line:column).
//!
//! Filled while the manifest is parsed (see `typed`), from the parser's own spans: there is no
//! second parse to find positions. `validate` and `render` address problems by key path; the
//! loader turns a path into a location here.

use std::collections::HashMap;

use super::diagnostic::Location;

#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Scalars: the value. Mappings and sequences written below their key: the key.
    values: HashMap<String, Location>,
    /// Where the key itself is written (`components.prometeus` → the `prometeus` text).
    keys: HashMap<String, Location>,
}

impl Positions {
    /// The location of the value at `path`, or of its nearest ancestor that has one.
    /// An empty path means the whole file: it has no location.
    pub fn find(&self, path: &str) -> Option<Location> {
        let mut path = path;
        while !path.is_empty() {
            if let Some(at) = self.values.get(path).or_else(|| self.keys.get(path)) {
                return Some(*at);
            }
            path = path.rfind(['.', '[']).map_or("", |cut| &path[..cut]);
        }
        None
    }

    /// Where the key of `path` is written, else where its value (or an ancestor) is.
    pub(crate) fn find_key(&self, path: &str) -> Option<Location> {
        self.keys.get(path).copied().or_else(|| self.find(path))
    }

    /// Whether the file writes a key or value at exactly `path`.
    pub fn has(&self, path: &str) -> bool {
        self.values.contains_key(path) || self.keys.contains_key(path)
    }

    /// Records (or corrects) where the value at `path` is.
    pub fn insert(&mut self, path: String, location: Location) {
        self.values.insert(path, location);
    }

    pub(super) fn insert_if_absent(&mut self, path: String, location: Location) {
        self.values.entry(path).or_insert(location);
    }

    /// Where exactly `path` is (the empty path: where the file's first key is).
    pub(super) fn at(&self, path: &str) -> Option<Location> {
        self.values.get(path).copied()
    }

    pub(super) fn insert_key(&mut self, path: String, location: Location) {
        self.keys.entry(path).or_insert(location);
    }

    pub(super) fn key(&self, path: &str) -> Option<Location> {
        self.keys.get(path).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        let mut positions = Positions::default();
        let at = |line| Location { line, column: 3 };
        positions.insert("scrape[0]".into(), at(7));
        positions.insert_key("scrape".into(), at(6));
        positions.insert("scrape[0].job".into(), at(8));
        assert_eq!(positions.find("scrape[0].job"), Some(at(8)));
        assert_eq!(positions.find("scrape[0].timeout"), Some(at(7)));
        assert_eq!(positions.find("scrape[3]"), Some(at(6)));
        assert_eq!(positions.find("labels.x"), None);
        assert_eq!(positions.find(""), None);
        assert_eq!(positions.find_key("scrape"), Some(at(6)));
        assert!(positions.has("scrape") && !positions.has("scrape[1]"));
    }
}
