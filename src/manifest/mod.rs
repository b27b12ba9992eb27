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

pub use alerts::AlertOverride;
pub use alerts::LatencySli;
pub use alerts::PresetSelection;
pub use alerts::RuleGroup;
pub use alerts::Slo;
pub use alerts::{Alerts, Rule};
pub use diagnostic::Location;
pub use diagnostic::{Diagnostic, ManifestError};
pub use duration::PromDuration;
pub(crate) use duration::{format_millis, parse_decimal_seconds, parse_millis};
pub use generated::Generated;
pub use generated::TlsPair;
pub(crate) use generated::{tls_dir, NAME_KEY_VAR, PASSWORD_VAR, TLS_CERT, TLS_DIR, TLS_KEY};
pub(crate) use load::{env_file_warning, load_stdin, MAX_MANIFEST_BYTES, STDIN_NAME};
pub use load::{load, load_str, LoadError, LoadedManifest};
pub use model::*;
pub use notify::Discord;
pub use notify::Email;
pub use notify::Inhibit;
pub use notify::MsTeams;
pub use notify::Notify;
pub use notify::Opsgenie;
pub use notify::OpsgenieResponder;
pub use notify::PagerDuty;
pub use notify::PagerDutyImage;
pub use notify::PagerDutyLink;
pub use notify::Slack;
pub use notify::SlackField;
pub use notify::Smtp;
pub use notify::Telegram;
pub use notify::TimeInterval;
pub use notify::Webhook;
pub use notify::WebhookAuth;
pub use notify::WebhookBasicAuth;
pub use notify::{Receiver, Route, Watchdog};
pub use scrape::DockerDiscovery;
pub use scrape::Exporter;
pub use scrape::HttpMetrics;
pub use scrape::Probe;
pub use scrape::ScrapeJob;
pub(crate) use scrape::EXPORTER_TYPES;
pub use secret::Secret;
pub use spans::Positions;
pub(crate) use swarm::{AGENT_KINDS, REPLICABLE};
pub use telemetry::Board;
pub use telemetry::BoardPanel;
pub use telemetry::DropStage;
pub use telemetry::LogFile;
pub use telemetry::MultilineStage;
pub use telemetry::PanelExpr;
pub use telemetry::PipelineStage;
pub use telemetry::RegexStage;
pub use telemetry::StageKind;
pub use telemetry::TimestampStage;
pub use telemetry::Traces;
pub use telemetry::{Dashboards, Logs};

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
