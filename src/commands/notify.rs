//! `stackctl notify test [RECEIVER]`: a synthetic alert routed to RECEIVER (default: the
//! manifest's default receiver) is posted to the running Alertmanager; Alertmanager's own
//! notification counters say, per integration, when it was delivered or failed, its log says
//! why; then the alert is resolved. Exit 0 when every integration delivered, 1 otherwise.
//!
//! The counters are per integration type, not per receiver: a real alert notified through the
//! same type at the same moment can be counted as this one's delivery.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;

use super::endpoint::Api;
use super::session::{self, Session};
use crate::catalog::Kind;
use crate::cli::{GlobalArgs, NotifyArgs, NotifyCommand};
use crate::docker::Engine;
use crate::error::CommandError;
use crate::http_client::Method;
use crate::manifest::topology::Component;
use crate::notify_test::counters::{self, Counters, Outcome};
use crate::notify_test::report::{self, Report};
use crate::notify_test::{alert, routing};
use crate::suggest::did_you_mean;

const ALERTMANAGER_PORT: u16 = 9093;
const HTTP_TIMEOUT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(500);
/// After `group_wait`, how long a success must stand without a failed request of the same
/// integration type before it is taken as this receiver's delivery.
const SETTLE: Duration = Duration::from_secs(2);
/// How long the test alert lives if it cannot be resolved.
const ALERT_LIFETIME: Duration = Duration::from_secs(600);

pub fn exec(global: &GlobalArgs, args: NotifyArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        NotifyCommand::Test(test) => {
            let session = Session::open(global)?;
            run(
                &session,
                test.receiver.as_deref(),
                Duration::from_secs(test.timeout),
            )
        }
    }
}

/// Runs the test on an opened session (also used by `deploy --test-notify`).
pub fn run(
    session: &Session,
    receiver: Option<&str>,
    timeout: Duration,
) -> anyhow::Result<ExitCode> {
    let plan = TestPlan::new(session, receiver)?;
    let report = session::runtime()?.block_on(send_and_watch(session, &plan, timeout))?;
    crate::output::print_data(&report::format(&report));
    Ok(if report.all_delivered() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// What to send where, decided from the manifest before anything is sent.
struct TestPlan {
    receiver: String,
    labels: routing::Labels,
    integrations: Vec<&'static str>,
    /// Secret values Alertmanager's errors may quote (a webhook URL with a token).
    secrets: Vec<String>,
    /// Alertmanager sends nothing for the receiver before this; a success counted earlier
    /// belongs to another alert.
    group_wait: Duration,
}

impl TestPlan {
    fn new(session: &Session, receiver: Option<&str>) -> anyhow::Result<Self> {
        let manifest = &session.loaded.manifest;
        let Some(notify) = &manifest.notify else {
            return Err(CommandError::usage(
                "the manifest has no `notify` section: there is no receiver to test",
            )
            .hint("add `notify` with a receiver (see docs/manifest.md#notify)")
            .into());
        };
        let name = receiver.unwrap_or(&notify.default);
        let Some(channels) = notify.receivers.get(name) else {
            let known: Vec<&str> = notify.receivers.keys().map(String::as_str).collect();
            let hint = match did_you_mean(name, &known) {
                Some(close) => format!("did you mean `{close}`? receivers: {}", known.join(", ")),
                None => format!("receivers: {}", known.join(", ")),
            };
            return Err(CommandError::usage(format!(
                "`notify.receivers` has no receiver `{name}`"
            ))
            .hint(hint)
            .into());
        };
        let version = alertmanager(session)?.version;
        let integrations = routing::integrations(channels, version);
        if integrations.is_empty() {
            return Err(CommandError::usage(format!("receiver `{name}` has no channels: nothing to test"))
                .hint(format!("give `notify.receivers.{name}` a channel (email, slack, pagerduty, webhook, msteams, opsgenie, telegram, discord)"))
                .into());
        }
        let labels = routing::labels_for(notify, name).map_err(|message| {
            CommandError::usage(message).hint("give the route to this receiver a `match` label, or test it through a receiver that is reachable")
        })?;
        let mut secrets = session.loaded.secret_values.clone();
        secrets.extend(receiver_secrets(channels));
        Ok(Self {
            receiver: name.to_string(),
            group_wait: routing::group_wait(notify, name),
            labels,
            integrations,
            secrets,
        })
    }

    fn label_text(&self) -> String {
        let pairs: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        format!("{{{}}}", pairs.join(", "))
    }
}

fn alertmanager(session: &Session) -> anyhow::Result<Component> {
    crate::manifest::topology::components(&session.loaded.manifest)
        .into_iter()
        .find(|c| c.kind == Kind::Alertmanager)
        .ok_or_else(|| {
            CommandError::usage(
                "the manifest declares no Alertmanager: there is nothing to send a test alert to",
            )
            .hint("add `components.alertmanager`")
            .into()
        })
}

async fn send_and_watch(
    session: &Session,
    plan: &TestPlan,
    timeout: Duration,
) -> anyhow::Result<Report> {
    let engine = session::connect().await?;
    let (base, container) = alertmanager_endpoint(&engine, session).await?;
    let base = &base;
    let before = quiet_counters(base).await?;
    let started = now();
    let ends = humantime::format_rfc3339_seconds(SystemTime::now() + ALERT_LIFETIME).to_string();
    post_alerts(
        base,
        alert::firing(&plan.labels, &plan.receiver, &started, &ends),
    )
    .await?;
    let clock = Instant::now();
    let watched = Watch {
        engine: &engine,
        base,
        container: &container,
        since: &started,
    };
    let outcomes = watched.until_settled(plan, &before, clock, timeout).await?;
    let resolved = post_alerts(
        base,
        alert::resolved(&plan.labels, &plan.receiver, &started, &now()),
    )
    .await
    .is_ok();
    let waited = clock.elapsed().as_secs();
    let results = plan
        .integrations
        .iter()
        .zip(outcomes)
        .map(|(integration, (outcome, logged))| {
            let logged = logged.map(|error| redact(&error, &plan.secrets));
            report::result(integration, &outcome, logged, waited)
        })
        .collect();
    Ok(Report {
        receiver: plan.receiver.clone(),
        labels: plan.label_text(),
        results,
        resolved,
    })
}

/// Where the outcome is read: Alertmanager's counters and its container's log.
struct Watch<'a, E: Engine> {
    engine: &'a E,
    base: &'a Api,
    container: &'a str,
    /// When the test alert was sent (RFC 3339): older log lines are not about it.
    since: &'a str,
}

impl<E: Engine> Watch<'_, E> {
    /// Polls until every integration delivered or failed, or `timeout` passed. The counters
    /// are per integration type, so a failure counts only once the log names this receiver.
    async fn until_settled(
        &self,
        plan: &TestPlan,
        before: &BTreeMap<String, Counters>,
        clock: Instant,
        timeout: Duration,
    ) -> anyhow::Result<Vec<(Outcome, Option<String>)>> {
        loop {
            tokio::time::sleep(POLL).await;
            let after = read_counters(self.base).await?;
            let timed_out = clock.elapsed() >= timeout;
            let counted: Vec<Outcome> = plan
                .integrations
                .iter()
                .map(|i| {
                    let get =
                        |m: &BTreeMap<String, Counters>| m.get(*i).copied().unwrap_or_default();
                    let (before, after) = (get(before), get(&after));
                    match counters::outcome(before, after) {
                        // No failure of this receiver was logged, and a request succeeded.
                        Outcome::Retrying if timed_out && counters::succeeded(before, after) => {
                            Outcome::Delivered
                        }
                        // Before group_wait (and a moment for a failing request to be counted)
                        // a success is another alert's.
                        Outcome::Delivered if clock.elapsed() < plan.group_wait + SETTLE => {
                            Outcome::Waiting
                        }
                        outcome => outcome,
                    }
                })
                .collect();
            let log = if counted
                .iter()
                .any(|o| matches!(o, Outcome::Failed | Outcome::Retrying))
            {
                self.engine
                    .logs_tail(self.container, 400)
                    .await
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let outcomes: Vec<(Outcome, Option<String>)> = plan
                .integrations
                .iter()
                .zip(counted)
                .map(|(integration, outcome)| {
                    let logged =
                        counters::error_in_log(&log, &plan.receiver, integration, self.since);
                    match (outcome, logged) {
                        (Outcome::Delivered, _) => (Outcome::Delivered, None),
                        (_, Some(error)) => (Outcome::Failed, Some(error)),
                        (Outcome::Failed, None) => (Outcome::Retrying, None),
                        (other, None) => (other, None),
                    }
                })
                .collect();
            let settled = outcomes
                .iter()
                .all(|(o, _)| matches!(o, Outcome::Delivered | Outcome::Failed));
            if settled || timed_out {
                return Ok(outcomes);
            }
        }
    }
}

/// `http(s)://host:port` of the running Alertmanager, its credentials and its container.
async fn alertmanager_endpoint<E: Engine>(
    engine: &E,
    session: &Session,
) -> anyhow::Result<(Api, String)> {
    let api = super::endpoint::api(engine, session, "alertmanager", ALERTMANAGER_PORT).await?;
    let container = api.container.clone();
    Ok((api, container))
}

/// The counters once they stop moving (at most a few seconds): notifications still in flight
/// from earlier alerts are not counted as the test's.
async fn quiet_counters(base: &Api) -> anyhow::Result<BTreeMap<String, Counters>> {
    let mut last = read_counters(base).await?;
    for _ in 0..10 {
        tokio::time::sleep(POLL).await;
        let next = read_counters(base).await?;
        if next == last {
            break;
        }
        last = next;
    }
    Ok(last)
}

async fn read_counters(base: &Api) -> anyhow::Result<BTreeMap<String, Counters>> {
    let url = format!("{}/metrics", base.base);
    let reply = base
        .call(Method::Get, "/metrics", HTTP_TIMEOUT)
        .send()
        .await
        .with_context(|| format!("cannot read Alertmanager's metrics at `{url}`"))?;
    if !reply.ok() {
        anyhow::bail!(
            "Alertmanager's metrics at `{url}` answered {}",
            reply.status
        );
    }
    Ok(counters::parse(&reply.body))
}

async fn post_alerts(base: &Api, body: serde_json::Value) -> anyhow::Result<()> {
    let url = format!("{}/api/v2/alerts", base.base);
    let reply = base
        .call(Method::Post, "/api/v2/alerts", HTTP_TIMEOUT)
        .json(body)
        .send()
        .await
        .with_context(|| format!("Alertmanager refused the test alert at `{url}`"))?;
    if !reply.ok() {
        anyhow::bail!(
            "Alertmanager refused the test alert at `{url}`: {} {}",
            reply.status,
            reply.body.trim()
        );
    }
    Ok(())
}

fn receiver_secrets(receiver: &crate::manifest::Receiver) -> Vec<String> {
    let email = receiver.email.as_ref().and_then(|e| e.password.as_ref());
    let slack = receiver.slack.as_ref().map(|s| &s.webhook_url);
    let routing_key = receiver
        .pagerduty
        .as_ref()
        .and_then(|p| p.routing_key.as_ref());
    let service_key = receiver
        .pagerduty
        .as_ref()
        .and_then(|p| p.service_key.as_ref());
    let webhook = receiver.webhook.as_ref().map(|w| &w.url);
    let auth = receiver.webhook.as_ref().and_then(|w| w.auth.as_ref());
    let bearer = auth.and_then(|a| a.bearer.as_ref());
    let basic = auth.and_then(|a| a.basic.as_ref()).map(|b| &b.password);
    let teams = receiver.msteams.as_ref().map(|t| &t.webhook_url);
    let opsgenie = receiver.opsgenie.as_ref().map(|o| &o.api_key);
    let telegram = receiver.telegram.as_ref().map(|t| &t.bot_token);
    let discord = receiver.discord.as_ref().map(|d| &d.webhook_url);
    let all = [
        email,
        slack,
        routing_key,
        service_key,
        webhook,
        bearer,
        basic,
        teams,
        opsgenie,
        telegram,
        discord,
    ];
    all.into_iter()
        .flatten()
        .map(|secret| secret.expose().to_string())
        .filter(|value| !value.is_empty())
        .collect()
}

/// `text` with every secret value replaced by `<redacted>`, longest first.
fn redact(text: &str, secrets: &[String]) -> String {
    let mut secrets: Vec<&String> = secrets.iter().collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.into_iter().fold(text.to_string(), |text, secret| {
        text.replace(secret.as_str(), "<redacted>")
    })
}

fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alertmanagers_errors_never_show_a_secret() {
        let secrets = vec![
            "https://hooks.example/T0/abc".to_string(),
            "abc".to_string(),
        ];
        assert_eq!(
            redact("Post \"https://hooks.example/T0/abc\": 403 (abc)", &secrets),
            "Post \"<redacted>\": 403 (<redacted>)"
        );
    }
}
