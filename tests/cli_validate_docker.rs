//! `stackctl validate` running promtool/amtool inside the component's image when the local
//! checker is older than the release rendered for. The image is built here from Debian's
//! binaries (no registry): its entrypoint is NOT promtool, as in `prom/prometheus`, so the test
//! also proves that validate replaces the entrypoint, and its user is `nobody`, so it proves
//! that the mounted secrets are readable in the container.

mod common;

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;

const IMAGE: &str = "stackctl-test/checkers:2.42.0";

/// A root filesystem with /bin/promtool and /bin/amtool (and the libraries they load), imported
/// with `/bin/false` as entrypoint and `nobody` as user.
fn build_checker_image(work: &Path) -> bool {
    let root = work.join("rootfs");
    for (source, name) in [
        ("/usr/bin/promtool", "promtool"),
        ("/usr/bin/amtool", "amtool"),
    ] {
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::copy(source, root.join("bin").join(name)).unwrap();
        let ldd = Command::new("ldd").arg(source).output().unwrap();
        for lib in String::from_utf8_lossy(&ldd.stdout)
            .split_whitespace()
            .filter(|w| w.starts_with('/'))
        {
            let target = root.join(lib.trim_start_matches('/'));
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(lib, &target).unwrap();
        }
    }
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/passwd"),
        "root:x:0:0::/:/bin/false\nnobody:x:65534:65534::/:/bin/false\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    // promtool test rules keeps its test storage in a temp dir, as `nobody`.
    std::fs::set_permissions(
        root.join("tmp"),
        std::os::unix::fs::PermissionsExt::from_mode(0o1777),
    )
    .unwrap();
    common::import_image(&root, IMAGE, &["ENV TMPDIR=/tmp"])
}

#[test]
fn an_older_local_promtool_defers_to_the_one_in_the_image() {
    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    if !common::require_docker() {
        return;
    }
    let work = common::tempdir();
    assert!(
        build_checker_image(work.path()),
        "docker import of the checker image failed"
    );
    // Rendered for 2.50 / 0.25.1 (2.x keys only), judged in the image because local 2.42 < 2.50.
    let manifest = format!(
        "version: 1
project: indocker
components:
  prometheus: {{version: 2.50.0, image: \"{IMAGE}\"}}
  alertmanager: {{version: 0.25.1, image: \"{IMAGE}\"}}
scrape:
  - job: api
    targets: [api:8080]
    basic_auth: {{username: metrics, password: \"${{API_PASSWORD}}\"}}
"
    );
    let dir = common::project(&manifest, Some("API_PASSWORD=fake-in-image-password\n"));
    common::stackctl_in(dir.path())
        .arg("validate")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "ok       promtool check config prometheus/prometheus.yml [promtool in {IMAGE}]"
        )))
        .stdout(predicate::str::contains(format!(
            "ok       amtool check-config alertmanager/alertmanager.yml [amtool in {IMAGE}]"
        )))
        .stdout(predicate::str::contains(
            "used the image's promtool instead",
        ));
}
