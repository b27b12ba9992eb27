//! Render: a checked manifest becomes a `RenderedStack` (path → text, and the services to run).
//!
//! Pure: nothing here writes to disk or talks to Docker. Every YAML and JSON file is parsed back
//! before it is accepted (`Draft::add_*`), so a hostile value can never produce a broken file.

pub mod alertmanager;
pub mod alloy;
pub mod blackbox;
pub mod checks;
pub mod compose;
pub mod dashboards;
pub mod draft;
pub mod grafana;
pub mod jaeger;
pub mod log_sources;
pub mod loki;
pub mod presets;
pub mod prometheus;
pub mod promtail;
pub mod rendered_file;
pub mod rules;
pub mod services;
pub mod slo;
pub mod source_files;
pub mod swarm;
pub mod templates;
pub mod tls;
pub mod victoriametrics;
pub mod web_auth;
pub mod yaml_overlay;

use std::collections::BTreeMap;
use std::path::Path;

pub use crate::catalog::Kind;
pub use crate::manifest::topology::Component;
pub use draft::Draft;
pub use rendered_file::{Contents, FileMode, RenderedFile};
pub use templates::Templates;

use crate::manifest::{Generated, LoadedManifest, Manifest, ManifestError};
use crate::service::ServiceSpec;

/// Everything `render` produces: files keyed by path relative to the output directory.
#[derive(Debug, Clone, Default)]
pub struct RenderedStack {
    pub files: BTreeMap<String, RenderedFile>,
    pub services: Vec<ServiceSpec>,
    /// Things the operator should know that do not stop the render (e.g. Promtail is EOL).
    pub warnings: Vec<String>,
    /// The services, configs and secrets of `docker-stack.yml` (`engine: swarm` only).
    pub swarm: Option<swarm::StackFile>,
    /// The operator's dashboard files among `files`, with the manifest key that named each
    /// (for the metric lint, which reads their queries from the rendered copy).
    pub user_dashboards: Vec<UserDashboard>,
}

/// One dashboard file of `dashboards.files`, as rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDashboard {
    /// `dashboards.files[0]`
    pub key: String,
    /// The file as the operator named it, relative to the manifest (`dashboards/api.json`).
    pub shown: String,
    /// Its rendered path (`grafana/dashboards/api.json`).
    pub path: String,
}

/// What every renderer reads: the manifest, where it lives, and the services it declares.
pub struct Stack<'a> {
    pub manifest: &'a Manifest,
    /// Directory of the manifest: relative paths (rule files, dashboards) start here.
    pub dir: &'a Path,
    pub components: Vec<Component>,
    pub templates: &'a Templates,
    /// How many Prometheus replicas write the same series (1; on a Swarm,
    /// `swarm.replicas.prometheus`). Above 1, VictoriaMetrics deduplicates them (`victoriametrics::dedup_interval`).
    pub prometheus_replicas: u32,
    /// The key of the hash that names Swarm secrets (`render::swarm`): `STACKCTL_SWARM_KEY`
    /// (generated into `.env`), so names stay the same from run to run and from machine to
    /// machine; a fresh random one when there is none, so a name never is a plain hash of a
    /// secret's contents.
    pub secret_key: Vec<u8>,
    /// The web password and TLS pair kept beside the manifest (`manifest::generated`); none
    /// until `render` copies them from the loaded manifest.
    pub generated: Generated,
}

impl<'a> Stack<'a> {
    pub fn new(manifest: &'a Manifest, dir: &'a Path, templates: &'a Templates) -> Self {
        Self {
            manifest,
            dir,
            components: crate::manifest::topology::components(manifest),
            templates,
            prometheus_replicas: match manifest.engine {
                crate::manifest::EngineKind::Swarm => {
                    u32::try_from(manifest.swarm.replicas_of("prometheus")).unwrap_or(u32::MAX)
                }
                crate::manifest::EngineKind::Compose => 1,
            },
            secret_key: rand::random::<[u8; 32]>().to_vec(),
            generated: Generated::default(),
        }
    }

    pub fn get(&self, kind: &Kind) -> Option<&Component> {
        self.components.iter().find(|c| &c.kind == kind)
    }

    pub fn has(&self, kind: &Kind) -> bool {
        self.get(kind).is_some()
    }
}

/// Renders every file and service of the stack.
///
/// Problems the operator can fix (a missing rule file, an `extra_config` that breaks the
/// config) come back as a `ManifestError` with key paths; bugs come back as `anyhow` errors.
pub fn render(
    loaded: &LoadedManifest,
    templates: &Templates,
) -> Result<RenderedStack, RenderError> {
    let mut stack = Stack::new(&loaded.manifest, &loaded.dir, templates);
    stack.generated = loaded.generated.clone();
    // Only a Swarm stack names secrets: a Compose one uses no key (its random one stays).
    if loaded.manifest.engine == crate::manifest::EngineKind::Swarm {
        if let Some(key) = &loaded.generated.swarm_key {
            stack.secret_key = key.expose().as_bytes().to_vec();
        }
    }
    render_stack(&stack, loaded)
}

/// One step of the render: adds its files, services and problems to the draft.
type Step = fn(&Stack, &mut Draft) -> anyhow::Result<()>;

fn render_stack(stack: &Stack, loaded: &LoadedManifest) -> Result<RenderedStack, RenderError> {
    let mut draft = Draft::new(&loaded.secret_values);
    let steps: &[(&str, Step)] = &[
        ("web auth", web_auth::render),
        ("alertmanager cluster", swarm::gossip::render),
        ("rules", rules::render),
        ("prometheus", prometheus::render),
        ("alertmanager", alertmanager::render),
        ("blackbox", blackbox::render),
        ("loki", loki::render),
        ("alloy", alloy::render),
        ("promtail", promtail::render),
        ("jaeger", jaeger::render),
        ("grafana", grafana::render),
        ("dashboards", dashboards::render),
        ("services", services::render),
        ("compose", compose::render),
        ("swarm", swarm::render),
        ("checks", checks::render),
    ];
    for (name, step) in steps {
        step(stack, &mut draft)
            .map_err(|e| RenderError::Internal(e.context(format!("rendering {name}"))))?;
    }
    draft.finish(loaded)
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Invalid(#[from] ManifestError),
    #[error(transparent)]
    Internal(anyhow::Error),
}
