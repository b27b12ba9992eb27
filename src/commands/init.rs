//! `stackctl init`: writes `stackctl.yaml` from a preset in `stacks/` and a `.env` (0600) with
//! generated secrets. Refuses to overwrite either without `--force`; never prints a secret.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use include_dir::{include_dir, Dir};
use rand::Rng as _;

use super::UsageError;
use crate::cli::{GlobalArgs, InitArgs};

static PRESETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/stacks");

/// The value in a preset's `.env` template that `init` replaces with a fresh random secret.
const GENERATED: &str = "<generated>";
const SECRET_LENGTH: usize = 32;

/// A preset: the manifest text and the `.env` template beside it.
pub struct Preset {
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
    let preset = presets()
        .into_iter()
        .find(|p| p.name == args.stack)
        .ok_or_else(|| {
            let names: Vec<String> = presets().iter().map(|p| format!("`{}`", p.name)).collect();
            UsageError::new(format!("there is no preset `{}`", args.stack))
                .hint(format!("choose one of {}", names.join(", ")))
        })?;
    let dir = super::manifest_dir(global);
    let project = match &args.project {
        Some(name) if is_project_name(name) => name.clone(),
        Some(name) => return Err(
            UsageError::new(format!("`{name}` is not a valid project name"))
                .hint("use lowercase letters, digits, `-` and `_`, starting with a letter or digit")
                .into(),
        ),
        None => project_from_dir(&dir),
    };
    let manifest_path = global.file.clone();
    let env_path = match global.file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(".env"),
        _ => std::path::PathBuf::from(".env"),
    };
    if !args.force {
        for path in [&manifest_path, &env_path] {
            if path.exists() {
                return Err(UsageError::new(format!("`{}` already exists", path.display()))
                    .hint("pass `--force` to overwrite it (a new `.env` means new generated passwords)")
                    .into());
            }
        }
    }
    fs_err::create_dir_all(&dir)?;
    let (env_text, generated) = fill_env(preset.env);
    write_atomic(
        &manifest_path,
        &with_project(preset.manifest, &project),
        0o644,
    )?;
    write_atomic(&env_path, &env_text, 0o600)?;
    print_next_steps(&preset, &project, &manifest_path, &env_path, &generated);
    Ok(ExitCode::SUCCESS)
}

fn print_next_steps(
    preset: &Preset,
    project: &str,
    manifest: &Path,
    env: &Path,
    generated: &[String],
) {
    println!(
        "created {} (preset `{}`, project `{project}`)",
        manifest.display(),
        preset.name
    );
    println!("created {} (mode 0600)", env.display());
    for name in generated {
        println!("  {name}: generated ({SECRET_LENGTH} random characters; read it in the file)");
    }
    let placeholders = placeholder_vars(preset.env);
    println!("next steps:");
    let mut step = 1;
    if !placeholders.is_empty() {
        println!(
            "  {step}. edit {}: set {} to your real values",
            env.display(),
            placeholders.join(", ")
        );
        step += 1;
    }
    let file_flag = if manifest == Path::new(crate::manifest::DEFAULT_MANIFEST) {
        String::new()
    } else {
        format!(" -f {}", manifest.display())
    };
    println!(
        "  {step}. stackctl validate{file_flag}   check the manifest and every rendered config"
    );
    println!(
        "  {}. stackctl deploy{file_flag}     start the stack on Docker",
        step + 1
    );
    println!("  keep .env out of version control: it holds your secrets");
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
pub fn is_project_name(name: &str) -> bool {
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

pub fn normalise_project(raw: &str) -> String {
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

fn write_atomic(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".stackctl-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    temp.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    fs_err::set_permissions(temp.path(), std::fs::Permissions::from_mode(mode))?;
    temp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot move the new `{}` into place", path.display()))?;
    Ok(())
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
}
