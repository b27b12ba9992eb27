//! `stackctl render`: load → validate → render in memory → write atomically.
//!
//! Nothing is written (not even the output directory) unless the whole stack rendered.

use std::process::ExitCode;

use crate::cli::{GlobalArgs, RenderArgs};
use crate::{output, writer};

pub fn exec(global: &GlobalArgs, args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let super::Rendered {
        stack, generated, ..
    } = super::load_and_render(global)?;
    let out = super::out_dir(global);
    let overwrite = if args.force {
        writer::Overwrite::Force
    } else {
        writer::Overwrite::Refuse
    };
    let report = writer::write_with(&stack, &out, overwrite)?;
    generated.save()?;
    output::print_write_report(&report);
    output::print_warnings(&stack.warnings);
    Ok(ExitCode::SUCCESS)
}
