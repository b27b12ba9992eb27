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

/// One problem, addressed by key path (`scrape[2].timeout`); the loader adds the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), hint: None, location: None }
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
        for problem in &problems {
            writeln!(f, "error: {}", problem.message)?;
            match problem.location {
                Some(loc) => {
                    writeln!(f, "  --> {}:{}:{}", self.file.display(), loc.line, loc.column)?;
                    if let Some(text) = lines.get(loc.line.saturating_sub(1)) {
                        let width = loc.line.to_string().len();
                        writeln!(f, "{:width$} |", "")?;
                        writeln!(f, "{} | {}", loc.line, text)?;
                        let caret_len = caret_length(text, loc.column);
                        writeln!(
                            f,
                            "{:width$} | {}{}",
                            "",
                            " ".repeat(loc.column.saturating_sub(1)),
                            "^".repeat(caret_len)
                        )?;
                    }
                }
                None => writeln!(f, "  --> {}: `{}`", self.file.display(), problem.path)?,
            }
            if let Some(hint) = &problem.hint {
                writeln!(f, "  = hint: {hint}")?;
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

/// Underline the token that starts at `column`: up to the end of the scalar on that line.
fn caret_length(line: &str, column: usize) -> usize {
    let rest: String = line.chars().skip(column.saturating_sub(1)).collect();
    let token = rest.split(" #").next().unwrap_or("").trim_end();
    let token = token.trim_end_matches([',', '}', ']']);
    token.chars().count().max(1)
}
