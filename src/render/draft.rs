//! The render in progress: files added so far (each parsed back), secrets, services, problems.

use std::collections::BTreeMap;

use anyhow::Context as _;

use super::{RenderError, RenderedStack};
use crate::manifest::{Diagnostic, LoadedManifest, ManifestError, Secret};
use crate::service::{SecretMount, ServiceSpec};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// 0644: config files a container reads.
    Public,
    /// 0600, under `secrets/`.
    Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub contents: String,
    pub mode: FileMode,
}

pub struct Draft {
    files: BTreeMap<String, RenderedFile>,
    /// Secret files each service needs, by service name.
    pub secret_mounts: BTreeMap<String, Vec<SecretMount>>,
    pub services: Vec<ServiceSpec>,
    pub problems: Vec<Diagnostic>,
    pub warnings: Vec<String>,
    secret_values: Vec<String>,
}

/// Where secret files appear inside a container.
pub const SECRETS_DIR: &str = "/run/secrets";

impl Draft {
    pub fn new(secret_values: &[String]) -> Self {
        Self {
            files: BTreeMap::new(),
            secret_mounts: BTreeMap::new(),
            services: Vec::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            secret_values: secret_values.to_vec(),
        }
    }

    /// Adds a YAML file after checking that it parses.
    pub fn add_yaml(&mut self, path: &str, text: String) -> anyhow::Result<()> {
        serde_yaml::from_str::<serde_yaml::Value>(&text)
            .with_context(|| format!("rendered `{path}` is not valid YAML:\n{text}"))?;
        self.add_text(path, text);
        Ok(())
    }

    /// Adds a JSON file after checking that it parses.
    pub fn add_json(&mut self, path: &str, text: String) -> anyhow::Result<()> {
        serde_json::from_str::<serde_json::Value>(&text)
            .with_context(|| format!("rendered `{path}` is not valid JSON"))?;
        self.add_text(path, text);
        Ok(())
    }

    /// Adds a file in a format stackctl cannot parse back (Alloy's syntax); quote inputs with care.
    pub fn add_text(&mut self, path: &str, text: String) {
        self.files.insert(
            path.to_string(),
            RenderedFile {
                contents: text,
                mode: FileMode::Public,
            },
        );
    }

    /// Writes a secret for `service` into `secrets/<service>/<name>` (0600) and returns the path
    /// the program reads it from (`/run/secrets/<name>`).
    pub fn add_secret(
        &mut self,
        service: &str,
        name: &str,
        value: &Secret,
        uid: Option<u32>,
    ) -> String {
        let file = format!("secrets/{service}/{name}");
        self.files.insert(
            file.clone(),
            RenderedFile {
                contents: value.expose().to_string(),
                mode: FileMode::Secret,
            },
        );
        let mounts = self.secret_mounts.entry(service.to_string()).or_default();
        if !mounts.iter().any(|m| m.name == name) {
            mounts.push(SecretMount {
                name: name.to_string(),
                file,
                uid,
            });
        }
        format!("{SECRETS_DIR}/{name}")
    }

    /// Whether `value` is, or contains, a value substituted from a `${VAR}` reference: such a
    /// value must reach a program through a secret file, never through a public config file.
    pub fn is_secret_value(&self, value: &str) -> bool {
        self.secret_values
            .iter()
            .any(|s| !s.is_empty() && value.contains(s.as_str()))
    }

    pub fn files(&self) -> &BTreeMap<String, RenderedFile> {
        &self.files
    }

    pub fn file(&self, path: &str) -> Option<&RenderedFile> {
        self.files.get(path)
    }

    pub fn problem(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    pub fn warn(&mut self, warning: impl Into<String>) {
        self.warnings.push(warning.into());
    }

    /// Ends the render: operator problems become a `ManifestError`; a secret value found in a
    /// public file is refused.
    pub fn finish(mut self, loaded: &LoadedManifest) -> Result<RenderedStack, RenderError> {
        for (path, file) in &self.files {
            if file.mode == FileMode::Public {
                for secret in self.secret_values.iter().filter(|s| s.len() >= 6) {
                    if file.contents.contains(secret.as_str()) {
                        self.problems.push(
                            Diagnostic::new(
                                "",
                                format!("a value from a `${{VAR}}` reference would be written into `{path}`, which is world-readable"),
                            )
                            .hint("use `${VAR}` only in secret fields (passwords, tokens, webhook URLs), which stackctl writes to `secrets/`"),
                        );
                    }
                }
            }
        }
        if !self.problems.is_empty() {
            for problem in &mut self.problems {
                if problem.location.is_none() {
                    problem.location = loaded.positions.find(&problem.path);
                }
            }
            return Err(RenderError::Invalid(ManifestError {
                file: loaded.path.clone(),
                source_text: loaded.source.clone(),
                problems: self.problems,
            }));
        }
        Ok(RenderedStack {
            files: self.files,
            services: self.services,
            warnings: self.warnings,
        })
    }
}
