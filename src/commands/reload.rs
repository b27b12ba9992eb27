//! `stackctl reload`: re-render, and for each running service whose rendered files changed,
//! hot-reload (or restart) it and confirm the program accepted the new config; on rejection
//! restore the previous files, reload again, exit 1 with the program's own message.

pub(crate) mod apply;
pub(crate) mod backup;

use std::process::ExitCode;
use std::time::Duration;

use super::deploy::session::{self, Session};
use super::deploy::{observe, record_state};
use crate::cli::GlobalArgs;
use crate::docker::{labels, RunState};
use crate::{output, writer};
use apply::Target;
use backup::Backup;

const TIMEOUT: Duration = Duration::from_secs(120);

pub fn exec(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    output::print_warnings(&session.stack.warnings);
    session::runtime()?.block_on(reload(&session))
}

async fn reload(session: &Session) -> anyhow::Result<ExitCode> {
    let engine = session::connect().await?;
    let observed = observe(&engine, session).await?;
    let mut targets = Vec::new();
    for d in &session.desired {
        let name = labels::container_name(&session.project, &d.spec.name);
        let Some(c) = observed
            .containers
            .iter()
            .find(|c| c.name == name && c.state == RunState::Running)
        else {
            eprintln!(
                "warning: `{}` is not running; run `stackctl deploy` to start it",
                d.spec.name
            );
            continue;
        };
        if c.label(labels::SPEC_HASH) != Some(d.spec_hash.as_str()) {
            eprintln!("warning: `{}` needs a new container (image, ports or flags changed); run `stackctl deploy`", d.spec.name);
        }
        let deployed = observed
            .deployed_config
            .get(&c.id)
            .map(String::as_str)
            .or(c.label(labels::CONFIG_HASH));
        if deployed != Some(d.config_hash.as_str()) {
            targets.push(Target {
                desired: d,
                container: c.id.clone(),
            });
        }
    }
    if targets.is_empty() {
        println!("nothing to reload: every running service has its current config");
        return Ok(ExitCode::SUCCESS);
    }
    let backup = Backup::take(&session.out_dir)?;
    writer::write(&session.stack, &session.out_dir)?;
    let done = apply::reload_all(&engine, session, &targets, &backup, TIMEOUT).await?;
    record_state(&engine, session).await?;
    for (service, how) in done {
        println!("{service:<20} {how}");
    }
    Ok(ExitCode::SUCCESS)
}
