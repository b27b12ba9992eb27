//! Golden tests: every `tests/fixtures/ok/<name>/stackctl.yaml` (with its `.env`) renders to ONE
//! insta snapshot holding every rendered file, and the rendered files pass the real checkers.
//!
//! Secret files are shown as `<secret: N bytes>`: even the fake values of fixtures never reach
//! a snapshot. Regenerate after an intended change with
//! `INSTA_UPDATE=always cargo test --test it golden` and review the diff like code.

use crate::common;
use crate::logs_fixtures::fixtures;

use std::path::Path;

use stackctl::render::{self, FileMode, RenderedStack, Templates};
use stackctl::tools::judge::{NoDocker, Remembering, VALIDATE_NO_DOCKER};
use stackctl::tools::{pipeline, CheckOutcome};

fn fixture_name(manifest: &Path) -> String {
    manifest
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn render_fixture(
    manifest: &Path,
) -> (stackctl::manifest::LoadedManifest, Templates, RenderedStack) {
    let name = fixture_name(manifest);
    let loaded = stackctl::manifest::load(manifest)
        .unwrap_or_else(|e| panic!("fixture `{name}` does not load:\n{e}"));
    let templates =
        Templates::with_overrides(Some(&loaded.dir.join("templates"))).expect("templates load");
    let rendered = render::render(&loaded, &templates)
        .unwrap_or_else(|e| panic!("fixture `{name}` does not render:\n{e}"));
    (loaded, templates, rendered)
}

/// Every file with a path header; secrets as placeholders; warnings first.
fn snapshot_text(rendered: &RenderedStack) -> String {
    let mut text = String::new();
    for warning in &rendered.warnings {
        text.push_str(&format!("# warning: {warning}\n"));
    }
    for (path, file) in &rendered.files {
        match file.mode() {
            FileMode::Secret => text.push_str(&format!(
                "=== {path} (0600)\n<secret: {} bytes>\n\n",
                file.contents.len()
            )),
            FileMode::Public => {
                text.push_str(&format!("=== {path}\n{}", file.contents.expose()));
                if !file.contents.expose().ends_with('\n') {
                    text.push_str("\n<no newline at end of file>\n");
                }
                text.push('\n');
            }
        }
    }
    text
}

/// Runs `check` on every fixture, each on its own (one broken fixture does not hide the
/// others' snapshots), then fails naming every fixture that failed.
fn for_each_fixture(check: impl Fn(&Path)) {
    let manifests = fixtures();
    assert!(
        manifests.len() >= 6,
        "expected at least 6 fixtures, found {}",
        manifests.len()
    );
    let failed: Vec<String> = manifests
        .iter()
        .filter(|manifest| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(manifest))).is_err()
        })
        .map(|manifest| fixture_name(manifest))
        .collect();
    assert!(
        failed.is_empty(),
        "fixtures failed (see above): {}",
        failed.join(", ")
    );
}

#[test]
fn every_ok_fixture_renders_to_its_snapshot() {
    for_each_fixture(|manifest| {
        let (_, _, rendered) = render_fixture(manifest);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(fixture_name(manifest));
        settings.set_prepend_module_to_snapshot(true);
        settings.set_input_file(manifest);
        settings.bind(|| insta::assert_snapshot!("render", snapshot_text(&rendered)));
    });
}

#[test]
fn no_secret_value_of_a_fixture_appears_in_a_public_file() {
    for_each_fixture(|manifest| {
        let (loaded, _, rendered) = render_fixture(manifest);
        for (path, file) in rendered
            .files
            .iter()
            .filter(|(_, f)| f.mode() == FileMode::Public)
        {
            for secret in loaded.secret_values.iter().filter(|s| s.len() >= 6) {
                assert!(
                    !file.contents.expose().contains(secret.as_str()),
                    "{}: a secret is in `{path}`",
                    fixture_name(manifest)
                );
            }
        }
    });
}

/// promtool and amtool judge every fixture as `stackctl validate --no-docker` does (the same
/// pipeline): an older local tool judges a copy rendered for its own release, so every
/// rejection fails the test; only keys newer than the tool (UNSURE) are reported.
#[test]
fn every_ok_fixture_passes_promtool_and_amtool() {
    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    for_each_fixture(|manifest| {
        let name = fixture_name(manifest);
        let (loaded, templates, rendered) = render_fixture(manifest);
        let work = common::tempdir();
        stackctl::writer::write(&rendered, work.path()).expect("write scratch copy");
        let images = Remembering::new(NoDocker(VALIDATE_NO_DOCKER));
        let results = pipeline::local_checks(&loaded, &templates, &rendered, work.path(), &images)
            .expect("promtool and amtool checks");
        let mut failures = Vec::new();
        for result in results {
            let line = stackctl::output::format_check(&result);
            match &result.outcome {
                CheckOutcome::Passed => print!("{name}: {line}"),
                CheckOutcome::Inconclusive { .. } => eprint!("{name}: {line}"),
                CheckOutcome::Failed(_) => failures.push(format!("{name}: {line}")),
                CheckOutcome::NotRun(why) => {
                    common::skip::<()>(&format!("{} ({why})", result.name));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "real checkers rejected rendered files:\n{}",
            failures.join("\n")
        );
    });
}

/// The fixtures pinned to the Debian releases must be judged strictly, never UNSURE.
#[test]
fn pinned_fixtures_are_judged_by_the_local_tools_without_doubt() {
    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ok/debian-versions/stackctl.yaml");
    let (loaded, templates, rendered) = render_fixture(&manifest);
    let work = common::tempdir();
    stackctl::writer::write(&rendered, work.path()).expect("write scratch copy");
    let images = Remembering::new(NoDocker(VALIDATE_NO_DOCKER));
    let results = pipeline::local_checks(&loaded, &templates, &rendered, work.path(), &images)
        .expect("promtool and amtool checks");
    assert!(
        results.len() >= 4,
        "config, rules, tests and alertmanager checks expected: {results:?}"
    );
    for result in results {
        assert_eq!(
            result.outcome,
            CheckOutcome::Passed,
            "{}",
            stackctl::output::format_check(&result)
        );
    }
}
