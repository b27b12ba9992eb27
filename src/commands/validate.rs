//! `stackctl validate`: load → validate → render in memory (with the cross-file checks) → the
//! real checkers on a scratch copy of the rendered files. The output directory is not touched.
//!
//! Exit 0 when every check that ran passed, 1 when one failed, 2 when the manifest is invalid.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{GlobalArgs, ValidateArgs};
use crate::render::{self, Stack};
use crate::tools::in_image::DockerImages;
use crate::tools::judge::{ImageRunner, NoDocker, Remembering};
use crate::tools::{amtool, image_checks, promtool, CheckResult};
use crate::{output, writer};

pub fn exec(global: &GlobalArgs, args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let loaded = super::load_manifest(global)?;
    let templates = super::templates_for(&loaded)?;
    let rendered = render::render(&loaded, &templates)?;
    output::print_warnings(&rendered.warnings);
    println!(
        "ok       manifest {} ({} files rendered, cross-file checks passed)",
        global.file.display(),
        rendered.files.len()
    );
    let work = tempfile::Builder::new()
        .prefix("stackctl-validate-")
        .tempdir()
        .context("cannot create a scratch directory for the checkers")?;
    writer::write(&rendered, work.path())
        .context("cannot write the scratch copy for the checkers")?;
    let stack = Stack::new(&loaded.manifest, &loaded.dir, &templates);
    let results = if args.no_docker {
        let mut results = run_checks(&stack, &rendered, work.path(), &Remembering::new(NoDocker))?;
        results.extend(skipped_component_checks(&stack, &rendered, work.path()));
        results
    } else {
        let docker = DockerImages::new(work.path())?;
        let images = Remembering::new(docker);
        let mut results = run_checks(&stack, &rendered, work.path(), &images)?;
        results.extend(
            images
                .inner()
                .component_checks(&stack, &rendered, work.path()),
        );
        results
    };
    output::print_checks(&results);
    println!("{}", output::check_summary(&results));
    let failed = results.iter().any(CheckResult::failed);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_checks<R: ImageRunner>(
    stack: &Stack,
    rendered: &render::RenderedStack,
    work: &std::path::Path,
    images: &Remembering<R>,
) -> anyhow::Result<Vec<CheckResult>> {
    let mut results = promtool::checks(stack, rendered, work, images)?;
    results.extend(amtool::checks(stack, rendered, work, images)?);
    Ok(results)
}

/// With `--no-docker` the in-image checks are listed as not run, so their absence is visible.
fn skipped_component_checks(
    stack: &Stack,
    rendered: &render::RenderedStack,
    work: &std::path::Path,
) -> Vec<CheckResult> {
    image_checks::checks(stack, rendered, work)
        .into_iter()
        .map(|check| {
            CheckResult::not_run(
                check.name,
                format!("runs inside `{}`; skipped (`--no-docker`)", check.image),
            )
        })
        .collect()
}
