//! The one check pipeline `validate` and `deploy` share: the rendered files in a private scratch
//! copy, promtool and amtool on them, and each complaint pointed back at the manifest.
//!
//! When a local checker is older than the release the stack runs, the same manifest is rendered
//! a second time for the checker's own release (the renderer is version-aware) and the checker
//! judges that copy, so its rejection is a real failure. The second render is an internal step:
//! it goes straight to the renderer, past the manifest's supported-release checks.

use std::path::Path;

use anyhow::Context as _;

use super::judge::{ImageRunner, Remembering};
use super::local::{self, LocalProgram};
use super::{amtool, origin, promtool, CheckOutcome, CheckResult};
use crate::catalog::Kind;
use crate::manifest::LoadedManifest;
use crate::render::{self, RenderedStack, Stack, Templates};
use crate::version::Version;
use crate::writer;

/// Where the copy rendered for the local checkers' releases is written, inside the scratch dir.
const CHECKER_COPY_DIR: &str = ".for-local-checkers";

/// The files a local program judges: `rendered` (written under `dir`) for `release`.
pub struct LocalCopy<'a> {
    pub rendered: &'a RenderedStack,
    pub dir: &'a Path,
    pub release: Version,
}

/// promtool and amtool on `rendered` (already written to `scratch`), locally or in images.
pub fn local_checks<R: ImageRunner>(
    loaded: &LoadedManifest,
    templates: &Templates,
    rendered: &RenderedStack,
    scratch: &Path,
    images: &Remembering<R>,
) -> anyhow::Result<Vec<CheckResult>> {
    let stack = Stack::new(&loaded.manifest, &loaded.dir, templates);
    let promtool_program = local::find("promtool");
    let amtool_program = local::find("amtool");
    let older = |program: &Option<LocalProgram>, kind: Kind| -> Option<Version> {
        let target = stack.get(&kind)?.version;
        program
            .as_ref()
            .and_then(|p| p.version)
            .filter(|v| *v < target)
    };
    let releases = CheckerReleases {
        prometheus: older(&promtool_program, Kind::Prometheus),
        alertmanager: older(&amtool_program, Kind::Alertmanager),
    };
    let mut notes = Vec::new();
    let checker_copy = match releases.any() {
        true => match render_for_checkers(loaded, templates, &releases) {
            Ok(copy) => Some(copy),
            Err(e) => {
                notes.push(format!("cannot render a copy for the local checkers' releases, so they judge the files as rendered: {e:#}"));
                None
            }
        },
        false => None,
    };
    let checker_dir = scratch.join(CHECKER_COPY_DIR);
    if let Some(copy) = &checker_copy {
        writer::write(copy, &checker_dir)
            .context("cannot write the copy for the local checkers")?;
    }
    let local_copy = |release: Option<Version>, kind: Kind| match (&checker_copy, release) {
        (Some(copy), Some(release)) => LocalCopy {
            rendered: copy,
            dir: &checker_dir,
            release,
        },
        _ => LocalCopy {
            rendered,
            dir: scratch,
            release: stack
                .get(&kind)
                .map(|c| c.version)
                .unwrap_or(Version::new(0, 0, 0)),
        },
    };
    let mut results = promtool::checks(
        &stack,
        rendered,
        &local_copy(releases.prometheus, Kind::Prometheus),
        promtool_program.as_ref(),
        images,
    )?;
    results.extend(amtool::checks(
        &stack,
        rendered,
        &local_copy(releases.alertmanager, Kind::Alertmanager),
        amtool_program.as_ref(),
        images,
    )?);
    for result in &mut results {
        result.origins = match &result.outcome {
            CheckOutcome::Failed(output) | CheckOutcome::Inconclusive { output, .. } => {
                origin::locate(output, loaded)
            }
            _ => Vec::new(),
        };
        result.notes.extend(notes.iter().cloned());
    }
    Ok(results)
}

/// The releases of the local checkers older than the stack's, per component.
struct CheckerReleases {
    prometheus: Option<Version>,
    alertmanager: Option<Version>,
}

impl CheckerReleases {
    fn any(&self) -> bool {
        self.prometheus.is_some() || self.alertmanager.is_some()
    }
}

/// The same manifest rendered with Prometheus and Alertmanager pinned to the checkers' releases.
fn render_for_checkers(
    loaded: &LoadedManifest,
    templates: &Templates,
    releases: &CheckerReleases,
) -> anyhow::Result<RenderedStack> {
    let mut copy = loaded.clone();
    let components = &mut copy.manifest.components;
    if let Some(release) = releases.prometheus {
        let prometheus = components.prometheus.get_or_insert_with(Default::default);
        prometheus.version = Some(release.to_string());
    }
    if let Some(release) = releases.alertmanager {
        let alertmanager = components.alertmanager.get_or_insert_with(Default::default);
        alertmanager.version = Some(release.to_string());
    }
    render::render(&copy, templates).map_err(anyhow::Error::new)
}
