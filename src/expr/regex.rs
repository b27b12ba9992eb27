//! Regular expressions as Prometheus and Alertmanager compile them: RE2 syntax, fully anchored.
//!
//! Rust's `regex` crate implements the RE2 family (no look-around, no back-references), so a
//! pattern it refuses is one Go's `regexp` refuses too. Both programs anchor every pattern
//! (`^(?:…)$`; relabelling also sets `s`), so we compile exactly that.

use super::ExprError;

/// Where a pattern will be compiled, which decides how it is anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `match_re`, inhibit `*_match_re`, PromQL `=~`/`!~`: `^(?:…)$`.
    Matcher,
    /// Relabel `regex`: `^(?s:…)$`.
    Relabel,
}

/// Compiles `pattern` as the target program would.
pub fn check(pattern: &str, dialect: Dialect) -> Result<regex::Regex, ExprError> {
    let anchored = match dialect {
        Dialect::Matcher => format!("^(?:{pattern})$"),
        Dialect::Relabel => format!("^(?s:{pattern})$"),
    };
    regex::Regex::new(&anchored).map_err(|error| {
        ExprError::new(
            format!("`{pattern}` is not a valid regular expression: {}", describe(&error)),
            "write an RE2 pattern (no look-around or back-references); it is anchored at both ends, e.g. `api|web` or `5..`",
        )
    })
}

/// `text` as an RE2 pattern that matches exactly it: Go's `regexp.QuoteMeta`, the escaping
/// Prometheus and Alertmanager expect. (`regex::escape` also escapes `-`, `#`, `&` and `~`,
/// which RE2 accepts but which would change every rendered pattern that holds a `-`.)
pub(crate) fn quote_meta(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The one-line reason of a regex error, without the multi-line excerpt of the pattern.
fn describe(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => text
            .lines()
            .rev()
            .find(|line| line.starts_with("error:"))
            .map(|line| line.trim_start_matches("error:").trim().to_string())
            .unwrap_or_else(|| text.trim().to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_anchored_re2_patterns() {
        let cases = [
            ("api|web", Dialect::Matcher, true),
            ("5..", Dialect::Matcher, true),
            ("api(|", Dialect::Matcher, false),
            ("(?=x)", Dialect::Matcher, false),
            ("(a)\\1", Dialect::Relabel, false),
            ("(.*):\\d+", Dialect::Relabel, true),
        ];
        for (pattern, dialect, ok) in cases {
            assert_eq!(check(pattern, dialect).is_ok(), ok, "{pattern}");
        }
        assert!(!check("api", Dialect::Matcher).unwrap().is_match("api-2"));
        assert!(check("a.b", Dialect::Relabel).unwrap().is_match("a\nb"));
    }

    #[test]
    fn the_message_is_one_line() {
        let error = check("api(|", Dialect::Matcher).unwrap_err();
        assert_eq!(
            error.message,
            "`api(|` is not a valid regular expression: unclosed group"
        );
    }
}
