//! Alertmanager matcher strings (`severity="critical"`, `instance=~"web-\\d+"`).
//!
//! Values are always double-quoted and escaped so that both parsers read them the same way:
//! the classic parser of 0.25/0.26 (which knows only `\\`, `\"` and `\n`) and the UTF-8 parser
//! of 0.27+ (Go string unquoting). Label names that are not classic identifiers can only be
//! written, quoted, for the UTF-8 parser.

use std::collections::BTreeMap;

use crate::version::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Equal,
    Regex,
}

impl Operator {
    fn token(self) -> &'static str {
        match self {
            Operator::Equal => "=",
            Operator::Regex => "=~",
        }
    }
}

/// A label name the pinned release cannot express in a matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLabelName(pub String);

/// The matchers of one route or inhibition side: equality first, then regex, each by label name.
pub fn matchers(
    equal: &BTreeMap<String, String>,
    regex: &BTreeMap<String, String>,
    version: &Version,
) -> Result<Vec<String>, BadLabelName> {
    let equal = equal
        .iter()
        .map(|(name, value)| (name, value, Operator::Equal));
    let regex = regex
        .iter()
        .map(|(name, value)| (name, value, Operator::Regex));
    equal
        .chain(regex)
        .map(|(name, value, op)| matcher(name, op, value, version))
        .collect()
}

/// One matcher: `name="value"` / `name=~"regex"`.
pub fn matcher(
    name: &str,
    op: Operator,
    value: &str,
    version: &Version,
) -> Result<String, BadLabelName> {
    let name = if is_classic_label_name(name) {
        name.to_string()
    } else if crate::catalog::gates::ALERTMANAGER_UTF8_LABEL_NAMES.holds(version)
        && !name.is_empty()
    {
        quote(name)
    } else {
        return Err(BadLabelName(name.to_string()));
    };
    Ok(format!("{name}{}{}", op.token(), quote(value)))
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`: the names every Alertmanager and Prometheus release accepts.
pub(crate) fn is_classic_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `"…"` with `\`, `"` and newline escaped; every other character stays as it is.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const V025: Version = Version::new(0, 25, 0);
    const V034: Version = Version::new(0, 34, 0);

    #[test]
    fn values_are_quoted_and_escaped() {
        for (value, expected) in [
            ("critical", r#"severity="critical""#),
            (r#"say "hi""#, r#"severity="say \"hi\"""#),
            (r"back\slash", r#"severity="back\\slash""#),
            ("two\nlines", r#"severity="two\nlines""#),
            ("a,b {c}", r#"severity="a,b {c}""#),
            ("ünï ✓", r#"severity="ünï ✓""#),
            ("", r#"severity="""#),
        ] {
            assert_eq!(
                matcher("severity", Operator::Equal, value, &V025).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn regex_matchers_use_the_regex_operator() {
        assert_eq!(
            matcher("instance", Operator::Regex, r"web-\d+", &V034).unwrap(),
            r#"instance=~"web-\\d+""#
        );
    }

    #[test]
    fn utf8_label_names_need_0_27() {
        assert_eq!(
            matcher("team.name", Operator::Equal, "x", &V025),
            Err(BadLabelName("team.name".into()))
        );
        assert_eq!(
            matcher("team.name", Operator::Equal, "x", &V034).unwrap(),
            r#""team.name"="x""#
        );
        assert!(matcher("", Operator::Equal, "x", &V034).is_err());
    }

    #[test]
    fn equality_matchers_come_before_regex_matchers() {
        let equal = BTreeMap::from([("severity".to_string(), "page".to_string())]);
        let regex = BTreeMap::from([("job".to_string(), "api|web".to_string())]);
        assert_eq!(
            matchers(&equal, &regex, &V034).unwrap(),
            vec![
                r#"severity="page""#.to_string(),
                r#"job=~"api|web""#.to_string()
            ]
        );
    }
}
