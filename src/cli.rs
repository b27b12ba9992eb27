//! Command-line types (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Provision a production-grade monitoring stack from one manifest.
#[derive(Debug, Parser)]
#[command(name = "stackctl", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub output: OutputArgs,
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

// --- output flags (issue 11 §1) ---

/// How much to print and whether to colour it; global, so they go before or after the command.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Print only errors, warnings and each command's verdict (no progress, no per-file lines)
    #[arg(short = 'q', long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: every readiness check as it changes, the plan before a deploy applies it
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,
    /// Colour verdicts (`FAILED`, `degraded`, `ok`): `auto` on a terminal unless `NO_COLOR`
    /// is set
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto
    )]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

// --- end output flags ---

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
    /// Show what a deploy would change: a unified diff of each rendered file against the one
    /// on disk, and of each service's spec against what its container was created with
    Diff(DiffArgs),
    /// Apply changed config: hot-reload where possible, roll back when rejected; a line per
    /// service while it waits (timestamped on a pipe), each outcome as it happens (on a Swarm:
    /// tasks on the new spec, then each service once its rollout is done)
    #[command(after_help = RELOAD_EXAMPLES)]
    Reload,
    /// Remove the stack's containers and network (data volumes are kept), also of a stack
    /// `docker compose up` started from the exported docker-compose.yml
    Down(DownArgs),
    /// Prove the alert path: send a test alert through Alertmanager to a receiver
    Notify(NotifyArgs),
    // --- operator verbs: logs, silence, backup, restore ---
    /// Show the services' logs, prefixed like docker compose (`prometheus-1  | ...`); a
    /// program's stdout goes to stdout, its stderr to stderr
    #[command(
        after_help = "Examples:\n  stackctl logs\n  stackctl logs prometheus alertmanager --tail 50\n  stackctl logs -f grafana\n\nIn `logs`, `-f` means --follow (as in docker compose); name the manifest with `--file`."
    )]
    Logs(LogsArgs),
    /// Add, list and expire Alertmanager silences
    #[command(after_help = SILENCE_EXAMPLES)]
    Silence(SilenceArgs),
    /// Archive the stack's data (Prometheus TSDB, silences, Grafana, Loki, Pushgateway) into one file
    #[command(after_help = BACKUP_EXAMPLES)]
    Backup(BackupArgs),
    /// Restore a `stackctl backup` archive into the stack's volumes (the stack must be down)
    #[command(after_help = RESTORE_EXAMPLES)]
    Restore(RestoreArgs),

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
    // --- machine output of the plan (issue 11 §3) ---
    /// With `--dry-run`: print the plan as one JSON document (`schema_version` 1)
    #[arg(long, requires = "dry_run")]
    pub json: bool,
    /// With `--dry-run`: exit 0 when there is nothing to do, 2 when there are changes, 1 on
    /// error (as `terraform plan -detailed-exitcode`)
    #[arg(long, requires = "dry_run")]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Args)]
#[command(after_help = STATUS_EXAMPLES)]
pub struct StatusArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

// --- `stackctl diff` (issue 11 §3) ---

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stackctl diff                       what `deploy` would change, as unified diffs
  stackctl diff prometheus            only prometheus' files and container
  stackctl diff --detailed-exitcode   exit 2 when anything differs (for CI)")]
pub struct DiffArgs {
    /// Only these services (their files and containers); default: everything
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Print one JSON document (`schema_version` 1) instead of diffs
    #[arg(long)]
    pub json: bool,
    /// Exit 0 when nothing differs, 2 when something does, 1 on error
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Compare the rendered files only, without asking Docker about containers
    #[arg(long)]
    pub no_docker: bool,
}

// --- end `stackctl diff` ---

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

// --- operator verbs: logs, silence, backup, restore ---

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Services to show (default: every service with a container)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Keep printing new lines as they are written, until interrupted
    #[arg(long)]
    pub follow: bool,
    /// Only the last N lines of each service
    #[arg(long, value_name = "N")]
    pub tail: Option<usize>,
    /// Show Docker's timestamp before each line
    #[arg(short = 't', long)]
    pub timestamps: bool,
}

#[derive(Debug, Args)]
pub struct SilenceArgs {
    #[command(subcommand)]
    pub command: SilenceCommand,
}

#[derive(Debug, Subcommand)]
pub enum SilenceCommand {
    /// Silence the alerts that match every `--match`; prints the silence ID
    #[command(
        after_help = "Examples:\n  stackctl silence add --match alertname=InstanceDown --for 2h --comment 'host rebuild'\n  stackctl silence add --match 'instance=~web-.*' --match severity!=critical"
    )]
    Add(SilenceAddArgs),
    /// List active and pending silences
    Ls(SilenceLsArgs),
    /// End a silence now
    Expire(SilenceExpireArgs),
}

#[derive(Debug, Args)]
pub struct SilenceAddArgs {
    /// A matcher: `label=value`, `label!=value`, `label=~regex` or `label!~regex` (repeatable)
    #[arg(long = "match", value_name = "MATCHER", required = true)]
    pub matchers: Vec<String>,
    /// How long the silence lasts (`30m`, `2h`, `1d`)
    #[arg(long = "for", value_name = "DURATION", default_value = "1h")]
    pub duration: String,
    /// Why (Alertmanager requires one)
    #[arg(long, default_value = "silenced with stackctl")]
    pub comment: String,
    /// Who (default: $USER)
    #[arg(long)]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct SilenceLsArgs {
    /// Also list expired silences
    #[arg(long)]
    pub all: bool,
    /// Print Alertmanager's JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SilenceExpireArgs {
    /// The silence's ID (from `stackctl silence ls`)
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The archive to write (default: `PROJECT-backup-YYYYMMDDTHHMMSSZ.tar.gz` in the current
    /// directory); after `backup`, `--out FILE` means this too
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The archive `stackctl backup` wrote
    #[arg(value_name = "FILE")]
    pub archive: PathBuf,
    /// Replace data in volumes that already hold some
    #[arg(long)]
    pub force: bool,
}

/// The command line with the verbs' own meaning of two global flags after their name: in
/// `logs`, `-f` is `--follow` (as in docker compose); in `backup`, `--out FILE` is the
/// archive (`--output`). Before the subcommand, `-f/--file` and `--out` keep their meaning.
pub fn args_from(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    let mut subcommand: Option<String> = None;
    let mut takes_value = false;
    for (i, arg) in args.into_iter().enumerate() {
        let text = arg.to_string_lossy().into_owned();
        if i == 0 {
            out.push(arg);
            continue;
        }
        match &subcommand {
            None if takes_value => takes_value = false,
            None if text == "-f" || text == "--file" || text == "--out" => takes_value = true,
            None if !text.starts_with('-') => subcommand = Some(text.clone()),
            Some(name) if name == "logs" && text == "-f" => {
                out.push("--follow".into());
                continue;
            }
            Some(name) if name == "backup" && (text == "--out" || text.starts_with("--out=")) => {
                out.push(text.replacen("--out", "--output", 1).into());
                continue;
            }
            _ => {}
        }
        out.push(arg);
    }
    out
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
  stackctl -q reload                     only the verdict line
  stackctl -f ops/stackctl.yaml reload";
const DOWN_EXAMPLES: &str = "Examples:
  stackctl down                          remove containers and network, keep data
  stackctl down --volumes                also delete the stack's data";
const NOTIFY_EXAMPLES: &str = "Examples:
  stackctl notify test                   test the default receiver
  stackctl notify test oncall --timeout 30";
const SILENCE_EXAMPLES: &str = "Examples:
  stackctl silence add --match alertname=InstanceDown --for 2h --comment 'host rebuild'
  stackctl silence ls
  stackctl silence expire 5f1c2a0e-8d3b-4c1e-9a7f-0b6d2e4f8a19";
const BACKUP_EXAMPLES: &str = "Examples:
  stackctl backup                        <project>-backup-<time>.tar.gz in this directory
  stackctl backup --out /srv/backups/monitoring.tar.gz";
const RESTORE_EXAMPLES: &str = "Examples:
  stackctl down && stackctl restore monitoring.tar.gz && stackctl deploy
  stackctl restore monitoring.tar.gz --force   replace volumes that exist";
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(args: &[&str]) -> Vec<String> {
        args_from(args.iter().map(std::ffi::OsString::from))
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn f_follows_inside_logs_and_names_the_manifest_before_the_subcommand() {
        let cases: [(&[&str], &[&str]); 5] = [
            (
                &["s", "logs", "-f", "prometheus"],
                &["s", "logs", "--follow", "prometheus"],
            ),
            (
                &["s", "-f", "x.yaml", "logs", "-f"],
                &["s", "-f", "x.yaml", "logs", "--follow"],
            ),
            (
                &["s", "deploy", "-f", "x.yaml"],
                &["s", "deploy", "-f", "x.yaml"],
            ),
            (
                &["s", "backup", "--out", "b.tgz"],
                &["s", "backup", "--output", "b.tgz"],
            ),
            (
                &["s", "--out", "r", "backup", "--out=b.tgz"],
                &["s", "--out", "r", "backup", "--output=b.tgz"],
            ),
        ];
        for (args, want) in cases {
            assert_eq!(rewritten(args), want, "{args:?}");
        }
        let cli = Cli::try_parse_from(args_from(
            ["stackctl", "logs", "-f", "--tail", "3", "grafana"].map(std::ffi::OsString::from),
        ))
        .unwrap();
        match cli.command {
            Command::Logs(logs) => {
                assert!(logs.follow);
                assert_eq!(logs.tail, Some(3));
                assert_eq!(logs.services, ["grafana"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
