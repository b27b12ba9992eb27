//! What deploy, status, reload, down and the other verbs on a running stack share: the
//! manifest rendered in memory, the absolute output directory, the desired services, and the
//! connection to Docker with an actionable error (`Session`); and, below, the project lock,
//! what is running (`observe`, `state`, `on_disk`), calls to the programs (`http`, `ready`),
//! secret files, the checks before an apply, and a config reload in place with its backup
//! (`reload_in_place`, `config_backup`), which both `deploy` and `reload` use.

pub(crate) mod checks;
pub(crate) mod config_backup;
pub(crate) mod http;
pub(crate) mod lock;
pub(crate) mod observe;
pub(crate) mod on_disk;
pub(crate) mod ready;
pub(crate) mod reload_in_place;
pub(crate) mod secrets;
pub(crate) mod state;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;

use crate::cli::GlobalArgs;
use crate::docker::{self, Daemon, Unreachable, UnsupportedHost};
use crate::error::CommandError;
use crate::manifest::LoadedManifest;
use crate::plan::{self, DesiredService};
use crate::render::{web_auth, RenderedStack};

pub(crate) struct Session {
    pub loaded: LoadedManifest,
    /// The templates the stack was rendered with (the checks render it again for old checkers).
    pub templates: crate::render::Templates,
    pub stack: RenderedStack,
    pub project: String,
    /// Absolute output directory.
    pub out_dir: PathBuf,
    pub desired: Vec<DesiredService>,
    /// Manifest key of each service (`components.prometheus`, `exporters[0]`), for hints.
    pub keys: BTreeMap<String, String>,
    /// User and password for the programs that require basic auth (`web_auth`).
    web_credentials: Option<(String, String)>,
    /// The values generated for this render (`commands::generated`), saved with the rendered
    /// files by `write_rendered`: a session that writes nothing saves nothing.
    generated: std::sync::Mutex<Option<crate::commands::generated::Unsaved>>,
}

impl Session {
    /// Loads, validates and renders the manifest in memory (nothing is written).
    pub fn open(global: &GlobalArgs) -> anyhow::Result<Self> {
        let crate::commands::Rendered {
            loaded,
            templates,
            stack,
            generated,
        } = crate::commands::load_and_render(global)?;
        let out_dir = std::path::absolute(crate::commands::out_dir(global))
            .context("cannot resolve the output directory")?;
        let key = crate::writer::HashKey::load_or_create(&out_dir)?;
        let desired = plan::desired(
            &stack.services,
            &stack.files,
            &out_dir.to_string_lossy(),
            key.as_bytes(),
        );
        let keys = crate::manifest::topology::components(&loaded.manifest)
            .into_iter()
            .map(|c| (c.service, c.key))
            .collect();
        let web_credentials = stack
            .services
            .iter()
            .any(|s| s.web_auth)
            .then_some(loaded.generated.web_password.as_ref())
            .flatten()
            .map(|p| (web_auth::USER.to_string(), p.expose().to_string()));
        if stack.services.iter().any(|s| s.web_tls) {
            // stackctl's own calls trust the stack's certificate, and only it.
            let pair = (loaded.generated.tls.as_ref())
                .context("the stack's TLS certificate is missing")?;
            crate::http_client::trust(pair.cert.as_bytes())?;
        }
        Ok(Self {
            project: loaded.manifest.project.clone(),
            web_credentials,
            loaded,
            templates,
            stack,
            out_dir,
            desired,
            keys,
            generated: std::sync::Mutex::new(Some(generated)),
        })
    }

    /// Writes the rendered files into the output directory, and the first time also what was
    /// generated for them beside the manifest (the web password, Swarm key or TLS pair the
    /// written files were rendered with).
    pub fn write_rendered(&self) -> anyhow::Result<()> {
        crate::writer::write(&self.stack, &self.out_dir)?;
        let unsaved = (self.generated.lock())
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match unsaved {
            Some(generated) => generated.save(),
            None => Ok(()),
        }
    }

    /// The basic-auth credentials stackctl sends to `spec`'s program, when it requires them.
    pub fn credentials(&self, spec: &crate::service::ServiceSpec) -> Option<(String, String)> {
        self.web_credentials.clone().filter(|_| spec.web_auth)
    }

    pub fn service(&self, name: &str) -> Option<&DesiredService> {
        self.desired.iter().find(|d| d.spec.name == name)
    }

    /// Each service that has a URL, with it, in the manifest's order (a deploy's last lines).
    pub fn urls(&self) -> Vec<(&str, &str)> {
        self.desired
            .iter()
            .filter_map(|d| Some((d.spec.name.as_str(), d.spec.url.as_deref()?)))
            .collect()
    }

    /// The manifest key that sets `field` of a service (`components.loki.port`).
    pub(crate) fn key_of(&self, service: &str, field: &str) -> String {
        match self.keys.get(service) {
            Some(key) => format!("{key}.{field}"),
            None => field.to_string(),
        }
    }

    /// Absolute path of the rendered compose file (recorded on containers for `compose ls`).
    pub(crate) fn compose_file(&self) -> String {
        self.out_dir
            .join("docker-compose.yml")
            .to_string_lossy()
            .into_owned()
    }

    /// Absolute directory of the manifest.
    pub(crate) fn working_dir(&self) -> String {
        std::path::absolute(&self.loaded.dir)
            .unwrap_or_else(|_| self.loaded.dir.clone())
            .to_string_lossy()
            .into_owned()
    }
}

/// A runtime for one command: single-threaded, concurrency comes from joined futures.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Connects to Docker; when it is unreachable, says where stackctl looked and what to try.
pub(crate) async fn connect() -> anyhow::Result<Daemon> {
    docker::connect().await.map_err(|error| {
        if let Some(unsupported) = error.downcast_ref::<UnsupportedHost>() {
            let usage = CommandError::usage(unsupported.to_string()).hint(unsupported.hint());
            return anyhow::Error::new(usage);
        }
        let Some(unreachable) = error.downcast_ref::<Unreachable>() else {
            return error;
        };
        let causes: Vec<String> = error.chain().skip(1).map(|c| c.to_string()).collect();
        let cause = if causes.is_empty() {
            "no answer".to_string()
        } else {
            causes.join(": ")
        };
        anyhow::Error::new(CommandError::failure(cause).hint(unreachable.hint()))
            .context(unreachable.to_string())
    })
}
