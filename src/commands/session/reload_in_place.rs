//! Getting changed config into running programs: hot reload where the program supports it
//! (`POST /-/reload`, Grafana's provisioning API, a signal), restart otherwise; each confirmed
//! (reload status, `*_config_last_reload_successful`, readiness). When one program rejects its
//! new config, every file is restored and the programs reloaded already are reloaded back, so
//! the stack never runs without a config it accepted.
//!
//! Each service has a progress line while it reloads (what is being asked or checked, and for
//! how long), and its outcome is printed when it is known, as deploy does (`output::progress`).

use std::collections::BTreeMap;
use std::time::Duration;

use super::config_backup::Backup;
use super::http::{self, Method};
use super::{ready, secrets, Session};
use crate::docker::{ContainerStatus, Engine};
use crate::error::CommandError;
use crate::output::progress::{Progress, ServiceLine};
use crate::plan::DesiredService;
use crate::render::RenderedFile;
use crate::service::{ReloadMethod, ServiceSpec};

const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a program may take to report the reload a signal asked for.
const SIGNAL_RELOAD_TIMEOUT: Duration = Duration::from_secs(15);

/// A service to reload and the container running it.
pub(crate) struct Target<'a> {
    pub desired: &'a DesiredService,
    pub container: String,
}

/// The program refused its new config; the text is the program's own message.
#[derive(Debug)]
struct Rejected(String);

/// Reloads each target, its progress on `progress`; on a rejection restores `backup`, reloads
/// back, and fails with the program's message. Returns how each service took its config
/// (`reloaded`, `restarted`).
pub(crate) async fn reload_all<E: Engine>(
    engine: &E,
    session: &Session,
    targets: &[Target<'_>],
    backup: &Backup,
    (timeout, progress): (Duration, &Progress),
) -> anyhow::Result<Vec<(String, &'static str)>> {
    let mut done = Vec::new();
    for (index, target) in targets.iter().enumerate() {
        let line = progress.service(&target.desired.spec.name, wait_limit(target, timeout));
        match reload_one(
            engine,
            session,
            target,
            &session.stack.files,
            (timeout, &line),
        )
        .await
        {
            Ok(how) => {
                report_outcome(&line, how);
                done.push((target.desired.spec.name.clone(), how));
            }
            Err(Rejected(message)) => {
                line.failed("reload");
                let rolled_back = roll_back(
                    engine,
                    session,
                    &targets[..=index],
                    backup,
                    (timeout, progress),
                )
                .await;
                return Err(rejected(&target.desired.spec, &message, rolled_back));
            }
        }
    }
    Ok(done)
}

/// The longest a service's line may wait: a restart waits for readiness, a signalled reload
/// for the program to report it, an HTTP reload for its answer.
fn wait_limit(target: &Target<'_>, timeout: Duration) -> Duration {
    match target.desired.spec.reload {
        ReloadMethod::Restart => timeout,
        ReloadMethod::Signal(_) => SIGNAL_RELOAD_TIMEOUT,
        ReloadMethod::HttpPost { .. } | ReloadMethod::GrafanaProvisioning { .. } => HTTP_TIMEOUT,
    }
}

/// `restarted` waited for readiness (`restarted: ready after 4s`); a reload is its own verdict.
fn report_outcome(line: &ServiceLine, how: &str) {
    match how {
        "restarted" => line.done(how),
        _ => line.settled(how),
    }
}

async fn roll_back<E: Engine>(
    engine: &E,
    session: &Session,
    targets: &[Target<'_>],
    backup: &Backup,
    (timeout, progress): (Duration, &Progress),
) -> Result<(), String> {
    if backup.is_empty() {
        return Err("there were no earlier files to restore".to_string());
    }
    backup
        .restore(&session.out_dir)
        .map_err(|e| format!("{e:#}"))?;
    progress.note("restored the previous files; reloading onto them");
    for target in targets {
        let line = progress.service(&target.desired.spec.name, wait_limit(target, timeout));
        let result = reload_one(engine, session, target, &backup.files, (timeout, &line)).await;
        match &result {
            Ok(_) => line.settled("reloaded onto its previous config"),
            Err(_) => line.failed("reload back"),
        }
        if let Err(Rejected(message)) = result {
            return Err(format!(
                "`{}` did not take its previous config back either: {message}",
                target.desired.spec.name
            ));
        }
    }
    Ok(())
}

fn rejected(spec: &ServiceSpec, message: &str, rolled_back: Result<(), String>) -> anyhow::Error {
    let failure = CommandError::failure(format!(
        "`{}` rejected its new configuration: {}",
        spec.name,
        message.trim()
    ));
    let failure = match rolled_back {
        Ok(()) => failure.hint(
            "the previous files were restored and reloaded, so the stack runs its last good config; fix the manifest and run `stackctl reload` again",
        ),
        Err(why) => failure.hint(format!("the previous config could not be restored ({why}); run `stackctl status` and fix the manifest")),
    };
    anyhow::Error::new(failure)
}

async fn reload_one<E: Engine>(
    engine: &E,
    session: &Session,
    target: &Target<'_>,
    files: &BTreeMap<String, RenderedFile>,
    (timeout, line): (Duration, &ServiceLine),
) -> Result<&'static str, Rejected> {
    let spec = &target.desired.spec;
    let fail = |e: anyhow::Error| Rejected(format!("{e:#}"));
    line.step("copying its secret files in");
    let secret_files = secrets::files(spec, files).map_err(fail)?;
    engine
        .inject_files(&target.container, &secret_files)
        .await
        .map_err(fail)?;
    let status = engine
        .inspect_container(&target.container)
        .await
        .map_err(|e| fail(e.into()))?;
    let address = |port: u16| {
        ready::endpoint(spec, port, &status, &session.project)
            .ok_or_else(|| Rejected(format!("no address reaches `{}` on port {port}", spec.name)))
    };
    match &spec.reload {
        ReloadMethod::HttpPost { port, path } => {
            let url = format!("{}://{}{path}", spec.scheme(), address(*port)?);
            line.step(&format!("POST {path}"));
            expect_ok(
                http::call(Method::Post, &url, None, HTTP_TIMEOUT).await,
                &url,
            )?;
            line.step("checking GET /metrics for the reload verdict");
            confirm(spec, &status, session).await?;
            Ok("reloaded")
        }
        ReloadMethod::GrafanaProvisioning { port } => {
            let auth = grafana_admin(session, spec, files);
            for kind in ["datasources", "dashboards"] {
                let path = format!("/api/admin/provisioning/{kind}/reload");
                let url = format!("http://{}{path}", address(*port)?);
                line.step(&format!("POST {path}"));
                expect_ok(
                    http::call(Method::Post, &url, auth.clone(), HTTP_TIMEOUT).await,
                    &url,
                )?;
            }
            Ok("reloaded")
        }
        ReloadMethod::Signal(signal) => {
            line.step("reading GET /metrics before the signal");
            let before = metrics(spec, &status, session).await;
            line.step(&format!("sending {signal}"));
            engine
                .signal_container(&target.container, signal)
                .await
                .map_err(fail)?;
            match before.as_deref().and_then(last_reload_timestamp) {
                Some(before) => {
                    await_signalled_reload(
                        engine,
                        spec,
                        (&status, &target.container),
                        (session, line),
                        before,
                    )
                    .await?
                }
                None => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    line.step("checking GET /metrics for the reload verdict");
                    confirm(spec, &status, session).await?;
                }
            }
            Ok("reloaded")
        }
        ReloadMethod::Restart => {
            line.step("restarting");
            engine
                .restart_container(&target.container, 10)
                .await
                .map_err(fail)?;
            ready::wait_ready(
                engine,
                spec,
                (&target.container, session.credentials(spec)),
                &session.project,
                timeout,
                &|check| line.waiting(check),
            )
            .await
            .map_err(fail)?;
            Ok("restarted")
        }
    }
}

fn expect_ok(reply: anyhow::Result<http::Reply>, url: &str) -> Result<(), Rejected> {
    match reply {
        Ok(reply) if reply.ok() => Ok(()),
        Ok(reply) if reply.body.trim().is_empty() => {
            Err(Rejected(format!("POST {url} answered {}", reply.status)))
        }
        Ok(reply) => Err(Rejected(reply.body)),
        Err(e) => Err(Rejected(format!("POST {e:#}"))),
    }
}

/// The program's own verdict, where it exports one (`*_config_last_reload_successful 0`).
async fn confirm(
    spec: &ServiceSpec,
    status: &ContainerStatus,
    session: &Session,
) -> Result<(), Rejected> {
    let project = &session.project;
    let Some(port) = spec.metrics_port else {
        return Ok(());
    };
    let Some(address) = ready::endpoint(spec, port, status, project) else {
        return Ok(());
    };
    let url = format!("{}://{address}/metrics", spec.scheme());
    let Ok(reply) = http::get_as(&url, session.credentials(spec), HTTP_TIMEOUT).await else {
        return Ok(());
    };
    match last_reload_successful(&reply.body) {
        Some(false) => Err(Rejected(format!(
            "`{}` reports that its last config reload failed (see `docker logs`)",
            spec.name
        ))),
        _ => Ok(()),
    }
}

/// The program's metrics text, when it serves metrics and answers.
async fn metrics(
    spec: &ServiceSpec,
    status: &ContainerStatus,
    session: &Session,
) -> Option<String> {
    let port = spec.metrics_port?;
    let address = ready::endpoint(spec, port, status, &session.project)?;
    let url = format!("{}://{address}/metrics", spec.scheme());
    let reply = http::get_as(&url, session.credentials(spec), HTTP_TIMEOUT)
        .await
        .ok()?;
    reply.ok().then_some(reply.body)
}

/// After a reload signal: waits until the program reports a newer successful reload, or a
/// failed one (then its own error, from its log, is the rejection).
async fn await_signalled_reload<E: Engine>(
    engine: &E,
    spec: &ServiceSpec,
    (status, container): (&ContainerStatus, &str),
    (session, line): (&Session, &ServiceLine),
    before: f64,
) -> Result<(), Rejected> {
    let started = std::time::Instant::now();
    while started.elapsed() < SIGNAL_RELOAD_TIMEOUT {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let Some(text) = metrics(spec, status, session).await else {
            line.waiting("GET /metrics unanswered");
            continue;
        };
        line.waiting("GET /metrics reports no newer reload yet");
        if last_reload_successful(&text) == Some(false) {
            let logs = engine.logs_tail(container, 20).await.unwrap_or_default();
            let errors: Vec<&str> = logs
                .lines()
                .filter(|l| l.contains("level=error") || l.contains("level=ERROR"))
                .collect();
            return Err(Rejected(if errors.is_empty() {
                format!(
                    "`{}` reports that its last config reload failed (see `docker logs`)",
                    spec.name
                )
            } else {
                errors.join("\n")
            }));
        }
        if last_reload_timestamp(&text).is_some_and(|t| t > before) {
            return Ok(());
        }
    }
    Err(Rejected(format!(
        "`{}` did not report a config reload within {}s of the signal",
        spec.name,
        SIGNAL_RELOAD_TIMEOUT.as_secs()
    )))
}

/// The `*_config_last_reload_success_timestamp_seconds` sample, in Prometheus text format.
pub(crate) fn last_reload_timestamp(metrics: &str) -> Option<f64> {
    sample_ending_with(metrics, "_config_last_reload_success_timestamp_seconds")?
        .parse()
        .ok()
}

/// `Some(ok)` from a `*_config_last_reload_successful` sample in Prometheus text format.
pub(crate) fn last_reload_successful(metrics: &str) -> Option<bool> {
    sample_ending_with(metrics, "_config_last_reload_successful").map(|value| value == "1")
}

/// The value of the first sample whose metric name ends with `suffix` (the program's prefix
/// differs: `prometheus_`, `alertmanager_`).
fn sample_ending_with<'a>(metrics: &'a str, suffix: &str) -> Option<&'a str> {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            l.split([' ', '{'])
                .next()
                .is_some_and(|name| name.ends_with(suffix))
        })
        .and_then(|l| l.rsplit(' ').next())
        .map(str::trim)
}

/// Grafana's admin user and password (read from its secret file, never from the environment).
fn grafana_admin(
    session: &Session,
    spec: &ServiceSpec,
    files: &BTreeMap<String, RenderedFile>,
) -> Option<(String, String)> {
    let user = session
        .loaded
        .manifest
        .components
        .grafana
        .as_ref()
        .and_then(|g| g.admin_user.clone())
        .unwrap_or_else(|| "admin".to_string());
    let secret = spec.secrets.iter().find(|s| s.name.contains("password"))?;
    let password = files
        .get(&secret.file)?
        .contents
        .expose()
        .trim_end_matches('\n')
        .to_string();
    Some((user, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_time_of_the_last_successful_reload() {
        let cases = [
            (
                "# TYPE x gauge\nprometheus_config_last_reload_success_timestamp_seconds 1.7e+09\n",
                Some(1.7e9),
            ),
            (
                "alertmanager_config_last_reload_success_timestamp_seconds 1764441000\n",
                Some(1764441000.0),
            ),
            ("prometheus_config_last_reload_successful 1\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(last_reload_timestamp(text), want, "{text}");
        }
    }

    #[test]
    fn reads_the_programs_reload_verdict() {
        let cases = [
            (
                "# HELP x\nprometheus_config_last_reload_successful 1\n",
                Some(true),
            ),
            (
                "alertmanager_config_last_reload_successful 0\n",
                Some(false),
            ),
            (
                "blackbox_exporter_config_last_reload_successful{a=\"b\"} 1\n",
                Some(true),
            ),
            ("up 1\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(last_reload_successful(text), want, "{text}");
        }
    }
}
