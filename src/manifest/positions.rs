//! Where each key of the manifest sits in the file: key path (`scrape[2].timeout`) → line:column.
//!
//! Built from yaml-rust2's marked events, independently of serde, so that every diagnostic
//! (unknown key, type error, validation problem, render problem) can point into the file.

use std::collections::HashMap;
use std::sync::OnceLock;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::diagnostic::{Diagnostic, Location};

/// The index, built at once (`build`) or on first use (`lazy`): a manifest that loads without
/// a problem never needs it, and indexing a large file costs as much as parsing it.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    source: Option<String>,
    index: OnceLock<Index>,
}

#[derive(Debug, Clone, Default)]
struct Index {
    /// Scalars: the value itself. Mappings and sequences: the key that introduces them, else
    /// their first token.
    by_path: HashMap<String, Location>,
    /// Where the key itself is written (`components.prometeus` → the `prometeus` text).
    keys: HashMap<String, Location>,
    /// Keys written twice in one mapping (YAML would keep only one): path and second place.
    duplicates: Vec<(String, Location)>,
}

impl Positions {
    /// Indexes `source`; a YAML syntax error comes back as a diagnostic at the parser's position.
    pub fn build(source: &str) -> Result<Self, Diagnostic> {
        let index = Index::build(source)?;
        Ok(Self {
            source: None,
            index: OnceLock::from(index),
        })
    }

    /// Indexes `source` when a location is first asked for; use only for text that parses.
    pub fn lazy(source: &str) -> Self {
        Self {
            source: Some(source.to_string()),
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            self.source
                .as_deref()
                .and_then(|source| Index::build(source).ok())
                .unwrap_or_default()
        })
    }

    pub fn find(&self, path: &str) -> Option<Location> {
        self.index().find(path)
    }

    pub fn has(&self, path: &str) -> bool {
        self.index().has(path)
    }

    pub fn find_key(&self, path: &str) -> Option<Location> {
        self.index().find_key(path)
    }

    pub fn duplicate_keys(&self) -> Vec<Diagnostic> {
        self.index().duplicate_keys()
    }

    pub fn insert(&mut self, path: String, location: Location) {
        self.index();
        if let Some(index) = self.index.get_mut() {
            index.by_path.insert(path, location);
        }
    }
}

impl Index {
    fn build(source: &str) -> Result<Self, Diagnostic> {
        let mut recorder = Recorder::new(source);
        let mut parser = Parser::new_from_str(source);
        match parser.load(&mut recorder, false) {
            Ok(()) => Ok(recorder.positions),
            Err(error) => Err(syntax_diagnostic(
                source,
                error.info(),
                location(error.marker()),
            )),
        }
    }

    /// The location of the value at `path`, or of its nearest ancestor that has one.
    /// An empty path means the whole file: it has no location.
    pub fn find(&self, path: &str) -> Option<Location> {
        if path.is_empty() {
            return None;
        }
        let mut path = path;
        loop {
            if let Some(loc) = self.by_path.get(path) {
                return Some(*loc);
            }
            if path.is_empty() {
                return None;
            }
            path = path.rfind(['.', '[']).map_or("", |cut| &path[..cut]);
        }
    }

    /// Whether the file writes a key or value at exactly `path`.
    pub fn has(&self, path: &str) -> bool {
        self.by_path.contains_key(path) || self.keys.contains_key(path)
    }

    /// The location of the key at `path` itself, else that of its value or nearest ancestor.
    pub fn find_key(&self, path: &str) -> Option<Location> {
        self.keys.get(path).copied().or_else(|| self.find(path))
    }

    /// Every key written a second time in the same mapping, as a diagnostic at the repeat.
    pub fn duplicate_keys(&self) -> Vec<Diagnostic> {
        self.duplicates
            .iter()
            .map(|(path, at)| {
                let (parent, key) = match path.rsplit_once('.') {
                    Some((parent, key)) => (format!("`{parent}`"), key),
                    None => ("the top level".to_string(), path.as_str()),
                };
                let mut problem =
                    Diagnostic::new(path, format!("key `{key}` appears twice in {parent}"))
                        .hint("YAML keeps only one of them; merge the two into one entry");
                problem.location = Some(*at);
                problem
            })
            .collect()
    }
}

/// `parent.key`, or `key` at the top level.
pub fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// A mapping key as text (keys are nearly always strings; numbers and booleans are spelled out).
pub fn key_text(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Null => "null".to_string(),
        _ => "?".to_string(),
    }
}

fn location(marker: &Marker) -> Location {
    // yaml-rust2 lines are 1-based, columns 0-based.
    Location {
        line: marker.line().max(1),
        column: marker.col() + 1,
    }
}

fn syntax_diagnostic(source: &str, info: &str, at: Location) -> Diagnostic {
    let line = source.lines().nth(at.line.saturating_sub(1)).unwrap_or("");
    let mut diagnostic = Diagnostic::new("", format!("invalid YAML: {info}"));
    diagnostic.location = Some(at);
    let hint = if source
        .lines()
        .any(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t'))
    {
        "YAML indentation must use spaces, not tabs"
    } else if line.contains("${") && (line.contains('{') || line.contains('[')) {
        "inside `{...}` or `[...]` a `${NAME}` reference must be quoted: `\"${NAME}\"`"
    } else {
        "check the indentation and the quoting near this line"
    };
    diagnostic.hint(hint)
}

enum Frame {
    Mapping {
        path: String,
        key: Option<String>,
        /// Keys seen so far in this mapping, to catch one written twice.
        seen: Vec<String>,
    },
    Sequence {
        path: String,
        index: usize,
    },
}

struct Recorder<'a> {
    lines: Vec<&'a str>,
    stack: Vec<Frame>,
    positions: Index,
    /// A block mapping's start mark is not where it starts: it takes its first key's place.
    pending_container: Option<String>,
}

impl<'a> Recorder<'a> {
    fn new(source: &'a str) -> Self {
        Self {
            lines: source.lines().collect(),
            stack: Vec::new(),
            positions: Index::default(),
            pending_container: None,
        }
    }

    /// The path the next value takes, or `None` when the next scalar is a mapping key.
    fn next_value_path(&self) -> Option<String> {
        match self.stack.last() {
            None => Some(String::new()),
            Some(Frame::Mapping { key: None, .. }) => None,
            Some(Frame::Mapping {
                path,
                key: Some(key),
                ..
            }) => Some(child_path(path, key)),
            Some(Frame::Sequence { path, index }) => Some(format!("{path}[{index}]")),
        }
    }

    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Mapping { key, .. }) => *key = None,
            Some(Frame::Sequence { index, .. }) => *index += 1,
            None => {}
        }
    }

    fn char_at(&self, at: Location) -> Option<char> {
        self.lines.get(at.line - 1)?.chars().nth(at.column - 1)
    }

    fn record_value(&mut self, path: &str, at: Location) {
        // A container under a key is best shown at its key.
        if !self.positions.keys.contains_key(path) || !self.positions.by_path.contains_key(path) {
            self.positions.by_path.entry(path.to_string()).or_insert(at);
        }
    }

    fn start_container(&mut self, at: Location, mapping: bool) {
        let Some(path) = self.next_value_path() else {
            // A complex key (`? [a, b]`): not used by the manifest; index it under `?`.
            self.set_key("?".to_string(), at);
            self.stack.push(Frame::Sequence {
                path: "?".into(),
                index: 0,
            });
            return;
        };
        let flow = matches!(self.char_at(at), Some('{') | Some('['));
        if let Some(key_at) = self.positions.keys.get(&path).copied() {
            self.positions.by_path.insert(path.clone(), key_at);
        } else if mapping && !flow {
            self.pending_container = Some(path.clone());
        } else {
            self.record_value(&path, at);
        }
        self.stack.push(if mapping {
            Frame::Mapping {
                path,
                key: None,
                seen: Vec::new(),
            }
        } else {
            Frame::Sequence { path, index: 0 }
        });
    }

    fn set_key(&mut self, key: String, at: Location) {
        if let Some(pending) = self.pending_container.take() {
            self.positions.by_path.entry(pending).or_insert(at);
        }
        if let Some(Frame::Mapping {
            path,
            key: slot,
            seen,
        }) = self.stack.last_mut()
        {
            let full = child_path(path, &key);
            if seen.contains(&key) {
                self.positions.duplicates.push((full, at));
            } else {
                seen.push(key.clone());
                self.positions.keys.insert(full, at);
            }
            *slot = Some(key);
        }
    }
}

impl MarkedEventReceiver for Recorder<'_> {
    fn on_event(&mut self, event: Event, marker: Marker) {
        let at = location(&marker);
        match event {
            Event::Scalar(text, style, ..) => match self.next_value_path() {
                None => self.set_key(text, at),
                // An empty value (`alerts:`) is marked where the next token starts: use its key.
                Some(path)
                    if text.is_empty()
                        && style == TScalarStyle::Plain
                        && self.positions.keys.contains_key(&path) =>
                {
                    let key_at = self.positions.keys[&path];
                    if let Some(pending) = self.pending_container.take() {
                        self.positions.by_path.entry(pending).or_insert(key_at);
                    }
                    self.positions.by_path.insert(path, key_at);
                    self.value_done();
                }
                Some(path) => {
                    if let Some(pending) = self.pending_container.take() {
                        self.positions.by_path.entry(pending).or_insert(at);
                    }
                    self.positions.by_path.insert(path, at);
                    self.value_done();
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.next_value_path() {
                    self.positions.by_path.insert(path, at);
                    self.value_done();
                }
            }
            Event::MappingStart(..) => self.start_container(at, true),
            Event::SequenceStart(..) => self.start_container(at, false),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
version: 1
components:
  prometheus: {scrape_interval: 15s}
  grafana:
    port: 3000
scrape:
  - job: api
    targets: [a:1, b:2]
  - job: web
    timeout: 30s
notify:
  receivers:
    team-email:
      email:
        to:
          - ops@example.com
  empty:
";

    fn at(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }

    #[test]
    fn indexes_values_by_key_path() {
        let positions = Positions::build(SOURCE).unwrap();
        let cases = [
            ("version", at(1, 10)),
            ("components", at(2, 1)),
            ("components.prometheus", at(3, 3)),
            ("components.prometheus.scrape_interval", at(3, 33)),
            ("components.grafana", at(4, 3)),
            ("components.grafana.port", at(5, 11)),
            ("scrape", at(6, 1)),
            ("scrape[0]", at(7, 5)),
            ("scrape[0].targets[1]", at(8, 20)),
            ("scrape[1].timeout", at(10, 14)),
            ("notify.receivers.team-email.email.to[0]", at(16, 13)),
            ("notify.empty", at(17, 3)),
            // Not present: the nearest ancestor.
            ("scrape[1].interval", at(9, 5)),
            ("components.grafana.admin_password", at(4, 3)),
            ("project", at(1, 1)),
            ("", None),
        ];
        for (path, want) in cases {
            assert_eq!(positions.find(path), want, "{path}");
        }
    }

    #[test]
    fn points_at_keys_themselves() {
        let positions = Positions::build(SOURCE).unwrap();
        assert_eq!(
            positions.find_key("components.prometheus.scrape_interval"),
            at(3, 16)
        );
        assert_eq!(positions.find_key("scrape[1].timeout"), at(10, 5));
        assert_eq!(positions.find_key("notify.receivers.team-email"), at(13, 5));
    }

    #[test]
    fn finds_keys_written_twice_in_one_mapping() {
        let source = "a:\n  b: 1\n  c: 2\n  b: 3\nd: [{e: 1}, {e: 2}]\na: {}\n";
        let positions = Positions::build(source).unwrap();
        let found: Vec<(String, Option<Location>)> = positions
            .duplicate_keys()
            .into_iter()
            .map(|d| (d.path, d.location))
            .collect();
        assert_eq!(
            found,
            vec![("a.b".to_string(), at(4, 3)), ("a".to_string(), at(6, 1))]
        );
    }

    #[test]
    fn reports_syntax_errors_with_the_parsers_position() {
        let cases = [
            ("version: 1\n\tproject: x\n", "tabs"),
            ("a: {b: ${X}}\n", "quoted"),
            ("a: [1, 2\n", "indentation"),
        ];
        for (source, hint_word) in cases {
            let problem = Positions::build(source).unwrap_err();
            assert!(
                problem.message.starts_with("invalid YAML"),
                "{source}: {}",
                problem.message
            );
            assert!(problem.location.is_some(), "{source}");
            assert!(
                problem.hint.as_deref().unwrap_or("").contains(hint_word),
                "{source}: {:?}",
                problem.hint
            );
        }
    }
}
