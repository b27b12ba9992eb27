//! What every daemon call shares: the project's label filter, bollard's "not found" answer,
//! and label maps in a stable order.

use std::collections::{BTreeMap, HashMap};

use bollard::errors::Error as BollardError;

use crate::docker::labels;

pub(super) fn is_not_found(e: &BollardError) -> bool {
    matches!(
        e,
        BollardError::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

pub(super) fn project_filter(project: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([(
        "label".to_string(),
        vec![format!("{}={project}", labels::PROJECT)],
    )])
}

pub(super) fn to_btree(map: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    map.unwrap_or_default().into_iter().collect()
}
