//! Table-driven tests of the specs this step owns: mounts, volumes, ports, host access,
//! secrets, health, order. Commands belong to the config owners and are not tested here.

use std::path::Path;

use crate::manifest::Manifest;
use crate::render::{Draft, Stack, Templates};
use crate::service::{MountSource, MountSpec, ReloadMethod, ServiceSpec};

pub(super) const PASSWORD: &str = "s3cr3t-p@ss#word";

pub(super) fn specs_with(
    yaml: &str,
    prepare: impl FnOnce(&mut Draft),
) -> (Vec<ServiceSpec>, Draft) {
    let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
    let templates = Templates::embedded();
    let stack = Stack::new(&manifest, Path::new("."), &templates);
    let mut draft = Draft::new(&[]);
    prepare(&mut draft);
    super::render(&stack, &mut draft).expect("services render");
    let services = std::mem::take(&mut draft.services);
    (services, draft)
}

fn specs(yaml: &str) -> Vec<ServiceSpec> {
    specs_with(yaml, |_| {}).0
}

pub(super) fn find<'a>(specs: &'a [ServiceSpec], name: &str) -> &'a ServiceSpec {
    specs
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no service `{name}`"))
}

const FULL: &str = r#"
version: 1
project: shop
networks: [shop-network]
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: pw}
  loki: {}
  alloy: {}
  jaeger: {}
  node_exporter: {}
  cadvisor: {}
  blackbox_exporter: {}
  pushgateway: {}
"#;

#[test]
fn every_component_gets_its_config_directory_read_only_and_its_data_volume() {
    let (specs, _) = specs_with(FULL, |draft| {
        draft.add_text("grafana/dashboards/overview.json", String::new());
    });
    type Case<'a> = (
        &'a str,
        &'a [(&'a str, &'a str)],
        Option<(&'a str, &'a str)>,
    );
    let cases: &[Case] = &[
        (
            "prometheus",
            &[("prometheus", "/etc/prometheus")],
            Some(("prometheus-data", "/prometheus")),
        ),
        (
            "alertmanager",
            &[("alertmanager", "/etc/alertmanager")],
            Some(("alertmanager-data", "/alertmanager")),
        ),
        (
            "grafana",
            &[
                ("grafana/provisioning", "/etc/grafana/provisioning"),
                ("grafana/dashboards", "/var/lib/grafana/dashboards"),
            ],
            Some(("grafana-data", "/var/lib/grafana")),
        ),
        (
            "loki",
            &[("loki", "/etc/loki")],
            Some(("loki-data", "/loki")),
        ),
        (
            "alloy",
            &[("alloy", "/etc/alloy")],
            Some(("alloy-data", "/var/lib/alloy/data")),
        ),
        (
            "jaeger",
            &[("jaeger", "/etc/jaeger")],
            Some(("jaeger-data", "/tmp")),
        ),
        (
            "blackbox-exporter",
            &[("blackbox", "/etc/blackbox_exporter")],
            None,
        ),
        (
            "pushgateway",
            &[],
            Some(("pushgateway-data", "/pushgateway")),
        ),
        ("node-exporter", &[], None),
        ("cadvisor", &[], None),
    ];
    for (name, dirs, data) in cases {
        let spec = find(&specs, name);
        for (dir, target) in *dirs {
            assert!(
                spec.mounts
                    .contains(&MountSpec::bind_read_only(*dir, *target)),
                "{name}: no read-only mount {dir} -> {target}: {:?}",
                spec.mounts
            );
        }
        let volumes: Vec<(&str, &str)> = spec
            .mounts
            .iter()
            .filter_map(|m| match &m.source {
                MountSource::Volume(v) => Some((v.as_str(), m.target.as_str())),
                MountSource::Bind(_) => None,
            })
            .collect();
        assert_eq!(volumes, data.iter().copied().collect::<Vec<_>>(), "{name}");
        assert!(spec.user.is_none(), "{name} keeps the image's user");
    }
}

#[test]
fn every_container_resolves_host_docker_internal_to_the_docker_host() {
    let yaml = format!("{FULL}exporters: [{{type: redis, target: 'redis:6379'}}]\n");
    let specs = specs(&yaml);
    assert_eq!(specs.len(), 11);
    for spec in &specs {
        assert_eq!(
            spec.extra_hosts,
            ["host.docker.internal:host-gateway"],
            "{}",
            spec.name
        );
    }
}

#[test]
fn a_self_scrape_on_localhost_9090_is_warned_about() {
    let (_, draft) = specs_with(
        "{version: 1, project: t, components: {prometheus: {}}, scrape: [{job: app, targets: ['api:8080', 'localhost:9090']}]}",
        |_| {},
    );
    assert_eq!(draft.warnings.len(), 1, "{:?}", draft.warnings);
    assert!(draft.warnings[0]
        .contains("`scrape[0].targets[1]` (`localhost:9090`) is Prometheus itself"));
    assert!(draft.warnings[0].contains("`host.docker.internal:9090`"));
}

#[test]
fn jaeger_keeps_badger_data_on_its_volume() {
    let dir = crate::render::jaeger::DATA_DIR;
    assert!(
        dir.starts_with(&format!("{}/", super::runtime::JAEGER_VOLUME_TARGET)),
        "{dir}"
    );
}

#[test]
fn grafana_mounts_the_dashboards_directory_only_when_there_are_dashboards() {
    let specs = specs("version: 1\nproject: t\ncomponents: {grafana: {admin_password: x}}\n");
    let grafana = find(&specs, "grafana");
    assert!(grafana
        .mounts
        .iter()
        .all(|m| m.target != "/var/lib/grafana/dashboards"));
    assert!(grafana
        .mounts
        .iter()
        .any(|m| m.target == "/etc/grafana/provisioning"));
}

#[test]
fn jaeger_with_memory_storage_keeps_no_volume() {
    let specs = specs("version: 1\nproject: t\ncomponents: {jaeger: {storage: memory}}\n");
    assert_eq!(find(&specs, "jaeger").volumes().count(), 0);
}

#[test]
fn ports_publish_on_bind_and_urls_only_for_published_uis() {
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, u16, u16)], Option<&'a str>);
    let cases: &[Case] = &[
        (
            "bind: 127.0.0.1\ncomponents: {prometheus: {}}",
            "prometheus",
            &[("127.0.0.1", 9090, 9090)],
            Some("http://127.0.0.1:9090"),
        ),
        (
            "bind: 0.0.0.0\ncomponents: {grafana: {port: 3001}}",
            "grafana",
            &[("0.0.0.0", 3001, 3000)],
            Some("http://127.0.0.1:3001"),
        ),
        (
            "components: {alertmanager: {port: null}}",
            "alertmanager",
            &[],
            None,
        ),
        (
            "components: {loki: {}}",
            "loki",
            &[("127.0.0.1", 3100, 3100)],
            None,
        ),
        (
            "components: {node_exporter: {}}",
            "node-exporter",
            &[],
            None,
        ),
        ("exporters: [{type: redis}]", "redis-exporter", &[], None),
        (
            "exporters: [{type: redis, port: 9121}]",
            "redis-exporter",
            &[("127.0.0.1", 9121, 9121)],
            None,
        ),
        (
            "components: {jaeger: {}}",
            "jaeger",
            &[
                ("127.0.0.1", 16686, 16686),
                ("127.0.0.1", 4317, 4317),
                ("127.0.0.1", 4318, 4318),
            ],
            Some("http://127.0.0.1:16686"),
        ),
        (
            "components: {jaeger: {port: null}}\ntraces: {otlp: false, zipkin: true}",
            "jaeger",
            &[("127.0.0.1", 9411, 9411)],
            None,
        ),
    ];
    for (body, name, expected, url) in cases {
        let specs = specs(&format!("version: 1\nproject: t\n{body}\n"));
        let spec = find(&specs, name);
        let ports: Vec<(&str, u16, u16)> = spec
            .ports
            .iter()
            .map(|p| (p.host_ip.as_str(), p.host_port, p.container_port))
            .collect();
        assert_eq!(&ports, expected, "{body}");
        assert_eq!(spec.url.as_deref(), *url, "{body}");
    }
}

#[test]
fn docker_socket_is_mounted_only_where_needed() {
    let socket = |spec: &ServiceSpec| {
        spec.mounts
            .iter()
            .any(|m| m.source == MountSource::Bind("/var/run/docker.sock".into()) && m.read_only)
    };
    let cases: &[(&str, &[&str])] = &[
        ("components: {prometheus: {}, alloy: {}, loki: {}}", &["alloy"]),
        ("components: {prometheus: {}, alloy: {}, loki: {}}\nlogs: {docker: false}", &[]),
        ("components: {promtail: {}, loki: {}}", &["promtail"]),
        (
            "components: {prometheus: {}, grafana: {admin_password: x}}\nscrape: [{job: c, docker: {label: prometheus.scrape}}]",
            &["prometheus"],
        ),
        ("components: {node_exporter: {}, blackbox_exporter: {}, pushgateway: {}, jaeger: {}}", &[]),
    ];
    for (body, expected) in cases {
        let specs = specs(&format!("version: 1\nproject: t\n{body}\n"));
        let with_socket: Vec<&str> = specs
            .iter()
            .filter(|s| socket(s))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(&with_socket, expected, "{body}");
        for spec in &specs {
            assert_eq!(
                spec.docker_socket_group,
                spec.name == "prometheus" && socket(spec),
                "{}",
                spec.name
            );
        }
    }
}

#[test]
fn shippers_read_the_host_log_directories_read_only() {
    let specs = specs(
        "version: 1\nproject: t\ncomponents: {alloy: {}, loki: {}}\nlogs:\n  files:\n    - {path: /var/log/nginx/*.log}\n    - {path: /var/log/nginx/error.log}\n    - {path: /srv/app/app.log}\n",
    );
    let alloy = find(&specs, "alloy");
    for dir in ["/var/log/nginx", "/srv/app"] {
        assert!(
            alloy
                .mounts
                .contains(&MountSpec::bind_read_only(dir, format!("/host{dir}"))),
            "{dir}: {:?}",
            alloy.mounts
        );
    }
    assert!(find(&specs, "loki")
        .mounts
        .iter()
        .all(|m| !m.target.starts_with("/host")));
}

#[test]
fn node_exporter_sees_the_host_root_read_only_in_the_host_pid_namespace() {
    let specs = specs("version: 1\nproject: t\ncomponents: {node_exporter: {}}\n");
    let node = find(&specs, "node-exporter");
    assert_eq!(
        node.command.first().map(String::as_str),
        Some("--path.rootfs=/host")
    );
    let root = node
        .mounts
        .iter()
        .find(|m| m.target == "/host")
        .expect("rootfs mount");
    assert_eq!((root.read_only, root.propagation.as_deref()), (true, None));
    assert!(node.pid_host && !node.privileged);
}

#[test]
fn cadvisor_is_privileged_with_kmsg_and_read_only_host_mounts() {
    let specs = specs("version: 1\nproject: t\ncomponents: {cadvisor: {}}\n");
    let cadvisor = find(&specs, "cadvisor");
    assert!(cadvisor.privileged);
    assert_eq!(cadvisor.devices, ["/dev/kmsg"]);
    assert!(cadvisor.mounts.iter().all(|m| m.read_only));
    assert!(cadvisor
        .mounts
        .iter()
        .any(|m| m.target == "/var/lib/docker"));
}

#[test]
fn services_come_after_what_they_depend_on() {
    let specs = specs(FULL);
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let position = |name: &str| names.iter().position(|n| *n == name).expect(name);
    for spec in &specs {
        for dep in &spec.depends_on {
            assert!(
                position(dep) < position(&spec.name),
                "{} before {dep}: {names:?}",
                spec.name
            );
        }
    }
    assert_eq!(
        find(&specs, "grafana").depends_on,
        ["prometheus", "loki", "jaeger"]
    );
    assert_eq!(find(&specs, "prometheus").depends_on, ["alertmanager"]);
    assert_eq!(find(&specs, "alloy").depends_on, ["loki"]);
}

#[test]
fn health_ready_and_reload_follow_what_each_image_supports() {
    let specs = specs(FULL);
    let cases: &[(&str, Option<&str>, (u16, &str))] = &[
        (
            "prometheus",
            Some("http://127.0.0.1:9090/-/ready"),
            (9090, "/-/ready"),
        ),
        (
            "grafana",
            Some("http://127.0.0.1:3000/api/health"),
            (3000, "/api/health"),
        ),
        (
            "jaeger",
            Some("http://127.0.0.1:13133/status"),
            (13133, "/status"),
        ),
        ("loki", Some("-health"), (3100, "/ready")),
        ("alloy", None, (12345, "/-/ready")),
        ("cadvisor", None, (8080, "/healthz")),
        (
            "blackbox-exporter",
            Some("http://127.0.0.1:9115/-/healthy"),
            (9115, "/-/healthy"),
        ),
    ];
    for (name, check, (port, path)) in cases {
        let spec = find(&specs, name);
        assert_eq!(
            spec.healthcheck
                .as_ref()
                .and_then(|h| h.test.last())
                .map(String::as_str),
            *check,
            "{name}"
        );
        let ready = spec.ready.as_ref().expect("ready probe");
        assert_eq!((ready.port, ready.path.as_str()), (*port, *path), "{name}");
    }
    let reload = |name| find(&specs, name).reload.clone();
    assert_eq!(
        reload("prometheus"),
        ReloadMethod::HttpPost {
            port: 9090,
            path: "/-/reload".into()
        }
    );
    assert_eq!(
        reload("grafana"),
        ReloadMethod::GrafanaProvisioning { port: 3000 }
    );
    assert_eq!(reload("loki"), ReloadMethod::Restart);
    assert_eq!(
        find(&specs, "pushgateway").command,
        ["--persistence.file=/pushgateway/metrics.db"]
    );
}

#[test]
fn old_loki_without_health_flag_gets_no_self_check() {
    let cases = [("3.7.0", true), ("3.6.3", false), ("3.4.0", true)];
    for (version, has_check) in cases {
        let specs = specs(&format!(
            "version: 1\nproject: t\ncomponents: {{loki: {{version: '{version}'}}}}\n"
        ));
        assert_eq!(
            find(&specs, "loki").healthcheck.is_some(),
            has_check,
            "{version}"
        );
    }
}

#[test]
fn only_services_talking_to_applications_join_external_networks() {
    let specs = specs(FULL);
    for spec in &specs {
        let joins = [
            "prometheus",
            "alertmanager",
            "blackbox-exporter",
            "pushgateway",
            "jaeger",
        ]
        .contains(&spec.name.as_str());
        assert_eq!(spec.networks == ["shop-network"], joins, "{}", spec.name);
    }
}

#[test]
fn config_files_are_the_rendered_files_the_program_reads() {
    let (specs, _) = specs_with(FULL, |draft| {
        draft.add_text("prometheus/prometheus.yml", String::new());
        draft.add_text("prometheus/rules/stack.yml", String::new());
        draft.add_text("prometheus/tests/stack.yml", String::new());
        draft.add_text("grafana/dashboards/overview.json", String::new());
        draft.add_text(
            "grafana/provisioning/datasources/stackctl.yaml",
            String::new(),
        );
        draft.add_text("prometheus-extra/x.yml", String::new());
    });
    assert_eq!(
        find(&specs, "prometheus").config_files,
        ["prometheus/prometheus.yml", "prometheus/rules/stack.yml"]
    );
    assert_eq!(
        find(&specs, "grafana").config_files,
        [
            "grafana/dashboards/overview.json",
            "grafana/provisioning/datasources/stackctl.yaml"
        ]
    );
}

#[test]
fn victoriametrics_keeps_data_on_a_volume_and_is_probed_on_health() {
    let yaml = "version: 1\nproject: shop\nbind: 0.0.0.0\ncomponents:\n  prometheus: {remote_write: [{url: 'https://aps/api/v1/remote_write', sigv4: {region: eu-west-1, access_key: AK, secret_key: SK}}]}\n  grafana: {admin_password: pw}\n  victoriametrics: {retention: 12mo}\n";
    let (specs, _) = specs_with(yaml, |draft| {
        draft.add_secret(
            "prometheus",
            "remote-write-aws-credentials",
            &crate::manifest::Secret::new("x"),
            Some(65534),
        );
    });
    let vm = find(&specs, "victoriametrics");
    assert_eq!(vm.image, "victoriametrics/victoria-metrics:v1.143.0");
    assert_eq!(
        vm.command,
        [
            "-storageDataPath=/victoria-metrics-data",
            "-retentionPeriod=12"
        ]
    );
    assert_eq!(
        vm.mounts,
        [MountSpec::volume(
            "victoriametrics-data",
            "/victoria-metrics-data"
        )]
    );
    let probe = vm.ready.as_ref().expect("readiness probe");
    assert_eq!((probe.port, probe.path.as_str()), (8428, "/health"));
    assert_eq!(vm.reload, ReloadMethod::Restart);
    assert!(vm
        .healthcheck
        .as_ref()
        .expect("healthcheck")
        .test
        .iter()
        .any(|t| t.ends_with(":8428/health")));
    assert_eq!(vm.metrics_port, Some(8428));
    // No login of its own: an exposed stack keeps it on loopback.
    assert_eq!(vm.ports[0].host_ip, "127.0.0.1");
    assert_eq!(vm.url.as_deref(), Some("http://127.0.0.1:8428/vmui/"));
    let names = |specs: &[ServiceSpec]| specs.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    let order = names(&specs);
    let at = |name: &str| order.iter().position(|n| n == name).unwrap();
    assert!(
        at("victoriametrics") < at("prometheus") && at("victoriametrics") < at("grafana"),
        "{order:?}"
    );
    let prometheus = find(&specs, "prometheus");
    assert_eq!(
        prometheus
            .environment
            .get("AWS_SHARED_CREDENTIALS_FILE")
            .map(String::as_str),
        Some("/run/secrets/remote-write-aws-credentials")
    );
    assert!(prometheus
        .depends_on
        .contains(&"victoriametrics".to_string()));
}
