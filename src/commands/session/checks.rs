//! Before any container changes: the rendered files judged by the programs' local checkers
//! (promtool, amtool), through the same pipeline as `stackctl validate --no-docker`, in a 0700
//! scratch copy that is removed on every exit path. A rejection (`FAILED`) stops the deploy with
//! nothing on Docker touched; an `UNSURE` (a key newer than the local checker, from
//! `extra_config`) lets it proceed with a printed warning.

use super::Session;
use crate::error::CommandError;
use crate::tools::judge::{NoDocker, Remembering};
use crate::tools::scratch::Scratch;
use crate::tools::{pipeline, CheckResult};
use crate::{output, writer};

pub fn judge(session: &Session) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let scratch = Scratch::new("stackctl-deploy-check-")?;
    writer::write(&session.stack, scratch.path())
        .context("cannot write the scratch copy for the checkers")?;
    let images = Remembering::new(NoDocker(
        "deploy judges with the local checkers only (`stackctl validate` also uses the images)",
    ));
    let results = pipeline::local_checks(
        &session.loaded,
        &session.templates,
        &session.stack,
        scratch.path(),
        &images,
    )?;
    crate::tools::scratch::wait_if_interrupted();
    let unsure: Vec<CheckResult> = results.iter().filter(|r| r.unsure()).cloned().collect();
    let failed: Vec<CheckResult> = results.into_iter().filter(CheckResult::failed).collect();
    if !failed.is_empty() {
        output::print_checks(&failed);
        return Err(anyhow::Error::new(
            CommandError::failure(format!(
                "{} check(s) rejected the rendered files; nothing on Docker was changed",
                failed.len()
            ))
            .hint("fix the manifest at the place shown; `stackctl validate` runs every check"),
        ));
    }
    if !unsure.is_empty() {
        output::print_checks(&unsure);
        output::print_warnings(&[format!(
            "deploying although {} check(s) could not judge keys newer than the local checker; \
             the program itself is the last judge of them",
            unsure.len()
        )]);
    }
    Ok(())
}
