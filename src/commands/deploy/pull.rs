//! Pulling missing images with progress: a bar per image on a terminal, plain lines otherwise.
//! An image that cannot be pulled is named with the manifest key that chose it.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::session::Session;
use crate::docker::{Engine, PullProgress};
use crate::error::CommandError;
use crate::plan::Pull;

pub(crate) async fn pull_all<E: Engine>(
    engine: &E,
    session: &Session,
    pulls: &[Pull],
) -> anyhow::Result<()> {
    let tty = std::io::stderr().is_terminal();
    for pull in pulls {
        let bar = if tty {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} pulling {prefix}: {msg}")
                    .expect("valid template"),
            );
            bar.set_prefix(pull.image.clone());
            Some(bar)
        } else {
            crate::output::print_notes(&[format!(
                "pulling {} (image of `{}`)",
                pull.image, pull.service
            )]);
            None
        };
        let mut report = |p: PullProgress| {
            if let Some(bar) = &bar {
                bar.set_message(describe(&p));
                bar.tick();
            }
        };
        let result = engine.pull_image(&pull.image, &mut report).await;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        if let Err(error) = result {
            let causes: Vec<String> = error.chain().map(|c| c.to_string()).collect();
            let key = session.key_of(&pull.service, "image");
            return Err(anyhow::Error::new(
                CommandError::failure(format!("cannot pull image `{}` for `{}`: {}", pull.image, pull.service, causes.join(": ")))
                    .hint(format!(
                        "the image is not on this host and could not be pulled; check `{key}` (or the `version` beside it), or load the image with `docker load`"
                    )),
            ));
        }
        crate::output::print_notes(&[format!("pulled {}", pull.image)]);
    }
    Ok(())
}

fn describe(p: &PullProgress) -> String {
    let layer = p
        .layer
        .as_deref()
        .map(|l| format!("{l} "))
        .unwrap_or_default();
    match (p.current, p.total) {
        (Some(current), Some(total)) if total > 0 => {
            format!(
                "{layer}{} {:.1}/{:.1} MB",
                p.status,
                current as f64 / 1e6,
                total as f64 / 1e6
            )
        }
        _ => format!("{layer}{}", p.status),
    }
}
