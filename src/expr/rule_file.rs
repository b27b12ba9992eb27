//! The expressions inside an operator's Prometheus rule file (`alerts.files`), with their
//! line and column in that file.
//!
//! Walks the YAML events once: every scalar under an `expr` key is parsed as PromQL, every
//! scalar under `annotations` / `labels` of a rule as a Prometheus Go template. Shape errors
//! (unknown keys, missing names) are the rule-file reader's business, not this one's.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::{go_template, promql, ExprError};

/// One rejected expression: where it is in the file (1-based) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileProblem {
    pub line: usize,
    pub column: usize,
    pub error: ExprError,
}

/// Every expression in `text` that does not parse; empty when all do (or the YAML itself
/// does not parse: that is reported by whoever reads the file's shape).
pub fn check(text: &str) -> Vec<RuleFileProblem> {
    let mut walker = Walker::default();
    let mut parser = Parser::new_from_str(text);
    if parser.load(&mut walker, false).is_err() {
        return Vec::new();
    }
    walker.problems
}

/// Where the walker is: a mapping waiting for a key or a value, or a sequence.
#[derive(Debug)]
enum Frame {
    Mapping { key: Option<String> },
    Sequence,
}

#[derive(Default)]
struct Walker {
    frames: Vec<Frame>,
    problems: Vec<RuleFileProblem>,
}

impl Walker {
    /// The keys leading to the current position, innermost last (`groups`, `rules`, `expr`).
    fn keys(&self) -> Vec<&str> {
        self.frames
            .iter()
            .filter_map(|frame| match frame {
                Frame::Mapping { key: Some(key) } => Some(key.as_str()),
                _ => None,
            })
            .collect()
    }

    fn value(&mut self, text: &str, mark: Marker) {
        let keys = self.keys();
        let in_rule = keys.len() >= 3 && keys[..2] == ["groups", "rules"];
        let result = match keys.as_slice() {
            [.., "rules", "expr"] if in_rule && keys.len() == 3 => promql::check(text).map(|_| ()),
            [.., "rules", "annotations" | "labels", _] if in_rule && keys.len() == 4 => {
                go_template::check(text, go_template::Dialect::Prometheus)
            }
            _ => Ok(()),
        };
        if let Err(error) = result {
            self.problems.push(RuleFileProblem {
                line: mark.line().max(1),
                column: mark.col() + 1,
                error,
            });
        }
    }

    /// After a value: a mapping waits for its next key again.
    fn value_done(&mut self) {
        if let Some(Frame::Mapping { key }) = self.frames.last_mut() {
            *key = None;
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => match self.frames.last_mut() {
                Some(Frame::Mapping { key }) if key.is_none() => *key = Some(text),
                _ => {
                    self.value(&text, mark);
                    self.value_done();
                }
            },
            Event::MappingStart(..) => self.frames.push(Frame::Mapping { key: None }),
            Event::SequenceStart(..) => self.frames.push(Frame::Sequence),
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.value_done();
            }
            Event::Alias(_) => self.value_done(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_each_broken_expression_in_the_file() {
        let text = "\
groups:
  - name: legacy
    rules:
      - alert: Fine
        expr: up == 0
        annotations:
          summary: '{{ $labels.instance }} down'
      - alert: Broken
        expr: rate(http_requests_total[5m]
      - record: job:x:sum
        expr: sum(x)
        labels:
          team: '{{ 7*7 }}'
      - {alert: Flow, expr: 'up{job=\"a\" == 0'}
";
        let found: Vec<(usize, usize, String)> = check(text)
            .into_iter()
            .map(|p| (p.line, p.column, p.error.message))
            .collect();
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!((found[0].0, found[0].1), (9, 15));
        assert!(
            found[0].2.starts_with("PromQL does not parse"),
            "{found:#?}"
        );
        assert_eq!((found[1].0, found[1].1), (13, 17));
        assert!(found[1].2.contains("unexpected `*`"), "{found:#?}");
        assert_eq!((found[2].0, found[2].1), (14, 29));
    }

    #[test]
    fn ignores_what_is_not_a_rule_expression() {
        assert!(check("groups: [{name: a, rules: []}]\nexpr: 'rate('\n").is_empty());
        assert!(check("not: [valid").is_empty());
    }
}
