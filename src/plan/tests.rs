//! The plan's decision table and its network, volume, pull and removal cases, through `plan()`.

use std::collections::BTreeMap;

use super::*;
use crate::docker::{ObservedContainer, ObservedNetwork, RunState};
use crate::labels;
use crate::render::RenderedFile;
use crate::service::{MountSpec, PortSpec};

fn spec(name: &str, deps: &[&str]) -> ServiceSpec {
    let mut s = ServiceSpec::new(name, format!("img/{name}:1"));
    s.depends_on = deps.iter().map(|d| d.to_string()).collect();
    s.config_files = vec![name.to_string()];
    s
}

fn files(content: &str) -> BTreeMap<String, RenderedFile> {
    BTreeMap::from([(
        "prometheus/prometheus.yml".to_string(),
        RenderedFile::public(content),
    )])
}

fn desired_one(s: ServiceSpec, content: &str) -> Vec<DesiredService> {
    desired(&[s], &files(content), "/out", b"test key")
}

/// The container a previous deploy of `d` left behind.
fn deployed(project: &str, d: &DesiredService, state: RunState) -> ObservedContainer {
    let id = format!("{:0>64}", d.spec.name.len());
    ObservedContainer {
        id,
        name: labels::container_name(project, &d.spec.name),
        service: d.spec.name.clone(),
        state,
        created: 0,
        image_id: "sha256:aaa".into(),
        labels: BTreeMap::from([
            (labels::SPEC_HASH.to_string(), d.spec_hash.clone()),
            (labels::SPEC.to_string(), d.spec_json.clone()),
            (labels::CONFIG_HASH.to_string(), d.config_hash.clone()),
        ]),
        networks: BTreeMap::from([(labels::default_network(project), "net1".to_string())]),
    }
}

fn network(id: &str) -> ObservedNetwork {
    ObservedNetwork {
        id: id.into(),
        name: "p_default".into(),
        labels: BTreeMap::new(),
        created: id.into(),
    }
}

fn observed_with(containers: Vec<ObservedContainer>) -> Observed {
    Observed {
        containers,
        networks: vec![network("net1")],
        images: BTreeMap::from([("img/prometheus:1".to_string(), Some("sha256:aaa".into()))]),
        ..Default::default()
    }
}

fn only_action(plan: &Plan) -> ServiceAction {
    plan.steps().next().unwrap().action.clone()
}

/// One row per decision: what was deployed, what is desired now, what the plan says.
#[test]
fn decides_each_service_action() {
    let base = desired_one(spec("prometheus", &[]), "a")[0].clone();
    let mut new_image = spec("prometheus", &[]);
    new_image.image = "img/prometheus:2".into();
    let mut new_port = spec("prometheus", &[]);
    new_port.ports.push(PortSpec {
        host_ip: "127.0.0.1".into(),
        host_port: 9999,
        container_port: 9090,
        protocol: "tcp".into(),
    });
    let mut new_url = spec("prometheus", &[]);
    new_url.url = Some("http://127.0.0.1:1".into());
    type Row = (
        &'static str,
        Option<RunState>,
        ServiceSpec,
        &'static str,
        &'static str,
    );
    let rows: Vec<Row> = vec![
        (
            "nothing deployed",
            None,
            spec("prometheus", &[]),
            "a",
            "create",
        ),
        (
            "unchanged",
            Some(RunState::Running),
            spec("prometheus", &[]),
            "a",
            "keep",
        ),
        (
            "config content changed",
            Some(RunState::Running),
            spec("prometheus", &[]),
            "b",
            "reload",
        ),
        (
            "image tag changed",
            Some(RunState::Running),
            new_image,
            "a",
            "recreate:image img/prometheus:1 → img/prometheus:2 changed",
        ),
        (
            "port changed",
            Some(RunState::Running),
            new_port,
            "a",
            "recreate:ports changed",
        ),
        (
            "only the url changed",
            Some(RunState::Running),
            new_url,
            "a",
            "keep",
        ),
        (
            "created, never started",
            Some(RunState::Created),
            spec("prometheus", &[]),
            "a",
            "start",
        ),
        (
            "stopped",
            Some(RunState::Exited),
            spec("prometheus", &[]),
            "b",
            "start",
        ),
        (
            "dead",
            Some(RunState::Dead),
            spec("prometheus", &[]),
            "a",
            "recreate:container is dead",
        ),
    ];
    for (case, state, want_spec, content, want) in rows {
        let containers = state
            .map(|s| vec![deployed("p", &base, s)])
            .unwrap_or_default();
        let d = desired_one(want_spec, content);
        let plan = plan("p", &d, &observed_with(containers)).unwrap();
        let got = match only_action(&plan) {
            ServiceAction::Create => "create".to_string(),
            ServiceAction::Keep { .. } => "keep".to_string(),
            ServiceAction::Reload { .. } => "reload".to_string(),
            ServiceAction::Start { .. } => "start".to_string(),
            ServiceAction::Recreate { reason, .. } => format!("recreate:{reason}"),
        };
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn recreates_when_the_tag_names_a_rebuilt_image() {
    let d = desired_one(spec("prometheus", &[]), "a");
    let mut observed = observed_with(vec![deployed("p", &d[0], RunState::Running)]);
    observed
        .images
        .insert("img/prometheus:1".into(), Some("sha256:bbb".into()));
    let action = only_action(&plan("p", &d, &observed).unwrap());
    assert!(
        matches!(action, ServiceAction::Recreate { reason, .. } if reason.contains("another image"))
    );
}

#[test]
fn state_file_hash_wins_over_the_stale_label_after_a_reload() {
    let old = desired_one(spec("prometheus", &[]), "a");
    let new = desired_one(spec("prometheus", &[]), "b");
    let container = deployed("p", &old[0], RunState::Running);
    let mut observed = observed_with(vec![container.clone()]);
    observed
        .deployed_config
        .insert(container.id, new[0].config_hash.clone());
    assert!(matches!(
        only_action(&plan("p", &new, &observed).unwrap()),
        ServiceAction::Keep { .. }
    ));
}

#[test]
fn second_deploy_with_nothing_changed_is_up_to_date() {
    let d = desired_one(spec("prometheus", &[]), "a");
    let plan = plan(
        "p",
        &d,
        &observed_with(vec![deployed("p", &d[0], RunState::Running)]),
    )
    .unwrap();
    assert!(plan.is_up_to_date(), "{:?}", plan.describe());
}

#[test]
fn cold_deploy_creates_network_volumes_and_pulls_missing_images() {
    let mut s = spec("prometheus", &[]);
    s.mounts
        .push(MountSpec::volume("prometheus-data", "/prometheus"));
    let d = desired_one(s, "a");
    let observed = Observed {
        images: BTreeMap::from([("img/prometheus:1".to_string(), None)]),
        ..Default::default()
    };
    let plan = plan("p", &d, &observed).unwrap();
    assert_eq!(plan.create_network.as_deref(), Some("p_default"));
    assert_eq!(plan.create_volumes, vec!["p_prometheus-data".to_string()]);
    assert_eq!(plan.pulls[0].image, "img/prometheus:1");
    assert!(!plan.is_up_to_date());
}

#[test]
fn removes_leftovers_orphans_and_extra_containers() {
    let d = desired_one(spec("prometheus", &[]), "a");
    let current = deployed("p", &d[0], RunState::Running);
    let mut leftover = current.clone();
    leftover.id = "f".repeat(64);
    leftover.name = labels::temporary_name(&leftover.id, &current.name);
    let mut orphan = current.clone();
    orphan.id = "e".repeat(64);
    orphan.service = "loki".into();
    orphan.name = "p-loki-1".into();
    let mut extra = current.clone();
    extra.id = "d".repeat(64);
    extra.name = "p-prometheus-2".into();
    let plan = plan(
        "p",
        &d,
        &observed_with(vec![current, leftover, orphan, extra]),
    )
    .unwrap();
    let reasons: Vec<&str> = plan.removals.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "left over from an interrupted deploy",
            "service `loki` is no longer in the manifest",
            "extra container of the service"
        ]
    );
    assert!(matches!(only_action(&plan), ServiceAction::Keep { .. }));
}

/// M1: a container off the kept project network is recreated onto it, stopped or running.
#[test]
fn recreates_containers_that_lost_the_project_network() {
    let d = desired_one(spec("prometheus", &[]), "a");
    let stopped = deployed("p", &d[0], RunState::Exited);
    let mut removed = observed_with(vec![stopped]);
    removed.networks.clear();
    let plan_removed = plan("p", &d, &removed).unwrap();
    assert_eq!(plan_removed.create_network.as_deref(), Some("p_default"));
    let mut running = deployed("p", &d[0], RunState::Running);
    running.networks.clear();
    let plan_disconnected = plan("p", &d, &observed_with(vec![running])).unwrap();
    for (case, plan) in [
        ("network removed while stopped", plan_removed),
        ("disconnected while running", plan_disconnected),
    ] {
        assert!(
            matches!(only_action(&plan), ServiceAction::Recreate { reason, .. } if reason.contains("not attached to network `p_default`")),
            "{case}: {:?}",
            plan.describe()
        );
    }
}

/// H6: two concurrent creates left two `p_default`; the one in use is kept, the other removed.
#[test]
fn keeps_the_used_network_of_duplicates_and_removes_the_others() {
    let d = desired_one(spec("prometheus", &[]), "a");
    let mut c = deployed("p", &d[0], RunState::Running);
    c.networks.insert("p_default".into(), "net2".into());
    let mut observed = observed_with(vec![c]);
    observed.networks = vec![network("net1"), network("net2")];
    let plan = plan("p", &d, &observed).unwrap();
    assert_eq!(plan.network_id.as_deref(), Some("net2"));
    assert_eq!(
        plan.remove_networks,
        vec![NetworkRemoval {
            id: "net1".into(),
            detach: vec![]
        }]
    );
    assert!(plan.create_network.is_none());
    assert!(matches!(only_action(&plan), ServiceAction::Keep { .. }));
    assert!(!plan.is_up_to_date(), "the duplicate is still to remove");

    let mut empty = observed_with(vec![]);
    empty.networks = vec![network("net1"), network("net2")];
    let plan = super::plan("p", &d, &empty).unwrap();
    assert_eq!(
        plan.network_id.as_deref(),
        Some("net1"),
        "the oldest on a tie"
    );
}

/// M2: a container with only the compose project label is not stackctl's to remove.
#[test]
fn lists_foreign_containers_and_removes_them_only_when_asked() {
    let d = desired_one(spec("prometheus", &[]), "a");
    let current = deployed("p", &d[0], RunState::Running);
    let mut app = current.clone();
    app.id = "a".repeat(64);
    app.name = "p-web-1".into();
    app.service = "web".into();
    app.labels = BTreeMap::from([(labels::PROJECT.to_string(), "p".to_string())]);
    let mut plan = plan("p", &d, &observed_with(vec![current, app])).unwrap();
    assert!(plan.removals.is_empty(), "{:?}", plan.removals);
    assert_eq!(plan.foreign.len(), 1);
    assert!(plan.is_up_to_date(), "a foreign container changes nothing");
    assert!(plan
        .describe()
        .contains(&"keep      p-web-1 (not created by stackctl)".to_string()));
    plan.remove_foreign();
    assert_eq!(plan.removals[0].container, "p-web-1");
    assert!(plan.foreign.is_empty());
}

#[test]
fn refuses_a_missing_external_network_with_a_hint() {
    let d = desired_one(spec("prometheus", &[]), "a");
    let mut observed = observed_with(vec![]);
    observed.external_networks.insert("shop-net".into(), false);
    let err = plan("p", &d, &observed).unwrap_err();
    assert_eq!(err, PlanError::MissingNetwork("shop-net".into()));
    assert!(err.hint().contains("docker network create shop-net"));
}

#[test]
fn orders_services_by_dependency_level() {
    let specs = [
        spec("grafana", &["prometheus", "loki"]),
        spec("prometheus", &["alertmanager"]),
        spec("alertmanager", &[]),
        spec("loki", &["not-in-stack"]),
    ];
    let levels = dependency_levels(&specs).unwrap();
    assert_eq!(
        levels,
        vec![
            vec!["alertmanager", "loki"],
            vec!["prometheus"],
            vec!["grafana"]
        ]
    );
    let cycle = [spec("a", &["b"]), spec("b", &["a"])];
    assert!(matches!(
        dependency_levels(&cycle),
        Err(PlanError::Cycle(_))
    ));
}

#[test]
fn config_hash_covers_listed_files_dirs_and_secrets_only() {
    let mut s = spec("prometheus", &[]);
    s.secrets.push(crate::service::SecretMount {
        name: "pw".into(),
        file: "secrets/prometheus/pw".into(),
        uid: None,
    });
    let mut f = files("a");
    let base = config_hash(&s, &f, b"k");
    f.insert("grafana/x.yml".into(), RenderedFile::public("x"));
    f.insert("prometheus-other/x".into(), RenderedFile::public("x"));
    assert_eq!(
        config_hash(&s, &f, b"k"),
        base,
        "other services' files do not count"
    );
    f.insert(
        "secrets/prometheus/pw".into(),
        RenderedFile::secret(crate::manifest::Secret::new("s")),
    );
    assert_ne!(config_hash(&s, &f, b"k"), base, "a changed secret counts");
    // Keyed: the same files under another project's key give an unrelated hash, so a
    // stored hash cannot be matched against guessed secrets without the 0600 key.
    assert_ne!(config_hash(&s, &f, b"k"), config_hash(&s, &f, b"other key"));
}
