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
    // --- operator verbs: logs, silence, backup, restore ---
    /// Show the services' logs, prefixed like docker compose (`prometheus-1  | ...`); a
    /// program's stdout goes to stdout, its stderr to stderr
    #[command(
        after_help = "Examples:\n  stackctl logs\n  stackctl logs prometheus alertmanager --tail 50\n  stackctl logs -f grafana\n\nIn `logs`, `-f` means --follow (as in docker compose); name the manifest with `--file`."
    )]
    Logs(LogsArgs),
    /// Add, list and expire Alertmanager silences
    Silence(SilenceArgs),
    /// Archive the stack's data (Prometheus TSDB, silences, Grafana, Loki, Pushgateway) into one file
    Backup(BackupArgs),
    /// Restore a `stackctl backup` archive into the stack's volumes (the stack must be down)
    Restore(RestoreArgs),
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
