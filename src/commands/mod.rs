//! One file per command: turns arguments into domain values and calls the core.

mod backup;
mod completions;
mod deploy;
mod diff;
pub mod discover;
mod down;
mod endpoint;
pub(crate) mod generated;
mod init;
mod logs;
mod man;
mod notify;
mod outdated;
mod reload;
mod render;
mod schema;
pub(crate) mod session;
mod silence;
mod status;
mod swarm;
pub(crate) use status::prometheus as status_view;
mod upgrade;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::error::CommandError;
use crate::manifest::{LoadError, ManifestError};

/// The output directory used when `--out` is not given, beside the manifest.
pub(crate) const DEFAULT_OUT_DIR: &str = "rendered";

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    crate::output::style::configure(&cli.output);
    let mut global = cli.global;
    // `init` writes `./stackctl.yaml` (or `-f`); every other command finds the nearest one.
    let search = !matches!(cli.command, Command::Init(_));
    global.file = discover::manifest_path(global.file_arg.as_deref(), Path::new("."), search);
    match cli.command {
        Command::Init(args) => init::exec(&global, args),
        Command::Render(args) => render::exec(&global, &args),
        Command::Validate(args) => validate::exec(&global, args),
        Command::Deploy(args) => deploy::exec(&global, args),
        Command::Status(args) => status::exec(&global, args),
        Command::Diff(args) => diff::exec(&global, args),
        Command::Reload => reload::exec(&global),
        Command::Down(args) => down::exec(&global, args),
        Command::Notify(args) => notify::exec(&global, args),
        Command::Logs(args) => logs::exec(&global, args),
        Command::Silence(args) => silence::exec(&global, args),
        Command::Backup(args) => backup::exec_backup(&global, args),
        Command::Restore(args) => backup::exec_restore(&global, args),
        // Editors, shells and versions (issue 11 §2 and §4).
        Command::Schema(args) => schema::exec(&global, &args),
        Command::Completions(args) => completions::exec(&args),
        Command::Man(args) => man::exec(&args),
        Command::Outdated(args) => outdated::exec(&global, &args),
        Command::Upgrade(args) => upgrade::exec(&global, &args),
    }
}

/// Loads the manifest (`-f`, `-f -`, or found upwards) with `stackctl.lock` applied: a service
/// the manifest does not pin runs the locked release. A missing file is bad input (exit 2).
pub(crate) fn load_manifest(
    global: &GlobalArgs,
) -> anyhow::Result<crate::manifest::LoadedManifest> {
    let mut loaded = load_manifest_as_written(global)?;
    let lock = read_release_lock(&loaded)?;
    crate::release_lock::apply(&mut loaded, &lock).map_err(lock_usage_error)?;
    Ok(loaded)
}

/// The manifest loaded (`load_manifest`) and rendered in memory, with its templates and the
/// values generated for it that are not saved yet.
pub(crate) struct Rendered {
    pub loaded: crate::manifest::LoadedManifest,
    pub templates: crate::render::Templates,
    pub stack: crate::render::RenderedStack,
    /// What the stack needed and lacked (web password, Swarm key, TLS pair), made for this
    /// render: a command that writes the rendered files saves it with them
    /// (`generated::Unsaved::save`); one that writes nothing (`validate`) drops it.
    pub generated: generated::Unsaved,
}

/// Loads and renders the manifest in memory; nothing is written, so a manifest that does not
/// render (or that a checker then rejects) leaves nothing behind.
pub(crate) fn load_and_render(global: &GlobalArgs) -> anyhow::Result<Rendered> {
    let mut loaded = load_manifest(global)?;
    let generated = generated::complete(&mut loaded)?;
    let templates = templates_for(&loaded)?;
    let stack = crate::render::render(&loaded, &templates)?;
    Ok(Rendered {
        loaded,
        templates,
        stack,
        generated,
    })
}

/// `stackctl.lock` beside the loaded manifest (none: an empty lock).
pub(crate) fn read_release_lock(
    loaded: &crate::manifest::LoadedManifest,
) -> anyhow::Result<crate::release_lock::ReleaseLock> {
    crate::release_lock::read(&loaded.dir).map_err(lock_usage_error)
}

fn lock_usage_error(error: crate::release_lock::LockError) -> anyhow::Error {
    CommandError::usage(error.message).hint(error.hint).into()
}

/// Loads the manifest as written, without `stackctl.lock`.
pub(crate) fn load_manifest_as_written(
    global: &GlobalArgs,
) -> anyhow::Result<crate::manifest::LoadedManifest> {
    let mut loaded = load_from_file_or_stdin(global)?;
    crate::output::print_warnings(&loaded.warnings);
    engine_override(global, &mut loaded)?;
    Ok(loaded)
}

/// The manifest `-f` names (or standard input, or the one found upwards), loaded.
fn load_from_file_or_stdin(global: &GlobalArgs) -> anyhow::Result<crate::manifest::LoadedManifest> {
    if discover::is_stdin(&global.file) {
        let bytes = discover::stdin_bytes()
            .map_err(|e| anyhow::anyhow!("cannot read the manifest from standard input: {e}"))?;
        let stdin = std::path::Path::new(crate::manifest::STDIN_NAME);
        let env_warning = crate::manifest::env_file_warning(stdin);
        crate::output::print_warnings(env_warning.as_slice());
        return Ok(crate::manifest::load_stdin(bytes)?);
    }
    let missing = || {
        CommandError::usage(format!("no manifest at `{}`", global.file.display())).hint(
            "run `stackctl init` to create one, or name it with `-f PATH` (without `-f`, stackctl looks for `stackctl.yaml` here and in every parent directory)",
        )
    };
    if !global.file.exists() {
        return Err(missing().into());
    }
    let env_warning = crate::manifest::env_file_warning(&global.file);
    crate::output::print_warnings(env_warning.as_slice());
    match crate::manifest::load(&global.file) {
        Ok(loaded) => Ok(loaded),
        Err(LoadError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Err(missing().into())
        }
        Err(e) => Err(e.into()),
    }
}

/// `--engine` replaces the manifest's `engine`; what the new engine cannot do is reported as
/// a manifest problem, at the key that causes it.
fn engine_override(
    global: &GlobalArgs,
    loaded: &mut crate::manifest::LoadedManifest,
) -> anyhow::Result<()> {
    use crate::cli::EngineArg;
    use crate::manifest::EngineKind;
    let Some(engine) = global.engine else {
        return Ok(());
    };
    let engine = match engine {
        EngineArg::Compose => EngineKind::Compose,
        EngineArg::Swarm => EngineKind::Swarm,
    };
    if loaded.manifest.engine == engine {
        return Ok(());
    }
    loaded.manifest.engine = engine;
    let mut problems = Vec::new();
    if engine == EngineKind::Swarm {
        crate::manifest::validate::swarm::check_bind(&loaded.manifest, &mut problems);
    }
    if problems.is_empty() {
        return Ok(());
    }
    for problem in &mut problems {
        problem.location = loaded.positions.find(&problem.path);
    }
    Err(ManifestError {
        file: loaded.path.clone(),
        source_text: loaded.source.clone(),
        problems,
    }
    .into())
}

/// The project's templates: the embedded ones, overridden by `templates/` beside the manifest.
pub(crate) fn templates_for(
    loaded: &crate::manifest::LoadedManifest,
) -> anyhow::Result<crate::render::Templates> {
    crate::render::Templates::with_overrides(Some(&loaded.dir.join("templates")))
}

/// The output directory: `--out`, else `rendered/` beside the manifest.
pub(crate) fn out_dir(global: &GlobalArgs) -> PathBuf {
    match &global.out {
        Some(out) => out.clone(),
        None => manifest_dir(global).join(DEFAULT_OUT_DIR),
    }
}

/// `name` beside the manifest, as a path to print: `.env`, or `ops/.env` for `-f ops/stackctl.yaml`.
pub(crate) fn beside_manifest(global: &GlobalArgs, name: &str) -> PathBuf {
    match global.file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(name),
        _ => PathBuf::from(name),
    }
}

pub(crate) fn manifest_dir(global: &GlobalArgs) -> PathBuf {
    match global.file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
