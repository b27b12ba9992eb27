//! Command-line types (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// The manifest to read; `-` reads it from standard input. Default: `stackctl.yaml` here or
    /// in the nearest parent directory that has one. For `init`: the manifest to write
    /// (default `./stackctl.yaml`)
    #[arg(short = 'f', long = "file", global = true, value_name = "PATH")]
    pub file_arg: Option<PathBuf>,

    /// The manifest after discovery (`commands::run` sets it from `-f` or the search upwards).
    #[arg(skip)]
    pub file: PathBuf,

    /// Where rendered files go (default: `rendered/` beside the manifest)
    #[arg(long = "out", global = true, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
    #[command(after_help = RELOAD_EXAMPLES)]
    Reload,
    /// Remove the stack's containers and network (data volumes are kept)
    Down(DownArgs),
    /// Prove the alert path: send a test alert through Alertmanager to a receiver
    Notify(NotifyArgs),

    // Editors, shells and versions (issue 11 §2 and §4).
    /// Print the manifest's JSON Schema (for editors: completion, hover help, squiggles)
    Schema(SchemaArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a directory
    Man(ManArgs),
    /// List each component's pinned release beside the newest release stackctl knows
    Outdated(OutdatedArgs),
    /// Bump pinned releases to the newest known; show what changes before anything is deployed
    Upgrade(UpgradeArgs),
}

#[derive(Debug, Args)]
#[command(after_help = INIT_EXAMPLES)]
pub struct InitArgs {
    /// The preset to start from
    #[arg(long, value_enum, default_value_t = StackPreset::Minimal)]
    pub stack: StackPreset,
    /// The project name (default: the directory name)
    #[arg(long)]
    pub project: Option<String>,
    /// Overwrite an existing stackctl.yaml and .env
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(after_help = RENDER_EXAMPLES)]
pub struct RenderArgs {
    /// Replace files in the output directory that stackctl did not write
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(after_help = VALIDATE_EXAMPLES)]
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
#[command(after_help = DEPLOY_EXAMPLES)]
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
#[command(after_help = STATUS_EXAMPLES)]
pub struct StatusArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = DOWN_EXAMPLES)]
pub struct DownArgs {
    /// Also remove the stack's data volumes
    #[arg(long)]
    pub volumes: bool,
    /// Also remove containers labelled with the project that stackctl did not create
    #[arg(long)]
    pub remove_orphans: bool,
}

#[derive(Debug, Args)]
#[command(after_help = NOTIFY_EXAMPLES)]
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

// Editors, shells and versions (issue 11 §2 and §4).

/// The presets `init` starts from (the files in `stacks/`, embedded in the binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StackPreset {
    /// Prometheus, Alertmanager and node_exporter
    Minimal,
    /// Metrics, dashboards and probes: adds Grafana, cAdvisor, blackbox_exporter, Pushgateway
    Metrics,
    /// Metrics, logs (Loki, Alloy), traces (Jaeger), an SLO and alert routing
    Full,
}

impl StackPreset {
    /// The preset's file name in `stacks/` without extension.
    pub fn name(self) -> &'static str {
        match self {
            StackPreset::Minimal => "minimal",
            StackPreset::Metrics => "metrics",
            StackPreset::Full => "full",
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = SCHEMA_EXAMPLES)]
pub struct SchemaArgs {
    /// Write it to `.stackctl/schema.json` beside the manifest (where `init`'s modeline points)
    /// instead of printing it
    #[arg(long)]
    pub write: bool,
}

#[derive(Debug, Args)]
#[command(after_help = COMPLETIONS_EXAMPLES)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_help = MAN_EXAMPLES)]
pub struct ManArgs {
    /// Write `stackctl.1` and one `stackctl-COMMAND.1` per command into DIR
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = OUTDATED_EXAMPLES)]
pub struct OutdatedArgs {
    /// Print one JSON document instead of a table
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when a release is behind the newest known (for CI)
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
#[command(after_help = UPGRADE_EXAMPLES)]
pub struct UpgradeArgs {
    /// The components to upgrade (`prometheus`, `grafana`, an exporter's service name such as
    /// `redis-exporter`); default: every one that is behind
    #[arg(value_name = "COMPONENT")]
    pub components: Vec<String>,
    /// Show the version gates that flip and the diff of rendered files, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

const INIT_EXAMPLES: &str = "Examples:
  stackctl init                          minimal stack in ./stackctl.yaml, project = directory name
  stackctl init --stack full --project shop
  stackctl init -f ops/stackctl.yaml     write ops/stackctl.yaml, ops/.env, ops/.gitignore";
const RENDER_EXAMPLES: &str = "Examples:
  stackctl render                        write rendered/ beside the manifest
  stackctl render --out /tmp/stack       somewhere else
  cat stackctl.yaml | stackctl render -f - --out /tmp/stack";
const VALIDATE_EXAMPLES: &str = "Examples:
  stackctl validate                      every check, in Docker where a checker is missing
  stackctl validate --no-docker --strict local checkers only; UNSURE fails (CI)
  stackctl validate --json | jq .summary";
const DEPLOY_EXAMPLES: &str = "Examples:
  stackctl deploy --dry-run              print the plan, change nothing
  stackctl deploy                        converge Docker to the manifest
  stackctl deploy --timeout 300 --test-notify";
const STATUS_EXAMPLES: &str = "Examples:
  stackctl status                        containers, health, targets, alerts, drift
  stackctl status --json | jq '.services[] | select(.health != \"healthy\")'";
const RELOAD_EXAMPLES: &str = "Examples:
  stackctl reload                        after editing alert rules or routes
  stackctl -f ops/stackctl.yaml reload";
const DOWN_EXAMPLES: &str = "Examples:
  stackctl down                          remove containers and network, keep data
  stackctl down --volumes                also delete the stack's data";
const NOTIFY_EXAMPLES: &str = "Examples:
  stackctl notify test                   test the default receiver
  stackctl notify test oncall --timeout 30";
const SCHEMA_EXAMPLES: &str = "Examples:
  stackctl schema > stackctl.schema.json
  stackctl schema --write                refresh .stackctl/schema.json after upgrading stackctl

Editors with yaml-language-server (VS Code YAML, Neovim, Helix, Zed) read the first line that
`stackctl init` writes into stackctl.yaml:
  # yaml-language-server: $schema=.stackctl/schema.json";
const COMPLETIONS_EXAMPLES: &str = "Examples:
  stackctl completions bash > ~/.local/share/bash-completion/completions/stackctl
  stackctl completions zsh > \"${fpath[1]}/_stackctl\"
  stackctl completions fish > ~/.config/fish/completions/stackctl.fish";
const MAN_EXAMPLES: &str = "Examples:
  stackctl man | man -l -
  stackctl man --dir /usr/local/share/man/man1 && mandb";
const OUTDATED_EXAMPLES: &str = "Examples:
  stackctl outdated                      pinned release, where it is pinned, newest known
  stackctl outdated --exit-code          exit 1 when something is behind (CI)";
const UPGRADE_EXAMPLES: &str = "Examples:
  stackctl upgrade --dry-run             what would change: releases, version gates, rendered files
  stackctl upgrade prometheus grafana    bump two components, then review and `stackctl deploy`
  stackctl upgrade                       bump everything that is behind";
