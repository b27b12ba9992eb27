//! Scratch copies hold the rendered secrets: while a check runs they are 0700 with 0600 secret
//! files, and a SIGTERM or SIGINT removes them before stackctl exits (128 + signal). A slow
//! fake `promtool` first on `PATH` holds the check open; `TMPDIR` points at a directory of the
//! test's own, so the scratch directories can be watched.

use crate::common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MANIFEST: &str = "version: 1
project: cvalsig
components:
  prometheus: {}
  alertmanager: {version: 0.25.0}
scrape:
  - job: api
    targets: [api:8080]
    basic_auth: {username: metrics, password: \"${API_PASSWORD}\"}
notify:
  default: chat
  receivers:
    chat:
      slack:
        webhook_url: \"${SLACK}\"
";

const ENV: &str =
    "API_PASSWORD=fake-api-password-123\nSLACK=https://hooks.example.com/fake-slack-secret\n";

/// A `promtool` that claims the stack's release and then takes its time, after touching `started`.
fn slow_promtool(bin: &Path, started: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in --version) echo 'promtool, version 9.9.9 (branch: HEAD)'; exit 0;; esac\ntouch '{}'\nexec sleep 30\n",
        started.display()
    );
    let path = bin.join("promtool");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn scratch_dirs(tmp: &Path, prefix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(tmp)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every `secrets` directory under `dir` and the files in it, with their modes.
fn secret_modes(dir: &Path, inside_secrets: bool, out: &mut Vec<(PathBuf, u32)>) {
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        let secret = inside_secrets || entry.file_name() == "secrets";
        if secret {
            out.push((path.clone(), common::mode(&path)));
        }
        if path.is_dir() {
            secret_modes(&path, secret, out);
        }
    }
}

fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn spawn(dir: &Path, tmp: &Path, bin: &Path, args: &[&str]) -> Child {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(assert_cmd::cargo::cargo_bin("stackctl"))
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .env("PATH", path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("stackctl starts")
}

/// Runs `args` until the slow promtool starts, checks the scratch dir, sends `signal`, and
/// checks that the process exits with `code` leaving no scratch dir behind.
fn interrupted_run_leaves_nothing(args: &[&str], prefix: &str, signal: &str, code: i32) {
    let work = common::tempdir();
    let dir = common::project(MANIFEST, Some(ENV));
    let tmp = work.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let started = work.path().join("promtool-started");
    slow_promtool(&work.path().join("bin"), &started);
    let mut child = spawn(dir.path(), &tmp, &work.path().join("bin"), args);
    wait_for("the slow promtool", Duration::from_secs(60), || {
        started.exists() || child.try_wait().unwrap().is_some()
    });
    assert!(
        child.try_wait().unwrap().is_none(),
        "stackctl {args:?} ended before its checks ran"
    );
    let scratch = scratch_dirs(&tmp, prefix);
    assert_eq!(scratch.len(), 1, "{scratch:?}");
    assert_eq!(common::mode(&scratch[0]), 0o700, "{}", scratch[0].display());
    let mut secrets = Vec::new();
    secret_modes(&scratch[0], false, &mut secrets);
    assert!(
        secrets.iter().any(|(p, _)| p.is_file()),
        "the scratch copy holds the secrets: {secrets:?}"
    );
    for (path, mode) in &secrets {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(*mode, want, "{}", path.display());
    }
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(code), "{args:?} after SIG{signal}");
    assert_eq!(scratch_dirs(&tmp, "stackctl-"), Vec::<PathBuf>::new());
}

#[test]
fn validate_removes_its_private_scratch_copy_on_sigterm_and_sigint() {
    if common::require_tool("amtool").is_none() {
        return;
    }
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        interrupted_run_leaves_nothing(
            &["validate", "--no-docker"],
            "stackctl-validate-",
            signal,
            code,
        );
    }
}

#[test]
fn deploy_removes_its_check_copy_on_sigterm() {
    if !common::require_docker() {
        return;
    }
    interrupted_run_leaves_nothing(&["deploy"], "stackctl-deploy-check-", "TERM", 143);
}

#[test]
fn validate_with_docker_never_widens_secret_modes_and_cleans_up_on_sigterm() {
    if common::require_tool("amtool").is_none() {
        return;
    }
    if !common::require_docker() {
        return;
    }
    interrupted_run_leaves_nothing(&["validate"], "stackctl-validate-", "TERM", 143);
}

const SLOW_IMAGE: &str = "stackctl-test/slow-checker:cval";

/// An image whose `/bin/promtool` waits a minute (static busybox; entrypoint `/bin/false`,
/// user `nobody`), so an in-image check can be interrupted while it runs.
fn build_slow_checker_image(work: &Path) -> bool {
    let Some(busybox) = common::find_on_path("busybox") else {
        return false;
    };
    let root = work.join("rootfs");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy(busybox, root.join("bin/busybox")).unwrap();
    for link in ["sh", "sleep"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(link)).unwrap();
    }
    let promtool = root.join("bin/promtool");
    std::fs::write(&promtool, "#!/bin/sh\nexec sleep 60\n").unwrap();
    std::fs::set_permissions(&promtool, std::fs::Permissions::from_mode(0o755)).unwrap();
    common::import_image(&root, SLOW_IMAGE, &[])
}

fn oneshots_of(image: &str) -> Vec<String> {
    let out = Command::new("docker")
        .args(["ps", "-a", "--filter", "label=io.stackctl.oneshot=true"])
        .args(["--filter", &format!("ancestor={image}")])
        .args(["--format", "{{.Names}}"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn sigterm_during_an_in_image_check_removes_its_container_and_the_scratch_copy() {
    if common::require_tool("promtool").is_none() || common::require_tool("busybox").is_none() {
        return;
    }
    if !common::require_docker() {
        return;
    }
    let work = common::tempdir();
    assert!(
        build_slow_checker_image(work.path()),
        "docker import failed"
    );
    // Local promtool 2.42 is older than 2.50, so the image's (slow) promtool judges.
    let manifest = format!(
        "version: 1\nproject: cvalslow\ncomponents:\n  prometheus: {{version: 2.50.0, image: \"{SLOW_IMAGE}\"}}\n\
         scrape:\n  - job: api\n    targets: [api:8080]\n    basic_auth: {{username: m, password: \"${{API_PASSWORD}}\"}}\n"
    );
    let dir = common::project(&manifest, Some("API_PASSWORD=fake-api-password-123\n"));
    let tmp = work.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let bin = work.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let mut child = spawn(dir.path(), &tmp, &bin, &["validate"]);
    wait_for("the in-image check", Duration::from_secs(60), || {
        !oneshots_of(SLOW_IMAGE).is_empty() || child.try_wait().unwrap().is_some()
    });
    assert!(child.try_wait().unwrap().is_none(), "validate ended early");
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    let left = oneshots_of(SLOW_IMAGE);
    let _ = Command::new("docker")
        .args(["rmi", "-f", SLOW_IMAGE])
        .output();
    assert_eq!(status.code(), Some(143));
    assert_eq!(left, Vec::<String>::new(), "one-shot containers left");
    assert_eq!(scratch_dirs(&tmp, "stackctl-"), Vec::<PathBuf>::new());
}
