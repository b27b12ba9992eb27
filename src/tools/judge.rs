//! Who judges a file: the local program when it is at least as new as the release the file was
//! rendered for, else the program inside the component's image (when Docker has that image),
//! else the older local program on a copy of the same manifest rendered for its own release.
//! Its rejection is then a real failure; only keys the target release added (from
//! `extra_config`) are left `UNSURE`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use super::local::{self, LocalProgram};
use super::newer_keys::{self, NewerKey};
use super::{CheckInput, CheckOutcome, CheckResult, Checker};
use crate::docker::{InjectedFile, OneShotOutput};

/// Runs a program inside an image on copies of `files`. `Ok(None)`: the image is not present
/// (nothing is pulled).
pub trait ImageRunner {
    fn run(
        &self,
        image: &str,
        entrypoint: &str,
        args: Vec<String>,
        files: Vec<InjectedFile>,
    ) -> anyhow::Result<Option<OneShotOutput>>;
}

/// Never runs anything in an image; says why (`--no-docker`, or deploy's local-only checks).
pub struct NoDocker(pub &'static str);

/// Why `validate --no-docker` judges without images.
pub const VALIDATE_NO_DOCKER: &str = "in-image checks are off (`--no-docker`)";

impl ImageRunner for NoDocker {
    fn run(
        &self,
        _: &str,
        _: &str,
        _: Vec<String>,
        _: Vec<InjectedFile>,
    ) -> anyhow::Result<Option<OneShotOutput>> {
        anyhow::bail!("{}", self.0)
    }
}

/// Remembers why an image could not be used, so one missing image costs one Docker call.
pub struct Remembering<R> {
    inner: R,
    unavailable: RefCell<BTreeMap<String, String>>,
}

impl<R: ImageRunner> Remembering<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            unavailable: RefCell::new(BTreeMap::new()),
        }
    }

    pub fn inner(&self) -> &R {
        &self.inner
    }

    fn try_run(&self, checker: &Checker, input: &CheckInput) -> Result<OneShotOutput, String> {
        if let Some(why) = self.unavailable.borrow().get(&checker.image) {
            return Err(why.clone());
        }
        let result = self.inner.run(
            &checker.image,
            checker.in_image_path,
            input.image_args.clone(),
            input.container_files.clone(),
        );
        let why = match result {
            Ok(Some(output)) => return Ok(output),
            Ok(None) => format!(
                "Docker has no image `{}` (stackctl does not pull for validate)",
                checker.image
            ),
            Err(e) => format!("{e:#}"),
        };
        self.unavailable
            .borrow_mut()
            .insert(checker.image.clone(), why.clone());
        Err(why)
    }
}

/// Runs one check with the best available program and says which one judged it.
pub fn judge<R: ImageRunner>(
    name: &str,
    checker: &Checker,
    input: &CheckInput,
    local_program: Option<&LocalProgram>,
    images: &Remembering<R>,
    work_dir: &Path,
) -> CheckResult {
    let mut result = pick(name, checker, input, local_program, images, work_dir);
    result.tool = Some(checker.program.to_string());
    result.files = input.files.clone();
    result
}

fn pick<R: ImageRunner>(
    name: &str,
    checker: &Checker,
    input: &CheckInput,
    local_program: Option<&LocalProgram>,
    images: &Remembering<R>,
    work_dir: &Path,
) -> CheckResult {
    let up_to_date = local_program.filter(|p| p.version.is_some_and(|v| v >= checker.target));
    if let Some(program) = up_to_date {
        return run_local(name, checker, input, program, work_dir);
    }
    let older_note = local_program.map(|p| older_note(checker, p));
    let image_problem = match images.try_run(checker, input) {
        Ok(output) => {
            let outcome = match output.exit_code {
                0 => CheckOutcome::Passed,
                _ => CheckOutcome::Failed(output.output),
            };
            let mut result = CheckResult::new(name, outcome);
            result.checker = Some(format!("{} in {}", checker.program, checker.image));
            result.tool_version = Some(checker.target.to_string());
            result.notes.extend(
                older_note.map(|n| format!("{n}; used the image's {} instead", checker.program)),
            );
            return result;
        }
        Err(why) => why,
    };
    match local_program {
        Some(program) => {
            let mut result = judge_older(name, checker, input, program, work_dir);
            result.notes.insert(
                0,
                format!(
                    "{}; in-image check not possible: {image_problem}",
                    older_note.unwrap_or_default()
                ),
            );
            result
        }
        None => CheckResult::not_run(
            name,
            format!(
                "`{}` is not installed ({}), and the in-image check was not possible: {image_problem}",
                checker.program, checker.install_hint
            ),
        ),
    }
}

fn older_note(checker: &Checker, program: &LocalProgram) -> String {
    match program.version {
        Some(v) => format!(
            "local {} {v} is older than {} {} this stack renders for",
            checker.program, checker.component, checker.target
        ),
        None => format!(
            "the version of local `{}` is unknown",
            program.path.display()
        ),
    }
}

/// An older local program judges the copy rendered for its own release: its rejection is a
/// real failure, unless every key it calls unknown is one the target release added (then the
/// check runs again without them, and the verdict on them is `UNSURE`).
fn judge_older(
    name: &str,
    checker: &Checker,
    input: &CheckInput,
    program: &LocalProgram,
    work_dir: &Path,
) -> CheckResult {
    let Some(version) = program.version.filter(|v| *v == input.local_release) else {
        let mut result = run_local(name, checker, input, program, work_dir);
        if let CheckOutcome::Failed(output) = result.outcome {
            let reason = format!(
                "local {} judged the files rendered for {} {} (no copy could be rendered for its own release) and rejected them; it may lack keys added since",
                checker.program, checker.component, checker.target
            );
            result.outcome = CheckOutcome::Inconclusive { reason, output };
        }
        return result;
    };
    let mut result = run_local(name, checker, input, program, work_dir);
    let copy_note = format!(
        "judged on a copy rendered for {} {version}, the local {}'s release",
        checker.component, checker.program
    );
    let CheckOutcome::Failed(output) = &result.outcome else {
        result.notes.push(copy_note);
        return result;
    };
    let fields = newer_keys::unknown_fields(output);
    let newer: Vec<NewerKey> = fields
        .iter()
        .filter_map(|f| newer_keys::newer_key(checker.config, f, version, checker.target))
        .collect();
    result.notes.push(copy_note);
    if fields.is_empty() || newer.len() != fields.len() {
        return result;
    }
    let first_output = output.clone();
    if let Err(e) = strip_keys(&input.local_args, work_dir, &newer) {
        result
            .notes
            .push(format!("cannot set the newer keys aside: {e:#}"));
        return result;
    }
    let again = run_local(name, checker, input, program, work_dir);
    let keys = newer
        .iter()
        .map(|k| format!("`{}` (new in {} {})", k.key, checker.component, k.since))
        .collect::<Vec<_>>()
        .join(", ");
    match again.outcome {
        CheckOutcome::Passed => {
            result.outcome = CheckOutcome::Inconclusive {
                reason: format!(
                    "{keys} from `extra_config` cannot be judged by local {} {version}; everything else passed",
                    checker.program
                ),
                output: first_output,
            };
        }
        outcome => {
            result.outcome = outcome;
            result.notes.push(format!(
                "{keys} set aside (newer than local {} {version}); the rest was still rejected",
                checker.program
            ));
        }
    }
    result
}

/// Removes the keys named in `newer` from every YAML file among `args` (the local copies).
fn strip_keys(args: &[String], work_dir: &Path, newer: &[NewerKey]) -> anyhow::Result<()> {
    let names: Vec<&str> = newer.iter().map(|k| k.key.as_str()).collect();
    for arg in args {
        let path = work_dir.join(arg);
        let is_yaml = arg.ends_with(".yml") || arg.ends_with(".yaml");
        if !is_yaml || !path.is_file() {
            continue;
        }
        let text = fs_err::read_to_string(&path)?;
        let mut value: serde_yaml::Value = serde_yaml::from_str(&text)?;
        remove_keys(&mut value, &names);
        super::local::write_private(&path, &serde_yaml::to_string(&value)?)?;
    }
    Ok(())
}

fn remove_keys(value: &mut serde_yaml::Value, names: &[&str]) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            map.retain(|k, _| !k.as_str().is_some_and(|k| names.contains(&k)));
            map.values_mut().for_each(|v| remove_keys(v, names));
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(|v| remove_keys(v, names)),
        _ => {}
    }
}

fn run_local(
    name: &str,
    checker: &Checker,
    input: &CheckInput,
    program: &LocalProgram,
    work_dir: &Path,
) -> CheckResult {
    let version = program.version.map(|v| format!(" {v}")).unwrap_or_default();
    let mut result = match local::run(&program.path, &input.local_args, work_dir) {
        // Scratch paths mean nothing to the operator: show them relative to the scratch copy.
        Ok(out) => {
            let shown = out
                .output
                .replace(&format!("{}/", work_dir.display()), "")
                .replace(super::promtool::LOCAL_COPY_PREFIX, "");
            let outcome = match out.success {
                true => CheckOutcome::Passed,
                false => CheckOutcome::Failed(shown),
            };
            CheckResult::new(name, outcome)
        }
        Err(e) => CheckResult::new(name, CheckOutcome::Failed(format!("{e:#}"))),
    };
    result.checker = Some(format!("local {}{version}", checker.program));
    result.tool_version = program.version.map(|v| v.to_string());
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Version;
    use std::path::PathBuf;

    struct FakeImages(Option<i64>);

    impl ImageRunner for FakeImages {
        fn run(
            &self,
            _: &str,
            _: &str,
            _: Vec<String>,
            _: Vec<InjectedFile>,
        ) -> anyhow::Result<Option<OneShotOutput>> {
            Ok(self.0.map(|exit_code| OneShotOutput {
                exit_code,
                output: "from image".into(),
            }))
        }
    }

    fn checker() -> Checker {
        Checker {
            program: "promtool",
            component: "Prometheus",
            config: super::newer_keys::Config::Prometheus,
            target: Version::new(3, 14, 0),
            image: "prom/prometheus:v3.14.0".into(),
            in_image_path: "/bin/promtool",
            install_hint: "apt-get install prometheus",
        }
    }

    fn input(local_args: &[&str]) -> CheckInput {
        CheckInput {
            files: vec![],
            local_args: local_args.iter().map(|s| s.to_string()).collect(),
            local_release: Version::new(2, 42, 0),
            image_args: vec![],
            container_files: vec![],
        }
    }

    fn program(path: &str, version: (u64, u64, u64)) -> LocalProgram {
        LocalProgram {
            path: PathBuf::from(path),
            version: Some(Version::new(version.0, version.1, version.2)),
        }
    }

    #[test]
    fn picks_the_judge_by_local_version_and_image_presence() {
        let dir = tempfile::tempdir().unwrap();
        // (local program, image exit code if present, expected outcome kind, expected checker prefix)
        let cases: Vec<(Option<LocalProgram>, Option<i64>, &str, &str)> = vec![
            (
                Some(program("/bin/true", (3, 14, 0))),
                Some(1),
                "passed",
                "local",
            ),
            (
                Some(program("/bin/false", (3, 20, 0))),
                None,
                "failed",
                "local",
            ),
            (
                Some(program("/bin/true", (2, 42, 0))),
                Some(0),
                "passed",
                "promtool in",
            ),
            (
                Some(program("/bin/true", (2, 42, 0))),
                Some(1),
                "failed",
                "promtool in",
            ),
            // The older local program judges a copy rendered for its own release: a real failure.
            (
                Some(program("/bin/false", (2, 42, 0))),
                None,
                "failed",
                "local",
            ),
            (
                Some(program("/bin/true", (2, 42, 0))),
                None,
                "passed",
                "local",
            ),
            (None, Some(0), "passed", "promtool in"),
            (None, None, "not run", ""),
        ];
        for (local, image, want, by) in cases {
            let images = Remembering::new(FakeImages(image));
            let result = judge(
                "check",
                &checker(),
                &input(&[]),
                local.as_ref(),
                &images,
                dir.path(),
            );
            let kind = match result.outcome {
                CheckOutcome::Passed => "passed",
                CheckOutcome::Failed(_) => "failed",
                CheckOutcome::Inconclusive { .. } => "inconclusive",
                CheckOutcome::NotRun(_) => "not run",
            };
            assert_eq!(kind, want, "{local:?} {image:?}");
            assert!(
                result.checker.unwrap_or_default().starts_with(by),
                "{local:?} {image:?}"
            );
        }
    }

    #[test]
    fn a_missing_tool_says_how_to_install_it() {
        let dir = tempfile::tempdir().unwrap();
        let result = judge(
            "check",
            &checker(),
            &input(&[]),
            None,
            &Remembering::new(NoDocker(VALIDATE_NO_DOCKER)),
            dir.path(),
        );
        let CheckOutcome::NotRun(why) = result.outcome else {
            panic!("{result:?}")
        };
        assert!(
            why.contains("apt-get install prometheus") && why.contains("--no-docker"),
            "{why}"
        );
    }

    /// A stand-in for an old promtool: rejects every key in `unknown` that the file holds, the
    /// way Go's yaml does.
    fn old_checker(dir: &Path, unknown: &[&str]) -> LocalProgram {
        use std::os::unix::fs::PermissionsExt as _;
        let mut script = String::from("#!/bin/sh\nstatus=0\n");
        for key in unknown {
            script.push_str(&format!(
                "if grep -q '{key}:' \"$1\"; then echo \"line 1: field {key} not found in type config.plain\"; status=1; fi\n"
            ));
        }
        script.push_str("exit $status\n");
        let path = dir.join("old-promtool");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        LocalProgram {
            path,
            version: Some(Version::new(2, 42, 0)),
        }
    }

    #[test]
    fn only_keys_newer_than_the_old_checker_are_unsure_and_the_rest_is_still_judged() {
        // (file the old checker judges, expected verdict, text the verdict must hold)
        let table = [
            (
                "global:\n  scrape_protocols: [a]\n",
                "unsure",
                "`scrape_protocols` (new in Prometheus 2.49.0)",
            ),
            (
                "global:\n  scrape_intervl: 1m\n",
                "failed",
                "field scrape_intervl not found",
            ),
            (
                "global:\n  scrape_protocols: [a]\n  scrape_intervl: 1m\n",
                "failed",
                "scrape_intervl",
            ),
            ("global: {}\n", "passed", ""),
        ];
        for (text, want, holds) in table {
            let dir = tempfile::tempdir().unwrap();
            let program = old_checker(dir.path(), &["scrape_protocols", "scrape_intervl"]);
            std::fs::write(dir.path().join("p.yml"), text).unwrap();
            let result = judge(
                "check",
                &checker(),
                &input(&["p.yml"]),
                Some(&program),
                &Remembering::new(NoDocker(VALIDATE_NO_DOCKER)),
                dir.path(),
            );
            let (verdict, shown) = match &result.outcome {
                CheckOutcome::Passed => ("passed", String::new()),
                CheckOutcome::Failed(output) => ("failed", output.clone()),
                CheckOutcome::Inconclusive { reason, .. } => ("unsure", reason.clone()),
                CheckOutcome::NotRun(why) => ("not run", why.clone()),
            };
            assert_eq!(verdict, want, "{text}: {result:?}");
            assert!(shown.contains(holds), "{text}: {shown}");
        }
    }

    #[test]
    fn a_newer_key_set_aside_still_lets_a_real_error_fail() {
        // The old checker rejects the newer key; with it set aside it rejects the rest.
        let dir = tempfile::tempdir().unwrap();
        let program = old_checker(dir.path(), &["scrape_protocols"]);
        let script = dir.path().join("old-promtool");
        let text = std::fs::read_to_string(&script).unwrap();
        std::fs::write(
            &script,
            text.replace(
                "exit $status",
                "grep -q bad \"$1\" && { echo broken; exit 1; }\nexit $status",
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("p.yml"),
            "global:\n  scrape_protocols: [a]\nbad: 1\n",
        )
        .unwrap();
        let result = judge(
            "check",
            &checker(),
            &input(&["p.yml"]),
            Some(&program),
            &Remembering::new(NoDocker(VALIDATE_NO_DOCKER)),
            dir.path(),
        );
        assert!(result.failed(), "{result:?}");
        assert!(
            result.notes.iter().any(|n| n.contains("set aside")),
            "{result:?}"
        );
    }
}
