//! `stackctl deploy [--dry-run] [--timeout SECS]`: load → validate → render → write → observe
//! → plan → apply, then reload services whose config content changed, and print the URLs.
//! A second deploy with nothing changed touches no container.

mod apply;
#[cfg(test)]
mod fake_engine;
mod ports;
mod pull;

use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{DeployArgs, GlobalArgs};
use crate::commands::session::{config_backup::Backup, reload_in_place::Target};
use crate::docker::Daemon;
use crate::error::CommandError;
use crate::output;
use crate::output::deploy::{Outcome, Summary};
use crate::plan::{self, Plan, ServiceAction};

use super::session::observe::observe;
use super::session::state::{record_observed_state, record_state};
use super::session::{self, checks, lock, Session};

pub fn exec(global: &GlobalArgs, args: DeployArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    output::print_warnings(&session.stack.warnings);
    if super::swarm::wanted(&session) {
        return super::swarm::deploy(&session, &args);
    }
    let code = session::runtime()?.block_on(deploy(&session, &args))?;
    if args.test_notify && !args.dry_run && code == ExitCode::SUCCESS {
        return super::notify::run(&session, None, Duration::from_secs(90));
    }
    Ok(code)
}

async fn deploy(session: &Session, args: &DeployArgs) -> anyhow::Result<ExitCode> {
    let engine = session::connect().await?;
    // Held until deploy returns: a second deploy waits instead of racing this one.
    let _lock = if args.dry_run {
        None
    } else {
        Some(lock::acquire(&session.out_dir, &session.project, "deploy")?)
    };
    let observed = observe(&engine, session).await?;
    let mut plan = plan::plan(&session.project, &session.desired, &observed)
        .map_err(|e| anyhow::Error::new(CommandError::failure(e.to_string()).hint(e.hint())))?;
    if args.remove_orphans {
        plan.remove_foreign();
    }
    if args.dry_run {
        if args.json {
            output::plan::print_json(&plan)?;
        } else {
            output::plan::print(&plan);
        }
        let changes = plan.counts().any();
        return Ok(if args.detailed_exitcode && changes {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }
    print_foreign(&plan);
    if output::style::verbose() && !plan.is_up_to_date() {
        output::plan::print(&plan);
    }
    if !plan.is_up_to_date() {
        checks::judge(session)?;
    }
    let targets = reload_targets(session, &plan);
    // Only a reload can need the previous files back; a plan without one skips the copy.
    let backup = if targets.is_empty() {
        Backup::empty()
    } else {
        Backup::take(&session.out_dir)?
    };
    session.write_rendered()?;
    if plan.is_up_to_date() {
        record_observed_state(session, &observed)?;
        record_release_lock(&engine, session).await?;
        output::deploy::print_summary(&Summary {
            project: &session.project,
            outcome: Outcome::UpToDate {
                services: session.desired.len(),
            },
            urls: session.urls(),
        });
        return Ok(ExitCode::SUCCESS);
    }
    let timeout = Duration::from_secs(args.timeout);
    let progress = output::progress::Progress::new();
    // Each service's outcome is printed by `apply` the moment it is ready.
    apply::apply(&engine, session, &plan, (timeout, &progress)).await?;
    // And each reload's, the moment it is confirmed.
    crate::commands::session::reload_in_place::reload_all(
        &engine,
        session,
        &targets,
        &backup,
        (timeout, &progress),
    )
    .await?;
    record_state(&engine, session).await?;
    record_release_lock(&engine, session).await?;
    output::deploy::print_summary(&Summary {
        project: &session.project,
        outcome: Outcome::Up {
            services: session.desired.len(),
        },
        urls: session.urls(),
    });
    Ok(ExitCode::SUCCESS)
}

fn reload_targets<'a>(session: &'a Session, plan: &Plan) -> Vec<Target<'a>> {
    plan.steps()
        .filter_map(|step| match &step.action {
            ServiceAction::Reload { container } => Some(Target {
                desired: session.service(&step.service)?,
                container: container.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Locks the releases the manifest leaves open in `stackctl.lock` (first deploy, or a service
/// joined or left), with each image's registry digest (else its id on this host); warns when a
/// locked tag now names other content (the image was re-tagged or rebuilt since).
async fn record_release_lock(engine: &Daemon, session: &Session) -> anyhow::Result<()> {
    use crate::release_lock;
    let previous = crate::commands::read_release_lock(&session.loaded)?;
    let mut images = std::collections::BTreeMap::new();
    for pin in release_lock::pins(&session.loaded, &previous) {
        if let Some(identity) = engine.image_identity(&pin.image).await? {
            images.insert(pin.image, identity);
        }
    }
    for (image, locked, now) in release_lock::moved_images(&previous, &images) {
        output::deploy::print_moved_image(&image, release_lock::LOCK_FILE, &locked, &now);
    }
    let lock = release_lock::after_deploy(&session.loaded, &previous, &images);
    if lock != previous {
        release_lock::write(&session.loaded.dir, &lock)?;
        output::deploy::print_locked(
            lock.components.len(),
            &release_lock::path(&session.loaded.dir),
        );
    }
    Ok(())
}

/// Containers under the project's name that stackctl did not create are left alone.
fn print_foreign(plan: &Plan) {
    if plan.foreign.is_empty() {
        return;
    }
    let names: Vec<&str> = plan.foreign.iter().map(|f| f.container.as_str()).collect();
    output::deploy::print_foreign_kept(&plan.project, &names);
}
