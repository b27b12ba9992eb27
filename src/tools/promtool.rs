//! `promtool` on the rendered Prometheus files: `check config`, `check rules` on every rule file,
//! `test rules` on every unit-test file under `prometheus/tests/`.

use anyhow::Context as _;

use super::container_paths::PathMap;
use super::judge::{judge, ImageRunner, Remembering};
use super::local::LocalProgram;
use super::newer_keys::Config;
use super::pipeline::LocalCopy;
use super::{container_files, CheckInput, CheckResult, Checker};
use crate::catalog::Kind;
use crate::render::{RenderedStack, Stack};

const CONFIG: &str = "prometheus/prometheus.yml";
const CONTAINER_DIR: &str = "/etc/prometheus";
/// Local-check copies are written beside the originals, under this prefix.
pub(crate) const LOCAL_COPY_PREFIX: &str = ".local-check-";

/// The checks of the Prometheus files in `target` (rendered for the stack's release); a local
/// `program` judges `local`, the same manifest rendered for the program's own release.
pub fn checks<R: ImageRunner>(
    stack: &Stack,
    target: &RenderedStack,
    local: &LocalCopy,
    program: Option<&LocalProgram>,
    images: &Remembering<R>,
) -> anyhow::Result<Vec<CheckResult>> {
    let Some(prometheus) = stack.get(&Kind::Prometheus) else {
        return Ok(Vec::new());
    };
    let checker = Checker {
        program: "promtool",
        component: "Prometheus",
        config: Config::Prometheus,
        target: prometheus.version,
        image: prometheus.image.clone(),
        in_image_path: "/bin/promtool",
        install_hint: "`apt-get install prometheus` on Debian/Ubuntu, or a release from https://prometheus.io/download",
    };
    let map = PathMap::for_service(local.dir, &prometheus.service, "prometheus", CONTAINER_DIR);
    let container_files =
        container_files::for_service(target, &prometheus.service, "prometheus", CONTAINER_DIR);
    let mut inputs: Vec<(String, CheckInput)> = Vec::new();
    if target.files.contains_key(CONFIG) {
        inputs.push((
            format!("promtool check config {CONFIG}"),
            batch("check config", &[CONFIG], &[CONFIG], local, &map)?,
        ));
    }
    for (dir, command) in [
        ("prometheus/rules/", "check rules"),
        ("prometheus/tests/", "test rules"),
    ] {
        let files = yaml_under(target, dir);
        if !files.is_empty() {
            inputs.push((
                format!("promtool {command} {}", files.join(" ")),
                batch(
                    command,
                    &files,
                    &yaml_under(local.rendered, dir),
                    local,
                    &map,
                )?,
            ));
        }
    }
    Ok(inputs
        .into_iter()
        .map(|(name, mut input)| {
            input.container_files = container_files.clone();
            judge(&name, &checker, &input, program, images, local.dir)
        })
        .collect())
}

fn yaml_under<'a>(rendered: &'a RenderedStack, dir: &str) -> Vec<&'a str> {
    rendered
        .files
        .keys()
        .filter(|p| p.starts_with(dir) && (p.ends_with(".yml") || p.ends_with(".yaml")))
        .map(String::as_str)
        .collect()
}

/// One promtool run: locally over `local_files` of the local copy (rewritten where they hold
/// paths), in the image over the target's `files` under `/etc/prometheus`.
fn batch(
    command: &str,
    files: &[&str],
    local_files: &[&str],
    local: &LocalCopy,
    map: &PathMap,
) -> anyhow::Result<CheckInput> {
    let mut local_args: Vec<String> = command.split(' ').map(String::from).collect();
    let mut image_args = local_args.clone();
    for file in local_files {
        // Rule files hold no paths; copying them would put a second copy in the `rules/*.yml` glob.
        local_args.push(match command {
            "check rules" => file.to_string(),
            _ => local_copy(local.dir, file, map)?,
        });
    }
    for file in files {
        let inside = file.strip_prefix("prometheus/").unwrap_or(file);
        image_args.push(format!("{CONTAINER_DIR}/{inside}"));
    }
    Ok(CheckInput {
        files: files.iter().map(|f| f.to_string()).collect(),
        local_args,
        local_release: local.release,
        image_args,
        container_files: Vec::new(),
    })
}

/// Writes a 0600 copy of `file` (under `dir`) whose container paths point into `dir`; returns
/// its path relative to `dir`.
pub(crate) fn local_copy(
    dir: &std::path::Path,
    file: &str,
    map: &PathMap,
) -> anyhow::Result<String> {
    let text = fs_err::read_to_string(dir.join(file))?;
    let rewritten = map
        .rewrite_yaml(&text)
        .with_context(|| format!("cannot prepare `{file}` for a local check"))?;
    let (parent, name) = file.rsplit_once('/').unwrap_or(("", file));
    let copy = match parent {
        "" => format!("{LOCAL_COPY_PREFIX}{name}"),
        parent => format!("{parent}/{LOCAL_COPY_PREFIX}{name}"),
    };
    super::local::write_private(&dir.join(&copy), &rewritten)?;
    Ok(copy)
}
