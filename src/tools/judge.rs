//! Who judges a file: the local program when it is at least as new as the release the file was
//! rendered for, else the program inside the component's image (when Docker has that image),
//! else the older local program, whose rejection is then reported as inconclusive.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::local::{self, LocalProgram};
use super::{CheckInput, CheckOutcome, CheckResult, Checker};
use crate::docker::OneShotOutput;

/// Runs a program inside an image. `Ok(None)`: the image is not present (nothing is pulled).
pub trait ImageRunner {
    fn run(
        &self,
        image: &str,
        entrypoint: &str,
        args: Vec<String>,
        binds: Vec<(PathBuf, String)>,
    ) -> anyhow::Result<Option<OneShotOutput>>;
}

/// `--no-docker`: never runs anything in an image.
pub struct NoDocker;

impl ImageRunner for NoDocker {
    fn run(
        &self,
        _: &str,
        _: &str,
        _: Vec<String>,
        _: Vec<(PathBuf, String)>,
    ) -> anyhow::Result<Option<OneShotOutput>> {
        anyhow::bail!("in-image checks are off (`--no-docker`)")
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
            input.binds.clone(),
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
    let up_to_date = local_program.filter(|p| p.version.is_some_and(|v| v >= checker.target));
    if let Some(program) = up_to_date {
        return run_local(name, checker, input, program, work_dir, false);
    }
    let older_note = local_program.map(|p| older_note(checker, p));
    let image_problem = match images.try_run(checker, input) {
        Ok(output) => {
            let mut result =
                CheckResult::new(name, outcome(output.exit_code == 0, output.output, false));
            result.checker = Some(format!("{} in {}", checker.program, checker.image));
            result.notes.extend(
                older_note.map(|n| format!("{n}; used the image's {} instead", checker.program)),
            );
            return result;
        }
        Err(why) => why,
    };
    match local_program {
        Some(program) => {
            let mut result = run_local(name, checker, input, program, work_dir, true);
            result.notes.insert(0, format!("{}; in-image check not possible: {image_problem}", older_note.unwrap_or_default()));
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
            "local {} {v} is older than {} {} this stack renders for and may reject keys added since",
            checker.program, checker.component, checker.target
        ),
        None => format!("the version of local `{}` is unknown", program.path.display()),
    }
}

fn run_local(
    name: &str,
    checker: &Checker,
    input: &CheckInput,
    program: &LocalProgram,
    work_dir: &Path,
    older: bool,
) -> CheckResult {
    let version = program.version.map(|v| format!(" {v}")).unwrap_or_default();
    let mut result = match local::run(&program.path, &input.local_args, work_dir) {
        // Scratch paths mean nothing to the operator: show them relative to the scratch copy.
        Ok(out) => {
            let shown = out.output.replace(&format!("{}/", work_dir.display()), "");
            CheckResult::new(name, outcome(out.success, shown, older))
        }
        Err(e) => CheckResult::new(name, CheckOutcome::Failed(format!("{e:#}"))),
    };
    result.checker = Some(format!("local {}{version}", checker.program));
    result
}

fn outcome(success: bool, output: String, older: bool) -> CheckOutcome {
    match (success, older) {
        (true, _) => CheckOutcome::Passed,
        (false, false) => CheckOutcome::Failed(output),
        (false, true) => CheckOutcome::Inconclusive(output),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Version;

    struct FakeImages(Option<i64>);

    impl ImageRunner for FakeImages {
        fn run(
            &self,
            _: &str,
            _: &str,
            _: Vec<String>,
            _: Vec<(PathBuf, String)>,
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
            target: Version::new(3, 14, 0),
            image: "prom/prometheus:v3.14.0".into(),
            in_image_path: "/bin/promtool",
            install_hint: "apt-get install prometheus",
        }
    }

    fn input(local_args: &[&str]) -> CheckInput {
        CheckInput {
            local_args: local_args.iter().map(|s| s.to_string()).collect(),
            image_args: vec![],
            binds: vec![],
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
            (
                Some(program("/bin/false", (2, 42, 0))),
                None,
                "inconclusive",
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
                CheckOutcome::Inconclusive(_) => "inconclusive",
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
            &Remembering::new(NoDocker),
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
}
