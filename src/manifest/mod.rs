//! The manifest: its typed model, loading (file, `.env`, `${VAR}`), and validation.
//!
//! `load` is the only part that touches the disk; `validate` is pure and returns every problem.

mod alerts;
mod diagnostic;
mod duration;
mod env;
mod generated;
mod keys;
mod load;
mod model;
mod notify;
mod old_ways;
pub mod schema;
mod scrape;
mod secret;
mod spans;
mod swarm;
mod telemetry;
pub mod topology;
mod typed;
pub mod validate;
mod yaml_problems;

pub use alerts::{AlertOverride, Alerts, LatencySli, PresetSelection, Rule, RuleGroup, Slo};
pub use diagnostic::{Diagnostic, Location, ManifestError};
pub use duration::PromDuration;
pub(crate) use duration::{format_millis, parse_decimal_seconds, parse_millis};
pub(crate) use generated::{tls_dir, NAME_KEY_VAR, PASSWORD_VAR, TLS_CERT, TLS_DIR, TLS_KEY};
pub use generated::{Generated, TlsPair};
pub(crate) use load::{env_file_warning, load_stdin, MAX_MANIFEST_BYTES, STDIN_NAME};
pub use load::{load, load_str, LoadError, LoadedManifest};
pub use model::*;
pub use notify::{
    Discord, Email, Inhibit, MsTeams, Notify, Opsgenie, OpsgenieResponder, PagerDuty,
    PagerDutyImage, PagerDutyLink, Receiver, Route, Slack, SlackField, Smtp, Telegram,
    TimeInterval, Watchdog, Webhook, WebhookAuth, WebhookBasicAuth,
};
pub(crate) use scrape::EXPORTER_TYPES;
pub use scrape::{DockerDiscovery, Exporter, HttpMetrics, Probe, ScrapeJob};
pub use secret::Secret;
pub use spans::Positions;
pub(crate) use swarm::{AGENT_KINDS, REPLICABLE};
pub use telemetry::{
    Board, BoardPanel, Dashboards, DropStage, LogFile, Logs, MultilineStage, PanelExpr,
    PipelineStage, RegexStage, StageKind, TimestampStage, Traces,
};

/// The file name `stackctl` looks for when `-f` is not given.
pub(crate) const DEFAULT_MANIFEST: &str = "stackctl.yaml";

/// A short description of a pass-through YAML value (`extra_config`, probe modules) for the
/// render-time checks of those values (`a list`, `the number 30`).
pub(crate) fn describe_value(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::Null => "nothing (null)".to_string(),
        serde_yaml::Value::Bool(b) => format!("the boolean `{b}`"),
        serde_yaml::Value::Number(n) => format!("the number `{n}`"),
        serde_yaml::Value::String(s) => format!("the string `{s}`"),
        serde_yaml::Value::Sequence(_) => "a list".to_string(),
        serde_yaml::Value::Mapping(_) => "a mapping".to_string(),
        serde_yaml::Value::Tagged(t) => format!("a value tagged `{}`", t.tag),
    }
}
