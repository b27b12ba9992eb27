//! Jaeger v2 (`jaeger/config.yaml`, OpenTelemetry-collector style): OTLP, Zipkin and legacy
//! Jaeger (thrift HTTP, gRPC) receivers on 0.0.0.0, memory/badger/Elasticsearch/OpenSearch
//! storage (`storage.rs`), the query base path, health check v2 and Prometheus metrics on 8888.
//!
//! Never emits Jaeger v1 settings (env vars, `--memory.max-traces`) or the old
//! `service.telemetry.metrics.address` form (reference/config-formats.md §5.5).

use serde::Serialize;

mod storage;

use super::{Component, Draft, Kind, Stack};
use crate::manifest::Diagnostic;

pub(crate) const CONFIG_PATH: &str = "/etc/jaeger/config.yaml";
/// Badger keeps its data here, on the `jaeger-data` volume mounted at `/tmp`: the image's
/// `/tmp` (mode 1777) makes a new volume writable by uid 10001, a `/badger` volume would be
/// root-owned (see `services::JAEGER_VOLUME_TARGET`).
pub const DATA_DIR: &str = "/tmp/badger";
/// Jaeger's own Prometheus metrics (OTel `readers` pull exporter).
pub(crate) const METRICS_PORT: u16 = crate::catalog::components::JAEGER_METRICS_PORT;
/// `GET /status` (healthcheckv2).
pub(crate) const HEALTH_PORT: u16 = 13133;
pub(crate) const OTLP_GRPC_PORT: u16 = 4317;
pub(crate) const OTLP_HTTP_PORT: u16 = 4318;
pub(crate) const ZIPKIN_PORT: u16 = 9411;
/// Jaeger's legacy receivers (`traces.jaeger`): thrift over HTTP and the Jaeger gRPC API.
pub(crate) const THRIFT_HTTP_PORT: u16 = 14268;
pub(crate) const JAEGER_GRPC_PORT: u16 = 14250;
/// Traces are kept this long with badger unless `components.jaeger.retention` says otherwise.
pub(crate) const DEFAULT_RETENTION: &str = "72h";
/// Memory storage keeps at most this many traces.
pub const MEMORY_MAX_TRACES: u64 = 100_000;

#[derive(Debug, Serialize)]
struct JaegerContext {
    receivers: Vec<&'static str>,
    otlp: bool,
    zipkin: bool,
    /// Jaeger's legacy receivers (thrift HTTP, Jaeger gRPC).
    legacy: bool,
    storage: storage::StorageContext,
    base_path: Option<String>,
    ports: Ports,
}

#[derive(Debug, Serialize)]
struct Ports {
    health: u16,
    metrics: u16,
    otlp_grpc: u16,
    otlp_http: u16,
    zipkin: u16,
    thrift_http: u16,
    jaeger_grpc: u16,
}

/// Whether OTLP receivers run (`traces.otlp`, default true).
pub(crate) fn otlp_enabled(stack: &Stack) -> bool {
    stack.manifest.traces.otlp.unwrap_or(true)
}

/// `components.jaeger.base_path` (`/jaeger`), or `""`: what follows `host:16686` in the
/// UI's and the query API's URLs.
pub fn base_path<'a>(stack: &Stack<'a>) -> &'a str {
    stack
        .manifest
        .components
        .jaeger
        .as_ref()
        .and_then(|j| j.base_path.as_deref())
        .filter(|p| *p != "/")
        .unwrap_or("")
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let (Some(jaeger), Some(settings)) =
        (stack.get(&Kind::Jaeger), &stack.manifest.components.jaeger)
    else {
        return Ok(());
    };
    let traces = &stack.manifest.traces;
    let otlp = otlp_enabled(stack);
    let receivers: Vec<&'static str> = [
        (otlp, "otlp"),
        (traces.jaeger, "jaeger"),
        (traces.zipkin, "zipkin"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, r)| r)
    .collect();
    if receivers.is_empty() {
        draft.problem(
            Diagnostic::new(
                "traces.otlp",
                "`traces` turns off every receiver, so Jaeger could not accept any trace",
            )
            .hint("keep `otlp: true` (the default), or set `jaeger: true` or `zipkin: true`"),
        );
        return Ok(());
    }
    let base_path = check_base_path(settings.base_path.as_deref(), &jaeger.key, draft);
    let Some(storage) = storage::context(settings, &jaeger.key, draft) else {
        return Ok(());
    };
    let context = JaegerContext {
        receivers,
        otlp,
        zipkin: traces.zipkin,
        legacy: traces.jaeger,
        storage,
        base_path: base_path.filter(|p| p != "/"),
        ports: Ports {
            health: HEALTH_PORT,
            metrics: METRICS_PORT,
            otlp_grpc: OTLP_GRPC_PORT,
            otlp_http: OTLP_HTTP_PORT,
            zipkin: ZIPKIN_PORT,
            thrift_http: THRIFT_HTTP_PORT,
            jaeger_grpc: JAEGER_GRPC_PORT,
        },
    };
    let text = stack.templates.render("jaeger/config.yaml.j2", &context)?;
    let extra = settings.extra_config.as_ref();
    let key = "components.jaeger.extra_config";
    super::yaml_overlay::add_yaml(draft, "jaeger/config.yaml", text, extra, key)
}

/// A path starting with `/`, without a trailing `/` or characters a URL path cannot hold.
fn check_base_path(path: Option<&str>, key: &str, draft: &mut Draft) -> Option<String> {
    let path = path?;
    let valid = path == "/"
        || (path.starts_with('/')
            && !path.ends_with('/')
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c)));
    if !valid {
        draft.problem(
            Diagnostic::new(
                format!("{key}.base_path"),
                format!("`{path}` is not a base path"),
            )
            .hint("write a URL path starting with `/` and without a trailing `/`, e.g. `/jaeger`"),
        );
        return None;
    }
    Some(path.to_string())
}

/// A Go `time.Duration` spelling (`72h`, `1h30m`): Go has no `d` or `w` units.
pub(crate) fn go_duration(millis: u64) -> String {
    let (hours, rest) = (millis / 3_600_000, millis % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, ms) = (rest / 1000, rest % 1000);
    let mut out = String::new();
    for (amount, unit) in [(hours, "h"), (minutes, "m"), (seconds, "s"), (ms, "ms")] {
        if amount > 0 {
            out.push_str(&format!("{amount}{unit}"));
        }
    }
    if out.is_empty() {
        "0s".to_string()
    } else {
        out
    }
}

/// The container command line (the image has no CMD; without `--config` it runs all-in-one).
pub fn command(stack: &Stack, component: &Component) -> Vec<String> {
    let _ = (stack, component);
    vec![format!("--config={CONFIG_PATH}")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_have_no_day_unit() {
        let cases = [
            (259_200_000, "72h"),
            (604_800_000, "168h"),
            (5_400_000, "1h30m"),
            (1_500, "1s500ms"),
            (0, "0s"),
        ];
        for (millis, want) in cases {
            assert_eq!(go_duration(millis), want, "{millis}");
        }
    }
}
