//! `amtool check-config` on the rendered `alertmanager/alertmanager.yml`.

use std::path::Path;

use super::container_paths::PathMap;
use super::judge::{judge, ImageRunner, Remembering};
use super::promtool::local_copy;
use super::{local, CheckInput, CheckResult, Checker};
use crate::render::{Kind, RenderedStack, Stack};

const CONFIG: &str = "alertmanager/alertmanager.yml";
const CONTAINER_DIR: &str = "/etc/alertmanager";

pub fn checks<R: ImageRunner>(
    stack: &Stack,
    rendered: &RenderedStack,
    work: &Path,
    images: &Remembering<R>,
) -> anyhow::Result<Vec<CheckResult>> {
    let Some(alertmanager) = stack.get(&Kind::Alertmanager) else {
        return Ok(Vec::new());
    };
    if !rendered.files.contains_key(CONFIG) {
        return Ok(Vec::new());
    }
    let checker = Checker {
        program: "amtool",
        component: "Alertmanager",
        target: alertmanager.version,
        image: alertmanager.image.clone(),
        in_image_path: "/bin/amtool",
        install_hint: "`apt-get install prometheus-alertmanager` on Debian/Ubuntu, or a release from https://prometheus.io/download",
    };
    let map = PathMap::for_service(work, &alertmanager.service, "alertmanager", CONTAINER_DIR);
    let input = CheckInput {
        local_args: vec!["check-config".into(), local_copy(work, CONFIG, &map)?],
        image_args: vec![
            "check-config".into(),
            format!("{CONTAINER_DIR}/alertmanager.yml"),
        ],
        binds: map.binds(),
    };
    let program = local::find("amtool");
    Ok(vec![judge(
        &format!("amtool check-config {CONFIG}"),
        &checker,
        &input,
        program.as_ref(),
        images,
        work,
    )])
}
