//! serde-saphyr's errors as manifest problems: what is wrong in the manifest's words, where
//! (the parser's own location, else the key path's), and how to fix it.
//!
//! serde-saphyr reports structured errors (`SerdeInvalidType { unexpected, expected }`,
//! `DuplicateMappingKey { key }`, `Budget { breach }` …); each kind is worded here from its
//! fields. Nothing parses message text.

use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Error, MessageFormatter};

use super::diagnostic::{Diagnostic, DiagnosticKind, Location};
use super::spans::Positions;
use super::typed::{location, MAX_DEPTH};

/// The problem, and whether parsing can go on past it (a type error at one key).
pub fn describe(
    error: &Error,
    path: &str,
    positions: &Positions,
    source: &str,
) -> (Diagnostic, bool) {
    let error = error.without_snippet();
    let subject = if path.is_empty() {
        "the manifest".to_string()
    } else {
        format!("`{path}`")
    };
    let leaf = path
        .rsplit(['.', '['])
        .next()
        .unwrap_or(path)
        .trim_end_matches(']');
    let (diagnostic, recoverable) = match error {
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (wrong_type(path, &subject, unexpected, expected), true),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            Diagnostic::new(
                path,
                format!("{subject} cannot be {}", found_name(unexpected)),
            )
            .hint(format!("write {}", expected_name(expected))),
            true,
        ),
        Error::SerdeInvalidLength { len, expected, .. } => (
            Diagnostic::new(path, format!("{subject} has {len} items"))
                .hint(format!("write {expected}")),
            true,
        ),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            Diagnostic::new(path, format!("{subject} cannot be `{variant}`")).hint(format!(
                "use {}",
                expected
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
            true,
        ),
        Error::SerdeMissingField { field, .. } => {
            let key = if path.is_empty() {
                field.to_string()
            } else {
                format!("{path}.{field}")
            };
            let mut d = Diagnostic::new(
                key.clone(),
                format!("{subject} is missing the required key `{field}`"),
            )
            .hint(format!("add `{field}: ...` here"));
            d.kind = DiagnosticKind::MissingKey;
            d.location = positions.at(path).or_else(|| positions.find_key(path));
            return (d, true);
        }
        Error::NullIntoString { .. } => (
            Diagnostic::new(path, format!("{subject} is empty"))
                .hint(format!("give `{leaf}` a value, or leave the key out")),
            true,
        ),
        Error::InvalidScalar { ty, .. } => (
            Diagnostic::new(path, format!("{subject} must be {}", expected_name(ty)))
                .hint(format!("write {} here", expected_name(ty))),
            true,
        ),
        Error::InvalidBooleanStrict { .. } => (
            Diagnostic::new(path, format!("{subject} must be `true` or `false`"))
                .hint("write `true` or `false` without quotes"),
            true,
        ),
        Error::Message { msg, .. } => {
            let d = Diagnostic::new(path, format!("{subject}: {msg}"));
            let d = if path.ends_with(".port") {
                d.hint("use a host port 1-65535, or `null` to not publish it")
            } else {
                d
            };
            (d, true)
        }
        Error::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().unwrap_or("?");
            let parent = if path.is_empty() {
                "the top level".to_string()
            } else {
                format!("`{path}`")
            };
            let full = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
            (
                Diagnostic::new(full, format!("key `{key}` appears twice in {parent}"))
                    .hint("YAML keeps only one of them; merge the two into one entry"),
                false,
            )
        }
        Error::MultipleDocuments { .. } | Error::Budget { breach: BudgetBreach::Documents { .. }, .. } => (
            Diagnostic::new("", "the manifest holds more than one YAML document")
                .hint("keep one document: remove this `---` and what follows, or merge it into the first"),
            false,
        ),
        Error::Budget { breach, .. } => (budget(breach), false),
        Error::UnsupportedTag { tag, .. } => (
            Diagnostic::new(path, format!("{subject} carries the YAML tag `{tag}`"))
                .hint("stackctl reads plain YAML values only: remove the tag"),
            false,
        ),
        Error::MergeValueNotMapOrSeqOfMaps { .. } | Error::MergeKeyNotAllowed { .. } => (
            Diagnostic::new(path, "invalid YAML merge key `<<`")
                .hint("`<<` takes an alias of a mapping (`<<: *defaults`) or a list of them"),
            false,
        ),
        Error::UnknownAnchor { .. } => (
            Diagnostic::new(path, "alias of an anchor that is not defined before it")
                .hint("define `&name` on a value above this `*name`"),
            false,
        ),
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => (
            Diagnostic::new(path, "YAML aliases expand to too much data")
                .hint("the manifest repeats anchors (`*name`) too often or too deeply; write the values out"),
            false,
        ),
        Error::InvalidUtf8Input => (
            Diagnostic::new("", "the manifest is not UTF-8 text"),
            false,
        ),
        other => (syntax(other, source), false),
    };
    let mut diagnostic = diagnostic;
    let empty_at_key = matches!(error, Error::NullIntoString { .. })
        .then(|| positions.key(path))
        .flatten();
    diagnostic.location = empty_at_key
        .or_else(|| error.location().and_then(|at| location(&at)))
        .or_else(|| positions.find(path))
        .or_else(|| path.is_empty().then_some(Location { line: 1, column: 1 }));
    (diagnostic, recoverable)
}

/// A syntax error: the parser's words, with a hint from what the line holds.
fn syntax(error: &Error, source: &str) -> Diagnostic {
    let message = serde_saphyr::DefaultMessageFormatter.format_message(error);
    let message: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line_text = error
        .location()
        .and_then(|at| location(&at))
        .and_then(|at| source.lines().nth(at.line.saturating_sub(1)))
        .unwrap_or("");
    let hint = if source
        .lines()
        .any(|l| l.trim_start_matches(' ').starts_with('\t'))
    {
        "YAML indentation must use spaces, not tabs"
    } else if line_text.contains("${") && (line_text.contains('{') || line_text.contains('[')) {
        "inside `{...}` or `[...]` a `${NAME}` reference must be quoted: `\"${NAME}\"`"
    } else {
        "check the indentation and the quoting near this line"
    };
    Diagnostic::new("", format!("invalid YAML: {message}")).hint(hint)
}

fn budget(breach: &BudgetBreach) -> Diagnostic {
    match breach {
        BudgetBreach::Depth { .. } => Diagnostic::new(
            "",
            format!("the manifest nests mappings and lists more than {MAX_DEPTH} levels deep"),
        )
        .hint("a stackctl manifest is a few levels deep; check for a runaway `[` or `{`"),
        other => Diagnostic::new("", format!("the manifest is too large to read ({other:?})"))
            .hint("a stackctl manifest is a few hundred lines; split generated content into rule or dashboard files"),
    }
}

/// "`scrape` must be a list, found a mapping", with a hint for the usual slip.
fn wrong_type(path: &str, subject: &str, found: &str, expected: &str) -> Diagnostic {
    let expected_name = expected_name(expected);
    let d = Diagnostic::new(
        path,
        format!(
            "{subject} must be {expected_name}, found {}",
            found_name(found)
        ),
    );
    if expected.contains("string") && !found.starts_with("map") && !found.starts_with("sequence") {
        d.hint("quote the value to keep it as text")
    } else if expected_name == "a list" {
        d.hint("write one item per line, each starting with `- `, or `[a, b]` on one line")
    } else if expected_name == "a mapping" {
        d.hint("write `key: value` pairs indented below it, or `{}` for all defaults")
    } else if found.starts_with("string") {
        d.hint(format!("write {expected_name} without quotes"))
    } else {
        d.hint(format!("write {expected_name} here"))
    }
}

/// serde's `expected` wording in the manifest's terms.
fn expected_name(expected: &str) -> String {
    if expected.starts_with("struct ") || expected == "a map" || expected == "map" {
        return "a mapping".to_string();
    }
    match expected {
        "a sequence" | "sequence" => "a list".to_string(),
        "a boolean" | "bool" => "`true` or `false`".to_string(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number".to_string(),
        "f32" | "f64" | "a number" => "a number".to_string(),
        other => other.to_string(),
    }
}

/// serde's `unexpected` wording in the manifest's terms.
fn found_name(found: &str) -> String {
    match found {
        "map" => "a mapping".to_string(),
        "sequence" => "a list".to_string(),
        "unit value" | "null" => "nothing (null)".to_string(),
        other => match other.split_once(' ') {
            Some(("string", text)) => format!("the string {text}"),
            Some((kind, text)) => format!("the {kind} {text}"),
            None => other.to_string(),
        },
    }
}
