//! The Swarm health check of a program behind basic auth, run for real: the rendered command,
//! in busybox's shell, against a real Prometheus serving the rendered HTTPS web config with its
//! password. It passes with the password, fails with a wrong one, and the password reaches no
//! command line: every busybox process it starts is logged with its arguments (as anyone on
//! the host could read them in `/proc/PID/cmdline`), and neither the password nor its
//! base64 form is among them.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use stackctl::manifest::load_str;
use stackctl::render::swarm::StackFile;
use stackctl::render::{render, tls, Templates};

const PASSWORD: &str = "s3cret-web-pw";

/// An exposed Swarm stack rendered with the web password above and a generated TLS pair.
fn rendered(dir: &Path) -> stackctl::render::RenderedStack {
    let source = "version: 1\nproject: demo\nengine: swarm\nbind: 0.0.0.0\ncomponents:\n  prometheus: {}\n  alertmanager: {}\n";
    std::fs::write(
        dir.join(".env"),
        format!("STACKCTL_WEB_PASSWORD={PASSWORD}\n"),
    )
    .unwrap();
    let pair = tls::generate("demo", tls::names("demo", "0.0.0.0")).unwrap();
    let tls_dir = tls::dir(dir);
    std::fs::create_dir_all(&tls_dir).unwrap();
    std::fs::write(tls_dir.join(tls::CERT), &pair.cert).unwrap();
    std::fs::write(tls_dir.join(tls::KEY), pair.key.expose()).unwrap();
    let env = |_: &str| None;
    let loaded = load_str(&dir.join("stackctl.yaml"), source, &env).unwrap();
    render(&loaded, &Templates::embedded()).unwrap_or_else(|e| panic!("{e:#}"))
}

/// The service's secrets as its task sees them under `/run/secrets`, written into `secrets`.
fn task_secrets(
    stack: &stackctl::render::RenderedStack,
    file: &StackFile,
    service: &str,
    secrets: &Path,
) {
    std::fs::create_dir_all(secrets).unwrap();
    for mount in &file.services[service].secrets {
        let object = &file.secrets[&mount.source];
        let path = object.file.trim_start_matches("./");
        std::fs::write(
            secrets.join(&mount.target),
            stack.files[path].contents.expose(),
        )
        .unwrap();
    }
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_swarm_health_check_authenticates_without_putting_the_password_on_a_command_line() {
    let Some(prometheus) = common::require_tool("prometheus") else {
        return;
    };
    let Some(busybox) = common::require_tool("busybox") else {
        return;
    };
    let Some(dash) = common::require_tool("dash") else {
        return;
    };
    let dir = common::tempdir();
    let stack = rendered(dir.path());
    let file = stack.swarm.as_ref().expect("a Swarm model");
    let secrets = dir.path().join("run-secrets");
    task_secrets(&stack, file, "prometheus", &secrets);
    let secrets_path = format!("{}/", secrets.display());

    // Prometheus with the rendered web config (certificate and password hash), its secret
    // paths moved from /run/secrets to the copy above.
    let web = std::fs::read_to_string(secrets.join("web.yml"))
        .expect("the rendered web config is a secret of the task")
        .replace("/run/secrets/", &secrets_path);
    std::fs::write(secrets.join("web.yml"), web).unwrap();
    std::fs::write(dir.path().join("prometheus.yml"), "scrape_configs: []\n").unwrap();
    let port = free_port();
    let _server = Killed(
        Command::new(&prometheus)
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--web.config.file={}",
                secrets.join("web.yml").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus starts"),
    );

    // The rendered check, aimed at that server and secret copy.
    let health = file.services["prometheus"]
        .healthcheck
        .as_ref()
        .expect("a health check");
    assert_eq!(health.test[0], "CMD-SHELL");
    let script = health.test[1]
        .replace("/run/secrets/", &secrets_path)
        .replace("127.0.0.1 9090", &format!("127.0.0.1 {port}"))
        .replace("127.0.0.1:9090", &format!("127.0.0.1:{port}"));
    assert_ne!(
        script, health.test[1],
        "the check names the secret path and port"
    );

    // `busybox` and its applets on PATH are a wrapper that logs each call's arguments, then
    // runs the real one. Every shell is dash, which runs each program it does not build in as
    // its own process (a busybox shell built to prefer its applets would run them unseen), so
    // the log holds every argument list the check puts where `/proc/PID/cmdline` shows it.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.path().join("argv.log");
    let wrapper = bin.join("busybox");
    std::fs::write(
        &wrapper,
        format!(
            "#!{dash}\nname=${{0##*/}}\nfor a in \"$name\" \"$@\"; do printf '%s\\n' \"$a\" >>'{log}'; done\n\
             if [ \"$name\" = busybox ]; then name=$1; shift; fi\n\
             if [ \"$name\" = sh ]; then exec {dash} \"$@\"; fi\n\
             exec {busybox} \"$name\" \"$@\"\n",
            log = log.display(),
            dash = dash.display(),
            busybox = busybox.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    for applet in ["sh", "cat", "wget", "nc", "base64", "ssl_client", "printf"] {
        std::os::unix::fs::symlink("busybox", bin.join(applet)).unwrap();
    }
    let check = || {
        Command::new(&wrapper)
            .args(["sh", "-c", &script])
            .env("PATH", &bin)
            .output()
            .expect("the check runs")
    };

    let started = Instant::now();
    let passed = loop {
        let output = check();
        if output.status.success() {
            break output;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the check never passed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(passed.status.success());

    let arguments = std::fs::read_to_string(&log).unwrap();
    let basic = base64_of(&format!("stackctl:{PASSWORD}"));
    for secret in [PASSWORD, basic.as_str()] {
        assert!(
            !arguments.contains(secret),
            "a command line carried the password:\n{arguments}"
        );
    }
    assert!(
        arguments.contains("ssl_client"),
        "the check spoke TLS:\n{arguments}"
    );

    // A wrong password: the server answers 401, and the check fails.
    std::fs::write(secrets.join("web-password"), "not-the-password\n").unwrap();
    let failed = check();
    assert!(
        !failed.status.success(),
        "the check passed with a wrong password"
    );
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
