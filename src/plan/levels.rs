//! Dependency levels: the order services start in, every service after those it depends on.

use std::collections::BTreeSet;

use super::actions::PlanError;
use crate::service::ServiceSpec;

/// Services grouped by dependency level (a service after everything it depends on).
/// Dependencies on services that are not in `specs` are ignored.
pub(crate) fn dependency_levels(specs: &[ServiceSpec]) -> Result<Vec<Vec<String>>, PlanError> {
    let names: BTreeSet<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut levels = Vec::new();
    while placed.len() < specs.len() {
        let level: Vec<&str> = specs
            .iter()
            .filter(|s| !placed.contains(s.name.as_str()))
            .filter(|s| {
                s.depends_on
                    .iter()
                    .all(|d| placed.contains(d.as_str()) || !names.contains(d.as_str()))
            })
            .map(|s| s.name.as_str())
            .collect();
        if level.is_empty() {
            let rest: Vec<&str> = specs
                .iter()
                .map(|s| s.name.as_str())
                .filter(|n| !placed.contains(n))
                .collect();
            return Err(PlanError::Cycle(rest.join(", ")));
        }
        placed.extend(level.iter().copied());
        levels.push(level.into_iter().map(str::to_string).collect());
    }
    Ok(levels)
}
