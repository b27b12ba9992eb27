//! `stackctl reload`: re-render, and for each running service whose rendered files changed,
//! hot-reload (or restart) it and confirm the program accepted the new config; on rejection
//! restore the previous files, reload again, exit 1 with the program's own message.

use std::process::ExitCode;
use std::time::Duration;

use super::session::config_backup::Backup;
use super::session::observe::observe;
use super::session::reload_in_place::{self as apply, Target};
use super::session::state::record_state;
use super::session::{self, lock, Session};
use crate::cli::GlobalArgs;
use crate::docker::RunState;
use crate::error::CommandError;
use crate::labels;
use crate::output;
use crate::plan::{self, deployed_config, Observed, Plan, ServiceAction};

const TIMEOUT: Duration = Duration::from_secs(120);

pub fn exec(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    output::print_warnings(&session.stack.warnings);
    if super::swarm::wanted(&session) {
        return super::swarm::reload(&session);
    }
    session::runtime()?.block_on(reload(&session))
}

async fn reload(session: &Session) -> anyhow::Result<ExitCode> {
    let engine = session::connect().await?;
    let _lock = lock::acquire(&session.out_dir, &session.project, "reload")?;
    let observed = observe(&engine, session).await?;
    let plan = plan::plan(&session.project, &session.desired, &observed)
        .map_err(|e| anyhow::Error::new(CommandError::failure(e.to_string()).hint(e.hint())))?;
    let survey = survey(session, &observed, &plan);
    if survey.nothing_deployed {
        return Err(CommandError::failure(format!(
            "nothing is deployed for project `{}`: no service to reload",
            session.project
        ))
        .hint("run `stackctl deploy` to start the stack")
        .into());
    }
    for (service, reason) in &survey.outdated {
        output::reload::print_needs_deploy(service, reason);
    }
    for (service, name) in &survey.name_taken {
        output::reload::print_name_taken(service, name);
    }
    if survey.targets.is_empty() && survey.not_running.is_empty() {
        output::reload::print_nothing_to_reload();
        return Ok(ExitCode::SUCCESS);
    }
    if !survey.targets.is_empty() {
        let backup = Backup::take(&session.out_dir)?;
        session.write_rendered()?;
        // Each service's line and outcome are printed by `reload_all` as it goes.
        let progress = output::progress::Progress::new();
        let done = apply::reload_all(
            &engine,
            session,
            &survey.targets,
            &backup,
            (TIMEOUT, &progress),
        )
        .await?;
        record_state(&engine, session).await?;
        output::reload::print_verdict(&session.project, &done);
    }
    if survey.not_running.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    Err(not_running(&survey.not_running).into())
}

/// What reload finds: the services to reload, the ones it cannot reach, the ones only a
/// deploy can bring up to date.
struct Survey<'a> {
    targets: Vec<Target<'a>>,
    /// Declared services without a running container (stopped, or never created).
    not_running: Vec<String>,
    /// Services whose container name a container stackctl did not create holds, and the name.
    name_taken: Vec<(String, String)>,
    /// Services a deploy would recreate, and why.
    outdated: Vec<(String, String)>,
    /// No container of the project at all.
    nothing_deployed: bool,
}

/// Reads the plan a deploy would follow: a service the plan would create or start is not
/// running; one it would recreate needs a deploy (and its config is reloaded meanwhile when it
/// runs and its files changed); one it would reload is a target.
fn survey<'a>(session: &'a Session, observed: &Observed, plan: &Plan) -> Survey<'a> {
    let mut survey = Survey {
        targets: Vec::new(),
        not_running: Vec::new(),
        name_taken: Vec::new(),
        outdated: Vec::new(),
        nothing_deployed: observed.containers.is_empty(),
    };
    for step in plan.steps() {
        let Some(desired) = session.service(&step.service) else {
            continue;
        };
        let target = |container: &str| Target {
            desired,
            container: container.to_string(),
        };
        match &step.action {
            ServiceAction::Create | ServiceAction::Start { .. } => {
                let name = labels::container_name(&session.project, &step.service);
                if plan.foreign.iter().any(|f| f.container == name) {
                    survey.name_taken.push((step.service.clone(), name));
                }
                survey.not_running.push(step.service.clone())
            }
            ServiceAction::Reload { container } => survey.targets.push(target(container)),
            ServiceAction::Recreate {
                container, reason, ..
            } => {
                let Some(c) = (observed.containers.iter())
                    .find(|c| &c.id == container && c.state == RunState::Running)
                else {
                    survey.not_running.push(step.service.clone());
                    continue;
                };
                survey.outdated.push((step.service.clone(), reason.clone()));
                // A container `docker compose` started runs the files on disk (plan::adopt).
                let adopted = !c.is_stackctl();
                if deployed_config(desired, c, adopted, observed) != Some(&desired.config_hash) {
                    survey.targets.push(target(container));
                }
            }
            ServiceAction::Keep { .. } => {}
        }
    }
    survey
}

/// A reload cannot put config into a program that does not run: exit 1, naming each one.
fn not_running(services: &[String]) -> CommandError {
    let names: Vec<String> = services.iter().map(|s| format!("`{s}`")).collect();
    let (verb, pronoun) = if services.len() == 1 {
        ("is", "it")
    } else {
        ("are", "them")
    };
    CommandError::failure(format!(
        "{} {verb} not running, so {} not take the current config",
        names.join(", "),
        if services.len() == 1 {
            "it does"
        } else {
            "they do"
        }
    ))
    .hint(format!(
        "run `stackctl deploy` to start {pronoun} with the current files"
    ))
}
