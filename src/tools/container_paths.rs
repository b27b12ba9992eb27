//! Container paths in rendered configs, mapped back onto the host for local checkers.
//!
//! prometheus.yml names its rule files `/etc/prometheus/rules/*.yml` and its secrets
//! `/run/secrets/<name>`: paths inside the container. A local `promtool` cannot see those, so
//! `validate` writes a copy of the config whose file paths (`rule_files`, `scrape_config_files`,
//! `files`, `templates`, every `*_file` key) point at the same files in its work directory.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_yaml::Value;

/// Keys whose value is a list of file paths or globs.
const LIST_KEYS: &[&str] = &["rule_files", "scrape_config_files", "files", "templates"];

/// Container directory prefixes and the host directories holding the same files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathMap {
    entries: Vec<(String, PathBuf)>,
}

impl PathMap {
    /// The layout every service uses: `<work>/<config_dir>` is mounted at `container_dir`, and
    /// `<work>/secrets/<service>/` at `/run/secrets/`.
    pub(crate) fn for_service(
        work: &Path,
        service: &str,
        config_dir: &str,
        container_dir: &str,
    ) -> Self {
        let container_dir = container_dir.trim_end_matches('/');
        Self {
            entries: vec![
                (format!("{container_dir}/"), work.join(config_dir)),
                (
                    format!("{}/", crate::render::draft::SECRETS_DIR),
                    work.join("secrets").join(service),
                ),
            ],
        }
    }

    /// The host path of a container path, when it lies under a mapped directory.
    pub(crate) fn to_host(&self, container_path: &str) -> Option<String> {
        self.entries.iter().find_map(|(prefix, host)| {
            container_path
                .strip_prefix(prefix.as_str())
                .map(|rest| host.join(rest).to_string_lossy().to_string())
        })
    }

    /// The config text with every file path key pointing at the host copy.
    pub(crate) fn rewrite_yaml(&self, text: &str) -> anyhow::Result<String> {
        let mut value: Value =
            serde_yaml::from_str(text).context("the rendered file is not YAML")?;
        self.rewrite(&mut value);
        serde_yaml::to_string(&value).context("cannot write the local-check copy")
    }

    fn rewrite(&self, value: &mut Value) {
        match value {
            Value::Mapping(map) => {
                for (key, item) in map.iter_mut() {
                    let key = key.as_str().unwrap_or_default();
                    if key.ends_with("_file") {
                        self.rewrite_string(item);
                    } else if LIST_KEYS.contains(&key) {
                        if let Value::Sequence(items) = item {
                            items.iter_mut().for_each(|i| self.rewrite_string(i));
                        }
                    }
                    self.rewrite(item);
                }
            }
            Value::Sequence(items) => items.iter_mut().for_each(|i| self.rewrite(i)),
            _ => {}
        }
    }

    fn rewrite_string(&self, value: &mut Value) {
        if let Some(host) = value.as_str().and_then(|s| self.to_host(s)) {
            *value = Value::String(host);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> PathMap {
        PathMap::for_service(
            Path::new("/tmp/w"),
            "prometheus",
            "prometheus",
            "/etc/prometheus",
        )
    }

    #[test]
    fn maps_container_paths_under_mounted_dirs_only() {
        for (container, host) in [
            (
                "/etc/prometheus/rules/*.yml",
                Some("/tmp/w/prometheus/rules/*.yml"),
            ),
            (
                "/run/secrets/remote_write_password",
                Some("/tmp/w/secrets/prometheus/remote_write_password"),
            ),
            ("/etc/prometheusX/a", None),
            ("rules/relative.yml", None),
        ] {
            assert_eq!(map().to_host(container).as_deref(), host, "{container}");
        }
    }

    #[test]
    fn rewrites_rule_files_and_file_keys_but_not_other_strings() {
        let text = "rule_files: [/etc/prometheus/rules/*.yml]\nscrape_configs:\n- job_name: x\n  \
                    basic_auth: {username: u, password_file: /run/secrets/p}\n  \
                    static_configs: [{targets: [a:1], labels: {path: /etc/prometheus/x}}]\n";
        let out: Value = serde_yaml::from_str(&map().rewrite_yaml(text).unwrap()).unwrap();
        assert_eq!(out["rule_files"][0], "/tmp/w/prometheus/rules/*.yml");
        let job = &out["scrape_configs"][0];
        assert_eq!(
            job["basic_auth"]["password_file"],
            "/tmp/w/secrets/prometheus/p"
        );
        assert_eq!(
            job["static_configs"][0]["labels"]["path"],
            "/etc/prometheus/x"
        );
    }
}
