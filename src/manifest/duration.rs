//! Prometheus-style durations (`30s`, `1h30m`, `2w`): parsing only, never failing at load time.
//!
//! A `PromDuration` keeps the text the operator wrote so that `validate` can report every
//! malformed duration at once, with its location, instead of serde stopping at the first one.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PromDuration {
    raw: String,
    millis: Option<u64>,
}

impl PromDuration {
    pub fn parse(raw: &str) -> Self {
        Self {
            raw: raw.to_string(),
            millis: parse_millis(raw),
        }
    }

    /// The text as written in the manifest.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub(crate) fn is_valid(&self) -> bool {
        self.millis.is_some()
    }

    /// Milliseconds; `None` when the text is not a valid duration.
    pub fn millis(&self) -> Option<u64> {
        self.millis
    }

    /// Seconds; also accepts one decimal amount of one unit (`0.5s`), the way histogram
    /// bucket bounds are written (SLO latency thresholds). `validate` rejects decimals elsewhere.
    pub fn seconds(&self) -> Option<f64> {
        self.millis
            .map(|m| m as f64 / 1000.0)
            .or_else(|| parse_decimal_seconds(&self.raw))
    }

    pub fn from_millis(millis: u64) -> Self {
        Self {
            raw: format_millis(millis),
            millis: Some(millis),
        }
    }
}

impl fmt::Debug for PromDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.raw)
    }
}

impl fmt::Display for PromDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl schemars::JsonSchema for PromDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Prometheus duration: `30s`, `5m`, `1h30m`, `15d`, `2w`, `1y` (units ms s m h d w y).",
            "type": "string",
            "pattern": super::schema::DURATION_PATTERN
        })
    }
}

impl<'de> Deserialize<'de> for PromDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Numbers are read as text too (`interval: 30` is a common slip), so validate can
        // explain it.
        String::deserialize(deserializer).map(|raw| Self::parse(&raw))
    }
}

impl Serialize for PromDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

const UNITS: &[(&str, u64)] = &[
    ("y", 365 * 24 * 3600 * 1000),
    ("w", 7 * 24 * 3600 * 1000),
    ("d", 24 * 3600 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
];

/// Parses the grammar of Prometheus' `model.ParseDuration`: units in descending order, each at
/// most once, integer amounts (`1h30m`, `90s`, `500ms`). `0` alone is allowed.
pub(crate) fn parse_millis(text: &str) -> Option<u64> {
    if text == "0" {
        return Some(0);
    }
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut pos = 0;
    let mut last_unit = 0usize; // index into UNITS of the next allowed unit
    while pos < bytes.len() {
        let start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        if start == pos {
            return None;
        }
        let amount: u64 = text[start..pos].parse().ok()?;
        let unit_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_alphabetic() {
            pos += 1;
        }
        let unit = &text[unit_start..pos];
        let index = UNITS.iter().position(|(u, _)| *u == unit)?;
        if index < last_unit {
            return None;
        }
        last_unit = index + 1;
        total = total.checked_add(amount.checked_mul(UNITS[index].1)?)?;
    }
    Some(total)
}

/// `0.5s`, `1.5h`: a decimal amount of a single unit, in seconds.
pub(crate) fn parse_decimal_seconds(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let amount: f64 = number.parse().ok()?;
    let (_, unit_ms) = UNITS.iter().find(|(u, _)| *u == unit)?;
    Some(amount * *unit_ms as f64 / 1000.0)
}

/// The shortest Prometheus spelling of a duration (`90000` → `1m30s`).
pub(crate) fn format_millis(mut millis: u64) -> String {
    if millis == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    for (unit, size) in UNITS {
        if millis >= *size {
            out.push_str(&format!("{}{}", millis / size, unit));
            millis %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prometheus_durations() {
        let cases = [
            ("30s", Some(30_000)),
            ("1h30m", Some(5_400_000)),
            ("500ms", Some(500)),
            ("2w", Some(14 * 86_400_000)),
            ("0", Some(0)),
            ("15", None),
            ("1.5h", None),
            ("30m1h", None),
            ("", None),
            ("1x", None),
            ("s", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_millis(text), want, "{text}");
        }
    }

    #[test]
    fn reads_decimal_seconds_for_bucket_bounds() {
        let cases = [
            ("0.5s", Some(0.5)),
            ("250ms", Some(0.25)),
            ("1.5h", Some(5400.0)),
            ("2s", Some(2.0)),
            ("x", None),
            ("-1s", None),
        ];
        for (text, want) in cases {
            assert_eq!(PromDuration::parse(text).seconds(), want, "{text}");
        }
    }

    #[test]
    fn formats_shortest_form() {
        assert_eq!(format_millis(90_000), "1m30s");
        assert_eq!(format_millis(3_600_000), "1h");
        assert_eq!(format_millis(259_200_000), "3d");
    }
}
