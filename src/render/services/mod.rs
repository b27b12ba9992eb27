//! The services step: one `ServiceSpec` per component, in dependency order — image, command,
//! environment, ports on `bind`, mounts, secrets, health check, readiness and reload method.
//!
//! Commands and Grafana's environment come from the config owners (`render::<component>`);
//! this module only wires them to containers. It writes no file (the compose step does).

mod address;
mod credentials;
mod dsn;
mod exporters;
mod host_access;
mod order;
mod passthrough;
mod ports;
mod runtime;

use crate::catalog::Runs;
use crate::manifest::TraceStorage;
use crate::render::{
    alertmanager, alloy, blackbox, grafana, jaeger, loki, prometheus, promtail, victoriametrics,
};
use crate::render::{web_auth, Component, Draft, Kind, Stack};
use crate::service::{MountSpec, ReloadMethod, ServiceSpec};

pub(crate) use host_access::NODE_ROOTFS;
pub(crate) use runtime::PUSHGATEWAY_PERSISTENCE_FILE;

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    host_access::warn_about_self_scrapes(stack.manifest, draft);
    let mut specs = Vec::new();
    for component in stack
        .components
        .iter()
        .filter(|c| c.runs == Runs::Container)
    {
        specs.push(spec(stack, component, draft));
    }
    draft.services.extend(order::dependency_order(specs));
    Ok(())
}

/// The container for one component, after every config file and secret has been rendered.
pub fn spec(stack: &Stack, component: &Component, draft: &mut Draft) -> ServiceSpec {
    let manifest = stack.manifest;
    let badger = manifest
        .components
        .jaeger
        .as_ref()
        .is_some_and(|j| j.storage == TraceStorage::Badger);
    let runtime = runtime::runtime(component, badger);
    let mut spec = ServiceSpec::new(&component.service, &component.image);
    spec.version = Some(component.version.to_string());
    spec.command = command(stack, component);
    match component.kind {
        Kind::Grafana => spec.environment = grafana::environment(stack),
        Kind::Prometheus => spec.environment = prometheus::environment(stack),
        _ => {}
    }
    if let Kind::Exporter(_) = component.kind {
        if let Some(exporter) = exporter_of(stack, component) {
            let cx = exporters::ExporterContext {
                exporter,
                key: &component.key,
                uid: runtime.uid,
            };
            exporters::configure(&cx, &mut spec, draft);
        }
    }
    spec.ports = ports::published(stack, component);
    spec.url = ports::url(stack, component);
    for (dir, target) in &runtime.config_dirs {
        let rendered = || {
            draft
                .files()
                .keys()
                .any(|p| p.starts_with(&format!("{dir}/")))
        };
        if !runtime.optional_dirs.contains(dir) || rendered() {
            spec.mounts.push(MountSpec::bind_read_only(*dir, *target));
        }
    }
    if let Some((volume, target)) = runtime.data {
        spec.mounts.push(MountSpec::volume(volume, target));
    }
    host_access::grant(stack, component, &mut spec);
    passthrough::apply(manifest, component, &mut spec, draft);
    spec.ready = runtime.ready.clone();
    spec.reload = runtime.reload.clone();
    spec.web_auth = web_auth::protected(stack, &component.kind);
    // An exposed stack's protected programs serve HTTPS (`render::tls`).
    spec.web_tls = spec.web_auth;
    if spec.web_auth {
        // The image's probe has no credentials (and none may go into the container's
        // config); stackctl's readiness check authenticates. Reload by signal: the HTTP
        // reload endpoint would need the lifecycle API or credentials.
        spec.reload = match spec.reload {
            ReloadMethod::HttpPost { .. } => ReloadMethod::Signal("SIGHUP".to_string()),
            other => other,
        };
    } else {
        spec.healthcheck = runtime::healthcheck(runtime.self_check, &component.kind);
    }
    spec.metrics_port = match component.kind {
        Kind::Jaeger => Some(jaeger::METRICS_PORT),
        _ => component.metrics_path.map(|_| component.container_port),
    };
    spec.depends_on = order::depends_on(stack, &component.kind);
    if joins_external_networks(&component.kind) {
        spec.networks = manifest.networks.clone();
    }
    spec.secrets = draft
        .secret_mounts
        .get(&component.service)
        .cloned()
        .unwrap_or_default();
    spec.config_files = config_files(draft, &runtime, &spec);
    spec
}

/// The config owner's command line; components without a config file get theirs here. A
/// program `web_auth` protects also gets its web config.
fn command(stack: &Stack, component: &Component) -> Vec<String> {
    let mut command = owner_command(stack, component);
    command.extend(web_auth::flag(stack, &component.kind));
    command
}

fn owner_command(stack: &Stack, component: &Component) -> Vec<String> {
    match component.kind {
        Kind::Prometheus => prometheus::command(stack, component),
        Kind::Alertmanager => alertmanager::command(stack, component),
        Kind::BlackboxExporter => blackbox::command(stack, component),
        Kind::Loki => loki::command(stack, component),
        Kind::Alloy => alloy::command(stack, component),
        Kind::Promtail => promtail::command(stack, component),
        Kind::Jaeger => jaeger::command(stack, component),
        Kind::Pushgateway => vec![format!("--persistence.file={PUSHGATEWAY_PERSISTENCE_FILE}")],
        Kind::VictoriaMetrics => victoriametrics::command(stack, component),
        Kind::Grafana | Kind::NodeExporter | Kind::Cadvisor | Kind::Exporter(_) => Vec::new(),
    }
}

fn exporter_of<'a>(
    stack: &'a Stack,
    component: &Component,
) -> Option<&'a crate::manifest::Exporter> {
    let index: usize = component
        .key
        .strip_prefix("exporters[")?
        .strip_suffix(']')?
        .parse()
        .ok()?;
    stack.manifest.exporters.get(index)
}

/// Services that talk to the operator's applications by container name: Prometheus and the
/// probes/exporters scrape them, applications push traces to Jaeger and metrics to the
/// Pushgateway, Alertmanager posts to webhook receivers running beside them
/// (`http://bot:5001/alerts`). The rest of the stack stays off the applications' networks.
fn joins_external_networks(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Prometheus
            | Kind::Alertmanager
            | Kind::BlackboxExporter
            | Kind::Pushgateway
            | Kind::Jaeger
            | Kind::Exporter(_)
    )
}

/// Rendered files the program reads (under its config directories) and its secret files:
/// their content decides whether a running container needs a reload.
fn config_files(draft: &Draft, runtime: &runtime::Runtime, spec: &ServiceSpec) -> Vec<String> {
    let mut files: Vec<String> = draft
        .files()
        .keys()
        .filter(|path| {
            runtime
                .config_dirs
                .iter()
                .any(|(dir, _)| path.starts_with(&format!("{dir}/")))
                && !runtime.unread_prefixes.iter().any(|p| path.starts_with(p))
        })
        .cloned()
        .collect();
    files.extend(spec.secrets.iter().map(|s| s.file.clone()));
    files.sort();
    files.dedup();
    files
}

#[cfg(test)]
mod exporter_tests;
#[cfg(test)]
mod grafana_access_tests;
#[cfg(test)]
mod tests;
