//! `amtool check-config` on the rendered `alertmanager/alertmanager.yml`.

use super::container_paths::PathMap;
use super::judge::{judge, ImageRunner, Remembering};
use super::local::LocalProgram;
use super::newer_keys::Config;
use super::pipeline::LocalCopy;
use super::promtool::local_copy;
use super::{container_files, CheckInput, CheckResult, Checker};
use crate::catalog::Kind;
use crate::render::{RenderedStack, Stack};

const CONFIG: &str = "alertmanager/alertmanager.yml";
const CONTAINER_DIR: &str = "/etc/alertmanager";

/// The check of alertmanager.yml in `target`; a local `program` judges `local` (see promtool).
pub fn checks<R: ImageRunner>(
    stack: &Stack,
    target: &RenderedStack,
    local: &LocalCopy,
    program: Option<&LocalProgram>,
    images: &Remembering<R>,
) -> anyhow::Result<Vec<CheckResult>> {
    let Some(alertmanager) = stack.get(&Kind::Alertmanager) else {
        return Ok(Vec::new());
    };
    if !target.files.contains_key(CONFIG) {
        return Ok(Vec::new());
    }
    let checker = Checker {
        program: "amtool",
        component: "Alertmanager",
        config: Config::Alertmanager,
        target: alertmanager.version,
        image: alertmanager.image.clone(),
        in_image_path: "/bin/amtool",
        install_hint: "`apt-get install prometheus-alertmanager` on Debian/Ubuntu, or a release from https://prometheus.io/download",
    };
    let service = &alertmanager.service;
    let map = PathMap::for_service(local.dir, service, "alertmanager", CONTAINER_DIR);
    let input = CheckInput {
        files: vec![CONFIG.to_string()],
        local_args: vec!["check-config".into(), local_copy(local.dir, CONFIG, &map)?],
        local_release: local.release,
        image_args: vec![
            "check-config".into(),
            format!("{CONTAINER_DIR}/alertmanager.yml"),
        ],
        container_files: container_files::for_service(
            target,
            service,
            "alertmanager",
            CONTAINER_DIR,
        ),
    };
    Ok(vec![judge(
        &format!("amtool check-config {CONFIG}"),
        &checker,
        &input,
        program,
        images,
        local.dir,
    )])
}
