//! Loki 3.x single-node config (`loki/loki.yaml`): filesystem storage, tsdb + v13 schema,
//! compactor-driven retention, ruler alerts to the stack's Alertmanager.
//!
//! Decides the values (retention, Alertmanager URL) in Rust; the template only lays them out.
//! Never emits the keys Loki 3 removed or deprecated (reference/config-formats.md §3.5).

use serde::Serialize;

use super::jaeger::go_duration;
use super::{Component, Draft, Kind, Stack};
use crate::manifest::{Diagnostic, PromDuration};

/// Where the rendered file appears inside the container (`rendered/loki` → `/etc/loki`).
pub(crate) const CONFIG_PATH: &str = "/etc/loki/loki.yaml";
/// Logs are kept this long unless `components.loki.retention` says otherwise.
pub(crate) const DEFAULT_RETENTION: &str = "30d";
const DAY_MILLIS: u64 = 24 * 3600 * 1000;

#[derive(Debug, Serialize)]
struct LokiContext {
    http_port: u16,
    /// Go-style duration (`720h`); `0s` keeps logs forever.
    retention_period: String,
    alertmanager_url: Option<String>,
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let (Some(loki), Some(settings)) = (stack.get(&Kind::Loki), &stack.manifest.components.loki)
    else {
        return Ok(());
    };
    if loki.version < crate::catalog::versions::LOKI.oldest {
        draft.problem(
            Diagnostic::new(
                format!("{}.version", loki.key),
                format!("Loki {} is older than 3.0", loki.version),
            )
            .hint("stackctl renders Loki 3.x configuration (tsdb, schema v13); use 3.0 or newer"),
        );
        return Ok(());
    }
    let default = PromDuration::parse(DEFAULT_RETENTION);
    let retention = settings.retention.as_ref().unwrap_or(&default);
    let Some(retention_period) = retention_period(retention) else {
        draft.problem(
            Diagnostic::new(
                format!("{}.retention", loki.key),
                format!("`{retention}` is not a retention Loki accepts"),
            )
            .hint("use a duration of at least 24h such as `30d`, or `0s` to keep logs forever"),
        );
        return Ok(());
    };
    let context = LokiContext {
        http_port: loki.container_port,
        retention_period,
        alertmanager_url: stack.get(&Kind::Alertmanager).map(Component::internal_url),
    };
    let text = stack.templates.render("loki/loki.yaml.j2", &context)?;
    let extra = settings.extra_config.as_ref();
    let key = "components.loki.extra_config";
    super::yaml_overlay::add_yaml(draft, "loki/loki.yaml", text, extra, key)
}

/// Loki's `retention_period`: at least 24h in Go spelling (`720h`), or `0s` (keep forever).
fn retention_period(retention: &PromDuration) -> Option<String> {
    match retention.millis()? {
        0 => Some("0s".to_string()),
        ms if ms >= DAY_MILLIS => Some(go_duration(ms)),
        _ => None,
    }
}

/// The container command line (replaces the image's CMD, which points at a sample config).
pub fn command(stack: &Stack, component: &Component) -> Vec<String> {
    let _ = (stack, component);
    vec![format!("-config.file={CONFIG_PATH}")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_at_least_a_day_in_go_spelling() {
        let cases = [
            ("30d", Some("720h")),
            ("24h", Some("24h")),
            ("2w", Some("336h")),
            ("0s", Some("0s")),
            ("12h", None),
            ("36h30m", Some("36h30m")),
            ("soon", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                retention_period(&PromDuration::parse(text)).as_deref(),
                want,
                "{text}"
            );
        }
    }
}
