//! `stackctl init`: writes `stackctl.yaml` from a preset in `stacks/` and a `.env` (0600) with
//! generated secrets. Refuses to overwrite either without `--force`; never prints a secret.
//!
//! The manifest it writes pins every component's release (the newest stackctl knows), so a
//! newer stackctl binary never changes what runs, and starts with a yaml-language-server
//! modeline pointing at the JSON Schema written beside it (`.stackctl/schema.json`). A
//! `.gitignore` keeps `.env` and the rendered secrets out of git (missing lines are appended
//! to an existing one). What it wrote is reported through `output::init`.

use std::path::Path;
use std::process::ExitCode;

use include_dir::{include_dir, Dir};
use rand::Rng as _;

use crate::atomic_file;
use crate::catalog::versions;
use crate::cli::{GlobalArgs, InitArgs};
use crate::error::CommandError;
use crate::manifest::schema::{manifest_schema_text, SCHEMA_FILE};
use crate::output::{self, init::InitReport};

static PRESETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/stacks");

/// The value in a preset's `.env` template that `init` replaces with a fresh random secret.
const GENERATED: &str = "<generated>";
const SECRET_LENGTH: usize = 32;

/// A preset: the manifest text and the `.env` template beside it.
pub(crate) struct Preset {
    pub name: String,
    pub manifest: &'static str,
    pub env: &'static str,
}

/// Every preset shipped in the binary, by name.
pub fn presets() -> Vec<Preset> {
    let mut out: Vec<Preset> = PRESETS
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "yaml"))
        .filter_map(|f| {
            let name = f.path().file_stem()?.to_str()?.to_string();
            let env = PRESETS
                .get_file(format!("{name}.env"))
                .and_then(|e| e.contents_utf8())
                .unwrap_or("");
            Some(Preset {
                name,
                manifest: f.contents_utf8()?,
                env,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn exec(global: &GlobalArgs, args: InitArgs) -> anyhow::Result<ExitCode> {
    if super::discover::is_stdin(&global.file) {
        return Err(CommandError::usage(
            "`init` writes a manifest, and `-f -` names standard input",
        )
        .hint("name the file to write, e.g. `stackctl init -f ops/stackctl.yaml`")
        .into());
    }
    let preset = presets()
        .into_iter()
        .find(|p| p.name == args.stack.name())
        .expect("every `--stack` value has a preset in stacks/ (tested)");
    let dir = super::manifest_dir(global);
    let project = match &args.project {
        Some(name) if is_project_name(name) => name.clone(),
        Some(name) => return Err(CommandError::usage(format!(
            "`{name}` is not a valid project name"
        ))
        .hint("use lowercase letters, digits, `-` and `_`, starting with a letter or digit")
        .into()),
        None => project_from_dir(&dir),
    };
    let manifest_path = global.file.clone();
    let env_path = super::beside_manifest(global, ".env");
    if !args.force {
        for path in [&manifest_path, &env_path] {
            if path.exists() {
                return Err(CommandError::usage(format!("`{}` already exists", path.display()))
                    .hint("pass `--force` to overwrite it (a new `.env` means new generated passwords)")
                    .into());
            }
        }
    }
    fs_err::create_dir_all(&dir)?;
    let (env_text, generated) = fill_env(preset.env);
    atomic_file::write(
        &manifest_path,
        &manifest_text(preset.manifest, &project),
        0o644,
    )?;
    atomic_file::write(&env_path, &env_text, 0o600)?;
    let schema_path = super::beside_manifest(global, SCHEMA_FILE);
    fs_err::create_dir_all(
        schema_path
            .parent()
            .expect("the schema file is in a directory"),
    )?;
    atomic_file::write(&schema_path, &manifest_schema_text(), 0o644)?;
    let gitignore_path = super::beside_manifest(global, ".gitignore");
    let existing = match fs_err::read_to_string(&gitignore_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let ignored = match gitignore_text(existing.as_deref()) {
        Some((text, added)) => {
            atomic_file::write(&gitignore_path, &text, 0o644)?;
            Some((existing.is_some(), added))
        }
        None => None,
    };
    output::init::print(&InitReport {
        preset: preset.name.clone(),
        project,
        manifest: manifest_path,
        env: env_path,
        schema: schema_path,
        gitignore: gitignore_path,
        ignored,
        generated,
        secret_length: SECRET_LENGTH,
        placeholders: placeholder_vars(preset.env),
    });
    Ok(ExitCode::SUCCESS)
}

/// The manifest `init` writes: the modeline, then the preset with `project` set and every
/// component's release pinned.
fn manifest_text(preset: &str, project: &str) -> String {
    format!(
        "# yaml-language-server: $schema={SCHEMA_FILE}\n{}",
        with_versions(&with_project(preset, project))
    )
}

/// Pins every component under `components:` to the newest release stackctl knows:
/// `prometheus: {}` → `prometheus: {version: 3.14.0}`, a block mapping gets a `version:` line.
fn with_versions(manifest: &str) -> String {
    let lines: Vec<&str> = manifest.lines().collect();
    let mut out = String::new();
    let mut in_components = false;
    for (at, line) in lines.iter().enumerate() {
        let top_level = !line.starts_with([' ', '#']) && !line.trim().is_empty();
        if top_level {
            in_components = line.trim_end() == "components:";
        }
        let component = line
            .strip_prefix("  ")
            .filter(|rest| !rest.starts_with([' ', '#']))
            .and_then(|rest| rest.split_once(':'))
            .and_then(|(name, value)| Some((versions::component(name)?, value)));
        match component {
            Some((releases, value)) if in_components => {
                let version = releases.newest;
                let key_len = line.len() - value.len();
                let value_start = value.len() - value.trim_start().len();
                let rest = value.trim_start();
                if let Some(after) = rest.strip_prefix("{}") {
                    let pinned = format!("{{version: {version}}}");
                    out.push_str(&line[..key_len + value_start]);
                    out.push_str(&pinned);
                    out.push_str(&shrink_padding(after, pinned.len() - 2));
                } else if let Some(after) = rest.strip_prefix('{') {
                    out.push_str(&line[..key_len + value_start]);
                    out.push_str(&format!("{{version: {version}, {}", after.trim_start()));
                } else {
                    out.push_str(line);
                    let indent = lines
                        .get(at + 1)
                        .map(|next| next.len() - next.trim_start().len())
                        .filter(|indent| *indent > 2)
                        .unwrap_or(4);
                    out.push_str(&format!("\n{}version: {version}", " ".repeat(indent)));
                }
                out.push('\n');
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// `after` (spaces, then a comment) with up to `by` fewer spaces, keeping at least one, so
/// that comments stay where they were when the value before them grew.
fn shrink_padding(after: &str, by: usize) -> String {
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if spaces < 2 || !after.trim_start().starts_with('#') {
        return after.to_string();
    }
    let keep = spaces.saturating_sub(by).max(1);
    format!("{}{}", " ".repeat(keep), &after[spaces..])
}

/// What `.gitignore` must hold: the secrets stackctl writes beside the manifest.
/// What must never be committed: `.env` (generated secrets, `STACKCTL_SWARM_KEY`), the rendered
/// secret files, the key of the config hash, and the stack's TLS private key.
const GITIGNORED: &[&str] = &[
    ".env",
    "rendered/secrets/",
    "rendered/.stackctl-hash-key",
    ".stackctl/tls/",
];

/// The `.gitignore` with the missing lines appended and the lines added; `None` when nothing
/// is missing.
fn gitignore_text(existing: Option<&str>) -> Option<(String, Vec<&'static str>)> {
    let text = existing.unwrap_or("");
    let present: Vec<&str> = text.lines().map(str::trim).collect();
    let missing: Vec<&'static str> = GITIGNORED
        .iter()
        .copied()
        .filter(|line| {
            let bare = line.trim_end_matches('/');
            !present.iter().any(|p| {
                let p = p.trim_start_matches('/').trim_end_matches('/');
                p == bare
            })
        })
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if existing.is_none() {
        out.push_str("# Secrets written by stackctl: never commit them.\n");
    }
    for line in &missing {
        out.push_str(line);
        out.push('\n');
    }
    Some((out, missing))
}

/// Replaces every `<generated>` value with a fresh secret; returns the text and the names filled.
fn fill_env(template: &str) -> (String, Vec<String>) {
    let mut generated = Vec::new();
    let mut out = String::new();
    for line in template.lines() {
        match line.split_once('=') {
            Some((name, GENERATED)) if !line.starts_with('#') => {
                out.push_str(&format!("{name}={}\n", random_secret()));
                generated.push(name.to_string());
            }
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    (out, generated)
}

/// Variables whose `.env` value is a placeholder the operator must replace.
fn placeholder_vars(template: &str) -> Vec<String> {
    template
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .filter(|(_, value)| *value != GENERATED)
        .map(|(name, _)| name.to_string())
        .collect()
}

fn random_secret() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(SECRET_LENGTH)
        .map(char::from)
        .collect()
}

/// Sets the preset's `project:` line to `project`.
fn with_project(manifest: &str, project: &str) -> String {
    let mut out = String::new();
    for line in manifest.lines() {
        if line.starts_with("project:") {
            out.push_str(&format!("project: {project}\n"));
        } else {
            out.push_str(&format!("{line}\n"));
        }
    }
    out
}

/// `[a-z0-9][a-z0-9_-]*`, as Docker Compose requires of project names.
pub(crate) fn is_project_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// The directory's name, lowercased, with other characters turned into `-`.
fn project_from_dir(dir: &Path) -> String {
    let absolute = fs_err::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let raw = absolute
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    normalise_project(&raw)
}

pub(crate) fn normalise_project(raw: &str) -> String {
    let mapped: String = raw
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_start_matches(['-', '_']).trim_end_matches('-');
    let mut name = String::new();
    for c in trimmed.chars() {
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    if name.is_empty() {
        "stack".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_directory_names_into_project_names() {
        for (raw, want) in [
            ("shop", "shop"),
            ("My Shop", "my-shop"),
            ("_hidden", "hidden"),
            ("a..b", "a-b"),
            ("Ünïcode", "n-code"),
            ("---", "stack"),
            ("", "stack"),
            ("web_app-2", "web_app-2"),
        ] {
            assert_eq!(normalise_project(raw), want, "{raw}");
            assert!(is_project_name(&normalise_project(raw)));
        }
    }

    #[test]
    fn rejects_invalid_project_names() {
        for bad in ["", "-x", "Shop", "a b", "a.b", "_x"] {
            assert!(!is_project_name(bad), "{bad}");
        }
    }

    #[test]
    fn ships_the_three_presets() {
        let names: Vec<String> = presets().into_iter().map(|p| p.name).collect();
        for want in ["full", "metrics", "minimal"] {
            assert!(names.contains(&want.to_string()), "{names:?}");
        }
    }

    #[test]
    fn every_env_reference_of_a_preset_has_a_value_in_its_env_template() {
        for preset in presets() {
            let defined: Vec<&str> = preset
                .env
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(n, _)| n)
                .collect();
            for part in preset.manifest.split("${").skip(1) {
                let name = part.split(['}', ':']).next().unwrap_or_default();
                assert!(
                    defined.contains(&name),
                    "preset `{}` uses `{name}` without a .env entry",
                    preset.name
                );
            }
        }
    }

    #[test]
    fn generated_secrets_are_random_alphanumerics() {
        let (text, names) = fill_env("# c\nA=<generated>\nB=keep\n");
        assert_eq!(names, ["A"]);
        let value = text.lines().find_map(|l| l.strip_prefix("A=")).unwrap();
        assert_eq!(value.len(), SECRET_LENGTH);
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(text.contains("B=keep\n") && text.starts_with("# c\n"));
        assert_ne!(fill_env("A=<generated>").0, fill_env("A=<generated>").0);
    }

    #[test]
    fn sets_the_project_line() {
        assert_eq!(
            with_project("version: 1\nproject: demo\n", "shop"),
            "version: 1\nproject: shop\n"
        );
    }

    #[test]
    fn every_stack_value_is_a_preset_and_every_preset_a_stack_value() {
        use clap::ValueEnum as _;
        let values: Vec<&str> = crate::cli::StackPreset::value_variants()
            .iter()
            .map(|p| p.name())
            .collect();
        let mut files: Vec<String> = presets().into_iter().map(|p| p.name).collect();
        files.sort();
        let mut values_sorted: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        values_sorted.sort();
        assert_eq!(values_sorted, files);
        for preset in crate::cli::StackPreset::value_variants() {
            let possible = preset.to_possible_value().unwrap();
            assert_eq!(possible.get_name(), preset.name());
        }
    }

    #[test]
    fn pins_every_component_of_every_preset_to_the_newest_release() {
        for preset in presets() {
            let text = manifest_text(preset.manifest, "demo");
            assert!(text.starts_with("# yaml-language-server: $schema=.stackctl/schema.json\n"));
            let loaded = crate::manifest::load_str(Path::new("stackctl.yaml"), &text, &|_| {
                Some("https://hooks.example.com/x".to_string())
            })
            .unwrap_or_else(|e| panic!("preset `{}`: {e}\n{text}", preset.name));
            let components = crate::manifest::topology::components(&loaded.manifest);
            assert!(!components.is_empty());
            for component in components {
                assert!(
                    loaded.positions.has(&format!("{}.version", component.key)),
                    "preset `{}`: `{}` has no version\n{text}",
                    preset.name,
                    component.key
                );
                let name = component.key.trim_start_matches("components.");
                let newest = versions::component(name).unwrap().newest;
                assert_eq!(component.version.to_string(), newest, "{}", component.key);
            }
        }
    }

    #[test]
    fn pins_flow_and_block_mappings_and_keeps_comments_in_place() {
        let text = "version: 1\ncomponents:\n  prometheus: {}          # note\n  loki: {retention: 30d}\n  grafana:\n      admin_user: a\nscrape: []\n";
        let want = format!(
            "version: 1\ncomponents:\n  prometheus: {{version: {p}}} # note\n  loki: {{version: {l}, retention: 30d}}\n  grafana:\n      version: {g}\n      admin_user: a\nscrape: []\n",
            p = versions::PROMETHEUS.newest,
            l = versions::LOKI.newest,
            g = versions::GRAFANA.newest
        );
        assert_eq!(with_versions(text), want);
    }

    #[test]
    fn gitignore_gets_the_missing_secret_paths_only() {
        let (created, added) = gitignore_text(None).unwrap();
        assert_eq!(added, GITIGNORED);
        assert!(
            created.ends_with(
                ".env\nrendered/secrets/\nrendered/.stackctl-hash-key\n.stackctl/tls/\n"
            ),
            "{created}"
        );
        let (appended, added) = gitignore_text(Some(
            "target\n/.env\n.stackctl/tls\n/rendered/.stackctl-hash-key",
        ))
        .unwrap();
        assert_eq!(added, ["rendered/secrets/"]);
        assert_eq!(
            appended,
            "target\n/.env\n.stackctl/tls\n/rendered/.stackctl-hash-key\nrendered/secrets/\n"
        );
        assert_eq!(
            gitignore_text(Some(
                ".env\nrendered/secrets\nrendered/.stackctl-hash-key\n.stackctl/tls/\n"
            )),
            None
        );
    }
}
