//! The decision for one service, in the order the module doc of `plan` states: create,
//! recreate (spec, image, network), start, reload, keep.

use std::collections::BTreeSet;

use super::actions::ServiceAction;
use super::adopt::Adoption;
use super::changes::{self, SpecChange};
use super::desired::DesiredService;
use super::observed::Observed;
use crate::docker::{ObservedContainer, RunState};
use crate::labels;

pub(super) fn decide(
    d: &DesiredService,
    (container, adopted): (Option<&ObservedContainer>, Option<&Adoption>),
    observed: &Observed,
    (project, network_id): (&str, Option<&str>),
) -> ServiceAction {
    let Some(c) = container else {
        return ServiceAction::Create;
    };
    let id = c.id.clone();
    let recreate = |reason: String| ServiceAction::Recreate {
        container: id.clone(),
        reason,
        changes: Vec::new(),
    };
    if let Some(Adoption::Differs(changes)) = adopted {
        return ServiceAction::Recreate {
            container: id.clone(),
            reason: "started by `docker compose` from a docker-compose.yml that differs from the manifest".into(),
            changes: changes.clone(),
        };
    }
    if let Some(Adoption::Stale) = adopted {
        return recreate(
            "started by `docker compose` from a docker-compose.yml rewritten since: what it runs is unknown"
                .into(),
        );
    }
    if adopted.is_none() && c.label(labels::SPEC_HASH) != Some(d.spec_hash.as_str()) {
        return ServiceAction::Recreate {
            container: id.clone(),
            reason: changed_fields(c.label(labels::SPEC), &d.spec_json),
            changes: spec_changes(c.label(labels::SPEC), &d.spec_json),
        };
    }
    if let Some(Some(image_id)) = observed.images.get(&d.spec.image) {
        if !c.image_id.is_empty() && &c.image_id != image_id {
            return recreate(format!("`{}` now names another image", d.spec.image));
        }
    }
    let network = labels::default_network(project);
    let attached = c.networks.get(&network).map(String::as_str);
    if network_id.is_none() || attached != network_id {
        return recreate(format!(
            "not attached to network `{network}` (it was removed, recreated or disconnected)"
        ));
    }
    match c.state {
        RunState::Running => {}
        RunState::Created | RunState::Exited | RunState::Restarting => {
            return ServiceAction::Start { container: id }
        }
        other => return recreate(format!("container is {}", other.as_str())),
    }
    if deployed_config(d, c, adopted.is_some(), observed) != Some(d.config_hash.as_str()) {
        return ServiceAction::Reload { container: id };
    }
    ServiceAction::Keep { container: id }
}

/// The hash of the config `c` runs with: recorded by the last deploy or reload, else its
/// label; for a container `docker compose` started (`adopted`), the files on disk it reads
/// through its bind mounts.
pub(crate) fn deployed_config<'a>(
    d: &DesiredService,
    c: &'a ObservedContainer,
    adopted: bool,
    observed: &'a Observed,
) -> Option<&'a str> {
    observed
        .deployed_config
        .get(&c.id)
        .map(String::as_str)
        .or(c.label(labels::CONFIG_HASH))
        .or(adopted
            .then(|| {
                observed
                    .on_disk_config
                    .get(&d.spec.name)
                    .map(String::as_str)
            })
            .flatten())
}

/// Each changed field between the spec a container records and the desired one.
fn spec_changes(old: Option<&str>, new: &str) -> Vec<SpecChange> {
    let parse =
        |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok();
    match (old.and_then(parse), parse(new)) {
        (Some(old), Some(new)) => changes::spec_changes(&old, &new),
        _ => Vec::new(),
    }
}

/// Which top-level spec fields differ, for the recreate reason (`image, ports changed`).
fn changed_fields(old: Option<&str>, new: &str) -> String {
    let parse =
        |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok();
    let (Some(old), Some(new)) = (old.and_then(parse), parse(new)) else {
        return "not created by stackctl (or by an older version)".to_string();
    };
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let changed: Vec<String> = keys
        .into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| match (k.as_str(), old.get(k), new.get(k)) {
            ("image", Some(a), Some(b)) => format!("image {} → {}", plain(a), plain(b)),
            _ => k.clone(),
        })
        .collect();
    if changed.is_empty() {
        "spec changed".to_string()
    } else {
        format!("{} changed", changed.join(", "))
    }
}

fn plain(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}
