//! Before any container changes: the rendered files judged by the programs' local checkers
//! (promtool, amtool), as `stackctl validate --no-docker` does. A rejection stops the deploy
//! with nothing on Docker touched; an older local checker's doubt (`UNSURE`) does not.

use anyhow::Context as _;

use super::session::Session;
use crate::commands::Failure;
use crate::render::Stack;
use crate::tools::judge::{NoDocker, Remembering};
use crate::tools::{amtool, promtool, CheckResult};
use crate::{output, writer};

pub fn judge(session: &Session) -> anyhow::Result<()> {
    let templates = crate::commands::templates_for(&session.loaded)?;
    let stack = Stack::new(&session.loaded.manifest, &session.loaded.dir, &templates);
    let work = tempfile::Builder::new()
        .prefix("stackctl-deploy-check-")
        .tempdir()
        .context("cannot create a scratch directory for the checkers")?;
    writer::write(&session.stack, work.path())
        .context("cannot write the scratch copy for the checkers")?;
    let images = Remembering::new(NoDocker);
    let mut results = promtool::checks(&stack, &session.stack, work.path(), &images)?;
    results.extend(amtool::checks(
        &stack,
        &session.stack,
        work.path(),
        &images,
    )?);
    let failed: Vec<CheckResult> = results.into_iter().filter(CheckResult::failed).collect();
    if failed.is_empty() {
        return Ok(());
    }
    output::print_checks(&failed);
    Err(anyhow::Error::new(
        Failure::new(format!(
            "{} check(s) rejected the rendered files; nothing on Docker was changed",
            failed.len()
        ))
        .hint("fix the manifest; `stackctl validate` runs every check"),
    ))
}
