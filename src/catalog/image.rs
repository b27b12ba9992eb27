//! Image references: which image a component runs and which release it names, from the
//! catalog entry and the manifest's `image` / `version`.

use super::components::Entry;
use crate::version::Version;

/// The image to run and the release whose keys to render.
///
/// `version` alone picks the tag of the default image; `image` alone is used as given and its
/// tag names the release when it parses as one; with both, `image` runs and `version` names it.
pub(crate) fn image_and_version(
    entry: &Entry,
    image: Option<&str>,
    version: Option<&str>,
) -> (String, Version) {
    let pinned = Version::parse(entry.tag).expect("catalog tags are versions");
    let tag_for = |v: &str| {
        let bare = v.trim_start_matches('v');
        if entry.v_prefix {
            format!("v{bare}")
        } else {
            bare.to_string()
        }
    };
    match (image, version) {
        (Some(image), Some(version)) => {
            let image = if image_tag(image).is_some() {
                image.to_string()
            } else {
                format!("{image}:{}", tag_for(version))
            };
            (image, Version::parse(version).unwrap_or(pinned))
        }
        (Some(image), None) => {
            let version = image_tag(image).and_then(Version::parse).unwrap_or(pinned);
            let image = if image_tag(image).is_some() {
                image.to_string()
            } else {
                format!("{image}:{}", tag_for(entry.tag))
            };
            (image, version)
        }
        (None, Some(version)) => (
            format!("{}:{}", entry.repository, tag_for(version)),
            Version::parse(version).unwrap_or(pinned),
        ),
        (None, None) => (
            format!("{}:{}", entry.repository, tag_for(entry.tag)),
            pinned,
        ),
    }
}

/// An image reference split as Docker reads it, `name[:tag][@digest]`: a `:` before the last
/// `/` belongs to a registry's port (`host:5000/x` has no tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Registry, path and repository, as written (`registry:5000/prom/prometheus`).
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// `sha256:…` after an `@`.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> Self {
        let (rest, digest) = match image.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (image, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(colon) => (
                &rest[..last_slash + colon],
                Some(&rest[last_slash + colon + 1..]),
            ),
            None => (rest, None),
        };
        Self { name, tag, digest }
    }

    /// The repository as Docker names it in `RepoDigests`: without Docker Hub's implicit
    /// `docker.io/` and `library/` (`busybox`, `prom/prometheus`).
    pub fn repository(&self) -> &'a str {
        let name = self.name.strip_prefix("docker.io/").unwrap_or(self.name);
        name.strip_prefix("library/").unwrap_or(name)
    }
}

/// The tag of an image reference, if it has one (`host:5000/x` has none; `x@sha256:..` has none).
pub(crate) fn image_tag(image: &str) -> Option<&str> {
    ImageRef::parse(image).tag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::components::{entry, LOKI, PROMETHEUS};
    use crate::catalog::kind::Kind;

    #[test]
    fn version_picks_tag_with_the_images_style() {
        let prom = entry(&Kind::Prometheus);
        assert_eq!(
            image_and_version(&prom, None, None).0,
            "prom/prometheus:v3.14.0"
        );
        assert_eq!(
            image_and_version(&PROMETHEUS, None, Some("3.5.5")).0,
            "prom/prometheus:v3.5.5"
        );
        assert_eq!(
            image_and_version(&LOKI, None, Some("v3.6.0")).0,
            "grafana/loki:3.6.0"
        );
    }

    #[test]
    fn image_with_version_runs_image_and_renders_for_version() {
        let prom = entry(&Kind::Prometheus);
        let (image, version) = image_and_version(
            &prom,
            Some("stackctl-test/prometheus:local"),
            Some("2.42.0"),
        );
        assert_eq!(image, "stackctl-test/prometheus:local");
        assert_eq!(version, Version::new(2, 42, 0));
        let (image, version) =
            image_and_version(&prom, Some("registry:5000/prom/prometheus"), None);
        assert_eq!(image, "registry:5000/prom/prometheus:v3.14.0");
        assert_eq!(version, Version::new(3, 14, 0));
    }
}
