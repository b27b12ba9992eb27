//! `stackctl.lock` on a real Docker daemon: the first deploy of a manifest that pins no release
//! locks the release it ran with the image's id on the host (a locally built image has no
//! registry digest), and the next deploy honours it.

mod common;
mod e2e_support;

use e2e_support::docker;

#[test]
fn first_deploy_locks_the_release_and_the_next_one_honours_it() {
    let Some(stack) = e2e_support::stack("release_lock") else {
        return;
    };
    // A stand-in for the official image at the newest release: the local Debian-built
    // Pushgateway under a name of this test's own (removed at the end).
    let newest = stackctl::catalog::versions::PUSHGATEWAY.newest;
    let repository = format!("stackctl-test/pushgateway-lock-{}", std::process::id());
    let image = format!("{repository}:v{newest}");
    docker(&["tag", e2e_support::PUSHGATEWAY, &image]);
    let _untag = Untag(image.clone());
    stack.write_manifest(&format!(
        "version: 1\nproject: {}\ncomponents:\n  pushgateway: {{image: {repository}, port: {}}}\n",
        stack.project, stack.pushgateway_port
    ));
    let lock_path = stack.path().join("stackctl.lock");
    assert!(!lock_path.exists());
    let first = stack.ok(&["deploy", "--timeout", "60"]);
    assert!(
        first.contains("locked the releases of 1 services in stackctl.lock"),
        "{first}"
    );
    let lock = std::fs::read_to_string(&lock_path).unwrap();
    let id = docker(&["image", "inspect", "-f", "{{.Id}}", &image])
        .trim()
        .to_string();
    assert!(lock.contains(&format!("release: {newest}")), "{lock}");
    assert!(lock.contains(&format!("image: {image}")), "{lock}");
    // Built here (no registry digest): the lock records the local image ID, and says so.
    assert!(
        lock.contains(&format!("digest: {id}\n    digest_kind: image_id\n")),
        "{lock}"
    );
    let outdated = stack.ok(&["outdated"]);
    assert!(outdated.contains("stackctl.lock"), "{outdated}");
    let second = stack.ok(&["deploy", "--timeout", "60"]);
    assert!(second.contains("is up to date"), "{second}");
    assert!(!second.contains("locked the releases"), "{second}");
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), lock);
}

/// Removes the test's own tag (never the image other tests use).
struct Untag(String);

impl Drop for Untag {
    fn drop(&mut self) {
        docker(&["rmi", &self.0]);
    }
}
