//! A real deploy: a scrape target on the Docker host, written `host.docker.internal:PORT`, is
//! reached from the Prometheus container (host-gateway), and the node_exporter collectors and
//! args the manifest passes through run in the real program.

mod common;
mod e2e_support;

use std::io::{Read, Write};
use std::net::TcpListener;

use e2e_support::{eventually, stack};

/// A tiny exposition endpoint on the host, on every interface (the Docker bridge included).
fn serve_metrics_on_the_host() -> u16 {
    let listener = TcpListener::bind("0.0.0.0:0").expect("bind a host port");
    let port = listener.local_addr().expect("local addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let body = "# TYPE g1_host_app_up gauge\ng1_host_app_up 1\n";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn prometheus_scrapes_an_app_on_the_docker_host_through_host_docker_internal() {
    let Some(s) = stack("g1_host_gateway") else {
        return;
    };
    let port = serve_metrics_on_the_host();
    let manifest = s
        .manifest("", &format!("scrape:\n  - job: app-on-host\n    targets: [\"host.docker.internal:{port}\"]\n"))
        .replace(
            "node_exporter: {image: stackctl-test/node-exporter:1.5.0, version: 1.5.0}",
            "node_exporter: {image: stackctl-test/node-exporter:1.5.0, version: 1.5.0, collectors: {enable: [processes], disable: [wifi]}, args: [\"--collector.filesystem.mount-points-exclude=^/(sys|proc|dev)($|/)\"]}",
        );
    assert!(manifest.contains("collectors"), "{manifest}");
    s.write_manifest(&manifest);
    s.ok(&["deploy", "--timeout", "90"]);
    let hosts = s.inspect("prometheus", "{{json .HostConfig.ExtraHosts}}");
    assert_eq!(hosts, r#"["host.docker.internal:host-gateway"]"#);
    eventually(60, "the host app's target is up", || {
        let targets = s.prometheus("/api/v1/targets");
        targets["data"]["activeTargets"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| t["labels"]["job"] == "app-on-host" && t["health"] == "up")
    });
    let node_args = s.inspect("node-exporter", "{{json .Args}}");
    assert!(
        node_args.contains("--collector.processes") && node_args.contains("--no-collector.wifi"),
        "{node_args}"
    );
    assert_eq!(s.inspect("node-exporter", "{{.State.Status}}"), "running");
    eventually(
        60,
        "node_exporter with the passed-through flags is scraped",
        || {
            let result = s.prometheus("/api/v1/query?query=up%7Bjob%3D%22node%22%7D");
            result["data"]["result"][0]["value"][1] == "1"
        },
    );
}
