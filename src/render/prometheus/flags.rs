//! Prometheus' command line: it replaces the image's CMD, so it re-states the config and data
//! paths, then adds what the stack needs for the release that runs.
//!
//! Never emitted: flags removed in 3.x (`--storage.tsdb.retention`, `--alertmanager.timeout`,
//! `--storage.tsdb.allow-overlapping-blocks`), feature flags that became defaults, and the
//! console flags (3.x images ship no console files). `--web.external-url` is left out: the
//! stack's published address (`bind`, often 127.0.0.1) is no better a link in alert
//! notifications than Prometheus' default, and a path in it would move every endpoint.

use super::config::Retention;
use super::features::Features;
use crate::render::{Component, Kind, Stack};

pub const CONFIG_FILE: &str = "/etc/prometheus/prometheus.yml";
pub const DATA_DIR: &str = "/prometheus";
/// `components.prometheus.retention.time` when `retention` gives only a size.
pub(crate) const DEFAULT_RETENTION_TIME: &str = "15d";

/// Retention as the manifest asks for it, or `None` when it does not: then nothing is
/// rendered, because Prometheus' own default (15d, no size limit) is the manifest's default.
/// A size alone keeps the 15d time limit (Prometheus would drop its time limit).
pub fn retention(stack: &Stack) -> Option<Retention> {
    let retention = stack
        .manifest
        .components
        .prometheus
        .as_ref()?
        .retention
        .as_ref()?;
    let time = retention
        .time
        .as_ref()
        .map_or(DEFAULT_RETENTION_TIME, |t| t.as_str());
    Some(Retention {
        time: time.to_string(),
        size: retention.size.clone(),
    })
}

/// The container command for `component` (the stack's Prometheus).
pub fn command(stack: &Stack, component: &Component) -> Vec<String> {
    let features = Features::of(&component.version);
    let mut args = vec![
        format!("--config.file={CONFIG_FILE}"),
        format!("--storage.tsdb.path={DATA_DIR}"),
    ];
    if !crate::render::web_auth::exposed(stack) {
        // `stackctl reload` posts to /-/reload, which only exists with this flag. A stack
        // published beyond loopback reloads by SIGHUP instead: no `/-/quit` for anyone.
        args.push("--web.enable-lifecycle".to_string());
    }
    if super::swarm::replica_label(stack, component).is_some()
        && !features.external_labels_expand_env
    {
        // 2.x expands `${STACKCTL_REPLICA}` in external labels only with this flag.
        args.push("--enable-feature=expand-external-labels".to_string());
    }
    if let Some(Retention { time, size }) =
        retention(stack).filter(|_| !features.retention_in_config)
    {
        args.push(format!("--storage.tsdb.retention.time={time}"));
        if let Some(size) = size {
            args.push(format!("--storage.tsdb.retention.size={size}"));
        }
    }
    if stack.has(&Kind::Jaeger) {
        // Grafana links exemplars to Jaeger traces; Prometheus stores exemplars only with this.
        args.push("--enable-feature=exemplar-storage".to_string());
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;
    use crate::render::Templates;

    fn command_for(yaml: &str) -> Vec<String> {
        let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
        let templates = Templates::embedded();
        let dir = std::path::PathBuf::from(".");
        let stack = Stack::new(&manifest, &dir, &templates);
        let prometheus = stack
            .get(&Kind::Prometheus)
            .expect("test stacks run prometheus");
        command(&stack, prometheus)
    }

    #[test]
    fn command_follows_release_and_stack() {
        let base = [
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            "--web.enable-lifecycle",
        ];
        let with = |extra: &[&str]| {
            base.iter()
                .chain(extra)
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        };
        let cases = [
            ("{prometheus: {version: 2.42.0}}", with(&[])),
            (
                "{prometheus: {version: 2.42.0, retention: {size: 1GB}}}",
                with(&[
                    "--storage.tsdb.retention.time=15d",
                    "--storage.tsdb.retention.size=1GB",
                ]),
            ),
            (
                "{prometheus: {version: 2.42.0, retention: {time: 30d, size: 50GB}}, jaeger: {}}",
                with(&[
                    "--storage.tsdb.retention.time=30d",
                    "--storage.tsdb.retention.size=50GB",
                    "--enable-feature=exemplar-storage",
                ]),
            ),
            (
                "{prometheus: {version: 3.5.5, retention: {time: 15d}}}",
                with(&["--storage.tsdb.retention.time=15d"]),
            ),
            ("{prometheus: {}}", with(&[])),
            (
                "{prometheus: {version: 3.14.0, retention: {time: 30d}}, jaeger: {}}",
                with(&["--enable-feature=exemplar-storage"]),
            ),
        ];
        for (components, want) in cases {
            let got = command_for(&format!(
                "version: 1\nproject: t\ncomponents: {components}\n"
            ));
            assert_eq!(got, want, "{components}");
        }
    }

    #[test]
    fn command_never_carries_removed_flags() {
        let refused = [
            "--storage.tsdb.retention=",
            "--alertmanager.timeout",
            "--storage.tsdb.allow-overlapping-blocks",
            "--web.console",
            "--enable-feature=remote-write-receiver",
            "--enable-feature=agent",
            "--enable-feature=expand-external-labels",
            "--enable-feature=native-histograms",
            "--enable-feature=auto-gomemlimit",
            "--enable-feature=otlp-write-receiver",
            "--enable-feature=auto-reload-config",
            "--enable-feature=promql-at-modifier",
            "--enable-feature=promql-negative-offset",
        ];
        for version in ["2.42.0", "3.5.5", "3.14.0"] {
            let yaml = format!("version: 1\nproject: t\ncomponents: {{prometheus: {{version: {version}, retention: {{size: 1GB}}}}, jaeger: {{}}}}\n");
            for arg in command_for(&yaml) {
                assert!(
                    !refused.iter().any(|r| arg.starts_with(r)),
                    "{version}: {arg}"
                );
            }
        }
    }
}
