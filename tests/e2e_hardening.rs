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
