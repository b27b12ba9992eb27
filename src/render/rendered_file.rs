//! One rendered file: public text, or a secret that no printing code can read.
//!
//! A secret file's contents stay a `Secret` from the manifest to the disk: render, plan, diff,
//! dry-run and every error see a `Contents::Secret`, whose `Debug` and `Display` show only
//! `<secret: N bytes>`, and `text()` gives them nothing. The bytes come out only through
//! `expose()`, which the 0600 writer, the copies into containers and Swarm secrets, and the
//! config hash call (and nothing that prints). The mode follows from the contents, so a secret
//! can never be written world-readable by a mismatched flag.

use std::fmt;

use crate::manifest::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// 0644: config files a container reads.
    Public,
    /// 0600, under `secrets/`.
    Secret,
}

/// What a rendered file holds.
#[derive(Clone, PartialEq, Eq)]
pub enum Contents {
    Text(String),
    Secret(Secret),
}

impl Contents {
    /// The text of a public file; `None` for a secret.
    pub fn text(&self) -> Option<&str> {
        match self {
            Contents::Text(text) => Some(text),
            Contents::Secret(_) => None,
        }
    }

    /// The contents, secret or not. Call only to write them to a 0600 file, copy them into a
    /// container or a Swarm secret, or hash them under the project's key: never to show them.
    pub fn expose(&self) -> &str {
        match self {
            Contents::Text(text) => text,
            Contents::Secret(secret) => secret.expose(),
        }
    }

    pub fn len(&self) -> usize {
        self.expose().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Public text as it is; a secret as its size only.
impl fmt::Display for Contents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contents::Text(text) => f.write_str(text),
            Contents::Secret(_) => write!(f, "<secret: {} bytes>", self.len()),
        }
    }
}

impl fmt::Debug for Contents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contents::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Contents::Secret(_) => write!(f, "Secret(<{} bytes>)", self.len()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub contents: Contents,
}

impl RenderedFile {
    /// A config file a container reads (0644).
    pub fn public(text: impl Into<String>) -> Self {
        Self {
            contents: Contents::Text(text.into()),
        }
    }

    /// A secret file (0600 under `secrets/`).
    pub fn secret(value: Secret) -> Self {
        Self {
            contents: Contents::Secret(value),
        }
    }

    /// A file read back from the output directory, typed by where it lives: everything under
    /// `secrets/` is a secret.
    pub(crate) fn from_disk(path: &str, text: String) -> Self {
        if path.starts_with("secrets/") {
            Self::secret(Secret::new(text))
        } else {
            Self::public(text)
        }
    }

    /// A file of the same kind as `self` holding `text` (a file read back for comparison).
    pub fn like(&self, text: String) -> Self {
        match self.mode() {
            FileMode::Public => Self::public(text),
            FileMode::Secret => Self::secret(Secret::new(text)),
        }
    }

    pub fn mode(&self) -> FileMode {
        match self.contents {
            Contents::Text(_) => FileMode::Public,
            Contents::Secret(_) => FileMode::Secret,
        }
    }

    /// The text of a public file; `None` for a secret.
    pub fn text(&self) -> Option<&str> {
        self.contents.text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_file_shows_only_its_size() {
        let file = RenderedFile::secret(Secret::new("hunter22"));
        assert_eq!(file.mode(), FileMode::Secret);
        assert_eq!(file.text(), None);
        assert_eq!(file.contents.to_string(), "<secret: 8 bytes>");
        let debug = format!("{file:?}");
        assert!(!debug.contains("hunter22"), "{debug}");
        assert!(debug.contains("8 bytes"), "{debug}");
        assert_eq!(file.contents.expose(), "hunter22");
    }

    #[test]
    fn a_rendered_stack_never_shows_a_secret_whole_or_in_part() {
        let manifest = "version: 1\nproject: t\ncomponents:\n  prometheus: {}\n  grafana: {admin_password: \"${GPW}\"}\n";
        let env = |name: &str| (name == "GPW").then(|| "pw-Zq81-secret".to_string());
        let loaded =
            crate::manifest::load_str(std::path::Path::new("stackctl.yaml"), manifest, &env)
                .unwrap();
        let stack = crate::render::render(&loaded, &crate::render::Templates::embedded()).unwrap();
        let secrets: Vec<&RenderedFile> = stack
            .files
            .values()
            .filter(|f| f.contents.expose() == "pw-Zq81-secret")
            .collect();
        assert_eq!(secrets.len(), 1, "the password is in one file");
        assert_eq!(secrets[0].mode(), FileMode::Secret);
        assert_eq!(secrets[0].text(), None);
        let shown = format!("{stack:?}");
        assert!(!shown.contains("Zq81"), "{shown}");
        for (path, file) in &stack.files {
            if let Some(text) = file.text() {
                assert!(!text.contains("Zq81"), "{path}");
            }
        }
    }

    #[test]
    fn a_public_file_shows_its_text() {
        let file = RenderedFile::public("a: 1\n");
        assert_eq!(file.mode(), FileMode::Public);
        assert_eq!(file.text(), Some("a: 1\n"));
        assert_eq!(file.contents.to_string(), "a: 1\n");
    }

    #[test]
    fn files_read_back_are_typed_by_their_place() {
        let cases = [
            ("secrets/grafana/admin_password", FileMode::Secret),
            ("grafana/grafana.ini", FileMode::Public),
            ("prometheus/secrets.yml", FileMode::Public),
        ];
        for (path, mode) in cases {
            assert_eq!(
                RenderedFile::from_disk(path, "x".into()).mode(),
                mode,
                "{path}"
            );
        }
    }
}
