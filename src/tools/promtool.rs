//! `promtool` on the rendered Prometheus files: `check config`, `check rules` on every rule file,
//! `test rules` on every unit-test file under `prometheus/tests/`.

use std::path::Path;

use anyhow::Context as _;

use super::container_paths::PathMap;
use super::judge::{judge, ImageRunner, Remembering};
use super::{local, CheckInput, CheckResult, Checker};
use crate::render::{Kind, RenderedStack, Stack};

const CONFIG: &str = "prometheus/prometheus.yml";
const CONTAINER_DIR: &str = "/etc/prometheus";
/// Local-check copies are written beside the originals, under this prefix.
pub const LOCAL_COPY_PREFIX: &str = ".local-check-";

pub fn checks<R: ImageRunner>(
    stack: &Stack,
    rendered: &RenderedStack,
    work: &Path,
    images: &Remembering<R>,
) -> anyhow::Result<Vec<CheckResult>> {
    let Some(prometheus) = stack.get(&Kind::Prometheus) else {
        return Ok(Vec::new());
    };
    let checker = Checker {
        program: "promtool",
        component: "Prometheus",
        target: prometheus.version,
        image: prometheus.image.clone(),
        in_image_path: "/bin/promtool",
        install_hint: "`apt-get install prometheus` on Debian/Ubuntu, or a release from https://prometheus.io/download",
    };
    let program = local::find("promtool");
    let map = PathMap::for_service(work, &prometheus.service, "prometheus", CONTAINER_DIR);
    let mut inputs: Vec<(String, CheckInput)> = Vec::new();
    if rendered.files.contains_key(CONFIG) {
        inputs.push((
            format!("promtool check config {CONFIG}"),
            batch("check config", &[CONFIG], work, &map)?,
        ));
    }
    for (dir, command) in [
        ("prometheus/rules/", "check rules"),
        ("prometheus/tests/", "test rules"),
    ] {
        let files: Vec<&str> = rendered
            .files
            .keys()
            .filter(|p| p.starts_with(dir) && is_yaml(p))
            .map(String::as_str)
            .collect();
        if !files.is_empty() {
            inputs.push((
                format!("promtool {command} {}", files.join(" ")),
                batch(command, &files, work, &map)?,
            ));
        }
    }
    Ok(inputs
        .iter()
        .map(|(name, input)| judge(name, &checker, input, program.as_ref(), images, work))
        .collect())
}

fn is_yaml(path: &str) -> bool {
    path.ends_with(".yml") || path.ends_with(".yaml")
}

/// One promtool run over `files` (paths relative to the work dir): locally on rewritten copies,
/// in the image on the originals under `/etc/prometheus`.
pub fn batch(
    command: &str,
    files: &[&str],
    work: &Path,
    map: &PathMap,
) -> anyhow::Result<CheckInput> {
    let mut local_args: Vec<String> = command.split(' ').map(String::from).collect();
    let mut image_args = local_args.clone();
    for file in files {
        // Rule files hold no paths; copying them would put a second copy in the `rules/*.yml` glob.
        let local = match command {
            "check rules" => work.join(file).to_string_lossy().to_string(),
            _ => local_copy(work, file, map)?,
        };
        local_args.push(local);
        let inside = file.strip_prefix("prometheus/").unwrap_or(file);
        image_args.push(format!("{CONTAINER_DIR}/{inside}"));
    }
    Ok(CheckInput {
        local_args,
        image_args,
        binds: map.binds(),
    })
}

/// Writes a copy of `file` whose container paths point into the work dir; returns its path.
pub fn local_copy(work: &Path, file: &str, map: &PathMap) -> anyhow::Result<String> {
    let original = work.join(file);
    let text = fs_err::read_to_string(&original)?;
    let rewritten = map
        .rewrite_yaml(&text)
        .with_context(|| format!("cannot prepare `{file}` for a local check"))?;
    let name = original
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let copy = original.with_file_name(format!("{LOCAL_COPY_PREFIX}{name}"));
    fs_err::write(&copy, rewritten)?;
    Ok(copy.to_string_lossy().to_string())
}
