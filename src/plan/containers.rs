//! The project's observed containers sorted out: each service's current container (and how a
//! container `docker compose up` started is adopted), leftovers to remove, and foreign ones.

use std::collections::BTreeMap;

use super::actions::Removal;
use super::adopt::{adoption, Adoption};
use super::desired::DesiredService;
use super::observed::Observed;
use crate::docker::ObservedContainer;
use crate::labels;

pub(super) struct Containers<'a> {
    /// The container each desired service has now, by service.
    pub current: BTreeMap<&'a str, &'a ObservedContainer>,
    /// How each container `docker compose up` started compares with the export, by service.
    pub adopted: BTreeMap<&'a str, Adoption>,
    /// Containers with the project's label that stackctl did not create.
    pub foreign: Vec<Removal>,
    /// stackctl's containers no desired service keeps.
    pub removals: Vec<Removal>,
}

pub(super) fn sort_out<'a>(
    project: &str,
    by_name: &BTreeMap<&str, &DesiredService>,
    observed: &'a Observed,
) -> Containers<'a> {
    let mut out = Containers {
        current: BTreeMap::new(),
        adopted: BTreeMap::new(),
        foreign: Vec::new(),
        removals: Vec::new(),
    };
    for c in &observed.containers {
        let adoption = match c.is_stackctl() {
            true => None,
            false => Some(adoption(
                c,
                observed.compose_export.as_ref(),
                observed.deployed_config.contains_key(&c.id),
            )),
        };
        let from_export = adoption.as_ref().is_some_and(|a| *a != Adoption::Foreign);
        let own_name = labels::container_name(project, &c.service);
        if from_export && by_name.contains_key(c.service.as_str()) && c.name == own_name {
            out.adopted.insert(
                c.service.as_str(),
                adoption.expect("set for foreign containers"),
            );
            out.current.insert(c.service.as_str(), c);
            continue;
        }
        if !c.is_stackctl() {
            out.foreign.push(Removal {
                container: c.name.clone(),
                id: c.id.clone(),
                reason: "not created by stackctl".to_string(),
            });
            continue;
        }
        match removal_reason(project, by_name, c) {
            Some(reason) => out.removals.push(Removal {
                container: c.name.clone(),
                id: c.id.clone(),
                reason,
            }),
            None => {
                out.current.insert(c.service.as_str(), c);
            }
        }
    }
    out
}

/// Why one of stackctl's containers goes (`None`: it is its service's container).
fn removal_reason(
    project: &str,
    by_name: &BTreeMap<&str, &DesiredService>,
    c: &ObservedContainer,
) -> Option<String> {
    let final_name = by_name
        .get(c.service.as_str())
        .map(|d| labels::container_name(project, &d.spec.name));
    match final_name {
        None => Some(format!(
            "service `{}` is no longer in the manifest",
            c.service
        )),
        Some(f) if c.name == f => None,
        Some(f) if labels::final_name_of_temporary(&c.name) == Some(f.as_str()) => {
            Some("left over from an interrupted deploy".to_string())
        }
        Some(_) => Some("extra container of the service".to_string()),
    }
}
