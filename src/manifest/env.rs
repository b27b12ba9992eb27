//! `${NAME}` and `${NAME:-default}` references in manifest values.
//!
//! Pure: the caller supplies the lookup (process environment, then `.env`). `$${` is a literal
//! `${`; anything else with a `$` (`{{ $labels.x }}`, `$1`) passes through unchanged.

use serde_yaml::Value;

use super::diagnostic::Diagnostic;
use super::positions::child_path;

/// The outcome of resolving every string value of a manifest.
#[derive(Debug, Default)]
pub struct Resolution {
    /// Values that came from the environment or `.env` (defaults are not secrets: they are in
    /// the manifest already). Deduplicated, never printed.
    pub secret_values: Vec<String>,
    pub problems: Vec<Diagnostic>,
}

/// Replaces references in every string value (not in keys) of `value`, in place.
pub fn resolve_value(value: &mut Value, lookup: &dyn Fn(&str) -> Option<String>) -> Resolution {
    let mut resolution = Resolution::default();
    let mut path = String::new();
    walk(value, &mut path, lookup, &mut resolution);
    resolution
}

/// `path` is a buffer each level extends and restores, so a large manifest without references
/// costs no string building.
fn walk(
    value: &mut Value,
    path: &mut String,
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut Resolution,
) {
    match value {
        Value::String(text) if !text.contains('$') => {}
        Value::String(text) => match resolve_str(text, lookup) {
            Ok(resolved) => {
                for secret in resolved.from_environment {
                    if !secret.is_empty() && !out.secret_values.contains(&secret) {
                        out.secret_values.push(secret);
                    }
                }
                *text = resolved.text;
            }
            Err(problem) => out.problems.push(problem.into_diagnostic(path)),
        },
        Value::Sequence(items) => {
            let len = path.len();
            for (index, item) in items.iter_mut().enumerate() {
                use std::fmt::Write as _;
                let _ = write!(path, "[{index}]");
                walk(item, path, lookup, out);
                path.truncate(len);
            }
        }
        Value::Mapping(map) => {
            let len = path.len();
            for (key, item) in map.iter_mut() {
                let child = child_path(path, &super::positions::key_text(key));
                path.clear();
                path.push_str(&child);
                walk(item, path, lookup, out);
                path.truncate(len);
            }
        }
        Value::Tagged(tagged) => walk(&mut tagged.value, path, lookup, out),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A string with its references replaced.
#[derive(Debug, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    /// The values looked up (not defaults), in order of appearance.
    pub from_environment: Vec<String>,
}

/// Why a string could not be resolved.
#[derive(Debug, PartialEq, Eq)]
pub enum ReferenceProblem {
    Missing { name: String },
    Unterminated { reference: String },
    InvalidName { reference: String },
}

impl ReferenceProblem {
    pub fn into_diagnostic(self, path: &str) -> Diagnostic {
        match self {
            ReferenceProblem::Missing { name } => Diagnostic::new(
                path,
                format!("environment variable `{name}` used by `{path}` is not set"),
            )
            .hint(format!(
                "set `{name}` in the environment or in `.env` beside the manifest, or give a default: `${{{name}:-value}}`"
            )),
            ReferenceProblem::Unterminated { reference } => Diagnostic::new(
                path,
                format!("`{path}` has an unterminated reference `{reference}`"),
            )
            .hint("close it with `}`, or write `$${` for a literal `${`"),
            ReferenceProblem::InvalidName { reference } => Diagnostic::new(
                path,
                format!("`{path}` has an invalid reference `{reference}`"),
            )
            .hint("names are letters, digits and `_`, not starting with a digit; write `$${` for a literal `${` (e.g. `$${1}` in a relabel replacement)"),
        }
    }
}

/// Resolves the references of one string.
pub fn resolve_str(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, ReferenceProblem> {
    let mut out = String::with_capacity(text.len());
    let mut from_environment = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("$${") {
            out.push_str("${");
            rest = &tail[3..];
        } else if let Some(body_start) = tail.strip_prefix("${") {
            let Some(end) = body_start.find('}') else {
                return Err(ReferenceProblem::Unterminated {
                    reference: tail.to_string(),
                });
            };
            let body = &body_start[..end];
            let (name, default) = match body.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (body, None),
            };
            if !is_variable_name(name) {
                return Err(ReferenceProblem::InvalidName {
                    reference: format!("${{{body}}}"),
                });
            }
            // Like the shell and Compose: `:-` also replaces an empty value.
            let found = lookup(name).filter(|v| !(v.is_empty() && default.is_some()));
            match (found, default) {
                (Some(value), _) => {
                    out.push_str(&value);
                    from_environment.push(value);
                }
                (None, Some(default)) => out.push_str(default),
                (None, None) => {
                    return Err(ReferenceProblem::Missing {
                        name: name.to_string(),
                    })
                }
            }
            rest = &body_start[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(Resolved {
        text: out,
        from_environment,
    })
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses `.env` text with dotenvy's parser, without touching the process environment.
pub fn parse_dotenv(text: &str) -> Result<Vec<(String, String)>, dotenvy::Error> {
    dotenvy::from_read_iter(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "TOKEN" => Some("s3cr3t-token".to_string()),
            "EMPTY" => Some(String::new()),
            "PORT" => Some("3000".to_string()),
            _ => None,
        }
    }

    #[test]
    fn resolves_references_and_leaves_other_dollars_alone() {
        let cases = [
            ("${TOKEN}", "s3cr3t-token"),
            ("Bearer ${TOKEN}!", "Bearer s3cr3t-token!"),
            ("${MISSING:-fallback}", "fallback"),
            ("${MISSING:-}", ""),
            ("${PORT:-9}", "3000"),
            ("${EMPTY:-x}", "x"),
            ("${EMPTY}", ""),
            ("$${TOKEN}", "${TOKEN}"),
            ("$$${TOKEN}", "$${TOKEN}"),
            (
                "{{ $labels.instance }} is {{ $value }}",
                "{{ $labels.instance }} is {{ $value }}",
            ),
            ("$1:9100", "$1:9100"),
            ("costs $5", "costs $5"),
            ("trailing $", "trailing $"),
            ("no references", "no references"),
        ];
        for (input, want) in cases {
            let got = resolve_str(input, &lookup).map(|r| r.text);
            assert_eq!(got.as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn rejects_missing_unterminated_and_invalid_references() {
        let cases = [
            (
                "${NOPE}",
                ReferenceProblem::Missing {
                    name: "NOPE".into(),
                },
            ),
            (
                "x ${TOKEN",
                ReferenceProblem::Unterminated {
                    reference: "${TOKEN".into(),
                },
            ),
            (
                "${1}:9100",
                ReferenceProblem::InvalidName {
                    reference: "${1}".into(),
                },
            ),
            (
                "${}",
                ReferenceProblem::InvalidName {
                    reference: "${}".into(),
                },
            ),
            (
                "${A B}",
                ReferenceProblem::InvalidName {
                    reference: "${A B}".into(),
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(resolve_str(input, &lookup), Err(want), "{input}");
        }
    }

    #[test]
    fn records_only_values_from_the_environment_as_secrets() {
        let mut value: Value = serde_yaml::from_str(
            "a: ${TOKEN}\nb: ['${MISSING:-default}', '${TOKEN}']\nc: {d: '${EMPTY}'}\n",
        )
        .unwrap();
        let resolution = resolve_value(&mut value, &lookup);
        assert!(resolution.problems.is_empty());
        assert_eq!(resolution.secret_values, vec!["s3cr3t-token".to_string()]);
        assert_eq!(value["b"][0], Value::String("default".into()));
    }

    #[test]
    fn names_the_variable_and_the_key_path_of_a_missing_reference() {
        let mut value: Value =
            serde_yaml::from_str("scrape:\n  - job: api\n    bearer_token: ${API_TOKEN}\n")
                .unwrap();
        let resolution = resolve_value(&mut value, &lookup);
        assert_eq!(resolution.problems.len(), 1);
        let problem = &resolution.problems[0];
        assert_eq!(problem.path, "scrape[0].bearer_token");
        assert!(
            problem.message.contains("`API_TOKEN`"),
            "{}",
            problem.message
        );
        assert!(problem.hint.as_deref().unwrap_or("").contains(".env"));
    }

    #[test]
    fn parses_dotenv_without_setting_the_process_environment() {
        let pairs = parse_dotenv("# comment\nSTACKCTL_TEST_ONLY=abc\nQUOTED=\"x y\"\n").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("STACKCTL_TEST_ONLY".to_string(), "abc".to_string()),
                ("QUOTED".to_string(), "x y".to_string())
            ]
        );
        assert!(std::env::var("STACKCTL_TEST_ONLY").is_err());
    }
}
