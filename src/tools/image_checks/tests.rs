use std::path::PathBuf;

use super::*;
use crate::manifest::{LoadedManifest, Manifest};
use crate::render::{render, Templates};

fn checks_for(manifest_yaml: &str) -> Vec<ImageCheck> {
    let manifest: Manifest = serde_yaml::from_str(manifest_yaml).expect("test manifest parses");
    let loaded = LoadedManifest {
        manifest,
        path: PathBuf::from("stackctl.yaml"),
        dir: PathBuf::from("."),
        source: manifest_yaml.to_string(),
        positions: Default::default(),
        secret_values: Vec::new(),
        generated: Default::default(),
        warnings: Vec::new(),
    };
    let templates = Templates::embedded();
    let rendered = render(&loaded, &templates).expect("renders");
    let stack = Stack::new(&loaded.manifest, &loaded.dir, &templates);
    checks(&stack, &rendered)
}

#[test]
fn every_rendered_file_gets_its_programs_check() {
    let checks = checks_for(
        "version: 1\nproject: d\ncomponents: {loki: {}, alloy: {}, promtail: {}, jaeger: {}, prometheus: {}}\n",
    );
    let got: Vec<(&str, &str, Vec<&str>)> = checks
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.image.as_str(),
                c.args.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "loki -verify-config",
                "grafana/loki:3.7.6",
                vec!["-config.file=/etc/loki/loki.yaml", "-verify-config"]
            ),
            (
                "alloy fmt",
                "grafana/alloy:v1.18.1",
                vec!["fmt", "/etc/alloy/config.alloy"]
            ),
            (
                "alloy validate",
                "grafana/alloy:v1.18.1",
                vec!["validate", "/etc/alloy/config.alloy"]
            ),
            (
                "promtail -check-syntax",
                "grafana/promtail:3.6.15",
                vec!["-config.file=/etc/promtail/promtail.yaml", "-check-syntax"]
            ),
            (
                "jaeger validate",
                "jaegertracing/jaeger:2.20.0",
                vec!["validate", "--config=/etc/jaeger/config.yaml"]
            ),
        ]
    );
    let copied: Vec<(&str, u32)> = checks[0]
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.mode))
        .collect();
    assert_eq!(copied, vec![("/etc/loki/loki.yaml", 0o444)]);
}

#[test]
fn alloy_before_1_9_is_only_formatted() {
    let checks =
        checks_for("version: 1\nproject: d\ncomponents: {loki: {}, alloy: {version: 1.8.3}}\n");
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["loki -verify-config", "alloy fmt"]);
}

#[test]
fn missing_image_is_not_a_pass() {
    let check = ImageCheck {
        service: "loki".into(),
        name: "loki -verify-config".into(),
        image: "grafana/loki:3.7.6".into(),
        args: vec![],
        files: vec![],
    };
    let cases = [
        (
            Ok(None),
            "could not run loki -verify-config: image grafana/loki:3.7.6 is not present locally",
            false,
        ),
        (
            Ok(Some(OneShotOutput {
                exit_code: 0,
                output: String::new(),
            })),
            "ok: loki -verify-config (grafana/loki:3.7.6)",
            false,
        ),
        (
            Ok(Some(OneShotOutput {
                exit_code: 1,
                output: "bad".into(),
            })),
            "failed: loki -verify-config (grafana/loki:3.7.6) exited with 1",
            true,
        ),
        (
            Err(anyhow::anyhow!("cannot connect to Docker")),
            "could not run loki -verify-config: cannot connect to Docker",
            false,
        ),
    ];
    for (result, summary, failure) in cases {
        let outcome = outcome(check.clone(), result);
        assert_eq!(outcome.summary(), summary);
        assert_eq!(outcome.is_failure(), failure);
        assert_eq!(outcome.result().failed(), failure);
        assert_eq!(outcome.result().name, "loki -verify-config");
    }
}
