//! `notify.quiet_hours` → top-level `time_intervals` (never the deprecated top-level
//! `mute_time_intervals`).
//!
//! Alertmanager time ranges cannot cross midnight, so `22:00-07:00` is split in two:
//! `22:00–24:00` and `00:00–07:00`. Without `weekdays` both halves share one interval.
//! With `weekdays`, the range starts on the listed days and the post-midnight half belongs to
//! the NEXT day: `{times: ["22:00-07:00"], weekdays: [friday]}` mutes Friday 22:00 until
//! Saturday 07:00, rendered as Friday 22:00–24:00 plus Saturday 00:00–07:00. The following
//! days are written as non-wrapping ranges (`saturday` + `sunday`, never `saturday:sunday`,
//! which Alertmanager rejects). A range across midnight combined with `days_of_month`,
//! `months` or `years` has no exact next-day form (month ends, leap years), so it is reported.

use serde_json::{json, Map, Value};

use crate::manifest::{Diagnostic, TimeInterval};

const MIDNIGHT: u32 = 24 * 60;
const DAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// One named interval per `quiet_hours` entry.
pub fn time_intervals(
    quiet_hours: &indexmap::IndexMap<String, Vec<TimeInterval>>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Value> {
    quiet_hours
        .iter()
        .map(|(name, intervals)| {
            let mut rendered = Vec::new();
            for (i, interval) in intervals.iter().enumerate() {
                let path = format!("notify.quiet_hours.{name}[{i}]");
                match split_interval(interval, &path) {
                    Ok(parts) => rendered.extend(parts),
                    Err(problem) => problems.push(problem),
                }
            }
            json!({"name": name, "time_intervals": rendered})
        })
        .collect()
}

/// A `HH:MM-HH:MM` range in minutes; `end` may be 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    start: u32,
    end: u32,
}

fn split_interval(interval: &TimeInterval, path: &str) -> Result<Vec<Value>, Diagnostic> {
    let mut same_day = Vec::new();
    let mut next_day = Vec::new();
    for (j, text) in interval.times.iter().enumerate() {
        let (start, end) = parse_range(text).ok_or_else(|| {
            Diagnostic::new(format!("{path}.times[{j}]"), format!("`{text}` is not a time range"))
                .hint("write `HH:MM-HH:MM` in 24-hour time, e.g. `22:00-07:00`; a range across midnight is allowed")
        })?;
        if start == end {
            return Err(Diagnostic::new(
                format!("{path}.times[{j}]"),
                format!("`{text}` is an empty range"),
            )
            .hint("use `00:00-24:00` for a whole day"));
        }
        if end == 0 || start < end {
            same_day.push(Range {
                start,
                end: if end == 0 { MIDNIGHT } else { end },
            });
        } else {
            same_day.push(Range {
                start,
                end: MIDNIGHT,
            });
            next_day.push(Range { start: 0, end });
        }
    }
    let weekdays = parse_weekdays(&interval.weekdays, path)?;
    let on_dates = !interval.days_of_month.is_empty()
        || !interval.months.is_empty()
        || !interval.years.is_empty();
    if !next_day.is_empty() && on_dates {
        return Err(Diagnostic::new(
            format!("{path}.times"),
            "a time range across midnight cannot be combined with `days_of_month`, `months` or `years`",
        )
        .hint("split it yourself into two entries: one until `24:00` and one from `00:00` on the following days"));
    }
    if weekdays.is_empty() {
        let mut all = same_day;
        all.extend(next_day);
        return Ok(vec![entry(interval, &all, None)]);
    }
    let mut parts = vec![entry(interval, &same_day, Some(day_ranges(&weekdays)))];
    if !next_day.is_empty() {
        let following: Vec<usize> = weekdays.iter().map(|d| (d + 1) % 7).collect();
        parts.push(entry(interval, &next_day, Some(day_ranges(&following))));
    }
    Ok(parts)
}

fn entry(interval: &TimeInterval, times: &[Range], weekdays: Option<Vec<String>>) -> Value {
    let mut out = Map::new();
    if !times.is_empty() {
        let times: Vec<Value> = times
            .iter()
            .map(|r| json!({"start_time": clock(r.start), "end_time": clock(r.end)}))
            .collect();
        out.insert("times".into(), Value::Array(times));
    }
    if let Some(weekdays) = weekdays {
        out.insert("weekdays".into(), json!(weekdays));
    }
    for (key, list) in [
        ("days_of_month", &interval.days_of_month),
        ("months", &interval.months),
        ("years", &interval.years),
    ] {
        if !list.is_empty() {
            out.insert(key.into(), json!(list));
        }
    }
    if let Some(location) = &interval.location {
        out.insert("location".into(), json!(location));
    }
    Value::Object(out)
}

fn parse_range(text: &str) -> Option<(u32, u32)> {
    let (start, end) = text.split_once('-')?;
    let start = parse_clock(start.trim())?;
    let end = parse_clock(end.trim())?;
    (start < MIDNIGHT).then_some((start, end))
}

fn parse_clock(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= MIDNIGHT).then_some(total)
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The days named by `weekdays` (`monday`, `monday:friday`), Sunday = 0, sorted, unique.
fn parse_weekdays(items: &[String], path: &str) -> Result<Vec<usize>, Diagnostic> {
    let mut days = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let day = |name: &str| {
            DAYS.iter()
                .position(|d| *d == name.trim().to_ascii_lowercase())
        };
        let range = match item.split_once(':') {
            Some((a, b)) => day(a).zip(day(b)),
            None => day(item).map(|d| (d, d)),
        };
        match range {
            Some((a, b)) if a <= b => days.extend(a..=b),
            _ => {
                return Err(Diagnostic::new(format!("{path}.weekdays[{k}]"), format!("`{item}` is not a weekday or a range of weekdays"))
                    .hint("use names `sunday` … `saturday` or a range within one week such as `monday:friday` (a week starts on Sunday)"))
            }
        }
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

/// Days written as the fewest non-wrapping ranges: `[1,2,3,4,5]` → `monday:friday`.
fn day_ranges(days: &[usize]) -> Vec<String> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        while i + 1 < sorted.len() && sorted[i + 1] == sorted[i] + 1 {
            i += 1;
        }
        let end = sorted[i];
        out.push(if start == end {
            DAYS[start].to_string()
        } else {
            format!("{}:{}", DAYS[start], DAYS[end])
        });
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(times: &[&str], weekdays: &[&str]) -> TimeInterval {
        TimeInterval {
            times: times.iter().map(|s| s.to_string()).collect(),
            weekdays: weekdays.iter().map(|s| s.to_string()).collect(),
            location: Some("Europe/Berlin".into()),
            ..TimeInterval::default()
        }
    }

    fn render(i: TimeInterval) -> Result<Vec<Value>, Diagnostic> {
        split_interval(&i, "notify.quiet_hours.nights[0]")
    }

    #[test]
    fn range_across_midnight_without_weekdays_becomes_two_ranges_in_one_interval() {
        assert_eq!(
            render(interval(&["22:00-07:00"], &[])).unwrap(),
            vec![json!({
                "times": [{"start_time": "22:00", "end_time": "24:00"}, {"start_time": "00:00", "end_time": "07:00"}],
                "location": "Europe/Berlin"
            })]
        );
    }

    #[test]
    fn post_midnight_half_belongs_to_the_next_weekday() {
        assert_eq!(
            render(interval(&["22:00-07:00"], &["monday:friday"])).unwrap(),
            vec![
                json!({"times": [{"start_time": "22:00", "end_time": "24:00"}], "weekdays": ["monday:friday"], "location": "Europe/Berlin"}),
                json!({"times": [{"start_time": "00:00", "end_time": "07:00"}], "weekdays": ["tuesday:saturday"], "location": "Europe/Berlin"}),
            ]
        );
    }

    #[test]
    fn next_day_of_saturday_wraps_to_sunday_without_a_wrapping_range() {
        let parts = render(interval(&["23:00-01:00"], &["friday:saturday"])).unwrap();
        assert_eq!(parts[1]["weekdays"], json!(["sunday", "saturday"]));
    }

    #[test]
    fn ranges_within_a_day_are_kept_and_midnight_end_means_24_00() {
        let parts = render(interval(&["09:00-17:30", "20:00-00:00"], &["Sunday"])).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(
            parts[0]["times"],
            json!([{"start_time": "09:00", "end_time": "17:30"}, {"start_time": "20:00", "end_time": "24:00"}])
        );
    }

    #[test]
    fn rejects_malformed_times_and_weekdays_at_their_key() {
        for (times, weekdays, path) in [
            (
                &["25:00-07:00"][..],
                &[][..],
                "notify.quiet_hours.nights[0].times[0]",
            ),
            (
                &["22:00"][..],
                &[][..],
                "notify.quiet_hours.nights[0].times[0]",
            ),
            (
                &["7:5-8:00"][..],
                &[][..],
                "notify.quiet_hours.nights[0].times[0]",
            ),
            (
                &["08:00-08:00"][..],
                &[][..],
                "notify.quiet_hours.nights[0].times[0]",
            ),
            (
                &["08:00-09:00"][..],
                &["funday"][..],
                "notify.quiet_hours.nights[0].weekdays[0]",
            ),
            (
                &["08:00-09:00"][..],
                &["saturday:sunday"][..],
                "notify.quiet_hours.nights[0].weekdays[0]",
            ),
        ] {
            assert_eq!(
                render(interval(times, weekdays)).unwrap_err().path,
                path,
                "{times:?} {weekdays:?}"
            );
        }
    }

    #[test]
    fn rejects_midnight_ranges_with_calendar_days() {
        let mut i = interval(&["22:00-07:00"], &[]);
        i.days_of_month = vec!["1".into()];
        assert_eq!(
            render(i).unwrap_err().path,
            "notify.quiet_hours.nights[0].times"
        );
    }

    #[test]
    fn day_ranges_compress_consecutive_days() {
        assert_eq!(
            day_ranges(&[0, 1, 2, 4, 6]),
            vec!["sunday:tuesday", "thursday", "saturday"]
        );
    }
}
