//! Names and labels of the project's Docker objects, as Docker Compose writes them, so
//! `docker compose -p PROJECT ps|logs|down` work on a stack stackctl deployed. Pure.

use std::collections::BTreeMap;

pub const PROJECT: &str = "com.docker.compose.project";
pub const SERVICE: &str = "com.docker.compose.service";
pub(crate) const CONTAINER_NUMBER: &str = "com.docker.compose.container-number";
pub(crate) const ONEOFF: &str = "com.docker.compose.oneoff";
/// Compose's own discovery needs this key on containers; stackctl puts its spec hash there.
/// Never set on networks or volumes (compose would then want to recreate them).
pub(crate) const COMPOSE_CONFIG_HASH: &str = "com.docker.compose.config-hash";
pub(crate) const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
pub(crate) const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
pub(crate) const DEPENDS_ON: &str = "com.docker.compose.depends_on";
pub const IMAGE: &str = "com.docker.compose.image";
pub const VERSION: &str = "com.docker.compose.version";
pub(crate) const NETWORK: &str = "com.docker.compose.network";
pub(crate) const VOLUME: &str = "com.docker.compose.volume";
pub(crate) const REPLACE: &str = "com.docker.compose.replace";

/// Hash of the container-shaping part of the `ServiceSpec` (see `plan::spec_hash`).
pub(crate) const SPEC_HASH: &str = "io.stackctl.spec-hash";
/// The canonical spec that was hashed, so a later plan can say which field changed.
pub(crate) const SPEC: &str = "io.stackctl.spec";
/// Hash of the service's rendered config files and secrets when the container was created.
pub(crate) const CONFIG_HASH: &str = "io.stackctl.config-hash";

/// On every container, network and volume stackctl creates: the project. The compose project
/// label alone does not make an object stackctl's (an app may use the same project name).
pub(crate) const MANAGED: &str = "io.stackctl.project";

/// Whether an object with these labels was created by stackctl (containers of earlier
/// releases carry only the spec hash).
pub(crate) fn is_stackctl(labels: &BTreeMap<String, String>) -> bool {
    labels.contains_key(MANAGED) || labels.contains_key(SPEC_HASH)
}

/// The compose release whose label format these follow.
pub(crate) const COMPOSE_VERSION: &str = "2.40.3";

/// The network every service joins (`shop_default`).
pub(crate) fn default_network(project: &str) -> String {
    format!("{project}_default")
}

/// A named volume of the project (`shop_prometheus-data`).
pub(crate) fn volume_name(project: &str, key: &str) -> String {
    format!("{project}_{key}")
}

/// The one container of a service (`shop-prometheus-1`).
pub(crate) fn container_name(project: &str, service: &str) -> String {
    format!("{project}-{service}-1")
}

/// The temporary name a replacement container is created under (compose: `<id12>_<name>`).
pub(crate) fn temporary_name(old_id: &str, final_name: &str) -> String {
    let short: String = old_id.chars().take(12).collect();
    format!("{short}_{final_name}")
}

/// The final name hidden in a temporary name, if `name` is one.
pub(crate) fn final_name_of_temporary(name: &str) -> Option<&str> {
    let (prefix, rest) = name.split_once('_')?;
    let is_id = prefix.len() == 12 && prefix.chars().all(|c| c.is_ascii_hexdigit());
    is_id.then_some(rest)
}

pub(crate) fn network_labels(project: &str, key: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (PROJECT.to_string(), project.to_string()),
        (NETWORK.to_string(), key.to_string()),
        (VERSION.to_string(), COMPOSE_VERSION.to_string()),
        (MANAGED.to_string(), project.to_string()),
    ])
}

pub(crate) fn volume_labels(project: &str, key: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (PROJECT.to_string(), project.to_string()),
        (VOLUME.to_string(), key.to_string()),
        (VERSION.to_string(), COMPOSE_VERSION.to_string()),
        (MANAGED.to_string(), project.to_string()),
    ])
}

/// What a container's labels record beyond its spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContainerIdentity<'a> {
    pub project: &'a str,
    pub service: &'a str,
    pub depends_on: &'a [String],
    /// Local image ID (`sha256:...`).
    pub image_id: &'a str,
    pub spec_hash: &'a str,
    pub spec_json: &'a str,
    pub config_hash: &'a str,
    /// Absolute path of the rendered docker-compose.yml.
    pub compose_file: &'a str,
    /// Absolute directory of the manifest.
    pub working_dir: &'a str,
    /// Set on a replacement container: the service-number it replaces.
    pub replaces: Option<&'a str>,
}

pub(crate) fn container_labels(id: &ContainerIdentity) -> BTreeMap<String, String> {
    let depends_on: Vec<String> = id
        .depends_on
        .iter()
        .map(|d| format!("{d}:service_started:false"))
        .collect();
    let mut labels = BTreeMap::from([
        (PROJECT.to_string(), id.project.to_string()),
        (SERVICE.to_string(), id.service.to_string()),
        (CONTAINER_NUMBER.to_string(), "1".to_string()),
        (ONEOFF.to_string(), "False".to_string()),
        (COMPOSE_CONFIG_HASH.to_string(), id.spec_hash.to_string()),
        (CONFIG_FILES.to_string(), id.compose_file.to_string()),
        (WORKING_DIR.to_string(), id.working_dir.to_string()),
        (DEPENDS_ON.to_string(), depends_on.join(",")),
        (IMAGE.to_string(), id.image_id.to_string()),
        (VERSION.to_string(), COMPOSE_VERSION.to_string()),
        (SPEC_HASH.to_string(), id.spec_hash.to_string()),
        (SPEC.to_string(), id.spec_json.to_string()),
        (CONFIG_HASH.to_string(), id.config_hash.to_string()),
        (MANAGED.to_string(), id.project.to_string()),
    ]);
    if let Some(replaces) = id.replaces {
        labels.insert(REPLACE.to_string(), format!("{replaces}-1"));
    }
    labels
}

/// Service names a container depends on, parsed back from its compose `depends_on` label.
pub(crate) fn parse_depends_on(label: &str) -> Vec<String> {
    label
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.split(':').next().unwrap_or(s).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_compose() {
        assert_eq!(default_network("shop"), "shop_default");
        assert_eq!(
            volume_name("shop", "prometheus-data"),
            "shop_prometheus-data"
        );
        assert_eq!(
            container_name("shop", "node-exporter"),
            "shop-node-exporter-1"
        );
        assert_eq!(
            temporary_name("0123456789abcdef", "shop-prometheus-1"),
            "0123456789ab_shop-prometheus-1"
        );
    }

    #[test]
    fn recognises_temporary_names_only() {
        let cases = [
            ("0123456789ab_shop-prometheus-1", Some("shop-prometheus-1")),
            ("shop-prometheus-1", None),
            ("my_project-prometheus-1", None),
            ("0123456789xy_shop-prometheus-1", None),
        ];
        for (name, want) in cases {
            assert_eq!(final_name_of_temporary(name), want, "{name}");
        }
    }

    #[test]
    fn depends_on_label_round_trips() {
        let deps = vec!["prometheus".to_string(), "alertmanager".to_string()];
        let id = ContainerIdentity {
            project: "p",
            service: "grafana",
            depends_on: &deps,
            image_id: "sha256:1",
            spec_hash: "h",
            spec_json: "{}",
            config_hash: "c",
            compose_file: "/x/docker-compose.yml",
            working_dir: "/x",
            replaces: None,
        };
        let labels = container_labels(&id);
        assert_eq!(
            labels[DEPENDS_ON],
            "prometheus:service_started:false,alertmanager:service_started:false"
        );
        assert_eq!(parse_depends_on(&labels[DEPENDS_ON]), deps);
        assert_eq!(labels[ONEOFF], "False");
        assert!(!network_labels("p", "default").contains_key(COMPOSE_CONFIG_HASH));
        assert!(!volume_labels("p", "data").contains_key(COMPOSE_CONFIG_HASH));
    }
}
