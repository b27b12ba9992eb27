//! Containers that `docker compose up` started from the exported `docker-compose.yml`: they
//! carry the compose labels but none of stackctl's, so without this every one of them would
//! look foreign (or `outdated`) and a deploy would recreate the whole stack.
//!
//! Such a container is adopted when its compose `config_files` label names this project's
//! export and the export's section for its service, as it is on disk (what compose read), is
//! the one the manifest renders now: then it runs what stackctl would have created, and only
//! its config files (bind-mounted from the output directory) can differ. Otherwise every field
//! that differs is listed (`ports: … → …`) and the service is recreated. An export rewritten
//! after the container was created no longer says what it runs: unless a deploy already
//! adopted that container (the state file names it), it is recreated. Pure: observe reads the
//! files, this compares them.

use std::collections::BTreeMap;

use super::changes::{spec_changes, SpecChange};
use crate::docker::ObservedContainer;
use crate::labels;

/// The export in the output directory, as observed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComposeExport {
    /// Absolute paths that name the export (as given and with symlinks resolved): compose
    /// records the one it was run with.
    pub paths: Vec<String>,
    /// Per service of the rendered export: how its on-disk section differs (empty: the same).
    pub differences: BTreeMap<String, Vec<SpecChange>>,
    /// When the export on disk was last written, Unix seconds.
    pub modified: Option<i64>,
}

/// What stackctl makes of a container it did not create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Adoption {
    /// Started from this project's export, which still says what the manifest says.
    Adopt,
    /// Started from this project's export, which has since changed: these fields differ.
    Differs(Vec<SpecChange>),
    /// Started from this project's export, rewritten since: what it runs is unknown.
    Stale,
    /// Not from this project's export: another tool's container.
    Foreign,
}

/// Whether `container` (not created by stackctl) was started from `export` and still matches;
/// `adopted_before` when a deploy already recorded it in the state file.
pub(crate) fn adoption(
    container: &ObservedContainer,
    export: Option<&ComposeExport>,
    adopted_before: bool,
) -> Adoption {
    let Some(export) = export else {
        return Adoption::Foreign;
    };
    if !started_from(container, &export.paths) {
        return Adoption::Foreign;
    }
    let rewritten = export.modified.is_some_and(|m| m > container.created);
    match export.differences.get(&container.service) {
        None => Adoption::Foreign, // a service the export does not have
        Some(changes) if !changes.is_empty() => Adoption::Differs(changes.clone()),
        Some(_) if rewritten && !adopted_before => Adoption::Stale,
        Some(_) => Adoption::Adopt,
    }
}

/// Whether `docker compose up` started `container` from the file at one of `paths` (its
/// `config_files` label, comma-separated, names the files compose read).
pub(crate) fn started_from(container: &ObservedContainer, paths: &[String]) -> bool {
    container
        .label(labels::CONFIG_FILES)
        .is_some_and(|files| files.split(',').any(|f| paths.iter().any(|p| p == f)))
}

/// For each service of `rendered` (the export rendered now): how its section of `on_disk`
/// (the export compose read) differs. A service missing on disk differs as a whole.
pub(crate) fn section_differences(
    on_disk: &str,
    rendered: &str,
) -> BTreeMap<String, Vec<SpecChange>> {
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
            created: 0,
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
            modified: Some(0),
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
            let c = container("prometheus", files);
            let got = match adoption(&c, Some(&export(on_disk)), false) {
                Adoption::Adopt => "adopt".to_string(),
                Adoption::Stale => "stale".to_string(),
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
        let c = container("prometheus", ours);
        assert_eq!(adoption(&c, None, false), Adoption::Foreign);
    }

    /// Rewritten after compose created the container, the export no longer says what it runs,
    /// unless a deploy already adopted it while it did.
    #[test]
    fn an_export_rewritten_after_the_container_was_created_is_trusted_only_once_adopted() {
        let mut c = container("prometheus", Some("/srv/shop/rendered/docker-compose.yml"));
        c.created = 2_000;
        let export = |modified| ComposeExport {
            paths: vec!["/srv/shop/rendered/docker-compose.yml".into()],
            differences: section_differences(EXPORT, EXPORT),
            modified: Some(modified),
        };
        assert_eq!(adoption(&c, Some(&export(1_999)), false), Adoption::Adopt);
        assert_eq!(adoption(&c, Some(&export(2_000)), false), Adoption::Adopt);
        assert_eq!(adoption(&c, Some(&export(2_001)), false), Adoption::Stale);
        assert_eq!(adoption(&c, Some(&export(2_001)), true), Adoption::Adopt);
    }
}
