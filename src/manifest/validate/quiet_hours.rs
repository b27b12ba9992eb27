//! `notify.quiet_hours`: time ranges, weekdays, days of month and months Alertmanager accepts.

use crate::manifest::{Diagnostic, Notify, TimeInterval};

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub fn check(notify: &Notify, problems: &mut Vec<Diagnostic>) {
    for (name, intervals) in &notify.quiet_hours {
        for (index, interval) in intervals.iter().enumerate() {
            check_interval(
                &format!("notify.quiet_hours.{name}[{index}]"),
                interval,
                problems,
            );
        }
    }
}

fn check_interval(path: &str, interval: &TimeInterval, problems: &mut Vec<Diagnostic>) {
    for (index, range) in interval.times.iter().enumerate() {
        if parse_time_range(range).is_none() {
            problems.push(
                Diagnostic::new(format!("{path}.times[{index}]"), format!("`{range}` is not a time range `HH:MM-HH:MM`"))
                    .hint("hours are 00-23 (`24:00` only as an end), minutes 00-59; a range across midnight such as `22:00-07:00` is fine"),
            );
        }
    }
    // Each list: its key, its entries, what one entry must be, and how to write it.
    type List<'a> = (&'a str, &'a Vec<String>, fn(&str) -> bool, &'a str);
    let lists: [List; 4] = [
        (
            "weekdays",
            &interval.weekdays,
            is_weekday,
            "day names, or a range such as `monday:friday`",
        ),
        (
            "days_of_month",
            &interval.days_of_month,
            is_day_of_month,
            "1 to 31 or -31 to -1 (from the end), or a range such as `1:7`",
        ),
        (
            "months",
            &interval.months,
            is_month,
            "month names or numbers 1-12, or a range such as `june:august`",
        ),
        (
            "years",
            &interval.years,
            is_year,
            "years such as `2026` or a range `2026:2027`",
        ),
    ];
    for (key, items, valid, what) in lists {
        for (index, item) in items.iter().enumerate() {
            let ok = match item.split_once(':') {
                Some((from, to)) => valid(from.trim()) && valid(to.trim()),
                None => valid(item.trim()),
            };
            if !ok {
                problems.push(
                    Diagnostic::new(
                        format!("{path}.{key}[{index}]"),
                        format!("`{item}` is not valid in `{key}`"),
                    )
                    .hint(format!("use {what}")),
                );
            }
        }
    }
    if let Some(location) = &interval.location {
        if let Err(error) = crate::expr::timezone::check(location) {
            problems
                .push(Diagnostic::new(format!("{path}.location"), error.message).hint(error.hint));
        }
    }
}

/// Minutes since midnight of both ends; an end of `24:00` is allowed, start and end differ.
pub(crate) fn parse_time_range(text: &str) -> Option<(u32, u32)> {
    let (start, end) = text.split_once('-')?;
    let start = parse_clock(start.trim(), false)?;
    let end = parse_clock(end.trim(), true)?;
    (start != end).then_some((start, end))
}

fn parse_clock(text: &str, end: bool) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    let valid = (hours < 24 && minutes < 60) || (end && hours == 24 && minutes == 0);
    valid.then_some(hours * 60 + minutes)
}

fn is_weekday(text: &str) -> bool {
    WEEKDAYS.contains(&text.to_ascii_lowercase().as_str())
}

fn is_month(text: &str) -> bool {
    MONTHS.contains(&text.to_ascii_lowercase().as_str())
        || matches!(text.parse::<u32>(), Ok(1..=12))
}

fn is_day_of_month(text: &str) -> bool {
    matches!(text.parse::<i32>(), Ok(day) if (1..=31).contains(&day) || (-31..=-1).contains(&day))
}

fn is_year(text: &str) -> bool {
    text.len() == 4 && text.parse::<u32>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;
    use super::parse_time_range;

    #[test]
    fn parses_time_ranges() {
        let cases = [
            ("22:00-07:00", Some((1320, 420))),
            ("09:00-17:30", Some((540, 1050))),
            ("00:00-24:00", Some((0, 1440))),
            ("25:00-07:00", None),
            ("22:60-07:00", None),
            ("24:00-07:00", None),
            ("9:00-17:00", None),
            ("09:00", None),
            ("08:00-08:00", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_time_range(text), want, "{text}");
        }
    }

    #[test]
    fn checks_quiet_hours_entries() {
        let notify = |interval: &str| {
            format!(
                "components: {{alertmanager: {{}}}}\nnotify: {{default: a, receivers: {{a: {{webhook: {{url: 'http://b:1/'}}}}}}, routes: [{{receiver: a, mute_time_intervals: [q]}}], quiet_hours: {{q: [{interval}]}}}}"
            )
        };
        let p = "notify.quiet_hours.q[0]";
        let cases: Vec<(String, Option<(String, &str)>)> = vec![
            (notify("{times: ['22:00-07:00'], weekdays: ['monday:friday', saturday], days_of_month: ['1:7', '-1'], months: ['june:august', '12'], years: ['2026'], location: Europe/Berlin}"), None),
            (notify("{times: ['25:00-07:00']}"), Some((format!("{p}.times[0]"), "`25:00-07:00` is not a time range"))),
            (notify("{weekdays: [mon]}"), Some((format!("{p}.weekdays[0]"), "`mon` is not valid in `weekdays`"))),
            (notify("{days_of_month: ['32']}"), Some((format!("{p}.days_of_month[0]"), "not valid"))),
            (notify("{months: [13]}"), Some((format!("{p}.months[0]"), "not valid"))),
            (notify("{years: ['26']}"), Some((format!("{p}.years[0]"), "not valid"))),
            (notify("{location: 'Europe Berlin'}"), Some((format!("{p}.location"), "`Europe Berlin` is not a time zone in the IANA database"))),
            (notify("{location: Europe/Berln}"), Some((format!("{p}.location"), "`Europe/Berln` is not a time zone in the IANA database"))),
            (notify("{location: '../../../../etc/passwd'}"), Some((format!("{p}.location"), "is not a time zone in the IANA database"))),
        ];
        for (extra, want) in &cases {
            check_case(extra, want.as_ref().map(|(p, w)| (p.as_str(), *w)));
        }
    }
}
