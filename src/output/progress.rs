//! Live progress of a deploy or reload: on a terminal one line per service that says what it
//! is doing and for how long (`grafana  waiting: GET /api/health connection refused
//! (12s/120s)`); on a pipe or in a log, plain timestamped lines, one per change. Each outcome
//! is printed the moment it is known. `-q` prints none of this; `-v` prints every change of
//! a readiness check on a pipe too (without it a pipe gets one line per new kind of check).

use std::cell::RefCell;
use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::style::{self, Tone};

/// Width of the service column, so outcomes line up under each other.
const NAME_WIDTH: usize = 20;
/// On a pipe, a service still waiting on the same check is reported again after this long.
const PIPE_REPEAT: Duration = Duration::from_secs(10);

/// The progress display of one command run.
pub(crate) struct Progress {
    live: Option<MultiProgress>,
}

impl Progress {
    /// Live lines when stdout is a terminal, plain lines otherwise, nothing under `-q`.
    pub fn new() -> Self {
        let live = (!style::quiet() && std::io::stdout().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stdout_with_hz(10)));
        Self { live }
    }

    /// A note between steps (`created network shop_default`): above the live lines.
    pub(crate) fn note(&self, text: &str) {
        if style::quiet() {
            return;
        }
        match &self.live {
            Some(multi) => {
                let _ = multi.println(style::for_stdout(text));
            }
            None => println!("{} {text}", timestamp()),
        }
    }

    /// The line of one service, which waits at most `timeout` for it to be ready.
    pub fn service(&self, name: &str, timeout: Duration) -> ServiceLine {
        let bar = self.live.as_ref().map(|multi| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {prefix} {msg}")
                    .expect("valid template"),
            );
            bar.set_prefix(format!("{name:<NAME_WIDTH$}"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        ServiceLine {
            service: name.to_string(),
            live: self.live.clone(),
            bar,
            started: Instant::now(),
            timeout,
            printed: RefCell::new(None),
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

/// One service's live line (or its plain lines).
pub(crate) struct ServiceLine {
    service: String,
    live: Option<MultiProgress>,
    bar: Option<ProgressBar>,
    started: Instant,
    timeout: Duration,
    /// The last state printed on a pipe, and when.
    printed: RefCell<Option<(String, Instant)>>,
}

impl ServiceLine {
    /// A step without a clock (`creating`, `stopping the old container`).
    pub fn step(&self, what: &str) {
        self.show(what, what);
    }

    /// Waiting for readiness: what the last check found, with elapsed time and the timeout.
    pub fn waiting(&self, check: &str) {
        let text = format!(
            "waiting: {check} ({}s/{}s)",
            self.started.elapsed().as_secs(),
            self.timeout.as_secs()
        );
        self.show(&format!("waiting: {check}"), &text);
    }

    /// The service is done (`created: ready after 8s`): printed now, the live line removed.
    pub fn done(&self, outcome: &str) {
        let line = format!(
            "{:<NAME_WIDTH$} {outcome}: {} after {}s",
            self.service,
            style::paint("ready", Tone::Good),
            self.started.elapsed().as_secs()
        );
        self.finish(&line);
    }

    /// A service that needed no readiness wait (`unchanged`).
    pub(crate) fn settled(&self, outcome: &str) {
        let line = format!("{:<NAME_WIDTH$} {outcome}", self.service);
        self.finish(&line);
    }

    /// The service failed; the error itself is printed by the caller, once.
    pub fn failed(&self, what: &str) {
        let line = format!(
            "{:<NAME_WIDTH$} {} {what} ({}s)",
            self.service,
            style::paint("FAILED", Tone::Bad),
            self.started.elapsed().as_secs()
        );
        self.finish(&line);
    }

    /// Shows `text` live; on a pipe prints it when `key` (the state without the clock) is new,
    /// or again after a while, or always with `-v`.
    fn show(&self, key: &str, text: &str) {
        if style::quiet() {
            return;
        }
        if let Some(bar) = &self.bar {
            bar.set_message(text.to_string());
            return;
        }
        let mut printed = self.printed.borrow_mut();
        let due = match &*printed {
            Some((last, at)) => last != key || at.elapsed() >= PIPE_REPEAT || style::verbose(),
            None => true,
        };
        if due {
            println!("{} {:<NAME_WIDTH$} {text}", timestamp(), self.service);
            *printed = Some((key.to_string(), Instant::now()));
        }
    }

    fn finish(&self, line: &str) {
        if style::quiet() {
            if let Some(bar) = &self.bar {
                bar.finish_and_clear();
            }
            return;
        }
        match (&self.bar, &self.live) {
            (Some(bar), Some(multi)) => {
                bar.finish_and_clear();
                // Printed above the remaining live lines, where it stays.
                let _ = multi.println(format!("  {}", style::for_stdout(line)));
            }
            _ => anstream::println!("{} {line}", timestamp()),
        }
    }
}

impl Drop for ServiceLine {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `2026-12-05T20:50:01Z`: UTC, to the second, for logs.
fn timestamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
