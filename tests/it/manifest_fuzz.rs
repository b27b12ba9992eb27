//! A bounded property test of the manifest loader: mutated manifests (bytes inserted,
//! deleted, replaced; lines repeated, swapped, cut) never panic the loader, end in a manifest
//! or in problems (exit 0 or 2 on the CLI), write nothing on error, and never print a value
//! that came from the environment, however short.

use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const BASE: &str = r#"version: 1
project: shop
labels: {cluster: eu-1}
x-defaults: &defaults
  interval: 30s
components:
  prometheus: {retention: {time: 15d}}
  alertmanager: {}
  grafana: {admin_password: "${GPW}", port: 3000}
scrape:
  - <<: *defaults
    job: api
    targets: ['api:5500', 'api-2:5500']
    bearer_token: "${TOKEN}"
    labels: {team: payments}
alerts:
  groups:
    - name: api
      rules:
        - {alert: ApiDown, expr: 'up{job="api"} == 0', for: 5m, severity: critical}
notify:
  default: team
  receivers:
    team: {slack: {webhook_url: "${SLACK}", channel: '#ops'}}
"#;

/// Values from the environment: each must stay out of every message.
const SECRETS: [(&str, &str); 3] = [
    ("GPW", "Gx"),
    ("TOKEN", "tok-3f9a-SECRET"),
    ("SLACK", "https://hooks.example/T0/B0/s3cr3tPath"),
];

fn env(name: &str) -> Option<String> {
    SECRETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

const PIECES: &[&str] = &[
    "${GPW}",
    "${TOKEN}",
    "$${X}",
    ":",
    " ",
    "\n",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "#",
    "&a",
    "*a",
    "<<: ",
    "!!str ",
    "!!python/object ",
    "---\n",
    "\t",
    "\u{feff}",
    "~",
    "null",
    "version",
    "project",
    "9999999999999999999999",
    "-1",
    "1.5",
    "\\",
    "%YAML 1.2\n",
];

fn mutate(rng: &mut StdRng, text: &str) -> String {
    let mut text = text.to_string();
    for _ in 0..rng.random_range(1..4) {
        let len = text.len();
        let mut at = rng.random_range(0..=len);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match rng.random_range(0..6) {
            0 => text.insert_str(at, PIECES[rng.random_range(0..PIECES.len())]),
            1 if at < len => {
                let mut end = (at + rng.random_range(1..20)).min(len);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(at..end, "");
            }
            2 => text.truncate(at),
            3 => {
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let line = lines[rng.random_range(0..lines.len())].to_string();
                    text.insert_str(at, &format!("{line}\n"));
                }
            }
            4 => {
                let mut lines: Vec<String> = text.lines().map(String::from).collect();
                if lines.len() > 1 {
                    let a = rng.random_range(0..lines.len());
                    let b = rng.random_range(0..lines.len());
                    lines.swap(a, b);
                    text = lines.join("\n");
                }
            }
            _ => {
                let piece = PIECES[rng.random_range(0..PIECES.len())];
                text.insert_str(at, &piece.repeat(rng.random_range(1..50)));
            }
        }
    }
    text
}

fn assert_no_secret(context: &str, output: &str) {
    for (name, value) in SECRETS {
        assert!(
            !output.contains(value),
            "the value of {name} is printed for\n{context}\n---\n{output}"
        );
    }
}

#[test]
fn mutated_manifests_load_or_fail_cleanly_without_printing_secrets() {
    let base = stackctl::manifest::load_str(Path::new("stackctl.yaml"), BASE, &env);
    assert!(
        base.is_ok(),
        "the base manifest loads: {}",
        base.err().unwrap()
    );
    let mut rng = StdRng::seed_from_u64(0x5eed_0001);
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..400 {
        let text = mutate(&mut rng, BASE);
        match stackctl::manifest::load_str(Path::new("stackctl.yaml"), &text, &env) {
            Ok(loaded) => {
                ok += 1;
                assert_no_secret(&text, &format!("{:?}", loaded.manifest));
            }
            Err(error) => {
                refused += 1;
                assert!(!error.problems.is_empty(), "no problem listed for\n{text}");
                assert_no_secret(&text, &error.to_string());
            }
        }
    }
    assert!(ok > 0 && refused > 0, "{ok} loaded, {refused} refused");
}

#[test]
fn the_cli_exits_0_or_2_and_writes_nothing_on_error() {
    let mut rng = StdRng::seed_from_u64(0x5eed_0002);
    for round in 0..12 {
        let dir = tempfile::tempdir().unwrap();
        let text = mutate(&mut rng, BASE);
        std::fs::write(dir.path().join("stackctl.yaml"), &text).unwrap();
        let dotenv: String = SECRETS
            .iter()
            .map(|(n, v)| format!("{n}='{v}'\n"))
            .collect();
        std::fs::write(dir.path().join(".env"), dotenv).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o600);
            std::fs::set_permissions(dir.path().join(".env"), mode).unwrap();
        }
        let output = assert_cmd::Command::cargo_bin("stackctl")
            .unwrap()
            .current_dir(dir.path())
            .args(["render", "--out", "out"])
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        let code = output.status.code();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            matches!(code, Some(0) | Some(2)),
            "round {round}: {code:?}\n{text}\n{printed}"
        );
        if code == Some(2) {
            assert!(
                !dir.path().join("out").exists(),
                "round {round} wrote files\n{text}"
            );
        }
        assert_no_secret(&text, &printed);
    }
}
