//! The output settings the global flags choose once per run (`-q`, `-v`, `--color`), and the
//! emphasis verdicts get when colour is on. Colour is added only when printing: the text
//! functions that tests pin stay plain, and `anstream` strips the codes on a pipe, under
//! `NO_COLOR`, or with `--color never`.

use std::sync::atomic::{AtomicU8, Ordering};

use anstyle::{AnsiColor, Style};

use crate::cli::{ColorWhen, OutputArgs};

/// How much a command prints besides its data and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verbosity {
    /// Errors, warnings and the verdict only.
    Quiet,
    Normal,
    /// Also each readiness check as it changes.
    Verbose,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(1);

/// Applies the global flags; called once, before any command prints.
pub(crate) fn configure(args: &OutputArgs) {
    let verbosity = if args.quiet {
        Verbosity::Quiet
    } else if args.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    VERBOSITY.store(verbosity as u8, Ordering::Relaxed);
    let choice = match args.color {
        // `auto` asks the stream: a terminal, and neither `NO_COLOR` nor `TERM=dumb`.
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

pub(crate) fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

pub fn quiet() -> bool {
    verbosity() == Verbosity::Quiet
}

pub fn verbose() -> bool {
    verbosity() == Verbosity::Verbose
}

/// What a word means to an operator, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Good,
    Warn,
    Bad,
}

impl Tone {
    /// The tone of a verdict word stackctl prints (`ok`, `FAILED`, `degraded`, `unhealthy`...).
    pub fn of(word: &str) -> Option<Tone> {
        match word.trim() {
            "ok" | "healthy" | "ready" | "running" | "current" | "created" | "recreated"
            | "started" | "reloaded" | "restarted" | "unchanged" | "up" => Some(Tone::Good),
            "UNSURE"
            | "not run"
            | "degraded"
            | "starting"
            | "changed"
            | "outdated"
            | "waiting"
            | "created, never started" => Some(Tone::Warn),
            "FAILED" | "failed" | "unhealthy" | "exited" | "dead" | "missing" | "restarting"
            | "down" | "error" => Some(Tone::Bad),
            _ => None,
        }
    }

    fn style(self) -> Style {
        let color = match self {
            Tone::Good => AnsiColor::Green,
            Tone::Warn => AnsiColor::Yellow,
            Tone::Bad => AnsiColor::Red,
        };
        let style = Style::new().fg_color(Some(color.into()));
        if self == Tone::Good {
            style
        } else {
            style.bold()
        }
    }
}

/// `text` wrapped in the colour of `tone` (printed through `anstream`, which strips it when
/// colour is off).
pub(crate) fn paint(text: &str, tone: Tone) -> String {
    let style = tone.style();
    format!("{style}{text}{style:#}")
}

/// `word` painted in its verdict's colour, or as it is when it is no verdict.
pub fn verdict(word: &str) -> String {
    match Tone::of(word) {
        Some(tone) => paint(word, tone),
        None => word.to_string(),
    }
}

/// A line whose first word is a verdict (`FAILED   name`), with that word painted.
pub(crate) fn lead(line: &str) -> String {
    let end = line.find(' ').unwrap_or(line.len());
    let (word, rest) = line.split_at(end);
    if word == "not" && rest.starts_with(" run") {
        return format!("{}{}", verdict("not run"), &rest[4..]);
    }
    format!("{}{rest}", verdict(word))
}

/// `text` as it must reach stdout when written around `anstream` (indicatif's live lines):
/// colour kept only when stdout takes colour.
pub(crate) fn for_stdout(text: &str) -> String {
    match anstream::AutoStream::choice(&std::io::stdout()) {
        anstream::ColorChoice::Never => anstream::adapter::strip_str(text).to_string(),
        _ => text.to_string(),
    }
}

/// `error:` in bold red, as cargo prints it.
pub(crate) fn error_label() -> String {
    paint("error:", Tone::Bad)
}

/// `warning:` in bold yellow.
pub(crate) fn warning_label() -> String {
    paint("warning:", Tone::Warn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_get_a_tone_and_other_words_none() {
        let rows = [
            ("FAILED", Some(Tone::Bad)),
            ("degraded", Some(Tone::Warn)),
            ("ok", Some(Tone::Good)),
            ("prometheus", None),
        ];
        for (word, want) in rows {
            assert_eq!(Tone::of(word), want, "{word}");
        }
    }

    #[test]
    fn painting_wraps_only_the_verdict_and_strips_back_to_the_plain_text() {
        let painted = lead("FAILED   promtool check config");
        assert!(painted.starts_with("\u{1b}["), "{painted:?}");
        assert_eq!(
            anstream::adapter::strip_str(&painted).to_string(),
            "FAILED   promtool check config"
        );
        let not_run = lead("not run  amtool: missing");
        assert_eq!(
            anstream::adapter::strip_str(&not_run).to_string(),
            "not run  amtool: missing"
        );
        assert_eq!(lead("keep  x"), "keep  x");
    }
}
