//! TODO(owner): describe what this module owns.

use super::{Draft, Stack};

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let _ = (stack, draft);
    Ok(())
}

/// Plain environment of the Grafana container (secrets only as `*__FILE` paths).
pub fn environment(stack: &Stack) -> std::collections::BTreeMap<String, String> {
    let _ = stack;
    std::collections::BTreeMap::new()
}
