//! Command-line types (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Provision a production-grade monitoring stack from one manifest.
#[derive(Debug, Parser)]
#[command(name = "stackctl", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The manifest to read
    #[arg(
        short = 'f',
        long = "file",
        global = true,
        value_name = "PATH",
        default_value = "stackctl.yaml"
    )]
    pub file: PathBuf,

    /// Where rendered files go (default: `rendered/` beside the manifest)
    #[arg(long = "out", global = true, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// What runs the stack, overriding the manifest's `engine`: containers on this host
    /// (`compose`) or services on a Docker Swarm (`swarm`, see docs/swarm.md)
    #[arg(long, global = true, value_enum, value_name = "ENGINE")]
    pub engine: Option<EngineArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    Compose,
    Swarm,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a stackctl.yaml from a preset, and a .env (0600) with generated secrets
    Init(InitArgs),
    /// Render every config file and docker-compose.yml into the output directory
    Render(RenderArgs),
    /// Check the manifest and the rendered files with the programs' own checkers
    Validate(ValidateArgs),
    /// Render, validate, and bring the stack up on Docker
    Deploy(DeployArgs),
    /// Show containers, health, scrape targets, firing alerts and config drift
    Status(StatusArgs),
    /// Apply changed config: hot-reload where possible, roll back when rejected
    Reload,
    /// Remove the stack's containers and network (data volumes are kept)
    Down(DownArgs),
    /// Prove the alert path: send a test alert through Alertmanager to a receiver
    Notify(NotifyArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The preset to start from (see `stacks/`): minimal, metrics, full
    #[arg(long, default_value = "minimal")]
    pub stack: String,
    /// The project name (default: the directory name)
    #[arg(long)]
    pub project: Option<String>,
    /// Overwrite an existing stackctl.yaml and .env
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Replace files in the output directory that stackctl did not write
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Skip the checks that run inside component images on Docker
    #[arg(long)]
    pub no_docker: bool,
    /// Exit 1 also when a check is UNSURE or could not run (for CI)
    #[arg(long)]
    pub strict: bool,
    /// Print one JSON document (schema_version 1) instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Print the plan without changing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds to wait for each service to become ready
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Also remove containers labelled with the project that stackctl did not create
    #[arg(long)]
    pub remove_orphans: bool,
    /// After the deploy, run `stackctl notify test` on the default receiver
    #[arg(long)]
    pub test_notify: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DownArgs {
    /// Also remove the stack's data volumes
    #[arg(long)]
    pub volumes: bool,
    /// Also remove containers labelled with the project that stackctl did not create
    #[arg(long)]
    pub remove_orphans: bool,
}

#[derive(Debug, Args)]
pub struct NotifyArgs {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Send a synthetic alert (`alertname=StackctlTest`) routed to RECEIVER, report per
    /// integration whether Alertmanager delivered it (with its error when not), then resolve it.
    /// Exit 0 when every integration delivered, 1 otherwise
    Test(NotifyTestArgs),
}

#[derive(Debug, Args)]
pub struct NotifyTestArgs {
    /// The receiver (`notify.receivers`) to test; default: `notify.default`
    pub receiver: Option<String>,
    /// Seconds to wait for Alertmanager to report every integration
    #[arg(long, default_value_t = 90)]
    pub timeout: u64,
}
