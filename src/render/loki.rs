//! TODO(owner): describe what this module owns.

use super::{Draft, Stack};

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let _ = (stack, draft);
    Ok(())
}

/// The container command line (replaces the image's CMD) for this component's release.
pub fn command(stack: &Stack, component: &super::Component) -> Vec<String> {
    let _ = (stack, component);
    Vec::new()
}
