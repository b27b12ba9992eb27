//! What `deploy` prints besides the live progress: the closing summary (the verdict, then each
//! service's URL), the note that releases were locked, the warnings about kept containers and
//! moved images, and on a Swarm the dry-run plan and each service removed. Commands pass the
//! data; the wording is here.

use super::style;

/// The closing lines of a deploy (or a Swarm reload).
pub(crate) struct Summary<'a> {
    pub project: &'a str,
    pub outcome: Outcome,
    /// Each service that has a URL, with it, in the manifest's order.
    pub urls: Vec<(&'a str, &'a str)>,
}

pub enum Outcome {
    /// Nothing changed on the compose engine.
    UpToDate {
        services: usize,
    },
    Up {
        services: usize,
    },
    /// Nothing changed on a Swarm.
    SwarmUpToDate {
        services: usize,
    },
    SwarmUp {
        services: usize,
        /// Configs and secrets no service uses any more, removed after the update.
        removed_unused: usize,
        seconds: f64,
    },
}

pub(crate) fn print_summary(summary: &Summary) {
    // `-q` keeps only the verdict on the compose engine; the Swarm engine has always listed
    // the URLs too, and tests pin both.
    let urls = match summary.outcome {
        Outcome::UpToDate { .. } | Outcome::Up { .. } => !style::quiet(),
        Outcome::SwarmUpToDate { .. } | Outcome::SwarmUp { .. } => true,
    };
    print!("{}", summary_text(summary, urls));
}

/// The verdict line (after the unused-objects line on a Swarm), then the URLs when `urls`.
pub(crate) fn summary_text(summary: &Summary, urls: bool) -> String {
    let project = summary.project;
    let mut text = match summary.outcome {
        Outcome::UpToDate { services } => format!(
            "stack `{project}` is up to date: {services} services running, nothing changed\n"
        ),
        Outcome::Up { services } => format!("stack `{project}` is up: {services} services ready\n"),
        Outcome::SwarmUpToDate { services } => format!(
            "stack `{project}` is up to date: {services} services on the Swarm, nothing changed\n"
        ),
        Outcome::SwarmUp {
            services,
            removed_unused,
            seconds,
        } => {
            let removed = if removed_unused > 0 {
                format!("removed {removed_unused} config(s)/secret(s) no service uses\n")
            } else {
                String::new()
            };
            format!(
                "{removed}stack `{project}` is up on the Swarm: {services} services ready ({seconds:.1}s)\n"
            )
        }
    };
    if urls {
        for (name, url) in &summary.urls {
            text.push_str(&format!("  {name:<20} {url}\n"));
        }
    }
    text
}

/// `locked the releases of 4 services in ./stackctl.lock`.
pub(crate) fn print_locked(services: usize, lock_file: &std::path::Path) {
    println!(
        "locked the releases of {services} services in {}",
        lock_file.display()
    );
}

/// A tag in `stackctl.lock` that now names other content (re-tagged or rebuilt since).
pub(crate) fn print_moved_image(image: &str, lock_file: &str, locked: &str, now: &str) {
    eprintln!(
        "warning: `{image}` is not the image `{lock_file}` recorded ({locked}); it is now {now}"
    );
}

/// Containers with the project's label that stackctl did not create, and are left alone.
pub(crate) fn print_foreign_kept(project: &str, containers: &[&str]) {
    eprintln!("{}", foreign_kept(project, containers));
}

fn foreign_kept(project: &str, containers: &[&str]) -> String {
    format!(
        "warning: kept {} container(s) labelled with project `{project}` that stackctl did not create: {}\n  hint: `stackctl deploy --remove-orphans` removes them",
        containers.len(),
        containers.join(", ")
    )
}

/// `deploy --dry-run` on a Swarm: the plan's lines, or (`None`) that there is nothing to do.
pub(crate) fn print_swarm_plan(project: &str, lines: Option<&[String]>) {
    print!("{}", swarm_plan_text(project, lines));
}

fn swarm_plan_text(project: &str, lines: Option<&[String]>) -> String {
    let Some(lines) = lines else {
        return format!("stack `{project}` is up to date: nothing to do\n");
    };
    let mut text = format!("plan for stack `{project}` on the Swarm (dry run, nothing changed):\n");
    for line in lines {
        text.push_str(&format!("  {line}\n"));
    }
    text
}

/// A Swarm service the manifest no longer declares, removed (printed as it goes).
pub(crate) fn print_removed_service(name: &str) {
    println!("removed service {name}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(outcome: Outcome) -> Summary<'static> {
        Summary {
            project: "shop",
            outcome,
            urls: vec![("grafana", "http://127.0.0.1:3000")],
        }
    }

    #[test]
    fn summary_is_the_verdict_then_the_urls() {
        let url = "  grafana              http://127.0.0.1:3000\n";
        let rows = [
            (
                Outcome::UpToDate { services: 3 },
                "stack `shop` is up to date: 3 services running, nothing changed\n",
            ),
            (
                Outcome::Up { services: 3 },
                "stack `shop` is up: 3 services ready\n",
            ),
            (
                Outcome::SwarmUpToDate { services: 2 },
                "stack `shop` is up to date: 2 services on the Swarm, nothing changed\n",
            ),
            (
                Outcome::SwarmUp {
                    services: 2,
                    removed_unused: 0,
                    seconds: 12.34,
                },
                "stack `shop` is up on the Swarm: 2 services ready (12.3s)\n",
            ),
            (
                Outcome::SwarmUp {
                    services: 2,
                    removed_unused: 3,
                    seconds: 1.0,
                },
                "removed 3 config(s)/secret(s) no service uses\nstack `shop` is up on the Swarm: 2 services ready (1.0s)\n",
            ),
        ];
        for (outcome, verdict) in rows {
            let summary = summary(outcome);
            assert_eq!(summary_text(&summary, false), verdict);
            assert_eq!(summary_text(&summary, true), format!("{verdict}{url}"));
        }
    }

    #[test]
    fn kept_containers_warning_names_them_and_the_flag_that_removes_them() {
        assert_eq!(
            foreign_kept("shop", &["shop-app-1", "shop-db-1"]),
            "warning: kept 2 container(s) labelled with project `shop` that stackctl did not create: shop-app-1, shop-db-1\n  hint: `stackctl deploy --remove-orphans` removes them"
        );
    }

    #[test]
    fn swarm_dry_run_lists_the_plan_or_says_nothing_to_do() {
        assert_eq!(
            swarm_plan_text("shop", None),
            "stack `shop` is up to date: nothing to do\n"
        );
        assert_eq!(
            swarm_plan_text("shop", Some(&["create service shop_grafana".into()])),
            "plan for stack `shop` on the Swarm (dry run, nothing changed):\n  create service shop_grafana\n"
        );
    }
}
