//! Problems found in a manifest, with the place they were found and a hint to fix them.
//!
//! Display follows cargo: `error: …`, `--> file:line:col`, the source line with a caret, `= hint: …`.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
}

/// What kind of problem a [`Diagnostic`] is, where code must tell one from another (the text is
/// for people).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DiagnosticKind {
    #[default]
    Problem,
    /// A required key is missing (`Diagnostic::path` is the key it should be at).
    MissingKey,
}

/// One problem, addressed by key path (`scrape[2].timeout`); the loader adds the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: DiagnosticKind::Problem,
            path: path.into(),
            message: message.into(),
            hint: None,
            location: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Every problem of one manifest; `Display` prints them all, sorted by line, then a count.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ManifestError {
    pub file: PathBuf,
    pub source_text: String,
    pub problems: Vec<Diagnostic>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut problems = self.problems.clone();
        problems.sort_by(|a, b| (a.location, &a.path).cmp(&(b.location, &b.path)));
        let lines: Vec<&str> = self.source_text.lines().collect();
        let width = problems
            .iter()
            .filter_map(|p| p.location)
            .map(|loc| loc.line.to_string().len())
            .max()
            .unwrap_or(1)
            .max(2);
        for problem in &problems {
            writeln!(f, "error: {}", problem.message)?;
            match problem.location {
                Some(loc) => {
                    writeln!(
                        f,
                        "  --> {}:{}:{}",
                        self.file.display(),
                        loc.line,
                        loc.column
                    )?;
                    if let Some(text) = lines.get(loc.line.saturating_sub(1)) {
                        let (text, column) = snippet(&text.replace('\t', " "), loc.column);
                        writeln!(f, "{:width$} |", "")?;
                        writeln!(f, "{:>width$} | {}", loc.line, text)?;
                        writeln!(
                            f,
                            "{:width$} | {}{}",
                            "",
                            " ".repeat(column.saturating_sub(1)),
                            "^".repeat(caret_length(&text, column))
                        )?;
                    }
                }
                None if problem.path.is_empty() => {}
                None => writeln!(f, "  --> {}: `{}`", self.file.display(), problem.path)?,
            }
            if let Some(hint) = &problem.hint {
                writeln!(f, "{:width$} = hint: {hint}", "")?;
            }
            writeln!(f)?;
        }
        let n = problems.len();
        write!(
            f,
            "error: {} has {} problem{}",
            self.file.display(),
            n,
            if n == 1 { "" } else { "s" }
        )
    }
}

/// A line longer than `LONG_LINE` characters is cut to `SNIPPET_WIDTH` around `column`,
/// marked with `…` where cut; the column is moved to match. A 200 KB line is never echoed whole.
const LONG_LINE: usize = 200;
const SNIPPET_WIDTH: usize = 120;

fn snippet(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= LONG_LINE {
        return (line.to_string(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SNIPPET_WIDTH / 3);
    let end = (start + SNIPPET_WIDTH).min(chars.len());
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push('…');
    }
    (text, column - start + usize::from(start > 0))
}

/// Underline the token that starts at `column`: a quoted string, a key, or a plain scalar
/// (ending at a comment, or at `,`/`}`/`]` inside a flow collection).
fn caret_length(line: &str, column: usize) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let in_flow = {
        let before: String = chars[..start].iter().collect();
        before.matches(['{', '[']).count() > before.matches(['}', ']']).count()
    };
    let rest = &chars[start..];
    let length = match rest.first() {
        Some(quote @ ('"' | '\'')) => rest[1..]
            .iter()
            .position(|c| c == quote)
            .map_or(rest.len(), |end| end + 2),
        Some('{' | '[') => rest.len(),
        _ => {
            let mut end = rest.len();
            for (i, c) in rest.iter().enumerate() {
                let next = rest.get(i + 1).copied();
                let key_end = *c == ':' && matches!(next, None | Some(' '));
                let comment = *c == ' ' && next == Some('#');
                let flow_end = in_flow && matches!(c, ',' | '}' | ']');
                if key_end || comment || flow_end {
                    end = i;
                    break;
                }
            }
            rest[..end]
                .iter()
                .collect::<String>()
                .trim_end()
                .chars()
                .count()
        }
    };
    length.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlines_the_token_at_the_column() {
        let cases = [
            ("    timeout: 30s", 14, 3),
            ("    timeout: 30s # why", 14, 3),
            ("  prometeus: {}", 3, 9),
            ("  loki: {port: 3000, retention: 1h}", 16, 4),
            ("  loki: {port: 3000, retention: 1h}", 33, 2),
            ("bind: localhost:80", 7, 12),
            ("    password: \"${X}\"  # quoted", 15, 6),
            ("    targets: [api, 'b:1']", 20, 5),
            ("", 1, 1),
        ];
        for (line, column, want) in cases {
            assert_eq!(caret_length(line, column), want, "{line:?} at {column}");
        }
    }

    #[test]
    fn cuts_long_lines_around_the_column() {
        let long = format!("key: [{}, oops]", "a, ".repeat(70_000));
        let (text, column) = snippet(&long, long.len() - 4);
        assert!(text.chars().count() <= SNIPPET_WIDTH + 2, "{}", text.len());
        assert!(text.starts_with('…') && text.ends_with("oops]"), "{text}");
        assert_eq!(text.chars().nth(column - 1), Some('o'));
        assert_eq!(snippet("short: x", 8), ("short: x".to_string(), 8));
        let head = format!("{}{}", "b".repeat(10), "c".repeat(500));
        let (medium, _) = snippet(&"d".repeat(LONG_LINE), 3);
        assert_eq!(medium.len(), LONG_LINE);
        let (text, column) = snippet(&head, 3);
        assert_eq!((text.chars().count(), column), (SNIPPET_WIDTH + 1, 3));
    }

    #[test]
    fn prints_problems_sorted_by_line_with_source_and_hint() {
        let error = ManifestError {
            file: PathBuf::from("stackctl.yaml"),
            source_text: "version: 1\nproject: Shop\nbind: x\n".to_string(),
            problems: vec![
                Diagnostic {
                    location: Some(Location { line: 3, column: 7 }),
                    ..Diagnostic::new("bind", "`bind` must be an IP address, found `x`")
                        .hint("use `127.0.0.1`")
                },
                Diagnostic {
                    location: Some(Location {
                        line: 2,
                        column: 10,
                    }),
                    ..Diagnostic::new("project", "project name `Shop` is not valid")
                },
            ],
        };
        let want = "\
error: project name `Shop` is not valid
  --> stackctl.yaml:2:10
   |
 2 | project: Shop
   |          ^^^^

error: `bind` must be an IP address, found `x`
  --> stackctl.yaml:3:7
   |
 3 | bind: x
   |       ^
   = hint: use `127.0.0.1`

error: stackctl.yaml has 2 problems";
        assert_eq!(error.to_string(), want);
    }
}
