//! Containers that `docker compose up` started from the exported `docker-compose.yml`: they
//! carry the compose labels but none of stackctl's, so without this every one of them would
//! look foreign (or `outdated`) and a deploy would recreate the whole stack.
//!
//! Such a container is adopted when its compose `config_files` label names this project's
//! export and the export's section for its service, as it is on disk (what compose read), is
//! the one the manifest renders now: then it runs what stackctl would have created, and only
//! its config files (bind-mounted from the output directory) can differ. Otherwise every field
//! that differs is listed (`ports: … → …`) and the service is recreated. Pure: observe reads
//! the files, this compares them.

use std::collections::BTreeMap;

use super::changes::{spec_changes, SpecChange};
use crate::docker::{labels, ObservedContainer};

/// The export in the output directory, as observed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComposeExport {
    /// Absolute paths that name the export (as given and with symlinks resolved): compose
    /// records the one it was run with.
    pub paths: Vec<String>,
    /// Per service of the rendered export: how its on-disk section differs (empty: the same).
    pub differences: BTreeMap<String, Vec<SpecChange>>,
}

/// What stackctl makes of a container it did not create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adoption {
    /// Started from this project's export, which still says what the manifest says.
    Adopt,
    /// Started from this project's export, which has since changed: these fields differ.
    Differs(Vec<SpecChange>),
    /// Not from this project's export: another tool's container.
    Foreign,
}

/// Whether `container` (not created by stackctl) was started from `export` and still matches.
pub fn adoption(container: &ObservedContainer, export: Option<&ComposeExport>) -> Adoption {
    let Some(export) = export else {
        return Adoption::Foreign;
    };
    let from_export = container.label(labels::CONFIG_FILES).is_some_and(|files| {
        files
            .split(',')
            .any(|f| export.paths.iter().any(|p| p == f))
    });
    if !from_export {
        return Adoption::Foreign;
    }
    match export.differences.get(&container.service) {
        None => Adoption::Foreign, // a service the export does not have
        Some(changes) if changes.is_empty() => Adoption::Adopt,
        Some(changes) => Adoption::Differs(changes.clone()),
    }
}

/// For each service of `rendered` (the export rendered now): how its section of `on_disk`
/// (the export compose read) differs. A service missing on disk differs as a whole.
pub fn section_differences(on_disk: &str, rendered: &str) -> BTreeMap<String, Vec<SpecChange>> {
    let services = |text: &str| -> serde_json::Map<String, serde_json::Value> {
        serde_yaml::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("services").and_then(|s| s.as_object()).cloned())
            .unwrap_or_default()
    };
    let (old, new) = (services(on_disk), services(rendered));
    new.iter()
        .map(|(name, section)| {
            let empty = serde_json::Map::new();
            let section = section.as_object().unwrap_or(&empty);
            let changes = match old.get(name).and_then(|s| s.as_object()) {
                Some(before) => spec_changes(before, section),
                None => vec![SpecChange {
                    field: "service".into(),
                    old: None,
                    new: Some(format!("`{name}` (not in the docker-compose.yml on disk)")),
                }],
            };
            (name.clone(), changes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::RunState;

    const EXPORT: &str = "services:\n  prometheus:\n    image: prom/prometheus:v3.5.0\n    ports:\n    - 127.0.0.1:9090:9090\n  grafana:\n    image: grafana/grafana:12.0.0\n";

    fn container(service: &str, files: Option<&str>) -> ObservedContainer {
        let mut labels = BTreeMap::from([(labels::PROJECT.to_string(), "p".to_string())]);
        if let Some(files) = files {
            labels.insert(labels::CONFIG_FILES.to_string(), files.to_string());
        }
        ObservedContainer {
            id: "c".into(),
            name: format!("p-{service}-1"),
            service: service.into(),
            state: RunState::Running,
            image_id: String::new(),
            labels,
            networks: BTreeMap::new(),
        }
    }

    #[test]
    fn adopts_what_the_export_started_and_lists_what_differs_otherwise() {
        let changed = EXPORT.replace("v3.5.0", "v3.4.0");
        let export = |on_disk: &str| ComposeExport {
            paths: vec!["/srv/shop/rendered/docker-compose.yml".into()],
            differences: section_differences(on_disk, EXPORT),
        };
        let ours = Some("/srv/shop/rendered/docker-compose.yml");
        let rows = [
            ("started from the export", EXPORT, ours, "adopt"),
            (
                "export changed since",
                changed.as_str(),
                ours,
                "differs: image: prom/prometheus:v3.4.0 → prom/prometheus:v3.5.0",
            ),
            (
                "another compose file",
                EXPORT,
                Some("/srv/app/compose.yml"),
                "foreign",
            ),
            ("no compose file recorded", EXPORT, None, "foreign"),
        ];
        for (case, on_disk, files, want) in rows {
            let got = match adoption(&container("prometheus", files), Some(&export(on_disk))) {
                Adoption::Adopt => "adopt".to_string(),
                Adoption::Foreign => "foreign".to_string(),
                Adoption::Differs(changes) => format!(
                    "differs: {}",
                    changes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            };
            assert_eq!(got, want, "{case}");
        }
        let missing = section_differences("services: {}\n", EXPORT);
        assert_eq!(missing["grafana"][0].field, "service");
        assert_eq!(
            adoption(&container("prometheus", ours), None),
            Adoption::Foreign
        );
    }
}
