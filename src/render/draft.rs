//! The render in progress: files added so far (each parsed back), secrets, services, problems.
//!
//! This is the secret writer of render: a `Secret` becomes file contents only in `add_secret`
//! (a 0600 file under `secrets/`, still typed `Contents::Secret`, so no printing code can read
//! it) or, for a literal typed into the manifest, in `inline_literal`. A value from `${VAR}` can
//! only be a `Secret` (the loader refuses it in any other key), so no public file and no
//! diagnostic can hold one: nothing scans the output for secret text, which could neither see
//! escaped forms nor tell a secret from ordinary words.

use std::collections::BTreeMap;
use std::thread::JoinHandle;

use anyhow::Context as _;

use super::{RenderError, RenderedFile, RenderedStack};
use crate::manifest::{Diagnostic, LoadedManifest, ManifestError, Secret};
use crate::service::{SecretMount, ServiceSpec};

pub struct Draft {
    files: BTreeMap<String, RenderedFile>,
    /// Secret files each service needs, by service name.
    pub secret_mounts: BTreeMap<String, Vec<SecretMount>>,
    pub services: Vec<ServiceSpec>,
    pub problems: Vec<Diagnostic>,
    pub warnings: Vec<String>,
    /// The Swarm stack, when the engine is `swarm` (the swarm step).
    pub swarm: Option<super::swarm::StackFile>,
    pub user_dashboards: Vec<super::UserDashboard>,
    /// Values substituted from `${VAR}`, only to tell such a `Secret` from a literal one
    /// (`is_from_env`); never used to search rendered text.
    env_values: Vec<String>,
    /// Parse-backs of big YAML files running on another core while render goes on; `finish`
    /// waits for them.
    checking: Vec<JoinHandle<Result<(), String>>>,
}

/// A rendered YAML file at least this large is parsed back on a thread of its own (the
/// prometheus.yml of a thousand jobs, big rule files); smaller ones at once.
const CHECK_APART_BYTES: usize = 256 * 1024;

/// Where secret files appear inside a container.
pub(crate) const SECRETS_DIR: &str = "/run/secrets";

impl Draft {
    pub fn new(env_values: &[String]) -> Self {
        Self {
            files: BTreeMap::new(),
            secret_mounts: BTreeMap::new(),
            services: Vec::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            swarm: None,
            user_dashboards: Vec::new(),
            env_values: env_values.to_vec(),
            checking: Vec::new(),
        }
    }

    /// Adds a YAML file after checking that it parses. Only the parser's events are walked,
    /// nothing is built: proving the syntax needs no value tree. The big files (prometheus.yml
    /// with every target, rule files) are where render spends its time, so those are checked
    /// on another core while render goes on, and `finish` fails if one does not parse.
    pub(crate) fn add_yaml(&mut self, path: &str, text: String) -> anyhow::Result<()> {
        if text.len() >= CHECK_APART_BYTES {
            let (path, copy) = (path.to_string(), text.clone());
            self.checking
                .push(std::thread::spawn(move || check_yaml(&path, &copy)));
        } else {
            check_yaml(path, &text).map_err(anyhow::Error::msg)?;
        }
        self.add_text(path, text);
        Ok(())
    }

    /// Adds a JSON file after checking that it parses.
    pub(crate) fn add_json(&mut self, path: &str, text: String) -> anyhow::Result<()> {
        serde_json::from_str::<serde::de::IgnoredAny>(&text)
            .with_context(|| format!("rendered `{path}` is not valid JSON"))?;
        self.add_text(path, text);
        Ok(())
    }

    /// Adds a file in a format stackctl cannot parse back (Alloy's syntax); quote inputs with care.
    pub(crate) fn add_text(&mut self, path: &str, text: String) {
        self.files
            .insert(path.to_string(), RenderedFile::public(text));
    }

    /// Writes a secret for `service` into `secrets/<service>/<name>` (0600) and returns the path
    /// the program reads it from (`/run/secrets/<name>`).
    pub(crate) fn add_secret(
        &mut self,
        service: &str,
        name: &str,
        value: &Secret,
        uid: Option<u32>,
    ) -> String {
        let file = format!("secrets/{service}/{name}");
        self.files
            .insert(file.clone(), RenderedFile::secret(value.clone()));
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

    /// Whether `secret` holds a value substituted from a `${VAR}` reference (all of it or part).
    /// Errs toward `true`: its only use is to refuse inlining.
    pub(crate) fn is_from_env(&self, secret: &Secret) -> bool {
        self.env_values
            .iter()
            .any(|s| !s.is_empty() && secret.expose().contains(s.as_str()))
    }

    /// The text of a secret the operator typed into the manifest itself (no `${VAR}`), for a
    /// config key that has no `*_file` variant; `None` for a value from the environment.
    pub(crate) fn inline_literal<'s>(&self, secret: &'s Secret) -> Option<&'s str> {
        (!self.is_from_env(secret)).then(|| secret.expose())
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

    /// Ends the render: operator problems become a `ManifestError`; a rendered file that does
    /// not parse back is an internal error.
    pub(crate) fn finish(mut self, loaded: &LoadedManifest) -> Result<RenderedStack, RenderError> {
        for check in std::mem::take(&mut self.checking) {
            check
                .join()
                .unwrap_or_else(|_| Err("the YAML parse-back panicked".to_string()))
                .map_err(|e| RenderError::Internal(anyhow::Error::msg(e)))?;
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
            swarm: self.swarm,
            user_dashboards: self.user_dashboards,
        })
    }
}

/// Parses `text` back with the manifest's own YAML parser (granit, under serde-saphyr), walking
/// its events only; the error names the file and shows the text.
fn check_yaml(path: &str, text: &str) -> Result<(), String> {
    match serde_saphyr::granit_parser::Parser::new_from_str(text).find_map(Result::err) {
        Some(error) => Err(format!(
            "rendered `{path}` is not valid YAML: {error}\n{text}"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parse-back is a real check: broken YAML never becomes a rendered file.
    #[test]
    fn add_yaml_refuses_what_does_not_parse() {
        let mut draft = Draft::new(&[]);
        draft
            .add_yaml("ok.yml", "groups:\n  - name: a\n    rules: []\n".into())
            .unwrap();
        for broken in ["a: [1, 2\n", "a: b: c\n", "- a\nb: 1\n", "a: \"open\n"] {
            let error = draft
                .add_yaml("broken.yml", broken.into())
                .expect_err(broken)
                .to_string();
            assert!(
                error.contains("rendered `broken.yml` is not valid YAML"),
                "{error}"
            );
        }
        assert_eq!(draft.files.len(), 1);
    }

    /// A big file is checked on another thread; a broken one still fails the render, at `finish`.
    #[test]
    fn a_big_file_that_does_not_parse_fails_at_finish() {
        let loaded = crate::manifest::load_str(
            std::path::Path::new("stackctl.yaml"),
            "version: 1\nproject: p\ncomponents: {prometheus: {}}\n",
            &|_| None,
        )
        .unwrap();
        let big = "- a\n".repeat(CHECK_APART_BYTES / 4 + 1);
        let mut draft = Draft::new(&[]);
        draft.add_yaml("big.yml", big.clone()).unwrap();
        assert!(draft.finish(&loaded).is_ok());
        let mut draft = Draft::new(&[]);
        draft.add_yaml("big.yml", big + "b: [\n").unwrap();
        let error = draft
            .finish(&loaded)
            .expect_err("broken big file")
            .to_string();
        assert!(
            error.contains("rendered `big.yml` is not valid YAML"),
            "{error}"
        );
    }
}
