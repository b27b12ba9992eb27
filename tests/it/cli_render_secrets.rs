//! A secret is kept out of public files by its type, not by searching rendered text: a secret
//! whose value happens to be an ordinary word no longer makes a valid stack fail.

use crate::common;

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt as _;

#[test]
fn a_secret_equal_to_ordinary_text_in_public_files_renders() {
    // `prometheus` is a datasource name, a job and a path in public files; `password` appears
    // in Alertmanager's `auth_password_file` key.
    let manifest = "version: 1
project: shop
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"}
notify:
  default: team
  receivers:
    team:
      email:
        to: [ops@example.com]
        from: am@example.com
        smarthost: smtp.example.com:587
        username: am
        password: \"${SMTP_PASSWORD}\"
";
    let env = "GRAFANA_ADMIN_PASSWORD=prometheus\nSMTP_PASSWORD=password\n";
    let dir = common::project(manifest, Some(env));
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    let rendered = dir.path().join("rendered");
    assert_eq!(
        std::fs::read_to_string(rendered.join("secrets/grafana/grafana_admin_password")).unwrap(),
        "prometheus"
    );
    assert_eq!(
        common::mode(&rendered.join("secrets/grafana/grafana_admin_password")),
        0o600
    );
}

/// The H1 cases of issue 8: a value from the environment in a key that becomes a file name, a
/// job name or a route matcher used to be printed (as written, or lowercased in a dashboard's
/// file name). Such keys refuse `${VAR}` at load, naming the key and never the value.
#[test]
fn a_value_from_the_environment_in_a_name_or_matcher_is_refused_unprinted() {
    let manifest = "version: 1
project: shop
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"}
scrape:
  - {job: \"${T}\", targets: [\"app:8080\"]}
slos:
  - {name: \"${T}\", objective: 99, errors: 'x', total: 'y'}
notify:
  default: team
  receivers:
    team:
      webhook: {url: \"http://hook:9000/\"}
  routes:
    - match: {severity: \"${T}\"}
      receiver: team
";
    let value = "SeCrEt-Value-77";
    let env = format!("GRAFANA_ADMIN_PASSWORD=admin-pw\nT={value}\n");
    let dir = common::project(manifest, Some(&env));
    for args in [&["render"][..], &["validate", "--no-docker"]] {
        let output = common::stackctl_in(dir.path())
            .args(args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for location in [
            "stackctl.yaml:8:11",
            "stackctl.yaml:10:12",
            "stackctl.yaml:17:25",
        ] {
            assert!(shown.contains(location), "{args:?}: {location}: {shown}");
        }
        assert!(
            shown.contains("cannot take a value from the environment"),
            "{shown}"
        );
        let lowered = value.to_lowercase();
        assert!(
            !shown.contains(value) && !shown.contains(&lowered),
            "{args:?}: {shown}"
        );
        assert!(
            !dir.path().join("rendered").exists(),
            "{args:?} wrote files"
        );
    }
}

/// An exposed stack: its password is generated into `.env` and its TLS pair into
/// `.stackctl/tls/` by the command itself.
const EXPOSED: &str = "version: 1
project: shop
bind: 0.0.0.0
components:
  prometheus: {}
";

#[test]
fn a_preexisting_world_readable_tls_key_ends_0600_beside_its_certificate() {
    let dir = common::project(EXPOSED, Some("STACKCTL_WEB_PASSWORD=s3cret-web-pw\n"));
    let tls = dir.path().join(".stackctl/tls");
    std::fs::create_dir_all(&tls).unwrap();
    std::fs::write(tls.join("tls.key"), "a stale key, no certificate\n").unwrap();
    std::fs::set_permissions(tls.join("tls.key"), Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&tls, Permissions::from_mode(0o755)).unwrap();
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    let key = std::fs::read_to_string(tls.join("tls.key")).unwrap();
    let cert = std::fs::read_to_string(tls.join("tls.crt")).unwrap();
    assert!(key.contains("PRIVATE KEY"), "a new key: {key}");
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(common::mode(&tls.join("tls.key")), 0o600);
    assert_eq!(common::mode(&tls.join("tls.crt")), 0o600);
    assert_eq!(common::mode(&tls), 0o700);
    let names = names(dir.path().join(".stackctl"));
    assert_eq!(names, ["tls"], "no temporary directory left");
}

#[test]
fn a_generated_web_password_leaves_env_0600_with_its_old_lines() {
    for old_mode in [0o600, 0o644] {
        let dir = common::project(EXPOSED, Some("GRAFANA_ADMIN_PASSWORD=kept-as-it-was"));
        let env = dir.path().join(".env");
        std::fs::set_permissions(&env, Permissions::from_mode(old_mode)).unwrap();
        let shown = render_shown(dir.path());
        let text = std::fs::read_to_string(&env).unwrap();
        assert!(
            text.starts_with("GRAFANA_ADMIN_PASSWORD=kept-as-it-was\n"),
            "{text}"
        );
        let password = text
            .lines()
            .find_map(|l| l.strip_prefix("STACKCTL_WEB_PASSWORD="))
            .expect("a password was added");
        assert_eq!(password.len(), 32);
        assert_eq!(common::mode(&env), 0o600, "from {old_mode:o}");
        assert!(!shown.contains(password), "{shown}");
        assert_eq!(
            names(dir.path()),
            [".env", ".stackctl", "rendered", "stackctl.yaml"]
        );
    }
}

/// A manifest that loads but does not render (a rule file that is not there) is bad input:
/// exit 2, and nothing stackctl would have generated for it is left behind — no password or
/// Swarm key in `.env`, no TLS pair — with every command that renders.
#[test]
fn a_manifest_that_does_not_render_leaves_no_generated_password_key_or_certificate() {
    let manifest = format!("{EXPOSED}alerts:\n  files: [missing.yml]\n")
        .replace("version: 1\n", "version: 1\nengine: swarm\n");
    for command in [
        &["render"][..],
        &["validate", "--no-docker"],
        &["deploy"],
        &["status"],
    ] {
        let dir = common::project(&manifest, Some("GRAFANA_ADMIN_PASSWORD=kept-as-it-was\n"));
        let output = common::stackctl_in(dir.path())
            .args(command)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cannot read `missing.yml`"),
            "{command:?}: {stderr}"
        );
        assert!(!stderr.contains("generated"), "{command:?}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".env")).unwrap(),
            "GRAFANA_ADMIN_PASSWORD=kept-as-it-was\n",
            "{command:?}"
        );
        assert_eq!(names(dir.path()), [".env", "stackctl.yaml"], "{command:?}");
    }
}

/// The commands that write no files use the values a stack lacks for their run only: a valid
/// exposed Swarm stack gets no `.env` line and no TLS pair from `validate` or `upgrade` (both
/// wrote `.env` before), and `render` then saves them with the files it writes.
#[test]
fn only_a_command_that_writes_the_files_saves_generated_values() {
    let manifest = EXPOSED.replace("version: 1\n", "version: 1\nengine: swarm\n");
    let dir = common::project(&manifest, None);
    for command in [
        &["validate", "--no-docker"][..],
        &["upgrade", "--dry-run"],
        &["upgrade"],
    ] {
        let output = common::stackctl_in(dir.path())
            .args(command)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.code().is_some_and(|c| c < 2),
            "{command:?}: {stderr}"
        );
        assert!(!stderr.contains("note:"), "{command:?}: {stderr}");
        assert_eq!(names(dir.path()), ["stackctl.yaml"], "{command:?}");
    }
    let shown = render_shown(dir.path());
    let notes = shown.lines().filter(|l| l.starts_with("note:")).count();
    assert_eq!(notes, 3, "password, Swarm key and TLS pair: {shown}");
    assert_eq!(
        names(dir.path()),
        [".env", ".stackctl", "rendered", "stackctl.yaml"]
    );
}

/// Runs `render` in `dir`, which must succeed; returns all it printed (stdout and stderr).
fn render_shown(dir: &std::path::Path) -> String {
    let output = common::stackctl_in(dir)
        .arg("render")
        .assert()
        .success()
        .get_output()
        .clone();
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn names(dir: impl AsRef<std::path::Path>) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// A Swarm stack gets `STACKCTL_SWARM_KEY` in `.env` (0600, never printed) on its first load.
/// Its secrets' names in the public docker-stack.yml are HMACs under that key: the same from
/// one render to the next and in a second checkout that has the same `.env`, and never the plain
/// SHA-256 of the secret.
#[test]
fn swarm_secret_names_are_keyed_by_a_generated_env_key_that_travels_with_env() {
    let manifest = EXPOSED.replace("version: 1\n", "version: 1\nengine: swarm\n");
    let dir = common::project(&manifest, Some("STACKCTL_WEB_PASSWORD=a-short-one"));
    let shown = render_shown(dir.path());
    let env = dir.path().join(".env");
    let text = std::fs::read_to_string(&env).unwrap();
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("STACKCTL_SWARM_KEY="))
        .expect("a key was added");
    assert_eq!(key.len(), 43, "256 bits of letters and digits");
    assert_eq!(common::mode(&env), 0o600);
    assert!(shown.contains("generated `STACKCTL_SWARM_KEY`"), "{shown}");
    assert!(!shown.contains(key), "{shown}");

    let stack_file = |dir: &std::path::Path| {
        std::fs::read_to_string(dir.join("rendered/docker-stack.yml")).unwrap()
    };
    let secret_names = |text: &str| -> Vec<String> {
        let file: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        file["secrets"]
            .as_mapping()
            .unwrap()
            .values()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let first = secret_names(&stack_file(dir.path()));
    // The web password's object: its name does not end in the plain hash of its file.
    let file: serde_yaml::Value = serde_yaml::from_str(&stack_file(dir.path())).unwrap();
    let (name, path) = file["secrets"]
        .as_mapping()
        .unwrap()
        .values()
        .map(|s| (s["name"].as_str().unwrap(), s["file"].as_str().unwrap()))
        .find(|(name, _)| name.contains("web-password"))
        .expect("the web password is a Swarm secret");
    let contents = std::fs::read(dir.path().join("rendered").join(path)).unwrap();
    use sha2::Digest as _;
    let plain: String = sha2::Sha256::digest(&contents)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(!name.ends_with(&plain[..12]), "{name} is the plain hash");

    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    assert_eq!(secret_names(&stack_file(dir.path())), first, "stable names");

    // A second checkout with the same manifest, `.env` and certificate names them alike.
    let other = common::tempdir();
    for file in ["stackctl.yaml", ".env"] {
        std::fs::copy(dir.path().join(file), other.path().join(file)).unwrap();
    }
    let tls = other.path().join(".stackctl/tls");
    std::fs::create_dir_all(&tls).unwrap();
    for file in ["tls.crt", "tls.key"] {
        std::fs::copy(dir.path().join(".stackctl/tls").join(file), tls.join(file)).unwrap();
    }
    common::stackctl_in(other.path())
        .arg("render")
        .assert()
        .success();
    assert_eq!(
        secret_names(&stack_file(other.path())),
        first,
        "same key, same names"
    );
}
