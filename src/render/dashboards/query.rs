//! PromQL and LogQL text built from manifest values: label values are quoted, regex
//! alternatives are escaped, so a job name can never change the meaning of a query.

/// A PromQL/LogQL double-quoted string literal (Go escaping, which JSON's satisfies).
pub fn quoted(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

/// `job="api"`.
pub fn matcher(label: &str, value: &str) -> String {
    format!("{label}={}", quoted(value))
}

/// `job=~"a|b"` with each value matched literally (RE2 metacharacters escaped).
pub(crate) fn any_of(label: &str, values: &[String]) -> String {
    let alternatives: Vec<String> = values
        .iter()
        .map(|v| crate::expr::regex::quote_meta(v))
        .collect();
    format!("{label}=~{}", quoted(&alternatives.join("|")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_escape_their_quotes() {
        let cases = [
            ("api", r#"job="api""#),
            (r#"a"} or vector(1) #"#, r#"job="a\"} or vector(1) #""#),
            (r"back\slash", r#"job="back\\slash""#),
        ];
        for (value, want) in cases {
            assert_eq!(matcher("job", value), want);
        }
    }

    #[test]
    fn alternatives_match_literally() {
        let values = vec!["api".to_string(), "web.v2".to_string()];
        assert_eq!(any_of("job", &values), r#"job=~"api|web\\.v2""#);
    }
}
