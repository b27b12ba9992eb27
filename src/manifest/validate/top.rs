//! The top level: format version, project name, bind address, external labels, networks.

use super::names::{is_label_name, is_project_name};
use crate::manifest::{Diagnostic, Manifest};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    if manifest.version != 1 {
        problems.push(
            Diagnostic::new(
                "version",
                format!(
                    "manifest version {} is not supported; this stackctl reads version 1",
                    manifest.version
                ),
            )
            .hint("set `version: 1`"),
        );
    }
    if manifest.project.chars().count() > super::identifiers::MAX_NAME_LENGTH {
        // Reported by the name-length check.
    } else if !is_project_name(&manifest.project) {
        problems.push(
            Diagnostic::new("project", format!("project name `{}` is not valid", manifest.project))
                .hint("use lowercase letters, digits, `-` and `_`, starting with a letter or digit (it names containers, the network and volumes)"),
        );
    }
    if manifest.bind.parse::<std::net::IpAddr>().is_err() {
        problems.push(
            Diagnostic::new("bind", format!("`bind` must be an IP address, found `{}`", manifest.bind))
                .hint("use `127.0.0.1` (this host only) or `0.0.0.0` (every interface); ports are set per component, e.g. `components.grafana.port`"),
        );
    }
    check_label_names("labels", manifest.labels.keys(), problems);
    for (index, network) in manifest.networks.iter().enumerate() {
        if network.trim().is_empty() || network.contains(char::is_whitespace) {
            problems.push(
                Diagnostic::new(
                    format!("networks[{index}]"),
                    format!("network name `{network}` is not valid"),
                )
                .hint("name an existing Docker network (`docker network ls`)"),
            );
        }
    }
}

/// Every key of the label map at `path` must be a Prometheus label name.
pub(crate) fn check_label_names<'a>(
    path: &str,
    names: impl Iterator<Item = &'a String>,
    problems: &mut Vec<Diagnostic>,
) {
    for name in names {
        if !is_label_name(name) {
            let suggestion: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            problems.push(
                Diagnostic::new(format!("{path}.{name}"), format!("`{name}` in `{path}` is not a valid label name"))
                    .hint(format!(
                        "label names are letters, digits and `_`, not starting with a digit, e.g. `{suggestion}`"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn checks_the_top_level() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("", None),
            ("bind: 0.0.0.0", None),
            ("bind: '::1'", None),
            (
                "bind: localhost:80",
                Some(("bind", "must be an IP address")),
            ),
            ("bind: localhost", Some(("bind", "`localhost`"))),
            ("labels: {cluster: prod, env_1: x}", None),
            (
                "labels: {team-name: x}",
                Some(("labels.team-name", "not a valid label name")),
            ),
            (
                "labels: {1st: x}",
                Some(("labels.1st", "not a valid label name")),
            ),
            ("networks: [shop-network]", None),
            ("networks: ['']", Some(("networks[0]", "not valid"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn rejects_other_versions_and_bad_project_names() {
        let cases = [
            ("version: 2\nproject: demo", Some("version")),
            ("version: 1\nproject: Shop", Some("project")),
            ("version: 1\nproject: my shop", Some("project")),
            ("version: 1\nproject: shop-prod_2", None),
        ];
        for (source, want) in cases {
            let manifest: crate::manifest::Manifest = serde_yaml::from_str(source).unwrap();
            let found = super::super::validate(&manifest);
            match want {
                Some(path) => assert!(found.iter().any(|p| p.path == path), "{source}: {found:?}"),
                None => assert!(found.is_empty(), "{source}: {found:?}"),
            }
        }
    }
}
