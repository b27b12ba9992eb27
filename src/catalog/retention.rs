//! VictoriaMetrics' `-retentionPeriod` values: which units it takes (a bare number counts
//! months) and its minimum, one day. Validation reports a bad `retention`, render writes the flag.

/// A retention as VictoriaMetrics' `-retentionPeriod` takes it: a bare number counts months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPeriod {
    pub flag_value: String,
    pub hours: u64,
}

/// What is wrong with a `retention` value, for the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetentionProblem {
    /// Not a whole number and one of the units.
    Malformed,
    /// `12m`: minutes in Prometheus' durations, which VictoriaMetrics does not keep.
    MinutesNotMonths { number: u64 },
    /// Less than VictoriaMetrics' minimum, one day.
    TooShort,
}

/// Reads `12mo`, `90d`, `2w`, `1y`, `48h`.
pub fn retention_period(text: &str) -> Result<RetentionPeriod, RetentionProblem> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| RetentionProblem::Malformed)?;
    let (flag_value, hours) = match unit {
        "h" => (format!("{number}h"), number),
        "d" => (format!("{number}d"), number * 24),
        "w" => (format!("{number}w"), number * 24 * 7),
        // VictoriaMetrics' month is 31 days.
        "mo" => (number.to_string(), number * 24 * 31),
        "y" => (format!("{number}y"), number * 24 * 365),
        "m" => return Err(RetentionProblem::MinutesNotMonths { number }),
        _ => return Err(RetentionProblem::Malformed),
    };
    if hours < 24 {
        return Err(RetentionProblem::TooShort);
    }
    Ok(RetentionPeriod { flag_value, hours })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_units_become_retention_period_values() {
        let cases: &[(&str, Result<&str, RetentionProblem>)] = &[
            ("12mo", Ok("12")),
            ("1mo", Ok("1")),
            ("90d", Ok("90d")),
            ("2w", Ok("2w")),
            ("1y", Ok("1y")),
            ("24h", Ok("24h")),
            ("12h", Err(RetentionProblem::TooShort)),
            ("0d", Err(RetentionProblem::TooShort)),
            (
                "12m",
                Err(RetentionProblem::MinutesNotMonths { number: 12 }),
            ),
            ("12", Err(RetentionProblem::Malformed)),
            ("1.5y", Err(RetentionProblem::Malformed)),
            ("mo", Err(RetentionProblem::Malformed)),
            ("12 mo", Err(RetentionProblem::Malformed)),
            ("12months", Err(RetentionProblem::Malformed)),
        ];
        for (text, want) in cases {
            let got = retention_period(text).map(|r| r.flag_value);
            assert_eq!(got.as_deref().map_err(Clone::clone), want.clone(), "{text}");
        }
    }
}
