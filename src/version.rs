//! Release numbers of components (`v3.14.0`, `3.7.6`) and comparisons, to decide which keys exist.

use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// Parses `3.14.0`, `v3.14.0`, `3.14`, `2.42.0+ds`, `1.18.1-rc.3`; `None` for `latest`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches('v');
        let core = text.split(['-', '+', '_']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            major,
            minor,
            patch,
        })
    }

    pub(crate) fn at_least(&self, major: u64, minor: u64, patch: u64) -> bool {
        *self >= Version::new(major, minor, patch)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags() {
        assert_eq!(Version::parse("v3.14.0"), Some(Version::new(3, 14, 0)));
        assert_eq!(Version::parse("2.42.0+ds"), Some(Version::new(2, 42, 0)));
        assert_eq!(Version::parse("0.25"), Some(Version::new(0, 25, 0)));
        assert_eq!(Version::parse("1.19.0-rc.3"), Some(Version::new(1, 19, 0)));
        assert_eq!(Version::parse("latest"), None);
        assert!(Version::new(0, 26, 0).at_least(0, 26, 0));
        assert!(!Version::new(0, 25, 9).at_least(0, 26, 0));
    }
}
