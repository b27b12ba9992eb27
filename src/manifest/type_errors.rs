//! serde's type errors in the manifest's words: `\`scrape\` must be a list, found a mapping`.
//!
//! Pure text rewriting of serde/serde_yaml messages; the caller supplies the key path.

use super::diagnostic::Diagnostic;
use super::keys::{path_string, Segment};
use super::positions::Positions;

/// serde_yaml's message without its own `path: ` prefix and ` at line N column M` suffix.
pub fn bare_message(message: &str) -> String {
    let mut message = message;
    if let Some((prefix, rest)) = message.split_once(": ") {
        let is_path = !prefix.is_empty()
            && prefix
                .chars()
                .all(|c| c.is_alphanumeric() || "._-[]".contains(c));
        if is_path {
            message = rest;
        }
    }
    match message.find(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message.to_string(),
    }
}

pub fn type_error(path: &[Segment], message: &str, positions: &Positions) -> Diagnostic {
    let at = path_string(path);
    let subject = if at.is_empty() {
        "the manifest".to_string()
    } else {
        format!("`{at}`")
    };
    if let Some(field) = between(message, "missing field `", "`") {
        return missing_key(&at, &subject, field, positions);
    }
    let mut diagnostic = if let Some(rest) = message.strip_prefix("invalid type: ") {
        wrong_type(&at, &subject, rest)
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let d = Diagnostic::new(&at, format!("{subject} cannot be {value}"));
        match expected {
            "" => d,
            expected => d.hint(format!("use {expected}")),
        }
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        Diagnostic::new(&at, format!("{subject} has an invalid value: {rest}"))
    } else if at.ends_with(".port") {
        Diagnostic::new(&at, format!("{subject}: {message}"))
            .hint("use a host port 1-65535, or `null` to not publish it")
    } else {
        Diagnostic::new(&at, format!("{subject}: {message}"))
    };
    diagnostic.location = positions.find(&at);
    diagnostic
}

/// A required key that is absent, or written but left empty (`project:`), at the key.
fn missing_key(at: &str, subject: &str, field: &str, positions: &Positions) -> Diagnostic {
    let key = if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    };
    let mut d = if positions.has(&key) {
        Diagnostic::new(&key, format!("`{key}` is empty")).hint(format!("give `{field}` a value"))
    } else {
        Diagnostic::new(
            &key,
            format!("{subject} is missing the required key `{field}`"),
        )
        .hint(format!("add `{field}: ...` here"))
    };
    d.location = positions.find_key(&key);
    d
}

/// `invalid type: map, expected a sequence` → "must be a list, found a mapping", with a hint.
fn wrong_type(at: &str, subject: &str, rest: &str) -> Diagnostic {
    let (found, expected) = rest
        .split_once(", expected ")
        .unwrap_or((rest, "another type"));
    let expected_name = expected_name(expected);
    let d = Diagnostic::new(
        at,
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

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// serde's `expected` wording in the manifest's terms.
fn expected_name(expected: &str) -> String {
    if expected.starts_with("struct ") || expected == "a map" {
        return "a mapping".to_string();
    }
    match expected {
        "a sequence" => "a list".to_string(),
        "a boolean" => "`true` or `false`".to_string(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number".to_string(),
        "f32" | "f64" => "a number".to_string(),
        other => other.to_string(),
    }
}

/// serde's `found` wording in the manifest's terms.
fn found_name(found: &str) -> String {
    match found {
        "map" => "a mapping".to_string(),
        "sequence" => "a list".to_string(),
        "unit value" => "nothing (null)".to_string(),
        other => match other.split_once(' ') {
            Some(("string", text)) => format!("the string {text}"),
            Some((kind, text)) => format!("the {kind} {text}"),
            None => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_serde_yamls_path_and_position() {
        let cases = [
            (
                "scrape: invalid type: map, expected a sequence at line 3 column 9",
                "invalid type: map, expected a sequence",
            ),
            (
                "components.grafana: port 70000 is outside 1-65535",
                "port 70000 is outside 1-65535",
            ),
            (
                "invalid type: string \"x\", expected u32",
                "invalid type: string \"x\", expected u32",
            ),
            ("missing field `job`", "missing field `job`"),
        ];
        for (raw, want) in cases {
            assert_eq!(bare_message(raw), want, "{raw}");
        }
    }

    #[test]
    fn words_type_errors_for_operators() {
        let positions = Positions::default();
        let key = |k: &str| vec![Segment::Key(k.to_string())];
        let cases = [
            (
                key("scrape"),
                "invalid type: map, expected a sequence",
                "`scrape` must be a list, found a mapping",
            ),
            (
                key("version"),
                "invalid type: string \"1\", expected u32",
                "`version` must be a whole number, found the string \"1\"",
            ),
            (
                key("honor"),
                "invalid type: string \"yes\", expected a boolean",
                "`honor` must be `true` or `false`, found the string \"yes\"",
            ),
            (
                key("storage"),
                "unknown variant `x`, expected `memory` or `badger`",
                "`storage` cannot be `x`",
            ),
            (
                vec![],
                "missing field `project`",
                "the manifest is missing the required key `project`",
            ),
        ];
        for (path, message, want) in cases {
            let diagnostic = type_error(&path, message, &positions);
            assert_eq!(diagnostic.message, want, "{message}");
            assert!(diagnostic.hint.is_some(), "{message} has no hint");
        }
    }
}
