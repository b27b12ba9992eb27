//! `engine: swarm` on a real single-node Docker Swarm (the test makes the local daemon one with
//! `docker swarm init` when it is not in a Swarm, and leaves it so: a Swarm-mode daemon runs
//! plain containers as before, so the other Docker tests are unaffected).
//!
//! Each stack uses its own project name and removes its services, configs, secrets, network
//! and volumes, by the stack namespace label, even when the test fails.

mod common;
mod e2e_support;

use std::process::Command;
use std::time::{Duration, Instant};

use e2e_support::{docker, eventually, ALERTMANAGER, NODE_EXPORTER, PROMETHEUS};

const WEBHOOK: &str = "stackctl-test/webhook:1";

/// A stack on the Swarm: the e2e stack (lock, ports, temp dir) plus Swarm cleanup.
struct SwarmStack {
    inner: e2e_support::Stack,
}

impl Drop for SwarmStack {
    fn drop(&mut self) {
        remove_stack(&self.inner.project);
    }
}

fn swarm_stack(test: &str) -> Option<SwarmStack> {
    let inner = e2e_support::stack(test)?;
    if !ensure_swarm() {
        return common::skip(
            "a Docker daemon that can be a Swarm manager (`docker swarm init` failed)",
        );
    }
    remove_stack(&inner.project);
    Some(SwarmStack { inner })
}

/// Makes the daemon a single-node Swarm when it is not in one.
fn ensure_swarm() -> bool {
    let state = |()| {
        docker(&[
            "info",
            "-f",
            "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}",
        ])
    };
    if state(()).trim() == "active true" {
        return true;
    }
    let init = |args: &[&str]| {
        Command::new("docker")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let _ = init(&["swarm", "init"]) || init(&["swarm", "init", "--advertise-addr", "127.0.0.1"]);
    state(()).trim() == "active true"
}

/// Everything with the stack namespace label of `project`, as `docker stack rm` and more.
fn remove_stack(project: &str) {
    let filter = format!("label=com.docker.stack.namespace={project}");
    let services: Vec<String> = docker(&["service", "ls", "-q", "--filter", &filter])
        .lines()
        .map(str::to_string)
        .collect();
    if !services.is_empty() {
        let mut args = vec!["service", "rm"];
        args.extend(services.iter().map(String::as_str));
        docker(&args);
    }
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30)
        && !docker(&["ps", "-aq", "--filter", &filter])
            .trim()
            .is_empty()
    {
        std::thread::sleep(Duration::from_millis(500));
    }
    for kind in ["config", "secret"] {
        for id in docker(&[kind, "ls", "-q", "--filter", &filter]).lines() {
            docker(&[kind, "rm", id]);
        }
    }
    for container in docker(&[
        "ps",
        "-aq",
        "--filter",
        &format!("label=stackctl-test-swarm={project}"),
    ])
    .lines()
    {
        docker(&["rm", "-f", container]);
    }
    for _ in 0..20 {
        let network = format!("{project}_default");
        if docker(&[
            "network",
            "ls",
            "-q",
            "--filter",
            &format!("name=^{network}$"),
        ])
        .trim()
        .is_empty()
        {
            break;
        }
        docker(&["network", "rm", &network]);
        std::thread::sleep(Duration::from_millis(500));
    }
    for volume in docker(&["volume", "ls", "-q", "--filter", &filter]).lines() {
        docker(&["volume", "rm", "-f", volume]);
    }
}

impl SwarmStack {
    fn project(&self) -> &str {
        &self.inner.project
    }

    fn manifest(&self, prometheus_extra: &str, extra: &str) -> String {
        format!(
            "version: 1
project: {project}
engine: swarm
bind: 0.0.0.0
components:
  prometheus: {{image: {PROMETHEUS}, version: 2.42.0, port: {pp}, scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s{prometheus_extra}}}
  alertmanager: {{image: {ALERTMANAGER}, version: 0.25.0, port: {ap}}}
  node_exporter: {{image: {NODE_EXPORTER}, version: 1.5.0}}
{extra}",
            project = self.project(),
            pp = self.inner.prometheus_port,
            ap = self.inner.alertmanager_port,
        )
    }

    fn password(&self) -> String {
        let env = std::fs::read_to_string(self.inner.path().join(".env")).unwrap_or_default();
        env.lines()
            .find_map(|l| l.strip_prefix("STACKCTL_WEB_PASSWORD="))
            .unwrap_or_default()
            .trim_matches(['"', '\''])
            .to_string()
    }

    /// The stack's certificate, which `deploy` generated (`.stackctl/tls/tls.crt`).
    fn certificate(&self) -> Vec<u8> {
        std::fs::read(self.inner.path().join(".stackctl/tls/tls.crt")).unwrap_or_default()
    }

    /// Prometheus' API over HTTPS, trusting only the stack's certificate, with the password.
    fn prometheus(&self, path: &str) -> serde_json::Value {
        let url = format!("https://127.0.0.1:{}{path}", self.inner.prometheus_port);
        let password = self.password();
        common::http::call_trusting(
            "GET",
            &url,
            Some(("stackctl", &password)),
            None,
            Some(&self.certificate()),
        )
        .ok()
        .and_then(|(_, body)| serde_json::from_str(&body).ok())
        .unwrap_or(serde_json::Value::Null)
    }

    /// `job → health` of every active target.
    fn targets(&self) -> Vec<(String, String)> {
        let body = self.prometheus("/api/v1/targets");
        body["data"]["activeTargets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t["labels"]["job"].as_str().unwrap_or_default().to_string(),
                    t["health"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn every_target_up(&self, jobs: &[&str]) -> bool {
        let targets = self.targets();
        jobs.iter().all(|job| targets.iter().any(|(j, _)| j == job))
            && targets.iter().all(|(_, health)| health == "up")
    }

    /// Version index of each service of the stack (changes on every update).
    fn service_versions(&self) -> Vec<String> {
        let filter = format!("label=com.docker.stack.namespace={}", self.project());
        let ids: Vec<String> = docker(&["service", "ls", "-q", "--filter", &filter])
            .lines()
            .map(str::to_string)
            .collect();
        let mut versions: Vec<String> = ids
            .iter()
            .map(|id| {
                docker(&[
                    "service",
                    "inspect",
                    "-f",
                    "{{.Spec.Name}}={{.Version.Index}}",
                    id,
                ])
                .trim()
                .to_string()
            })
            .collect();
        versions.sort();
        versions
    }

    /// Running containers of one service.
    fn containers(&self, service: &str) -> Vec<String> {
        let filter = format!(
            "label=com.docker.swarm.service.name={}_{service}",
            self.project()
        );
        docker(&["ps", "-q", "--filter", &filter])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// An instant query to one Prometheus replica, from inside its container.
    fn exec_query(&self, container: &str, query: &str) -> serde_json::Value {
        let encoded: String = query
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let url = format!(
            "https://stackctl:{}@127.0.0.1:9090/api/v1/query?query={encoded}",
            self.password()
        );
        let body = docker(&[
            "exec",
            container,
            "wget",
            "-qO-",
            "--no-check-certificate",
            &url,
        ]);
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }

    /// `wget` inside a container of the stack, with the stack's basic auth, over HTTPS to the
    /// container's own loopback (the images' busybox wget cannot verify a certificate).
    fn exec_get(&self, container: &str, path: &str) -> serde_json::Value {
        let url = format!("https://stackctl:{}@127.0.0.1:9093{path}", self.password());
        let body = docker(&[
            "exec",
            container,
            "wget",
            "-qO-",
            "--no-check-certificate",
            &url,
        ]);
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Cold deploy → every target up over HTTPS (plain HTTP refused, tasks healthy); a second
/// deploy touches nothing; a config change reloads, confirmed by the program; a spec the
/// program rejects is rolled back by Swarm (exit 1, the program's error shown, the old task
/// keeps serving); `down` removes services, configs, secrets and the network but keeps volumes.
#[test]
fn swarm_deploy_is_idempotent_rolls_out_changes_rolls_back_rejections_and_down_keeps_volumes() {
    let Some(s) = swarm_stack("swarm_lifecycle") else {
        return;
    };
    let run = |args: &[&str]| s.inner.run(args);
    s.inner.write_manifest(&s.manifest("", ""));
    let started = Instant::now();
    let cold = run(&["deploy", "--engine", "swarm"]);
    assert!(cold.status.success(), "cold deploy failed");
    eprintln!("cold deploy: {:.1}s", started.elapsed().as_secs_f64());
    let stdout = String::from_utf8_lossy(&cold.stdout);
    assert!(
        stdout.contains("node "),
        "deploy reports tasks per node: {stdout}"
    );
    eventually(60, "every target up", || {
        s.every_target_up(&["prometheus", "alertmanager", "node"])
    });
    // HTTPS with the stack's certificate and the password; plain HTTP and strangers refused;
    // the tasks' own health checks (HTTPS to their loopback) pass.
    let ready = format!("https://127.0.0.1:{}/-/ready", s.inner.prometheus_port);
    let password = s.password();
    let cert = s.certificate();
    let call = |url: &str, auth: Option<(&str, &str)>| {
        common::http::call_trusting("GET", url, auth, None, Some(&cert)).map(|(code, _)| code)
    };
    assert_eq!(call(&ready, Some(("stackctl", &password))), Ok(200));
    assert_eq!(call(&ready, Some(("stackctl", "wrong"))), Ok(401));
    let plain = common::http::call("GET", &ready.replace("https:", "http:"), None, None);
    assert!(
        !matches!(plain, Ok((200, _))),
        "plain HTTP must not be served: {plain:?}"
    );
    for service in ["prometheus", "alertmanager"] {
        for container in s.containers(service) {
            let health = docker(&["inspect", "-f", "{{.State.Health.Status}}", &container]);
            assert_eq!(health.trim(), "healthy", "{service}");
        }
    }
    let stack_services = docker(&["stack", "services", s.project(), "--format", "{{.Name}}"]);
    assert_eq!(
        stack_services.lines().count(),
        3,
        "`docker stack services` sees the stack: {stack_services}"
    );

    // No-op: nothing is updated, nothing created.
    let versions = s.service_versions();
    let configs = docker(&[
        "config",
        "ls",
        "-q",
        "--filter",
        &format!("label=com.docker.stack.namespace={}", s.project()),
    ]);
    let again = run(&["deploy", "--engine", "swarm"]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("is up to date"));
    assert_eq!(
        s.service_versions(),
        versions,
        "a no-op deploy updated a service"
    );
    assert_eq!(
        docker(&[
            "config",
            "ls",
            "-q",
            "--filter",
            &format!("label=com.docker.stack.namespace={}", s.project())
        ]),
        configs
    );

    // A config change through `reload`: a new config object, a rolling update confirmed by
    // the program's reload metric, the old config removed.
    s.inner
        .write_manifest(&s.manifest("", "labels: {site: swarm-test}\n"));
    let changed = run(&["reload", "--engine", "swarm"]);
    assert!(changed.status.success(), "config change failed");
    let stdout = String::from_utf8_lossy(&changed.stdout);
    assert!(
        stdout.contains("every task reports `prometheus_config_last_reload_successful 1`"),
        "{stdout}"
    );
    // Never silent while it waits: on a pipe, a timestamped line per change of what each
    // service waits for (the update, tasks on the new spec), before its outcome.
    assert!(
        stdout
            .lines()
            .any(|l| l.contains(" prometheus ") && l.contains("waiting: ")),
        "{stdout}"
    );
    eventually(60, "the new external label", || {
        s.prometheus("/api/v1/status/config")["data"]["yaml"]
            .as_str()
            .is_some_and(|y| y.contains("site: swarm-test"))
    });
    let config_names = docker(&[
        "config",
        "ls",
        "--format",
        "{{.Name}}",
        "--filter",
        &format!("label=com.docker.stack.namespace={}", s.project()),
    ]);
    assert_eq!(
        config_names
            .lines()
            .filter(|n| n.contains("prometheus-prometheus.yml"))
            .count(),
        1,
        "the previous prometheus.yml config is removed once unused: {config_names}"
    );

    // A spec Prometheus rejects at start: Swarm rolls the update back, deploy exits 1.
    s.inner.write_manifest(&s.manifest(
        ", args: ['--storage.tsdb.retention.time=not-a-duration']",
        "labels: {site: swarm-test}\n",
    ));
    let rejected = run(&["reload", "--engine", "swarm"]);
    assert_eq!(
        rejected.status.code(),
        Some(1),
        "a rejected spec must fail the reload"
    );
    let stderr = String::from_utf8_lossy(&rejected.stderr);
    assert!(stderr.contains("rolled the update back"), "{stderr}");
    assert!(
        stderr.contains("not a valid duration string: \"not-a-duration\""),
        "the program's own error: {stderr}"
    );
    eventually(60, "Prometheus serving the previous spec", || {
        s.every_target_up(&["prometheus", "alertmanager", "node"])
    });
    let status = run(&["status", "--engine", "swarm"]);
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("outdated"),
        "status shows the drift"
    );

    // Back to the good manifest, then down: volumes stay.
    s.inner
        .write_manifest(&s.manifest("", "labels: {site: swarm-test}\n"));
    assert!(run(&["deploy", "--engine", "swarm"]).status.success());
    let down = run(&["down", "--engine", "swarm"]);
    assert!(down.status.success());
    let filter = format!("label=com.docker.stack.namespace={}", s.project());
    assert!(docker(&["service", "ls", "-q", "--filter", &filter])
        .trim()
        .is_empty());
    assert!(docker(&["config", "ls", "-q", "--filter", &filter])
        .trim()
        .is_empty());
    assert!(docker(&["secret", "ls", "-q", "--filter", &filter])
        .trim()
        .is_empty());
    let volumes = docker(&["volume", "ls", "-q", "--filter", &filter]);
    assert!(
        volumes.contains("prometheus-data"),
        "down keeps data volumes: {volumes}"
    );
    assert!(run(&["down", "--engine", "swarm", "--volumes"])
        .status
        .success());
    assert!(docker(&["volume", "ls", "-q", "--filter", &filter])
        .trim()
        .is_empty());
}

/// Three Alertmanagers gossip: a silence made on one is seen by the others; a killed task is
/// replaced while alerts keep reaching a webhook; two Prometheus replicas carry `replica`.
#[test]
fn swarm_alertmanager_cluster_shares_silences_and_survives_a_killed_task() {
    let Some(s) = swarm_stack("swarm_ha") else {
        return;
    };
    if !Command::new("docker")
        .args(["image", "inspect", WEBHOOK])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        common::skip::<()>(&format!(
            "the local test image `{WEBHOOK}` (run tests/images/build.sh)"
        ));
        return;
    }
    let extra = "swarm: {replicas: {alertmanager: 3, prometheus: 2}}
alerts:
  groups:
    - name: always
      rules:
        - alert: AlwaysFiring
          expr: vector(1)
notify:
  default: hook
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  receivers:
    hook:
      webhook: {url: 'http://hook:8080/cgi-bin/hook', send_resolved: true}
";
    s.inner.write_manifest(&s.manifest("", extra));
    assert!(
        s.inner
            .run(&["deploy", "--engine", "swarm"])
            .status
            .success(),
        "deploy failed"
    );
    // The webhook joins the stack's attachable overlay network as `hook`.
    let hook = docker(&[
        "run",
        "-d",
        "--network",
        &format!("{}_default", s.project()),
        "--network-alias",
        "hook",
        "--label",
        &format!("stackctl-test-swarm={}", s.project()),
        WEBHOOK,
    ]);
    let hook = hook.trim().to_string();
    let hooks = || {
        docker(&[
            "exec",
            &hook,
            "sh",
            "-c",
            "ls /tmp/hooks 2>/dev/null | wc -l",
        ])
        .trim()
        .parse::<usize>()
        .unwrap_or(0)
    };

    let ams = s.containers("alertmanager");
    assert_eq!(ams.len(), 3, "three Alertmanager tasks");
    eventually(60, "a 3-peer cluster on every replica", || {
        ams.iter().all(|c| {
            s.exec_get(c, "/api/v2/status")["cluster"]["peers"]
                .as_array()
                .is_some_and(|p| p.len() == 3)
        })
    });
    // Each peer advertises its address on the stack network (reachable from every node),
    // not the node-local docker_gwbridge address Alertmanager would pick by itself.
    let subnet = docker(&[
        "network",
        "inspect",
        "-f",
        "{{(index .IPAM.Config 0).Subnet}}",
        &format!("{}_default", s.project()),
    ]);
    let prefix = subnet.trim().rsplit_once('.').map(|(p, _)| p.to_string());
    let prefix = prefix.unwrap_or_else(|| panic!("subnet: {subnet}"));
    let peers = s.exec_get(&ams[0], "/api/v2/status")["cluster"]["peers"].clone();
    let addresses: Vec<&str> = peers
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["address"].as_str())
        .collect();
    assert!(
        addresses.len() == 3
            && addresses
                .iter()
                .all(|a| a.starts_with(&format!("{prefix}."))),
        "peers advertise their {} addresses: {addresses:?}",
        subnet.trim()
    );
    let silence = r#"{"matchers":[{"name":"alertname","value":"Nothing","isRegex":false}],"startsAt":"2020-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"e2e","comment":"gossip"}"#;
    let url = format!(
        "https://stackctl:{}@127.0.0.1:9093/api/v2/silences",
        s.password()
    );
    docker(&[
        "exec",
        &ams[0],
        "wget",
        "-qO-",
        "--no-check-certificate",
        "--header",
        "Content-Type: application/json",
        "--post-data",
        silence,
        &url,
    ]);
    eventually(30, "the silence on every replica", || {
        ams.iter().all(|c| {
            s.exec_get(c, "/api/v2/silences")
                .to_string()
                .contains("gossip")
        })
    });
    eventually(60, "AlwaysFiring from both Prometheus replicas", || {
        let alerts = s.exec_get(&ams[1], "/api/v2/alerts").to_string();
        alerts.contains("\"replica\":\"1\"") && alerts.contains("\"replica\":\"2\"")
    });
    eventually(60, "alerts at the webhook", || hooks() > 0);

    // Kill one Alertmanager: Swarm replaces it; notifications keep flowing meanwhile.
    docker(&["kill", &ams[0]]);
    let before = hooks();
    eventually(90, "a replacement Alertmanager task", || {
        let now = s.containers("alertmanager");
        now.len() == 3 && !now.contains(&ams[0])
    });
    // AlwaysFiring re-notifies on each group change; the replica label of a new alert
    // (re-sent every evaluation) keeps the group busy, so the webhook sees more bodies.
    // The new rule is a Prometheus config change too: the pair rolls one replica at a time,
    // and between them no sample is lost.
    let rollout_started = unix_now();
    s.inner
        .write_manifest(&s.manifest("", &extra.replace("AlwaysFiring", "AlwaysFiringAgain")));
    assert!(s
        .inner
        .run(&["deploy", "--engine", "swarm"])
        .status
        .success());
    std::thread::sleep(Duration::from_secs(3));
    let window = unix_now() - rollout_started;
    let query = format!("up{{job=\"node\"}}[{window}s]");
    let mut stamps: Vec<f64> = Vec::new();
    let replicas = s.containers("prometheus");
    assert_eq!(replicas.len(), 2, "two Prometheus replicas");
    for replica in &replicas {
        let body = s.exec_query(replica, &query);
        let values = body["data"]["result"][0]["values"].as_array().cloned();
        let values = values.unwrap_or_else(|| panic!("{replica}: {body}"));
        stamps.extend(values.iter().filter_map(|v| v[0].as_f64()));
    }
    stamps.sort_by(f64::total_cmp);
    let gap = stamps.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    eprintln!(
        "rolling update of the pair over {window}s: {} samples, largest gap {gap:.1}s",
        stamps.len()
    );
    assert!(
        stamps
            .first()
            .is_some_and(|t| *t < (rollout_started + 3) as f64)
            && gap <= 3.0,
        "a sample lost across the pair: largest gap {gap:.1}s in {stamps:?}"
    );
    eventually(
        90,
        "alerts still reaching the webhook after the kill",
        || hooks() > before,
    );
}

/// `render` writes docker-stack.yml that `docker stack deploy` accepts, and the services it
/// creates carry the same spec hash stackctl deploys: `deploy --engine swarm` right after
/// finds nothing to change.
#[test]
fn docker_stack_deploy_accepts_the_rendered_file_and_matches_stackctl() {
    let Some(s) = swarm_stack("swarm_export") else {
        return;
    };
    s.inner.write_manifest(&s.manifest("", ""));
    assert!(s.inner.run(&["render"]).status.success());
    let gid = std::fs::metadata("/var/run/docker.sock")
        .map(|m| std::os::unix::fs::MetadataExt::gid(&m))
        .unwrap_or(0);
    let out = Command::new("docker")
        .args(["stack", "deploy", "-c", "docker-stack.yml", s.project()])
        .env("DOCKER_GID", gid.to_string())
        .current_dir(s.inner.out(""))
        .output()
        .expect("docker runs");
    assert!(
        out.status.success(),
        "docker stack deploy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deployed = s.inner.run(&["deploy", "--engine", "swarm"]);
    assert!(deployed.status.success());
    let stdout = String::from_utf8_lossy(&deployed.stdout);
    assert!(
        stdout.contains("is up to date"),
        "stackctl finds docker stack's services identical: {stdout}"
    );
    // And the deployed service matches the file field by field.
    let file: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(s.inner.out("docker-stack.yml")).unwrap())
            .unwrap();
    let inspect: serde_json::Value = serde_json::from_str(&docker(&[
        "service",
        "inspect",
        &format!("{}_prometheus", s.project()),
    ]))
    .unwrap();
    let spec = &inspect[0]["Spec"];
    let container = &spec["TaskTemplate"]["ContainerSpec"];
    let want = &file["services"]["prometheus"];
    assert_eq!(container["Image"].as_str(), want["image"].as_str());
    let args: Vec<&str> = container["Args"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    let want_args: Vec<&str> = want["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(args, want_args);
    let targets: Vec<&str> = container["Configs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["File"]["Name"].as_str())
        .collect();
    for config in want["configs"].as_sequence().unwrap() {
        assert!(
            targets.contains(&config["target"].as_str().unwrap()),
            "{targets:?}"
        );
    }
}

/// Stops the second daemon even when the test fails.
struct Node2;

impl Drop for Node2 {
    fn drop(&mut self) {
        let _ = Command::new("sh")
            .args(["tests/swarm/node2.sh", "down"])
            .output();
    }
}

/// Multi-node: a second dockerd in its own network namespace joins as a worker, the local
/// images are loaded into it, the global node_exporter runs on both nodes and Prometheus
/// scrapes both (`up`), and two Alertmanager replicas, one per node, form one cluster.
#[test]
fn swarm_global_agents_run_on_a_worker_that_joins() {
    let Some(s) = swarm_stack("swarm_nodes") else {
        return;
    };
    for tool in ["ip", "nsenter", "dockerd"] {
        if common::require_tool(tool).is_none() {
            return;
        }
    }
    let up = Command::new("sh")
        .args(["tests/swarm/node2.sh", "up", NODE_EXPORTER, ALERTMANAGER])
        .output()
        .expect("sh runs");
    let _node2 = Node2;
    if !up.status.success() {
        common::skip::<()>(&format!(
            "a second dockerd in a network namespace: {}",
            String::from_utf8_lossy(&up.stderr)
        ));
        return;
    }
    let worker = String::from_utf8_lossy(&up.stdout).trim().to_string();
    let manifest = format!(
        "version: 1
project: {project}
engine: swarm
bind: 0.0.0.0
components:
  prometheus: {{image: {PROMETHEUS}, version: 2.42.0, port: {pp}, scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}}
  alertmanager: {{image: {ALERTMANAGER}, version: 0.25.0, port: {ap}}}
  node_exporter: {{image: {NODE_EXPORTER}, version: 1.5.0}}
swarm: {{replicas: {{alertmanager: 2}}}}
",
        project = s.project(),
        pp = s.inner.prometheus_port,
        ap = s.inner.alertmanager_port,
    );
    s.inner.write_manifest(&manifest);
    assert!(s
        .inner
        .run(&["deploy", "--engine", "swarm"])
        .status
        .success());
    let nodes = || {
        let mut nodes: Vec<String> = docker(&[
            "service",
            "ps",
            &format!("{}_node-exporter", s.project()),
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}} {{.CurrentState}}",
        ])
        .lines()
        .filter(|l| l.contains("Running"))
        .map(str::to_string)
        .collect();
        nodes.sort();
        nodes
    };
    eventually(90, "node_exporter running on both nodes", || {
        nodes().len() == 2
    });
    let ids = docker(&[
        "service",
        "ps",
        &format!("{}_node-exporter", s.project()),
        "-q",
        "--filter",
        "desired-state=running",
    ]);
    let on_worker = ids
        .lines()
        .any(|task| docker(&["inspect", "-f", "{{.NodeID}}", task]).trim() == worker);
    assert!(on_worker, "a node_exporter task on the worker {worker}");
    // Discovery finds the task on the worker without a redeploy, and Prometheus scrapes it
    // across the overlay (VXLAN from the host to the namespace; see tests/swarm/node2.sh).
    let node_targets = || {
        let targets = s.prometheus("/api/v1/targets");
        targets["data"]["activeTargets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["labels"]["job"] == "node")
            .map(|t| {
                format!(
                    "{} {}",
                    t["labels"]["node_id"].as_str().unwrap_or_default(),
                    t["health"].as_str().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
    };
    eventually(60, "both node_exporter tasks scraped up", || {
        let targets = node_targets();
        targets.len() == 2 && targets.iter().all(|t| t.ends_with(" up"))
    });
    assert!(
        node_targets().contains(&format!("{worker} up")),
        "{:?}",
        node_targets()
    );
    eprintln!("node targets (node_id health): {:?}", node_targets());

    // Alertmanager across nodes: Swarm spreads the two replicas over the two nodes, and the
    // one here gossips with the one on the worker (each advertises its stack-network IP).
    let am_nodes = docker(&[
        "service",
        "ps",
        &format!("{}_alertmanager", s.project()),
        "-q",
        "--filter",
        "desired-state=running",
    ]);
    let am_on_worker = am_nodes
        .lines()
        .any(|task| docker(&["inspect", "-f", "{{.NodeID}}", task]).trim() == worker);
    assert!(am_on_worker, "an Alertmanager replica on the worker");
    let local = s.containers("alertmanager");
    assert_eq!(local.len(), 1, "one Alertmanager replica on this node");
    eventually(60, "a 2-peer cluster across the nodes", || {
        s.exec_get(&local[0], "/api/v2/status")["cluster"]["peers"]
            .as_array()
            .is_some_and(|p| p.len() == 2)
    });

    // A paused worker: Swarm updates nothing there, so a change to the global agent leaves its
    // task on the old spec. The deploy is done when every active node runs the new one.
    docker(&["node", "update", "--availability", "pause", &worker]);
    s.inner.write_manifest(&manifest.replace(
        "version: 1.5.0}",
        "version: 1.5.0, args: ['--web.max-requests=41']}",
    ));
    let started = Instant::now();
    let paused = s
        .inner
        .run(&["deploy", "--engine", "swarm", "--timeout", "90"]);
    docker(&["node", "update", "--availability", "active", &worker]);
    assert!(
        paused.status.success(),
        "deploy waited for the paused node: {}",
        String::from_utf8_lossy(&paused.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(80),
        "{:?}",
        started.elapsed()
    );
}
