//! Hardening against careless or hostile use (issue 8, helper E): reload with a stopped
//! service or nothing deployed, `DOCKER_HOST=ssh://`, concurrent deploys and duplicate
//! networks, a removed network, foreign containers and volumes under the project's name,
//! and a stack published beyond loopback. Real daemon, projects named `e-*`.

mod common;
mod e2e_support;

use e2e_support::{docker, stack, Stack};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A stack whose project is `e-<test>-<pid>` (this helper's prefix).
fn e_stack(test: &str) -> Option<Stack> {
    let mut s = stack(test)?;
    s.project = format!("e-{test}-{}", std::process::id());
    e2e_support::remove_project(&s.project);
    Some(s)
}

#[test]
fn reload_with_nothing_deployed_or_a_stopped_service_exits_1_naming_it() {
    let Some(s) = e_stack("reload-stopped") else {
        return;
    };
    s.write_manifest(&s.manifest("", ""));
    let output = s.run(&["reload"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("nothing is deployed for project"),
        "{}",
        stderr(&output)
    );

    s.ok(&["deploy", "--timeout", "90"]);
    docker(&["stop", &s.container("alertmanager")]);
    // The changed service is the stopped one.
    s.write_manifest(&s.manifest(
        "",
        "notify:\n  default: ops\n  receivers:\n    ops:\n      webhook: {url: 'http://127.0.0.1:9/hook'}\n",
    ));
    let output = s.run(&["reload"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("`alertmanager` is not running"),
        "names the stopped service: {text}"
    );
    assert!(text.contains("stackctl deploy"), "{text}");
    assert!(
        !stdout(&output).contains("nothing to reload"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn docker_host_over_ssh_is_refused_with_a_reason() {
    let dir = common::project(
        "version: 1\nproject: e-ssh\ncomponents:\n  pushgateway: {}\n",
        None,
    );
    for command in ["deploy", "status", "reload", "down"] {
        let output = common::stackctl_in(dir.path())
            .env("DOCKER_HOST", "ssh://me@docker-host")
            .arg(command)
            .output()
            .unwrap();
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{command}: {text}");
        assert!(
            text.contains("stackctl does not drive a Docker daemon over ssh"),
            "{command}: {text}"
        );
        assert!(text.contains("hint: containers bind-mount"), "{text}");
    }
}

/// Creates a network the way a second, racing `docker network create` does: same name, same
/// labels (the API allows duplicate names without `CheckDuplicate`). Returns its ID.
fn create_duplicate_network(project: &str) -> String {
    let body = format!(
        r#"{{"Name":"{project}_default","CheckDuplicate":false,"Driver":"bridge","Labels":{{"com.docker.compose.project":"{project}","com.docker.compose.network":"default","io.stackctl.project":"{project}"}}}}"#
    );
    let output = std::process::Command::new("curl")
        .args([
            "-s",
            "--unix-socket",
            "/var/run/docker.sock",
            "-H",
            "Content-Type: application/json",
            "-X",
            "POST",
            "-d",
            &body,
            "http://localhost/networks/create",
        ])
        .output()
        .expect("curl runs");
    let reply: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    reply["Id"].as_str().expect("a network ID").to_string()
}

fn networks_named(name: &str) -> Vec<String> {
    docker(&[
        "network",
        "ls",
        "-q",
        "--no-trunc",
        "--filter",
        &format!("name={name}"),
    ])
    .lines()
    .filter(|id| docker(&["network", "inspect", "-f", "{{.Name}}", id]).trim() == name)
    .map(str::to_string)
    .collect()
}

#[test]
fn concurrent_deploys_take_turns_and_duplicate_networks_converge() {
    let Some(s) = e_stack("concurrent") else {
        return;
    };
    s.write_manifest(&s.manifest("", ""));
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("stackctl"))
            .current_dir(s.path())
            .args(["deploy", "--timeout", "120"])
            .output()
    };
    let (first, second) = std::thread::scope(|scope| {
        let a = scope.spawn(spawn);
        let b = scope.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    let texts = format!("{}\n---\n{}", stderr(&first), stderr(&second));
    assert!(first.status.success() && second.status.success(), "{texts}");
    assert!(
        texts.contains(&format!(
            "waiting: project `{}` is locked by pid",
            s.project
        )),
        "the second deploy says who holds the lock: {texts}"
    );
    let network = format!("{}_default", s.project);
    assert_eq!(networks_named(&network).len(), 1);

    // A duplicate left by a racing create (from another directory): deploy keeps the network
    // in use and removes the empty one, even when a container must be created.
    let duplicate = create_duplicate_network(&s.project);
    assert_eq!(networks_named(&network).len(), 2);
    docker(&["rm", "-f", &s.container("pushgateway")]);
    let out = s.ok(&["deploy", "--timeout", "90"]);
    assert!(out.contains("removed duplicate network"), "{out}");
    let left = networks_named(&network);
    assert_eq!(left.len(), 1);
    assert_ne!(left[0], duplicate);
    assert!(s.ok(&["status"]).contains("is healthy"));

    // `down` converges from duplicates too.
    create_duplicate_network(&s.project);
    s.ok(&["down"]);
    assert!(networks_named(&network).is_empty());
}

#[test]
fn a_removed_network_is_named_by_status_and_repaired_by_deploy() {
    let Some(s) = e_stack("netgone") else {
        return;
    };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "90"]);
    let network = format!("{}_default", s.project);
    let services = [
        "prometheus",
        "alertmanager",
        "node-exporter",
        "blackbox-exporter",
        "pushgateway",
    ];
    let all_up = |s: &Stack| {
        e2e_support::eventually(60, "every target up", || {
            let targets = s.prometheus("/api/v1/targets");
            let active = targets["data"]["activeTargets"].as_array().cloned();
            active.is_some_and(|a| !a.is_empty() && a.iter().all(|t| t["health"] == "up"))
        })
    };

    // Removed while stopped.
    for service in services {
        docker(&["stop", &s.container(service)]);
    }
    docker(&["network", "rm", &network]);
    let output = s.run(&["status"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(&format!("network `{network}` was removed")),
        "{}",
        stdout(&output)
    );
    s.ok(&["deploy", "--timeout", "90"]);
    all_up(&s);

    // Removed while running (each container forcibly disconnected first).
    for service in services {
        docker(&[
            "network",
            "disconnect",
            "-f",
            &network,
            &s.container(service),
        ]);
    }
    docker(&["network", "rm", &network]);
    let output = s.run(&["status"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains(&format!("network `{network}` was removed")),
        "{text}"
    );
    let out = s.ok(&["deploy", "--timeout", "90"]);
    assert!(out.contains("not attached to network"), "{out}");
    for service in services {
        let networks = s.inspect(service, "{{json .NetworkSettings.Networks}}");
        assert!(networks.contains(&network), "{service}: {networks}");
    }
    all_up(&s);
    assert!(s.ok(&["status"]).contains("is healthy"));
}

#[test]
fn foreign_containers_and_volumes_under_the_project_name_are_kept_and_listed() {
    let Some(s) = e_stack("foreign") else {
        return;
    };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "90"]);
    let app = format!("{}-web-1", s.project);
    let app_volume = format!("{}_appdata", s.project);
    let project_label = format!("com.docker.compose.project={}", s.project);
    docker(&[
        "create",
        "--name",
        &app,
        "--label",
        &project_label,
        "--label",
        "com.docker.compose.service=web",
        e2e_support::PUSHGATEWAY,
    ]);
    docker(&["volume", "create", "--label", &project_label, &app_volume]);

    let output = s.run(&["deploy", "--timeout", "90"]);
    assert!(output.status.success());
    let text = stderr(&output);
    assert!(
        text.contains(&app) && text.contains("--remove-orphans"),
        "{text}"
    );
    assert!(
        s.containers().contains(&app),
        "deploy keeps the app's container"
    );

    // A container stackctl did not create under a service's own name: reload says so instead
    // of calling the service merely stopped.
    let taken = s.container("pushgateway");
    docker(&["rm", "-f", &taken]);
    docker(&[
        "create",
        "--name",
        &taken,
        "--label",
        &project_label,
        "--label",
        "com.docker.compose.service=pushgateway",
        e2e_support::PUSHGATEWAY,
    ]);
    let reload = s.run(&["reload"]);
    let text = stderr(&reload);
    assert_eq!(reload.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "`pushgateway` has no container of its own: `{taken}` was not created by stackctl"
        )),
        "{text}"
    );
    docker(&["rm", "-f", &taken]);
    s.ok(&["deploy", "--timeout", "90"]);

    let out = s.ok(&["down", "--volumes"]);
    assert!(out.contains("stackctl did not create"), "{out}");
    assert_eq!(
        s.containers(),
        vec![app.clone()],
        "only the app's container is left"
    );
    assert_eq!(
        s.volumes(),
        vec![app_volume.clone()],
        "only the app's volume is left"
    );

    let out = s.ok(&["down", "--remove-orphans"]);
    assert!(out.contains(&format!("removed {app}")), "{out}");
    assert!(s.containers().is_empty());
}

fn status_code(url: &str, method: &str, credentials: Option<(&str, &str)>) -> u16 {
    match common::http::call(method, url, credentials, None) {
        Ok((status, _)) => status,
        Err(e) => panic!("{e}"),
    }
}

/// Like `status_code`, over HTTPS trusting only the stack's certificate (`.stackctl/tls/tls.crt`).
fn tls_status_code(
    dir: &std::path::Path,
    url: &str,
    method: &str,
    credentials: Option<(&str, &str)>,
) -> u16 {
    let cert = std::fs::read(dir.join(".stackctl/tls/tls.crt")).expect("the stack's certificate");
    match common::http::call_trusting(method, url, credentials, None, Some(&cert)) {
        Ok((status, _)) => status,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn an_exposed_stack_refuses_strangers_and_still_deploys_reports_and_reloads() {
    let Some(s) = e_stack("exposed") else {
        return;
    };
    s.write_manifest(&s.manifest("", "bind: 0.0.0.0\n"));
    let output = s.run(&["deploy", "--timeout", "90"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("generated `STACKCTL_WEB_PASSWORD`"));
    let env = std::fs::read_to_string(s.path().join(".env")).unwrap();
    let password = env
        .lines()
        .find_map(|l| l.strip_prefix("STACKCTL_WEB_PASSWORD="))
        .expect("the password is in .env")
        .to_string();
    assert!(!stdout(&output).contains(&password) && !stderr(&output).contains(&password));
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(s.path().join(".env"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, ".env is private: {mode:o}");
    assert!(stderr(&output).contains("generated a self-signed TLS certificate"));
    for file in ["tls.crt", "tls.key"] {
        let path = s.path().join(".stackctl/tls").join(file);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{file} is private: {mode:o}");
    }

    let base = |port: u16| format!("https://127.0.0.1:{port}");
    let ports = [s.prometheus_port, s.alertmanager_port, s.pushgateway_port];
    let me = Some(("stackctl", password.as_str()));
    let status_code = |url: &str, method: &str, credentials: Option<(&str, &str)>| {
        tls_status_code(s.path(), url, method, credentials)
    };
    for port in ports {
        // Plain HTTP gets no service: Go's TLS server answers 400 to an HTTP request.
        assert_eq!(
            self::status_code(&format!("http://127.0.0.1:{port}/-/ready"), "GET", me),
            400,
            "{port} speaks only HTTPS"
        );
        assert_eq!(
            status_code(&format!("{}/-/ready", base(port)), "GET", None),
            401,
            "{port}"
        );
        assert_eq!(
            status_code(&format!("{}/metrics", base(port)), "GET", None),
            401,
            "{port}"
        );
        assert_eq!(
            status_code(&format!("{}/-/ready", base(port)), "GET", me),
            200,
            "{port}"
        );
    }
    let prometheus = base(s.prometheus_port);
    assert_eq!(
        status_code(&format!("{prometheus}/-/quit"), "POST", None),
        401
    );
    assert_eq!(
        status_code(&format!("{prometheus}/-/quit"), "POST", me),
        403,
        "no lifecycle API even with the password"
    );
    assert_eq!(
        status_code(&format!("{prometheus}/-/reload"), "POST", me),
        403
    );

    // Prometheus' own scrapes of the protected programs authenticate: every target is up,
    // and `status` (which reads the API with the password) says so.
    e2e_support::eventually(60, "every target up in `status`", || {
        let output = s.run(&["status"]);
        output.status.success() && stdout(&output).contains("targets: 5 up, 0 down")
    });

    // Reload by SIGHUP, confirmed by the program's reload metrics.
    s.write_manifest(&s.manifest("", "bind: 0.0.0.0\nlabels: {cluster: exposed-reloaded}\n"));
    let out = s.ok(&["reload"]);
    assert!(
        out.contains("prometheus") && out.contains("reloaded"),
        "{out}"
    );
    let cert = std::fs::read(s.path().join(".stackctl/tls/tls.crt")).unwrap();
    let (_, config) = common::http::call_trusting(
        "GET",
        &format!("{prometheus}/api/v1/status/config"),
        Some(("stackctl", &password)),
        None,
        Some(&cert),
    )
    .unwrap();
    assert!(config.contains("exposed-reloaded"), "the new config runs");
    assert!(
        s.ok(&["deploy"]).contains("is up to date"),
        "nothing left to change"
    );

    // The verbs that call Alertmanager's API go through HTTPS with the password too.
    let id = s.ok(&["silence", "add", "--match", "alertname=Exposed"]);
    assert!(s.ok(&["silence", "ls"]).contains(id.trim()));
}
