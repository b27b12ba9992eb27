//! The operator verbs' input errors on the real binary, without Docker: bad input exits 2 with
//! what is wrong and how to fix it, before anything is called or written.

use crate::common;

use common::{project, stackctl_in};

const MANIFEST: &str =
    "version: 1\nproject: verbs\ncomponents:\n  prometheus: {}\n  alertmanager: {}\n";

fn run(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = stackctl_in(dir).args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn silence_add_refuses_bad_matchers_durations_and_comments_with_exit_2() {
    let dir = project(MANIFEST, None);
    let cases: [(&[&str], &str); 5] = [
        (
            &["--match", "team-name=x"],
            "`team-name` is not a label name",
        ),
        (&["--match", "alertname"], "no `=`, `!=`, `=~` or `!~`"),
        (
            &["--match", "instance=~("],
            "not a valid regular expression",
        ),
        (
            &["--match", "alertname=X", "--for", "soon"],
            "`--for soon` is not a duration",
        ),
        (
            &["--match", "alertname=X", "--comment", " "],
            "`--comment` is empty",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["silence", "add"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run(dir.path(), &all);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(stderr.contains("hint:"), "{args:?}: {stderr}");
        assert!(stdout.is_empty());
    }
    let (code, _, stderr) = run(dir.path(), &["silence", "add"]);
    assert_eq!(code, Some(2), "--match is required: {stderr}");
}

#[test]
fn backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_backup() {
    let dir = project(MANIFEST, None);
    common::write(dir.path(), "old.tar.gz", "precious");
    let (code, _, stderr) = run(dir.path(), &["backup", "--out", "old.tar.gz"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`old.tar.gz` already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("old.tar.gz")).unwrap(),
        "precious"
    );

    common::write(dir.path(), "notes.txt", "not an archive");
    let (code, _, stderr) = run(dir.path(), &["restore", "notes.txt"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not a stackctl backup"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["restore", "missing.tar.gz"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("missing.tar.gz"), "{stderr}");
}

#[test]
fn the_verbs_document_themselves() {
    let dir = project(MANIFEST, None);
    for (args, expected) in [
        (&["logs", "--help"][..], "--follow"),
        (&["logs", "--help"][..], "`-f` means --follow"),
        (&["silence", "add", "--help"][..], "label=~regex"),
        (&["backup", "--help"][..], "--out FILE"),
        (&["restore", "--help"][..], "--force"),
    ] {
        let (code, stdout, _) = run(dir.path(), args);
        assert_eq!(code, Some(0));
        assert!(stdout.contains(expected), "{args:?}: {stdout}");
    }
}
