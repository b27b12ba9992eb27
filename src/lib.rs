//! stackctl: one manifest → a monitoring stack's configs, validated, deployed on Docker.
//!
//! Pipeline: `manifest::load` → `manifest::validate` → `render` → `writer` / `plan` → `docker`.

pub mod atomic_file;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod docker;
pub mod error;
pub mod expr;
pub mod http_client;
pub mod labels;
pub mod lockfile;
pub mod manifest;
pub mod metrics;
pub mod notify_test;
pub mod output;
pub mod plan;
pub mod release_lock;
pub mod render;
pub mod service;
pub mod suggest;
pub mod swarm_plan;
pub mod tools;
pub mod version;
pub mod writer;
