//! The template environment: `templates/` embedded at build time, overridable per project.
//!
//! Values reach text only through quoting filters (`yaml`, `json`, `alloy`), so a value with
//! quotes, colons, `#`, newlines or `{{` cannot break or inject config. Undefined variables are
//! errors, never empty strings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use include_dir::{include_dir, Dir};
use minijinja::{Environment, UndefinedBehavior, Value};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

pub struct Templates {
    env: Environment<'static>,
    /// YAML data templates (preset tables) rendered and parsed once: checks and render ask
    /// for the same preset dozens of times.
    data: Mutex<HashMap<String, Arc<serde_yaml::Value>>>,
}

impl Templates {
    /// The embedded templates only.
    pub fn embedded() -> Self {
        Self::with_overrides(None).expect("embedded templates load")
    }

    /// The embedded templates, with any file of the same path under `overrides` taking its place.
    pub fn with_overrides(overrides: Option<&Path>) -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.add_filter("yaml", yaml_filter);
        env.add_filter("json", json_filter);
        env.add_filter("alloy", alloy_filter);
        let mut files = Vec::new();
        collect(&EMBEDDED, &mut files);
        for (name, text) in files {
            env.add_template_owned(name.clone(), text)
                .with_context(|| format!("embedded template `{name}` does not parse"))?;
        }
        if let Some(dir) = overrides.filter(|d| d.is_dir()) {
            for path in walk(dir)? {
                let name = path
                    .strip_prefix(dir)
                    .expect("walk yields paths under dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = fs_err::read_to_string(&path)?;
                env.add_template_owned(name.clone(), text)
                    .with_context(|| {
                        format!("template override `{}` does not parse", path.display())
                    })?;
            }
        }
        Ok(Self {
            env,
            data: Mutex::default(),
        })
    }

    /// Renders template `name` (a path under `templates/`, e.g. `prometheus/prometheus.yml.j2`).
    pub fn render(&self, name: &str, context: impl serde::Serialize) -> anyhow::Result<String> {
        let template = self
            .env
            .get_template(name)
            .with_context(|| format!("no template `{name}`"))?;
        template
            .render(context)
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .with_context(|| format!("rendering template `{name}`"))
    }

    /// Data template `name` (rendered without context) parsed as YAML, once per environment.
    pub fn data(&self, name: &str) -> anyhow::Result<Arc<serde_yaml::Value>> {
        if let Some(value) = self.data.lock().expect("data cache").get(name) {
            return Ok(Arc::clone(value));
        }
        let text = self.render(name, ())?;
        let value: Arc<serde_yaml::Value> = Arc::new(
            serde_yaml::from_str(&text).with_context(|| format!("data `{name}` is not YAML"))?,
        );
        self.data
            .lock()
            .expect("data cache")
            .insert(name.to_string(), Arc::clone(&value));
        Ok(value)
    }

    /// A file copied verbatim (templates without `.j2`).
    pub fn raw(&self, name: &str) -> anyhow::Result<String> {
        let template = self
            .env
            .get_template(name)
            .with_context(|| format!("no template `{name}`"))?;
        Ok(template.source().to_string())
    }
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((
                file.path().to_string_lossy().replace('\\', "/"),
                text.to_string(),
            ));
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

fn walk(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs_err::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

/// A YAML flow scalar/collection for any value: strings are always double-quoted JSON-style,
/// which YAML accepts and which escapes newlines, quotes and control characters.
///
/// Filters return safe strings: minijinja auto-escapes `*.yaml.j2`/`*.json.j2` output as JSON,
/// which would otherwise quote the already-quoted text a second time.
/// JSON leaves DEL, C1 controls and U+2028/2029 raw; YAML rejects the former and folds the
/// latter as line breaks (YAML 1.1), so they are escaped. They only occur inside strings.
fn yaml_filter(value: Value) -> Result<Value, minijinja::Error> {
    let json = json_filter(value)?;
    let text = json.as_str().unwrap_or_default();
    if !text.chars().any(needs_yaml_escape) {
        return Ok(json);
    }
    let escaped: String = text
        .chars()
        .map(|c| {
            if needs_yaml_escape(c) {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect();
    Ok(Value::from_safe_string(escaped))
}

fn needs_yaml_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
    )
}

fn json_filter(value: Value) -> Result<Value, minijinja::Error> {
    serde_json::to_string(&value)
        .map(Value::from_safe_string)
        .map_err(|e| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("cannot encode value: {e}"),
            )
        })
}

/// An Alloy string literal: double-quoted with Go-style escapes, which JSON's escaping satisfies.
fn alloy_filter(value: Value) -> Result<Value, minijinja::Error> {
    match value.as_str() {
        Some(s) => json_filter(Value::from(s)),
        None => json_filter(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_filter_quotes_hostile_strings() {
        for hostile in [
            "a: b",
            "x # y",
            "line\nbreak",
            "{{ $labels.x }}",
            "\"q\" 'q'",
            "ünï ✓",
            "- item",
            "nel\u{85} ls\u{2028} del\u{7f}",
        ] {
            let quoted = yaml_filter(Value::from(hostile)).unwrap();
            let back: String = serde_yaml::from_str(quoted.as_str().unwrap()).unwrap();
            assert_eq!(back, hostile);
        }
    }

    #[test]
    fn filtered_values_are_not_escaped_twice_in_yaml_and_json_templates() {
        let mut env = Environment::new();
        env.add_filter("yaml", yaml_filter);
        env.add_filter("json", json_filter);
        env.add_template("a.yaml.j2", "k: {{ v | yaml }}").unwrap();
        env.add_template(
            "b.json.j2",
            "{\"k\": {{ v | json }}, \"n\": {{ n | json }}}",
        )
        .unwrap();
        let ctx = minijinja::context! { v => "x: \"y\"", n => 3 };
        assert_eq!(
            env.get_template("a.yaml.j2").unwrap().render(&ctx).unwrap(),
            r#"k: "x: \"y\"""#
        );
        assert_eq!(
            env.get_template("b.json.j2").unwrap().render(&ctx).unwrap(),
            r#"{"k": "x: \"y\"", "n": 3}"#
        );
    }
}
