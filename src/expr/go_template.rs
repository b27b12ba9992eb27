//! Go `text/template` syntax, as Prometheus (annotations) and Alertmanager (notifications) parse it.
//!
//! No maintained Rust crate parses Go templates, so this is a small checker of what goes wrong
//! in practice: unclosed actions, unbalanced `if`/`range`/`with`/`define`…`end`, characters
//! Go's lexer refuses (`{{ 7*7 }}`: templates have no arithmetic), functions the program does
//! not define, variables never declared, empty actions. It mirrors Go's lexer closely enough
//! that a template accepted here parses there; it does not evaluate anything.

use super::ExprError;

/// Whose template functions are available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Rule annotations and labels, expanded by Prometheus.
    Prometheus,
    /// Receiver fields and template files, expanded by Alertmanager.
    Alertmanager,
}

/// Functions of Go's `text/template` itself.
const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// prometheus/template/template.go `NewTemplateExpander`.
const PROMETHEUS_FUNCS: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "stripPort",
    "stripDomain",
    "now",
];

/// alertmanager/template/template.go `DefaultFuncs`.
const ALERTMANAGER_FUNCS: &[&str] = &[
    "toUpper",
    "toLower",
    "title",
    "trimSpace",
    "join",
    "match",
    "safeHtml",
    "safeUrl",
    "urlUnescape",
    "reReplaceAll",
    "stringSlice",
    "date",
    "tz",
    "since",
    "humanizeDuration",
    "toJson",
    "list",
    "append",
    "dict",
];

/// Variables Prometheus declares before expanding an annotation.
const PROMETHEUS_VARIABLES: &[&str] =
    &["$", "$labels", "$externalLabels", "$externalURL", "$value"];

const KEYWORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    "nil", "true", "false",
];

/// Checks `text` as a Go template expanded by `dialect`.
pub fn check(text: &str, dialect: Dialect) -> Result<(), ExprError> {
    check_at(text, dialect).map_err(|(_, error)| error)
}

/// A problem in a template file: its 1-based line and column (of the action at fault, or of
/// the block left open) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileProblem {
    pub line: usize,
    pub column: usize,
    pub error: ExprError,
}

/// Checks a whole template file (Alertmanager's `templates:`), with the position of the
/// first problem in that file.
pub(crate) fn check_file(text: &str, dialect: Dialect) -> Result<(), FileProblem> {
    check_at(text, dialect).map_err(|(offset, error)| {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(before.chars().count(), |nl| {
            before[nl + 1..].chars().count()
        }) + 1;
        FileProblem {
            line,
            column,
            error,
        }
    })
}

/// The check, with the byte offset in `text` of the action at fault.
fn check_at(text: &str, dialect: Dialect) -> Result<(), (usize, ExprError)> {
    let mut checker = Checker {
        dialect,
        blocks: Vec::new(),
        variables: match dialect {
            Dialect::Prometheus => PROMETHEUS_VARIABLES.iter().map(|v| v.to_string()).collect(),
            Dialect::Alertmanager => vec!["$".to_string()],
        },
    };
    // Where each open block's action starts, innermost last (beside `checker.blocks`).
    let mut open_at: Vec<usize> = Vec::new();
    let mut offset = 0;
    while let Some(found) = text[offset..].find("{{") {
        let start = offset + found;
        let inside = &text[start + 2..];
        let Some(end) = find_action_end(inside) else {
            return Err((
                start,
                error(
                    format!(
                        "`{}` opens an action that is never closed",
                        excerpt(&text[start..])
                    ),
                    "close it with `}}`; to write literal braces use `{{ \"{{\" }}`",
                ),
            ));
        };
        let depth = checker.blocks.len();
        checker
            .action(&inside[..end])
            .map_err(|error| (start, error))?;
        match checker.blocks.len().cmp(&depth) {
            std::cmp::Ordering::Greater => open_at.push(start),
            std::cmp::Ordering::Less => {
                open_at.pop();
            }
            std::cmp::Ordering::Equal => {}
        }
        offset = start + 2 + end + 2;
    }
    if let Some(open) = checker.blocks.last() {
        return Err((
            open_at.last().copied().unwrap_or(0),
            error(
                format!("`{{{{ {open} }}}}` has no matching `{{{{ end }}}}`"),
                "close every `if`, `range`, `with`, `define` and `block` with `{{ end }}`",
            ),
        ));
    }
    Ok(())
}

fn error(message: String, hint: &str) -> ExprError {
    ExprError::new(message, hint)
}

/// At most 40 characters of `text`, for messages.
fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// The offset of the `}}` that closes an action, skipping quoted strings and comments.
fn find_action_end(inside: &str) -> Option<usize> {
    let bytes = inside.as_bytes();
    let trimmed = inside.trim_start_matches('-').trim_start();
    if trimmed.starts_with("/*") {
        let comment_end = inside.find("*/")?;
        return inside[comment_end..].find("}}").map(|e| comment_end + e);
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'' | b'`') => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != quote {
                    if bytes[j] == b'\\' && quote != b'`' {
                        j += 1;
                    }
                    j += 1;
                }
                if j >= bytes.len() {
                    // An unterminated string: the action still ends at the next `}}`, and
                    // the tokenizer names the real problem.
                    return inside[i..].find("}}").map(|end| i + end);
                }
                i = j + 1;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

struct Checker {
    dialect: Dialect,
    /// Open control structures, innermost last.
    blocks: Vec<String>,
    /// Declared variables (scoping is not tracked: a name declared anywhere counts).
    variables: Vec<String>,
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Field,
    Variable(String),
    Declare,
    Pipe,
    Open,
    Close,
    Comma,
    Literal,
}

impl Checker {
    fn action(&mut self, raw: &str) -> Result<(), ExprError> {
        let body = raw.strip_prefix("- ").unwrap_or(raw);
        let body = body.strip_suffix(" -").unwrap_or(body).trim();
        if body.starts_with("/*") {
            return Ok(());
        }
        let shown = format!("{{{{{raw}}}}}");
        let tokens = tokenize(body, &shown)?;
        if tokens.is_empty() {
            return Err(error(
                format!("`{shown}` is an empty action"),
                "put a value or pipeline inside, e.g. `{{ $labels.instance }}`, or remove the braces",
            ));
        }
        let keyword = match tokens.first() {
            Some(Token::Word(word)) if KEYWORDS.contains(&word.as_str()) => Some(word.as_str()),
            _ => None,
        };
        match keyword {
            Some(open @ ("if" | "range" | "with" | "define" | "block")) => {
                self.blocks.push(open.to_string());
            }
            Some("else")
                if !matches!(
                    self.blocks.last().map(String::as_str),
                    Some("if" | "range" | "with")
                ) =>
            {
                return Err(error(
                    format!("`{shown}` is outside an `if`, `range` or `with`"),
                    "`else` belongs between `{{ if … }}` and its `{{ end }}`",
                ));
            }
            // The guard pops the block `end` closes; only an `end` with none open is an error.
            Some("end") if self.blocks.pop().is_none() => {
                return Err(error(
                    format!("`{shown}` closes nothing"),
                    "remove it, or open the block it ends (`{{ if … }}`, `{{ range … }}`)",
                ));
            }
            _ => {}
        }
        self.declarations(&tokens);
        self.names(&tokens, &shown)
    }

    fn declarations(&mut self, tokens: &[Token]) {
        for pair in tokens.windows(2) {
            if let [Token::Variable(name), Token::Declare] = pair {
                self.variables.push(name.clone());
            }
        }
        // `range $i, $x := …`
        for triple in tokens.windows(4) {
            if let [Token::Variable(a), Token::Comma, Token::Variable(b), Token::Declare] = triple {
                self.variables.push(a.clone());
                self.variables.push(b.clone());
            }
        }
    }

    /// Every function named is defined, every variable used is declared.
    fn names(&self, tokens: &[Token], shown: &str) -> Result<(), ExprError> {
        let skip_first_word = matches!(tokens.first(), Some(Token::Word(w)) if w == "define" || w == "template" || w == "block");
        for (index, token) in tokens.iter().enumerate() {
            match token {
                Token::Word(word) if KEYWORDS.contains(&word.as_str()) => {}
                Token::Word(_) if index == 0 && skip_first_word => {}
                Token::Word(word) if !self.is_function(word) => {
                    let known = self.functions();
                    let hint = match crate::suggest::did_you_mean(word, &known) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!(
                            "{} templates know {}",
                            self.program(),
                            known
                                .iter()
                                .map(|f| format!("`{f}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    return Err(ExprError::new(
                        format!(
                            "function `{word}` in `{shown}` is not defined in {} templates",
                            self.program()
                        ),
                        hint,
                    ));
                }
                Token::Variable(name) => {
                    let declared_here =
                        matches!(tokens.get(index + 1), Some(Token::Declare | Token::Comma));
                    if !declared_here && !self.variables.iter().any(|v| v == name) {
                        let hint = match self.dialect {
                            Dialect::Prometheus => "annotations know `$labels`, `$value`, `$externalLabels` and `$externalURL`",
                            Dialect::Alertmanager => "notification templates start from `.` (e.g. `.CommonLabels.alertname`); declare variables with `$x := …`",
                        };
                        return Err(ExprError::new(
                            format!("variable `{name}` in `{shown}` is not defined"),
                            hint,
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn functions(&self) -> Vec<&'static str> {
        let own = match self.dialect {
            Dialect::Prometheus => PROMETHEUS_FUNCS,
            Dialect::Alertmanager => ALERTMANAGER_FUNCS,
        };
        BUILTINS.iter().chain(own).copied().collect()
    }

    fn is_function(&self, word: &str) -> bool {
        self.functions().contains(&word)
    }

    fn program(&self) -> &'static str {
        match self.dialect {
            Dialect::Prometheus => "Prometheus",
            Dialect::Alertmanager => "Alertmanager",
        }
    }
}

/// Go's action lexer, reduced to the tokens the checks need.
fn tokenize(body: &str, shown: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = body.chars().collect();
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '"' | '`' | '\'' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != c {
                    if chars[j] == '\\' && c != '`' {
                        j += 1;
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(error(
                        format!("`{shown}` has an unterminated quoted string"),
                        "close the string with the quote it opened with",
                    ));
                }
                tokens.push(Token::Literal);
                i = j + 1;
            }
            '.' if chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()) => {
                i = skip_number(&chars, i);
                tokens.push(Token::Literal);
            }
            '.' => {
                i += 1;
                while i < chars.len() && (word_char(chars[i]) || chars[i] == '.') {
                    i += 1;
                }
                tokens.push(Token::Field);
            }
            '$' => {
                let start = i;
                i += 1;
                while i < chars.len() && word_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token::Variable(chars[start..i].iter().collect()));
                while i < chars.len() && chars[i] == '.' {
                    i += 1;
                    while i < chars.len() && word_char(chars[i]) {
                        i += 1;
                    }
                }
            }
            ':' if chars.get(i + 1) == Some(&'=') => {
                tokens.push(Token::Declare);
                i += 2;
            }
            '=' => {
                tokens.push(Token::Declare);
                i += 1;
            }
            '|' => {
                tokens.push(Token::Pipe);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '(' => {
                depth += 1;
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                if depth == 0 {
                    return Err(error(
                        format!("`{shown}` has an unexpected `)`"),
                        "every `)` needs an opening `(`",
                    ));
                }
                depth -= 1;
                tokens.push(Token::Close);
                i += 1;
            }
            '+' | '-' | '0'..='9'
                if c.is_ascii_digit()
                    || chars
                        .get(i + 1)
                        .is_some_and(|n| n.is_ascii_digit() || *n == '.') =>
            {
                i = skip_number(&chars, i);
                tokens.push(Token::Literal);
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && word_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token::Word(chars[start..i].iter().collect()));
                // A method or field on the result: `(…).Foo` is handled by `.`.
            }
            other => {
                let hint = if matches!(other, '*' | '+' | '-' | '/' | '%') {
                    "Go templates have no arithmetic operators; compute the value in the PromQL expression, or format it with a function such as `humanize`"
                } else {
                    "Go template actions hold values, fields (`.Labels`), variables (`$labels`), function calls and `|` pipelines"
                };
                return Err(error(format!("unexpected `{other}` in `{shown}`"), hint));
            }
        }
    }
    if depth > 0 {
        return Err(error(
            format!("`{shown}` has an unclosed `(`"),
            "close every `(` with `)`",
        ));
    }
    Ok(tokens)
}

fn skip_number(chars: &[char], mut i: usize) -> usize {
    if matches!(chars.get(i), Some('+' | '-')) {
        i += 1;
    }
    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '_')) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_file_problem_has_its_line_and_column() {
        let file = "{{ define \"slack.title\" }}\n  [{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}\n{{ end }}\n{{ define \"slack.text\" }}\n  {{ 7*7 }}\n{{ end }}\n";
        let problem = check_file(file, Dialect::Alertmanager).unwrap_err();
        assert_eq!((problem.line, problem.column), (5, 3), "{problem:?}");
        assert!(problem.error.message.contains("{{ 7*7 }}"), "{problem:?}");

        let unclosed = "{{ define \"a\" }}ok{{ end }}\n\n  {{ define \"b\" }}\n  {{ if .Alerts }}x\n{{ end }}\n";
        let problem = check_file(unclosed, Dialect::Alertmanager).unwrap_err();
        assert_eq!((problem.line, problem.column), (3, 3), "{problem:?}");
        assert_eq!(
            problem.error.message,
            "`{{ define }}` has no matching `{{ end }}`"
        );

        let never_closed = "ok\nline {{ .Status \n";
        let problem = check_file(never_closed, Dialect::Alertmanager).unwrap_err();
        assert_eq!((problem.line, problem.column), (2, 6), "{problem:?}");

        assert_eq!(
            check_file(
                "{{ define \"x\" }}{{ .Status }}{{ end }}\n",
                Dialect::Alertmanager
            ),
            Ok(())
        );
    }

    #[test]
    fn accepts_what_prometheus_and_alertmanager_accept() {
        let prometheus = [
            "{{ $labels.instance }} is down",
            "{{ $value | humanizePercentage }} used",
            "{{- if gt $value 0.9 -}}high{{- else -}}ok{{- end -}}",
            "{{ with query \"up\" }}{{ . | first | value }}{{ end }}",
            "plain text, no actions",
            "{{/* a comment with }} inside */}}",
            "{{ printf \"%.2f\" $value }}",
            "{{ $x := 1 }}{{ $x }}",
            "{{ -1 }}",
            "literal {{ \"{{\" }} braces",
        ];
        for text in prometheus {
            assert_eq!(check(text, Dialect::Prometheus), Ok(()), "{text}");
        }
        let alertmanager = [
            "{{ .CommonLabels.alertname }}",
            "{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}",
            "{{ range $i, $a := .Alerts }}{{ $i }}{{ $a.Labels.job }}{{ end }}",
            "{{ template \"slack.default.title\" . }}",
            "{{ define \"x\" }}{{ .Status | toUpper }}{{ end }}",
            "{{ .CommonLabels.Remove (stringSlice \"a\") }}",
        ];
        for text in alertmanager {
            assert_eq!(check(text, Dialect::Alertmanager), Ok(()), "{text}");
        }
    }

    #[test]
    fn rejects_what_go_refuses() {
        let cases = [
            ("{{ 7*7 }}", "unexpected `*` in `{{ 7*7 }}`"),
            ("{{ $labels.instance", "opens an action that is never closed"),
            ("{{ if $value }}x", "`{{ if }}` has no matching `{{ end }}`"),
            ("x{{ end }}", "`{{ end }}` closes nothing"),
            ("{{ else }}", "is outside an `if`"),
            ("{{ }}", "is an empty action"),
            ("{{ humanise $value }}", "function `humanise` in `{{ humanise $value }}` is not defined in Prometheus templates"),
            ("{{ $lables.job }}", "variable `$lables` in `{{ $lables.job }}` is not defined"),
            ("{{ printf \"%d }}", "unterminated quoted string"),
            ("{{ (len $labels }}", "unclosed `(`"),
        ];
        for (text, want) in cases {
            let error = check(text, Dialect::Prometheus).unwrap_err();
            assert!(error.message.contains(want), "{text}: {error:?}");
        }
        let error = check("{{ humanise $value }}", Dialect::Prometheus).unwrap_err();
        assert_eq!(error.hint, "did you mean `humanize`?");
        assert!(check("{{ query \"up\" }}", Dialect::Alertmanager).is_err());
    }
}
