//! `stackctl silence add|ls|expire`: Alertmanager silences through its v2 API, with the
//! credentials and scheme of an exposed stack. Matchers are parsed here, before anything is
//! sent (`label=value`, `!=`, `=~`, `!~`; regexes as RE2 via `expr::regex`).

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use serde_json::{json, Value};

use super::endpoint::{self, Api};
use super::session::{self, Session};
use crate::cli::{GlobalArgs, SilenceAddArgs, SilenceArgs, SilenceCommand, SilenceLsArgs};
use crate::error::CommandError;
use crate::http_client::Method;

const ALERTMANAGER_PORT: u16 = 9093;
const TIMEOUT: Duration = Duration::from_secs(10);

pub fn exec(global: &GlobalArgs, args: SilenceArgs) -> anyhow::Result<ExitCode> {
    // Bad input is refused before the manifest is rendered or anything is called.
    let add = match &args.command {
        SilenceCommand::Add(add) => Some(NewSilence::parse(add)?),
        _ => None,
    };
    let session = Session::open(global)?;
    session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        let api = endpoint::api(&engine, &session, "alertmanager", ALERTMANAGER_PORT).await?;
        match (&args.command, add) {
            (SilenceCommand::Add(_), Some(silence)) => create(&api, &silence).await,
            (SilenceCommand::Ls(ls), _) => list(&api, ls).await,
            (SilenceCommand::Expire(expire), _) => {
                for id in &expire.ids {
                    expire_one(&api, id).await?;
                }
                Ok(ExitCode::SUCCESS)
            }
            (SilenceCommand::Add(_), None) => unreachable!("parsed above"),
        }
    })
}

/// One matcher as Alertmanager's v2 API takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    pub is_equal: bool,
}

impl Matcher {
    /// `name=value`, `name!=value`, `name=~regex`, `name!~regex`.
    pub fn parse(text: &str) -> Result<Self, CommandError> {
        let bad = |why: &str| {
            CommandError::usage(format!("`--match {text}`: {why}"))
                .hint("write `label=value`, `label!=value`, `label=~regex` or `label!~regex`, e.g. `--match alertname=InstanceDown`")
        };
        let (at, op) = ["!=", "=~", "!~", "="]
            .iter()
            .filter_map(|op| text.find(op).map(|at| (at, *op)))
            .min_by_key(|(at, op)| (*at, std::cmp::Reverse(op.len())))
            .ok_or_else(|| bad("no `=`, `!=`, `=~` or `!~`"))?;
        let name = text[..at].trim();
        let value = text[at + op.len()..].trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        if !crate::manifest::validate::names::is_label_name(name) && name != "__name__" {
            return Err(bad(&format!("`{name}` is not a label name")));
        }
        let is_regex = op.ends_with('~');
        if is_regex {
            crate::expr::regex::check(value, crate::expr::regex::Dialect::Matcher)
                .map_err(|e| bad(&e.message))?;
        }
        Ok(Self {
            name: name.to_string(),
            value: value.to_string(),
            is_regex,
            is_equal: !op.starts_with('!'),
        })
    }

    fn json(&self) -> Value {
        json!({"name": self.name, "value": self.value, "isRegex": self.is_regex, "isEqual": self.is_equal})
    }
}

/// A silence to create, checked before anything is sent.
struct NewSilence {
    matchers: Vec<Matcher>,
    duration: Duration,
    comment: String,
    author: String,
}

impl NewSilence {
    fn parse(args: &SilenceAddArgs) -> Result<Self, CommandError> {
        let matchers = args
            .matchers
            .iter()
            .map(|m| Matcher::parse(m))
            .collect::<Result<Vec<_>, _>>()?;
        if matchers.iter().all(|m| m.value.is_empty() && m.is_equal) {
            return Err(CommandError::usage(
                "every `--match` is `label=` (empty): the silence would match every alert",
            )
            .hint("give at least one matcher a value, e.g. `--match alertname=InstanceDown`"));
        }
        let duration = humantime::parse_duration(&args.duration)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                CommandError::usage(format!("`--for {}` is not a duration", args.duration))
                    .hint("write a positive duration such as `30m`, `2h` or `1d`")
            })?;
        if args.comment.trim().is_empty() {
            return Err(CommandError::usage("`--comment` is empty")
                .hint("say why the alerts are silenced; Alertmanager requires a comment"));
        }
        let author = args
            .author
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "stackctl".to_string());
        Ok(Self {
            matchers,
            duration,
            comment: args.comment.clone(),
            author,
        })
    }

    fn body(&self, now: SystemTime) -> Value {
        json!({
            "matchers": self.matchers.iter().map(Matcher::json).collect::<Vec<_>>(),
            "startsAt": rfc3339(now),
            "endsAt": rfc3339(now + self.duration),
            "createdBy": self.author,
            "comment": self.comment,
        })
    }
}

async fn create(api: &Api, silence: &NewSilence) -> anyhow::Result<ExitCode> {
    let reply = api
        .call(Method::Post, "/api/v2/silences", TIMEOUT)
        .json(silence.body(SystemTime::now()))
        .send()
        .await
        .context("cannot reach Alertmanager")?;
    if !reply.ok() {
        return Err(refused("created the silence", reply.status, &reply.body));
    }
    let id = serde_json::from_str::<Value>(&reply.body)
        .ok()
        .and_then(|v| v["silenceID"].as_str().map(str::to_string))
        .context("Alertmanager's answer holds no `silenceID`")?;
    crate::output::print_data(&format!("{id}\n"));
    Ok(ExitCode::SUCCESS)
}

async fn list(api: &Api, args: &SilenceLsArgs) -> anyhow::Result<ExitCode> {
    let reply = api
        .call(Method::Get, "/api/v2/silences", TIMEOUT)
        .send()
        .await
        .context("cannot reach Alertmanager")?;
    if !reply.ok() {
        return Err(refused("listed the silences", reply.status, &reply.body));
    }
    let all: Vec<Value> =
        serde_json::from_str(&reply.body).context("Alertmanager's silence list is not JSON")?;
    let mut shown: Vec<Value> = all
        .into_iter()
        .filter(|s| args.all || s["status"]["state"] != "expired")
        .collect();
    shown.sort_by(|a, b| {
        a["endsAt"]
            .as_str()
            .unwrap_or("")
            .cmp(b["endsAt"].as_str().unwrap_or(""))
    });
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&shown)?)?;
    } else {
        write!(out, "{}", table(&shown))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// ID, state, matchers, end, author and comment of each silence.
fn table(silences: &[Value]) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header(["ID", "STATE", "MATCHERS", "ENDS", "CREATED BY", "COMMENT"]);
    for s in silences {
        let matchers: Vec<String> = s["matchers"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(matcher_text)
            .collect();
        table.add_row([
            s["id"].as_str().unwrap_or(""),
            s["status"]["state"].as_str().unwrap_or(""),
            &matchers.join(" "),
            s["endsAt"].as_str().unwrap_or(""),
            s["createdBy"].as_str().unwrap_or(""),
            s["comment"].as_str().unwrap_or(""),
        ]);
    }
    if silences.is_empty() {
        return "no silences\n".to_string();
    }
    format!("{table}\n")
}

fn matcher_text(m: &Value) -> String {
    let op = match (
        m["isEqual"].as_bool().unwrap_or(true),
        m["isRegex"].as_bool().unwrap_or(false),
    ) {
        (true, false) => "=",
        (false, false) => "!=",
        (true, true) => "=~",
        (false, true) => "!~",
    };
    format!(
        "{}{op}{:?}",
        m["name"].as_str().unwrap_or(""),
        m["value"].as_str().unwrap_or("")
    )
}

async fn expire_one(api: &Api, id: &str) -> anyhow::Result<()> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(CommandError::usage(format!("`{id}` is not a silence ID"))
            .hint("IDs look like `0f0e5b4c-…`; `stackctl silence ls` lists them")
            .into());
    }
    let reply = api
        .call(Method::Delete, &format!("/api/v2/silence/{id}"), TIMEOUT)
        .send()
        .await
        .context("cannot reach Alertmanager")?;
    match reply.status {
        200..=299 => {
            crate::output::print_data(&format!("expired {id}\n"));
            Ok(())
        }
        404 => Err(
            CommandError::failure(format!("Alertmanager has no silence `{id}`"))
                .hint("`stackctl silence ls --all` lists them")
                .into(),
        ),
        status => Err(refused(
            &format!("expired silence `{id}`"),
            status,
            &reply.body,
        )),
    }
}

fn refused(what: &str, status: u16, body: &str) -> anyhow::Error {
    let body = body.trim();
    let why = if body.is_empty() {
        format!("answered {status}")
    } else {
        format!(
            "answered {status}: {}",
            body.chars().take(300).collect::<String>()
        )
    };
    CommandError::failure(format!("Alertmanager has not {what}: it {why}")).into()
}

fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_four_matcher_operators() {
        let cases = [
            (
                "alertname=InstanceDown",
                ("alertname", "InstanceDown", false, true),
            ),
            ("severity!=critical", ("severity", "critical", false, false)),
            ("instance=~web-.*", ("instance", "web-.*", true, true)),
            (
                "job!~\"node|cadvisor\"",
                ("job", "node|cadvisor", true, false),
            ),
            ("path=/a=b", ("path", "/a=b", false, true)),
        ];
        for (text, (name, value, is_regex, is_equal)) in cases {
            let m = Matcher::parse(text).unwrap();
            assert_eq!(
                (m.name.as_str(), m.value.as_str(), m.is_regex, m.is_equal),
                (name, value, is_regex, is_equal),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_matchers_alertmanager_would_refuse() {
        for (text, why) in [
            ("alertname", "no `=`"),
            ("team-name=x", "not a label name"),
            ("=x", "not a label name"),
            ("instance=~(", "not a valid regular expression"),
        ] {
            let error = Matcher::parse(text).unwrap_err();
            assert!(error.message.contains(why), "{text}: {}", error.message);
        }
    }
}
