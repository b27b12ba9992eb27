//! The output directory is stackctl's alone and nothing outside it is touched: the real binary
//! against planted symlinks, a tampered file list, umask 000, a user's own file, and
//! concurrent renders.

use crate::common;

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;

const MANIFEST: &str = "version: 1
project: shop
components:
  prometheus: {}
  alertmanager: {}
  node_exporter: {}
";

fn render(dir: &Path) -> assert_cmd::assert::Assert {
    common::stackctl_in(dir).arg("render").assert()
}

#[test]
fn stale_removal_never_deletes_through_a_symlink() {
    let dir = common::project(MANIFEST, None);
    render(dir.path()).success();
    let rendered = dir.path().join("rendered");
    let victim = dir.path().join("victim");
    common::write(&victim, "precious.txt", "keep");
    common::write(&victim, "alertmanager.yml", "keep");
    std::os::unix::fs::symlink(&victim, rendered.join("evil")).unwrap();
    std::fs::remove_dir_all(rendered.join("alertmanager")).unwrap();
    std::os::unix::fs::symlink(&victim, rendered.join("alertmanager")).unwrap();
    let list = rendered.join(".stackctl-files");
    let tampered = std::fs::read_to_string(&list).unwrap() + "evil/precious.txt\n";
    std::fs::write(&list, tampered).unwrap();
    common::write(
        dir.path(),
        "stackctl.yaml",
        &MANIFEST.replace("  alertmanager: {}\n", ""),
    );
    render(dir.path())
        .success()
        .stdout(predicate::str::contains("evil/precious.txt").not());
    assert!(victim.join("precious.txt").exists());
    assert!(victim.join("alertmanager.yml").exists());
}

#[test]
fn rendered_directories_are_0755_under_umask_000() {
    let dir = common::project(MANIFEST, None);
    let bin = assert_cmd::cargo::cargo_bin("stackctl");
    let status = Command::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" render")
        .arg(&bin)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let rendered = dir.path().join("rendered");
    assert_eq!(common::mode(&rendered), 0o755);
    assert_eq!(common::mode(&rendered.join("prometheus")), 0o755);
    assert_eq!(
        common::mode(&rendered.join("prometheus/prometheus.yml")),
        0o644
    );
}

#[test]
fn render_refuses_to_overwrite_the_users_own_compose_file_without_force() {
    let dir = common::project(MANIFEST, None);
    let out = dir.path().join("app");
    common::write(&out, "docker-compose.yml", "services: {mine: {image: x}}\n");
    common::stackctl_in(dir.path())
        .args(["render", "--out", "app"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("`docker-compose.yml`"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(out.join("docker-compose.yml")).unwrap(),
        "services: {mine: {image: x}}\n"
    );
    assert!(!out.join("prometheus").exists(), "nothing else written");
    common::stackctl_in(dir.path())
        .args(["render", "--out", "app", "--force"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(out.join("docker-compose.yml"))
        .unwrap()
        .contains("prometheus"));
}

/// Two manifests rendered into one directory at once, repeatedly: after each round the tree is
/// exactly one of them, never a mix.
#[test]
fn concurrent_renders_into_one_directory_never_mix() {
    let dir = common::tempdir();
    let other = MANIFEST
        .replace("project: shop", "project: bakery")
        .replace("  node_exporter: {}\n", "  loki: {}\n");
    for (name, text) in [("a.yaml", MANIFEST), ("b.yaml", other.as_str())] {
        common::write(dir.path(), name, text);
    }
    let reference = |name: &str| {
        let out = format!("ref-{name}");
        common::stackctl_in(dir.path())
            .args(["render", "-f", name, "--out", &out])
            .assert()
            .success();
        snapshot(&dir.path().join(out))
    };
    let (a, b) = (reference("a.yaml"), reference("b.yaml"));
    assert_ne!(a, b);
    let bin = assert_cmd::cargo::cargo_bin("stackctl");
    for round in 0..6 {
        let children: Vec<_> = ["a.yaml", "b.yaml"]
            .iter()
            .map(|name| {
                Command::new(&bin)
                    .args(["render", "-f", name, "--out", "shared"])
                    .current_dir(dir.path())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success(), "round {round}");
        }
        let got = snapshot(&dir.path().join("shared"));
        assert!(got == a || got == b, "round {round}: a mixed tree");
    }
}

fn snapshot(dir: &Path) -> Vec<(String, String)> {
    common::list_files(dir)
        .into_iter()
        .filter(|f| f != ".stackctl-lock")
        .map(|f| {
            let text = std::fs::read_to_string(dir.join(&f)).unwrap_or_default();
            (f, text)
        })
        .collect()
}
