//! Jaeger v2 (`jaeger/config.yaml`, OpenTelemetry-collector style): OTLP/Zipkin receivers on
//! 0.0.0.0, memory or badger storage, health check v2 and Prometheus metrics on 8888.
//!
//! Never emits Jaeger v1 settings (env vars, `--memory.max-traces`) or the old
//! `service.telemetry.metrics.address` form (reference/config-formats.md §5.5).

use serde::Serialize;

use super::{Component, Draft, Kind, Stack};
use crate::manifest::{Diagnostic, PromDuration, TraceStorage};

pub const CONFIG_PATH: &str = "/etc/jaeger/config.yaml";
/// Badger keeps its data here, on the `jaeger-data` volume mounted at `/tmp`: the image's
/// `/tmp` (mode 1777) makes a new volume writable by uid 10001, a `/badger` volume would be
/// root-owned (see `services::JAEGER_VOLUME_TARGET`).
pub const DATA_DIR: &str = "/tmp/badger";
/// Jaeger's own Prometheus metrics (OTel `readers` pull exporter).
pub const METRICS_PORT: u16 = 8888;
/// `GET /status` (healthcheckv2).
pub const HEALTH_PORT: u16 = 13133;
pub const OTLP_GRPC_PORT: u16 = 4317;
pub const OTLP_HTTP_PORT: u16 = 4318;
pub const ZIPKIN_PORT: u16 = 9411;
/// Traces are kept this long with badger unless `components.jaeger.retention` says otherwise.
pub const DEFAULT_RETENTION: &str = "72h";
/// Memory storage keeps at most this many traces.
pub const MEMORY_MAX_TRACES: u64 = 100_000;

#[derive(Debug, Serialize)]
struct JaegerContext {
    receivers: Vec<&'static str>,
    otlp: bool,
    zipkin: bool,
    storage: &'static str,
    max_traces: u64,
    data_dir: &'static str,
    /// Go duration (`72h`).
    span_ttl: String,
    ports: Ports,
}

#[derive(Debug, Serialize)]
struct Ports {
    health: u16,
    metrics: u16,
    otlp_grpc: u16,
    otlp_http: u16,
    zipkin: u16,
}

/// Whether OTLP receivers run (`traces.otlp`, default true).
pub fn otlp_enabled(stack: &Stack) -> bool {
    stack.manifest.traces.otlp.unwrap_or(true)
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let (Some(jaeger), Some(settings)) =
        (stack.get(&Kind::Jaeger), &stack.manifest.components.jaeger)
    else {
        return Ok(());
    };
    let otlp = otlp_enabled(stack);
    let zipkin = stack.manifest.traces.zipkin;
    let receivers: Vec<&'static str> = [(otlp, "otlp"), (zipkin, "zipkin")]
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
            .hint("keep `otlp: true` (the default) or set `zipkin: true`"),
        );
        return Ok(());
    }
    let default = PromDuration::parse(DEFAULT_RETENTION);
    let retention = settings.retention.as_ref().unwrap_or(&default);
    let Some(span_ttl) = retention.millis().filter(|ms| *ms > 0).map(go_duration) else {
        draft.problem(
            Diagnostic::new(
                format!("{}.retention", jaeger.key),
                format!("`{retention}` is not a trace retention"),
            )
            .hint("use a positive duration such as `72h` or `7d`"),
        );
        return Ok(());
    };
    let context = JaegerContext {
        receivers,
        otlp,
        zipkin,
        storage: match settings.storage {
            TraceStorage::Memory => "memory",
            TraceStorage::Badger => "badger",
        },
        max_traces: MEMORY_MAX_TRACES,
        data_dir: DATA_DIR,
        span_ttl,
        ports: Ports {
            health: HEALTH_PORT,
            metrics: METRICS_PORT,
            otlp_grpc: OTLP_GRPC_PORT,
            otlp_http: OTLP_HTTP_PORT,
            zipkin: ZIPKIN_PORT,
        },
    };
    let text = stack.templates.render("jaeger/config.yaml.j2", &context)?;
    let extra = settings.extra_config.as_ref();
    let key = "components.jaeger.extra_config";
    super::yaml_overlay::add_yaml(draft, "jaeger/config.yaml", text, extra, key)
}

/// A Go `time.Duration` spelling (`72h`, `1h30m`): Go has no `d` or `w` units.
pub fn go_duration(millis: u64) -> String {
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
