//! What `reload` prints besides the live progress: a warning for each service only a deploy
//! can update, that there was nothing to reload, or the verdict — the one line `-q` keeps.

/// A service the plan would recreate (`reason`: its image, ports or flags changed, it lost
/// its network…): a reload cannot apply that.
pub(crate) fn print_needs_deploy(service: &str, reason: &str) {
    anstream::eprintln!(
        "{} {}",
        super::style::warning_label(),
        needs_deploy(service, reason)
    );
}

/// `` `grafana` needs a new container (image grafana:12.1.0 → grafana:12.2.0 changed); run `stackctl deploy` ``
pub(crate) fn needs_deploy(service: &str, reason: &str) -> String {
    format!("`{service}` needs a new container ({reason}); run `stackctl deploy`")
}

/// A service whose container name is held by a container stackctl did not create (an app
/// that shares the project name): only `deploy --remove-orphans` replaces it.
pub(crate) fn print_name_taken(service: &str, container: &str) {
    anstream::eprintln!(
        "{} `{service}` has no container of its own: `{container}` was not created by stackctl; `stackctl deploy --remove-orphans` replaces it",
        super::style::warning_label()
    );
}

pub(crate) fn print_nothing_to_reload() {
    println!("nothing to reload: every running service has its current config");
}

/// Prints the verdict; `done` is each service that took the new config and how
/// (`reloaded` or `restarted`).
pub(crate) fn print_verdict(project: &str, done: &[(String, &'static str)]) {
    println!("{}", verdict(project, done));
}

/// `stack `shop`: 2 services took the new config (1 reloaded, 1 restarted)`.
pub(crate) fn verdict(project: &str, done: &[(String, &'static str)]) -> String {
    let count = |how: &str| done.iter().filter(|(_, h)| *h == how).count();
    let services = if done.len() == 1 {
        "service"
    } else {
        "services"
    };
    format!(
        "stack `{project}`: {} {services} took the new config ({} reloaded, {} restarted)",
        done.len(),
        count("reloaded"),
        count("restarted")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_counts_reloads_and_restarts() {
        let done = |hows: &[&'static str]| -> Vec<(String, &'static str)> {
            hows.iter().map(|h| ("x".to_string(), *h)).collect()
        };
        let rows = [
            (
                done(&["reloaded"]),
                "stack `shop`: 1 service took the new config (1 reloaded, 0 restarted)",
            ),
            (
                done(&["reloaded", "restarted"]),
                "stack `shop`: 2 services took the new config (1 reloaded, 1 restarted)",
            ),
            (
                done(&[]),
                "stack `shop`: 0 services took the new config (0 reloaded, 0 restarted)",
            ),
        ];
        for (done, want) in rows {
            assert_eq!(verdict("shop", &done), want);
        }
    }
}
