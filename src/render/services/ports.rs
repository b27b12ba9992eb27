//! Which ports each service publishes on the manifest's `bind` address, and the URL an
//! operator opens. Nothing is published on another address; exporters only when asked.

use crate::render::jaeger::{
    JAEGER_GRPC_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT, THRIFT_HTTP_PORT, ZIPKIN_PORT,
};
use crate::render::{web_auth, Component, Kind, Stack};
use crate::service::PortSpec;

/// Ports published on `bind`: the component's own (`host_port`), and for Jaeger the trace
/// receivers the manifest enables (OTLP by default, Zipkin and the legacy Jaeger receivers
/// when asked). Loki, Jaeger and VictoriaMetrics may stay on loopback (`web_auth::host_ip`).
pub fn published(stack: &Stack, component: &Component) -> Vec<PortSpec> {
    let manifest = stack.manifest;
    let host_ip = web_auth::host_ip(stack, &component.kind);
    let tcp = |host_port: u16, container_port: u16| PortSpec {
        host_ip: host_ip.clone(),
        host_port,
        container_port,
        protocol: "tcp".to_string(),
    };
    let mut ports: Vec<PortSpec> = component
        .host_port
        .map(|host| tcp(host, component.container_port))
        .into_iter()
        .collect();
    if component.kind == Kind::Jaeger {
        if manifest.traces.otlp.unwrap_or(true) {
            ports.push(tcp(OTLP_GRPC_PORT, OTLP_GRPC_PORT));
            ports.push(tcp(OTLP_HTTP_PORT, OTLP_HTTP_PORT));
        }
        if manifest.traces.zipkin {
            ports.push(tcp(ZIPKIN_PORT, ZIPKIN_PORT));
        }
        if manifest.traces.jaeger {
            ports.push(tcp(THRIFT_HTTP_PORT, THRIFT_HTTP_PORT));
            ports.push(tcp(JAEGER_GRPC_PORT, JAEGER_GRPC_PORT));
        }
    }
    ports
}

/// `http://127.0.0.1:9090` for components with a web UI that are published.
pub fn url(stack: &Stack, component: &Component) -> Option<String> {
    let has_ui = matches!(
        component.kind,
        Kind::Prometheus
            | Kind::Alertmanager
            | Kind::Grafana
            | Kind::Jaeger
            | Kind::Alloy
            | Kind::Pushgateway
            | Kind::Cadvisor
            | Kind::BlackboxExporter
            | Kind::VictoriaMetrics
    );
    let port = component.host_port.filter(|_| has_ui)?;
    let manifest = stack.manifest;
    let path = match component.kind {
        Kind::VictoriaMetrics => "/vmui/",
        Kind::Jaeger => manifest
            .components
            .jaeger
            .as_ref()
            .and_then(|j| j.base_path.as_deref())
            .filter(|p| *p != "/")
            .unwrap_or(""),
        _ => "",
    };
    let host = web_auth::host_ip(stack, &component.kind);
    let scheme = if web_auth::protected(stack, &component.kind) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{}:{port}{path}", url_host(&host)))
}

/// The host part of a URL for a listen address: a wildcard becomes loopback, IPv6 gets brackets.
pub(crate) fn url_host(bind: &str) -> String {
    match bind {
        "0.0.0.0" | "" => "127.0.0.1".to_string(),
        "::" | "[::]" => "[::1]".to_string(),
        ip if ip.contains(':') && !ip.starts_with('[') => format!("[{ip}]"),
        ip => ip.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_host_turns_wildcards_into_loopback_and_brackets_ipv6() {
        let cases = [
            ("127.0.0.1", "127.0.0.1"),
            ("0.0.0.0", "127.0.0.1"),
            ("::", "[::1]"),
            ("fd00::5", "[fd00::5]"),
            ("10.0.0.4", "10.0.0.4"),
        ];
        for (bind, host) in cases {
            assert_eq!(url_host(bind), host, "{bind}");
        }
    }
}
