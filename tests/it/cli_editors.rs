//! Editors and shells (issue 11 §2), on the real binary: the JSON Schema judged against every
//! fixture and against docs/manifest.md, completions, man pages, `--help` examples, manifest
//! discovery upwards, `-f -`, and what `init` writes beside the manifest.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::CommandFactory as _;
use predicates::prelude::*;

use crate::common::PROMETHEUS_ONLY as MINIMAL;

fn schema() -> serde_json::Value {
    let output = common::stackctl().arg("schema").output().unwrap();
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).expect("`stackctl schema` prints JSON")
}

/// A manifest as the JSON document the schema judges (merge keys applied, as the loader does).
fn as_json(yaml: &str) -> serde_json::Value {
    let mut value: serde_yaml::Value = serde_yaml::from_str(yaml).expect("fixture YAML parses");
    value.apply_merge().expect("merge keys apply");
    serde_json::to_value(value).expect("YAML converts to JSON")
}

fn schema_errors(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    validator
        .iter_errors(&as_json(yaml))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind);
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path().join("stackctl.yaml"))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_valid_fixture_validates_against_the_schema() {
    let validator = jsonschema::validator_for(&schema()).expect("the schema is a valid schema");
    let ok = fixtures("ok");
    assert!(ok.len() >= 10, "{ok:?}");
    for path in ok {
        let errors = schema_errors(&validator, &std::fs::read_to_string(&path).unwrap());
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn a_typo_and_every_unknown_key_fixture_fail_the_schema() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    assert!(schema_errors(&validator, MINIMAL).is_empty());
    let typo = format!("{MINIMAL}    scrape_intervall: 10s\n").replace("{}\n    ", "\n    ");
    let errors = schema_errors(&validator, &typo);
    assert!(
        errors.iter().any(|e| e.contains("scrape_intervall")),
        "{typo}\n{errors:?}"
    );
    // The invalid fixtures whose pinned error is an unknown key.
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots");
    let mut checked = 0;
    for path in fixtures("invalid") {
        let name = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let snapshot = snapshots.join(format!("it__manifest_errors__{name}.snap"));
        let pinned = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if !pinned.contains("error: unknown key") {
            continue;
        }
        checked += 1;
        let errors = schema_errors(&validator, &std::fs::read_to_string(&path).unwrap());
        assert!(
            !errors.is_empty(),
            "{name}: the schema accepts an unknown key"
        );
    }
    assert!(checked >= 4, "only {checked} unknown-key fixtures found");
}

/// Identifiers written in backticks in docs/manifest.md (`a.b`, `{x, y}` and `a` + `b` forms).
fn documented_words(docs: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, span) in docs.split('`').enumerate() {
        if i % 2 == 1 {
            for word in span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                out.insert(word.to_string());
            }
        }
    }
    out
}

/// The first-column keys of docs/manifest.md's key tables (`| key | ...` headers).
fn table_keys(docs: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_key_table = false;
    for line in docs.lines() {
        if !line.starts_with('|') {
            in_key_table = false;
            continue;
        }
        let first = line.split('|').nth(1).unwrap_or("").trim();
        if ["key", "stage", "channel"].contains(&first) {
            in_key_table = true;
            continue;
        }
        if !in_key_table || first.starts_with("---") {
            continue;
        }
        // `` `a`, `b` ``, `` `errors` + `total` ``, `` `retention.time` ``, `` `params` **added** ``
        for (i, span) in first.split('`').enumerate() {
            if i % 2 == 1 && !span.contains(' ') {
                for word in span.split('.') {
                    out.insert(word.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn docs_manifest_md_describes_every_schema_key_and_no_other() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/manifest.md"))
            .unwrap();
    let paths = stackctl::manifest::schema::key_paths();
    let schema_keys: BTreeSet<String> = paths
        .keys()
        .map(|p| {
            p.rsplit('.')
                .next()
                .unwrap()
                .trim_end_matches("[]")
                .to_string()
        })
        .collect();
    let documented = documented_words(&docs);
    let undocumented: Vec<&String> = schema_keys
        .iter()
        .filter(|k| !documented.contains(*k))
        .collect();
    assert!(
        undocumented.is_empty(),
        "schema keys docs/manifest.md never names in backticks: {undocumented:?}"
    );
    // Component names in the components table, exporter types and gate keys are not keys.
    let not_keys = [
        "components",
        "redis",
        "postgres",
        "mysql",
        "mongodb",
        "nginx",
    ];
    let strays: Vec<String> = table_keys(&docs)
        .into_iter()
        .filter(|k| !schema_keys.contains(k) && !not_keys.contains(&k.as_str()))
        .collect();
    assert!(
        strays.is_empty(),
        "docs/manifest.md key tables name keys the schema does not have: {strays:?}"
    );
}

#[test]
fn schema_write_refreshes_the_file_the_modeline_names() {
    let dir = common::tempdir();
    std::fs::write(dir.path().join("stackctl.yaml"), MINIMAL).unwrap();
    common::stackctl_in(dir.path())
        .args(["schema", "--write"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote .stackctl/schema.json"));
    let written: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join(".stackctl/schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written, schema());
    assert_eq!(written["$id"], "urn:stackctl:manifest:v1");
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let script = |shell: &str| {
        let output = common::stackctl()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}");
        String::from_utf8(output.stdout).unwrap()
    };
    let bash = script("bash");
    assert!(
        bash.contains("complete -F _stackctl") && bash.contains("outdated"),
        "{bash}"
    );
    assert!(
        bash.contains("minimal metrics full"),
        "presets complete for --stack"
    );
    let zsh = script("zsh");
    assert!(zsh.starts_with("#compdef stackctl"), "{zsh}");
    let fish = script("fish");
    assert!(fish.contains("complete -c stackctl"), "{fish}");
    if let Some(bash_bin) = common::require_tool("bash") {
        let dir = common::tempdir();
        let file = dir.path().join("stackctl.bash");
        std::fs::write(&file, &bash).unwrap();
        let status = std::process::Command::new(bash_bin)
            .arg("-n")
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success(), "bash -n rejects the completion script");
    }
    common::stackctl()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn man_page_on_stdout_and_one_page_per_command_in_a_directory() {
    common::stackctl()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH stackctl 1"))
        .stdout(predicate::str::contains("upgrade"));
    let dir = common::tempdir();
    let out = dir.path().join("man1");
    common::stackctl()
        .arg("man")
        .arg("--dir")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("stackctl-deploy.1"));
    for page in [
        "stackctl.1",
        "stackctl-deploy.1",
        "stackctl-notify-test.1",
        "stackctl-upgrade.1",
    ] {
        let text = std::fs::read_to_string(out.join(page)).unwrap_or_else(|_| panic!("{page}"));
        assert!(text.contains(".TH"), "{page}");
    }
    let deploy = std::fs::read_to_string(out.join("stackctl-deploy.1")).unwrap();
    assert!(deploy.contains("dry\\-run"), "{deploy}");
}

#[test]
fn every_command_help_has_examples() {
    let command = stackctl::cli::Cli::command();
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(names.len() >= 12, "{names:?}");
    for name in names {
        common::stackctl()
            .args([name.as_str(), "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:\n  stackctl "));
    }
}

#[test]
fn stack_is_a_value_enum_of_the_presets_and_file_help_tells_what_init_writes() {
    common::stackctl()
        .args(["init", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("minimal").and(predicate::str::contains("metrics")))
        .stdout(predicate::str::contains("full"))
        .stdout(predicate::str::contains(
            "For `init`: the manifest to write",
        ))
        .stdout(predicate::str::contains("`-` reads it from standard input"));
    let dir = common::tempdir();
    common::stackctl_in(dir.path())
        .args(["init", "--stack", "huge"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[possible values: minimal, metrics, full]",
        ));
    assert!(!dir.path().join("stackctl.yaml").exists());
}

#[test]
fn commands_find_the_manifest_in_a_parent_directory() {
    let root = common::tempdir();
    std::fs::write(root.path().join("stackctl.yaml"), MINIMAL).unwrap();
    let nested = root.path().join("docs/notes");
    std::fs::create_dir_all(&nested).unwrap();
    common::stackctl_in(&nested)
        .arg("render")
        .assert()
        .success()
        .stdout(predicate::str::contains("prometheus/prometheus.yml"));
    assert!(root
        .path()
        .join("rendered/prometheus/prometheus.yml")
        .is_file());
    assert!(!nested.join("rendered").exists());
    // `init` never searches: it writes here.
    common::stackctl_in(&nested)
        .args(["init", "--project", "notes"])
        .assert()
        .success();
    assert!(nested.join("stackctl.yaml").is_file());
}

#[test]
fn no_manifest_here_or_above_is_exit_2_with_a_hint() {
    let dir = common::tempdir();
    common::stackctl_in(dir.path())
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no manifest at `stackctl.yaml`"))
        .stderr(predicate::str::contains("every parent directory"));
}

#[test]
fn dash_f_dash_reads_the_manifest_from_stdin() {
    let dir = common::tempdir();
    let out = dir.path().join("out");
    common::stackctl_in(dir.path())
        .args(["render", "-f", "-", "--out"])
        .arg(&out)
        .write_stdin(MINIMAL)
        .assert()
        .success();
    assert!(out.join("prometheus/prometheus.yml").is_file());
    // `--engine` applies to a manifest from stdin as to a file (it used to be ignored).
    let swarm = dir.path().join("swarm");
    common::stackctl_in(dir.path())
        .args(["render", "--engine", "swarm", "-f", "-", "--out"])
        .arg(&swarm)
        .write_stdin(MINIMAL.replace("project: shop\n", "project: shop\nbind: 0.0.0.0\n"))
        .assert()
        .success();
    assert!(swarm.join("docker-stack.yml").is_file());
    let bad = "version: 1\nproject: shop\ncomponents:\n  prometheus:\n    scrape_intervall: 10s\n";
    common::stackctl_in(dir.path())
        .args(["render", "-f", "-", "--out"])
        .arg(dir.path().join("bad"))
        .write_stdin(bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--> <stdin>:5:5"))
        .stderr(predicate::str::contains("unknown key `scrape_intervall`"));
    assert!(!dir.path().join("bad").exists());
    common::stackctl_in(dir.path())
        .args(["init", "-f", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`-f -` names standard input"));
}

#[test]
fn init_writes_modeline_schema_pinned_versions_and_gitignore() {
    let dir = common::tempdir();
    common::stackctl_in(dir.path())
        .args(["init", "--stack", "metrics", "--project", "shop"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created .gitignore (.env, rendered/secrets/, rendered/.stackctl-hash-key, .stackctl/tls/)",
        ));
    let manifest = std::fs::read_to_string(dir.path().join("stackctl.yaml")).unwrap();
    assert!(
        manifest.starts_with("# yaml-language-server: $schema=.stackctl/schema.json\n"),
        "{manifest}"
    );
    let newest = stackctl::catalog::versions::PROMETHEUS.newest;
    assert!(
        manifest.contains(&format!("prometheus: {{version: {newest}}}")),
        "{manifest}"
    );
    let schema_file = dir.path().join(".stackctl/schema.json");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_file).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&written).unwrap();
    assert!(schema_errors(&validator, &manifest).is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "# Secrets written by stackctl: never commit them.\n.env\nrendered/secrets/\nrendered/.stackctl-hash-key\n.stackctl/tls/\n"
    );
    // An existing .gitignore gets only the missing lines.
    let other = common::tempdir();
    let ops = other.path().join("ops");
    std::fs::create_dir_all(&ops).unwrap();
    std::fs::write(ops.join(".gitignore"), "target/\n.env\n").unwrap();
    common::stackctl_in(other.path())
        .args(["init", "-f", "ops/stackctl.yaml", "--project", "ops"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "added rendered/secrets/, rendered/.stackctl-hash-key, .stackctl/tls/ to ops/.gitignore",
        ));
    assert_eq!(
        std::fs::read_to_string(ops.join(".gitignore")).unwrap(),
        "target/\n.env\nrendered/secrets/\nrendered/.stackctl-hash-key\n.stackctl/tls/\n"
    );
    assert!(ops.join(".stackctl/schema.json").is_file() && ops.join(".env").is_file());
}
