//! `${NAME}` references in manifest values, and the `.env` file beside the manifest.
//!
//! Pure: the caller supplies the lookup (process environment, then `.env`).
//!
//! A reference is resolved only where the model takes a secret (see `typed`): anywhere else
//! it is refused, so a value from the environment can only ever reach a secret file. `$${` is
//! a literal `${` everywhere; any other `$` (`{{ $labels.x }}`, `$1`) passes through unchanged.

use super::diagnostic::Diagnostic;

/// A string with its references replaced.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub text: String,
    /// The values looked up (not defaults), in order of appearance.
    pub from_environment: Vec<String>,
}

/// Why a string could not be resolved.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReferenceProblem {
    Missing {
        name: String,
    },
    Unterminated {
        reference: String,
    },
    InvalidName {
        reference: String,
    },
    /// A reference in a key that does not take a secret.
    NotSecret {
        reference: String,
    },
}

impl ReferenceProblem {
    pub(crate) fn into_diagnostic(self, path: &str) -> Diagnostic {
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
            ReferenceProblem::NotSecret { reference } => Diagnostic::new(
                path,
                format!("`{path}` cannot take a value from the environment (`{reference}`)"),
            )
            .hint("`${NAME}` is allowed only in secret keys (passwords, tokens, webhook URLs), which stackctl writes to 0600 files; write the value here, or `$${` for a literal `${`"),
        }
    }
}

/// Answers a variable's value (process environment, then `.env`).
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Resolves the references of one string. `lookup` is `None` where references are not
/// allowed (a key that does not take a secret): any reference is then refused.
pub(crate) fn resolve_str(
    text: &str,
    lookup: Option<Lookup>,
) -> Result<Resolved, ReferenceProblem> {
    let mut out = String::with_capacity(text.len());
    let mut from_environment = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(body_start) = tail.strip_prefix("${") {
            let Some(end) = body_start.find('}') else {
                return Err(ReferenceProblem::Unterminated {
                    reference: shorten(tail),
                });
            };
            let body = &body_start[..end];
            let (name, default) = match body.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (body, None),
            };
            if !is_variable_name(name) {
                return Err(ReferenceProblem::InvalidName {
                    reference: shorten(&format!("${{{body}}}")),
                });
            }
            let Some(lookup) = lookup else {
                return Err(ReferenceProblem::NotSecret {
                    reference: format!("${{{name}}}"),
                });
            };
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

/// At most 40 characters of a reference, for a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What is wrong with a `.env` line: its number and the problem, never its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DotenvError {
    pub line: usize,
    pub problem: String,
}

/// Parses `.env` text, without touching the process environment.
///
/// - `NAME=value` per line (an `export ` before it is allowed); blank lines and lines starting
///   with `#` are skipped; a UTF-8 byte order mark is skipped.
/// - Unquoted and single-quoted values are taken literally: no `$` expansion, no escapes.
///   Unquoted values are trimmed and end at ` #`.
/// - Double-quoted values may span lines, know the escapes `\n \t \" \\ \$`, and expand
///   `${NAME}` and `${NAME:-default}` (defaults may nest: `${A:-${B}}`) from the lines above
///   and then `outer` (the process environment).
/// - A name given twice: the last value wins.
pub(crate) fn parse_dotenv_with(
    text: &str,
    outer: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, DotenvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut index = 0;
    while index < lines.len() {
        let number = index + 1;
        let line = lines[index].trim_end_matches('\r');
        index += 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fail = |problem: &str| DotenvError {
            line: number,
            problem: problem.to_string(),
        };
        let body = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some((name, value)) = body.split_once('=') else {
            return Err(fail("expected `NAME=value`"));
        };
        let name = name.trim();
        if !is_variable_name(name) {
            return Err(fail(
                "the name must be letters, digits and `_`, not starting with a digit",
            ));
        }
        let value = value.trim_start();
        let parsed = match value.chars().next() {
            Some(quote @ ('\'' | '"')) => {
                // The closing quote may be on a later line.
                let mut raw = value[1..].to_string();
                let close = loop {
                    if let Some(end) = closing_quote(&raw, quote) {
                        break end;
                    }
                    match lines.get(index) {
                        Some(next) => {
                            raw.push('\n');
                            raw.push_str(next.trim_end_matches('\r'));
                            index += 1;
                        }
                        None => return Err(fail("the quote that starts the value is not closed")),
                    }
                };
                let after = raw[close + 1..].trim();
                if !(after.is_empty() || after.starts_with('#')) {
                    return Err(fail("text after the closing quote; quote the whole value"));
                }
                let inner = &raw[..close];
                if quote == '\'' {
                    inner.to_string()
                } else {
                    let known = |wanted: &str| {
                        pairs
                            .iter()
                            .rev()
                            .find(|(n, _)| n == wanted)
                            .map(|(_, v)| v.clone())
                            .or_else(|| outer(wanted))
                    };
                    expand(inner, &known).map_err(|problem| fail(&problem))?
                }
            }
            _ => {
                let end = value.find(" #").unwrap_or(value.len());
                value[..end].trim().to_string()
            }
        };
        pairs.retain(|(n, _)| n != name);
        pairs.push((name.to_string(), parsed));
    }
    Ok(pairs)
}

/// The byte index of the closing `quote` in `text` (a double quote may be escaped).
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return Some(at),
            _ => escaped = false,
        }
    }
    None
}

/// Escapes and `${...}` references of a double-quoted `.env` value.
fn expand(text: &str, known: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        match chars[at] {
            '\\' if at + 1 < chars.len() => {
                out.push(match chars[at + 1] {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
                at += 2;
            }
            '$' if chars.get(at + 1) == Some(&'{') => {
                let (value, next) = reference(&chars, at + 2, known, 0)?;
                out.push_str(&value);
                at = next;
            }
            c => {
                out.push(c);
                at += 1;
            }
        }
    }
    Ok(out)
}

/// The value of the reference whose name starts at `start` (after `${`), and where it ends.
fn reference(
    chars: &[char],
    start: usize,
    known: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Result<(String, usize), String> {
    if depth > 8 {
        return Err("references nest more than 8 deep".to_string());
    }
    let mut at = start;
    while at < chars.len() && (chars[at].is_ascii_alphanumeric() || chars[at] == '_') {
        at += 1;
    }
    let name: String = chars[start..at].iter().collect();
    if !is_variable_name(&name) {
        return Err("a `${` reference needs a variable name".to_string());
    }
    match (chars.get(at), chars.get(at + 1)) {
        (Some('}'), _) => match known(&name) {
            Some(value) => Ok((value, at + 1)),
            None => Err(format!(
                "`${{{name}}}` is not set above this line nor in the environment"
            )),
        },
        (Some(':'), Some('-')) => {
            let mut default = String::new();
            let mut i = at + 2;
            loop {
                match chars.get(i) {
                    None => return Err(format!("`${{{name}:-` is not closed with `}}`")),
                    Some('}') => break,
                    Some('$') if chars.get(i + 1) == Some(&'{') => {
                        let (value, next) = reference(chars, i + 2, known, depth + 1)?;
                        default.push_str(&value);
                        i = next;
                    }
                    Some(c) => {
                        default.push(*c);
                        i += 1;
                    }
                }
            }
            let value = known(&name).filter(|v| !v.is_empty()).unwrap_or(default);
            Ok((value, i + 1))
        }
        _ => Err(format!("`${{{name}` is not closed with `}}`")),
    }
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

    fn secret(text: &str) -> Result<String, ReferenceProblem> {
        resolve_str(text, Some(&lookup)).map(|r| r.text)
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
            assert_eq!(secret(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn refuses_every_reference_where_no_secret_is_taken() {
        let plain = |text: &str| resolve_str(text, None).map(|r| r.text);
        assert_eq!(plain("$${HOME}/x").as_deref(), Ok("${HOME}/x"));
        assert_eq!(
            plain("{{ $labels.job }}").as_deref(),
            Ok("{{ $labels.job }}")
        );
        for text in ["${T}", "a-${T}", "${T:-default}"] {
            assert_eq!(
                plain(text),
                Err(ReferenceProblem::NotSecret {
                    reference: "${T}".into()
                }),
                "{text}"
            );
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
            assert_eq!(secret(input), Err(want), "{input}");
        }
    }

    fn dotenv(text: &str) -> Result<Vec<(String, String)>, DotenvError> {
        parse_dotenv_with(text, &|name| {
            (name == "OUTER").then(|| "from-env".to_string())
        })
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn takes_unquoted_and_single_quoted_values_literally() {
        let text = "\u{feff}# comment\n\nGPW=abc$def-secret\nQ='x $y ${Z}'\nexport E=spaced value   # note\nCRLF=v\r\n";
        assert_eq!(
            dotenv(text),
            Ok(pairs(&[
                ("GPW", "abc$def-secret"),
                ("Q", "x $y ${Z}"),
                ("E", "spaced value"),
                ("CRLF", "v"),
            ]))
        );
        assert!(std::env::var("GPW").is_err());
    }

    #[test]
    fn expands_double_quoted_values_with_nested_defaults() {
        let text = "A=1\nB=\"${A}-${OUTER}\"\nC=\"${NOPE:-${A}}\"\nD=\"${NOPE:-${NADA:-deep}}\"\nE=\"line\\nnext \\\"q\\\" \\$x\"\nM=\"two\nlines\"\n";
        assert_eq!(
            dotenv(text),
            Ok(pairs(&[
                ("A", "1"),
                ("B", "1-from-env"),
                ("C", "1"),
                ("D", "deep"),
                ("E", "line\nnext \"q\" $x"),
                ("M", "two\nlines"),
            ]))
        );
    }

    #[test]
    fn the_last_of_two_values_wins() {
        assert_eq!(dotenv("A=1\nA=2\n"), Ok(pairs(&[("A", "2")])));
    }

    #[test]
    fn names_the_line_and_never_its_content() {
        let cases = [
            (
                "OK=1\ncorrect horse battery staple\n",
                2,
                "expected `NAME=value`",
            ),
            ("1A=x\n", 1, "the name must be"),
            ("A='open\n", 1, "not closed"),
            ("A=\"x\" tail-secret\n", 1, "text after the closing quote"),
            ("A=\"${MISSING}\"\n", 1, "`${MISSING}` is not set"),
            ("A=\"${B:-x\"\n", 1, "not closed"),
        ];
        for (text, line, words) in cases {
            let error = dotenv(text).expect_err(text);
            assert_eq!(error.line, line, "{text}");
            assert!(error.problem.contains(words), "{text}: {}", error.problem);
            assert!(!error.problem.contains("horse") && !error.problem.contains("tail-secret"));
        }
    }
}
