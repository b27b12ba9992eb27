//! What `init` prints: each file it wrote (never a secret's value: only the names of those
//! generated), then the next steps, numbered, with `-f` when the manifest is not the default.

use std::path::{Path, PathBuf};

/// What `init` wrote, and what the operator must still fill in.
pub(crate) struct InitReport {
    pub preset: String,
    pub project: String,
    pub manifest: PathBuf,
    pub env: PathBuf,
    pub schema: PathBuf,
    pub gitignore: PathBuf,
    /// Whether `.gitignore` existed before, and the lines added to it; `None` when nothing
    /// was missing.
    pub ignored: Option<(bool, Vec<&'static str>)>,
    /// The `.env` variables filled with a random secret, and its length.
    pub generated: Vec<String>,
    pub secret_length: usize,
    /// The `.env` variables holding a placeholder the operator must replace.
    pub placeholders: Vec<String>,
}

pub(crate) fn print(report: &InitReport) {
    print!("{}", text(report));
}

pub(crate) fn text(report: &InitReport) -> String {
    let mut text = written(report);
    text.push_str(&next_steps(report));
    text
}

/// A line per file written, and one per generated secret under `.env`'s.
fn written(report: &InitReport) -> String {
    let mut text = format!(
        "created {} (preset `{}`, project `{}`, every release pinned)\n",
        report.manifest.display(),
        report.preset,
        report.project
    );
    text.push_str(&format!("created {} (mode 0600)\n", report.env.display()));
    for name in &report.generated {
        text.push_str(&format!(
            "  {name}: generated ({} random characters; read it in the file)\n",
            report.secret_length
        ));
    }
    text.push_str(&format!(
        "created {} (JSON Schema for editors; `stackctl schema --write` refreshes it)\n",
        report.schema.display()
    ));
    let gitignore = report.gitignore.display();
    match &report.ignored {
        Some((false, added)) => {
            text.push_str(&format!("created {gitignore} ({})\n", added.join(", ")))
        }
        Some((true, added)) => {
            text.push_str(&format!("added {} to {gitignore}\n", added.join(", ")))
        }
        None => {}
    }
    text
}

/// The numbered steps: edit the placeholders (when there are any), validate, deploy.
fn next_steps(report: &InitReport) -> String {
    let mut text = String::from("next steps:\n");
    let mut step = 1;
    if !report.placeholders.is_empty() {
        text.push_str(&format!(
            "  {step}. edit {}: set {} to your real values\n",
            report.env.display(),
            report.placeholders.join(", ")
        ));
        step += 1;
    }
    // The commands work without `-f` only when the manifest is where they look by default.
    let file_flag = if report.manifest == Path::new(crate::manifest::DEFAULT_MANIFEST) {
        String::new()
    } else {
        format!(" -f {}", report.manifest.display())
    };
    text.push_str(&format!(
        "  {step}. stackctl validate{file_flag}   check the manifest and every rendered config\n"
    ));
    text.push_str(&format!(
        "  {}. stackctl deploy{file_flag}     start the stack on Docker\n",
        step + 1
    ));
    text.push_str("  keep .env out of version control: it holds your secrets\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(manifest: &str, placeholders: &[&str], ignored: Option<bool>) -> InitReport {
        InitReport {
            preset: "minimal".into(),
            project: "shop".into(),
            manifest: manifest.into(),
            env: ".env".into(),
            schema: ".stackctl/schema.json".into(),
            gitignore: ".gitignore".into(),
            ignored: ignored.map(|existed| (existed, vec![".env", ".stackctl/tls/"])),
            generated: vec!["GRAFANA_ADMIN_PASSWORD".into()],
            secret_length: 32,
            placeholders: placeholders.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn lists_what_was_written_then_the_next_steps() {
        let want = "\
created stackctl.yaml (preset `minimal`, project `shop`, every release pinned)
created .env (mode 0600)
  GRAFANA_ADMIN_PASSWORD: generated (32 random characters; read it in the file)
created .stackctl/schema.json (JSON Schema for editors; `stackctl schema --write` refreshes it)
created .gitignore (.env, .stackctl/tls/)
next steps:
  1. edit .env: set SLACK_WEBHOOK_URL to your real values
  2. stackctl validate   check the manifest and every rendered config
  3. stackctl deploy     start the stack on Docker
  keep .env out of version control: it holds your secrets
";
        let text = text(&report(
            "stackctl.yaml",
            &["SLACK_WEBHOOK_URL"],
            Some(false),
        ));
        assert_eq!(text, want);
    }

    #[test]
    fn gitignore_line_says_created_added_or_nothing() {
        let rows = [
            (
                Some(false),
                Some("created .gitignore (.env, .stackctl/tls/)"),
            ),
            (Some(true), Some("added .env, .stackctl/tls/ to .gitignore")),
            (None, None),
        ];
        for (ignored, want) in rows {
            let text = written(&report("stackctl.yaml", &[], ignored));
            let line = text.lines().find(|l| l.contains(".gitignore"));
            assert_eq!(line, want, "{ignored:?}");
        }
    }

    #[test]
    fn steps_name_the_manifest_only_when_it_is_not_the_default_one() {
        let rows = [
            ("stackctl.yaml", "  1. stackctl validate   check"),
            (
                "ops/stackctl.yaml",
                "  1. stackctl validate -f ops/stackctl.yaml   check",
            ),
        ];
        for (manifest, want) in rows {
            let steps = next_steps(&report(manifest, &[], None));
            assert!(steps.lines().nth(1).unwrap().starts_with(want), "{steps}");
        }
    }
}
