//! The Debian Prometheus 2.42 server starts with `prometheus::command()`'s flags and the
//! rendered config: promtool judges the file, this judges the command line too.
//!
//! Container paths in the command are mapped like the container's mounts (see
//! `prometheus_support::host_view`): the config file to the host view, `/prometheus` to a
//! temp data dir. The server listens on 127.0.0.1 with a port the kernel picks.

use crate::common;
use crate::prometheus_support;

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use prometheus_support as support;
use stackctl::render::{prometheus, Kind, Stack, Templates};

const READY: &str = "Server is ready to receive web requests";

fn server_starts_with_rendered_command(fixture: &str) {
    let Some(binary) = common::require_tool("prometheus") else {
        return;
    };
    let loaded = support::loaded(&support::fixture(fixture));
    let rendered = support::render(&loaded);
    let dir = common::tempdir();
    support::write_all(&rendered, dir.path());
    let view = support::host_view(&rendered, dir.path());
    let data = dir.path().join("data");

    let templates = Templates::embedded();
    let stack = Stack::new(&loaded.manifest, &loaded.dir, &templates);
    let component = stack
        .get(&Kind::Prometheus)
        .expect("fixture runs prometheus");
    let mut args: Vec<String> = prometheus::command(&stack, component)
        .into_iter()
        .map(|arg| {
            arg.replace(prometheus::CONFIG_FILE, &view.display().to_string())
                .replace(
                    &format!("={}", prometheus::DATA_DIR),
                    &format!("={}", data.display()),
                )
        })
        .collect();
    args.push("--web.listen-address=127.0.0.1:0".to_string());

    let log_path = dir.path().join("prometheus.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut child = support::Running(
        Command::new(&binary)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("prometheus starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let (ready, exited) = loop {
        let text = read(&log_path);
        if text.contains(READY) {
            break (true, None);
        }
        if let Some(status) = child.exited() {
            break (false, Some(status));
        }
        if Instant::now() > deadline {
            break (false, None);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(child);
    let text = read(&log_path);
    assert!(
        ready,
        "prometheus {args:?} did not become ready (exit: {exited:?}):\n{text}"
    );
    assert!(
        !text.contains("level=error") || !text.contains("Error loading config"),
        "{text}"
    );
}

fn read(path: &std::path::Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = std::fs::File::open(path) {
        let _ = file.read_to_string(&mut text);
    }
    text
}

#[test]
fn prometheus_2_42_runs_the_minimal_stack_config_and_command() {
    server_starts_with_rendered_command("minimal.yaml");
}

#[test]
fn prometheus_2_42_runs_the_full_config_with_retention_and_exemplar_flags() {
    server_starts_with_rendered_command("full.yaml");
}

#[test]
fn prometheus_2_42_runs_the_hostile_config() {
    server_starts_with_rendered_command("hostile.yaml");
}
