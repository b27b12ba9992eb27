//! The Swarm health checks of the programs behind basic auth, run for real: each rendered
//! command against the real program (Prometheus, Alertmanager, the Pushgateway) serving its
//! rendered HTTPS web config with its password. It passes with the password, fails with a wrong one, and the password reaches no
//! command line: every busybox process it starts is logged with its arguments (as anyone on
//! the host could read them in `/proc/PID/cmdline`), and neither the password nor its
//! base64 form is among them.

use crate::common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use stackctl::manifest::{load_str, Generated, Secret};
use stackctl::render::swarm::StackFile;
use stackctl::render::{render, tls, Templates};

const PASSWORD: &str = "s3cret-web-pw";

/// An exposed Swarm stack rendered with the web password above and a generated TLS pair.
fn rendered(dir: &Path) -> stackctl::render::RenderedStack {
    let source = "version: 1\nproject: demo\nengine: swarm\nbind: 0.0.0.0\ncomponents:\n  prometheus: {}\n  alertmanager: {}\n  pushgateway: {}\n";
    let pair = tls::generate("demo", tls::names("demo", "0.0.0.0")).unwrap();
    let env = |_: &str| None;
    let mut loaded = load_str(&dir.join("stackctl.yaml"), source, &env).unwrap();
    loaded.generated = Generated {
        web_password: Some(Secret::new(PASSWORD)),
        swarm_key: None,
        tls: Some(pair),
    };
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

/// A program of the stack as its task would run it: the binary, its default port, and the
/// arguments it takes beside the web config and the listen address.
struct Program {
    service: &'static str,
    binary: &'static str,
    port: u16,
    args: fn(&Path) -> Vec<String>,
}

const PROGRAMS: &[Program] = &[
    Program {
        service: "prometheus",
        binary: "prometheus",
        port: 9090,
        args: |dir| {
            std::fs::write(dir.join("prometheus.yml"), "scrape_configs: []\n").unwrap();
            vec![
                format!("--config.file={}", dir.join("prometheus.yml").display()),
                format!("--storage.tsdb.path={}", dir.join("data").display()),
            ]
        },
    },
    Program {
        service: "alertmanager",
        binary: "prometheus-alertmanager",
        port: 9093,
        args: |dir| {
            std::fs::write(
                dir.join("alertmanager.yml"),
                "route: {receiver: default}\nreceivers: [{name: default}]\n",
            )
            .unwrap();
            vec![
                format!("--config.file={}", dir.join("alertmanager.yml").display()),
                format!("--storage.path={}", dir.join("data").display()),
                "--cluster.listen-address=".to_string(),
            ]
        },
    },
    Program {
        service: "pushgateway",
        binary: "prometheus-pushgateway",
        port: 9091,
        args: |_| Vec::new(),
    },
];

#[test]
fn the_swarm_health_checks_authenticate_without_putting_the_password_on_a_command_line() {
    let Some(busybox) = common::require_tool("busybox") else {
        return;
    };
    let Some(dash) = common::require_tool("dash") else {
        return;
    };
    let stack_dir = common::tempdir();
    let stack = rendered(stack_dir.path());
    let file = stack.swarm.as_ref().expect("a Swarm model");
    for program in PROGRAMS {
        let Some(binary) = common::require_tool(program.binary) else {
            return;
        };
        check_program(program, &binary, &stack, file, &busybox, &dash);
    }
}

fn check_program(
    program: &Program,
    binary: &Path,
    stack: &stackctl::render::RenderedStack,
    file: &StackFile,
    busybox: &Path,
    dash: &Path,
) {
    let service = program.service;
    let dir = common::tempdir();
    let dir = dir.path();
    let secrets = dir.join("run-secrets");
    task_secrets(stack, file, service, &secrets);
    let secrets_path = format!("{}/", secrets.display());

    // The program with its rendered web config (certificate and password hash), the secret
    // paths moved from /run/secrets to the copy above.
    let web = std::fs::read_to_string(secrets.join("web.yml"))
        .unwrap_or_else(|_| panic!("{service}: the rendered web config is a secret of the task"))
        .replace("/run/secrets/", &secrets_path);
    std::fs::write(secrets.join("web.yml"), web).unwrap();
    let port = free_port();
    let _server = Killed(
        Command::new(binary)
            .args((program.args)(dir))
            .arg(format!(
                "--web.config.file={}",
                secrets.join("web.yml").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{service} starts: {e}")),
    );

    // The rendered check, aimed at that server and secret copy.
    let health = file.services[service]
        .healthcheck
        .as_ref()
        .unwrap_or_else(|| panic!("{service} has a health check"));
    assert_eq!(health.test[0], "CMD-SHELL");
    let default = program.port;
    let script = health.test[1]
        .replace("/run/secrets/", &secrets_path)
        .replace(
            &format!("127.0.0.1 {default}"),
            &format!("127.0.0.1 {port}"),
        )
        .replace(
            &format!("127.0.0.1:{default}"),
            &format!("127.0.0.1:{port}"),
        );
    assert!(
        script.contains(&port.to_string()),
        "{service}: the check names the port: {script}"
    );

    // `busybox` and its applets on PATH are a wrapper that logs each call's arguments, then
    // runs the real one. Every shell is dash, which runs each program it does not build in as
    // its own process (a busybox shell built to prefer its applets would run them unseen), so
    // the log holds every argument list the check puts where `/proc/PID/cmdline` shows it.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("argv.log");
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
    loop {
        let output = check();
        if output.status.success() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{service}: the check never passed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    let arguments = std::fs::read_to_string(&log).unwrap();
    let basic = base64_of(&format!("stackctl:{PASSWORD}"));
    for secret in [PASSWORD, basic.as_str()] {
        assert!(
            !arguments.contains(secret),
            "{service}: a command line carried the password:\n{arguments}"
        );
    }
    assert!(
        arguments.contains("ssl_client"),
        "{service}: the check spoke TLS:\n{arguments}"
    );

    // A wrong password: the server answers 401, and the check fails.
    std::fs::write(secrets.join("web-password"), "not-the-password\n").unwrap();
    let failed = check();
    assert!(
        !failed.status.success(),
        "{service}: the check passed with a wrong password"
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
