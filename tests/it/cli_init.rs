//! `stackctl init`: every preset, run as the real binary in a temp dir.

use crate::common;

use predicates::prelude::*;

const PRESETS: &[&str] = &["minimal", "metrics", "full"];

fn env_value(env: &str, name: &str) -> String {
    env.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn init_writes_a_manifest_and_a_private_env_for_each_preset() {
    for preset in PRESETS {
        let parent = common::tempdir();
        let dir = parent.path().join("My Shop");
        std::fs::create_dir(&dir).unwrap();
        let output = common::stackctl_in(&dir)
            .args(["init", "--stack", preset])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{preset}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let manifest = std::fs::read_to_string(dir.join("stackctl.yaml")).unwrap();
        assert!(
            manifest.contains("\nproject: my-shop\n"),
            "{preset}: project from the directory name"
        );
        let env = std::fs::read_to_string(dir.join(".env")).unwrap();
        let password = env_value(&env, "GRAFANA_ADMIN_PASSWORD");
        assert_eq!(password.len(), 32, "{preset}: a 32-character password");
        assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(
            common::mode(&dir.join(".env")),
            0o600,
            "{preset}: .env is private"
        );
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !printed.contains(&password),
            "{preset}: the password was printed"
        );
        assert!(printed.contains("next steps"), "{preset}: {printed}");
    }
}

#[test]
fn each_preset_renders_and_validates_as_it_is() {
    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    for preset in PRESETS {
        let dir = common::tempdir();
        common::stackctl_in(dir.path())
            .args(["init", "--stack", preset, "--project", "demo"])
            .assert()
            .success();
        common::stackctl_in(dir.path())
            .arg("render")
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "created   prometheus/prometheus.yml",
            ));
        let validate = common::stackctl_in(dir.path())
            .args(["validate", "--no-docker"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&validate.stdout);
        assert_eq!(
            validate.status.code(),
            Some(0),
            "{preset}:\n{stdout}\n{}",
            String::from_utf8_lossy(&validate.stderr)
        );
        assert!(
            stdout.contains("promtool check config prometheus/prometheus.yml"),
            "{preset}:\n{stdout}"
        );
        assert!(
            stdout.contains("amtool check-config alertmanager/alertmanager.yml"),
            "{preset}:\n{stdout}"
        );
        let local_not_run =
            |l: &str| l.starts_with("not run  promtool") || l.starts_with("not run  amtool");
        assert!(
            !stdout.lines().any(local_not_run),
            "{preset}: a check did not run:\n{stdout}"
        );
    }
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = common::tempdir();
    common::stackctl_in(dir.path())
        .args(["init", "--project", "shop"])
        .assert()
        .success();
    let before = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    common::stackctl_in(dir.path())
        .args(["init", "--project", "shop"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("already exists")
                .and(predicate::str::contains("hint: pass `--force`")),
        );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        before,
        ".env kept"
    );
    common::stackctl_in(dir.path())
        .args(["init", "--project", "shop", "--stack", "full", "--force"])
        .assert()
        .success();
    assert_ne!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        before,
        "--force overwrote .env"
    );
}

#[test]
fn init_refuses_when_only_the_env_exists() {
    let dir = common::tempdir();
    common::write(dir.path(), ".env", "MINE=1\n");
    common::stackctl_in(dir.path())
        .args(["init", "--project", "shop"])
        .assert()
        .code(2);
    assert!(!dir.path().join("stackctl.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        "MINE=1\n"
    );
}

#[test]
fn init_rejects_unknown_presets_and_bad_project_names() {
    let dir = common::tempdir();
    common::stackctl_in(dir.path())
        .args(["init", "--stack", "huge"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("invalid value 'huge' for '--stack <STACK>'").and(
                predicate::str::contains("[possible values: minimal, metrics, full]"),
            ),
        );
    common::stackctl_in(dir.path())
        .args(["init", "--project", "Bad Name"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid project name"));
    assert!(common::list_files(dir.path()).is_empty(), "nothing written");
}

#[test]
fn init_writes_where_dash_f_points() {
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("ops")).unwrap();
    common::stackctl_in(dir.path())
        .args(["-f", "ops/monitoring.yaml", "init", "--project", "ops"])
        .assert()
        .success();
    assert!(dir.path().join("ops/monitoring.yaml").is_file());
    assert_eq!(common::mode(&dir.path().join("ops/.env")), 0o600);
}
