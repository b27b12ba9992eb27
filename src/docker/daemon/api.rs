//! What every daemon call shares (the engine's and the Swarm's): label filters, bollard's
//! error statuses, and label maps in a stable order.

use std::collections::{BTreeMap, HashMap};

use bollard::errors::Error as BollardError;

use crate::labels;

/// Whether the daemon answered `e` with HTTP status `code`.
pub(in crate::docker) fn has_status(e: &BollardError, code: u16) -> bool {
    matches!(e, BollardError::DockerResponseServerError { status_code, .. } if *status_code == code)
}

pub(in crate::docker) fn is_not_found(e: &BollardError) -> bool {
    has_status(e, 404)
}

/// The list filter for objects labelled `label=value`.
pub(in crate::docker) fn label_filter(label: &str, value: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_string(), vec![format!("{label}={value}")])])
}

pub(super) fn project_filter(project: &str) -> HashMap<String, Vec<String>> {
    label_filter(labels::PROJECT, project)
}

pub(in crate::docker) fn to_btree(
    map: Option<HashMap<String, String>>,
) -> BTreeMap<String, String> {
    map.unwrap_or_default().into_iter().collect()
}
