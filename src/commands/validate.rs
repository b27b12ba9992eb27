//! `stackctl validate`: load → validate → render in memory (with the cross-file checks) → the
//! real checkers on a private scratch copy of the rendered files. The output directory is not
//! touched; the scratch copy is removed on every exit path (signals included).
//!
//! Exit 0 when no check failed, 1 when one failed (with `--strict` also when one is `UNSURE` or
//! did not run), 2 when the manifest is invalid.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{GlobalArgs, ValidateArgs};
use crate::render::{self, Stack};
use crate::tools::in_image::DockerImages;
use crate::tools::judge::{NoDocker, Remembering, VALIDATE_NO_DOCKER};
use crate::tools::scratch::Scratch;
use crate::tools::{image_checks, pipeline, report, CheckResult};
use crate::{output, writer};

pub fn exec(global: &GlobalArgs, args: ValidateArgs) -> anyhow::Result<ExitCode> {
    // A check writes nothing: a value the stack lacks is generated for this run only.
    let super::Rendered {
        loaded,
        templates,
        stack: rendered,
        generated: _for_this_run_only,
    } = super::load_and_render(global)?;
    output::print_warnings(&rendered.warnings);
    let metric_warnings = crate::metrics::lint::located(&loaded, &rendered);
    output::print_warnings(&metric_warnings);
    let scratch = Scratch::new("stackctl-validate-")?;
    writer::write(&rendered, scratch.path())
        .context("cannot write the scratch copy for the checkers")?;
    let stack = Stack::new(&loaded.manifest, &loaded.dir, &templates);
    let results = if args.no_docker {
        let images = Remembering::new(NoDocker(VALIDATE_NO_DOCKER));
        let mut results =
            pipeline::local_checks(&loaded, &templates, &rendered, scratch.path(), &images)?;
        results.extend(skipped_component_checks(&stack, &rendered));
        results
    } else {
        let images = Remembering::new(DockerImages::new()?);
        let mut results =
            pipeline::local_checks(&loaded, &templates, &rendered, scratch.path(), &images)?;
        results.extend(images.inner().component_checks(&stack, &rendered));
        results
    };
    // Checks cut short by SIGINT/SIGTERM are not results: the handler exits instead.
    crate::tools::scratch::wait_if_interrupted();
    let manifest = loaded.path.display().to_string();
    if args.json {
        let document = report::json(&manifest, rendered.files.len(), &results, args.strict);
        output::print_json(&document)?;
    } else {
        output::print_validation(&manifest, rendered.files.len(), &results);
    }
    let code = report::exit_code(&results, args.strict);
    // `--strict`: a metric-name warning fails the run too.
    let code = if args.strict && !metric_warnings.is_empty() {
        code.max(1)
    } else {
        code
    };
    Ok(ExitCode::from(code))
}

/// With `--no-docker` the in-image checks are listed as not run, so their absence is visible.
fn skipped_component_checks(stack: &Stack, rendered: &render::RenderedStack) -> Vec<CheckResult> {
    image_checks::checks(stack, rendered)
        .into_iter()
        .map(|check| {
            CheckResult::not_run(
                check.name,
                format!("runs inside `{}`; skipped (`--no-docker`)", check.image),
            )
        })
        .collect()
}
