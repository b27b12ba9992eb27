//! Manifests that cannot be read or are not YAML text: `render` and `validate` exit 2 at once,
//! with a location where there is a line to point at, and write nothing.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::PROMETHEUS_ONLY as MINIMAL;

fn run(dir: &Path, command: &str, manifest: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let output = assert_cmd::Command::cargo_bin("stackctl")
        .expect("stackctl binary")
        .current_dir(dir)
        .env_remove("GRAFANA_ADMIN_PASSWORD")
        .arg(command)
        .arg("-f")
        .arg(manifest)
        .arg("--out")
        .arg(dir.join("out"))
        .args(if command == "validate" {
            &["--no-docker"][..]
        } else {
            &[][..]
        })
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run stackctl");
    (output, started.elapsed())
}

/// Both commands exit 2 quickly, write nothing, and print `words` (and no more than `limit`
/// bytes on stderr).
fn refused(dir: &Path, manifest: &Path, words: &str) -> String {
    let mut last = String::new();
    for command in ["render", "validate"] {
        let (output, took) = run(dir, command, manifest);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains(words), "{command}: {stderr}");
        assert!(
            stderr.len() < 4096,
            "{command}: {} bytes of stderr",
            stderr.len()
        );
        assert!(
            !dir.join("out").exists(),
            "{command} wrote the output directory"
        );
        // Generous for a debug binary on a busy machine; the release binary takes a few ms.
        assert!(took < Duration::from_secs(5), "{command} took {took:?}");
        last = stderr;
    }
    last
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stackctl.yaml")).unwrap();
    refused(
        dir.path(),
        &dir.path().join("stackctl.yaml"),
        "is a directory",
    );
}

#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("stackctl.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    refused(dir.path(), &fifo, "not a regular file");
}

#[test]
fn a_device_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path(), Path::new("/dev/zero"), "not a regular file");
}

#[test]
fn a_path_through_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), MINIMAL).unwrap();
    refused(
        dir.path(),
        &dir.path().join("file/stackctl.yaml"),
        "no manifest at",
    );
}

#[test]
fn a_manifest_over_the_size_cap_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("stackctl.yaml");
    let mut text = String::from(MINIMAL);
    text.push_str(&"# padding\n".repeat(900_000));
    std::fs::write(&manifest, text).unwrap();
    refused(dir.path(), &manifest, "larger than 8 MiB");
}

#[test]
fn deep_nesting_is_refused_quickly_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("stackctl.yaml");
    std::fs::write(
        &manifest,
        format!("{MINIMAL}labels: {}\n", "[".repeat(80_000)),
    )
    .unwrap();
    let stderr = refused(dir.path(), &manifest, "stackctl.yaml:5:");
    assert!(stderr.contains('…'), "the long line is cut: {stderr}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("stackctl.yaml");
    std::fs::write(&manifest, format!("\u{feff}{MINIMAL}")).unwrap();
    let (output, _) = run(dir.path(), "render", &manifest);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_dotenv_others_can_read_is_used_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("stackctl.yaml");
    std::fs::write(
        &manifest,
        "version: 1\nproject: shop\ncomponents:\n  grafana: {admin_password: \"${GPW}\"}\n",
    )
    .unwrap();
    let dotenv = dir.path().join(".env");
    std::fs::write(&dotenv, "\u{feff}GPW=abc$def-secret\n").unwrap();
    std::fs::set_permissions(&dotenv, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (output, _) = run(dir.path(), "render", &manifest);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("chmod 600") && stderr.contains(".env"),
        "{stderr}"
    );
    // Taken literally: `$def` is not expanded.
    let secret = std::fs::read_to_string(dir.path().join("out/secrets/grafana/admin_password"))
        .or_else(|_| {
            let found = walk(&dir.path().join("out"))
                .into_iter()
                .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("abc")));
            std::fs::read_to_string(found.expect("a file holds the password"))
        })
        .unwrap();
    assert_eq!(secret.trim_end(), "abc$def-secret");
    std::fs::set_permissions(&dotenv, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    let (output, _) = run(dir.path(), "render", &manifest);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("chmod"));
}

#[test]
fn a_short_value_from_the_environment_in_a_plain_key_is_refused_unprinted() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("stackctl.yaml");
    std::fs::write(
        &manifest,
        "version: 1\nproject: \"${P}\"\ncomponents:\n  prometheus: {}\nslos:\n  - {name: \"${P}\", objective: 99, errors: 'x', total: 'y'}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), "P=Qz\n").unwrap();
    let stderr = refused(
        dir.path(),
        &manifest,
        "cannot take a value from the environment",
    );
    assert!(stderr.contains("stackctl.yaml:2:10"), "{stderr}");
    assert!(stderr.contains("stackctl.yaml:6:12"), "{stderr}");
    assert!(!stderr.contains("Qz"), "{stderr}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
