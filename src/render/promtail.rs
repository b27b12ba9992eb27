//! TODO(owner): describe what this module owns.

use super::{Draft, Stack};

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let _ = (stack, draft);
    Ok(())
}
