//! The finished alertmanager.yml document as lines for the template to lay out.
//!
//! Decides only the shape of the text (block style, indentation, which keys may stay unquoted);
//! every value still reaches the file through the template's `| yaml` filter.

use serde::Serialize;
use serde_json::Value;

/// One top-level key of the document and its lines.
#[derive(Debug, Serialize)]
pub(crate) struct Section {
    pub key: String,
    pub lines: Vec<Line>,
}

/// One line of block YAML: `<indent>[- ][key:][ value]`.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct Line {
    pub indent: usize,
    pub dash: bool,
    pub key: Option<String>,
    /// The key is a plain identifier that reads the same unquoted in YAML 1.1 and 1.2.
    pub plain_key: bool,
    pub has_value: bool,
    pub value: Value,
    /// The value is a string YAML can hold single-quoted as it is (printable, no line breaks),
    /// so the template writes `'…'` (doubling `'`) instead of the escaped `| yaml` form.
    pub single_quoted: bool,
}

/// Splits a document (a JSON object) into its top-level sections.
pub(crate) fn sections(document: &Value) -> Vec<Section> {
    let Value::Object(map) = document else {
        return Vec::new();
    };
    map.iter()
        .map(|(key, value)| {
            let mut lines = Vec::new();
            entry(key, value, 0, &mut lines);
            Section {
                key: key.clone(),
                lines,
            }
        })
        .collect()
}

fn entry(key: &str, value: &Value, indent: usize, out: &mut Vec<Line>) {
    if is_leaf(value) {
        out.push(line(indent, false, Some(key), Some(value)));
        return;
    }
    out.push(line(indent, false, Some(key), None));
    children(value, indent + 2, out);
}

fn children(value: &Value, indent: usize, out: &mut Vec<Line>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                entry(key, value, indent, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                list_item(item, indent, out);
            }
        }
        _ => out.push(line(indent, false, None, Some(value))),
    }
}

/// A list item; a mapping item starts on the dash line (`- receiver: x`), its other keys align.
fn list_item(item: &Value, indent: usize, out: &mut Vec<Line>) {
    if is_leaf(item) {
        out.push(line(indent, true, None, Some(item)));
        return;
    }
    if item.is_array() {
        out.push(line(indent, true, None, None));
        children(item, indent + 2, out);
        return;
    }
    let start = out.len();
    children(item, indent + 2, out);
    if let Some(first) = out.get_mut(start) {
        first.indent = indent;
        first.dash = true;
    }
}

fn is_leaf(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => true,
    }
}

fn line(indent: usize, dash: bool, key: Option<&str>, value: Option<&Value>) -> Line {
    Line {
        indent,
        dash,
        key: key.map(str::to_string),
        plain_key: key.is_some_and(is_plain_key),
        has_value: value.is_some(),
        single_quoted: value
            .and_then(Value::as_str)
            .is_some_and(is_single_quotable),
        value: value.cloned().unwrap_or(Value::Null),
    }
}

/// Every character is YAML-printable and none is a line break in YAML 1.1 (NEL, LS, PS), which
/// Alertmanager's YAML parser would fold.
fn is_single_quotable(text: &str) -> bool {
    text.chars().all(|c| {
        !c.is_control()
            && !matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    })
}

/// `snake_case` identifiers that no YAML version reads as a boolean or null.
fn is_plain_key(key: &str) -> bool {
    const RESERVED: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&key.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_that_yaml_could_misread_are_quoted() {
        for (key, plain) in [
            ("receiver", true),
            ("group_by", true),
            ("on", false),
            ("Yes", false),
            ("a b", false),
            ("1x", false),
            ("", false),
            ("team-a", false),
        ] {
            assert_eq!(is_plain_key(key), plain, "{key}");
        }
    }

    #[test]
    fn only_printable_single_line_strings_are_single_quoted() {
        for (text, single) in [
            ("severity=\"critical\"", true),
            ("it's ünï ✓ {x}, y", true),
            ("two\nlines", false),
            ("tab\there", false),
            ("line\u{2028}sep", false),
            ("nel\u{85}", false),
            ("del\u{7f}", false),
        ] {
            assert_eq!(is_single_quotable(text), single, "{text:?}");
        }
    }

    #[test]
    fn mapping_items_start_on_the_dash_line() {
        let doc = json!({"receivers": [{"name": "a", "webhook_configs": [{"url": "u"}]}]});
        let lines = &sections(&doc)[0].lines;
        let shape: Vec<(usize, bool, Option<&str>)> = lines
            .iter()
            .map(|l| (l.indent, l.dash, l.key.as_deref()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, false, Some("receivers")),
                (2, true, Some("name")),
                (4, false, Some("webhook_configs")),
                (6, true, Some("url")),
            ]
        );
    }

    #[test]
    fn empty_collections_stay_on_their_key_line() {
        let doc = json!({"route": {"routes": [], "labels": {}}});
        let lines = &sections(&doc)[0].lines;
        assert!(lines[1].has_value && lines[1].value == json!([]));
        assert!(lines[2].has_value && lines[2].value == json!({}));
    }
}
