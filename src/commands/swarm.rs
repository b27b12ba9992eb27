//! `engine: swarm` for deploy, status, reload and down: the same session (manifest rendered
//! in memory), applied to a Docker Swarm as services, configs, secrets and an overlay network.
//! observe → plan (`swarm_plan`) → apply, as for the compose engine.

mod converge;
mod down;
mod observe;
mod report;
mod task_error;

use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{DeployArgs, DownArgs, GlobalArgs, StatusArgs};
use crate::commands::session::{self, lock};
use crate::docker::Daemon;
use crate::error::CommandError;
use crate::manifest::EngineKind;
use session::Session;

/// Whether the manifest (or `--engine`) asks for a Swarm.
pub fn wanted(session: &Session) -> bool {
    session.loaded.manifest.engine == EngineKind::Swarm
}

pub fn deploy(session: &Session, args: &DeployArgs) -> anyhow::Result<ExitCode> {
    session::runtime()?.block_on(async {
        let daemon = connect_manager().await?;
        let _lock = (!args.dry_run)
            .then(|| lock::acquire(&session.out_dir, &session.project, "deploy"))
            .transpose()?;
        converge::run(
            &daemon,
            session,
            converge::Mode::Deploy {
                dry_run: args.dry_run,
            },
            Duration::from_secs(args.timeout),
        )
        .await
    })
}

pub fn reload(session: &Session) -> anyhow::Result<ExitCode> {
    session::runtime()?.block_on(async {
        let daemon = connect_manager().await?;
        let _lock = lock::acquire(&session.out_dir, &session.project, "reload")?;
        converge::run(
            &daemon,
            session,
            converge::Mode::Reload,
            Duration::from_secs(180),
        )
        .await
    })
}

pub fn status(session: &Session, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    session::runtime()?.block_on(async {
        let daemon = connect_manager().await?;
        report::status(&daemon, session, args.json).await
    })
}

pub fn down(global: &GlobalArgs, project: &str, args: &DownArgs) -> anyhow::Result<ExitCode> {
    let out_dir = std::path::absolute(crate::commands::out_dir(global))?;
    session::runtime()?.block_on(async {
        let daemon = connect_manager().await?;
        let _lock = lock::acquire(&out_dir, project, "down")?;
        down::run(&daemon, project, args.volumes).await
    })
}

/// The daemon, which must be a Swarm manager: only managers create services.
async fn connect_manager() -> anyhow::Result<Daemon> {
    let daemon = session::connect().await?;
    let state = daemon.swarm_state().await?;
    if state.local_state != "active" {
        return Err(CommandError::usage(format!(
            "`engine: swarm` needs a Docker Swarm, but this Docker daemon is not in one (state `{}`)",
            if state.local_state.is_empty() { "inactive" } else { &state.local_state }
        ))
        .hint("run `docker swarm init` here (or `docker swarm join` to an existing Swarm's manager), or deploy with `--engine compose`")
        .into());
    }
    if !state.manager {
        return Err(CommandError::failure("this Docker daemon is a Swarm worker: services are created on managers")
            .hint("run stackctl on a manager node (`docker node ls` there lists the nodes), or point `DOCKER_HOST` at one")
            .into());
    }
    Ok(daemon)
}
