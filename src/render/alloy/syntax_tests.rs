//! Alloy syntax cannot be parsed back by `Draft`, so these tests lex the rendered file: braces
//! balance, and every value taken from the manifest sits inside a string literal.

use std::path::Path;

use crate::manifest::Manifest;
use crate::render::{Draft, Stack, Templates};

/// What the lexer found: decoded string literals and the text outside strings and comments.
struct Lexed {
    strings: Vec<String>,
    bare: String,
}

fn lex(text: &str) -> Lexed {
    let chars: Vec<char> = text.chars().collect();
    let (mut strings, mut bare) = (Vec::new(), String::new());
    let mut depth: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            assert!(i < chars.len(), "unterminated string literal in:\n{text}");
            let literal: String = chars[start..=i].iter().collect();
            strings.push(serde_json::from_str(&literal).expect("string literal decodes"));
            bare.push_str("\"\"");
            i += 1;
            continue;
        }
        match c {
            '{' | '[' | '(' => depth.push(c),
            '}' | ']' | ')' => {
                let open = depth
                    .pop()
                    .unwrap_or_else(|| panic!("unbalanced `{c}` in:\n{text}"));
                let want = match open {
                    '{' => '}',
                    '[' => ']',
                    _ => ')',
                };
                assert_eq!(c, want, "mismatched brackets in:\n{text}");
            }
            _ => {}
        }
        bare.push(c);
        i += 1;
    }
    assert!(depth.is_empty(), "unclosed brackets {depth:?} in:\n{text}");
    Lexed { strings, bare }
}

fn render(manifest_yaml: &str) -> String {
    let manifest: Manifest = serde_yaml::from_str(manifest_yaml).expect("test manifest parses");
    let templates = Templates::embedded();
    let stack = Stack::new(&manifest, Path::new("."), &templates);
    let mut draft = Draft::new(&[]);
    super::render(&stack, &mut draft).expect("alloy renders");
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    draft
        .file("alloy/config.alloy")
        .expect("config.alloy rendered")
        .contents
        .expose()
        .to_string()
}

const HOSTILE: &str = r#"
version: 1
project: demo
components:
  loki: {}
  alloy: {}
logs:
  json_fields: [level, "evil\" } stage.drop { x", "log.level"]
  files:
    - path: '/var/log/app/*"}{.log'
      labels: {job: "nginx\" }\n loki.write \"x\" {", team: "a]b[c"}
"#;

#[test]
fn braces_balance_with_hostile_values() {
    lex(&render(HOSTILE));
}

#[test]
fn every_manifest_value_sits_inside_a_string_literal() {
    let text = render(HOSTILE);
    let lexed = lex(&text);
    let values = [
        "/host/var/log/app/*\"}{.log",
        "nginx\" }\n loki.write \"x\" {",
        "a]b[c",
        "job",
        "team",
        "\"evil\\\" } stage.drop { x\"",
        "log_level",
    ];
    for value in values {
        assert!(
            lexed.strings.iter().any(|s| s == value),
            "`{value}` is not a string literal in:\n{text}"
        );
    }
    for fragment in ["evil", "stage.drop", "nginx", "a]b[c", "app/"] {
        assert!(
            !lexed.bare.contains(fragment),
            "`{fragment}` appears outside quotes in:\n{text}"
        );
    }
}

#[test]
fn docker_only_config_forwards_straight_to_loki() {
    let text = render("version: 1\nproject: demo\ncomponents: {loki: {}, alloy: {}}\n");
    let lexed = lex(&text);
    assert!(
        lexed
            .bare
            .contains("forward_to    = [loki.write.loki.receiver]"),
        "{text}"
    );
    assert!(
        lexed
            .strings
            .iter()
            .any(|s| s == "http://loki:3100/loki/api/v1/push"),
        "{text}"
    );
    assert!(!text.contains("loki.process"), "{text}");
}

#[test]
fn docker_false_leaves_out_container_discovery() {
    let text = render(
        "version: 1\nproject: demo\ncomponents: {loki: {}, alloy: {}}\nlogs: {docker: false, files: [{path: /var/log/syslog}]}\n",
    );
    assert!(!text.contains("discovery.docker"), "{text}");
    assert!(text.contains("loki.source.file \"files_0\""), "{text}");
}
