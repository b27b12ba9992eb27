//! The verbs an operator reaches for, against a real stack on the Docker daemon:
//! `logs` (compose-like prefixes, stdout and stderr apart, `--tail`, `-f`), `silence`
//! add/ls/expire through Alertmanager's API, and `backup` → `down --volumes` → `restore` →
//! `deploy` keeping Prometheus samples, silences and pushed metrics; and the same round trip of
//! Grafana's and Loki's data volumes, written by stand-ins (no Grafana or Loki image here).

mod common;
mod e2e_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use e2e_support::{eventually, get_json, stack};

#[test]
fn logs_show_each_service_prefixed_and_silences_are_added_listed_and_expired() {
    let Some(s) = stack("verbs") else { return };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);

    // Prometheus and Alertmanager log to stderr: those lines go to stackctl's stderr only.
    let out = s.run(&["logs", "prometheus", "alertmanager", "--tail", "5"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.lines().any(|l| l.starts_with("prometheus-1    | ")),
        "{stderr}"
    );
    assert!(
        stderr.lines().any(|l| l.starts_with("alertmanager-1  | ")),
        "{stderr}"
    );
    assert!(
        !stdout.contains("prometheus-1"),
        "stderr stays apart: {stdout}"
    );
    let prometheus_lines = stderr
        .lines()
        .filter(|l| l.starts_with("prometheus-1"))
        .count();
    assert!(prometheus_lines <= 5, "--tail 5 gave {prometheus_lines}");

    let unknown = s.run(&["logs", "prometheus-server"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `prometheus`?"));

    // `-f` follows: a line written after the command started shows up.
    let mut follow = std::process::Command::new(assert_cmd::cargo::cargo_bin("stackctl"))
        .current_dir(s.path())
        .args(["logs", "-f", "--tail", "0", "alertmanager"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    e2e_support::docker(&["kill", "-s", "HUP", &s.container("alertmanager")]);
    std::thread::sleep(Duration::from_secs(3));
    follow.kill().unwrap();
    let followed = follow.wait_with_output().unwrap();
    let followed = String::from_utf8_lossy(&followed.stderr);
    assert!(
        followed
            .lines()
            .any(|l| l.starts_with("alertmanager-1  | ") && l.contains("onfig")),
        "a reload logged after `logs -f` started: {followed}"
    );

    let id = s
        .ok(&[
            "silence",
            "add",
            "--match",
            "alertname=E2EVerbs",
            "--match",
            "severity=~warn.*",
            "--for",
            "2h",
            "--comment",
            "maintenance",
        ])
        .trim()
        .to_string();
    assert_eq!(id.len(), 36, "a silence ID: {id}");
    let am = format!("http://127.0.0.1:{}", s.alertmanager_port);
    let silence = get_json(&format!("{am}/api/v2/silence/{id}"));
    assert_eq!(silence["status"]["state"], "active", "{silence}");
    assert_eq!(silence["comment"], "maintenance");
    let ends = silence["endsAt"].as_str().unwrap().to_string();
    let starts = silence["startsAt"].as_str().unwrap().to_string();
    assert!(ends > starts);
    let listed = s.ok(&["silence", "ls"]);
    assert!(
        listed.contains(&id) && listed.contains("alertname=\"E2EVerbs\""),
        "{listed}"
    );
    assert!(listed.contains("severity=~\"warn.*\""), "{listed}");
    let json: serde_json::Value =
        serde_json::from_str(&s.ok(&["silence", "ls", "--json"])).unwrap();
    assert_eq!(json[0]["id"], id.as_str());

    assert!(s
        .ok(&["silence", "expire", &id])
        .contains(&format!("expired {id}")));
    let silence = get_json(&format!("{am}/api/v2/silence/{id}"));
    assert_eq!(silence["status"]["state"], "expired", "{silence}");
    assert!(
        !s.ok(&["silence", "ls"]).contains(&id),
        "expired silences are not listed"
    );
    assert!(s.ok(&["silence", "ls", "--all"]).contains(&id));

    let bad = s.run(&["silence", "add", "--match", "team-name=x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a label name"));
    let missing = s.run(&["silence", "expire", "00000000-0000-0000-0000-000000000000"]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn samples_silences_and_pushed_metrics_survive_backup_down_volumes_and_restore() {
    let Some(s) = stack("backup") else { return };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);
    let prom = format!("http://127.0.0.1:{}", s.prometheus_port);
    let gateway = format!("http://127.0.0.1:{}", s.pushgateway_port);
    let am = format!("http://127.0.0.1:{}", s.alertmanager_port);
    let sample_time = s.stored_sample_time();
    common::http::post(
        &format!("{gateway}/metrics/job/e2e"),
        "e2e_backup_total 7\n",
    );
    let id = s
        .ok(&[
            "silence",
            "add",
            "--match",
            "alertname=E2EBackup",
            "--comment",
            "must survive",
        ])
        .trim()
        .to_string();

    let started = Instant::now();
    let out = s.ok(&["backup", "--out", "stack.tar.gz"]);
    eprintln!("backup took {:?}", started.elapsed());
    let archive = s.path().join("stack.tar.gz");
    assert_eq!(common::mode(&archive), 0o600, "the archive holds secrets");
    for volume in ["prometheus-data", "alertmanager-data", "pushgateway-data"] {
        assert!(
            out.contains(&format!("saved {}_{volume}", s.project)),
            "{out}"
        );
    }
    assert!(out.contains("manifest sha256"), "{out}");
    eventually(60, "the stack to answer again after the backup", || {
        get_json(&format!("{prom}/api/v1/query?query=up"))["status"] == "success"
    });

    s.ok(&["down", "--volumes"]);
    assert!(s.volumes().is_empty(), "{:?}", s.volumes());

    // A damaged archive is refused before anything is written.
    let damaged = s.path().join("damaged.tar.gz");
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    let refused = s.run(&["restore", "damaged.tar.gz"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(s.volumes().is_empty(), "nothing written: {:?}", s.volumes());

    let out = s.ok(&["restore", "stack.tar.gz"]);
    assert!(out.contains("restored"), "{out}");
    let again = s.run(&["restore", "stack.tar.gz"]);
    assert_eq!(
        again.status.code(),
        Some(1),
        "existing volumes need --force"
    );
    s.ok(&["deploy", "--timeout", "60"]);

    s.wait_for_sample_at(sample_time, "the sample from before the backup");
    let metrics = common::http::get_text(&format!("{gateway}/metrics"));
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("e2e_backup_total") && l.ends_with(" 7")),
        "pushed metric restored"
    );
    let silence = get_json(&format!("{am}/api/v2/silence/{id}"));
    assert_eq!(
        silence["status"]["state"], "active",
        "silence restored: {silence}"
    );

    let running = s.run(&["restore", "stack.tar.gz", "--force"]);
    assert_eq!(
        running.status.code(),
        Some(1),
        "a running stack is not restored into"
    );
    assert!(String::from_utf8_lossy(&running.stderr).contains("stackctl down"));
}

/// Stands in for Grafana and Loki, whose images this machine does not have (no registry, no
/// Debian package): the local busybox image, which writes what the programs keep.
const STAND_IN: &str = "stackctl-test/webhook:1";

/// What Grafana keeps in `/var/lib/grafana` (uid 472): its SQLite database (0640), plugin and
/// rendering directories; and Loki in `/loki` (uid 10001): chunks per tenant, the TSDB index,
/// the compactor's and the ruler's directories, its WAL.
const GRAFANA_FILES: &str =
    "cd /var/lib/grafana && busybox mkdir -p plugins/flant-statusmap-panel png csv \
    && { busybox printf 'SQLite format 3\\000'; busybox head -c 262144 /dev/urandom; } > grafana.db \
    && busybox head -c 300 /dev/urandom > plugins/flant-statusmap-panel/module.js \
    && busybox chmod 640 grafana.db && busybox chown -R 472:0 /var/lib/grafana";
const LOKI_FILES: &str = "cd /loki && busybox mkdir -p chunks/fake/7f3a tsdb-index/index_20427 compactor rules/fake wal \
    && busybox head -c 131072 /dev/urandom > chunks/fake/7f3a/MTk0ZjY6MTk0ZjY6ZGVhZGJlZWY= \
    && busybox head -c 4096 /dev/urandom > tsdb-index/index_20427/1764979200-ingester-1.tsdb \
    && busybox head -c 2048 /dev/urandom > wal/00000000 \
    && busybox printf 'groups: []\n' > rules/fake/rules.yaml \
    && busybox chown -R 10001:10001 /loki";
/// Every entry under the mount: owner, mode, size, path, and each file's SHA-256.
const LISTING: &str = "busybox find . | busybox sort | while read f; do busybox stat -c '%u:%g %a %s %n' \"$f\"; done; \
    busybox find . -type f | busybox sort | busybox xargs busybox sha256sum";

/// Runs busybox `script` as root in `dir` of `volume`; its stdout.
fn in_volume(volume: &str, dir: &str, script: &str) -> String {
    let mount = format!("{volume}:{dir}");
    let output = std::process::Command::new("docker")
        .args([
            "run",
            "--rm",
            "--user",
            "0",
            "-w",
            dir,
            "-v",
            &mount,
            "--entrypoint",
            "/bin/busybox",
            STAND_IN,
            "sh",
            "-c",
            script,
        ])
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn grafana_and_loki_volumes_survive_backup_down_volumes_and_restore() {
    let Some(s) = stack("backup-gl") else { return };
    s.write_manifest(&format!(
        "version: 1
project: {}
components:
  grafana: {{image: {STAND_IN}, version: 12.0.0, port: {}, admin_password: \"${{GRAFANA_ADMIN_PASSWORD}}\"}}
  loki: {{image: {STAND_IN}, version: 3.5.0, port: null}}
",
        s.project,
        e2e_support::free_port()
    ));
    common::write(
        s.path(),
        ".env",
        "GRAFANA_ADMIN_PASSWORD=stand-in-password\n",
    );
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        s.path().join(".env"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let volume = |key: &str| format!("{}_{key}", s.project);
    for key in ["grafana-data", "loki-data"] {
        e2e_support::docker(&[
            "volume",
            "create",
            "--label",
            &format!("com.docker.compose.project={}", s.project),
            "--label",
            &format!("com.docker.compose.volume={key}"),
            "--label",
            &format!("io.stackctl.project={}", s.project),
            &volume(key),
        ]);
    }
    in_volume(&volume("grafana-data"), "/var/lib/grafana", GRAFANA_FILES);
    in_volume(&volume("loki-data"), "/loki", LOKI_FILES);
    // Grafana's stand-in runs, as a deployed Grafana would (backup stops it for the copy and
    // starts it again); Loki has no container (backup reads its volume through a helper).
    e2e_support::docker(&[
        "run",
        "-d",
        "--name",
        &s.container("grafana"),
        "--label",
        &format!("com.docker.compose.project={}", s.project),
        "--label",
        "com.docker.compose.service=grafana",
        "--label",
        &format!("io.stackctl.project={}", s.project),
        "-v",
        &format!("{}:/var/lib/grafana", volume("grafana-data")),
        "--entrypoint",
        "/bin/busybox",
        STAND_IN,
        "sh",
        "-c",
        "trap 'exit 0' TERM; while :; do busybox sleep 1; done",
    ]);
    let grafana_before = in_volume(&volume("grafana-data"), "/var/lib/grafana", LISTING);
    let loki_before = in_volume(&volume("loki-data"), "/loki", LISTING);
    assert!(
        grafana_before.contains("472:0 640 262160 ./grafana.db"),
        "{grafana_before}"
    );
    assert!(loki_before.contains("10001:10001"), "{loki_before}");

    let out = s.ok(&["backup", "--out", "grafana-loki.tar.gz"]);
    for (key, service) in [("grafana-data", "grafana"), ("loki-data", "loki")] {
        assert!(
            out.contains(&format!("saved {} ({service}, ", volume(key))),
            "{out}"
        );
    }
    assert_eq!(
        s.inspect("grafana", "{{.State.Running}}"),
        "true",
        "started again after the copy"
    );

    s.ok(&["down", "--volumes"]);
    assert!(s.volumes().is_empty(), "{:?}", s.volumes());
    assert!(s.containers().is_empty(), "{:?}", s.containers());

    let out = s.ok(&["restore", "grafana-loki.tar.gz"]);
    assert!(out.contains("restored 2 volume(s)"), "{out}");
    assert_eq!(
        in_volume(&volume("grafana-data"), "/var/lib/grafana", LISTING),
        grafana_before,
        "Grafana's database and plugins come back byte for byte, with owner and mode"
    );
    assert_eq!(
        in_volume(&volume("loki-data"), "/loki", LISTING),
        loki_before,
        "Loki's chunks, index, rules and WAL come back byte for byte, with owner and mode"
    );
}
