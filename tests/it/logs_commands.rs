//! The container command lines of Loki, Alloy, Promtail and Jaeger: each names the rendered
//! config where the output directory is mounted, and Alloy listens beyond localhost
//! (reference/config-formats.md §0 "Image CMD gotcha", §4.4).

use crate::logs_fixtures;

use logs_fixtures::render_all;
use stackctl::render::{alloy, jaeger, loki, promtail, Kind, Templates};

#[test]
fn commands_point_at_the_mounted_configs() {
    let mut seen = Vec::new();
    for fixture in render_all() {
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        for component in &stack.components {
            let (command, config, file) = match component.kind {
                Kind::Loki => (
                    loki::command(&stack, component),
                    "-config.file=/etc/loki/loki.yaml",
                    "loki/loki.yaml",
                ),
                Kind::Alloy => (
                    alloy::command(&stack, component),
                    "/etc/alloy/config.alloy",
                    "alloy/config.alloy",
                ),
                Kind::Promtail => (
                    promtail::command(&stack, component),
                    "-config.file=/etc/promtail/promtail.yaml",
                    "promtail/promtail.yaml",
                ),
                Kind::Jaeger => (
                    jaeger::command(&stack, component),
                    "--config=/etc/jaeger/config.yaml",
                    "jaeger/config.yaml",
                ),
                _ => continue,
            };
            assert!(
                command.iter().any(|a| a == config),
                "{}: {command:?}",
                fixture.name
            );
            assert!(
                fixture.rendered.files.contains_key(file),
                "{}: {file} not rendered",
                fixture.name
            );
            seen.push(component.kind.clone());
        }
    }
    for kind in [Kind::Loki, Kind::Alloy, Kind::Promtail, Kind::Jaeger] {
        assert!(seen.contains(&kind), "no fixture runs {kind:?}");
    }
}

#[test]
fn alloy_listens_on_every_interface_and_keeps_its_positions() {
    for fixture in render_all() {
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        let Some(component) = stack.get(&Kind::Alloy) else {
            continue;
        };
        let command = alloy::command(&stack, component);
        assert_eq!(command.first().map(String::as_str), Some("run"));
        for flag in [
            "--server.http.listen-addr=0.0.0.0:12345",
            "--storage.path=/var/lib/alloy/data",
            "--disable-reporting",
        ] {
            assert!(
                command.iter().any(|a| a == flag),
                "{}: {flag} missing from {command:?}",
                fixture.name
            );
        }
    }
}
