//! The subset of the Compose specification stackctl writes, as serde structs (long syntax
//! for ports, mounts and secrets, so no value needs Compose's short-form parsing).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub(crate) struct ComposeFile {
    pub name: String,
    pub services: IndexMap<String, Service>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub networks: IndexMap<String, Network>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub volumes: IndexMap<String, Volume>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub secrets: IndexMap<String, SecretFile>,
}

#[derive(Debug, Serialize)]
pub struct Service {
    pub image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Mount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Health>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub depends_on: IndexMap<String, Dependency>,
    pub restart: &'static str,
    pub logging: Logging,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub privileged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_add: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_add: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_hosts: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Port {
    pub target: u16,
    pub published: String,
    pub host_ip: String,
    pub protocol: String,
}

#[derive(Debug, Serialize)]
pub struct Mount {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub source: String,
    pub target: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<BindOptions>,
}

#[derive(Debug, Serialize)]
pub struct BindOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propagation: Option<String>,
    /// Rendered directories may be absent (no dashboards yet): Docker creates them empty.
    pub create_host_path: bool,
}

#[derive(Debug, Serialize)]
pub struct SecretRef {
    pub source: String,
    pub target: String,
}

#[derive(Debug, Serialize)]
pub struct Health {
    pub test: Vec<String>,
    pub interval: String,
    pub timeout: String,
    pub retries: u32,
    pub start_period: String,
}

#[derive(Debug, Serialize)]
pub struct Dependency {
    pub condition: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Logging {
    pub driver: &'static str,
    pub options: BTreeMap<&'static str, &'static str>,
}

#[derive(Debug, Default, Serialize)]
pub struct Network {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Volume {}

#[derive(Debug, Serialize)]
pub(crate) struct SecretFile {
    pub file: String,
}
