//! What an operator sees when alert settings are wrong: `stackctl render` exits 2, writes
//! nothing, and names every problem with its place in the manifest and a hint.

use std::path::Path;

#[test]
fn alert_mistakes_are_reported_together_with_locations_and_hints() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/invalid");
    let out = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("stackctl")
        .unwrap()
        .current_dir(&fixture)
        .args(["render", "--out"])
        .arg(out.path().join("rendered"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        !out.path().join("rendered").exists(),
        "nothing is written on errors"
    );
    insta::assert_snapshot!(stderr);
}
