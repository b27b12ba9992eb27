//! The files an in-image check needs, as copies for the container (never bind mounts of the
//! scratch copy): a service's rendered config directory at its container path, and its
//! secrets at `/run/secrets/<name>`, mode 0400 and owned by the image's user, as deploy hands
//! them over. The host files keep their 0600/0700 modes. Pure.

use crate::docker::InjectedFile;
use crate::render::draft::SECRETS_DIR;
use crate::render::RenderedStack;

/// Config files are world-readable inside the container, as they are in the rendered tree.
const CONFIG_MODE: u32 = 0o444;
const SECRET_MODE: u32 = 0o400;

/// Every rendered file under `config_dir/` at `container_dir/…`, plus the secrets of `service`.
pub(crate) fn for_service(
    rendered: &RenderedStack,
    service: &str,
    config_dir: &str,
    container_dir: &str,
) -> Vec<InjectedFile> {
    let prefix = format!("{}/", config_dir.trim_end_matches('/'));
    let container_dir = container_dir.trim_end_matches('/');
    let mut files: Vec<InjectedFile> = rendered
        .files
        .iter()
        .filter_map(|(path, file)| {
            let rest = path.strip_prefix(&prefix)?;
            Some(InjectedFile {
                path: format!("{container_dir}/{rest}"),
                contents: file.contents.expose().as_bytes().to_vec(),
                uid: 0,
                mode: CONFIG_MODE,
            })
        })
        .collect();
    let secrets = rendered
        .services
        .iter()
        .filter(|spec| spec.name == service)
        .flat_map(|spec| &spec.secrets);
    files.extend(secrets.filter_map(|secret| {
        let file = rendered.files.get(&secret.file)?;
        Some(InjectedFile {
            path: format!("{SECRETS_DIR}/{}", secret.name),
            contents: file.contents.expose().as_bytes().to_vec(),
            uid: secret.uid.unwrap_or(0),
            mode: SECRET_MODE,
        })
    }));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{LoadedManifest, Manifest};
    use crate::render::{render, Templates};
    use std::path::PathBuf;

    fn rendered(yaml: &str) -> RenderedStack {
        let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
        let loaded = LoadedManifest {
            manifest,
            path: PathBuf::from("stackctl.yaml"),
            dir: PathBuf::from("."),
            source: yaml.to_string(),
            positions: Default::default(),
            secret_values: vec!["s3cret-value".into()],
            generated: Default::default(),
            warnings: Vec::new(),
        };
        render(&loaded, &Templates::embedded()).expect("renders")
    }

    #[test]
    fn config_is_copied_readable_and_secrets_owned_by_the_images_user() {
        let stack = rendered(
            "version: 1\nproject: t\ncomponents: {prometheus: {}}\nscrape:\n  - job: api\n    targets: [api:1]\n    basic_auth: {username: u, password: s3cret-value}\n",
        );
        let files = for_service(&stack, "prometheus", "prometheus", "/etc/prometheus/");
        let config = files
            .iter()
            .find(|f| f.path == "/etc/prometheus/prometheus.yml")
            .expect("prometheus.yml is copied");
        assert_eq!((config.uid, config.mode), (0, 0o444));
        let secrets: Vec<&InjectedFile> = files
            .iter()
            .filter(|f| f.path.starts_with("/run/secrets/"))
            .collect();
        assert!(!secrets.is_empty(), "{files:?}");
        for secret in secrets {
            assert_eq!((secret.uid, secret.mode), (65534, 0o400), "{}", secret.path);
        }
    }
}
