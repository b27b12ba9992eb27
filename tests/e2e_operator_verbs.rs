//! The verbs an operator reaches for, against a real stack on the Docker daemon:
//! `logs` (compose-like prefixes, stdout and stderr apart, `--tail`, `-f`), `silence`
//! add/ls/expire through Alertmanager's API, and `backup` → `down --volumes` → `restore` →
//! `deploy` keeping Prometheus samples, silences and pushed metrics.

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
    let mut sample_time = 0.0;
    eventually(30, "a stored sample", || {
        let result = get_json(&format!(
            "{prom}/api/v1/query?query=up%7Bjob%3D%22prometheus%22%7D"
        ));
        match result["data"]["result"][0]["value"][0].as_f64() {
            Some(t) => {
                sample_time = t;
                true
            }
            None => false,
        }
    });
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

    let at = format!("{prom}/api/v1/query?query=up%7Bjob%3D%22prometheus%22%7D&time={sample_time}");
    eventually(30, "the sample from before the backup", || {
        get_json(&at)["data"]["result"][0]["value"][1] == "1"
    });
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
