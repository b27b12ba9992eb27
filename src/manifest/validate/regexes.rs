//! Route `match_re` values, compiled as Alertmanager compiles them (RE2, anchored).

use super::durations::collect_routes;
use super::expressions::push;
use crate::expr::regex::{check as compile, Dialect};
use crate::manifest::{Diagnostic, Manifest};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let Some(notify) = &manifest.notify else {
        return;
    };
    let mut routes = Vec::new();
    collect_routes("notify", &notify.routes, &mut routes);
    for (path, route) in &routes {
        for (label, pattern) in &route.match_re {
            push(
                &format!("{path}.match_re.{label}"),
                compile(pattern, Dialect::Matcher).map(|_| ()),
                problems,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn compiles_route_regexes() {
        let notify = |pattern: &str| {
            format!("components: {{alertmanager: {{}}}}\nnotify: {{default: a, receivers: {{a: {{webhook: {{url: 'http://b:1/'}}}}}}, routes: [{{match_re: {{service: '{pattern}'}}, receiver: a}}]}}")
        };
        check_case(&notify("api|web"), None);
        check_case(
            &notify("api(|"),
            Some((
                "notify.routes[0].match_re.service",
                "`api(|` is not a valid regular expression: unclosed group",
            )),
        );
    }
}
